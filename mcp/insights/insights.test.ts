import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FakeBackend, series, vector } from '../../test/support/mcp/tools/fake-backend.js';
import {
  analyse,
  compareWithBaseline,
  downsample,
  exploreUrl,
  findBreaches,
  formatValue,
  inferUnit,
  seriesStats,
  suggestChart,
  trendOf,
  viewOf,
} from './index.js';

const at = Date.UTC(2026, 10, 24, 11, 0, 0);

test('units are inferred from the PromQL and formatted as an SRE reads them', () => {
  assert.is(inferUnit('container_memory_working_set_bytes{namespace="petadoptions"}'), 'bytes');
  assert.is(inferUnit('sum by (pod) (rate(container_cpu_usage_seconds_total[5m]))'), 'cores');
  assert.is(inferUnit('histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket[5m])))'), 'seconds');
  assert.is(inferUnit('sum(rate(http_requests_total[5m]))'), 'per_second');
  assert.is(inferUnit('rate(container_network_receive_bytes_total[5m])'), 'bytes_per_second');
  assert.is(inferUnit('container_memory_working_set_bytes / on(pod) kube_pod_container_resource_limits'), 'ratio');
  assert.is(inferUnit('rate(container_cpu_cfs_throttled_periods_total[5m]) / rate(container_cpu_cfs_periods_total[5m])'), 'ratio');
  assert.is(inferUnit('increase(kube_pod_container_status_restarts_total[1h])'), 'count');
  assert.is(inferUnit('up'), 'none');
  assert.is(formatValue(412 * 2 ** 20, 'bytes'), '412 MiB');
  assert.is(formatValue(1.5 * 2 ** 30, 'bytes'), '1.5 GiB');
  assert.is(formatValue(0.312, 'seconds'), '312 ms');
  assert.is(formatValue(0.875, 'ratio'), '87.5%');
  assert.is(formatValue(0.62, 'cores'), '0.62 cores');
  assert.is(formatValue(14.23, 'per_second'), '14.2/s');
  assert.is(formatValue(NaN, 'bytes'), 'NaN');
});

test('statistics skip NaN and infinities', () => {
  const s = seriesStats([1, 2, NaN, 3, Infinity, 4])!;
  assert.equal({ count: s.count, min: s.min, max: s.max, avg: s.avg, last: s.last }, { count: 4, min: 1, max: 4, avg: 2.5, last: 4 });
  assert.ok(Math.abs(s.p95 - 3.85) < 1e-9);
  assert.is(seriesStats([NaN]), undefined);
});

test('trends: increasing with a unit-aware slope, stable when flat or noisy', () => {
  const leak = Array.from({ length: 61 }, (_, i) => [at + i * 60_000, 100 * 2 ** 20 + i * 3 * 2 ** 20] as [number, number]);
  const t = trendOf(leak, 'bytes')!;
  assert.is(t.direction, 'increasing');
  assert.ok(Math.abs(t.slopePerMinute - 3 * 2 ** 20) < 1);
  assert.match(t.description, /increasing by 3 MiB\/min/);
  const flat = Array.from({ length: 61 }, (_, i) => [at + i * 60_000, 50 + (i % 2 ? 0.5 : -0.5)] as [number, number]);
  assert.is(trendOf(flat, 'none')!.direction, 'stable');
  const falling = Array.from({ length: 30 }, (_, i) => [at + i * 60_000, 1 - i * 0.02] as [number, number]);
  assert.is(trendOf(falling, 'ratio')!.direction, 'decreasing');
  assert.is(trendOf([[at, 1]], 'none'), undefined);
});

test('capping: top 10 of 240 series, with the total said out loud', () => {
  const data = vector(at, ...Array.from({ length: 240 }, (_, i): [Record<string, string>, number] => [{ pod: `pod-${i}`, namespace: 'petadoptions' }, i]));
  const view = viewOf(data, { unit: 'none' });
  assert.is(view.totalSeries, 240);
  assert.is(view.shownSeries, 10);
  assert.ok(view.truncated);
  assert.match(view.note, /top 10 of 240 series/);
  assert.is(view.series[0]!.name, '{pod="pod-239"}');
  assert.equal(view.commonLabels, { namespace: 'petadoptions' });
  const bottom = viewOf(data, { unit: 'none', order: 'asc', budget: { maxSeries: 3 } });
  assert.equal(bottom.series.map((s) => s.value), [0, 1, 2]);
  assert.match(bottom.note, /bottom 3 of 240/);
});

