/**
 * Running a query on behalf of a tool: checked first (syntax, guardrails), then sent with the
 * request's cancellation signal; long range queries run in step-aligned chunks so the client sees
 * progress, can cancel between chunks, and the older chunks are cache hits on the next ask.
 * Every run is written to the session's query history.
 */
import type { InstantSample, MatrixData, QueryData, RangeSeries } from '../../lib/prometheus/client/index.js';
import type { ToolContext } from './context.js';
import { ToolError } from './errors.js';
import { iso } from './time.js';

export interface InstantRun {
  data: QueryData;
  time: number;
  warnings: string[];
  durationMs: number;
}

export interface RangeRun {
  data: MatrixData;
  start: number;
  end: number;
  step: number;
  chunks: number;
  warnings: string[];
  durationMs: number;
}

async function check(ctx: ToolContext, query: string, kind: 'instant' | 'range', range?: { start: number; end: number; step: number }): Promise<void> {
  if (!query.trim()) throw new ToolError('invalid_argument', 'the query is empty', 'give a PromQL expression, e.g. up or rate(http_requests_total[5m])');
  const problem = await ctx.services.validator?.check(query, { kind, ...range, signal: ctx.signal });
  if (!problem) return;
  const where = problem.position === undefined ? '' : ` at position ${problem.position}`;
  throw new ToolError(problem.kind === 'syntax' ? 'invalid_query' : 'guardrail', `${problem.message}${where}`, problem.hint, {
    ...(problem.position === undefined ? {} : { position: problem.position }),
    ...(problem.suggestion ? { suggestion: problem.suggestion } : {}),
  });
}

export async function runInstant(ctx: ToolContext, tool: string, query: string, time: number, question?: string): Promise<InstantRun> {
  const started = performance.now();
  const entry = { at: iso(ctx.clock.now()), tool, query, kind: 'instant' as const, time: iso(time), ...(question ? { question } : {}) };
  try {
    await check(ctx, query, 'instant');
    const answer = await ctx.backend.query(query, { time: time / 1000, signal: ctx.signal, timeout: ctx.settings.queryTimeoutMs });
    const durationMs = performance.now() - started;
    ctx.session.history.record({ ...entry, seriesCount: countSeries(answer.data), durationMs: Math.round(durationMs) });
    return { data: answer.data, time, warnings: [...(answer.warnings ?? []), ...(answer.infos ?? [])], durationMs };
  } catch (error) {
    ctx.session.history.record({ ...entry, durationMs: Math.round(performance.now() - started), error: (error as Error).message });
    throw error;
  }
}

