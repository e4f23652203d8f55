import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mockKitAws } from '../test/support/runner/aws.js';
import { helpText, parseArgs, runCli, type CliIo } from './cli.js';

function io(): CliIo & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, stdout: (t) => out.push(t), stderr: { write: (t) => err.push(t), isTTY: false }, env: {}, signal: new AbortController().signal, cwd: mkdtempSync(join(tmpdir(), 'cli-')) };
}

test('the DESIGN.md command line parses', () => {
  const parsed = parseArgs(['memory-leak', '--target', 'local', '--fast', '--auto-approve', '--param', 'service=petsearch', '--param=size=512MB', '--out', 'DIR', '--json']);
  assert.equal(parsed, { command: 'run', scenario: 'memory-leak', flags: { target: 'local', fast: true, 'auto-approve': true, out: 'DIR', json: true }, params: ['service=petsearch', 'size=512MB'] });
  assert.is(parseArgs(['--list']).command, 'list');
  assert.is(parseArgs(['report', '--out', 'x.html']).command, 'report');
  assert.is(parseArgs(['export', 'crash-loop']).scenario, 'crash-loop');
  assert.is(parseArgs(['memory-leak', '--help']).command, 'help');
});

test('bad usage exits 2 with one line that says what to do', async () => {
  for (const [argv, message] of [
    [['memory-leak', '--bogus'], /unknown flag --bogus/],
    [['memory-leak', '--target', 'gke'], /--target must be local or eks/],
    [[], /which scenario\?/],
    [['nope'], /unknown scenario "nope"; the scenarios are/],
    [['memory-leak', '--param', 'servce=x'], /has no parameter "servce"/],
    [['memory-leak', '--manual', '--auto-approve'], /exclude each other/],
    [['memory-leak', '--demo', '--manual'], /--demo and --manual exclude each other/],
    [['memory-leak', '--out'], /--out needs a value/],
    [['memory-leak', '--plan'], /^run-scenario: --plan is for the eks target: add --target eks$/m],
    [['memory-leak', '--target', 'local', '--injector', 'fis', '--stack', 'kit'], /--injector, --stack are for the eks target: add --target eks \(not local\)/],
    [['memory-leak', '--region', 'eu-west-1'], /--region is for the eks target/],
    [['memory-leak', '--target', 'eks', '--injector', 'lambda'], /--injector must be fis or chaos-mesh/],
    [['crash-loop', '--target', 'eks', '--injector', 'fis', '--plan'], /--injector fis starts the stack's FIS template of crash-loop, which cannot inject this run's fault: .*use --injector chaos-mesh/],
  ] as const) {
    const t = io();
    assert.is(await runCli(argv, t), 2, argv.join(' '));
    assert.match(t.err.join(''), message);
    assert.is(t.err.join('').trim().split('\n').length, 1);
  }
});

test('--help everywhere, --list shows every scenario with its parameters', async () => {
  for (const argv of [['--help'], ['report', '--help'], ['export', '--help'], ['memory-leak', '-h']]) {
    const t = io();
    assert.is(await runCli(argv, t), 0);
    assert.match(t.out.join(''), /usage: run-scenario/);
  }
  assert.match(helpText(), /--auto-approve/);
  for (const eks of [/--injector fis\|chaos-mesh/, /--stack NAME .*EKS_INCIDENT_KIT_STACK/s, /--region REGION/, /--plan +eks target: print every AWS call/]) assert.match(helpText(), eks);
  const t = io();
  assert.is(await runCli(['--list'], t), 0);
  for (const name of ['memory-leak', 'cpu-latency', 'node-pressure', 'crash-loop', 'network-latency']) assert.match(t.out.join(''), new RegExp(`^${name}`, 'm'));
  assert.match(t.out.join(''), /--param node=auto/);
});

