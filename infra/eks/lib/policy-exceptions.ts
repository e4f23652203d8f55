/**
 * The kit's IAM statements whose resource is `*`, each because IAM has no resource-level permission for
 * its actions (Service Authorization Reference). test/iam.test.ts fails on any other `*` in the kit's
 * own roles; docs/deploy-eks.md lists these.
 */
export interface WildcardException {
  /** Whose policy: the agent's or the X-Ray collector's IRSA role, or the FIS experiment role. */
  principal: 'devops-agent' | 'xray-collector' | 'fis-experiment';
  actions: string[];
  why: string;
}

export const wildcardExceptions: WildcardException[] = [
  { principal: 'devops-agent', actions: ['cloudwatch:GetMetricData'], why: 'GetMetricData has no resource types (metrics are not IAM resources)' },
  { principal: 'devops-agent', actions: ['logs:GetQueryResults', 'logs:StopQuery'], why: 'they act on a query id, not on a log group; StartQuery, which chooses the log groups, names them' },
  { principal: 'devops-agent', actions: ['xray:GetTraceSummaries', 'xray:BatchGetTraces', 'xray:GetServiceGraph'], why: 'X-Ray trace reads have no resource types' },
  { principal: 'xray-collector', actions: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'], why: 'X-Ray trace writes have no resource types' },
  { principal: 'fis-experiment', actions: ['ec2:DescribeSubnets'], why: "Describe* calls of EC2 have no resource-level permissions; FIS's aws:eks:pod-* actions need it" },
  { principal: 'fis-experiment', actions: ['logs:CreateLogDelivery', 'logs:PutResourcePolicy', 'logs:DescribeResourcePolicies', 'logs:DescribeLogGroups'], why: "CloudWatch Logs log delivery (FIS experiment logs) has no resource-level permissions" },
];
