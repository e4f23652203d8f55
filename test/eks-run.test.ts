/**
 * The acceptance for `run-scenario --target eks`, through the command line: against mocked AWS
 * (aws-sdk-client-mock, real-shaped answers) `run-scenario memory-leak --target eks` reads the stack,
 * starts the stack's FIS experiment of the scenario, sees the scenario's CloudWatch alarm, and stops the
 * experiment on Ctrl-C (the aborted signal bin/run-scenario.ts sends); a run killed with kill -9 has its
 * experiment stopped by the next run. The cluster, the agent and the metrics are the runner's in-memory
 * stand-ins (test/support/runner), the clock a manual one: the realistic timings take milliseconds.
 */
import { DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runCli, type CliIo } from '../runner/cli.js';
import { writeMarker } from '../runner/injection.js';
import { alarmName, clusterArn, experiment, experimentId, fisCommands, metricAlarm, mockKitAws, templateId } from './support/runner/aws.js';
import { MemoryAgent } from './support/runner/phase-kit.js';
import { FakeCluster, ScriptedClock, ScriptedMetrics } from './support/runner/stubs.js';

function world() {
  const aws = mockKitAws();
  const clock = new ScriptedClock();
  const cluster = new FakeCluster();
  const metrics = new ScriptedMetrics();
  const agent = new MemoryAgent(() => clock.now());
  const dir = mkdtempSync(join(tmpdir(), 'eks-run-'));
  const kubeconfig = join(dir, 'kubeconfig');
  writeFileSync(kubeconfig, 'apiVersion: v1\n');
  const controller = new AbortController();
  const err: string[] = [];
  const forwards: string[] = [];
  const io: CliIo = {
    stdout: () => undefined,
    stderr: { write: (text) => err.push(text), isTTY: false },
    env: { XDG_STATE_HOME: join(dir, 'state') },
    signal: controller.signal,
    cwd: dir,
    adapters: {
      clock,
      cluster: () => cluster,
      metrics: () => metrics,
      agent: () => agent,
      runbook: async () => [],
      clusterAccess: () => ({
        current: () => ({ name: clusterArn, server: 'https://0A1B2C3D4E5F60718293A4B5C6D7E8F9.gr7.eu-west-1.eks.amazonaws.com' }),
        probe: async () => undefined,
        forward: async (service) => {
          forwards.push(`${service.namespace}/${service.name}:${service.port}`);
          return { url: 'http://127.0.0.1:40123', port: 40123, close: async () => void forwards.push('closed') };
        },
      }),
    },
  };
  const argv = ['memory-leak', '--target', 'eks', '--region', 'eu-west-1', '--kubeconfig', kubeconfig];
  return { aws, clock, cluster, metrics, agent, dir, kubeconfig, controller, err, forwards, io, argv };
}

/** FIS as AWS runs it: initiating, then running; stopping once stopped. */
function scriptFis(w: ReturnType<typeof world>): { started: () => number | undefined } {
  let startedAt: number | undefined;
  let polls = 0;
  let stopped = false;
  w.aws.fis.on(fisCommands.start).callsFake(() => {
    startedAt = w.clock.now();
    return { $metadata: w.aws.metadata, experiment: experiment('initiating', 'Experiment is initiating.') };
  });
  w.aws.fis.on(fisCommands.get).callsFake(() => ({ $metadata: w.aws.metadata, experiment: stopped ? experiment('stopping', 'Stopping experiment.') : ++polls < 3 ? experiment('initiating', 'Experiment is initiating.') : experiment('running', 'Experiment is running.') }));
  w.aws.fis.on(fisCommands.stop).callsFake(() => {
    stopped = true;
    return { $metadata: w.aws.metadata, experiment: experiment('stopping', 'Stopping experiment.') };
  });
  return { started: () => startedAt };
}

