import { DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { alarmName, ampWorkspaceId, awsErrors, clusterArn, kitStack, metricAlarm, mockKitAws, operatorToken, region, templateId } from '../test/support/runner/aws.js';
import { eksTarget, type ClusterAccess, type EksTargetOptions } from './eks-target.js';
import type { ServiceRef } from '../lib/kubernetes/port-forward.js';

const say = () => undefined;
const signal = new AbortController().signal;

test('the eks target says everything it is missing, with how to get it', async () => {
  const target = eksTarget({ env: { KUBECONFIG: '/nonexistent/kubeconfig' } });
  try {
    await target.prepare({ fast: false, say, signal });
    assert.unreachable();
  } catch (error) {
    const message = (error as Error).message;
    assert.match(message, /aws eks update-kubeconfig/);
    assert.match(message, /--prometheus-url .*aws-sigv4-proxy/);
    assert.match(message, /--agent-url .*port-forward/);
  }
});

test('the eks target uses what it is given and never changes the profile', async () => {
  const kubeconfig = join(mkdtempSync(join(tmpdir(), 'eks-')), 'config');
  writeFileSync(kubeconfig, 'apiVersion: v1\n');
  const notes: string[] = [];
  const endpoints = await eksTarget({ kubeconfig, prometheusUrl: 'http://localhost:8005/workspaces/ws-1', agentUrl: 'http://localhost:18080', env: {} }).prepare({ fast: true, say: (l) => notes.push(l), signal });
  assert.is(endpoints.profile, 'realistic');
  assert.is(endpoints.prometheusUrl, 'http://localhost:8005/workspaces/ws-1');
  assert.match(notes.join(''), /--fast has no effect/);
});

/** The kubeconfig of `aws eks update-kubeconfig` (its cluster entry named by the cluster's ARN), its API answering, port-forwards recorded. */
class FakeAccess implements ClusterAccess {
  forwards: ServiceRef[] = [];
  closed = 0;
  probeError?: Error;
  constructor(readonly clusterName = clusterArn) {}
  current() {
    return { name: this.clusterName, server: 'https://0A1B2C3D4E5F60718293A4B5C6D7E8F9.gr7.eu-west-1.eks.amazonaws.com' };
  }
  async probe() {
    if (this.probeError) throw this.probeError;
  }
  async forward(service: ServiceRef) {
    this.forwards.push(service);
    return { url: 'http://127.0.0.1:40123', port: 40123, close: async () => void this.closed++ };
  }
}

function setup(options: Partial<EksTargetOptions> = {}, access = new FakeAccess()) {
  const kubeconfig = join(mkdtempSync(join(tmpdir(), 'eks-')), 'config');
  writeFileSync(kubeconfig, 'apiVersion: v1\n');
  const notes: string[] = [];
  const target = eksTarget({ kubeconfig, env: {}, region, scenario: 'memory-leak', injector: 'fis', clusterAccess: () => access, ...options });
  return { target, access, notes, prepare: () => target.prepare({ fast: false, say: (line) => notes.push(line), signal }) };
}

async function failure(aws: ReturnType<typeof mockKitAws>, options: Partial<EksTargetOptions> = {}, access?: FakeAccess): Promise<string> {
  try {
    const error = await setup(options, access).prepare().then(() => undefined, (e: Error) => e);
    assert.ok(error, 'prepare should have failed');
    assert.is(error!.name, 'TargetUnavailable');
    assert.not.match(error!.message, /\n/);
    return error!.message;
  } finally {
    aws.restore();
  }
}

test("with the stack: AMP, the agent through a port-forward, the operator token, the scenario's FIS template and alarm", async () => {
  const aws = mockKitAws();
  try {
    const { target, access, notes, prepare } = setup();
    const endpoints = await prepare();
    assert.equal(endpoints.aws, { region, accountId: '123456789012', stackName: 'eks-incident-kit', fisTemplateId: templateId, alarmName, ampWorkspaceId });
    assert.is(endpoints.prometheusUrl, `https://aps-workspaces.${region}.amazonaws.com/workspaces/${ampWorkspaceId}`);
    assert.is(endpoints.agentUrl, 'http://127.0.0.1:40123');
    assert.equal(access.forwards, [{ namespace: 'devops-agent', name: 'devops-agent', port: 80 }]);
    assert.is(readFileSync(endpoints.agentTokenFile!, 'utf8').trim(), operatorToken);
    assert.is(statSync(endpoints.agentTokenFile!).mode & 0o777, 0o600);
    assert.match(endpoints.description, /stack eks-incident-kit, cluster eks-incident-kit, eu-west-1; FIS template EXT6oWVA1WrLNy4XS/);
    assert.match(notes.join('\n'), /approving as eks-operator/);
    assert.not.match(notes.join('\n'), new RegExp(operatorToken), 'the token is never printed');
    assert.equal(aws.sent(), ['sts GetCallerIdentity', 'cloudformation DescribeStacks', 'cloudwatch DescribeAlarms', 'secrets GetSecretValue']);
    await target.release!();
    assert.is(access.closed, 1);
    assert.not.ok(existsSync(endpoints.agentTokenFile!), 'the token file goes with the run');
  } finally {
    aws.restore();
  }
});

test('chaos-mesh: no FIS template in the endpoints; a token file given: the secret is not read', async () => {
  const aws = mockKitAws();
  try {
    const endpoints = await setup({ injector: 'chaos-mesh', agentTokenGiven: true, agentUrl: 'http://127.0.0.1:18080' }).prepare();
    assert.is(endpoints.aws?.fisTemplateId, undefined);
    assert.is(endpoints.aws?.alarmName, alarmName);
    assert.is(endpoints.agentUrl, 'http://127.0.0.1:18080');
    assert.equal(aws.sent(), ['sts GetCallerIdentity', 'cloudformation DescribeStacks', 'cloudwatch DescribeAlarms']);
  } finally {
    aws.restore();
  }
});

test('no credentials', async () => {
  const aws = mockKitAws();
  aws.sts.on(GetCallerIdentityCommand).rejects(awsErrors.noCredentials());
  assert.match(await failure(aws), /^no AWS credentials for sts GetCallerIdentity: run `aws configure`/);
});

test('an expired token', async () => {
  const aws = mockKitAws();
  aws.sts.on(GetCallerIdentityCommand).rejects(awsErrors.expiredToken());
  assert.match(await failure(aws), /^AWS refused the credentials for sts GetCallerIdentity \(ExpiredTokenException: .*expired\); refresh them/);
});

test('the stack missing, or still being deployed', async () => {
  let aws = mockKitAws();
  aws.cloudformation.on(DescribeStacksCommand).rejects(awsErrors.stackMissing());
  assert.match(await failure(aws, { stackName: 'my-kit' }), /^the stack my-kit does not exist in eu-west-1: deploy it \(npm run eks:deploy\), or name yours with --stack NAME/);
  aws = mockKitAws();
  aws.cloudformation.on(DescribeStacksCommand).resolves({ $metadata: aws.metadata, Stacks: [kitStack({ StackStatus: 'CREATE_IN_PROGRESS' })] });
  assert.match(await failure(aws), /^the stack eks-incident-kit is CREATE_IN_PROGRESS, not deployed: wait for it to finish$/);
});

test('a stack older than the scenario: no FIS template for --injector fis', async () => {
  const aws = mockKitAws();
  aws.cloudformation.on(DescribeStacksCommand).resolves({ $metadata: aws.metadata, Stacks: [kitStack({}, { FisTemplateMemoryLeak: undefined })] });
  assert.match(await failure(aws), /has no FisTemplateMemoryLeak output: it was deployed before scenario memory-leak existed; deploy it again \(npm run eks:deploy\), or run with --injector chaos-mesh/);
});

test('the alarm already in ALARM: no healthy start', async () => {
  const aws = mockKitAws();
  aws.cloudwatch.on(DescribeAlarmsCommand).resolves({ $metadata: aws.metadata, MetricAlarms: [metricAlarm('ALARM')], CompositeAlarms: [] });
  assert.match(await failure(aws), /^CloudWatch alarm eks-pod-memory-over-limit is in ALARM before the run \(Threshold Crossed: .*\); a run needs a healthy start: wait until it is OK/);
});

test("a kubeconfig of another cluster, or one the cluster's API refuses", async () => {
  let aws = mockKitAws();
  assert.match(await failure(aws, {}, new FakeAccess('arn:aws:eks:eu-west-1:123456789012:cluster/staging')), /points at cluster staging, not the stack's eks-incident-kit: aws eks update-kubeconfig --name eks-incident-kit --region eu-west-1/);
  aws = mockKitAws();
  const refused = new FakeAccess();
  refused.probeError = new Error('HTTP-Code: 401\nMessage: Unknown API Status Code!');
  assert.match(await failure(aws, {}, refused), /^the Kubernetes API of eks-incident-kit does not answer through .* \(HTTP-Code: 401\); refresh the kubeconfig .* access entry on the cluster$/);
});

test('the region from the kubeconfig when none is given', async () => {
  const aws = mockKitAws();
  try {
    const { notes, prepare } = setup({ region: undefined });
    // No region anywhere the SDK looks (the variables, the config file): the kubeconfig's cluster ARN names it.
    const saved = { AWS_REGION: process.env.AWS_REGION, AWS_DEFAULT_REGION: process.env.AWS_DEFAULT_REGION, AWS_CONFIG_FILE: process.env.AWS_CONFIG_FILE };
    delete process.env.AWS_REGION;
    delete process.env.AWS_DEFAULT_REGION;
    process.env.AWS_CONFIG_FILE = '/nonexistent';
    try {
      await prepare();
    } finally {
      Object.assign(process.env, Object.fromEntries(Object.entries(saved).filter(([, v]) => v !== undefined)));
      if (saved.AWS_CONFIG_FILE === undefined) delete process.env.AWS_CONFIG_FILE;
    }
    assert.match(notes.join('\n'), /region eu-west-1/);
  } finally {
    aws.restore();
  }
});

test.run();
