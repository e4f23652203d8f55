/**
 * The app's settings, from CDK context (`cdk deploy -c nodeCount=4`, or the `context` of cdk.json), then
 * the preset's values, then the defaults. Everything is checked here once, with errors that name the
 * key, say what was given and what would do, so a typo fails at synth and not half-way through a
 * 20-minute deployment. docs/deploy-eks.md lists the keys.
 *
 * Nothing here calls AWS: region and account come from context or the CLI's environment
 * (CDK_DEFAULT_REGION / CDK_DEFAULT_ACCOUNT), and without an account the stack stays account-agnostic,
 * so `cdk synth` works offline and without credentials.
 */
import { z } from 'zod';

/** EKS versions this app is tested with; the first is the default (the newest Blueprints 1.19 supports). */
export const supportedEksVersions = ['1.35', '1.34', '1.33'] as const;
export type EksVersion = (typeof supportedEksVersions)[number];

/** Cluster add-ons a user may leave out (an imported cluster often has some already). */
export const optionalAddOns = [
  'vpc-cni',
  'coredns',
  'kube-proxy',
  'aws-load-balancer-controller',
  'metrics-server',
  'kube-state-metrics',
  'node-exporter',
  'cert-manager',
  'adot',
  'amp',
  'container-insights',
  'xray',
] as const;
export type OptionalAddOn = (typeof optionalAddOns)[number];

/**
 * Cluster basics a One Observability (or any other existing) cluster already runs: an imported
 * cluster skips them, because creating an EKS managed add-on or a Helm release that exists fails the
 * deployment. Anything else it already has goes in `-c skipAddOns=...`.
 */
export const importedClusterSkips: readonly OptionalAddOn[] = ['vpc-cni', 'coredns', 'kube-proxy', 'metrics-server', 'container-insights'];

/** Hard dependencies between Blueprints add-ons (their @dependable declarations): leaving one out leaves out what needs it. */
export const addOnNeeds: Partial<Record<OptionalAddOn, OptionalAddOn[]>> = {
  'cert-manager': ['aws-load-balancer-controller'],
  adot: ['cert-manager'],
  amp: ['adot'],
  xray: ['adot'],
};

export interface ImportedCluster {
  clusterName: string;
  /** Role the CDK kubectl handler assumes to apply manifests and Helm charts (mapped to system:masters or an admin access entry). */
  kubectlRoleArn: string;
  /** The cluster's IAM OIDC provider, for IRSA service accounts. */
  openIdConnectProviderArn: string;
  vpcId: string;
  /** The cluster security group EKS created (Blueprints orders kube-system objects after it). */
  clusterSecurityGroupId: string;
}

export interface KitSettings {
  preset: 'default' | 'workshop';
  region?: string;
  account?: string;
  /** Also the stack's name and the `clusterName` the scenarios' templates and alarms use. */
  clusterName: string;
  eksVersion: EksVersion;
  nodeInstanceType: string;
  nodeCount: number;
  capacityType: 'on-demand' | 'spot';
  natGateways: number;
  /** Set when the kit deploys into an existing cluster instead of creating one. */
  importCluster?: ImportedCluster;
  /** A prebuilt image of the kit (agent, MCP server, workload); by default CDK builds the root Dockerfile at deploy time. */
  image?: string;
  skipAddOns: OptionalAddOn[];
}

export class SettingsError extends Error {
  override name = 'SettingsError';
}

interface Preset {
  describe: string;
  values: Partial<Pick<KitSettings, 'nodeInstanceType' | 'nodeCount' | 'capacityType' | 'natGateways'>>;
}

/** `-c preset=workshop`: what a one-day workshop needs, for less (docs/deploy-eks.md has the prices). */
export const presets: Record<KitSettings['preset'], Preset> = {
  default: { describe: '3 x t3.large on-demand, one NAT gateway per availability zone', values: { nodeInstanceType: 't3.large', nodeCount: 3, capacityType: 'on-demand', natGateways: 2 } },
  workshop: { describe: '3 x t3.large Spot, one NAT gateway', values: { nodeInstanceType: 't3.large', nodeCount: 3, capacityType: 'spot', natGateways: 1 } },
};