test('run-scenario memory-leak --target eks: starts the stack\'s FIS experiment, sees the alarm, stops the experiment on Ctrl-C', async () => {
  const w = world();
  try {
    const fis = scriptFis(w);
    // The alarm goes to ALARM two minutes into the experiment; the presenter presses Ctrl-C as the runner sees it.
    w.aws.cloudwatch.on(DescribeAlarmsCommand).callsFake(() => {
      const started = fis.started();
      const firing = started !== undefined && w.clock.now() - started >= 120_000;
      if (firing && w.err.join('').includes(`CloudWatch alarm ${alarmName} is firing`)) w.controller.abort();
      return { $metadata: w.aws.metadata, MetricAlarms: [metricAlarm(firing ? 'ALARM' : 'OK')], CompositeAlarms: [] };
    });
    w.clock.listeners.push(() => {
      if (w.err.join('').includes(`CloudWatch alarm ${alarmName} is firing`) && !w.controller.signal.aborted) w.controller.abort();
    });

    const code = await runCli(w.argv, w.io);
    const stderr = w.err.join('');
    assert.is(code, 130, stderr);

    const sent = w.aws.sent();
    // Preflight: credentials, the stack, the alarm quiet, the operator token; then the experiment.
    assert.equal(sent.slice(0, 5), ['sts GetCallerIdentity', 'cloudformation DescribeStacks', 'cloudwatch DescribeAlarms', 'secrets GetSecretValue', 'fis StartExperiment']);
    const start = w.aws.fis.commandCalls(fisCommands.start)[0]!.args[0].input;
    assert.is(start.experimentTemplateId, templateId, "the stack's FisTemplateMemoryLeak");
    assert.match(start.clientToken!, /^memory-leak-\d{8}t\d{6}-[0-9a-f]{4}$/);
    assert.equal(Object.keys(start.tags ?? {}), ['eks-incident-kit/run', 'eks-incident-kit/scenario']);
    assert.ok(w.aws.fis.commandCalls(fisCommands.get).length >= 3, 'GetExperiment polled until running');
    assert.match(stderr, new RegExp(`CloudWatch alarm ${alarmName} is firing`));
    // Ctrl-C: cleanup asks whether the experiment still runs, and stops it.
    assert.equal(sent.slice(-2), ['fis GetExperiment', 'fis StopExperiment']);
    assert.equal(w.aws.fis.commandCalls(fisCommands.stop)[0]!.args[0].input, { id: experimentId });
    assert.equal(w.forwards, ['devops-agent/devops-agent:80', 'closed'], 'the port-forward to the agent opened and closed');

    const runDir = join(w.dir, 'reports', readdirSync(join(w.dir, 'reports')).find((name) => name.startsWith('memory-leak-'))!);
    const report = JSON.parse(readFileSync(join(runDir, 'report.json'), 'utf8')) as { outcome: string };
    assert.is(report.outcome, 'unresolved');
    const timeline = JSON.parse(readFileSync(join(runDir, 'timeline.json'), 'utf8')) as { source: string; summary: string }[] | { events: { source: string; summary: string }[] };
    const events = Array.isArray(timeline) ? timeline : timeline.events;
    assert.ok(events.some((e) => e.source === 'cloudwatch' && e.summary.startsWith(`CloudWatch alarm ${alarmName} in ALARM`)));
    assert.match(readFileSync(join(runDir, 'report.md'), 'utf8'), new RegExp(`^- stopped FIS experiment ${experimentId} \\(StopExperiment: stopping\\)$`, 'm'));
    assert.equal(readdirSync(join(w.dir, 'state', 'eks-incident-kit', 'run-scenario')), [], 'the marker is gone');
  } finally {
    w.aws.restore();
  }
});

test('a run killed with kill -9 left its experiment in the marker: the next run stops it before starting its own', async () => {
  const w = world();
  try {
    scriptFis(w);
    w.aws.fis.on(fisCommands.get, { id: 'EXPkilledRun0000001' }).resolves({ $metadata: w.aws.metadata, experiment: { ...experiment('running', 'Experiment is running.'), id: 'EXPkilledRun0000001' } });
    w.aws.fis.on(fisCommands.stop, { id: 'EXPkilledRun0000001' }).resolves({ $metadata: w.aws.metadata, experiment: { ...experiment('stopping', 'Stopping experiment.'), id: 'EXPkilledRun0000001' } });
    // The marker of the run killed with kill -9, where markerPathFor puts it for this kubeconfig.
    const { markerPathFor } = await import('../runner/cli.js');
    const markerPath = markerPathFor({ kubeconfig: w.kubeconfig, prometheusUrl: '', agentUrl: '', description: '', profile: 'realistic' }, w.io.env);
    // pid 2^22 + 1 is above Linux's pid_max: no process has it.
    writeMarker(markerPath, { runId: 'killed', scenario: 'memory-leak', pid: 4_194_305, startedAt: '2026-11-25T08:00:00Z', kubeconfig: w.kubeconfig, fault: { method: 'fis', templateId, clientToken: 'memory-leak-killed', region: 'eu-west-1', experimentId: 'EXPkilledRun0000001' } });
    // This run stops at its own injection (Ctrl-C as its experiment starts).
    w.aws.fis.on(fisCommands.start).callsFake(() => {
      w.controller.abort();
      return { $metadata: w.aws.metadata, experiment: experiment('initiating', 'Experiment is initiating.') };
    });

    assert.is(await runCli(w.argv, w.io), 130, w.err.join(''));
    const stops = w.aws.fis.commandCalls(fisCommands.stop).map((call) => call.args[0].input.id);
    assert.equal(stops, ['EXPkilledRun0000001', experimentId], "the killed run's experiment first, then this run's at its cleanup");
    const sent = w.aws.sent();
    assert.ok(sent.indexOf('fis StopExperiment') < sent.indexOf('fis StartExperiment'));
    assert.match(w.err.join(''), /run killed of memory-leak ended without cleaning up; finishing its cleanup: stopped FIS experiment EXPkilledRun0000001/);
    assert.not.ok(existsSync(markerPath));
  } finally {
    w.aws.restore();
  }
});

test.run();
