/**
 * PromQL as given: `execute_query` (instant) and `execute_range_query`. Results come back capped and
 * summarised (statistics, trends, breaches) rather than raw, with an Explore link when configured.
 */
import { z } from 'zod';
import { analyse, renderInsights, renderView, type Insights, type ResultView } from '../insights/index.js';
import type { ToolContext } from './context.js';
import { explainEmpty } from './hints.js';
import { lookupFor, runInstant, runRange } from './runner.js';
import { insights, range, resultView, stepArg, timeArg } from './schemas.js';
import { instantTime, iso, parseStep, parseTime, stepFor } from './time.js';
import { defineTool, readsMetrics } from './tool.js';

export const executeQuery = defineTool({
  name: 'execute_query',
  title: 'Run an instant PromQL query',
  description:
    'Evaluates a PromQL expression at one instant (default now) and returns the series capped to the most significant ones, with values in readable units, limit breaches and a summary. Use execute_range_query for how values changed over time.',
  annotations: readsMetrics,
  input: {
    query: z.string().min(1).describe('PromQL expression, e.g. sum by (pod) (container_memory_working_set_bytes{namespace="petadoptions"})'),
    time: timeArg('Evaluation time (default now)').optional(),
  },
  output: {
    query: z.string().describe('The PromQL that ran'),
    time: z.string().describe('Evaluation time (ISO 8601)'),
    result: resultView,
    insights,
    warnings: z.array(z.string()).describe('Warnings from Prometheus (e.g. results truncated)'),
  },
  async run(args, ctx) {
    const time = instantTime(args.time, ctx.clock.now(), ctx.settings.nowResolutionMs);
    const run = await runInstant(ctx, 'execute_query', args.query, time);
    const { view, insights: found } = await analyse({ query: args.query, data: run.data, time, budget: ctx.settings.budget, lookup: lookupFor(ctx, 'execute_query'), grafana: ctx.settings.grafana });
    await withEmptyHints(ctx, args.query, view, found);
    return {
      structured: { query: args.query, time: iso(time), result: view, insights: found, warnings: run.warnings },
      text: answerText(`\`${args.query}\` at ${iso(time)}`, view, found, run.warnings),
    };
  },
});

export const executeRangeQuery = defineTool({
  name: 'execute_range_query',
  title: 'Run a PromQL range query',
  description:
    'Evaluates a PromQL expression over a time range and returns, per series (capped to the most significant), min/max/avg/p95/last, the trend with its slope, chart-ready downsampled points and anomaly highlights. Long ranges report progress and can be cancelled.',
  annotations: readsMetrics,
  input: {
    query: z.string().min(1).describe('PromQL expression, e.g. rate(http_requests_total{service="petsite"}[5m])'),
    start: timeArg('Range start, e.g. "now-1h"'),
    end: timeArg('Range end, e.g. "now"'),
    step: stepArg,
  },
  output: {
    query: z.string().describe('The PromQL that ran'),
    range,
    result: resultView,
    insights,
    chunks: z.number().describe('How many requests the range was split into'),
    warnings: z.array(z.string()).describe('Warnings from Prometheus'),
  },
  async run(args, ctx) {
    const now = ctx.clock.now();
    const step = parseStep(args.step) ?? stepFor(parseTime(args.start, now, 'start'), parseTime(args.end, now, 'end'));
    const run = await runRange(ctx, 'execute_range_query', args.query, parseTime(args.start, now, 'start'), parseTime(args.end, now, 'end'), step);
    const { start, end } = run;
    const { view, insights: found } = await analyse({
      query: args.query,
      data: run.data,
      range: { start, end, step },
      budget: ctx.settings.budget,
      lookup: lookupFor(ctx, 'execute_range_query'),
      grafana: ctx.settings.grafana,
    });
    await withEmptyHints(ctx, args.query, view, found);
    return {
      structured: {
        query: args.query,
        range: { start: iso(start), end: iso(end), step: step / 1000, description: `${iso(start)} to ${iso(end)} every ${step / 1000}s` },
        result: view,
        insights: found,
        chunks: run.chunks,
        warnings: run.warnings,
      },
      text: answerText(`\`${args.query}\` from ${iso(start)} to ${iso(end)} (step ${step / 1000}s)`, view, found, run.warnings),
    };
  },
});

/** Adds the specific reasons for an empty result (unknown metric, label value no series has). */
export async function withEmptyHints(ctx: ToolContext, query: string, view: ResultView, found: Insights): Promise<void> {
  if ((view.resultType !== 'vector' && view.resultType !== 'matrix') || view.totalSeries > 0) return;
  const hints = await explainEmpty(ctx, query);
  if (hints.length) found.summary.splice(0, found.summary.length, `No data: ${hints.join('; ')}.`);
}

export function answerText(heading: string, view: ResultView, found: Insights, warnings: string[]): string {
  const parts = [heading, renderInsights(found), renderView(view)];
  if (warnings.length) parts.push(`Warnings from Prometheus: ${warnings.join('; ')}`);
  return parts.filter(Boolean).join('\n\n');
}

