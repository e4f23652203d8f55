/**
 * The generalisation measure: the held-out questions (questions/holdout/*.yaml, never tuned on; see
 * its README) judged by execution match against the fixture Prometheus, like the tuning set. Round 1
 * was written before the rules were changed, later rounds (`rN-*.yaml`) after the previous rounds' changes; each is
 * reported on its own, then together. Prints each failure; fails below 95% over all of them.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fileURLToPath } from 'node:url';
import { prometheusHistory } from '../../test/support/prometheus-history.js';
import { PrometheusBackend } from '../../lib/prometheus/client/index.js';
import { catalogFromBackend } from './catalog.js';
import { judgeQuestionSet, reportQuestionSet } from '../../test/support/mcp/execution-match.js';
import { loadQuestions } from '../../test/support/mcp/questions.js';

const holdoutDir = fileURLToPath(new URL('./questions/holdout/', import.meta.url));

test('execution match over the held-out question set (>= 95%)', async () => {
  const { url, at } = await prometheusHistory();
  const catalog = catalogFromBackend(new PrometheusBackend({ url }), { now: () => at, ttlMs: 3_600_000 });
  const cases = loadQuestions(holdoutDir);
  const round = (file: string) => /^r(\d+)-/.exec(file)?.[1] ?? '1';
  const rounds = [...new Set(cases.map((c) => round(c.file)))].sort().map((r) => ({ label: `held-out round ${r}`, cases: cases.filter((c) => round(c.file) === r) }));
  let passed = 0;
  for (const round of rounds) {
    const result = await judgeQuestionSet({ url, at, catalog, cases: round.cases });
    console.log(reportQuestionSet(round.label, result));
    passed += result.passed;
  }
  const rate = passed / cases.length;
  console.log(`\n  held-out execution match: ${passed}/${cases.length} (${(rate * 100).toFixed(1)}%)`);
  assert.ok(cases.length >= 120, `${cases.length} held-out questions`);
  assert.ok(rate >= 0.95, `held-out pass rate ${(rate * 100).toFixed(1)}% < 95%`);
});

test.run();
