import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { awsErrors, callerIdentity, mockKitAws, region } from '../../test/support/runner/aws.js';
import { awsCalls, AwsClients, awsProblem, AwsProblem } from './aws.js';

const call = awsCalls.callerIdentity();

test('a failed call says in one line what happened and what to do', () => {
  const cases: [unknown, RegExp][] = [
    [awsErrors.noCredentials(), /^no AWS credentials for sts GetCallerIdentity: run `aws configure` \(or `aws sso login`\), or set AWS_PROFILE/],
    [awsErrors.expiredToken(), /^AWS refused the credentials for sts GetCallerIdentity \(ExpiredTokenException: The security token included in the request is expired\); refresh them \(`aws sso login`/],
    [Object.assign(new Error('User: arn:aws:sts::123456789012:assumed-role/Dev/bob is not authorized to perform: cloudformation:DescribeStacks'), { name: 'AccessDenied' }), /^your AWS identity may not call sts GetCallerIdentity .*docs\/deploy-eks\.md/],
    [new Error('Region is missing'), /^no AWS region for sts GetCallerIdentity: pass --region, set AWS_REGION/],
    [Object.assign(new Error('getaddrinfo ENOTFOUND sts.eu-west-1.amazonaws.com'), { code: 'ENOTFOUND' }), /^cannot reach AWS for sts GetCallerIdentity \(ENOTFOUND\); check the network and the region/],
    [Object.assign(new Error('Rate exceeded'), { name: 'Throttling' }), /^sts GetCallerIdentity failed: Throttling: Rate exceeded/],
  ];
  for (const [error, message] of cases) {
    const problem = awsProblem(call, error);
    assert.instance(problem, AwsProblem);
    assert.is(problem.name, 'TargetUnavailable', 'an expected failure: the run says why without a stack trace');
    assert.match(problem.message, message);
    assert.not.match(problem.message, /\n/);
    assert.is(problem.cause, error);
  }
});

test('each client sends exactly the input awsCalls builds (what --plan prints)', async () => {
  const aws = mockKitAws();
  try {
    const clients = new AwsClients(region);
    assert.equal(await clients.callerIdentity(), callerIdentity);
    await clients.describeStack(awsCalls.describeStack('eks-incident-kit'));
    await clients.describeAlarms(awsCalls.describeAlarm('eks-pod-memory-over-limit'));
    await clients.startExperiment(awsCalls.startExperiment('EXT6oWVA1WrLNy4XS', 'memory-leak-run-1', { 'eks-incident-kit/run': 'run-1' }));
    assert.equal(aws.cloudformation.calls()[0]!.args[0].input, { StackName: 'eks-incident-kit' });
    assert.equal(aws.cloudwatch.calls()[0]!.args[0].input, { AlarmNames: ['eks-pod-memory-over-limit'], AlarmTypes: ['MetricAlarm'] });
    assert.equal(aws.fis.calls()[0]!.args[0].input, { experimentTemplateId: 'EXT6oWVA1WrLNy4XS', clientToken: 'memory-leak-run-1', tags: { 'eks-incident-kit/run': 'run-1' } });
    assert.equal(aws.sent(), ['sts GetCallerIdentity', 'cloudformation DescribeStacks', 'cloudwatch DescribeAlarms', 'fis StartExperiment']);
  } finally {
    aws.restore();
  }
});

test('an SDK error comes back as the AwsProblem of its call', async () => {
  const aws = mockKitAws();
  try {
    aws.sts.rejects(awsErrors.expiredToken());
    const error = await new AwsClients(region).callerIdentity().catch((e: unknown) => e);
    assert.instance(error, AwsProblem);
    assert.is((error as AwsProblem).code, 'ExpiredTokenException');
    assert.equal((error as AwsProblem).call, call);
  } finally {
    aws.restore();
  }
});

test.run();
