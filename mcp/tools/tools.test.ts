import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { z } from 'zod';
import { backendError } from '../../lib/prometheus/client/index.js';
import { templateLibrary } from '../server/library.js';
import { promqlValidator } from '../server/validator.js';
import {
  ask,
  asToolError,
  detectAnomaliesTool,
  executeQuery,
  executeRangeQuery,
  getMetricMetadata,
  getServerInfo,
  listLabelValues,
  listMetrics,
  suggestQueries,
  ToolError,
  translateQuery,
  type Tool,
} from './index.js';
import { chunkBounds, mergeSeries } from './runner.js';
import { FakeBackend, series, vector } from '../../test/support/mcp/tools/fake-backend.js';
import { fixtureInstant as at, tableTranslator, testContext } from '../../test/support/mcp/tools/context.js';

const mib = 2 ** 20;

/** The structured output must satisfy the tool's own output schema (the SDK and clients check it too). */
function conforms(tool: Tool<z.ZodRawShape, z.ZodRawShape>, structured: unknown): void {
  const result = z.object(tool.output).safeParse(structured);
  assert.ok(result.success, `${tool.name} output: ${result.success ? '' : result.error.message}`);
}

async function failure(promise: Promise<unknown>): Promise<ToolError> {
  try {
    await promise;
  } catch (error) {
    return asToolError(error);
  }
  throw new Error('expected a failure');
}

test('execute_query: recorded vector, readable units, limit breach found by the limit lookup, history written', async () => {
  const backend = new FakeBackend({
    query: (q, o) =>
      q.startsWith('kube_pod_container_resource_limits')
        ? vector(Number(o.time) * 1000, [{ namespace: 'petadoptions', pod: 'petsite-6f7c9d8b5-b4n9q', container: 'petsite', resource: 'memory' }, 200 * mib])
        : vector(Number(o.time) * 1000, [{ __name__: 'container_memory_working_set_bytes', namespace: 'petadoptions', pod: 'petsite-6f7c9d8b5-b4n9q', container: 'petsite' }, 195 * mib], [{ __name__: 'container_memory_working_set_bytes', namespace: 'petadoptions', pod: 'petsite-6f7c9d8b5-x7k2p', container: 'petsite' }, 90 * mib]),
  });
  const ctx = testContext(backend);
  const result = await executeQuery.run({ query: 'container_memory_working_set_bytes{namespace="petadoptions"}' }, ctx);
  conforms(executeQuery, result.structured);
  const s = result.structured as { time: string; result: { series: { display: string }[] }; insights: { breaches: { description: string }[] } };
  assert.is(s.time, '2026-11-24T11:00:00Z');
  assert.equal(s.result.series.map((x) => x.display), ['195 MiB', '90 MiB']);
  assert.match(s.insights.breaches[0]!.description, /98% of its 200 MiB limit/);
  assert.match(result.text, /\| series \| value \|/);
  assert.is(ctx.history.length, 2, 'the query and the limit lookup');
  assert.is(ctx.history[0]!.tool, 'execute_query');
});

test('execute_query: "now" is rounded to 15 s; explicit times are kept', async () => {
  const backend = new FakeBackend({ query: () => vector(at, [{}, 1]) });
  await executeQuery.run({ query: 'up' }, testContext(backend, { now: at + 7_000 }));
  assert.is((backend.calls[0]!.args[1] as { time: number }).time, at / 1000);
  await executeQuery.run({ query: 'up', time: (at + 7_000) / 1000 }, testContext(backend));
  assert.is((backend.calls.at(-1)!.args[1] as { time: number }).time, (at + 7_000) / 1000);
  await executeQuery.run({ query: 'up', time: 'now-1h' }, testContext(backend, { now: at + 7_000 }));
  assert.is((backend.calls.at(-1)!.args[1] as { time: number }).time, (at - 3_600_000) / 1000);
});

