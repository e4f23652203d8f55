/**
 * cdk-nag AwsSolutions acknowledgements: every finding the stack keeps, with why. A finding not listed
 * here fails `cdk synth` (bin/app.ts) and the tests (test/nag.test.ts). Findings of the kit's own
 * resources are acknowledged one by one (rule and finding id, on the one construct), so a new wildcard
 * in the agent's or FIS's policy fails; the machinery that aws-cdk-lib's EKS module and EKS Blueprints
 * create (the cluster's resource providers, node role, controller roles) is acknowledged per rule on
 * its construct, since the kit does not write those policies and cannot narrow them.
 */
import { Validations, type CfnResource, type Stack } from 'aws-cdk-lib';
import { AwsSolutionsChecks, NagRuleCompliance, type IApplyRule } from 'cdk-nag';
import type { IConstruct } from 'constructs';

export interface Acknowledgement {
  /**
   * Construct path below the stack; `{cluster}` stands for the cluster construct (named after the
   * cluster). A pattern matches every construct whose path it matches.
   */
  path: string | RegExp;
  ids: string[];
  reason: string;
}

export const acknowledgements: Acknowledgement[] = [
  // --- the kit's own resources -----------------------------------------------------------------------
  {
    path: '{cluster}/devops-agent-sa/Role/DefaultPolicy/Resource',
    ids: ['AwsSolutions-IAM5[Resource::*]'],
    reason: 'cloudwatch:GetMetricData, logs:GetQueryResults, logs:StopQuery and the X-Ray reads (GetTraceSummaries, BatchGetTraces, GetServiceGraph) have no resource-level permissions in IAM; every other statement names its resource.',
  },
  {
    path: '{cluster}/devops-agent-sa/Role/DefaultPolicy/Resource',
    ids: ['AwsSolutions-IAM5[Resource::<AgentStateTable74E748E9.Arn>/index/*]'],
    reason: "Query on the state table's GSI1 index (the incident list and the audit log); the only index of the one table.",
  },
  {
    path: 'LogsInsightsOnTheClusterLogGroups/Resource',
    ids: ['AwsSolutions-IAM5[*]'],
    reason: "logs:StartQuery names each of the cluster's log groups (Container Insights' four and the control plane's); the ':*' suffix is how IAM names a log group's streams, not a wildcard over groups.",
  },
  {
    path: 'Fis/ExperimentRole/DefaultPolicy/Resource',
    ids: ['AwsSolutions-IAM5[Resource::*]'],
    reason: "ec2:DescribeSubnets (needed by FIS's aws:eks:pod-* actions) and the CloudWatch Logs log-delivery actions (logs:CreateLogDelivery, PutResourcePolicy, DescribeResourcePolicies, DescribeLogGroups) have no resource-level permissions; eks:DescribeCluster names the cluster.",
  },
  {
    path: 'SlackSecret/Resource',
    ids: ['AwsSolutions-SMG4'],
    reason: 'Slack bot tokens and signing secrets are issued and rotated in Slack, not by a rotation Lambda; the operator puts new values with put-secret-value (docs/deploy-eks.md).',
  },
  {
    path: 'OperatorTokensSecret/Resource',
    ids: ['AwsSolutions-SMG4'],
    reason: "No rotation Lambda: the agent reads its operator tokens once, at start, so a rotation is a new value (put-secret-value) followed by a restart of the agent, which an operator does on purpose and tells the token holders (docs/deploy-eks.md, Secrets).",
  },
  {
    path: 'McpApiKeySecret/Resource',
    ids: ['AwsSolutions-SMG4'],
    reason: "No rotation Lambda: the MCP server and the agent read the key once, at start, and an AWS DevOps Agent registration holds a copy; a rotation is a new value, a restart of both and a new registration, done on purpose (docs/deploy-eks.md, Secrets).",
  },
  {
    path: '{cluster}/xray-collector-sa/Role/DefaultPolicy/Resource',
    ids: ['AwsSolutions-IAM5[Resource::*]'],
    reason: 'xray:PutTraceSegments and xray:PutTelemetryRecords have no resource-level permissions in IAM; the role has nothing else.',
  },
  {
    path: '{cluster}/Resource/Resource/Default',
    ids: ['AwsSolutions-EKS1'],
    reason: "The public endpoint serves the deployer's kubectl, run-scenario and the CloudFormation kubectl handler; access is authenticated by IAM (EKS access entries) and authorised by RBAC. A private-only cluster needs a bastion or VPN, which the kit does not assume.",
  },
  // --- aws-cdk-lib's EKS module and EKS Blueprints ---------------------------------------------------
  {
    path: '@aws-cdk--aws-eks.ClusterResourceProvider',
    ids: ['AwsSolutions-IAM4[*]', 'AwsSolutions-IAM5[*]', 'AwsSolutions-SF1', 'AwsSolutions-SF2', 'AwsSolutions-L1'],
    reason: "aws-cdk-lib's EKS cluster resource provider (nested stack): its Lambda roles use AWSLambdaBasicExecutionRole and invoke their own functions' versions (':*'); its waiter state machine is internal to one deployment. Not configurable.",
  },
  {
    // A new cluster's kubectl provider, or an imported cluster's (<stack><cluster id>-KubectlProvider).
    path: /^(@aws-cdk--aws-eks\.KubectlProvider|[A-Za-z0-9]+-KubectlProvider)$/,
    ids: ['AwsSolutions-IAM4[*]', 'AwsSolutions-IAM5[*]', 'AwsSolutions-L1'],
    reason: "aws-cdk-lib's kubectl provider (nested stack): runtime and managed policies are chosen by aws-cdk-lib 2.261.0 (pinned by Blueprints 1.19.0), not by the app.",
  },
  {
    path: '{cluster}/KubectlHandlerRole/Resource',
    ids: ['AwsSolutions-IAM4[*]'],
    reason: 'The kubectl handler role of aws-cdk-lib: Lambda basic and VPC execution, and pulling the kubectl layer image (AWS managed policies chosen by aws-cdk-lib).',
  },
  {
    path: '{cluster}/Resource/CreationRole/DefaultPolicy/Resource',
    ids: ['AwsSolutions-IAM5[*]'],
    reason: "aws-cdk-lib's cluster creation role: creates and updates the cluster, its Fargate profiles and add-ons; the wildcards are scoped to this cluster's name and the ec2/iam describe calls that have no resource level.",
  },
  {
    path: '{cluster}/Role/Resource',
    ids: ['AwsSolutions-IAM4[*]'],
    reason: 'The EKS cluster service role needs the AWS managed AmazonEKSClusterPolicy (EKS documentation).',
  },
  {
    path: '{cluster}/Nodegroupworkers-ng/NodeGroupRole/Resource',
    ids: ['AwsSolutions-IAM4[*]'],
    reason: 'Managed node group role: AmazonEKSWorkerNodePolicy, AmazonEKS_CNI_Policy and AmazonEC2ContainerRegistryReadOnly are the policies EKS documents for worker nodes.',
  },
  {
    path: '{cluster}/aws-load-balancer-controller/Role/DefaultPolicy/Resource',
    ids: ['AwsSolutions-IAM5[*]'],
    reason: "The AWS Load Balancer Controller's IAM policy as published by the controller project (Blueprints ships it): load balancers it creates are not known in advance; tag conditions scope the writes.",
  },
  {
    path: '{cluster}/adot-managed-policy/Resource',
    ids: ['AwsSolutions-IAM5[*]'],
    reason: "The ADOT operator's policy from Blueprints (CloudWatch, X-Ray and the AmazonCloudWatch-* SSM parameters): telemetry writes have no resource-level permissions.",
  },
  {
    path: '{cluster}/cloudwatch-agent-sa/Role/Resource',
    ids: ['AwsSolutions-IAM4[*]'],
    reason: 'Container Insights (amazon-cloudwatch-observability) documents CloudWatchAgentServerPolicy and AWSXrayWriteOnlyAccess for its agent.',
  },
];

