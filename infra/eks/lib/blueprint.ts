/**
 * The eks target as one EKS Blueprints stack: the cluster (new, or imported), the observability
 * add-ons, Chaos Mesh, the workload, the agent and the MCP server, FIS, the scenarios' alarms ->
 * EventBridge -> SQS, the agent's table, its Slack, operator-token and MCP-key secrets, and the outputs
 * run-scenario reads.
 */
import * as blueprints from '@aws-quickstart/eks-blueprints';
import { Aws, Duration, Tags, type App, type Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import type { CfnWorkspace } from 'aws-cdk-lib/aws-aps';
import * as eks from 'aws-cdk-lib/aws-eks';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AgentAddOn, agent, agentMaxAttempts, agentPodLabels } from '../addons/agent.js';
import { ChaosMeshAddOn } from '../addons/chaos-mesh.js';
import { FisAddOn } from '../addons/fis.js';
import { McpServerAddOn } from '../addons/mcp-server.js';
import { ScenarioAlarmsAddOn } from '../addons/scenario-alarms.js';
import { PetAdoptionWorkloadAddOn } from '../addons/workload.js';
import { XrayCollectorAddOn, xrayDaemonAddress } from '../addons/xray-collector.js';
import { prometheusRulesYaml, scenarioResources, type ScenarioResources } from './kit-sources.js';
import { applyNagSuppressions } from './nag.js';
import { output } from './outputs.js';
import {
  AgentQueueProvider,
  AgentStateTableProvider,
  ImportedVpcProvider,
  KitImageProvider,
  KitVpcProvider,
  McpApiKeySecretProvider,
  OperatorTokensSecretProvider,
  SlackSecretProvider,
  resourceNames,
  rootDockerfile,
  type ImageSource,
} from './resources.js';
import type { EksVersion, KitSettings, OptionalAddOn } from './settings.js';

const kubernetesVersions: Record<EksVersion, eks.KubernetesVersion> = {
  '1.35': eks.KubernetesVersion.V1_35,
  '1.34': eks.KubernetesVersion.V1_34,
  '1.33': eks.KubernetesVersion.V1_33,
};

export interface BuildOptions {
  /** Where the kit's image comes from; default: the root Dockerfile, built at deploy time (or the `image` setting). */
  imageSource?: ImageSource;
  /** The scenarios to generate FIS templates and alarms from; default: every folder under scenarios/. */
  scenarios?: ScenarioResources[];
}

export interface IncidentKit {
  stack: Stack;
  clusterInfo: blueprints.ClusterInfo;
  scenarios: ScenarioResources[];
}