test('execute_query: empty results say which name or value does not exist', async () => {
  const backend = new FakeBackend({
    query: () => vector(at),
    labelValues: (label) => (label === '__name__' ? ['container_memory_working_set_bytes', 'http_requests_total'] : label === 'service' ? ['petsite', 'petsearch'] : []),
  });
  const typo = await executeQuery.run({ query: 'container_memory_workingset_bytes' }, testContext(backend));
  assert.match((typo.structured as { insights: { summary: string[] } }).insights.summary[0]!, /does not exist; did you mean container_memory_working_set_bytes/);
  const value = await executeQuery.run({ query: 'http_requests_total{service="petsearh"}' }, testContext(backend));
  assert.match(value.text, /no series of http_requests_total has service="petsearh"; did you mean service="petsearch"/);
});

test('execute_query: syntax errors and guardrails fail before reaching the backend, with position and hint', async () => {
  const backend = new FakeBackend();
  const services = { validator: promqlValidator(backend) };
  const syntax = await failure(executeQuery.run({ query: 'sum(rate(http_requests_total[5m]' }, testContext(backend, { services })));
  assert.is(syntax.kind, 'invalid_query');
  assert.ok(typeof syntax.details.position === 'number');
  assert.ok(syntax.hint.length > 0);
  const unbounded = await failure(executeQuery.run({ query: 'http_requests_total' }, testContext(backend, { services: { validator: promqlValidator(new FakeBackend({ query: () => vector(at, [{}, 50]) })) } })));
  assert.is(unbounded.kind, 'guardrail');
  assert.match(unbounded.hint, /narrow it with a label/);
  assert.is(backend.calls.length, 0);
});

test('execute_query: backend failures keep their kind and hint', async () => {
  const backend = new FakeBackend({
    query: () => {
      throw backendError('unavailable', { message: 'connection refused', hint: 'check the URL: is Prometheus running at http://127.0.0.1:9090?', endpoint: '/api/v1/query' });
    },
  });
  const error = await failure(executeQuery.run({ query: 'up' }, testContext(backend)));
  assert.is(error.kind, 'backend');
  assert.match(error.hint, /is Prometheus running/);
  assert.is((error.details.backend as { kind: string }).kind, 'unavailable');
});

test('execute_range_query: stats, trend, chunks with progress, on the step grid', async () => {
  const backend = new FakeBackend({
    queryRange: (_q, o) => {
      const start = Number(o.start) * 1000;
      const points = Math.floor((Number(o.end) * 1000 - start) / 15_000) + 1;
      return [series({ pod: 'petlistadoptions-1' }, start, 15_000, points, (i) => 100 * mib + ((start - (at - 3_600_000)) / 15_000 + i) * 0.5 * mib)];
    },
  });
  const ctx = testContext(backend, { settings: { rangeChunkPoints: 100 }, now: at + 4_000 });
  const result = await executeRangeQuery.run({ query: 'container_memory_working_set_bytes{pod="petlistadoptions-1"}', start: 'now-1h', end: 'now', step: '15s' }, ctx);
  conforms(executeRangeQuery, result.structured);
  const s = result.structured as { chunks: number; range: { start: string; end: string }; result: { series: { stats: { count: number }; trend: { direction: string; description: string }; points: unknown[] }[] } };
  assert.is(s.range.end, '2026-11-24T11:00:00Z');
  assert.ok(s.chunks >= 3);
  assert.is(s.result.series[0]!.stats.count, 241, 'chunks merged into exactly one query\'s points');
  assert.is(s.result.series[0]!.trend.direction, 'increasing');
  assert.match(s.result.series[0]!.trend.description, /2 MiB\/min/);
  assert.is(s.result.series[0]!.points.length, 60);
  assert.equal(ctx.progressed.map(([p, t]) => [p, t]), Array.from({ length: s.chunks + 1 }, (_, i) => [i, s.chunks]));
  const ranges = backend.calls.filter((c) => c.method === 'queryRange').map((c) => c.args[1] as { start: number; end: number });
  assert.ok(ranges.every((r) => r.start % 15 === 0 && r.end % 15 === 0));
});

