import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { detectAnomalies, type RangeSeries } from './detect-anomalies.js';
import { leak, spike, steady } from '../../../test/support/anomaly/synthetic.js';
import type { Sample, Sensitivity } from './types.js';

const MiB = 2 ** 20;

/** As Prometheus returns it: unix seconds and string values. */
function matrix(metric: Record<string, string>, samples: Sample[]): RangeSeries {
  return { metric, values: samples.map((s) => [s.t, Number.isFinite(s.v) ? String(s.v) : 'NaN'] as const) };
}

const pod = { namespace: 'petadoptions', pod: 'petsite-7d9f', container: 'petsite' };

test('a leaking container is reported first, with time to its limit and follow-up queries', () => {
  const leaking = leak({ length: 340, at: 240, perStep: MiB, level: 150 * MiB, noise: 0.3 * MiB, stepMs: 15_000 }).samples;
  const healthy = steady({ length: 340, level: 120 * MiB, noise: 0.3 * MiB, stepMs: 15_000, seed: 4 }).samples;
  const result = detectAnomalies(
    [
      matrix({ __name__: 'container_memory_working_set_bytes', ...pod, pod: 'petsite-ok' }, healthy),
      matrix({ __name__: 'container_memory_working_set_bytes', ...pod }, leaking),
    ],
    { limit: (labels) => (labels.container === 'petsite' ? 256 * MiB : undefined), sensitivity: 'low' },
  );
  const [top, other] = result.series;
  assert.is(top!.metric.pod, 'petsite-7d9f');
  assert.is(top!.selector, 'container_memory_working_set_bytes{container="petsite",namespace="petadoptions",pod="petsite-7d9f"}');
  assert.is(other!.anomalies.length, 0);
  const critical = top!.anomalies[0]!;
  assert.is(critical.severity, 'critical');
  assert.is(critical.kind, 'growth');
  assert.match(critical.explanation, /Working set grew [34](\.\d+)? MiB\/min for \d+ min; (reaches the 256 MiB limit in ~\d+ min|is at or past the 256 MiB limit)/);
  assert.match(critical.start, /^2026-11-23T\d\d:\d\d:\d\dZ$/);
  assert.ok(critical.followUpQueries.some((q) => q.startsWith('predict_linear(container_memory_working_set_bytes{')));
  assert.ok(critical.followUpQueries.some((q) => q.includes('kube_pod_container_resource_limits')));
  assert.match(result.summary, /^\d+ anomal(y|ies) in 1 of 2 series \(sensitivity low\)\. Most severe \(critical\) in container_memory_working_set_bytes\{/);
});

test('NaN strings are gaps; the metric name comes from the query when the result has none', () => {
  const samples = spike({ length: 400, at: 300, height: 15 }).samples;
  samples[100] = { t: samples[100]!.t, v: NaN };
  const result = detectAnomalies([matrix({ service: 'petsite' }, samples)], { query: 'http_request_duration_seconds_sum{service="petsite"}' });
  const series = result.series[0]!;
  assert.is(series.selector, 'http_request_duration_seconds_sum{service="petsite"}');
  assert.is(series.samples, 400);
  const found = series.anomalies.find((a) => a.peakAt === new Date(samples[300]!.t * 1000).toISOString().replace('.000Z', 'Z'));
  assert.ok(found, 'the spike is reported');
  assert.ok(found!.score > 0.5 && found!.score < 1);
  assert.ok(found!.followUpQueries.some((q) => q.includes('rate(http_request_duration_seconds_sum{service="petsite"}[5m])')));
});

test('the kit\'s Series are judged exactly as the API\'s matrix series', () => {
  const samples = spike({ length: 400, at: 300, height: 15 }).samples;
  const labels = { __name__: 'http_requests_total', service: 'petsite' };
  const fromApi = detectAnomalies([matrix(labels, samples)]);
  const fromSeries = detectAnomalies([{ labels, samples }]);
  assert.equal(fromSeries, fromApi);
  assert.ok(fromSeries.anomalies > 0);
});

test('empty results and short series get hints instead of silence', () => {
  assert.match(detectAnomalies([]).summary, /no series; check the metric name and label values/);
  const short = detectAnomalies([matrix({ __name__: 'up' }, steady({ length: 40 }).samples)]);
  assert.match(short.summary, /^No anomalies in 1 series \(sensitivity medium\)\. 1 of 1 series have fewer than 130 samples/);
  assert.throws(() => detectAnomalies([], { sensitivity: 'very' as Sensitivity }), /sensitivity must be/);
});

test.run();
