/**
 * The acceptance test of natural language -> PromQL: every question of questions/*.yaml is
 * translated against the fixture Prometheus' own catalog and judged by execution match (same result
 * vectors as the hand-written expected query at the fixture's instant, or over the same range).
 * Prints the pass rate and each failure; fails below 95%.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { prometheusHistory } from '../../test/support/prometheus-history.js';
import { PrometheusBackend } from '../backends/index.js';
import { catalogFromBackend } from './catalog.js';
import { ConversationContext } from './context.js';
import { compareResults, durationMs, loadQuestions, type QuestionCase } from './questions.js';
import { translate } from './translate.js';

interface Series {
  metric: Record<string, string>;
  value?: [number, string];
  values?: [number, string][];
}

async function run(url: string, query: string, params: Record<string, string>): Promise<Series[]> {
  const path = params.step ? 'query_range' : 'query';
  const res = await fetch(`${url}/api/v1/${path}`, { method: 'POST', body: new URLSearchParams({ query, ...params }) });
  const body = (await res.json()) as { status: string; error?: string; data: { result: Series[] } };
  if (body.status !== 'success') throw new Error(`${query}: ${body.error}`);
  return body.data.result;
}

test('execution match over the question set (>= 95%)', async () => {
  const { url, at } = await prometheusHistory();
  const catalog = catalogFromBackend(new PrometheusBackend({ url }), { now: () => at, ttlMs: 3_600_000 });
  const cases = loadQuestions();
  const failures: string[] = [];
  let emptyExpected = 0;

  const judge = async (c: QuestionCase): Promise<string | undefined> => {
    const context = new ConversationContext();
    for (const previous of c.context ?? []) await translate(previous, { now: at, catalog, context });
    const t = await translate(c.q, { now: at, catalog, context: c.context ? context : undefined });
    if (!t.promql) return `no query (${t.explanation})`;
    const wantRange = c.range !== undefined;
    if ((t.queryType === 'range') !== wantRange) return `${t.queryType} query, expected ${wantRange ? 'range' : 'instant'}: ${t.promql}`;
    let params: Record<string, string>;
    if (c.range) {
      const end = at - (c.range.offset ? durationMs(c.range.offset) : 0);
      const start = end - durationMs(c.range.window);
      const [ts, te] = [Date.parse(t.range.start), Date.parse(t.range.end)];
      if (Math.abs(ts - start) > 1000 || Math.abs(te - end) > 1000) return `range ${t.range.start}..${t.range.end}, expected ${new Date(start).toISOString()}..${new Date(end).toISOString()}`;
      params = { start: String(ts / 1000), end: String(te / 1000), step: String(t.range.step ?? 60) };
    } else {
      params = { time: String(Date.parse(t.time) / 1000) };
    }
    const expectedParams = c.range ? params : { time: String(at / 1000) };
    const [got, want] = await Promise.all([run(url, t.promql, params), run(url, c.promql, expectedParams)]);
    if (want.length === 0) emptyExpected++;
    const diff = compareResults(got, want);
    return diff ? `${diff}\n      got:      ${t.promql}\n      expected: ${c.promql}` : undefined;
  };

  for (let i = 0; i < cases.length; i += 16) {
    const batch = cases.slice(i, i + 16);
    const verdicts = await Promise.all(batch.map((c) => judge(c).catch((e: Error) => `error: ${e.message}`)));
    verdicts.forEach((v, j) => {
      if (v) failures.push(`[${batch[j]!.file}] "${batch[j]!.q}": ${v}`);
    });
  }
  const passed = cases.length - failures.length;
  const rate = passed / cases.length;
  console.log(`\n  execution match: ${passed}/${cases.length} (${(rate * 100).toFixed(1)}%), ${emptyExpected} expected results empty`);
  for (const f of failures) console.log(`  FAIL ${f}`);
  assert.ok(cases.length >= 150, `${cases.length} questions`);
  assert.ok(rate >= 0.95, `pass rate ${(rate * 100).toFixed(1)}% < 95%`);
});

test.run();
