/**
 * parsePromQL: syntax errors come back with their position, the offending token and a hint; valid
 * queries are described (selectors, functions, aggregations, ranges) for the guardrails.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parsePromQL } from './parse.js';

const errors: [query: string, offset: number, token: string, hint: RegExp][] = [
  ['rate(http_requests_total)', 5, 'http_requests_total', /did you mean `rate\(http_requests_total\[5m\]\)`/],
  ['sum(container_memory_working_set_bytes[5m])', 4, 'container_memory_working_set_bytes[5m]', /rate\(\), increase\(\) or a \*_over_time\(\)/],
  ['rat(x[5m])', 3, '(', /did you mean `rate`/],
  ['sum by pod (x)', 7, 'pod', /`by \(pod\)`/],
  ['x{service=petsite}', 10, 'petsite', /quoted: ="petsite"/],
  ['up = 1', 3, '=', /use `==`/],
  ['x[5 m]', 4, 'm', /no spaces|without spaces/],
  ['rate(sum(x)[5m])', 5, 'sum(x)[5m]', /subquery/],
  ['sum(rate(x[5m])', 3, '(', /add "\)" at the end/],
  ['sum(x))', 6, ')', /closes nothing/],
  ['x{a="b}', 4, '"b}', /close the string/],
  ['sum(x) offset 1h', 0, 'sum(x) offset 1h', /next to each selector/],
  ['topk(x, 5)', 5, 'x', /topk\(5, x\)/],
  ['foo bar', 4, 'bar', /operator .* is missing/],
  ['x +', 3, '', /right-hand side/],
  ['{job=~".*"}', 0, '{job=~".*"}', /non-empty matcher|metric name/],
  ['', 0, '', /write an expression/],
];

for (const [query, offset, token, hint] of errors) {
  test(`error in ${JSON.stringify(query)} at ${offset}`, () => {
    const r = parsePromQL(query);
    assert.is(r.ok, false);
    assert.is(r.error!.offset, offset, r.error!.message);
    assert.is(r.error!.token, token);
    assert.match(r.error!.hint ?? '', hint);
  });
}

test('line and column on a multi-line query', () => {
  const r = parsePromQL('sum by (pod) (\n  rate(container_cpu_usage_seconds_total{namespace="x"})\n)');
  assert.is(r.ok, false);
  assert.is(r.error!.line, 2);
  assert.is(r.error!.column, 8);
  assert.match(r.error!.message, /needs a range vector/);
});

test('a valid query is described: selectors, functions, aggregations, ranges', () => {
  const r = parsePromQL('histogram_quantile(0.95, sum by (le, service) (rate(http_request_duration_seconds_bucket{service=~"pet.*"}[5m] offset 1h))) > 0.3 and on() max_over_time(up[1h:1m])');
  assert.ok(r.ok, r.error?.message);
  assert.is(r.resultType, 'vector');
  assert.equal(r.functions, ['histogram_quantile', 'rate', 'max_over_time']);
  assert.equal(r.aggregations, [{ op: 'sum', by: ['le', 'service'] }]);
  assert.equal(r.selectors.map((s) => [s.metric, s.rangeMs, s.offsetMs, s.aggregated]), [
    ['http_request_duration_seconds_bucket', 300_000, 3_600_000, true],
    ['up', undefined, undefined, false],
  ]);
  assert.equal(r.selectors[0]!.matchers, [{ name: 'service', op: '=~', value: 'pet.*' }]);
  assert.equal(r.ranges.map((x) => [x.kind, x.ms, x.stepMs]), [['offset', 3_600_000, undefined], ['range', 300_000, undefined], ['subquery', 3_600_000, 60_000]]);
});

test('warnings for what Prometheus accepts but is likely wrong', () => {
  assert.match(parsePromQL('rate(node_load1[5m])').warnings.join(), /meant for counters/);
  assert.match(parsePromQL('histogram_quantile(0.9, sum by (service) (rate(x_bucket[5m])))').warnings.join(), /`le`/);
  assert.match(parsePromQL('histogram_quantile(95, sum by (le) (rate(x_bucket[5m])))').warnings.join(), /outside 0..1/);
  assert.equal(parsePromQL('sum(rate(http_requests_total[5m]))').warnings, []);
});

test('string escapes and quoted label values are read as Prometheus reads them', () => {
  const r = parsePromQL('x{a="q\\"uote", b=\'single\', c=`raw\\n`}');
  assert.ok(r.ok, r.error?.message);
  assert.equal(r.selectors[0]!.matchers.map((m) => m.value), ['q"uote', 'single', 'raw\\n']);
});

test('limits: a query too long or nested too deeply is refused before it is parsed, naming the limit', () => {
  const long = parsePromQL(`up{job="${'x'.repeat(20_000)}"}`);
  assert.is(long.ok, false);
  assert.match(long.error!.message, /20010 characters long; the limit is 16384/);
  assert.match(parsePromQL(`${'('.repeat(200)}up${')'.repeat(200)}`).error!.message, /nests 200 levels deep; the limit is 128/);
  assert.match(parsePromQL(`${'- '.repeat(300)}1`).error!.message, /nests 300 levels deep/);
  assert.match(parsePromQL(`1${' + 1'.repeat(300)}`).error!.message, /nests 300 levels deep; the limit is 128/);
  assert.match(parsePromQL(`up${' or up'.repeat(1000)}`).error!.message, /nests 1000 levels deep/);
  assert.ok(parsePromQL('sum by (pod) (rate(x{a!="b",c=~"d"}[5m])) / sum by (pod) (y) > 0.5 and on (pod) z').ok, 'matchers are not operators');
  assert.ok(parsePromQL(`${'('.repeat(20)}up${')'.repeat(20)}`).ok);
  assert.ok(parsePromQL('rate(up[5m] offset -1h) - -1').ok, 'signs in durations and operators are not nesting');
  assert.match(parsePromQL('up', { maxQueryLength: 1 }).error!.message, /the limit is 1/);
});

test('a label regex that is not RE2 is a parse error, as in Prometheus', () => {
  const r = parsePromQL('up{job=~"(?<=x)y"}');
  assert.is(r.ok, false);
  assert.match(r.error!.message, /invalid regex/);
  assert.match(r.error!.hint!, /RE2 syntax/);
});

test.run();
