/**
 * up -> status -> down with a real Prometheus and Alertmanager and the stand-in simulation
 * (testing/fake-sim.ts), on free loopback ports in a temporary state directory. Whatever fails, the
 * processes are stopped in `after`.
 */
import { get as httpsGet } from 'node:https';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parse } from 'yaml';
import { runLocalCluster } from './cli.js';
import { ComponentFailure, down, Interrupted, status, up } from './commands.js';
import { resolveStackConfig, type StackConfig } from './config.js';
import { prometheusApi } from './http.js';
import { simulationPoolNames } from './prometheus-config.js';
import { processFate, readProcessIdentity } from './processes.js';
import { lineProgress, type Progress } from './progress.js';
import { loadState, type StackState } from './state.js';
import { freeStackPorts } from '../../../test/support/deploy/ports.js';
import { isLoopback, servingSockets } from '../../../test/support/deploy/sockets.js';

const fakeSimulation = fileURLToPath(new URL('../../../test/support/deploy/fake-sim.ts', import.meta.url));
const stateDir = mkdtempSync(join(tmpdir(), 'local-cluster-it-'));
const [ports, otherPorts] = await freeStackPorts(2);
const config: StackConfig = {
  ...resolveStackConfig({ fast: true, 'state-dir': stateDir }, {}),
  ports,
  install: false,
  simulationEntry: fakeSimulation,
};
// A second stack beside the first: another state directory, other ports.
const otherStateDir = mkdtempSync(join(tmpdir(), 'local-cluster-it-other-'));
const other: StackConfig = { ...config, stateDir: otherStateDir, ports: otherPorts! };
const cli = async (...argv: string[]) => {
  let stdout = '';
  const code = await runLocalCluster(argv, { stdout: (t) => (stdout += t), stderr: () => {}, env: { LOCAL_CLUSTER_STATE_DIR: stateDir } });
  return { code, stdout };
};
const prometheusUrl = `http://127.0.0.1:${ports.prometheus}`;
const query = async (promql: string, time?: number) =>
  (await prometheusApi<{ result: { metric: Record<string, string>; value: [number, string] }[] }>(
    prometheusUrl,
    `/api/v1/query?query=${encodeURIComponent(promql)}${time ? `&time=${time}` : ''}`,
  ))?.result ?? [];
const everPids: number[] = [];
const remember = (state: StackState | undefined) => everPids.push(...Object.values(state?.components ?? {}).map((c) => c.pid));

test.after(async () => {
  await down(config).catch(() => {});
  await down(other).catch(() => {});
  rmSync(stateDir, { recursive: true, force: true });
  rmSync(otherStateDir, { recursive: true, force: true });
});

test('up starts simulation, Alertmanager and Prometheus, backfilled and scraping, and prints its progress', async () => {
  let output = '';
  // Both stacks at once: they must not get in each other's way even while starting.
  const [result, second] = await Promise.all([up(config, { progress: lineProgress((t) => (output += t)) }), up(other)]);
  remember(loadState(join(stateDir, 'state.json')));
  assert.ok(second.status.healthy, JSON.stringify(second.status.components));
  // Independent components start together; Prometheus waits for the simulation's history.
  assert.equal([...result.started].sort(), ['agent', 'alertmanager', 'mcp-server', 'prometheus', 'simulation']);
  assert.ok(result.started.indexOf('prometheus') > result.started.indexOf('simulation'));
  assert.ok(result.status.healthy, JSON.stringify(result.status.components));
  assert.match(output, /simulation {4}simulating 6 h of history\.\.\. ready in \d+\.\d s/);
  assert.match(output, /prometheus {4}backfilling 6 h of history\.\.\. [\d.]+k samples, \d+ series, \d blocks in \d+\.\d s/);
  assert.match(output, /prometheus {4}starting\.\.\. ready in/);
  assert.ok(result.seconds < 20, `up took ${result.seconds} s`);
});