/** Acknowledges the listed findings on the constructs of the stack (and its nested stacks). */
export function applyNagSuppressions(stack: Stack, clusterConstructId: string): void {
  const byPath = new Map<string, IConstruct>();
  for (const construct of stack.node.findAll()) byPath.set(relativePath(stack, construct), construct);
  for (const acknowledgement of acknowledgements) {
    // A listed construct that does not exist (an add-on left out, an imported cluster) has nothing to acknowledge.
    for (const construct of matching(acknowledgement, byPath, clusterConstructId)) {
      for (const id of acknowledgement.ids) Validations.of(construct).acknowledge({ id, reason: acknowledgement.reason });
    }
  }
}

/** The constructs an acknowledgement names (by relative path). */
export function matching(acknowledgement: Acknowledgement, byPath: Map<string, IConstruct>, clusterConstructId: string): IConstruct[] {
  const { path } = acknowledgement;
  if (typeof path === 'string') {
    const construct = byPath.get(path.replace('{cluster}', clusterConstructId));
    return construct ? [construct] : [];
  }
  return [...byPath.entries()].filter(([relative]) => path.test(relative)).map(([, construct]) => construct);
}

function relativePath(stack: Stack, construct: IConstruct): string {
  return construct.node.path.slice(stack.node.path.length + 1);
}

/**
 * AwsSolutions checks that also honour `Rule[*]`: one acknowledgement for every finding of a rule on a
 * construct. cdk-nag 3 matches finding ids exactly, and the ids of the EKS module's roles embed logical
 * ids and the cluster's name (`AwsSolutions-IAM5[Resource::<Handler886CB40B.Arn>:*]`), which change with
 * the settings; `[*]` is used only for constructs the kit does not write (and one narrow policy of its own).
 */
export class KitAwsSolutionsChecks extends AwsSolutionsChecks {
  protected override applyRule(params: IApplyRule): void {
    const rule = params.rule;
    const suffix = params.ruleSuffixOverride ?? rule.name;
    const everyFinding = `${this.packName}-${suffix}[*]`;
    const filtered = (node: CfnResource) => {
      const result = rule(node);
      return Array.isArray(result) && hasAcknowledgement(node, everyFinding) ? NagRuleCompliance.COMPLIANT : result;
    };
    super.applyRule({ ...params, ruleSuffixOverride: suffix, rule: filtered as IApplyRule['rule'] });
  }
}

function hasAcknowledgement(node: IConstruct, id: string): boolean {
  for (let current: IConstruct | undefined = node; current; current = current.node.scope) {
    for (const entry of current.node.metadata) {
      if (entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY && entry.data && Object.keys(entry.data as object).some((key) => key.replace(/^annotation::/i, '') === id)) return true;
    }
  }
  return false;
}
