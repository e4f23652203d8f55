/**
 * The DevOps agent (`devops-agent serve`) with its AWS and Kubernetes permissions, each the least its
 * code needs (agent/store/dynamodb-store.ts, agent/queue, agent/intake/sqs-consumer.ts,
 * agent/evidence/{cloudwatch,xray}.ts, agent/remediation/actions/*.ts):
 *
 * AWS (IRSA): the one state table and its index (no DeleteItem: the audit log is append-only), the alarm
 * queue (consume) and the work queue (send and consume), its three secrets (Slack tokens, the operator
 * tokens of its API, the MCP server's API key: GetSecretValue on exactly those), AMP queries on the one
 * workspace, Logs Insights on the cluster's log groups only, and the reads that have no resource-level
 * permissions (CloudWatch GetMetricData, X-Ray traces, Logs Insights results), listed in
 * lib/policy-exceptions.ts.
 *
 * Kubernetes: read what the evidence reads across the cluster (pods and their logs, events, nodes,
 * deployments, replica sets, disruption budgets, network policies); write only what its remediation
 * actions do, and only in the workload's namespace: patch and scale deployments (restart, raise limits,
 * rollback, scale), delete and evict pods; cordon and uncordon nodes (patch). Never cluster-admin, never
 * a write in kube-system.
 */
import { utils, type ClusterAddOn, type ClusterInfo } from '@aws-quickstart/eks-blueprints';
import { ArnFormat, Stack } from 'aws-cdk-lib';
import type { CfnWorkspace } from 'aws-cdk-lib/aws-aps';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { APP_NAMESPACE } from '../lib/kit-sources.js';
import { apply, clusterIpService, deployment, managedBy, namespace, type Manifest } from '../lib/kubernetes.js';
import { output } from '../lib/outputs.js';
import { resourceNames, type KitImage } from '../lib/resources.js';
import { McpServerAddOn, ampQueryActions, mcpServerUrl } from './mcp-server.js';
import { PetAdoptionWorkloadAddOn } from './workload.js';

export const agent = { name: 'devops-agent', namespace: 'devops-agent', port: 18080, servicePort: 8080 } as const;

/**
 * Variables the add-on sets that no option of `devops-agent serve` reads yet, each with why it is set
 * anyway (the consistency test, addons/command-lines.test.ts, allows exactly these).
 */
export const agentEnvReadLater: Record<string, string> = {
  DEVOPS_AGENT_SLACK_SECRET_ARN: 'the Slack secret the stack creates for the Slack notifications of a later issue; set now so the deployed pod needs no change when the agent reads it',
};

/** Log groups the agent's Logs Insights queries may read: Container Insights' and the control plane's. */
export function clusterLogGroups(clusterName: string): string[] {
  return [`/aws/containerinsights/${clusterName}/application`, `/aws/containerinsights/${clusterName}/dataplane`, `/aws/containerinsights/${clusterName}/host`, `/aws/containerinsights/${clusterName}/performance`, `/aws/eks/${clusterName}/cluster`];
}

/** DynamoDB actions of the state store (TransactWriteItems is authorised per item as PutItem/UpdateItem/ConditionCheckItem). */
export const stateTableActions = ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:ConditionCheckItem'];

export interface AgentProps {
  /** Namespaces the agent's actions may change (its --allowed-namespaces); kube-system is refused. */
  allowedNamespaces?: string[];
}

export class AgentAddOn implements ClusterAddOn {
  readonly allowedNamespaces: string[];

  constructor(props: AgentProps = {}) {
    this.allowedNamespaces = props.allowedNamespaces ?? [APP_NAMESPACE];
    if (this.allowedNamespaces.includes('kube-system')) throw new Error('AgentAddOn: the agent never changes kube-system; remove it from allowedNamespaces');
  }