/** Every context key the app reads, with its description (used for errors and docs/deploy-eks.md). */
export const contextKeys = {
  preset: 'default | workshop (cheaper: Spot nodes, one NAT gateway)',
  region: 'AWS region (default: CDK_DEFAULT_REGION from your AWS CLI profile)',
  account: 'AWS account id (default: CDK_DEFAULT_ACCOUNT; without one the stack is account-agnostic)',
  clusterName: 'EKS cluster name, also the stack name (default eks-incident-kit)',
  eksVersion: `Kubernetes version: ${supportedEksVersions.join(', ')} (default ${supportedEksVersions[0]})`,
  nodeInstanceType: 'worker node instance type (default t3.large)',
  nodeCount: 'worker nodes in the managed node group, 2 to 20 (default 3)',
  capacityType: 'on-demand | spot',
  natGateways: 'NAT gateways of the new VPC, 1 to 3',
  existingClusterName: 'import this existing cluster instead of creating one (then also kubectlRoleArn, openIdConnectProviderArn, vpcId, clusterSecurityGroupId)',
  kubectlRoleArn: 'imported cluster: IAM role with cluster-admin access that CloudFormation uses to apply manifests',
  openIdConnectProviderArn: "imported cluster: ARN of the cluster's IAM OIDC provider (for IRSA)",
  vpcId: "imported cluster: the cluster's VPC id",
  clusterSecurityGroupId: 'imported cluster: the cluster security group EKS created (resourcesVpcConfig.clusterSecurityGroupId)',
  image: 'prebuilt image URI of the kit (default: build ../../Dockerfile at deploy time)',
  skipAddOns: `comma-separated add-ons to leave out: ${optionalAddOns.join(', ')}`,
} as const;

type ContextReader = (key: string) => unknown;

