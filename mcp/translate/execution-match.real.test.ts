/**
 * The acceptance test of natural language -> PromQL: every question of questions/*.yaml is
 * translated against the fixture Prometheus' own catalog and judged by execution match (same result
 * vectors as the hand-written expected query at the fixture's instant, or over the same range).
 * Prints the pass rate and each failure; fails below 95%.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { prometheusHistory } from '../../test/support/prometheus-history.js';
import { PrometheusBackend } from '../../lib/prometheus/client/index.js';
import { catalogFromBackend } from './catalog.js';
import { judgeQuestionSet, reportQuestionSet } from '../../test/support/mcp/execution-match.js';

test('execution match over the question set (>= 95%)', async () => {
  const { url, at } = await prometheusHistory();
  const catalog = catalogFromBackend(new PrometheusBackend({ url }), { now: () => at, ttlMs: 3_600_000 });
  const result = await judgeQuestionSet({ url, at, catalog });
  console.log(reportQuestionSet('execution match', result));
  const rate = result.passed / result.total;
  assert.ok(result.total >= 150, `${result.total} questions`);
  assert.ok(rate >= 0.95, `pass rate ${(rate * 100).toFixed(1)}% < 95%`);
});

test.run();
