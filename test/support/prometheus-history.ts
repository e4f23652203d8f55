/**
 * A real Prometheus serving a deterministic, recorded-shaped dataset: hours of the simulated
 * pet-adoption cluster (fixed seed and dates) with incidents in progress at the evaluation instant,
 * backfilled with promtool. Tests query it at `at` and get the same answers on every machine.
 *
 * At `at` (the end of the history):
 *  - petlistadoptions (one replica) leaks memory and is OOMKilled in a loop (since at-25m),
 *  - payforadoption is CPU-stressed and throttled (since at-12m),
 *  - petsearch has a 300 ms network delay (since at-8m),
 * and earlier, a node memory-pressure episode (at-100m..at-80m) evicted pods.
 * The build is cached on disk (keyed by its version), and one Prometheus per process serves it.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HistoryWriter, replayHistory } from '../../infra/local/simulation/exposition/history.js';
import { profiles } from '../../infra/local/profiles.js';
import { Simulation } from '../../infra/local/simulation/simulation.js';
import { freePort } from './free-port.js';
import { createChaos, type ChaosManifest } from './simulation/chaos.js';

const FIXTURE_VERSION = 'v3-kube-prometheus';
export const HISTORY_START = Date.UTC(2026, 10, 24, 8, 0, 0);
export const HISTORY_HOURS = 3;
export const HISTORY_END = HISTORY_START + HISTORY_HOURS * 3_600_000;
const STEP_SECONDS = 30;

export interface PrometheusHistory {
  url: string;
  /** Evaluation instant (epoch ms): the end of the history, incidents in progress. */
  at: number;
  start: number;
  end: number;
  dataDir: string;
}

let running: { process: ChildProcess; history: Promise<PrometheusHistory> } | undefined;

export function fixtureDir(): string {
  return join(process.env.PROMETHEUS_FIXTURE_DIR ?? join(tmpdir(), 'eks-incident-kit-fixtures'), `prometheus-history-${FIXTURE_VERSION}-${HISTORY_START}`);
}

/** Builds (once) the history and starts (once per process) a Prometheus over it. */
export function prometheusHistory(): Promise<PrometheusHistory> {
  if (running) return running.history;
  const dir = fixtureDir();
  const history = (async () => {
    if (!existsSync(join(dir, 'complete'))) await buildHistory(dir);
    const port = await freePort();
    const config = join(dir, 'prometheus.yml');
    writeFileSync(config, 'global:\n  scrape_interval: 30s\n  evaluation_interval: 30s\n');
    const child = spawn('prometheus', [
      `--config.file=${config}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--storage.tsdb.retention.time=100y',
      '--web.enable-admin-api',
      '--log.level=warn',
    ], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (chunk) => (stderr += chunk));
    running!.process = child;
    process.once('exit', () => child.kill('SIGKILL'));
    const url = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + 30_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`prometheus exited (${child.exitCode}): ${stderr.slice(-2000)}`);
      try {
        const res = await fetch(`${url}/-/ready`);
        if (res.ok) break;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) throw new Error(`prometheus not ready after 30 s: ${stderr.slice(-2000)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    child.unref();
    (child.stderr as unknown as { unref?: () => void }).unref?.();
    return { url, at: HISTORY_END, start: HISTORY_START, end: HISTORY_END, dataDir: join(dir, 'data') };
  })();
  running = { process: undefined as unknown as ChildProcess, history };
  return history;
}

export async function stopPrometheusHistory(): Promise<void> {
  if (!running) return;
  const child = running.process;
  running = undefined;
  if (child && child.exitCode === null) {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  }
}

/** The simulation behind the fixture, with its incidents scheduled (also used to compute expectations). */
export function fixtureSimulation(): Simulation {
  const sim = new Simulation({ start: HISTORY_START, profile: { ...profiles.realistic, defaultLeakRamp: '6m' }, seed: 424242, historyEnd: HISTORY_END });
  const minutesBefore = (m: number) => HISTORY_END - m * 60_000;
  const create = (manifest: ChaosManifest) => () => {
    createChaos(sim.store, manifest);
  };
  sim.at(minutesBefore(100), 'node pressure', () => {
    const node = sim.store.list('/nodes')[2]!.metadata.name;
    create({
      kind: 'StressChaos',
      metadata: { name: 'node-memory-hog', namespace: 'chaos-mesh' },
      spec: { mode: 'one', selector: { namespaces: ['kube-system'], labelSelectors: { 'k8s-app': 'kube-proxy' }, nodes: [node] }, stressors: { memory: { size: '100%', time: '3m' } }, duration: '20m' },
    })();
  });
  sim.at(minutesBefore(25), 'memory leak', create({
    kind: 'StressChaos',
    metadata: { name: 'petlistadoptions-memory-leak', namespace: 'petadoptions' },
    spec: { mode: 'one', selector: { labelSelectors: { app: 'petlistadoptions' } }, stressors: { memory: { workers: 1, size: '400MB', time: '6m' } } },
  }));
  sim.at(minutesBefore(12), 'cpu stress', create({
    kind: 'StressChaos',
    metadata: { name: 'payforadoption-cpu-stress', namespace: 'petadoptions' },
    spec: { mode: 'all', selector: { labelSelectors: { app: 'payforadoption' } }, stressors: { cpu: { workers: 1, load: 60 } } },
  }));
  sim.at(minutesBefore(8), 'network delay', create({
    kind: 'NetworkChaos',
    metadata: { name: 'petsearch-network-delay', namespace: 'petadoptions' },
    spec: { action: 'delay', mode: 'all', selector: { labelSelectors: { app: 'petsearch' } }, delay: { latency: '300ms', jitter: '30ms' } },
  }));
  return sim;
}

async function buildHistory(dir: string): Promise<void> {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const sim = fixtureSimulation();
  sim.logs.emitAccessLogsFrom(HISTORY_END);
  const writer = new HistoryWriter(join(dir, 'history.om'));
  await replayHistory(sim, writer, { end: HISTORY_END, stepMs: STEP_SECONDS * 1000, coarseTickSeconds: 5 });
  await writer.close();
  const result = spawnSync('promtool', ['tsdb', 'create-blocks-from', 'openmetrics', join(dir, 'history.om'), join(dir, 'data')], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`promtool failed: ${result.stderr || result.error}`);
  rmSync(join(dir, 'history.om'));
  writeFileSync(join(dir, 'complete'), new Date().toISOString());
}
