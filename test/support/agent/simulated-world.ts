/**
 * A whole local target in-process, for the agent's integration tests and for recording replay cases:
 * a Simulation with a fault injected, its past scraped into a real Prometheus (backfilled with promtool,
 * cached on disk per fault and seed), its Kubernetes API and X-Ray API served on a random loopback port,
 * and the alert its rule raises, evaluated by that Prometheus and normalised by the agent's intake.
 * The simulation then stands still at the investigation instant, so every read is reproducible.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseDuration } from '../../../core/duration.js';
import type { Alert } from '../../../core/types.js';
import { HistoryWriter, replayHistory } from '../../../infra/local/simulation/exposition/history.js';
import { profiles } from '../../../infra/local/profiles.js';
import { Simulation } from '../../../infra/local/simulation/simulation.js';
import { alertRuleGroups, podOwnerRecord, type AlertRule, type RecordingRule } from '../../../infra/local/deploy/rules.js';
import { createXRayApi, TraceRecorder } from '../../../infra/local/simulation/xray/index.js';
import { PrometheusBackend } from '../../../lib/prometheus/client/index.js';
import { freePort } from '../free-port.js';
import { alertmanagerWebhookSchema, alertsFromAlertmanager } from '../../../agent/intake/alertmanager.js';
import { KubernetesClusterWriter } from '../../../agent/evidence/cluster-writer.js';
import { KubernetesApiEvidence } from '../../../agent/evidence/kubernetes.js';
import { PrometheusMetrics } from '../../../agent/evidence/metrics-prometheus.js';
import { XRayEvidence } from '../../../agent/evidence/xray.js';
import type { EvidenceSources } from '../../../agent/ports.js';
import type { Expected, FaultSpec } from './faults.js';
import { serveLocalApis, type LocalApis } from './local-apis.js';

const WORLD_VERSION = 'w3';
export const WORLD_START = Date.UTC(2026, 10, 24, 8, 0, 0);
/** Healthy history before the fault: enough for the anomaly detectors' baselines (2 h at 30 s). */
const LEAD_MINUTES = 100;
const STEP_MS = 30_000;

export interface World {
  name: string;
  sim: Simulation;
  /** Epoch ms of the investigation. */
  at: number;
  injectedAt: number;
  prometheusUrl: string;
  apis: LocalApis;
  evidence: Required<Pick<EvidenceSources, 'metrics' | 'kubernetes' | 'traces'>>;
  cluster: KubernetesClusterWriter;
  alerts: Alert[];
  expected: Expected;
  close(): Promise<void>;
}

export interface WorldOptions {
  seed?: number;
  /** Cache directory for the Prometheus data (default: the OS temp dir). */
  cacheDir?: string;
}

function cacheDir(fault: FaultSpec, seed: number, options: WorldOptions): string {
  const key = createHash('sha256').update(`${WORLD_VERSION}:${fault.name}:${fault.description}:${fault.minutes}:${seed}`).digest('hex').slice(0, 16);
  return join(options.cacheDir ?? process.env.PROMETHEUS_FIXTURE_DIR ?? join(tmpdir(), 'eks-incident-kit-fixtures'), 'agent-worlds', `${fault.name}-${key}`);
}

