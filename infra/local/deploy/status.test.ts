/**
 * `status` of a stack whose components died: reported as crashed with their log path and last lines,
 * and the LSB-style exit code, without needing Prometheus (stub components).
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { defaultPorts, stackPaths } from './config.js';
import type { Component } from './components/component.js';
import { launchDetached, stopProcess, type ProcessRecord } from './processes.js';
import { loadState, saveState, type StackState } from './state.js';
import { inspectStack, renderStatusTable, statusExitCode } from './status.js';

const dir = mkdtempSync(join(tmpdir(), 'status-'));
const paths = stackPaths(dir);
const running: ProcessRecord[] = [];
test.after(async () => {
  for (const record of running) await stopProcess(record, 500);
  rmSync(dir, { recursive: true, force: true });
});

function stub(name: string, healthy: boolean): Component {
  return {
    name,
    reportAs: name === 'prometheus' ? 'prometheusUrl' : undefined,
    restartsWith: [],
    ports: () => [1],
    url: () => `http://127.0.0.1:${name.length}`,
    startingText: () => 'starting',
    start: () => Promise.reject(new Error('not in this test')),
    isReady: async () => (healthy ? { ready: true } : { ready: false, detail: 'rules not loaded' }),
    readyTimeoutMs: () => 1,
  };
}

test('crashed (pid gone) and unhealthy (probe failing) components are reported with their logs; exit 1', async () => {
  mkdirSync(paths.logsDir, { recursive: true });
  const alive = await launchDetached({ command: '/bin/sh', args: ['-c', 'echo serving; sleep 30'], log: paths.log('prometheus') });
  running.push(alive);
  const dead = await launchDetached({ command: '/bin/sh', args: ['-c', 'echo "panic: out of cheese"; exit 3'], log: paths.log('simulation') });
  await new Promise((r) => setTimeout(r, 200));
  saveState(paths.stateFile, {
    version: 1,
    profile: 'fast',
    ports: defaultPorts,
    kubeToken: 't',
    startedAt: '2026-11-25T09:00:00.000Z',
    components: { simulation: { ...dead, url: 'x' }, prometheus: { ...alive, url: 'y' } },
  });

  const status = await inspectStack([stub('simulation', true), stub('prometheus', false)], loadState(paths.stateFile), defaultPorts, paths);
  assert.is(status.running, false);
  assert.is(status.healthy, false);
  assert.is(status.startedAt, '2026-11-25T09:00:00.000Z');
  assert.is(status.prometheusUrl, 'http://127.0.0.1:10');
  assert.is(status.agentUrl, null);
  const [simulation, prometheus] = status.components;
  assert.equal({ ...simulation, lastLines: undefined }, { name: 'simulation', pid: dead.pid, url: 'http://127.0.0.1:10', state: 'crashed', healthy: false, detail: `process ${dead.pid} is gone`, log: paths.log('simulation'), lastLines: undefined });
  assert.equal(simulation!.lastLines, ['panic: out of cheese']);
  assert.is(prometheus!.state, 'running');
  assert.is(prometheus!.healthy, false);
  assert.is(prometheus!.detail, 'rules not loaded');
  assert.equal(prometheus!.lastLines, ['serving']);
  assert.is(statusExitCode(status), 1);

  const table = renderStatusTable(status);
  assert.match(table, /DEGRADED/);
  assert.match(table, /simulation: crashed \(process \d+ is gone\); log .*simulation\.log\n {2}\| panic: out of cheese/);
  assert.match(table, /prometheus: unhealthy \(rules not loaded\)/);
});

test('a stack with nothing recorded is stopped: exit 3; all healthy: exit 0', async () => {
  const stopped = await inspectStack([stub('simulation', true)], undefined, defaultPorts, stackPaths(join(dir, 'none')));
  assert.is(statusExitCode(stopped), 3);
  assert.is(stopped.kubeconfig, null);
  const alive = running[0]!;
  const healthy = await inspectStack([stub('prometheus', true)], { version: 1, profile: 'fast', ports: defaultPorts, kubeToken: 't', components: { prometheus: { ...alive, url: 'y' } } }, defaultPorts, paths);
  assert.is(statusExitCode(healthy), 0);
  assert.is(healthy.running, true);
});

test('with an agent: consoleUrl in the JSON (an added field) and the web console in the table, beside the agent token', async () => {
  const agent: Component = { ...stub('devops-agent', true), reportAs: 'agentUrl', url: () => 'http://127.0.0.1:18080' };
  const state: StackState = { version: 1, profile: 'fast', ports: defaultPorts, kubeToken: 't', components: {} };
  const status = await inspectStack([agent], state, defaultPorts, paths);
  assert.is(status.agentUrl, 'http://127.0.0.1:18080');
  assert.is(status.consoleUrl, 'http://127.0.0.1:18080/console/');
  assert.ok(Object.keys(status).indexOf('consoleUrl') > Object.keys(status).indexOf('agentTokenFile'), 'added after the fields scripts already read');
  assert.match(renderStatusTable(status), /\nweb console http:\/\/127\.0\.0\.1:18080\/console\/ {3}\(approve there; log in with the agent token\)\n/);
  const none = await inspectStack([stub('prometheus', true)], state, defaultPorts, paths);
  assert.is(none.consoleUrl, null);
  assert.not.match(renderStatusTable(none), /web console/);
});

test.run();