test('execute_range_query: too many points is refused with a step that fits; end before start', async () => {
  const backend = new FakeBackend();
  const tooMany = await failure(executeRangeQuery.run({ query: 'up', start: 'now-30d', end: 'now', step: '15s' }, testContext(backend)));
  assert.is(tooMany.kind, 'guardrail');
  assert.match(tooMany.hint, /larger step/);
  const backwards = await failure(executeRangeQuery.run({ query: 'up', start: 'now', end: 'now-1h', step: 30 }, testContext(backend)));
  assert.is(backwards.kind, 'invalid_argument');
});

test('execute_range_query: a cancelled request stops between chunks', async () => {
  const controller = new AbortController();
  const backend = new FakeBackend({
    queryRange: (_q, o) => {
      controller.abort();
      return [series({ a: '1' }, Number(o.start) * 1000, 15_000, 2, () => 1)];
    },
  });
  const error = await failure(executeRangeQuery.run({ query: 'up', start: 'now-3h', end: 'now', step: '15s' }, testContext(backend, { signal: controller.signal, settings: { rangeChunkPoints: 100 } })));
  assert.is(error.kind, 'canceled');
  assert.is(backend.calls.filter((c) => c.method === 'queryRange').length, 1);
});

test('chunks: absolute boundaries, no gaps or overlaps; merging keeps series order', () => {
  const step = 15_000;
  const start = at - 3_600_000 + 30_000;
  const bounds = chunkBounds(start, at, step, 100);
  assert.is(bounds[0]![0], start);
  assert.is(bounds.at(-1)![1], at);
  for (let i = 1; i < bounds.length; i++) assert.is(bounds[i]![0], bounds[i - 1]![1] + step);
  assert.ok(bounds.slice(1).every(([s]) => s % (100 * step) === 0), 'later chunks start on absolute boundaries');
  const merged = mergeSeries([[series({ a: '1' }, 0, 1000, 2, (i) => i)], [series({ a: '1' }, 2000, 1000, 2, (i) => i + 2), series({ a: '2' }, 2000, 1000, 1, () => 9)]]);
  assert.equal(merged[0]!.values!.map(([, v]) => v), ['0', '1', '2', '3']);
  assert.is(merged.length, 2);
});

test('list_metrics: filter, type and help from metadata, cursor pagination', async () => {
  const names = Array.from({ length: 250 }, (_, i) => `metric_${String(i).padStart(3, '0')}_bytes`).concat(['container_memory_working_set_bytes']);
  const backend = new FakeBackend({ labelValues: () => names, metadata: () => ({ container_memory_working_set_bytes: [{ type: 'gauge', help: 'Current working set', unit: '' }] }) });
  const first = await listMetrics.run({ limit: 100 }, testContext(backend));
  conforms(listMetrics, first.structured);
  const page1 = first.structured as { metrics: { name: string }[]; total: number; nextCursor?: string };
  assert.is(page1.metrics.length, 100);
  assert.is(page1.total, 251);
  const seen = new Set(page1.metrics.map((m) => m.name));
  let cursor = page1.nextCursor;
  while (cursor) {
    const page = (await listMetrics.run({ limit: 100, cursor }, testContext(backend))).structured as typeof page1;
    page.metrics.forEach((m) => seen.add(m.name));
    cursor = page.nextCursor;
  }
  assert.is(seen.size, 251, 'every metric exactly once across pages');
  const filtered = (await listMetrics.run({ filter: 'WORKING' }, testContext(backend))).structured as { metrics: { name: string; type?: string; help?: string }[] };
  assert.equal(filtered.metrics, [{ name: 'container_memory_working_set_bytes', type: 'gauge', help: 'Current working set' }]);
  const wrongCursor = await failure(listMetrics.run({ filter: 'metric', cursor: page1.nextCursor }, testContext(backend)));
  assert.is(wrongCursor.kind, 'invalid_argument');
  const none = await failure(listMetrics.run({ filter: 'workng_set' }, testContext(backend)));
  assert.is(none.kind, 'not_found');
});