/** Builds the stack (Blueprints resolves add-ons asynchronously: await it before synth). */
export async function buildIncidentKit(app: App, settings: KitSettings, options: BuildOptions = {}): Promise<IncidentKit> {
  const version = kubernetesVersions[settings.eksVersion];
  const scenarios = options.scenarios ?? scenarioResources({ region: Aws.REGION, accountId: Aws.ACCOUNT_ID, clusterName: settings.clusterName });
  const skip = (name: OptionalAddOn) => settings.skipAddOns.includes(name);
  const ampWorkspace = blueprints.getNamedResource<CfnWorkspace>(resourceNames.ampWorkspace);

  // Blueprints' CoreAddOn resolves version "auto" by calling EKS (DescribeAddonVersions) at synth; pinning
  // the version it would fall back to keeps synth offline and the deployment reproducible.
  const pinned = <T extends { coreAddOnProps: { versionMap?: Map<eks.KubernetesVersion, string> } }>(make: (v?: string) => T): T => make(make().coreAddOnProps.versionMap?.get(version));

  const addOns: blueprints.ClusterAddOn[] = [
    ...(skip('vpc-cni') ? [] : [pinned((v) => new blueprints.VpcCniAddOn({ version: v ?? 'auto', enableNetworkPolicy: true }))]),
    ...(skip('coredns') ? [] : [pinned((v) => new blueprints.CoreDnsAddOn(v ?? 'auto'))]),
    ...(skip('kube-proxy') ? [] : [pinned((v) => new blueprints.KubeProxyAddOn(v ?? 'auto'))]),
    ...(skip('aws-load-balancer-controller') ? [] : [new blueprints.AwsLoadBalancerControllerAddOn()]),
    ...(skip('metrics-server') ? [] : [new blueprints.MetricsServerAddOn()]),
    ...(skip('kube-state-metrics') ? [] : [new blueprints.KubeStateMetricsAddOn()]),
    ...(skip('node-exporter') ? [] : [new blueprints.PrometheusNodeExporterAddOn()]),
    ...(skip('cert-manager') ? [] : [new blueprints.CertManagerAddOn()]),
    ...(skip('adot') ? [] : [pinned((v) => new blueprints.AdotCollectorAddOn({ version: v ?? 'auto' }))]),
    ...(skip('amp')
      ? []
      : [
          new blueprints.AmpAddOn({
            ampPrometheusEndpoint: ampWorkspace.attrPrometheusEndpoint,
            // The same rules the local target's Prometheus loads (infra/local/deploy/rules.ts), rendered at synth.
            ampRules: { ampWorkspaceArn: ampWorkspace.attrArn, ruleFilePaths: [writeRulesFile(app)] },
          }),
        ]),
    ...(skip('container-insights') ? [] : [pinned((v) => new blueprints.CloudWatchInsights({ version: v ?? 'auto' }))]),
    // X-Ray segments over UDP (the workload's) and OTLP, to X-Ray: Blueprints' XrayAdotAddOn receives OTLP only.
    ...(skip('xray') ? [] : [new XrayCollectorAddOn()]),
    new ChaosMeshAddOn(),
    new PetAdoptionWorkloadAddOn(skip('xray') ? {} : { xrayDaemonAddress }),
    new ScenarioAlarmsAddOn(scenarios),
    new McpServerAddOn({ clientNamespace: agent.namespace, clientPodLabels: agentPodLabels }),
    new AgentAddOn(),
    new FisAddOn(scenarios),
  ];

  const imageSource: ImageSource = options.imageSource ?? (settings.image ? { kind: 'prebuilt', imageUri: settings.image } : rootDockerfile);
  const builder = blueprints.EksBlueprint.builder()
    .name(settings.clusterName)
    .version(version)
    .account(settings.account)
    .region(settings.region)
    // The key that encrypts the cluster's Kubernetes secrets, rotated yearly.
    .resourceProvider(blueprints.GlobalResources.KmsKey, new blueprints.CreateKmsKeyProvider(`alias/${settings.clusterName}-secrets`, { enableKeyRotation: true }))
    .resourceProvider(resourceNames.vpc, settings.importCluster ? new ImportedVpcProvider(settings.importCluster.vpcId) : new KitVpcProvider(settings.natGateways))
    .resourceProvider(resourceNames.ampWorkspace, new blueprints.CreateAmpProvider(resourceNames.ampWorkspace, settings.clusterName))
    .resourceProvider(resourceNames.stateTable, new AgentStateTableProvider())
    // Alarm events: a message the agent cannot take after 5 receives is a bad one; keep it for a person.
    .resourceProvider(resourceNames.alarmQueue, new AgentQueueProvider('AlarmQueue', 5, Duration.minutes(2)))
    .resourceProvider(resourceNames.workQueue, new AgentQueueProvider('WorkQueue', agentMaxAttempts + 1, Duration.minutes(2)))
    .resourceProvider(resourceNames.slackSecret, new SlackSecretProvider())
    .resourceProvider(resourceNames.operatorTokensSecret, new OperatorTokensSecretProvider())
    .resourceProvider(resourceNames.mcpApiKeySecret, new McpApiKeySecretProvider())
    .resourceProvider(resourceNames.image, new KitImageProvider(imageSource))
    .clusterProvider(clusterProvider(settings, version))
    .addOns(...addOns);
  // Every control-plane log type: the agent's Logs Insights reads /aws/eks/<cluster>/cluster (audit and scheduler tell evictions and failed placements).
  if (!settings.importCluster) builder.enableControlPlaneLogTypes(...Object.values(blueprints.ControlPlaneLogType));

  const stack = await builder.buildAsync(app, settings.clusterName);
  Tags.of(stack).add('eks-incident-kit', settings.clusterName);
  const clusterInfo = stack.getClusterInfo();
  addOutputs(stack, clusterInfo);
  applyNagSuppressions(stack, clusterInfo.cluster.node.id);
  return { stack, clusterInfo, scenarios };
}

