import { DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { account, alarmName, ampWorkspaceId, awsErrors, kitStack, mockKitAws, operatorSecretArn, region, templateId } from '../../test/support/runner/aws.js';
import { AwsClients } from './aws.js';
import { readStack, scenarioResources, serviceRef, StackProblem } from './stack.js';

async function read(stack: ReturnType<typeof kitStack> | Error) {
  const aws = mockKitAws();
  try {
    if (stack instanceof Error) aws.cloudformation.on(DescribeStacksCommand).rejects(stack);
    else aws.cloudformation.on(DescribeStacksCommand).resolves({ $metadata: aws.metadata, Stacks: [stack] });
    return await readStack(new AwsClients(region), 'eks-incident-kit');
  } finally {
    aws.restore();
  }
}

async function problem(stack: ReturnType<typeof kitStack> | Error): Promise<StackProblem> {
  const error = await read(stack).then(() => undefined, (e: unknown) => e);
  assert.instance(error, StackProblem);
  return error as StackProblem;
}

test("the stack's outputs: the cluster, AMP, the agent's Service, the operator secret; account and region from its ARN", async () => {
  const stack = await read(kitStack());
  assert.is(stack.clusterName, 'eks-incident-kit');
  assert.is(stack.status, 'UPDATE_COMPLETE');
  assert.is(stack.region, region);
  assert.is(stack.accountId, account);
  assert.is(stack.ampWorkspaceId, ampWorkspaceId);
  assert.equal(stack.agentService, { namespace: 'devops-agent', name: 'devops-agent', port: 80 });
  assert.is(stack.operatorTokensSecretArn, operatorSecretArn);
  assert.equal(scenarioResources(stack, 'memory-leak'), { fisTemplateId: templateId, alarmName, missing: [] });
  assert.equal(scenarioResources(stack, 'network-latency'), { missing: ['FisTemplateNetworkLatency', 'AlarmNetworkLatency'] });
});

test('a stack that is missing, in progress, failed or not the kit says what to do', async () => {
  assert.match((await problem(awsErrors.stackMissing())).message, /^the stack eks-incident-kit does not exist in eu-west-1: deploy it \(npm run eks:deploy\), or name yours with --stack NAME and its region with --region$/);
  assert.match((await problem(kitStack({ StackStatus: 'UPDATE_IN_PROGRESS' }))).message, /^the stack eks-incident-kit is UPDATE_IN_PROGRESS, not deployed: wait for it to finish$/);
  assert.match((await problem(kitStack({ StackStatus: 'CREATE_IN_PROGRESS' }))).message, /wait for it to finish/);
  assert.match((await problem(kitStack({ StackStatus: 'ROLLBACK_COMPLETE', StackStatusReason: 'The following resource(s) failed to create: [Cluster].' }))).message, /is ROLLBACK_COMPLETE, not deployed: deploy it again \(npm run eks:deploy\)/);
  assert.match((await problem(kitStack({}, { ClusterName: undefined }))).message, /has no ClusterName output: it is not the kit's eks stack/);
  // A stack that rolled an update back still has its resources.
  assert.is((await read(kitStack({ StackStatus: 'UPDATE_ROLLBACK_COMPLETE' }))).status, 'UPDATE_ROLLBACK_COMPLETE');
});

test('other failures of DescribeStacks keep their own reason', async () => {
  const error = await read(awsErrors.expiredToken()).then(() => undefined, (e: unknown) => e as Error);
  assert.match(error!.message, /^AWS refused the credentials for cloudformation DescribeStacks/);
});

test('the AgentService output is namespace/service:port', () => {
  assert.equal(serviceRef('devops-agent/devops-agent:80'), { namespace: 'devops-agent', name: 'devops-agent', port: 80 });
  assert.is(serviceRef('devops-agent'), undefined);
});

test.run();
