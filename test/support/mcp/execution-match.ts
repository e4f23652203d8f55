/**
 * The execution-match judge over a question set: each question is translated against the fixture
 * Prometheus' own catalog and both queries are run (instant at the fixture's instant, or over the same
 * range); the verdict is whether the result vectors match (`compareResults`). Shared by the tuning set
 * (`execution-match.test.ts`) and the held-out set (`holdout.test.ts`).
 */
import type { LabelCatalog } from '../../../mcp/translate/catalog.js';
import { ConversationContext } from '../../../mcp/translate/context.js';
import { compareResults, durationMs, loadQuestions, type QuestionCase } from './questions.js';
import { translate } from '../../../mcp/translate/translate.js';

interface Series {
  metric: Record<string, string>;
  value?: [number, string];
  values?: [number, string][];
}

export interface QuestionSetResult {
  total: number;
  passed: number;
  /** `[file] "question": what differs`, one per failed question. */
  failures: string[];
  /** Questions whose expected query returns no series (a weak check: both sides empty match). */
  emptyExpected: number;
}

async function run(url: string, query: string, params: Record<string, string>): Promise<Series[]> {
  const path = params.step ? 'query_range' : 'query';
  const res = await fetch(`${url}/api/v1/${path}`, { method: 'POST', body: new URLSearchParams({ query, ...params }) });
  const body = (await res.json()) as { status: string; error?: string; data: { result: Series[] } };
  if (body.status !== 'success') throw new Error(`${query}: ${body.error}`);
  return body.data.result;
}

/** Translates and judges every question of `dir` against the Prometheus at `url`, evaluated at `at`. */
export async function judgeQuestionSet(options: { url: string; at: number; catalog: LabelCatalog; dir?: string; cases?: QuestionCase[] }): Promise<QuestionSetResult> {
  const { url, at, catalog } = options;
  const cases = options.cases ?? loadQuestions(options.dir);
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
  return { total: cases.length, passed: cases.length - failures.length, failures, emptyExpected };
}

/** The line the tests print: `label: passed/total (rate%), n expected results empty`, then each failure. */
export function reportQuestionSet(label: string, r: QuestionSetResult): string {
  return [`\n  ${label}: ${r.passed}/${r.total} (${((r.passed / r.total) * 100).toFixed(1)}%), ${r.emptyExpected} expected results empty`, ...r.failures.map((f) => `  FAIL ${f}`)].join('\n');
}
