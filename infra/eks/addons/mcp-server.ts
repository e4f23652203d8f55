/**
 * The Prometheus MCP server (`prometheus-mcp --transport http`) in its own namespace, reading the
 * cluster's AMP workspace with SigV4 through IRSA: query, series, labels and metadata on that one
 * workspace, and its own API key (the stack's McpApiKeySecret), nothing else. Authentication is on: every
 * request to the MCP endpoint needs that key (`Authorization: Bearer <key>` or `X-API-Key: <key>`);
 * /healthz stays open for the probes.
 *
 * Who can reach it: a ClusterIP Service (no load balancer), and a NetworkPolicy (enforced by the VPC
 * CNI's network policy agent) that admits only the DevOps agent's pods. People and MCP clients come
 * in through `kubectl port-forward`, which the Kubernetes API authenticates with IAM and authorises
 * with RBAC (pods/portforward); docs/deploy-eks.md shows the port-forward and the registration with the
 * AWS DevOps Agent (streamable HTTP, tool names of at most 64 characters).
 */
import type { ClusterAddOn, ClusterInfo } from '@aws-quickstart/eks-blueprints';
import type { CfnWorkspace } from 'aws-cdk-lib/aws-aps';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { apply, clusterIpService, deployment, managedBy, namespace } from '../lib/kubernetes.js';
import { output } from '../lib/outputs.js';
import { resourceNames, type KitImage } from '../lib/resources.js';

export const mcpServer = { name: 'prometheus-mcp', namespace: 'prometheus-mcp', port: 18081, servicePort: 8080, path: '/mcp' } as const;

/** In-cluster URL of the MCP endpoint (what the agent's DEVOPS_AGENT_MCP_URL is set to). */
export const mcpServerUrl = `http://${mcpServer.name}.${mcpServer.namespace}.svc.cluster.local:${mcpServer.servicePort}${mcpServer.path}`;

/** Read-only AMP query actions the server's SigV4 client makes. */
export const ampQueryActions = ['aps:QueryMetrics', 'aps:GetSeries', 'aps:GetLabels', 'aps:GetMetricMetadata'];

export interface McpServerProps {
  /** Labels of the pods allowed to call the server (the agent's). */
  clientPodLabels: Record<string, string>;
  clientNamespace: string;
}

export class McpServerAddOn implements ClusterAddOn {
  constructor(private readonly props: McpServerProps) {}

  deploy(clusterInfo: ClusterInfo): Promise<Construct> {
    const cluster = clusterInfo.cluster;
    const workspace = clusterInfo.getRequiredResource<CfnWorkspace>(resourceNames.ampWorkspace);
    const apiKeySecret = clusterInfo.getRequiredResource<secretsmanager.Secret>(resourceNames.mcpApiKeySecret);
    const image = clusterInfo.getResourceContext().get<KitImage>(resourceNames.image)!;

    const ns = apply(clusterInfo, 'prometheus-mcp-namespace', namespace(mcpServer.namespace));
    const serviceAccount = cluster.addServiceAccount('prometheus-mcp-sa', { name: mcpServer.name, namespace: mcpServer.namespace });
    serviceAccount.node.addDependency(ns);
    serviceAccount.role.addToPrincipalPolicy(new iam.PolicyStatement({ sid: 'QueryTheWorkspace', actions: [...ampQueryActions, 'aps:DescribeWorkspace'], resources: [workspace.attrArn] }));
    serviceAccount.role.addToPrincipalPolicy(new iam.PolicyStatement({ sid: 'ReadTheApiKey', actions: ['secretsmanager:GetSecretValue'], resources: [apiKeySecret.secretArn] }));

    const host = `${mcpServer.name}.${mcpServer.namespace}.svc.cluster.local`;
    const objects = apply(
      clusterInfo,
      'prometheus-mcp',
      deployment({
        name: mcpServer.name,
        namespace: mcpServer.namespace,
        image: image.imageUri,
        // The Host check (DNS-rebinding protection) admits the Service's names besides localhost (port-forward).
        command: ['node', 'bin/prometheus-mcp.js', 'serve', '--transport', 'http', '--allowed-host', host, '--allowed-host', `${mcpServer.name}.${mcpServer.namespace}.svc`, '--allowed-host', `${host}:${mcpServer.servicePort}`],
        port: mcpServer.port,
        replicas: 1,
        serviceAccountName: mcpServer.name,
        env: [
          { name: 'MCP_HOST', value: '0.0.0.0' },
          { name: 'MCP_PORT', value: String(mcpServer.port) },
          { name: 'AMP_WORKSPACE_ID', value: workspace.attrWorkspaceId },
          { name: 'AWS_REGION', value: cluster.stack.region },
          { name: 'PROMETHEUS_MCP_API_KEY_SECRET', value: apiKeySecret.secretArn },
        ],
        resources: { requests: { cpu: '100m', memory: '192Mi' }, limits: { cpu: '500m', memory: '384Mi' } },
        health: { liveness: '/healthz', readiness: '/readyz' },
        scrape: false,
      }),
      clusterIpService(mcpServer.name, mcpServer.namespace, mcpServer.servicePort, 'http'),
      {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'NetworkPolicy',
        metadata: { name: `${mcpServer.name}-clients`, namespace: mcpServer.namespace, labels: managedBy },
        spec: {
          podSelector: { matchLabels: { app: mcpServer.name } },
          policyTypes: ['Ingress'],
          ingress: [
            {
              from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': this.props.clientNamespace } }, podSelector: { matchLabels: this.props.clientPodLabels } }],
              ports: [{ protocol: 'TCP', port: mcpServer.port }],
            },
          ],
        },
      },
    );
    objects.node.addDependency(serviceAccount);
    output(cluster, 'McpService', `${mcpServer.namespace}/${mcpServer.name}:${mcpServer.servicePort}`, `The MCP server (namespace/service:port): kubectl port-forward -n ${mcpServer.namespace} svc/${mcpServer.name} ${mcpServer.port}:${mcpServer.servicePort}`);
    return Promise.resolve(objects);
  }
}