test('get_metric_metadata and list_label_values (recorded responses)', async () => {
  const backend = new FakeBackend({ query: () => vector(at, [{}, 3]) });
  const meta = await getMetricMetadata.run({ metric: 'prometheus_http_requests_total' }, testContext(backend));
  conforms(getMetricMetadata, meta.structured);
  assert.equal((meta.structured as { type: string; seriesCount: number }).type, 'counter');
  assert.is((meta.structured as { seriesCount: number }).seriesCount, 3);
  assert.is((await failure(getMetricMetadata.run({ metric: 'rate(x[5m])' }, testContext(backend)))).kind, 'invalid_argument');
  const values = await listLabelValues.run({ label: 'pod', limit: 2 }, testContext(backend));
  conforms(listLabelValues, values.structured);
  const v = values.structured as { values: string[]; total: number; nextCursor?: string };
  assert.equal(v.values, ['payforadoption-5c8d7f6b9-q2w8z', 'petsite-6f7c9d8b5-b4n9q']);
  assert.is(v.total, 3);
  assert.ok(v.nextCursor);
  const missing = await failure(listLabelValues.run({ label: 'pod', filter: 'petsearch' }, testContext(backend)));
  assert.is(missing.kind, 'not_found');
});

test('get_server_info: backend, version, cache counters, session', async () => {
  const ctx = testContext(new FakeBackend());
  ctx.server.cache = () => ({ hits: 3, misses: 1, coalesced: 0, evictions: 0, entries: 1, size: 10, hitRate: 0.75 });
  const info = await getServerInfo.run({}, ctx);
  conforms(getServerInfo, info.structured);
  const s = info.structured as { backend: { reachable: boolean; version: string }; cache: { hitRate: number }; session: { id: string } };
  assert.is(s.backend.reachable, true);
  assert.is(s.backend.version, '2.42.0+ds');
  assert.is(s.cache.hitRate, 0.75);
  assert.is(s.session.id, 'test-session');
});

test('get_server_info: the anomaly watcher is off unless the server facts carry its status', async () => {
  const ctx = testContext(new FakeBackend());
  const off = await getServerInfo.run({}, ctx);
  conforms(getServerInfo, off.structured);
  assert.equal((off.structured as { anomalyWatch: { enabled: boolean; pushed: number } }).anomalyWatch.enabled, false);
  assert.match(off.text, /\nanomaly alerts: off \(start with --anomaly-webhook URL\)$/);
  const status = { enabled: true as const, webhook: 'http://agent:8080/webhooks/anomaly', intervalSeconds: 60, runs: 4, pushed: 2, failed: 1, retries: 0, pending: 0, episodesOpen: 1, errors: 0, watches: [] };
  ctx.server.anomalyWatch = () => status;
  const on = await getServerInfo.run({}, ctx);
  conforms(getServerInfo, on.structured);
  assert.equal((on.structured as { anomalyWatch: unknown }).anomalyWatch, status);
  assert.match(on.text, /\nanomaly alerts to http:\/\/agent:8080\/webhooks\/anomaly: 2 pushed, 1 failed, 0 pending, 1 episodes open; 0 watches every 60s \(4 runs\)$/);
});

const memoryTranslation = {
  promql: 'sum by (pod) (container_memory_working_set_bytes{namespace="petadoptions",container="petsite"})',
  intent: 'current_value',
  entities: { service: ['petsite'] },
  queryType: 'instant' as const,
  confidence: 0.9,
  explanation: 'working set of the petsite pods',
};