test('export writes the rendered injection, FIS template, alarm and runbook', async () => {
  const t = io();
  assert.is(await runCli(['export', 'cpu-latency', '--param', 'service=petsearch', '--param', 'region=eu-west-1'], t), 0);
  const dir = join(t.cwd!, 'exports', 'cpu-latency');
  for (const file of ['chaos-mesh.yaml', 'fis-template.json', 'cloudwatch-alarm.json', 'runbook.md']) assert.ok(existsSync(join(dir, file)), file);
  const fis = JSON.parse(readFileSync(join(dir, 'fis-template.json'), 'utf8')) as { targets: { StarvedPods: { parameters: { clusterIdentifier: string; selectorValue: string } } } };
  assert.match(fis.targets.StarvedPods.parameters.clusterIdentifier, /^arn:aws:eks:eu-west-1:/);
  assert.is(fis.targets.StarvedPods.parameters.selectorValue, 'app=petsearch');
  const u = io();
  assert.is(await runCli(['export', 'node-pressure'], u), 2);
  assert.match(u.err.join(''), /give --param node=/);
});

test('a run that cannot start says why in one place and writes no report', async () => {
  const t = io();
  t.env.KUBECONFIG = '/nonexistent/kubeconfig';
  assert.is(await runCli(['memory-leak', '--target', 'eks'], t), 1);
  assert.match(t.err.join(''), /run-scenario: preflight failed: the eks target needs .*aws eks update-kubeconfig/);
  assert.not.ok(existsSync(join(t.cwd!, 'reports')), 'no report directory for a run that never injected');
});

test('--plan prints the AWS calls of an eks run, in order with their inputs, and makes none (no credentials needed)', async () => {
  const aws = mockKitAws();
  try {
    const t = io();
    assert.is(await runCli(['memory-leak', '--target', 'eks', '--plan', '--stack', 'my-kit', '--region', 'eu-west-1'], t), 0);
    const out = t.out.join('');
    assert.match(out, /^run-scenario memory-leak --target eks --plan: the AWS calls of a run, in order \(none made\)\n {2}stack my-kit, region eu-west-1, injector fis/);
    const operations = [...out.matchAll(/^ *\d+\. +\w+ +(\w+ \w+)/gm)].map((m) => m[1]).filter((op) => !op!.startsWith('aps '));
    assert.equal(operations, ['sts GetCallerIdentity', 'cloudformation DescribeStacks', 'cloudwatch DescribeAlarms', 'secretsmanager GetSecretValue', 'fis GetExperiment', 'fis StopExperiment', 'fis StartExperiment', 'fis GetExperiment', 'cloudwatch DescribeAlarms', 'fis GetExperiment', 'fis StopExperiment']);
    assert.match(out, /\{"StackName":"my-kit"\}/);
    assert.match(out, /"experimentTemplateId":"<FisTemplateMemoryLeak output of stack my-kit>","clientToken":"memory-leak-\d{8}t\d{6}-[0-9a-f]{4}"/);
    assert.equal(aws.sent(), [], 'no AWS call made');
    assert.not.ok(existsSync(join(t.cwd!, 'reports')));

    const j = io();
    j.env.EKS_INCIDENT_KIT_STACK = 'env-kit';
    assert.is(await runCli(['memory-leak', '--target', 'eks', '--plan', '--json', '--injector', 'chaos-mesh', '--agent-token-file', 'token'], j), 0);
    const plan = JSON.parse(j.out.join('')) as { stack: string; injector: string; calls: { service: string; operation: string }[] };
    assert.equal([plan.stack, plan.injector], ['env-kit', 'chaos-mesh']);
    assert.not.ok(plan.calls.some((c) => c.operation === 'StartExperiment' || c.operation === 'GetSecretValue'));
  } finally {
    aws.restore();
  }
});

test('report without history says how to get one', async () => {
  const t = io();
  assert.is(await runCli(['report'], t), 1);
  assert.match(t.err.join(''), /no runs in .*history\.jsonl yet; run a scenario first/);
});

test.run();