test('Prometheus scraped every stand-in job, keeping the exposition labels and adding target labels', async () => {
  const targets = await prometheusApi<{ activeTargets: { scrapePool: string; health: string }[] }>(prometheusUrl, '/api/v1/targets?state=active');
  const jobs = new Set(targets!.activeTargets.filter((t) => t.health === 'up').map((t) => t.scrapePool));
  for (const pool of simulationPoolNames) assert.ok(jobs.has(pool), `pool ${pool} scraped`);
  const historyEnd = loadState(join(stateDir, 'state.json'))!.components.simulation!.info!.historyEnd as number;
  // Ready means one target per job scraped; this node's cAdvisor target follows within an interval.
  const liveSince = async () => Number((await query('timestamp(container_memory_working_set_bytes{pod="petsite-7d4b9c6f8-q7w2e"})'))[0]?.value[1] ?? 0);
  const deadline = Date.now() + 10_000;
  while ((await liveSince()) <= historyEnd / 1000 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
  assert.ok((await liveSince()) > historyEnd / 1000, 'a live sample, newer than the history');
  const labelled = await query('container_memory_working_set_bytes{pod="petsite-7d4b9c6f8-q7w2e"}');
  assert.is(labelled[0]!.metric.node, 'ip-10-0-1-23.us-west-2.compute.internal');
  assert.is(labelled[0]!.metric.job, 'kubelet');
  assert.is(labelled[0]!.metric.metrics_path, '/metrics/cadvisor');
  const requests = await query('http_requests_total{service="petsearch"}');
  assert.is(requests[0]?.metric.namespace, 'petadoptions', 'namespace comes from the target');
  assert.is(requests[0]?.metric.pod, 'petsearch-5f7c8d9b4-k2j3h');
});

test('two stacks run side by side, each scraping its own simulation, serving on loopback only', async () => {
  for (const [stack, port] of [[config, ports.simulation], [other, otherPorts!.simulation]] as const) {
    const targets = await prometheusApi<{ activeTargets: { scrapeUrl: string; scrapePool: string }[] }>(`http://127.0.0.1:${stack.ports.prometheus}`, '/api/v1/targets?state=active');
    const simulationTargets = targets!.activeTargets.filter((t) => t.scrapePool !== 'prometheus');
    assert.ok(simulationTargets.length >= 7);
    for (const target of simulationTargets) assert.ok(target.scrapeUrl.startsWith(`http://127.0.0.1:${port}/`), target.scrapeUrl);
  }
  for (const stack of [config, other]) {
    for (const [name, record] of Object.entries(loadState(join(stack.stateDir, 'state.json'))!.components)) {
      const sockets = servingSockets(record.pid);
      assert.ok(sockets.length > 0, `${name} serves something`);
      for (const socket of sockets) assert.ok(isLoopback(socket.address), `${name} serves on ${socket.protocol} ${socket.address}:${socket.port}`);
      // Alertmanager's gossip (9094 by default, TCP and UDP) is off.
      if (name === 'alertmanager') assert.equal(sockets.map((s) => s.port), [stack.ports.alertmanager]);
    }
  }
  const stopped = await down(other);
  assert.is(stopped.stopped.length, 5);
  assert.ok((await status(config)).healthy, 'the first stack is untouched');
});

test('the backfilled history is queryable: 6 h of samples, also at a past instant', async () => {
  // One series across history and live scrapes: the history carries the labels the scrape adds.
  const count = await query('count_over_time(container_memory_working_set_bytes{pod="petsite-7d4b9c6f8-q7w2e"}[6h])');
  assert.is(count.length, 1, JSON.stringify(count));
  assert.ok(Number(count[0]!.value[1]) >= 6 * 120, `samples over 6 h: ${count[0]!.value[1]}`);
  const threeHoursAgo = await query('container_memory_working_set_bytes', Date.now() / 1000 - 3 * 3600);
  assert.ok(threeHoursAgo.length >= 2);
  const rate = await query('rate(http_requests_total[5m] offset 1h)');
  assert.ok(rate.length >= 2, 'counters from the history give rates an hour back');
});

test('Prometheus has the alert rules loaded and knows the Alertmanager', async () => {
  const rules = await prometheusApi<{ groups: { name: string; rules: unknown[] }[] }>(prometheusUrl, '/api/v1/rules');
  assert.ok((rules?.groups.length ?? 0) >= 6);
  const managers = await prometheusApi<{ activeAlertmanagers: { url: string }[] }>(prometheusUrl, '/api/v1/alertmanagers');
  assert.match(managers!.activeAlertmanagers[0]!.url, new RegExp(`127\\.0\\.0\\.1:${ports.alertmanager}/api/v2/alerts`));
});

test('status --json reports the endpoints, the kubeconfig and every component', async () => {
  const { code, stdout } = await cli('status', '--json');
  assert.is(code, 0);
  const s = JSON.parse(stdout);
  assert.is(s.running, true);
  assert.is(s.profile, 'fast');
  assert.is(s.prometheusUrl, prometheusUrl);
  assert.is(s.alertmanagerUrl, `http://127.0.0.1:${ports.alertmanager}`);
  assert.is(s.kubeApiUrl, `https://127.0.0.1:${ports.kube}`);
  assert.is(s.xrayUrl, `http://127.0.0.1:${ports.simulation}`);
  assert.is(s.agentUrl, `http://127.0.0.1:${ports.agent}`);
  assert.is(s.mcpUrl, `http://127.0.0.1:${ports.mcp}/mcp`);
  assert.is(s.stateDir, stateDir);
  assert.ok(Date.parse(s.startedAt) > Date.now() - 120_000);
  assert.equal(s.components.map((c: { name: string; state: string; healthy: boolean }) => [c.name, c.state, c.healthy]), [
    ['simulation', 'running', true],
    ['alertmanager', 'running', true],
    ['prometheus', 'running', true],
    ['mcp-server', 'running', true],
    ['agent', 'running', true],
  ]);

  const kubeconfig = parse(readFileSync(s.kubeconfig, 'utf8'));
  assert.ok(kubeconfig.users[0].user.token.length >= 32);
  const cluster = kubeconfig.clusters[0].cluster;
  assert.is(cluster.server, s.kubeApiUrl);
  // The kubeconfig trusts exactly the certificate the Kubernetes API serves.
  const ca = Buffer.from(cluster['certificate-authority-data'], 'base64').toString();
  const version = await new Promise<number>((resolveGet, reject) => {
    httpsGet(`${s.kubeApiUrl}/version`, { ca }, (res) => {
      res.resume();
      resolveGet(res.statusCode ?? 0);
    }).once('error', reject);
  });
  assert.is(version, 200);
});

test('up again is idempotent; a crashed component is reported, then restarted alone', async () => {
  const again = await up(config);
  assert.equal(again.started, []);

  const before = loadState(join(stateDir, 'state.json'))!;
  process.kill(before.components.alertmanager!.pid, 'SIGKILL');
  await waitFor(() => processFate(before.components.alertmanager!) === 'gone');
  const crashed = await cli('status', '--json');
  assert.is(crashed.code, 1);
  const alertmanager = JSON.parse(crashed.stdout).components[1];
  assert.is(alertmanager.state, 'crashed');
  assert.ok(alertmanager.log.endsWith('logs/alertmanager.log'));
  assert.ok(alertmanager.lastLines.length > 0);

  // The previous Alertmanager's notification log does not survive its restart (Prometheus' alert state
  // does not either): a re-fired alert must reach the agent again.
  const nflog = join(stateDir, 'alertmanager', 'data', 'nflog');
  writeFileSync(nflog, 'notification log of the previous Alertmanager');
  const repaired = await up(config);
  assert.equal(repaired.started, ['alertmanager']);
  assert.ok(!existsSync(nflog) || readFileSync(nflog, 'utf8') !== 'notification log of the previous Alertmanager', 'old nflog removed');
  const after = loadState(join(stateDir, 'state.json'))!;
  remember(after);
  assert.is(after.components.prometheus!.pid, before.components.prometheus!.pid, 'Prometheus kept running');
  assert.is(after.components.simulation!.pid, before.components.simulation!.pid, 'simulation kept running');
});

test('down stops every process it started, verified gone; down again is a no-op', async () => {
  const result = await down(config);
  assert.equal(result.stopped.map((s) => [s.name, s.outcome]), [
    ['agent', 'stopped'],
    ['mcp-server', 'stopped'],
    ['prometheus', 'stopped'],
    ['alertmanager', 'stopped'],
    ['simulation', 'stopped'],
  ]);
  for (const pid of everPids) {
    const identity = readProcessIdentity(pid);
    assert.ok(!identity || identity.state === 'Z', `pid ${pid} still runs: ${JSON.stringify(identity)}`);
  }
  assert.equal((await down(config)).stopped, []);
  assert.is((await cli('status')).code, 3);
});

test('a simulation that fails to start: up fails with its log, and leaves nothing running', async () => {
  process.env.FAKE_SIM_FAIL = '1';
  try {
    await up(config);
    assert.unreachable('up succeeded with a failing simulation');
  } catch (error) {
    assert.instance(error, ComponentFailure);
    const failure = error as ComponentFailure;
    assert.is(failure.component, 'simulation');
    assert.match(failure.message, /simulation exited while starting/);
    assert.ok(failure.logTail.some((line) => line.includes('failing on purpose')), failure.logTail.join('\n'));
    assert.match(failure.hint, /local-cluster up again/);
  } finally {
    delete process.env.FAKE_SIM_FAIL;
  }
  const after = await status(config);
  assert.ok(after.components.every((c) => c.state === 'stopped'));
});

test('a port taken by another program: up refuses before starting anything, naming the flag', async () => {
  const squatter = createServer();
  await new Promise<void>((r) => squatter.listen(ports.prometheus, '127.0.0.1', r));
  try {
    await up(config);
    assert.unreachable('started on a taken port');
  } catch (error) {
    assert.match((error as Error).message, new RegExp(`port ${ports.prometheus} for prometheus is already in use .*--prometheus-port P`));
  } finally {
    squatter.close();
  }
  assert.equal(loadState(join(stateDir, 'state.json'))!.components, {});
});

test('Ctrl-C during up stops what this run had started', async () => {
  const controller = new AbortController();
  const progress: Progress = {
    begin(component) {
      if (component === 'alertmanager') controller.abort(new Interrupted('interrupted'));
      return { done: () => {}, fail: () => {} };
    },
    note: () => {},
  };
  try {
    await up(config, { progress, signal: controller.signal });
    assert.unreachable('up ignored the interrupt');
  } catch (error) {
    assert.instance(error, Interrupted);
  }
  const state = loadState(join(stateDir, 'state.json'))!;
  assert.equal(state.components, {});
  assert.is((await cli('status')).code, 3);
});

async function waitFor(condition: () => boolean, timeoutMs = 5_000) {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

test.run();