test('+Inf and -Inf sample values are infinities, not NaN (a division by zero is +Inf, not "no value")', () => {
  const data = { resultType: 'vector' as const, result: [{ metric: { route: '/a' }, value: [at / 1000, '+Inf'] as [number, string] }, { metric: { route: '/b' }, value: [at / 1000, '-Inf'] as [number, string] }, { metric: { route: '/c' }, value: [at / 1000, 'NaN'] as [number, string] }] };
  const view = viewOf(data, { unit: 'ratio' });
  assert.equal(view.series.map((s) => s.display).sort(), ['+Inf', '-Inf', 'NaN']);
  const scalar = viewOf({ resultType: 'scalar', result: [at / 1000, '+Inf'] }, { unit: 'none' });
  assert.is(scalar.scalar!.value, Infinity);
});

test('capping: range results are downsampled, keeping first, last and the spike', () => {
  const points = Array.from({ length: 500 }, (_, i) => [at + i * 15_000, i === 250 ? 1000 : 10] as [number, number]);
  const kept = downsample(points, 60);
  assert.is(kept.length, 60);
  assert.equal(kept[0], points[0]);
  assert.equal(kept[59], points[499]);
  assert.ok(kept.some(([, v]) => v === 1000), 'the spike survives');
  const view = viewOf({ resultType: 'matrix', result: [series({ pod: 'a' }, at, 15_000, 500, (i) => i)] }, { unit: 'none' });
  assert.is(view.series[0]!.points!.length, 60);
  assert.is(view.downsampledFrom, 500);
  assert.match(view.note, /showing 60 of 500 points per series \(downsampled\)/);
  assert.is(view.series[0]!.trend!.direction, 'increasing');
  assert.is(view.series[0]!.stats!.max, 499);
});

test('series are named by the fewest labels that tell them apart', () => {
  const data = vector(
    at,
    [{ __name__: 'm', namespace: 'p', pod: 'a-1', node: 'n1', instance: 'n1' }, 1],
    [{ __name__: 'm', namespace: 'p', pod: 'b-1', node: 'n1', instance: 'n1' }, 2],
    [{ __name__: 'm', namespace: 'p', pod: 'c-1', node: 'n2', instance: 'n2' }, 3],
  );
  assert.equal(viewOf(data, { unit: 'none' }).series.map((s) => s.name), ['{pod="c-1"}', '{pod="b-1"}', '{pod="a-1"}']);
});

test('breaches: working set joined with the matching memory limit series', async () => {
  const mib = 2 ** 20;
  const current = [
    { labels: { namespace: 'petadoptions', pod: 'petlistadoptions-1', container: 'petlistadoptions' }, value: 250 * mib },
    { labels: { namespace: 'petadoptions', pod: 'petsite-1', container: 'petsite' }, value: 100 * mib },
  ];
  let asked = '';
  const breaches = await findBreaches('container_memory_working_set_bytes{namespace="petadoptions"}', 'bytes', current, async (q) => {
    asked = q;
    return vector(at, [{ namespace: 'petadoptions', pod: 'petlistadoptions-1', container: 'petlistadoptions', resource: 'memory' }, 256 * mib], [{ namespace: 'petadoptions', pod: 'petsite-1', container: 'petsite', resource: 'memory' }, 512 * mib]).result as never;
  });
  assert.match(asked, /kube_pod_container_resource_limits\{resource="memory",namespace=~"petadoptions"\}/);
  assert.is(breaches.length, 1);
  assert.is(breaches[0]!.severity, 'warning');
  assert.match(breaches[0]!.description, /98% of its 256 MiB limit/);
  const ratios = await findBreaches('a / b', 'ratio', [{ labels: { pod: 'x' }, value: 1.02 }, { labels: { pod: 'y' }, value: 0.5 }], async () => []);
  assert.equal(ratios.map((b) => [b.labels.pod, b.severity]), [['x', 'critical']]);
});

