/**
 * translate() on a static catalog shaped like the local target: the contract (fields, ISO ranges,
 * steps), every intent, suggestions and ambiguity, the metric-name path, the LLM port, and the
 * backend catalog's cache.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { MetricsBackend } from '../../lib/prometheus/client/port.js';
import { parsePromQL } from '../validation/index.js';
import { catalogFromBackend } from './catalog.js';
import { translate, translationSummary, type LlmTranslator } from './index.js';
import { petCatalog, petNow } from '../../test/support/mcp/pet-catalog.js';

const catalog = petCatalog();
const ask = (q: string) => translate(q, { now: petNow, catalog });

test('a translation has the documented shape', async () => {
  const t = await ask('p95 latency of petsite over the last hour');
  assert.is(t.promql, 'histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket{service="petsite"}[1h])))');
  assert.is(t.intent, 'latency_percentile');
  assert.equal(t.entities, { service: ['petsite'] });
  assert.equal(t.range, { start: '2026-11-24T10:00:00.000Z', end: '2026-11-24T11:00:00.000Z', description: 'last hour' });
  assert.is(t.queryType, 'instant');
  assert.is(t.time, '2026-11-24T11:00:00.000Z');
  assert.is(t.templateId, 'latency-quantile.service');
  assert.ok(t.confidence > 0.8 && t.confidence <= 1);
  assert.match(t.explanation, /p95/);
  assert.equal(Object.keys(translationSummary(t)), ['promql', 'intent', 'entities', 'range']);
});

test('range queries get a step that keeps points under the cap', async () => {
  const t = await ask('graph memory of petlistadoptions over the last 6 hours');
  assert.is(t.queryType, 'range');
  assert.is(t.range.step, 120);
  const day = await translate('trend of petsite request rate over the last day', { now: petNow, catalog, maxPoints: 100 });
  assert.is(day.range.step, 900);
  assert.match(day.promql, /\[15m\]/, 'rate window at least the step');
});

const intents: [question: string, intent: string][] = [
  ['how much memory is petsite using', 'current_value'],
  ['is petlistadoptions memory growing', 'trend'],
  ['compare cpu of petsite and petsearch', 'comparison'],
  ['top 5 pods by memory', 'top_n'],
  ['request rate of petsearch', 'rate'],
  ['memory of petsite vs its limit', 'ratio'],
  ['p99 latency of payforadoption', 'latency_percentile'],
  ['error rate of petsite', 'error_rate'],
  ['is payforadoption throttled', 'saturation'],
  ['which pods were oomkilled', 'restarts'],
  ['which nodes are under disk pressure', 'node_condition'],
  ['is petsearch healthy', 'health'],
  ['how many pods are pending', 'count'],
  ['show node_load1', 'metric'],
];
for (const [question, intent] of intents) {
  test(`intent of "${question}" is ${intent}`, async () => {
    const t = await ask(question);
    assert.is(t.intent, intent, t.promql);
    assert.ok(parsePromQL(t.promql).ok, t.promql);
  });
}

const n2 = 'ip-192-168-27-104.us-west-2.compute.internal';
const readings: [question: string, promql: string, queryType?: 'range'][] = [
  // Counting measures count over the window asked for, even when asked to "show" them.
  ['show restarts in the last 30 minutes', 'sum(increase(kube_pod_container_status_restarts_total[30m]))'],
  ['show me the requests of petsite over the past 20 min', 'sum(increase(http_requests_total{service="petsite"}[20m]))'],
  ['show petsite cpu over the past 20 min', 'sum(rate(container_cpu_usage_seconds_total{namespace="petadoptions", container="petsite"}[5m]))', 'range'],
  // "How much has it grown in <window>": now minus then.
  ['how much has petlistadoptions memory grown in the last hour', 'sum(container_memory_working_set_bytes{namespace="petadoptions", container="petlistadoptions"}) - sum(container_memory_working_set_bytes{namespace="petadoptions", container="petlistadoptions"} offset 1h)'],
  // A named node's condition is read, a listing keeps the nodes in that state.
  ['is node 27.104 under memory pressure', `kube_node_status_condition{node="${n2}", condition="MemoryPressure", status="true"}`],
  ['which nodes are under memory pressure', 'kube_node_status_condition{condition="MemoryPressure", status="true"} == 1'],
  // A node or namespace beside a service or the nodes narrows the query; per node is a grouping.
  ['memory of coredns on node 27.104', `sum(container_memory_working_set_bytes{namespace="kube-system", container="coredns", node="${n2}"})`],
  ['cpu of petsite per node', 'sum by (node) (rate(container_cpu_usage_seconds_total{namespace="petadoptions", container="petsite"}[5m]))'],
  ['pods per node in petadoptions', 'count by (node) (kube_pod_info{namespace="petadoptions"})'],
  // Grammar: "used by the X namespace" names it; "least loaded node" ranks; "load average" is the metric.
  ['total cpu used by the petadoptions namespace', 'sum(rate(container_cpu_usage_seconds_total{namespace="petadoptions", container!="", container!="POD"}[5m]))'],
  ['least loaded node', 'bottomk(1, node_load1)'],
  ['the 3 pods with the most restarts', 'topk(3, sum by (namespace, pod) (kube_pod_container_status_restarts_total))'],
  ['how many nodes are ready', 'sum(kube_node_status_condition{condition="Ready", status="true"})'],
  ['how many pods are running on node 27.104', `count(kube_pod_info{node="${n2}"})`],
  ['which pods use more than 400MB', 'sum by (namespace, pod) (container_memory_working_set_bytes{container!="", container!="POD"}) > 400000000'],
  ['load average of the nodes over the last hour', 'node_load1', 'range'],
  ['cluster cpu utilisation', '100 * (1 - avg(rate(node_cpu_seconds_total{mode="idle"}[5m])))'],
  ['req/s of petsite', 'sum(rate(http_requests_total{service="petsite"}[5m]))'],
];
for (const [question, promql, queryType] of readings) {
  test(`reads "${question}"`, async () => {
    const t = await ask(question);
    assert.is(t.promql, promql);
    assert.is(t.queryType, queryType ?? 'instant');
  });
}

test('aliases: the default map, or the one given', async () => {
  assert.match((await ask('p95 of the frontend')).promql, /service="petsite"/);
  const own = await translate('p95 of the finder', { now: petNow, catalog, aliases: { petsearch: ['finder'] } });
  assert.match(own.promql, /service="petsearch"/);
  // The map given replaces the default (the CLI merges a file over the default itself).
  const without = await translate('p95 of the frontend', { now: petNow, catalog, aliases: { petsearch: ['finder'] } });
  assert.not.match(without.promql, /petsite/);
});

test('an ambiguous name gives alternatives and "did you mean"', async () => {
  const t = await ask('error rate of the adoption service');
  assert.is(t.ambiguous, true);
  assert.ok(t.alternatives!.some((a) => a.promql.includes('petlistadoptions')) && t.promql.includes('payforadoption'));
  assert.ok(t.confidence < 0.8);
});

test('an unknown name is reported, with the closest names', async () => {
  const t = await ask('memory of the petstore service');
  assert.ok(t.suggestions!.some((s) => /petstore.*did you mean .*pet(site|search)/.test(s)), JSON.stringify(t.suggestions));
  assert.ok(t.confidence < 0.6);
});

test('a question without anything to measure gets a low confidence and examples', async () => {
  const t = await ask('hello there');
  assert.is(t.promql, '');
  assert.is(t.intent, 'unknown');
  assert.ok(t.confidence < 0.2 && t.suggestions!.length > 0);
});

test('health is a small set of queries', async () => {
  const t = await ask('is payforadoption ok?');
  assert.is(t.templateId, 'replicas-availability.service');
  const alternatives = t.alternatives!.map((a) => a.description).join('|');
  for (const signal of [/Error ratio/, /Latency percentile \(p99\)/, /restarts/, /limit/, /throttling/i]) assert.match(alternatives, signal);
});

test('typos are corrected and said so in the explanation', async () => {
  const t = await ask('p99 latnecy of petsearh');
  assert.is(t.promql, 'histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket{service="petsearch"}[5m])))');
  assert.match(t.explanation, /"latnecy" read as "latency"/);
  assert.match(t.explanation, /"petsearh" read as service petsearch/);
});

test('thresholds are scaled to the query unit', async () => {
  assert.match((await ask('which routes of petsite have p95 latency above 250ms')).promql, /> 0\.25$/);
  assert.match((await ask('pods using more than 90% of their memory limit')).promql, /^100 \* \(.*\) > 90$/);
  assert.match((await ask('pods with memory above 200 MiB')).promql, /> 209715200$/);
});

test('an LLM is asked only below the confidence threshold', async () => {
  const calls: string[] = [];
  const llm: LlmTranslator = {
    async translate(request) {
      calls.push(request.question);
      return { promql: 'sum(up)', explanation: 'count of targets' };
    },
  };
  const sure = await translate('memory of petsite', { now: petNow, catalog, llm });
  assert.is(sure.source, 'rules');
  const unsure = await translate('what is going on', { now: petNow, catalog, llm });
  assert.is(unsure.source, 'llm');
  assert.is(unsure.promql, 'sum(up)');
  assert.equal(calls, ['what is going on']);
});

test('the backend catalog caches label values and refreshes them after the TTL', async () => {
  let now = petNow;
  let calls = 0;
  let pods = ['petsite-qc9jjtk2g5-jmkp4'];
  const backend = {
    async labelValues(label: string, options?: { match?: string[]; start?: Date }) {
      calls++;
      assert.is(options?.start?.getTime(), now - 3_600_000, 'only recent values count');
      const values: Record<string, string[]> = { __name__: ['container_memory_working_set_bytes'], namespace: ['petadoptions'], pod: pods, container: ['petsite'], node: [], deployment: [], service: [] };
      return { status: 'success' as const, data: values[label] ?? [] };
    },
  } as unknown as MetricsBackend;
  const cached = catalogFromBackend(backend, { ttlMs: 60_000, now: () => now });
  assert.equal(await cached.labelValues('pod', ['{namespace="petadoptions"}']), ['petsite-qc9jjtk2g5-jmkp4']);
  const generation = cached.generation;
  await cached.labelValues('pod', ['{namespace="petadoptions"}']);
  assert.is(calls, 1, 'served from the cache');
  pods = ['petsite-qc9jjtk2g5-jmkp4', 'petsite-qc9jjtk2g5-zzzzz'];
  now += 61_000;
  assert.equal(await cached.labelValues('pod', ['{namespace="petadoptions"}']), ['petsite-qc9jjtk2g5-jmkp4'], 'stale while refreshing');
  await new Promise((r) => setTimeout(r, 0));
  assert.equal(await cached.labelValues('pod', ['{namespace="petadoptions"}']), ['petsite-qc9jjtk2g5-jmkp4', 'petsite-qc9jjtk2g5-zzzzz']);
  assert.ok(cached.generation! > generation!, 'a change bumps the generation');
});

test.run();
