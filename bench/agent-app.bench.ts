/**
 * Benchmarks of the agent's platform (intake, queue, engine, store, API) with stub step handlers, so
 * they measure the platform, not the evidence sources:
 *   - alert-to-first-notification latency over HTTP (target < 5 s);
 *   - 5 concurrent incidents on different services, each concluding about its own service (no cross-talk);
 *   - a 1000-alert soak: heap after GC must not grow.
 */
import { rmSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { Benchmark, Measurement } from './harness.js';
import { percentile } from './harness.js';
import { createLogger } from '../core/log.js';
import { createAgent, type Agent } from '../agent/app.js';
import type { AgentConfig } from '../agent/config.js';
import { FakeCluster, memoryLeakPlaybook, playbookDir, quickPlaybook, RecordingNotifier, StubWorld, stubHandlers, tempDir, testConfig } from '../test/support/agent/workflow-testkit.js';

const services = ['petsite', 'petsearch', 'payforadoption', 'petlistadoptions', 'pethistory'];
const hashAlphabet = 'bcdfghjklmnpqrstvwxz2456789';
const suffix = (n: number, length: number) => Array.from({ length }, (_, i) => hashAlphabet[(n * 7 + i * 13 + Math.floor(n / (i + 1))) % hashAlphabet.length]).join('');

function webhook(service: string, pod: string, fingerprint: string, alertname = 'ContainerMemoryNearLimit', status: 'firing' | 'resolved' = 'firing') {
  return {
    version: '4',
    groupKey: `{}:{alertname="${alertname}", namespace="petadoptions"}`,
    status,
    receiver: 'devops-agent',
    groupLabels: { alertname, namespace: 'petadoptions' },
    commonLabels: {},
    commonAnnotations: {},
    externalURL: 'http://127.0.0.1:19093',
    alerts: [
      {
        status,
        labels: { alertname, namespace: 'petadoptions', deployment: service, pod, container: service, severity: 'warning' },
        annotations: { summary: `Container petadoptions/${pod} ${service} is close to its memory limit` },
        startsAt: new Date(Date.now() - 60_000).toISOString(),
        endsAt: '0001-01-01T00:00:00Z',
        fingerprint,
      },
    ],
  };
}

async function post(agent: Agent, body: unknown): Promise<{ incidentId?: string; outcome: string }[]> {
  const response = await fetch(`${agent.url}/webhooks/alertmanager`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (response.status !== 202) throw new Error(`webhook answered ${response.status}: ${await response.text()}`);
  return ((await response.json()) as { results: { incidentId?: string; outcome: string }[] }).results;
}

async function start(config: Partial<AgentConfig>, world = new StubWorld(), keep = Number.POSITIVE_INFINITY) {
  const notifier = new RecordingNotifier(keep);
  const agent = await createAgent(testConfig(config), { log: createLogger('bench', { sink: () => undefined }), stepHandlers: stubHandlers(world), evidence: {}, cluster: new FakeCluster(), notifier, pollIntervalMs: 50 });
  await agent.start();
  return { agent, notifier, world };
}

async function firstNotificationLatency(log: (m: string) => void): Promise<Measurement> {
  const dir = tempDir('agent-bench-');
  const { agent, notifier } = await start({ sqlitePath: `${dir}/agent.sqlite`, concurrency: 4, playbookDirs: [playbookDir({ 'memory-leak.yaml': memoryLeakPlaybook })] });
  const latencies: number[] = [];
  try {
    for (let i = 0; i < 30; i++) {
      const service = `${services[i % services.length]}`;
      const pod = `${service}-${suffix(i, 10)}-${suffix(i + 3, 5)}`;
      const sent = performance.now();
      const [result] = await post(agent, webhook(`${service}${i}`, pod.replace(service, `${service}${i}`), `lat-${i}`));
      const opened = await notifier.next((n) => n.kind === 'incident-opened' && n.incident.id === result!.incidentId);
      latencies.push((opened as { at?: number }).at! - sent);
    }
  } finally {
    await agent.stop({ graceMs: 0 });
    rmSync(dir, { recursive: true, force: true });
  }
  const p95 = percentile(latencies, 95);
  log(`alert -> first notification: p50 ${percentile(latencies, 50).toFixed(1)} ms, p95 ${p95.toFixed(1)} ms over ${latencies.length} alerts`);
  return { name: 'alert-to-first-notification p95', value: p95 / 1000, unit: 's', target: '< 5 s', pass: p95 < 5_000, details: { p50Ms: percentile(latencies, 50), maxMs: Math.max(...latencies), samples: latencies.length } };
}

async function concurrentIncidents(log: (m: string) => void): Promise<Measurement[]> {
  const dir = tempDir('agent-bench-');
  const world = new StubWorld();
  for (const kind of ['metrics', 'kubernetes', 'logs', 'analyse', 'remediate', 'verify']) world.behaviour[kind] = { mode: 'delay', ms: 100 };
  const { agent, notifier } = await start({ sqlitePath: `${dir}/agent.sqlite`, concurrency: 5, autoApprove: true, playbookDirs: [playbookDir({ 'memory-leak.yaml': memoryLeakPlaybook })] }, world);
  const started = performance.now();
  let crossTalk = 0;
  try {
    const results = await Promise.all(services.map((service, i) => post(agent, webhook(service, `${service}-${suffix(i, 10)}-${suffix(i, 5)}`, `conc-${service}`))));
    const ids = results.map((r) => r[0]!.incidentId!);
    await Promise.all(ids.map((id) => notifier.next((n) => (n.kind === 'incident-resolved' || n.kind === 'incident-unresolved') && n.incident.id === id)));
    for (const [i, id] of ids.entries()) {
      const incident = (await agent.store.getIncident(id))!;
      const own = services[i]!;
      const foreign = [
        ...incident.findings.map((f) => f.subject?.name),
        incident.rootCause?.target.name,
        ...incident.actions.map((a) => a.target.name),
      ].filter((name) => name !== own);
      if (foreign.length || incident.status !== 'resolved' || incident.alertIds.length !== 1) crossTalk++;
    }
  } finally {
    await agent.stop({ graceMs: 0 });
    rmSync(dir, { recursive: true, force: true });
  }
  const seconds = (performance.now() - started) / 1000;
  log(`5 concurrent incidents resolved in ${seconds.toFixed(2)} s; incidents with cross-talk: ${crossTalk}`);
  return [
    { name: '5 concurrent incidents: with cross-talk', value: crossTalk, unit: 'incidents', target: '= 0', pass: crossTalk === 0 },
    // Each investigation is about 0.6 s of stub work; run one after another that would be about 3 s.
    { name: '5 concurrent incidents: wall time', value: seconds, unit: 's', target: '< 2 s (in parallel)', pass: seconds < 2 },
  ];
}

function heapAfterGc(gc: () => void): number {
  for (let i = 0; i < 3; i++) gc();
  return process.memoryUsage().heapUsed;
}

async function soak(log: (m: string) => void): Promise<Measurement[]> {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  const dir = tempDir('agent-bench-');
  const { agent } = await start({ sqlitePath: `${dir}/agent.sqlite`, concurrency: 4, playbookDirs: [playbookDir({ 'quick.yaml': quickPlaybook })] }, new StubWorld(), 10);
  const idle = async () => {
    for (;;) {
      const open = await agent.store.listIncidents({ status: ['open', 'investigating'], limit: 1 });
      if (open.items.length === 0 && (await agent.queue.depth()) === 0 && agent.pool.busy === 0) return;
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  // 100 workloads; each alert is a new pod of one of them, one in five is re-sent (a duplicate).
  let sent = 0;
  const send = async (count: number) => {
    const batch: Promise<unknown>[] = [];
    for (let i = 0; i < count; i++, sent++) {
      const n = sent;
      const service = `svc${n % 100}`;
      const fingerprint = n % 5 === 4 ? `soak-${n - 1}` : `soak-${n}`;
      const pod = `${service}-${suffix(n, 9)}-${suffix(n + 1, 5)}`;
      batch.push(post(agent, webhook(service, pod, fingerprint)));
      if (batch.length >= 20) await Promise.all(batch.splice(0));
    }
    await Promise.all(batch);
    await idle();
  };
  const started = performance.now();
  let before = 0;
  let after = 0;
  try {
    await send(200);
    before = heapAfterGc(gc);
    await send(800);
    after = heapAfterGc(gc);
  } finally {
    await agent.stop({ graceMs: 0 });
    rmSync(dir, { recursive: true, force: true });
  }
  const seconds = (performance.now() - started) / 1000;
  const growthMb = (after - before) / 2 ** 20;
  log(`1000 alerts in ${seconds.toFixed(1)} s; heap after GC ${(before / 2 ** 20).toFixed(1)} MiB after 200, ${(after / 2 ** 20).toFixed(1)} MiB after 1000`);
  return [
    { name: '1000-alert soak: heap growth after GC (200 -> 1000 alerts)', value: growthMb, unit: 'MiB', target: '< 5 MiB', pass: growthMb < 5, details: { beforeBytes: before, afterBytes: after } },
    { name: '1000-alert soak: throughput', value: 1000 / seconds, unit: 'alerts/s' },
  ];
}

const benchmark: Benchmark = {
  name: 'agent-platform',
  description: 'DevOps agent platform with stub steps: first-notification latency, concurrency without cross-talk, 1000-alert soak',
  async run({ log }) {
    return [await firstNotificationLatency(log), ...(await concurrentIncidents(log)), ...(await soak(log))];
  },
};

export default benchmark;