test('translate_query: translation only, nothing runs; unknown questions fail with suggestions', async () => {
  const backend = new FakeBackend();
  const services = { translator: tableTranslator({ 'memory of petsite': memoryTranslation }) };
  const t = await translateQuery.run({ question: 'memory of petsite' }, testContext(backend, { services }));
  conforms(translateQuery, t.structured);
  const s = t.structured as { promql: string; intent: string; entities: unknown; range: { start: string; end: string } };
  assert.is(s.promql, memoryTranslation.promql);
  assert.equal(s.entities, { service: ['petsite'] });
  assert.is(s.range.end, '2026-11-24T11:00:00Z');
  assert.is(backend.calls.length, 0);
  const unknown = await failure(translateQuery.run({ question: 'gibberish' }, testContext(backend, { services })));
  assert.is(unknown.kind, 'not_found');
  assert.match(unknown.hint, /memory of petsite pods/);
  assert.is((await failure(translateQuery.run({ question: 'x' }, testContext(backend)))).kind, 'not_available');
});

test('ask: translation, result, insights with a baseline an hour before, progress', async () => {
  const backend = new FakeBackend({ query: (_q, o) => vector(Number(o.time) * 1000, [{ pod: 'petsite-1' }, Number(o.time) * 1000 === at ? 300 * mib : 200 * mib]) });
  const ctx = testContext(backend, { services: { translator: tableTranslator({ 'memory of petsite': memoryTranslation }) } });
  const result = await ask.run({ question: 'memory of petsite' }, ctx);
  conforms(ask, result.structured);
  const s = result.structured as { promql: string; result: { series: { display: string }[] }; insights: { baseline: { changes: { changeRatio: number }[] } } };
  assert.is(s.result.series[0]!.display, '300 MiB');
  assert.is(s.insights.baseline.changes[0]!.changeRatio, 0.5);
  assert.match(result.text, /Q: memory of petsite/);
  assert.equal(ctx.progressed.map(([p]) => p), [0, 1, 2, 3]);
  assert.is(ctx.history[0]!.question, 'memory of petsite');
});

test('suggest_queries: templates by topic, filled with an entity found among label values', async () => {
  const backend = new FakeBackend({ labelValues: (label) => (label === 'service' || label === 'container' ? ['petsite', 'petsearch'] : []) });
  const result = await suggestQueries.run({ topic: 'latency', entity: 'petsearch', limit: 3 }, testContext(backend, { services: { templates: templateLibrary } }));
  conforms(suggestQueries, result.structured);
  const s = result.structured as { suggestions: { promql: string; templateId: string }[]; total: number };
  assert.is(s.suggestions.length, 3);
  assert.ok(s.suggestions.some((x) => x.promql.includes('petsearch')), JSON.stringify(s.suggestions));
  const none = await failure(suggestQueries.run({ topic: 'zzzz' }, testContext(backend, { services: { templates: templateLibrary } })));
  assert.match(none.hint, /topics the library knows: .*memory/);
});

test('detect_anomalies: default 3 h range, anomalies with follow-ups; too few points refused', async () => {
  const backend = new FakeBackend({
    queryRange: (_q, o) => {
      const start = Number(o.start) * 1000;
      const step = Number(o.step) * 1000;
      const n = Math.floor((Number(o.end) * 1000 - start) / step) + 1;
      return [series({ __name__: 'container_memory_working_set_bytes', namespace: 'petadoptions', pod: 'p', container: 'c' }, start, step, n, (i) => (i === n - 20 ? 900 * mib : 100 * mib + Math.sin(i * 1.7) * 3 * mib))];
    },
  });
  const result = await detectAnomaliesTool.run({ query: 'container_memory_working_set_bytes{namespace="petadoptions"}' }, testContext(backend));
  conforms(detectAnomaliesTool, result.structured);
  const s = result.structured as { anomalies: number; range: { start: string; end: string; step: number }; series: { anomalies: { followUpQueries: string[] }[] }[] };
  assert.is(s.range.start, '2026-11-24T08:00:00Z');
  assert.ok(s.anomalies >= 1, result.text);
  assert.ok(s.series[0]!.anomalies[0]!.followUpQueries.length > 0);
  const few = await failure(detectAnomaliesTool.run({ query: 'up', start: 'now-10m' }, testContext(backend)));
  assert.is(few.kind, 'invalid_argument');
});

test.run();
