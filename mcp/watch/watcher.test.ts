import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { alertsFromAnomaly, anomalyAlertSchema, type AnomalyAlert } from '../../agent/intake/anomaly.js';
import { ManualClock } from '../../core/clock.js';
import { memoryLogger } from '../../core/log.js';
import { backendError } from '../../lib/prometheus/client/index.js';
import { createMcpServer } from '../server/create-server.js';
import { newSession } from '../server/session.js';
import { defaultToolSettings } from '../tools/index.js';
import { fakeReceiver, type FakeReceiver } from '../../test/support/mcp/watch/receiver.js';
import { noise, syntheticBackend, type SyntheticWorld } from '../../test/support/mcp/watch/synthetic-backend.js';
import { parseWatchList } from './watch-list.js';
import { AnomalyWatcher, limitLookup, type AnomalyWatchOptions } from './watcher.js';

const MB = 2 ** 20;
const minute = 60_000;
/** When the synthetic anomaly happens. */
const T1 = Date.UTC(2026, 10, 24, 11, 0, 0);
const query = 'max by (namespace, pod, container) (container_memory_working_set_bytes{namespace="petadoptions"})';
const limitQuery = 'max by (namespace, pod, container) (kube_pod_container_resource_limits{resource="memory"})';

/** Two pods' memory: `leaky` spikes to 400 MiB for one sample at T1, `steady` never moves. */
function world(): SyntheticWorld {
  const labels = (pod: string) => ({ namespace: 'petadoptions', pod: `${pod}-7d4b9c6f5b-x2k8q`, container: pod });
  return {
    series: [
      { labels: labels('leaky'), value: (t) => (t === T1 ? 400 * MB : 100 * MB + 2 * MB * noise(t)) },
      { labels: labels('steady'), value: (t) => 120 * MB + 2 * MB * noise(t, 2) },
    ],
    instant: { [limitQuery]: [[labels('leaky'), 512 * MB], [labels('steady'), 512 * MB]] },
  };
}

const watchList = parseWatchList({ watches: [{ name: 'memory', description: 'Memory working set', query, limit: limitQuery, baseline: '2h', step: '30s', sensitivity: 'low' }] });

function setup(receiver: FakeReceiver, w = world(), options: Partial<AnomalyWatchOptions> = {}) {
  const clock = new ManualClock(T1 - 5 * minute);
  const backend = syntheticBackend(w);
  const logger = memoryLogger();
  const delays: number[] = [];
  const watcher = new AnomalyWatcher(
    { webhookUrl: receiver.url, watchList, webhook: { sleep: async (ms) => void delays.push(ms) }, ...options },
    { backend, clock, logger },
  );
  /** Runs once a minute, `n` times, waiting for deliveries after each run. */
  const minutes = async (n: number) => {
    for (let i = 0; i < n; i++) {
      await watcher.runOnce();
      await watcher.idle();
      clock.advance(minute);
    }
  };
  return { clock, backend, logger, watcher, delays, minutes };
}

function validated(bodies: unknown[]): AnomalyAlert[] {
  return bodies.map((body) => {
    const parsed = anomalyAlertSchema.safeParse(body);
    assert.ok(parsed.success, `the agent's schema accepts the payload: ${parsed.success ? '' : JSON.stringify(parsed.error.issues)}`);
    return parsed.data!;
  });
}