  // The MCP server is its metrics source; the workload's namespace holds the Role its actions use.
  @utils.dependable(McpServerAddOn.name, PetAdoptionWorkloadAddOn.name)
  deploy(clusterInfo: ClusterInfo): Promise<Construct> {
    const cluster = clusterInfo.cluster;
    const stack = Stack.of(cluster);
    const table = clusterInfo.getRequiredResource<dynamodb.Table>(resourceNames.stateTable);
    const alarmQueue = clusterInfo.getRequiredResource<sqs.Queue>(resourceNames.alarmQueue);
    const workQueue = clusterInfo.getRequiredResource<sqs.Queue>(resourceNames.workQueue);
    const slackSecret = clusterInfo.getRequiredResource<secretsmanager.Secret>(resourceNames.slackSecret);
    const operatorTokensSecret = clusterInfo.getRequiredResource<secretsmanager.Secret>(resourceNames.operatorTokensSecret);
    const mcpApiKeySecret = clusterInfo.getRequiredResource<secretsmanager.Secret>(resourceNames.mcpApiKeySecret);
    const workspace = clusterInfo.getRequiredResource<CfnWorkspace>(resourceNames.ampWorkspace);
    const image = clusterInfo.getResourceContext().get<KitImage>(resourceNames.image)!;

    const ns = apply(clusterInfo, 'devops-agent-namespace', namespace(agent.namespace));
    const serviceAccount = cluster.addServiceAccount('devops-agent-sa', { name: agent.name, namespace: agent.namespace });
    serviceAccount.node.addDependency(ns);
    const role = serviceAccount.role;

    role.addToPrincipalPolicy(new iam.PolicyStatement({ sid: 'StateTable', actions: stateTableActions, resources: [table.tableArn, `${table.tableArn}/index/*`] }));
    role.addToPrincipalPolicy(new iam.PolicyStatement({ sid: 'ConsumeAlarms', actions: ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:ChangeMessageVisibility', 'sqs:GetQueueAttributes'], resources: [alarmQueue.queueArn] }));
    role.addToPrincipalPolicy(new iam.PolicyStatement({ sid: 'WorkQueue', actions: ['sqs:SendMessage', 'sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:ChangeMessageVisibility', 'sqs:GetQueueAttributes'], resources: [workQueue.queueArn] }));
    role.addToPrincipalPolicy(new iam.PolicyStatement({ sid: 'SlackTokens', actions: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'], resources: [slackSecret.secretArn] }));
    // Read once at start: who may approve (operator tokens), and the key the agent sends to the MCP server.
    role.addToPrincipalPolicy(new iam.PolicyStatement({ sid: 'ApiCredentials', actions: ['secretsmanager:GetSecretValue'], resources: [operatorTokensSecret.secretArn, mcpApiKeySecret.secretArn] }));
    role.addToPrincipalPolicy(new iam.PolicyStatement({ sid: 'QueryMetrics', actions: ampQueryActions, resources: [workspace.attrArn] }));
    // Its own policy, so the one acknowledgement of its ':*' log-group ARNs (lib/nag.ts) covers nothing else.
    new iam.Policy(stack, 'LogsInsightsOnTheClusterLogGroups', {
      roles: [role],
      statements: [
        new iam.PolicyStatement({
          actions: ['logs:StartQuery'],
          resources: clusterLogGroups(cluster.clusterName).map((group) => stack.formatArn({ service: 'logs', resource: 'log-group', resourceName: `${group}:*`, arnFormat: ArnFormat.COLON_RESOURCE_NAME })),
        }),
      ],
    });
    // The statements below have no resource-level permissions in IAM (lib/policy-exceptions.ts).
    role.addToPrincipalPolicy(new iam.PolicyStatement({ sid: 'LogsInsightsResults', actions: ['logs:GetQueryResults', 'logs:StopQuery'], resources: ['*'] }));
    role.addToPrincipalPolicy(new iam.PolicyStatement({ sid: 'ContainerInsightsMetrics', actions: ['cloudwatch:GetMetricData'], resources: ['*'] }));
    role.addToPrincipalPolicy(new iam.PolicyStatement({ sid: 'Traces', actions: ['xray:GetTraceSummaries', 'xray:BatchGetTraces', 'xray:GetServiceGraph'], resources: ['*'] }));

    const objects = apply(
      clusterInfo,
      'devops-agent',
      ...agentRbac(this.allowedNamespaces),
      deployment({
        name: agent.name,
        namespace: agent.namespace,
        image: image.imageUri,
        command: ['node', 'bin/devops-agent.js', 'serve'],
        port: agent.port,
        replicas: 1,
        serviceAccountName: agent.name,
        env: [
          { name: 'DEVOPS_AGENT_HOST', value: '0.0.0.0' },
          { name: 'DEVOPS_AGENT_PORT', value: String(agent.port) },
          { name: 'DEVOPS_AGENT_STORE', value: 'dynamodb' },
          { name: 'DEVOPS_AGENT_DYNAMODB_TABLE', value: table.tableName },
          { name: 'DEVOPS_AGENT_QUEUE', value: 'sqs' },
          { name: 'DEVOPS_AGENT_WORK_QUEUE_URL', value: workQueue.queueUrl },
          { name: 'DEVOPS_AGENT_ALARM_QUEUE_URL', value: alarmQueue.queueUrl },
          { name: 'DEVOPS_AGENT_MAX_ATTEMPTS', value: String(agentMaxAttempts) },
          { name: 'DEVOPS_AGENT_CLUSTER_NAME', value: cluster.clusterName },
          { name: 'DEVOPS_AGENT_LOG_GROUPS', value: clusterLogGroups(cluster.clusterName).join(',') },
          { name: 'DEVOPS_AGENT_MCP_URL', value: mcpServerUrl },
          { name: 'DEVOPS_AGENT_ALLOWED_NAMESPACES', value: this.allowedNamespaces.join(',') },
          { name: 'DEVOPS_AGENT_OPERATOR_TOKENS_SECRET', value: operatorTokensSecret.secretArn },
          { name: 'DEVOPS_AGENT_MCP_API_KEY_SECRET', value: mcpApiKeySecret.secretArn },
          // Read by no one yet: Slack notifications come with a later issue (agentEnvReadLater).
          { name: 'DEVOPS_AGENT_SLACK_SECRET_ARN', value: slackSecret.secretArn },
          { name: 'AWS_REGION', value: stack.region },
        ],
        resources: { requests: { cpu: '200m', memory: '256Mi' }, limits: { cpu: '1', memory: '512Mi' } },
        health: { liveness: '/healthz', readiness: '/readyz' },
        scrape: true,
      }),
      clusterIpService(agent.name, agent.namespace, agent.servicePort, 'http'),
      agentNetworkPolicy(),
    );
    objects.node.addDependency(serviceAccount);
    output(stack, 'AgentService', `${agent.namespace}/${agent.name}:${agent.servicePort}`, `The agent (namespace/service:port): kubectl port-forward -n ${agent.namespace} svc/${agent.name} ${agent.port}:${agent.servicePort}`);
    return Promise.resolve(objects);
  }
}

/** Namespace of the ADOT collector that scrapes annotated pods into AMP (AmpAddOn's default). */
export const metricsCollectorNamespace = 'default';

/**
 * Nothing in the cluster calls the agent's API: alarms come through SQS, people through an
 * IAM-authenticated `kubectl port-forward` (which no NetworkPolicy sees), kubelet probes from the node
 * (always admitted). Only the metrics collector may connect, to scrape /metrics; so the webhooks, which
 * have no token on EKS (the operator tokens guard approvals and the incidents), are not open to the
 * cluster's other pods.
 */
export function agentNetworkPolicy(): Manifest {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: `${agent.name}-ingress`, namespace: agent.namespace, labels: managedBy },
    spec: {
      podSelector: { matchLabels: { app: agent.name } },
      policyTypes: ['Ingress'],
      ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': metricsCollectorNamespace } } }], ports: [{ protocol: 'TCP', port: agent.port }] }],
    },
  };
}

/** Leases of a job before the agent dead-letters it (its --max-attempts); the work queue's redrive allows one more. */
export const agentMaxAttempts = 5;

/** Labels of the agent's pods (the MCP server's NetworkPolicy admits them). */
export const agentPodLabels = { app: agent.name };

export function agentRbac(allowedNamespaces: string[]): Manifest[] {
  const reader: Manifest = {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRole',
    metadata: { name: 'devops-agent-evidence', labels: managedBy },
    rules: [
      { apiGroups: [''], resources: ['pods', 'pods/log', 'events', 'nodes', 'namespaces'], verbs: ['get', 'list', 'watch'] },
      { apiGroups: ['apps'], resources: ['deployments', 'replicasets'], verbs: ['get', 'list', 'watch'] },
      { apiGroups: ['policy'], resources: ['poddisruptionbudgets'], verbs: ['get', 'list'] },
      { apiGroups: ['networking.k8s.io'], resources: ['networkpolicies'], verbs: ['get', 'list'] },
      // cordon-node / uncordon-node / drain-node set spec.unschedulable: nodes are cluster-scoped.
      { apiGroups: [''], resources: ['nodes'], verbs: ['patch'] },
    ],
  };
  const subject = { kind: 'ServiceAccount', name: agent.name, namespace: agent.namespace };
  const remediator = (ns: string): Manifest[] => [
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: { name: 'devops-agent-remediation', namespace: ns, labels: managedBy },
      rules: [
        // rollout-restart, raise-limits, rollback: patch the Deployment; scale-deployment: its scale subresource.
        { apiGroups: ['apps'], resources: ['deployments'], verbs: ['patch'] },
        { apiGroups: ['apps'], resources: ['deployments/scale'], verbs: ['get', 'patch'] },
        // delete-pod, and drain-node's evictions (which honour disruption budgets).
        { apiGroups: [''], resources: ['pods'], verbs: ['delete'] },
        { apiGroups: [''], resources: ['pods/eviction'], verbs: ['create'] },
      ],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: 'devops-agent-remediation', namespace: ns, labels: managedBy },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'devops-agent-remediation' },
      subjects: [subject],
    },
  ];
  return [
    reader,
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: 'devops-agent-evidence', labels: managedBy },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'devops-agent-evidence' },
      subjects: [subject],
    },
    ...allowedNamespaces.flatMap(remediator),
  ];
}
