import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { followUpQueries, selectorOf } from './promql.js';

test('selectors escape label values and drop __name__', () => {
  assert.is(selectorOf('up'), 'up');
  assert.is(selectorOf('up', { __name__: 'up', job: 'a"b\\c', instance: 'x' }), 'up{instance="x",job="a\\"b\\\\c"}');
});

test('a container memory leak suggests its limit, restarts and predict_linear', () => {
  const labels = { namespace: 'petadoptions', pod: 'petsite-7d9f', container: 'petsite', node: 'ip-10-0-1-5' };
  const queries = followUpQueries('growth', { metric: 'container_memory_working_set_bytes', labels });
  const series = 'container_memory_working_set_bytes{container="petsite",namespace="petadoptions",node="ip-10-0-1-5",pod="petsite-7d9f"}';
  assert.ok(queries.includes(`deriv(${series}[15m])`));
  assert.ok(queries.includes(`predict_linear(${series}[30m], 3600)`));
  assert.ok(queries.includes('kube_pod_container_resource_limits{container="petsite",namespace="petadoptions",pod="petsite-7d9f",resource="memory"}'));
  assert.ok(queries.includes('increase(kube_pod_container_status_restarts_total{container="petsite",namespace="petadoptions",pod="petsite-7d9f"}[1h])'));
});

test('counters are looked at as rates, with offsets inside the range selector', () => {
  const queries = followUpQueries('seasonal-deviation', { metric: 'http_requests_total', labels: { service: 'petsite' } });
  assert.is(queries[0], 'rate(http_requests_total{service="petsite"}[5m]) / rate(http_requests_total{service="petsite"}[5m] offset 1w)');
  assert.ok(queries.some((q) => q.startsWith('histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket{service="petsite"}[5m])))')));
});

test('an expression gets subquery follow-ups; nothing known, nothing suggested', () => {
  const queries = followUpQueries('spike', { query: 'sum(rate(http_requests_total[5m]))' });
  assert.equal(queries, ['max_over_time((sum(rate(http_requests_total[5m])))[1h:1m])', 'last_over_time((sum(rate(http_requests_total[5m])))[5m:1m] offset 1w)']);
  assert.equal(followUpQueries('spike', {}), []);
});

test.run();