async function startPrometheus(dir: string): Promise<{ url: string; child: ChildProcess }> {
  const port = await freePort();
  const config = join(dir, 'prometheus.yml');
  writeFileSync(config, 'global:\n  scrape_interval: 30s\n  evaluation_interval: 30s\n');
  const child = spawn('prometheus', [`--config.file=${config}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--storage.tsdb.retention.time=100y', '--log.level=error', '--query.lookback-delta=2m'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  process.once('exit', () => child.kill('SIGKILL'));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`prometheus exited (${child.exitCode}): ${stderr.slice(-1000)}`);
    try {
      if ((await fetch(`${url}/-/ready`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`prometheus not ready after 30 s: ${stderr.slice(-1000)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return { url, child };
}

/** The rule's expression with the owner recording rule inlined (backfilled data has no recorded series). */
function ruleOf(name: string): AlertRule {
  const groups = alertRuleGroups(profiles.realistic);
  const record = groups.flatMap((g) => g.rules).find((r): r is RecordingRule => 'record' in r && r.record === podOwnerRecord)!;
  const rule = groups.flatMap((g) => g.rules).find((r): r is AlertRule => 'alert' in r && r.alert === name);
  if (!rule) throw new Error(`no alert rule ${name}`);
  return { ...rule, expr: rule.expr.replaceAll(podOwnerRecord, `(${record.expr})`) };
}

function render(template: string, labels: Record<string, string>, value: number): string {
  return template
    .replace(/\{\{\s*\$labels\.(\w+)\s*\}\}/g, (_, k: string) => labels[k] ?? '')
    .replace(/\{\{\s*\$value[^}]*\}\}/g, String(Math.round(value * 1000) / 1000))
    .replace(/\{\{[^}]*\}\}/g, '');
}

/** Evaluates the fault's alert rule over the last half hour and returns it as Alertmanager would deliver it. */
async function firingAlert(fault: FaultSpec, prometheusUrl: string, at: number): Promise<Alert[]> {
  const receivedAt = new Date(at).toISOString();
  if ('manual' in fault.alert) {
    const m = fault.alert.manual;
    const startsAt = new Date(at - 3 * 60_000).toISOString();
    return alertsFromAlertmanager(alertmanagerWebhookSchema.parse({ version: '4', groupKey: `{}:{alertname="${m.name}"}`, status: 'firing', receiver: 'devops-agent', groupLabels: {}, commonLabels: {}, commonAnnotations: {}, externalURL: 'http://alertmanager', alerts: [{ status: 'firing', labels: { alertname: m.name, ...m.labels }, annotations: { summary: m.summary }, startsAt }] }), receivedAt);
  }
  const { rule: name, labels: want } = fault.alert;
  const rule = ruleOf(name);
  const metrics = new PrometheusMetrics(new PrometheusBackend({ url: prometheusUrl }));
  const end = at / 1000;
  const series = await metrics.range(rule.expr, { start: end - 1800, end, stepSeconds: 30 });
  const match = series.find((s) => Object.entries(want).every(([k, v]) => s.labels[k] === v) && s.samples.some((p) => p.t >= end - 60));
  if (!match) throw new Error(`alert ${name} ${JSON.stringify(want)} is not firing at ${receivedAt} (series: ${series.map((s) => JSON.stringify(s.labels)).join(' ') || 'none'})`);
  let i = match.samples.length - 1;
  while (i > 0 && match.samples[i]!.t - match.samples[i - 1]!.t <= 61) i--;
  const activeAt = match.samples[i]!.t * 1000;
  const firedAt = activeAt + parseDuration(rule.for);
  if (firedAt > at) throw new Error(`alert ${name} is pending, not firing yet, at ${receivedAt} (fires at ${new Date(firedAt).toISOString()})`);
  const labels = { alertname: name, ...rule.labels, ...match.labels };
  const value = match.samples[match.samples.length - 1]!.v;
  const payload = {
    version: '4',
    groupKey: `{}:{alertname="${name}"}`,
    status: 'firing',
    receiver: 'devops-agent',
    groupLabels: { alertname: name },
    commonLabels: labels,
    commonAnnotations: {},
    externalURL: 'http://127.0.0.1:9093',
    alerts: [{ status: 'firing', labels, annotations: { summary: render(rule.annotations.summary, labels, value), description: render(rule.annotations.description, labels, value), runbook_url: rule.annotations.runbook_url }, startsAt: new Date(firedAt).toISOString(), endsAt: '0001-01-01T00:00:00Z', generatorURL: `${prometheusUrl}/graph` }],
  };
  return alertsFromAlertmanager(alertmanagerWebhookSchema.parse(payload), receivedAt);
}

/** Builds (or reuses) the world of one fault, ready to investigate at the end of its timeline. */
export async function buildWorld(fault: FaultSpec, options: WorldOptions = {}): Promise<World> {
  const seed = options.seed ?? 20261124;
  const injectedAt = WORLD_START + LEAD_MINUTES * 60_000;
  const at = injectedAt + fault.minutes * 60_000;
  const sim = new Simulation({ start: WORLD_START, profile: profiles.realistic, seed });
  const recorder = new TraceRecorder(sim, { seed });
  recorder.recordFrom(at - 20 * 60_000);
  sim.logs.emitAccessLogsFrom(injectedAt - 5 * 60_000);
  sim.at(injectedAt, `fault ${fault.name}`, () => fault.inject(sim));
  const dir = cacheDir(fault, seed, options);
  const cached = existsSync(join(dir, 'complete'));
  // The same ticks whether or not the history is written, so the cluster ends in the same state.
  const replay = { end: at, stepMs: STEP_MS, fineFrom: injectedAt - 10 * 60_000, coarseTickSeconds: 5 };
  if (cached) {
    await sim.advanceTo(replay.fineFrom, { maxStepSeconds: replay.coarseTickSeconds });
    await sim.advanceTo(at, { maxStepSeconds: sim.profile.tickSeconds });
  } else {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const writer = new HistoryWriter(join(dir, 'history.om'));
    await replayHistory(sim, writer, replay);
    await writer.close();
    const result = spawnSync('promtool', ['tsdb', 'create-blocks-from', 'openmetrics', join(dir, 'history.om'), join(dir, 'data')], { encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`promtool failed: ${result.stderr || result.error}`);
    rmSync(join(dir, 'history.om'));
    writeFileSync(join(dir, 'complete'), new Date().toISOString());
  }
  const prometheus = await startPrometheus(dir);
  const apis = await serveLocalApis(sim, { extraHandlers: [createXRayApi(recorder)] });
  try {
    const alerts = await firingAlert(fault, prometheus.url, at);
    const metrics = new PrometheusMetrics(new PrometheusBackend({ url: prometheus.url }));
    const kubernetes = new KubernetesApiEvidence({ kubeconfig: apis.kubeconfig, now: () => sim.now });
    const traces = new XRayEvidence({ endpoint: apis.url });
    return {
      name: fault.name,
      sim,
      at,
      injectedAt,
      prometheusUrl: prometheus.url,
      apis,
      evidence: { metrics, kubernetes, traces },
      cluster: new KubernetesClusterWriter({ kubeconfig: apis.kubeconfig }),
      alerts,
      expected: fault.expected(sim),
      close: async () => {
        await apis.close();
        prometheus.child.kill('SIGTERM');
        await new Promise((r) => (prometheus.child.exitCode !== null ? r(undefined) : prometheus.child.once('exit', r)));
      },
    };
  } catch (error) {
    await apis.close();
    prometheus.child.kill('SIGKILL');
    throw error;
  }
}
