/**
 * Rewrites on the parse tree: offsets land on every selector (after a range), gauges become
 * *_over_time, matchers are added only to the metrics they belong to, and strings are never touched.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { operand, overTime, withMatchers, withOffset } from './rewrite.js';

test('offset goes after each selector and each range, not into strings or existing offsets', () => {
  assert.is(withOffset('sum(rate(x{a="}"}[5m])) / sum(y)', '1h'), 'sum(rate(x{a="}"}[5m] offset 1h)) / sum(y offset 1h)');
  assert.is(withOffset('a / b offset 2h', '1h'), 'a offset 1h / b offset 2h');
  assert.is(withOffset('histogram_quantile(0.9, sum by (le) (rate(h_bucket[5m])))', '1d'), 'histogram_quantile(0.9, sum by (le) (rate(h_bucket[5m] offset 1d)))');
});

test('gauges are read over a window; counters in ranges are left alone', () => {
  assert.is(overTime('sum(g{a="b"}) / sum(rate(c[5m]))', 'max', '1h'), 'sum(max_over_time(g{a="b"}[1h])) / sum(rate(c[5m]))');
});

test('matchers are added to the chosen metrics only, once', () => {
  const q = 'sum(rate(http_requests_total{service="s"}[5m])) / sum(rate(other[5m]))';
  assert.is(withMatchers(q, (m) => m === 'http_requests_total', ['route="/x"']), 'sum(rate(http_requests_total{service="s", route="/x"}[5m])) / sum(rate(other[5m]))');
  assert.is(withMatchers('http_requests_total', () => true, ['method="GET"']), 'http_requests_total{method="GET"}');
  assert.is(withMatchers('x{route="/y"}', () => true, ['route="/x"']), 'x{route="/y"}');
});

test('binary expressions are parenthesised as operands', () => {
  assert.is(operand('a / b'), '(a / b)');
  assert.is(operand('sum(a)'), 'sum(a)');
  assert.throws(() => operand('sum(a'), /invalid query/);
});

test.run();