/** Reads and validates the settings; `context` is `app.node.tryGetContext` (or a plain object in tests). */
export function readSettings(context: ContextReader | Record<string, unknown>, env: NodeJS.ProcessEnv = process.env): KitSettings {
  const get: ContextReader = typeof context === 'function' ? context : (key) => context[key];
  const text = (key: keyof typeof contextKeys): string | undefined => {
    const value = get(key);
    if (value === undefined || value === null || value === '') return undefined;
    if (typeof value !== 'string' && typeof value !== 'number') throw new SettingsError(`context ${key} must be a string or a number (got ${JSON.stringify(value)}); ${contextKeys[key]}`);
    return String(value).trim();
  };

  const presetName = text('preset') ?? 'default';
  if (!(presetName in presets)) throw new SettingsError(`context preset=${presetName} is not a preset; use one of: ${Object.entries(presets).map(([n, p]) => `${n} (${p.describe})`).join(', ')}`);
  const preset = presets[presetName as KitSettings['preset']].values;

  const region = text('region') ?? env.CDK_DEFAULT_REGION;
  if (region !== undefined && !/^[a-z]{2}(-gov)?-[a-z]+-\d$/.test(region)) throw new SettingsError(`context region=${region} is not an AWS region name (e.g. us-west-2)`);
  const account = text('account') ?? env.CDK_DEFAULT_ACCOUNT;
  if (account !== undefined && !/^\d{12}$/.test(account)) throw new SettingsError(`context account=${account} is not a 12-digit AWS account id`);

  const existingClusterName = text('existingClusterName');
  const clusterName = existingClusterName ?? text('clusterName') ?? 'eks-incident-kit';
  if (!/^[a-zA-Z][a-zA-Z0-9-]{0,99}$/.test(clusterName)) throw new SettingsError(`context clusterName=${clusterName} is not a valid EKS cluster name (letters, digits and hyphens, starting with a letter, at most 100)`);

  const eksVersion = text('eksVersion') ?? supportedEksVersions[0];
  if (!(supportedEksVersions as readonly string[]).includes(eksVersion)) throw new SettingsError(`context eksVersion=${eksVersion} is not supported; use one of ${supportedEksVersions.join(', ')}`);

  const nodeInstanceType = text('nodeInstanceType') ?? preset.nodeInstanceType!;
  if (!/^[a-z][a-z0-9-]*\.[a-z0-9]+$/.test(nodeInstanceType)) throw new SettingsError(`context nodeInstanceType=${nodeInstanceType} is not an EC2 instance type (e.g. t3.large)`);

  const nodeCount = integer('nodeCount', text('nodeCount'), preset.nodeCount!, 2, 20, 'node-pressure evicts pods to the other nodes, so the kit needs at least 2');
  const natGateways = integer('natGateways', text('natGateways'), preset.natGateways!, 1, 3, 'one per availability zone at most');

  const capacityType = text('capacityType') ?? preset.capacityType!;
  if (capacityType !== 'on-demand' && capacityType !== 'spot') throw new SettingsError(`context capacityType=${capacityType} must be on-demand or spot`);

  let importCluster: ImportedCluster | undefined;
  if (existingClusterName) {
    const missing = (['kubectlRoleArn', 'openIdConnectProviderArn', 'vpcId', 'clusterSecurityGroupId'] as const).filter((key) => text(key) === undefined);
    if (missing.length) {
      throw new SettingsError(
        `importing cluster ${existingClusterName} needs ${missing.map((k) => `-c ${k}=...`).join(' ')} (${missing.map((k) => contextKeys[k]).join('; ')}); ` +
          `aws eks describe-cluster --name ${existingClusterName} shows the OIDC issuer, the VPC and the cluster security group`,
      );
    }
    importCluster = {
      clusterName: existingClusterName,
      kubectlRoleArn: arn('kubectlRoleArn', text('kubectlRoleArn')!, /^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/),
      openIdConnectProviderArn: arn('openIdConnectProviderArn', text('openIdConnectProviderArn')!, /^arn:aws[a-z-]*:iam::\d{12}:oidc-provider\/.+$/),
      vpcId: arn('vpcId', text('vpcId')!, /^vpc-[0-9a-f]{8,17}$/),
      clusterSecurityGroupId: arn('clusterSecurityGroupId', text('clusterSecurityGroupId')!, /^sg-[0-9a-f]{8,17}$/),
    };
  } else {
    for (const key of ['kubectlRoleArn', 'openIdConnectProviderArn', 'vpcId', 'clusterSecurityGroupId'] as const) {
      if (text(key) !== undefined) throw new SettingsError(`context ${key} only applies to an imported cluster; add -c existingClusterName=<cluster> or drop ${key}`);
    }
  }

  const image = text('image');
  if (image !== undefined && !/^[a-z0-9.-]+(:\d+)?\/[a-z0-9._/-]+(:[\w.-]+|@sha256:[0-9a-f]{64})$/.test(image)) {
    throw new SettingsError(`context image=${image} is not an image reference with a tag or digest (e.g. 123456789012.dkr.ecr.us-west-2.amazonaws.com/eks-incident-kit:1.0.0)`);
  }

  const skipText = text('skipAddOns');
  const skipped = skipText ? skipText.split(',').map((s) => s.trim()).filter(Boolean) : [];
  const unknown = skipped.filter((name) => !(optionalAddOns as readonly string[]).includes(name));
  if (unknown.length) throw new SettingsError(`context skipAddOns names unknown add-ons: ${unknown.join(', ')}; the add-ons that can be left out are ${optionalAddOns.join(', ')}`);
  const skipAddOns = [...new Set([...(importCluster ? importedClusterSkips : []), ...(skipped as OptionalAddOn[])])];
  for (const [addOn, needs] of Object.entries(addOnNeeds) as [OptionalAddOn, OptionalAddOn[]][]) {
    const missing = needs.filter((need) => skipAddOns.includes(need));
    if (!skipAddOns.includes(addOn) && missing.length) throw new SettingsError(`skipAddOns: ${addOn} needs ${missing.join(', ')} (EKS Blueprints installs it after); leave out ${addOn} too, or keep ${missing.join(', ')}`);
  }

  return { preset: presetName as KitSettings['preset'], region, account, clusterName, eksVersion: eksVersion as EksVersion, nodeInstanceType, nodeCount, capacityType, natGateways, importCluster, image, skipAddOns };
}

function integer(key: string, value: string | undefined, fallback: number, min: number, max: number, why: string): number {
  if (value === undefined) return fallback;
  const parsed = z.coerce.number().int().min(min).max(max).safeParse(value);
  if (!parsed.success) throw new SettingsError(`context ${key}=${value} must be a whole number from ${min} to ${max} (${why})`);
  return parsed.data;
}

function arn(key: string, value: string, pattern: RegExp): string {
  if (!pattern.test(value)) throw new SettingsError(`context ${key}=${value} does not look right; ${contextKeys[key as keyof typeof contextKeys]}`);
  return value;
}
