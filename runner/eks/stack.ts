/**
 * The eks stack as `run-scenario` reads it: DescribeStacks, and the outputs the stack publishes for it
 * (infra/eks; docs/deploy-eks.md "Stack outputs"): the cluster, the AMP workspace, the agent's Service,
 * the operator tokens secret, and per scenario its FIS template and CloudWatch alarm
 * (`stackOutputKeys`, scenarios/catalog.ts, the one naming both sides use).
 */
import type { Stack } from '@aws-sdk/client-cloudformation';
import { defaultEksStackName, stackOutputKeys } from '../../scenarios/catalog.js';
import { awsCalls, AwsProblem, type AwsClients } from './aws.js';
import type { ServiceRef } from '../../lib/kubernetes/port-forward.js';

export const defaultStackName = defaultEksStackName;

export interface StackOutputs {
  stackName: string;
  stackId: string;
  status: string;
  /** From the stack's ARN. */
  region: string;
  accountId: string;
  clusterName: string;
  ampWorkspaceId?: string;
  agentService?: ServiceRef;
  operatorTokensSecretArn?: string;
  /** Every output by key, for the ones looked up per scenario. */
  outputs: Record<string, string>;
}

export class StackProblem extends AwsProblem {}

/** Statuses in which the stack's resources exist as its template says (an update rolled back included). */
const deployed = new Set(['CREATE_COMPLETE', 'UPDATE_COMPLETE', 'UPDATE_ROLLBACK_COMPLETE', 'IMPORT_COMPLETE', 'IMPORT_ROLLBACK_COMPLETE']);

/** DescribeStacks, with what to do when the stack is missing or not deployed completely. */
export async function readStack(aws: AwsClients, stackName: string): Promise<StackOutputs> {
  const call = awsCalls.describeStack(stackName);
  let stack: Stack | undefined;
  try {
    stack = (await aws.describeStack(call)).Stacks?.[0];
  } catch (error) {
    if (error instanceof AwsProblem && error.code === 'ValidationError' && /does not exist/i.test(String((error.cause as Error)?.message))) {
      throw new StackProblem(call, 'StackNotFound', `the stack ${stackName} does not exist in ${aws.region ?? 'this region'}: deploy it (npm run eks:deploy), or name yours with --stack NAME and its region with --region`);
    }
    throw error;
  }
  if (!stack) throw new StackProblem(call, 'StackNotFound', `the stack ${stackName} does not exist: deploy it (npm run eks:deploy)`);
  const status = stack.StackStatus ?? 'UNKNOWN';
  if (!deployed.has(status)) {
    throw new StackProblem(call, 'StackNotReady', `the stack ${stackName} is ${status}, not deployed: ${/IN_PROGRESS$/.test(status) ? 'wait for it to finish' : 'deploy it again (npm run eks:deploy)'}`);
  }
  const outputs = Object.fromEntries((stack.Outputs ?? []).flatMap((o) => (o.OutputKey && o.OutputValue !== undefined ? [[o.OutputKey, o.OutputValue]] : [])));
  const arn = (stack.StackId ?? '').split(':');
  const clusterName = outputs.ClusterName;
  if (!clusterName) throw new StackProblem(call, 'NotTheKit', `the stack ${stackName} has no ClusterName output: it is not the kit's eks stack (name yours with --stack NAME)`);
  return {
    stackName,
    stackId: stack.StackId ?? '',
    status,
    region: arn[3] ?? aws.region ?? '',
    accountId: arn[4] ?? '',
    clusterName,
    ...(outputs.AmpWorkspaceId ? { ampWorkspaceId: outputs.AmpWorkspaceId } : {}),
    ...(outputs.AgentService ? { agentService: serviceRef(outputs.AgentService) } : {}),
    ...(outputs.OperatorTokensSecretArn ? { operatorTokensSecretArn: outputs.OperatorTokensSecretArn } : {}),
    outputs,
  };
}

/** `namespace/service:port`, the AgentService and McpService outputs. */
export function serviceRef(value: string): ServiceRef | undefined {
  const match = /^([a-z0-9-]+)\/([a-z0-9-]+):(\d+)$/.exec(value);
  return match ? { namespace: match[1]!, name: match[2]!, port: Number(match[3]) } : undefined;
}

/** The scenario's FIS template id and alarm name, or why the stack has none (older than the scenario). */
export function scenarioResources(stack: StackOutputs, scenario: string): { fisTemplateId?: string; alarmName?: string; missing: string[] } {
  const keys = stackOutputKeys(scenario);
  const fisTemplateId = stack.outputs[keys.fisTemplate];
  const alarmName = stack.outputs[keys.alarm];
  const missing = [...(fisTemplateId ? [] : [keys.fisTemplate]), ...(alarmName ? [] : [keys.alarm])];
  return { ...(fisTemplateId ? { fisTemplateId } : {}), ...(alarmName ? { alarmName } : {}), missing };
}