test('an anomaly episode is pushed once, then its end; the agent\'s schema accepts both', async () => {
  const receiver = await fakeReceiver();
  try {
    const { watcher, minutes } = setup(receiver);
    await minutes(40);
    const alerts = validated(receiver.accepted());
    assert.ok(alerts.length >= 2, `pushed: ${JSON.stringify(alerts.map((a) => [a.status, a.anomaly.kind, a.anomaly.start]))}`);
    assert.ok(alerts.every((a) => a.series.pod!.startsWith('leaky-')), 'nothing for the steady pod');

    const firing = alerts.filter((a) => a.status === 'firing');
    const resolved = alerts.filter((a) => a.status === 'resolved');
    const key = (a: AnomalyAlert) => `${a.query}|${JSON.stringify(a.series)}|${a.anomaly.start}`;
    assert.is(new Set(firing.map(key)).size, firing.length, 'one firing push per episode (query + series + start), over 40 runs');
    assert.equal(resolved.map(key).sort(), firing.map(key).sort(), 'each episode\'s end is pushed once, with its start');
    for (const r of resolved) {
      const f = firing.find((x) => key(x) === key(r))!;
      assert.is(r.anomaly.kind, f.anomaly.kind, 'same identity for the agent');
      assert.is(r.anomaly.ongoing, false);
      assert.ok(alerts.indexOf(r) > alerts.indexOf(f), 'the end after the start');
    }
    const first = firing[0]!;
    assert.is(first.query, query);
    assert.equal(first.series, { namespace: 'petadoptions', pod: 'leaky-7d4b9c6f5b-x2k8q', container: 'leaky' });
    assert.is(first.anomaly.start, '2026-11-24T11:00:00Z');
    assert.match(first.summary!, /^Memory working set: leaky-7d4b9c6f5b-x2k8q /);
    assert.ok(first.detectedAt! >= first.anomaly.start);

    // The agent turns it into a MetricAnomaly alert on the Deployment, as docs/api/anomaly-alerts.md says.
    const [alert] = alertsFromAnomaly(first, '2026-11-24T11:01:00Z');
    assert.is(alert!.name, 'MetricAnomaly');
    assert.is(alert!.labels.anomaly_kind, first.anomaly.kind);

    const status = watcher.status();
    assert.is(status.pushed, alerts.length);
    assert.is(status.failed, 0);
    assert.is(status.episodesOpen, 0);
    assert.is(status.runs, 40);
    assert.is(status.watches[0]!.series, 2);
  } finally {
    await receiver.close();
  }
});

test('incremental: after the first run only the new steps (and a minute of overlap) are fetched', async () => {
  const receiver = await fakeReceiver();
  try {
    const { backend, minutes } = setup(receiver);
    await minutes(3);
    const ranges = backend.calls.filter((c) => c.method === 'queryRange').map((c) => c.args[1] as { start: number; end: number; step: number });
    const at = (T1 - 5 * minute) / 1000;
    assert.equal(ranges, [
      { start: at - 7200, end: at, step: 30, signal: (ranges[0] as { signal?: AbortSignal }).signal },
      { start: at - 60, end: at + 60, step: 30, signal: (ranges[1] as { signal?: AbortSignal }).signal },
      { start: at, end: at + 120, step: 30, signal: (ranges[2] as { signal?: AbortSignal }).signal },
    ]);
    const limits = backend.calls.filter((c) => c.method === 'query');
    assert.equal(limits.map((c) => [c.args[0], (c.args[1] as { time: number }).time]), [
      [limitQuery, at],
      [limitQuery, at + 60],
      [limitQuery, at + 120],
    ]);
  } finally {
    await receiver.close();
  }
});

test('pushes are retried on 5xx and network errors; the counters say so', async () => {
  const receiver = await fakeReceiver();
  try {
    receiver.respond(503, 500);
    const { watcher, minutes, delays } = setup(receiver);
    await minutes(7);
    const statuses = receiver.received.map((r) => r.status);
    assert.equal(statuses.slice(0, 3), [503, 500, 202], 'the first push retried twice, then accepted');
    assert.equal(receiver.received[0]!.body, receiver.received[2]!.body, 'the same payload each time');
    assert.is(delays.length, 2);
    const status = watcher.status();
    assert.is(status.retries, 2);
    assert.is(status.failed, 0);
    assert.ok(status.pushed >= 1);
    assert.match(status.lastPushError!, /HTTP 500/);
  } finally {
    await receiver.close();
  }
});

test('a failing backend or a refusing agent never takes the watcher down', async () => {
  const receiver = await fakeReceiver();
  try {
    const w = world();
    w.failWith = backendError('unavailable', { message: 'Prometheus answered 503', hint: 'retry later', endpoint: '/api/v1/query_range' });
    const { watcher, minutes, logger } = setup(receiver, w);
    await minutes(2);
    let status = watcher.status();
    assert.is(status.errors, 2);
    assert.match(status.lastQueryError!, /Prometheus answered 503; retry later/);
    assert.match(status.watches[0]!.lastError!, /503/);
    assert.ok(logger.records.some((r) => r.msg === 'anomaly watch failed' && r.watch === 'memory' && r.level === 'warn'));
    // Prometheus is back; the agent refuses the first payload.
    delete w.failWith;
    receiver.respond(400);
    await minutes(10);
    status = watcher.status();
    assert.is(status.watches[0]!.lastError, undefined);
    assert.is(status.failed, 1);
    assert.ok(status.runs === 12);
    for (const record of logger.records) assert.is(typeof JSON.stringify(record), 'string', 'every log line is JSON');
  } finally {
    await receiver.close();
  }
});

