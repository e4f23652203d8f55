/**
 * Every scenario end to end on the local target, as CI and a presenter run it: `run-scenario <name>
 * --fast --auto-approve --json` against a stack of its own (which the first run brings up), with the
 * real simulation, Prometheus, Alertmanager, MCP server and DevOps agent. Each run must resolve, name the
 * expected root cause kind and target, and report every phase in order; retargeted runs (other services,
 * another node) must find their target; and a run interrupted with SIGINT mid-injection must leave no
 * fault behind.
 *
 * SCENARIOS_E2E=defaults runs only the default targets (a quicker local check; CI runs them all).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { ScenarioReport } from '../core/types.js';
import { freeStackPorts } from './support/deploy/ports.js';

const root = new URL('..', import.meta.url).pathname;
const mode = process.env.SCENARIOS_E2E ?? 'all';
const stateDir = mkdtempSync(join(tmpdir(), 'scenarios-e2e-'));
const reportsDir = join(stateDir, 'reports');
const env: NodeJS.ProcessEnv = { ...process.env, LOCAL_CLUSTER_STATE_DIR: join(stateDir, 'stack'), XDG_STATE_HOME: join(stateDir, 'xdg'), LOG_LEVEL: 'warn' };
const results: string[] = [];

interface Outcome {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runScenario(args: string[], options: { onStderr?: (text: string, child: ReturnType<typeof spawn>) => void; timeoutMs?: number } = {}): Promise<Outcome> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(root, 'bin/run-scenario.js'), ...args], { cwd: stateDir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      options.onStderr?.(stderr, child);
    });
    const timer = setTimeout(() => child.kill('SIGTERM'), options.timeoutMs ?? 15 * 60_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

async function stack(): Promise<{ kubeconfig: string }> {
  const status = JSON.parse(await new Promise<string>((resolve) => {
    const child = spawn(process.execPath, [join(root, 'bin/local-cluster.js'), 'status', '--json'], { cwd: root, env, stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.on('close', () => resolve(out));
  })) as { kubeconfig: string };
  return status;
}

async function activeFaults(kubeconfig: string): Promise<string[]> {
  const config = new k8s.KubeConfig();
  config.loadFromFile(kubeconfig);
  const custom = config.makeApiClient(k8s.CustomObjectsApi);
  const names: string[] = [];
  for (const plural of ['stresschaos', 'networkchaos', 'podchaos']) {
    const list = (await custom.listClusterCustomObject({ group: 'chaos-mesh.org', version: 'v1alpha1', plural })) as { items: { metadata: { namespace: string; name: string } }[] };
    names.push(...list.items.map((i) => `${plural}/${i.metadata.namespace}/${i.metadata.name}`));
  }
  return names;
}

async function nodeNames(kubeconfig: string): Promise<string[]> {
  const config = new k8s.KubeConfig();
  config.loadFromFile(kubeconfig);
  const list = await config.makeApiClient(k8s.CoreV1Api).listNode();
  return list.items.map((n) => n.metadata!.name!).sort();
}

const expected: Record<string, { kind: string; targetKind: string }> = {
  'memory-leak': { kind: 'memory-leak', targetKind: 'Deployment' },
  'cpu-latency': { kind: 'cpu-throttling', targetKind: 'Deployment' },
  'network-latency': { kind: 'network-latency', targetKind: 'Deployment' },
  'node-pressure': { kind: 'node-pressure', targetKind: 'Node' },
  'crash-loop': { kind: 'crash-loop', targetKind: 'Deployment' },
};

async function passes(scenario: string, params: Record<string, string>, target: string | ((report: ScenarioReport) => string)) {
  const out = join(reportsDir, `${scenario}-${Object.values(params).join('-') || 'default'}`);
  const args = [scenario, '--fast', '--auto-approve', '--json', '--out', out, ...Object.entries(params).flatMap(([k, v]) => ['--param', `${k}=${v}`])];
  const started = Date.now();
  const result = await runScenario(args);
  const tail = result.stderr.split('\n').slice(-25).join('\n');
  assert.is(result.code, 0, `run-scenario ${args.join(' ')} exited ${result.code}:\n${tail}`);
  const report = JSON.parse(result.stdout) as ScenarioReport;
  results.push(`${scenario.padEnd(16)} ${JSON.stringify(params).padEnd(36)} ${report.outcome.padEnd(10)} ${`${report.rootCause?.kind} ${report.rootCause?.target.name}`.padEnd(48)} agent ${report.mttr.agentSeconds} s, manual ${report.mttr.manualBaselineSeconds} s (${report.mttr.reductionPct} %), wall ${Math.round((Date.now() - started) / 1000)} s`);
  const targetName = typeof target === 'string' ? target : target(report);
  assert.is(report.outcome, 'resolved');
  assert.is(report.rootCause?.kind, expected[scenario]!.kind, tail);
  assert.is(report.rootCause?.target.kind, expected[scenario]!.targetKind);
  assert.is(report.rootCause?.target.name, targetName, `found ${report.rootCause?.target.name}, the fault was on ${targetName}`);
  for (const [phase, seconds] of Object.entries(report.phases)) assert.ok(seconds !== null && seconds >= 0, `phase ${phase}: ${seconds}`);
  const milestones = [report.injectedAt, report.detectedAt, report.investigationStartedAt, report.rootCauseAt, report.remediationApprovedAt, report.resolvedAt].map((t) => Date.parse(t!));
  assert.equal([...milestones].sort((a, b) => a - b), milestones, 'milestones in order');
  assert.ok(report.mttr.agentSeconds! > 0 && report.mttr.manualBaselineSeconds! > report.mttr.agentSeconds!, JSON.stringify(report.mttr));
  for (const file of ['report.json', 'report.md', 'report.html', 'timeline.json']) assert.ok(existsSync(join(out, file)), file);
  assert.ok(existsSync(join(out, 'manual')), 'the manual runbook was executed');
  return report;
}

const suite = test;

{
  let kubeconfig = '';
  let autoNode = '';

  suite.before(async () => {
    const [ports] = await freeStackPorts(1);
    for (const [name, port] of Object.entries(ports!)) env[`LOCAL_CLUSTER_${name.toUpperCase()}_PORT`] = String(port);
  });

  suite('memory-leak (the first run brings the local target up)', async () => {
    await passes('memory-leak', {}, 'petlistadoptions');
    kubeconfig = (await stack()).kubeconfig;
    assert.equal(await activeFaults(kubeconfig), [], 'fault removed after the run');
  });

  suite('cpu-latency', async () => {
    await passes('cpu-latency', {}, 'payforadoption');
  });

  suite('network-latency', async () => {
    await passes('network-latency', {}, 'petsearch');
  });

  suite('crash-loop', async () => {
    await passes('crash-loop', {}, 'petsearch');
  });

  suite('node-pressure (node=auto)', async () => {
    // node=auto resolves to the busiest worker node; the report says which one it was.
    const report = await passes('node-pressure', {}, (r) => r.params.node!);
    assert.ok((await nodeNames(kubeconfig)).includes(report.params.node!));
    autoNode = report.params.node!;
  });

  if (mode !== 'defaults') {
    suite('retargeted: memory-leak on pethistory', async () => {
      await passes('memory-leak', { service: 'pethistory' }, 'pethistory');
    });
    suite('retargeted: cpu-latency on petsearch', async () => {
      await passes('cpu-latency', { service: 'petsearch' }, 'petsearch');
    });
    suite('retargeted: network-latency on payforadoption', async () => {
      await passes('network-latency', { service: 'payforadoption' }, 'payforadoption');
    });
    suite('retargeted: crash-loop on petsite', async () => {
      await passes('crash-loop', { service: 'petsite' }, 'petsite');
    });
    suite('retargeted: node-pressure on another node than node=auto chose', async () => {
      const other = (await nodeNames(kubeconfig)).find((n) => n !== autoNode)!;
      await passes('node-pressure', { node: other }, other);
    });
  }

  suite('SIGINT mid-injection: the run stops, removes its fault and leaves the target healthy', async () => {
    let interrupted = false;
    const result = await runScenario(['memory-leak', '--fast', '--out', join(reportsDir, 'interrupted')], {
      onStderr: (text, child) => {
        if (!interrupted && text.includes('fault injected')) {
          interrupted = true;
          child.kill('SIGINT');
        }
      },
    });
    assert.ok(interrupted, `the run never injected:\n${result.stderr.slice(-2000)}`);
    assert.is(result.code, 130, result.stderr.slice(-2000));
    assert.match(result.stderr, /SIGINT: stopping; removing the fault/);
    assert.equal(await activeFaults(kubeconfig), [], 'no fault left active');
    const report = JSON.parse(readFileSync(join(reportsDir, 'interrupted', 'report.json'), 'utf8')) as ScenarioReport;
    assert.is(report.outcome, 'unresolved');
    assert.match(readFileSync(join(reportsDir, 'interrupted', 'report.md'), 'utf8'), /deleted StressChaos petadoptions\/memory-leak-/);
  });

  suite('run-scenario report builds the MTTR dashboard from the history of these runs', async () => {
    const result = await runScenario(['report', '--json']);
    assert.is(result.code, 0, result.stderr);
    const summaries = JSON.parse(result.stdout) as { scenario: string; resolved: number }[];
    assert.ok(summaries.length >= 5);
    assert.ok(existsSync(join(reportsDir, 'mttr-dashboard.html')));
  });

  suite.after(async () => {
    if (results.length) process.stdout.write(`\n\n${results.join('\n')}\n`);
    await new Promise<void>((resolve) => {
      const child = spawn(process.execPath, [join(root, 'bin/local-cluster.js'), 'down'], { cwd: root, env, stdio: 'ignore' });
      child.on('close', () => resolve());
    });
    if (!process.env.KEEP_E2E_REPORTS) rmSync(stateDir, { recursive: true, force: true });
    else process.stdout.write(`reports kept in ${reportsDir}\n`);
  });

  suite.run();
}