function clusterProvider(settings: KitSettings, version: eks.KubernetesVersion): blueprints.ClusterProvider {
  if (settings.importCluster) {
    const imported = settings.importCluster;
    return new blueprints.ImportClusterProvider({
      clusterName: imported.clusterName,
      version,
      kubectlRoleArn: imported.kubectlRoleArn,
      clusterSecurityGroupId: imported.clusterSecurityGroupId,
      openIdConnectProvider: blueprints.getResource((context) => iam.OpenIdConnectProvider.fromOpenIdConnectProviderArn(context.scope, 'ImportedOidcProvider', imported.openIdConnectProviderArn)),
    });
  }
  const [family, size] = settings.nodeInstanceType.split('.') as [string, string];
  return new blueprints.GenericClusterProvider({
    clusterName: settings.clusterName,
    version,
    // EKS access entries (the FIS role's) need the API authentication mode; the config map stays for tools that still use it.
    authenticationMode: eks.AuthenticationMode.API_AND_CONFIG_MAP,
    managedNodeGroups: [
      {
        id: 'workers',
        instanceTypes: [new ec2.InstanceType(`${family}.${size}`)],
        minSize: settings.nodeCount,
        desiredSize: settings.nodeCount,
        maxSize: settings.nodeCount + 2,
        nodeGroupCapacityType: settings.capacityType === 'spot' ? eks.CapacityType.SPOT : eks.CapacityType.ON_DEMAND,
        amiType: eks.NodegroupAmiType.AL2023_X86_64_STANDARD,
      },
    ],
  });
}

/** AmpAddOn reads rules from files: the rendered rules go to the cloud assembly's folder, beside the template. */
function writeRulesFile(app: App): string {
  const dir = join(app.outdir, 'generated');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'prometheus-rules.yaml');
  writeFileSync(file, prometheusRulesYaml());
  return file;
}

/** The stack's own outputs; each add-on adds its own (FIS templates, alarms, the agent's and MCP server's services). */
function addOutputs(stack: Stack, clusterInfo: blueprints.ClusterInfo): void {
  const resources = clusterInfo.getResourceContext();
  output(stack, 'ClusterName', clusterInfo.cluster.clusterName, 'EKS cluster (aws eks update-kubeconfig --name <this>)');
  output(stack, 'AmpWorkspaceId', resources.get<CfnWorkspace>(resourceNames.ampWorkspace)!.attrWorkspaceId, 'Amazon Managed Service for Prometheus workspace (the MCP server queries it)');
  output(stack, 'AlarmQueueUrl', resources.get<sqs.Queue>(resourceNames.alarmQueue)!.queueUrl, "SQS queue EventBridge delivers the scenarios' alarm state changes to");
  output(stack, 'WorkQueueUrl', resources.get<sqs.Queue>(resourceNames.workQueue)!.queueUrl, "SQS queue of the agent's investigation jobs");
  output(stack, 'AgentStateTableName', resources.get<dynamodb.Table>(resourceNames.stateTable)!.tableName, "DynamoDB table of the agent's state");
  output(stack, 'SlackSecretArn', resources.get<secretsmanager.Secret>(resourceNames.slackSecret)!.secretArn, 'Secrets Manager secret to put the Slack tokens in');
  output(stack, 'OperatorTokensSecretArn', resources.get<secretsmanager.Secret>(resourceNames.operatorTokensSecret)!.secretArn, "Secrets Manager secret of the agent's operator tokens (approve/reject): aws secretsmanager get-secret-value --secret-id <this>");
  output(stack, 'McpApiKeySecretArn', resources.get<secretsmanager.Secret>(resourceNames.mcpApiKeySecret)!.secretArn, "Secrets Manager secret of the MCP server's API key (Authorization: Bearer <key>)");
}