export async function runRange(ctx: ToolContext, tool: string, query: string, rawStart: number, rawEnd: number, step: number, question?: string): Promise<RangeRun> {
  // On the step grid (as Grafana does): windows that slide by less than a step ask the same question.
  const start = Math.floor(rawStart / step) * step;
  const end = Math.floor(rawEnd / step) * step;
  if (end <= start) throw new ToolError('invalid_argument', `end (${iso(end)}) is not after start (${iso(start)})`, 'give a start before the end, e.g. start "now-1h", end "now"');
  const points = Math.floor((end - start) / step) + 1;
  if (points > ctx.settings.maxPointsPerSeries) {
    const suggested = Math.ceil((end - start) / ctx.settings.maxPointsPerSeries / 1000 / 15) * 15;
    throw new ToolError('guardrail', `${points} points per series is more than the ${ctx.settings.maxPointsPerSeries} allowed`, `use a larger step (at least ${suggested}s) or a shorter range`, {
      suggestion: `step=${suggested}s`,
    });
  }
  const started = performance.now();
  const entry = { at: iso(ctx.clock.now()), tool, query, kind: 'range' as const, start: iso(start), end: iso(end), step: step / 1000, ...(question ? { question } : {}) };
  try {
    await check(ctx, query, 'range', { start, end, step });
    const bounds = chunkBounds(start, end, step, points > ctx.settings.rangeChunkPoints ? ctx.settings.rangeChunkPoints : Infinity);
    const chunks = bounds.length;
    const warnings: string[] = [];
    const parts: RangeSeries[][] = [];
    await ctx.progress?.(0, chunks, `querying ${points} points per series${chunks > 1 ? ` in ${chunks} chunks` : ''}`);
    for (let i = 0; i < chunks; i++) {
      if (ctx.signal?.aborted) throw new ToolError('canceled', 'the request was cancelled', 'nothing to do; ask again if the answer is still needed');
      const [chunkStart, chunkEnd] = bounds[i]!;
      const answer = await ctx.backend.queryRange(query, { start: chunkStart / 1000, end: chunkEnd / 1000, step: step / 1000, signal: ctx.signal, timeout: ctx.settings.queryTimeoutMs });
      parts.push(answer.data.result);
      warnings.push(...(answer.warnings ?? []), ...(answer.infos ?? []));
      await ctx.progress?.(i + 1, chunks, `chunk ${i + 1} of ${chunks} (${iso(chunkStart)} to ${iso(chunkEnd)})`);
    }
    const data: MatrixData = { resultType: 'matrix', result: chunks === 1 ? parts[0]! : mergeSeries(parts) };
    const durationMs = performance.now() - started;
    ctx.session.history.record({ ...entry, seriesCount: data.result.length, durationMs: Math.round(durationMs) });
    return { data, start, end, step, chunks, warnings: [...new Set(warnings)], durationMs };
  } catch (error) {
    ctx.session.history.record({ ...entry, durationMs: Math.round(performance.now() - started), error: (error as Error).message });
    throw error;
  }
}

/**
 * Splits [start, end] into chunks of at most `chunkPoints` points whose boundaries sit at multiples of
 * chunkPoints * step in absolute time (not relative to start): when "now" moves on, every chunk but
 * the last is the same request as before, and a cache hit. Together they hold exactly the points of
 * one query.
 */
export function chunkBounds(start: number, end: number, step: number, chunkPoints: number): [number, number][] {
  if (!Number.isFinite(chunkPoints)) return [[start, end]];
  const span = Math.max(1, Math.floor(chunkPoints)) * step;
  const bounds: [number, number][] = [];
  let from = start;
  while (from <= end) {
    const boundary = Math.floor(from / span) * span + span;
    const to = Math.min(end, boundary - step);
    bounds.push([from, to]);
    from = to + step;
  }
  return bounds;
}

function labelKey(metric: Record<string, string>): string {
  return JSON.stringify(Object.entries(metric).sort(([a], [b]) => a.localeCompare(b)));
}

/** Joins chunked results series by series, in time order. */
export function mergeSeries(parts: RangeSeries[][]): RangeSeries[] {
  const merged = new Map<string, RangeSeries>();
  for (const part of parts) {
    for (const s of part) {
      const key = labelKey(s.metric);
      const into = merged.get(key);
      if (!into) {
        merged.set(key, { metric: s.metric, ...(s.values ? { values: [...s.values] } : {}), ...(s.histograms ? { histograms: [...s.histograms] } : {}) });
        continue;
      }
      if (s.values) into.values = [...(into.values ?? []), ...s.values];
      if (s.histograms) into.histograms = [...(into.histograms ?? []), ...s.histograms];
    }
  }
  return [...merged.values()];
}

function countSeries(data: QueryData): number {
  return data.resultType === 'vector' || data.resultType === 'matrix' ? data.result.length : 1;
}

/** Instant lookups for insights (limits, baselines): same backend, signal and history. */
export function lookupFor(ctx: ToolContext, tool: string): (promql: string, time: number) => Promise<InstantSample[]> {
  return async (promql, time) => {
    const run = await runInstant(ctx, tool, promql, time);
    return run.data.resultType === 'vector' ? run.data.result : [];
  };
}
