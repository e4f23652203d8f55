/**
 * The evaluator against a Prometheus stand-in that holds a few series: variables resolved in order with
 * a fallback, shares per kind and source, and blockers named down to the matcher that never holds and
 * the recording rule's own inputs.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { MetricsBackend } from '../../lib/prometheus/client/index.js';
import { RealismEvaluator, joinsOrFilters } from './evaluate.js';
import { concernsWorkloadsOrNodes, metricsOf, type Corpus, type CorpusQuery } from './queries.js';

type Row = Record<string, string>;
/** Series by metric name, with their labels; answers the few query shapes the evaluator sends. */
const series: Record<string, Row[]> = {
  kube_pod_info: [{ namespace: 'kube-system', pod: 'aws-node-7xk2p' }, { namespace: 'petadoptions', pod: 'petsite-7d4b9c6f8-q7w2e' }],
  container_memory_working_set_bytes: [{ job: 'kubernetes-cadvisor', namespace: 'petadoptions', pod: 'petsite-7d4b9c6f8-q7w2e' }],
};
const matches = (row: Row, matchers: string) => [...matchers.matchAll(/(\w+)(=|!=)"([^"]*)"/g)].every(([, k, op, v]) => (op === '=' ? (row[k!] ?? '') === v : (row[k!] ?? '') !== v));
function select(text: string): Row[] {
  const m = /^(\w+)?(?:\{(.*)\})?$/s.exec(text.trim());
  if (!m) return [];
  const name = m[1] ?? /__name__="(\w+)"/.exec(m[2] ?? '')?.[1];
  return (series[name ?? ''] ?? []).filter((row) => matches(row, (m[2] ?? '').replace(/__name__="\w+",?/, '')));
}
const backend = {
  async query(promql: string) {
    const group = /^group by \((\w+)\) \((.*)\)$/s.exec(promql);
    const count = /^count\((.*)\)$/s.exec(promql);
    const rows = group ? [...new Map(select(group[2]!).map((r) => [r[group[1]!] ?? '', { [group[1]!]: r[group[1]!] ?? '' }])).values()] : count ? (select(count[1]!).length ? [{}] : []) : select(promql.replace(/^sum\((.*)\)$/s, '$1'));
    return { status: 'success' as const, data: { resultType: 'vector' as const, result: rows.map((metric) => ({ metric, value: [0, '1'] as [number, string] })) } };
  },
  async labelValues(label: string) {
    return { status: 'success' as const, data: [...new Set(Object.values(series).flat().map((r) => r[label]).filter((v): v is string => !!v))] };
  },
} as unknown as MetricsBackend;

const q = (id: string, kind: CorpusQuery['kind'], expr: string, extra: Partial<CorpusQuery> = {}): CorpusQuery => {
  const metrics = metricsOf(expr.replace(/\$\w+/g, 'x'));
  return { id, source: 'kube-prometheus', kind, origin: `f.yaml g/${id}`, expr, metrics, workloadOrNode: concernsWorkloadsOrNodes(metrics), ...extra };
};

const corpus: Corpus = {
  sources: {} as Corpus['sources'],
  dashboards: [
    {
      id: 'd1',
      source: 'kube-prometheus',
      file: 'pod.json',
      title: 'Pod',
      variables: [
        { name: 'datasource', type: 'datasource' },
        { name: 'cluster', type: 'query', expr: 'up{job="kubelet"}', label: 'cluster' },
        { name: 'namespace', type: 'query', expr: 'kube_pod_info{cluster="$cluster"}', label: 'namespace' },
        { name: 'pod', type: 'query', expr: 'kube_pod_info{namespace="$namespace"}', label: 'pod' },
      ],
    },
  ],
  queries: [
    q('p1', 'panel', 'sum(container_memory_working_set_bytes{namespace="$namespace", pod="$pod"})', { dashboard: 'd1' }),
    q('p2', 'panel', 'sum(container_memory_working_set_bytes{job="kubelet", namespace="$namespace"})', { dashboard: 'd1' }),
    q('p3', 'panel', 'sum(node_namespace_pod_container:container_memory_working_set_bytes{namespace="$namespace"})', { dashboard: 'd1' }),
    q('v1', 'variable', 'kube_pod_info{namespace="$namespace"}', { dashboard: 'd1', variable: 'pod', label: 'pod', workloadOrNode: true }),
    q('r1', 'recording-rule', 'container_memory_working_set_bytes{job="kubelet", image!=""}', { origin: 'f.yaml k8s.rules/node_namespace_pod_container:container_memory_working_set_bytes' }),
    q('a1', 'alert', 'kube_pod_info > 0'),
    q('x1', 'panel', 'apiserver_request_total', { dashboard: 'd1' }),
  ],
};

test('variables in order, preferring the pet-adoption namespace; an empty dropdown falls back to a value the target has', async () => {
  const values = await new RealismEvaluator(backend).resolveVariables(corpus.dashboards[0]!);
  assert.equal(values, {
    datasource: { value: 'prometheus', fallback: false },
    cluster: { value: '', fallback: true },
    namespace: { value: 'petadoptions', fallback: false },
    pod: { value: 'petsite-7d4b9c6f8-q7w2e', fallback: false },
  });
});

test('shares per kind and source over the workload/node queries, and what blocks the rest', async () => {
  const report = await new RealismEvaluator(backend).evaluate(corpus, 'http://prometheus.test');
  assert.is(report.corpus.inScope, 6, 'apiserver_request_total is not about workloads or nodes');
  assert.equal(report.byKind.panel, { total: 3, withData: 1, share: 1 / 3 });
  assert.equal(report.byKind.alert, { total: 1, withData: 1, share: 1 });
  assert.equal(report.byKind.variable, { total: 1, withData: 1, share: 1 });
  const byId = Object.fromEntries(report.outcomes.map((o) => [o.id, o]));
  assert.is(byId.a1!.ran, 'kube_pod_info');
  assert.equal(byId.p2!.missing, ['container_memory_working_set_bytes{job="kubelet"}']);
  // Neither the job nor an image label exists on the stand-in's cAdvisor series: both matchers named.
  assert.equal(byId.r1!.missing, ['container_memory_working_set_bytes{job="kubelet", image!=""}']);
  assert.equal(byId.p3!.missing, ['node_namespace_pod_container:container_memory_working_set_bytes <= container_memory_working_set_bytes{job="kubelet", image!=""}']);
  assert.equal(report.missing.map((m) => m.blocker).sort(), [...byId.p2!.missing!, ...byId.p3!.missing!, ...byId.r1!.missing!].sort());
  assert.ok(joinsOrFilters.startsWith('('));
});

test.run();
