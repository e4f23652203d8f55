/**
 * Guardrails on the parse tree: points per series, series count (with its pre-check query),
 * unbounded selectors on high-cardinality metrics, match-everything regexes, long ranges, fine
 * subqueries and the timeout.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { checkGuardrails, decideSeriesCount } from './guardrails.js';
import { seriesCountQuery } from './series-check.js';

const rules = (q: string, shape: Parameters<typeof checkGuardrails>[1] = { queryType: 'instant' }, limits = {}) =>
  checkGuardrails(q, shape, limits).violations.map((v) => `${v.severity}:${v.rule}`);

test('a range query with too many points per series is refused, with a step that fits', () => {
  const day = Date.UTC(2026, 10, 24);
  const r = checkGuardrails('up', { queryType: 'range', start: day, end: day + 86_400_000, step: 1 });
  assert.is(r.allowed, false);
  assert.is(r.violations[0]!.rule, 'max-points');
  assert.match(r.violations[0]!.suggestion, /step of at least 8s/);
  assert.ok(checkGuardrails('up', { queryType: 'range', start: '2026-11-24T00:00:00Z', end: '2026-11-25T00:00:00Z', step: 60 }).allowed);
  assert.equal(rules('up', { queryType: 'range', start: day, end: day - 1, step: 60 }), ['refuse:invalid-range']);
  assert.equal(rules('up', { queryType: 'range', start: day, end: day + 1, step: 0 }), ['refuse:invalid-range']);
});

test('a bare selector on a high-cardinality metric is refused unless narrowed or aggregated', () => {
  const r = checkGuardrails('http_request_duration_seconds_bucket', { queryType: 'instant' });
  assert.is(r.allowed, false);
  assert.match(r.violations[0]!.suggestion, /service="petsite"|aggregate/);
  assert.equal(rules('rate(http_request_duration_seconds_bucket{le=~".*"}[5m])'), ['warn:match-everything-regex', 'refuse:unbounded-selector']);
  assert.equal(rules('rate(http_request_duration_seconds_bucket{service!=""}[5m])'), ['refuse:unbounded-selector']);
  assert.equal(rules('http_request_duration_seconds_bucket{service="petsite"}'), []);
  assert.equal(rules('histogram_quantile(0.9, sum by (le) (rate(http_request_duration_seconds_bucket[5m])))'), []);
  assert.equal(rules('my_metric', { queryType: 'instant' }, { highCardinalityMetrics: ['my_metric'] }), ['refuse:unbounded-selector']);
});

test('regexes matching everything: refused on the metric name, a warning elsewhere', () => {
  assert.ok(rules('{__name__=~".+"}').includes('refuse:match-everything-regex'));
  assert.ok(rules('{__name__=~".*|foo"}').includes('refuse:match-everything-regex'));
  assert.equal(rules('up{job=~"(.*)"}'), ['warn:match-everything-regex']);
  assert.equal(rules('up{job=~"node.*"}'), []);
});

test('selectors that select every series: judged on what the matchers accept, not on their text', () => {
  for (const q of ['{__name__!=""}', '{job=~".+"}', '{"__name__"!=""}', '{job=~".+", instance!=""}', 'count({job!=""})']) {
    assert.ok(rules(q).includes('refuse:selects-every-series'), q);
  }
  for (const q of ['{__name__=~"(?s:.)+"}', '{__name__=~"[a-zA-Z_:][a-zA-Z0-9_:]*"}', 'count({__name__=~".+"})']) {
    assert.ok(rules(q).includes('refuse:match-everything-regex'), q);
  }
  const refusal = checkGuardrails('{__name__!=""}', { queryType: 'instant' }).violations[0]!;
  assert.match(refusal.suggestion, /name the metric/);
  assert.equal(rules('{namespace="petadoptions"}'), []);
  assert.equal(rules('{__name__=~"container_.*"}'), []);
  assert.equal(rules('{pod=~"petsite-.*"}'), []);
  assert.equal(rules('rate(http_requests_total{code!="200"}[5m])'), ['refuse:unbounded-selector'], 'excluding one value narrows nothing');
});

test('label regexes that cannot be judged are refused with the limit named; catastrophic ones are judged', () => {
  const refusal = (q: string) => checkGuardrails(q, { queryType: 'instant' }).violations.find((v) => v.severity === 'refuse');
  assert.match(refusal(`up{pod=~"${'a|'.repeat(600)}a"}`)!.message, /characters long; the limit is 1024/);
  assert.match(refusal(`up{pod=~"${'.{0,500}'.repeat(10)}"}`)!.message, /RE2 instructions; the limit is 2000/);
  assert.is(refusal('up{pod=~".*b.{20}|.*"}')!.rule, 'regex');
  assert.equal(rules('up{pod=~".{0,299}|(x+x+)+y"}'), []);
  assert.equal(rules('up{pod=~"(a|aa)+$", job=~"(x+x+)+y"}'), []);
});

test('ranges and subqueries: too long, too fine', () => {
  assert.equal(rules('rate(up[60d])'), ['refuse:range-window-too-long']);
  assert.equal(rules('max_over_time(up[1h:100ms])'), ['refuse:subquery-resolution']);
  assert.equal(rules('max_over_time(up[30d:10s])'), ['refuse:subquery-resolution']);
  assert.equal(rules('max_over_time(up[1d:1m])'), []);
  assert.equal(rules('rate(up[2h])', { queryType: 'instant' }, { maxRangeWindowMs: 3_600_000 }), ['refuse:range-window-too-long']);
});

test('syntax errors are refusals with the parser hint', () => {
  const r = checkGuardrails('rate(up)', { queryType: 'instant' });
  assert.is(r.violations[0]!.rule, 'syntax');
  assert.match(r.violations[0]!.message, /line 1, column 6/);
  assert.match(r.violations[0]!.suggestion, /rate\(up\[5m\]\)/);
});

test('series count: a cheap count pre-check query and the decision on its result', () => {
  assert.is(seriesCountQuery('sum by (pod) (rate(container_cpu_usage_seconds_total{namespace="petadoptions"}[5m]))'), '(count(last_over_time(container_cpu_usage_seconds_total{namespace="petadoptions"}[5m])) or vector(0))');
  assert.is(seriesCountQuery('node_memory_MemAvailable_bytes / node_memory_MemTotal_bytes offset 1h'), '(count(node_memory_MemAvailable_bytes) or vector(0)) + (count(node_memory_MemTotal_bytes offset 1h) or vector(0))');
  assert.is(seriesCountQuery('up', { queryRangeMs: 3_600_000 }), '(count(last_over_time(up[1h])) or vector(0))');
  assert.is(seriesCountQuery('1 + 1'), undefined);
  assert.is(seriesCountQuery('rate(up)'), undefined);
  assert.equal(decideSeriesCount(10, { maxSeries: 100 }), { allowed: true });
  const refused = decideSeriesCount(5000, { maxSeries: 100 });
  assert.is(refused.allowed, false);
  assert.match(refused.violation!.suggestion, /sum by|topk/);
  assert.equal(rules('up', { queryType: 'instant', seriesCount: 20_000 }), ['refuse:max-series']);
});

test('timeout: the default, a requested one, and a clamp at the maximum', () => {
  assert.is(checkGuardrails('up', { queryType: 'instant' }).timeoutMs, 30_000);
  assert.is(checkGuardrails('up', { queryType: 'instant', timeoutMs: 5_000 }).timeoutMs, 5_000);
  const clamped = checkGuardrails('up', { queryType: 'instant', timeoutMs: 600_000 });
  assert.is(clamped.timeoutMs, 120_000);
  assert.is(clamped.allowed, true);
  assert.equal(clamped.violations.map((v) => v.rule), ['timeout']);
});

test.run();