test('baseline: the same query an hour before, matched series by series', () => {
  const cmp = compareWithBaseline(
    [{ labels: { service: 'petsite' }, value: 0.45 }, { labels: { service: 'petsearch' }, value: 0.1 }, { labels: { service: 'new' }, value: 1 }],
    vector(at - 3_600_000, [{ service: 'petsite' }, 0.15], [{ service: 'petsearch' }, 0.1]).result as never,
    '1h',
    at - 3_600_000,
    'seconds',
  );
  assert.is(cmp.changes[0]!.series, '{service="petsite"}');
  assert.is(cmp.changes[0]!.changeRatio, 2);
  assert.match(cmp.changes[0]!.description, /450 ms now vs 150 ms an hour ago \(\+200%\)/);
  assert.is(cmp.missing, 1);
  assert.match(cmp.summary, /1 of 2 series changed by 20% or more since an hour ago/);
});

test('chart suggestions and Grafana Explore links', () => {
  assert.is(suggestChart('matrix', 3, 'bytes').type, 'line');
  assert.is(suggestChart('vector', 1, 'ratio').type, 'gauge');
  assert.is(suggestChart('vector', 5, 'bytes').type, 'bar');
  assert.is(suggestChart('vector', 50, 'bytes').type, 'table');
  const url = new URL(exploreUrl({ url: 'http://localhost:3000/', datasourceUid: 'prom' }, 'up{job="x"}', { start: at - 3_600_000, end: at, step: 30_000 }));
  assert.is(url.pathname, '/explore');
  const pane = JSON.parse(url.searchParams.get('panes')!).a;
  assert.is(pane.datasource, 'prom');
  assert.is(pane.queries[0].expr, 'up{job="x"}');
  assert.equal(pane.range, { from: String(at - 3_600_000), to: String(at) });
});

test('analyse: summary, breaches and baseline through the lookup; empty results hint at discovery tools', async () => {
  const backend = new FakeBackend();
  const lookups: [string, number][] = [];
  const lookup = async (q: string, t: number) => {
    lookups.push([q, t]);
    return q.startsWith('kube_pod') ? (vector(t, [{ namespace: 'petadoptions', pod: 'p1', container: 'c' }, 100]).result as never) : (vector(t, [{ namespace: 'petadoptions', pod: 'p1', container: 'c' }, 50]).result as never);
  };
  const { view, insights } = await analyse({
    query: 'container_memory_working_set_bytes{namespace="petadoptions"}',
    data: vector(at, [{ namespace: 'petadoptions', pod: 'p1', container: 'c' }, 95]),
    time: at,
    lookup,
    baseline: '1h',
    grafana: { url: 'http://g' },
  });
  assert.is(view.totalSeries, 1);
  assert.is(insights.breaches.length, 1);
  assert.is(insights.baseline!.changes[0]!.changeRatio, 0.9);
  assert.ok(lookups.some(([, t]) => t === at - 3_600_000));
  assert.ok(insights.exploreUrl!.startsWith('http://g/explore?'));
  assert.ok(insights.summary.length >= 3);
  const empty = await analyse({ query: 'x', data: vector(at) });
  assert.match(empty.insights.summary[0]!, /list_label_values/);
  void backend;
});

test('analyse: anomalies are highlighted on long enough range results', async () => {
  const s = series({ pod: 'spiky' }, at - 4 * 3_600_000, 60_000, 240, (i) => (i === 220 ? 300 : 100 + Math.sin(i * 1.7) * 3));
  const { insights } = await analyse({ query: 'container_memory_working_set_bytes', data: { resultType: 'matrix', result: [s] }, range: { start: at - 4 * 3_600_000, end: at, step: 60_000 } });
  assert.ok(insights.anomalies!.found >= 1, JSON.stringify(insights.anomalies));
  assert.ok(insights.summary.some((l) => /anomal/.test(l)));
});

test.run();