test('the limit query is matched to series by their labels, the most specific first', () => {
  const lookup = limitLookup([
    { labels: { namespace: 'petadoptions' }, value: 1 },
    { labels: { __name__: 'kube_pod_container_resource_limits', namespace: 'petadoptions', pod: 'a' }, value: 2 },
  ]);
  assert.is(lookup({ namespace: 'petadoptions', pod: 'a', container: 'c' }), 2);
  assert.is(lookup({ namespace: 'petadoptions', pod: 'b' }), 1);
  assert.is(lookup({ namespace: 'other' }), undefined);
});

test('get_server_info carries the counters (pushed, failed, episodes open), or says how to turn the watcher on', async () => {
  const receiver = await fakeReceiver();
  try {
    const { watcher, minutes, backend, clock } = setup(receiver);
    await minutes(7);
    const call = async (anomalyWatch?: AnomalyWatcher) => {
      const deps = {
        backend,
        clock,
        services: {},
        settings: defaultToolSettings,
        logger: memoryLogger(),
        transport: 'http' as const,
        startedAt: clock.now(),
        ...(anomalyWatch ? { anomalyWatch } : {}),
      };
      const server = createMcpServer(deps, newSession('s', undefined));
      const [a, b] = InMemoryTransport.createLinkedPair();
      await server.connect(b);
      const client = new Client({ name: 'test', version: '1' });
      await client.connect(a);
      // The client validates structuredContent against the tool's output schema.
      const result = await client.callTool({ name: 'get_server_info', arguments: {} });
      await client.close();
      return result as unknown as { structuredContent: { anomalyWatch: Record<string, unknown> }; content: { text: string }[] };
    };
    const on = await call(watcher);
    const counters = on.structuredContent.anomalyWatch;
    assert.is(counters.enabled, true);
    assert.is(counters.pushed, watcher.status().pushed);
    assert.ok((counters.pushed as number) >= 1);
    assert.is(counters.failed, 0);
    assert.is(typeof counters.episodesOpen, 'number');
    assert.equal((counters.watches as { name: string }[]).map((w) => w.name), ['memory']);
    assert.match(on.content[0]!.text, /anomaly alerts to http:\/\/127\.0\.0\.1:\d+\/webhooks\/anomaly: \d+ pushed, 0 failed/);
    const off = await call();
    assert.is(off.structuredContent.anomalyWatch.enabled, false);
    assert.match(off.content[0]!.text, /anomaly alerts: off \(start with --anomaly-webhook URL\)/);
  } finally {
    await receiver.close();
  }
});

test('start() runs now and every interval on its own; stop() ends it', async () => {
  const receiver = await fakeReceiver();
  try {
    const { watcher, logger } = setup(receiver, world(), { intervalMs: 20 });
    watcher.start({ url: 'http://127.0.0.1:18081/mcp' });
    const deadline = Date.now() + 5000;
    while (watcher.status().runs < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    await watcher.stop();
    const runs = watcher.status().runs;
    assert.ok(runs >= 3, `ran ${runs} times`);
    await new Promise((r) => setTimeout(r, 60));
    assert.is(watcher.status().runs, runs, 'no run after stop()');
    assert.equal(logger.records.filter((r) => r.msg.startsWith('anomaly watch s')).map((r) => r.msg), ['anomaly watch started', 'anomaly watch stopped']);
    assert.equal(logger.records[0]!.watches, ['memory']);
  } finally {
    await receiver.close();
  }
});

test('payloads name the MCP endpoint they come from', async () => {
  const receiver = await fakeReceiver();
  try {
    const { watcher, clock } = setup(receiver);
    clock.set(T1 + minute);
    watcher.start({ url: 'http://127.0.0.1:18081/mcp' });
    const deadline = Date.now() + 5000;
    while (receiver.received.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    await watcher.stop();
    const [first] = validated(receiver.accepted());
    assert.equal(first!.origin, { server: 'prometheus-mcp', url: 'http://127.0.0.1:18081/mcp' });
  } finally {
    await receiver.close();
  }
});

test.run();
