/**
 * `detect_anomalies`: runs a range query and scores every series with the anomaly module's detectors
 * (robust z-score, seasonal deviation, spikes/drops, level shifts, growth towards a limit), returning
 * the anomalies with severity, explanation and follow-up queries, most severe series first.
 */
import { z } from 'zod';
import { detectAnomalies, MIN_SAMPLES_FOR_DETECTION } from '../../lib/prometheus/anomaly/index.js';
import { describeCap, seriesName } from '../insights/index.js';
import { ToolError } from './errors.js';
import { runRange } from './runner.js';
import { range, stepArg, timeArg } from './schemas.js';
import { iso, parseStep, parseTime, stepFor } from './time.js';
import { defineTool, readsMetrics } from './tool.js';

export const detectAnomaliesTool = defineTool({
  name: 'detect_anomalies',
  title: 'Detect anomalies in a metric',
  description:
    'Runs a PromQL range query (default: the last 3 hours, about 360 points per series) and finds anomalies in each series: spikes, drops, level shifts, seasonal deviations and steady growth towards a limit (leaks), with severity, explanation and follow-up queries.',
  annotations: readsMetrics,
  input: {
    query: z.string().min(1).describe('PromQL whose series to examine, e.g. container_memory_working_set_bytes{namespace="petadoptions",container!=""}'),
    start: timeArg('Range start (default now-3h)').optional(),
    end: timeArg('Range end (default now)').optional(),
    step: stepArg.optional(),
    sensitivity: z
      .union([z.enum(['low', 'medium', 'high']), z.number().min(0).max(1)])
      .optional()
      .describe('low (only the obvious), medium (default) or high (everything unusual), or a number in [0,1]'),
  },
  output: {
    query: z.string().describe('The PromQL examined'),
    range,
    anomalies: z.number().describe('Anomalies found across all series'),
    series: z
      .array(z.looseObject({ series: z.string(), samples: z.number(), maxScore: z.number(), anomalies: z.array(z.looseObject({ severity: z.string(), kind: z.string(), explanation: z.string() })) }))
      .describe('Series with anomalies first (capped to the budget)'),
    totalSeries: z.number().describe('Series examined'),
    summary: z.string().describe('What was found, in one paragraph'),
  },
  async run(args, ctx) {
    const now = ctx.clock.now();
    const end = parseTime(args.end, now, 'end');
    const start = args.start === undefined ? end - 3 * 3_600_000 : parseTime(args.start, now, 'start');
    const step = parseStep(args.step) ?? stepFor(start, end, 360);
    const points = Math.floor((end - start) / step) + 1;
    if (points < MIN_SAMPLES_FOR_DETECTION) {
      throw new ToolError('invalid_argument', `${points} points per series is too few to learn a baseline (at least ${MIN_SAMPLES_FOR_DETECTION})`, `widen the range or use a smaller step (e.g. step ${Math.max(1, Math.floor((end - start) / 1000 / 240))}s)`);
    }
    const run = await runRange(ctx, 'detect_anomalies', args.query, start, end, step);
    const aligned = { start: run.start, end: run.end };
    const result = detectAnomalies(
      run.data.result.map((s) => ({ metric: s.metric, values: s.values ?? [] })),
      { query: args.query, ...(args.sensitivity === undefined ? {} : { sensitivity: args.sensitivity }) },
    );
    // Already ordered most severe first; cap to the budget so a 500-pod query stays readable.
    const kept = result.series.slice(0, ctx.settings.budget.maxSeries);
    const capped = { items: kept, total: result.series.length, shown: kept.length, truncated: kept.length < result.series.length };
    const series = capped.items.map((s) => ({ series: seriesName(s.metric, s.selector), labels: s.metric, selector: s.selector, samples: s.samples, maxScore: s.maxScore, anomalies: s.anomalies }));
    const summary = capped.truncated ? `${result.summary} (${describeCap(capped)} listed, most anomalous first)` : result.summary;
    const lines = [summary];
    for (const s of series.filter((x) => x.anomalies.length)) {
      lines.push(`- ${s.series}:`);
      for (const a of s.anomalies) lines.push(`  - ${a.severity} ${a.kind} ${a.start}..${a.end}${a.ongoing ? ' (ongoing)' : ''}: ${a.explanation}${a.followUpQueries[0] ? `\n    next: \`${a.followUpQueries[0]}\`` : ''}`);
    }
    return {
      structured: {
        query: args.query,
        range: { start: iso(aligned.start), end: iso(aligned.end), step: step / 1000, description: `${iso(aligned.start)} to ${iso(aligned.end)} every ${step / 1000}s` },
        anomalies: result.anomalies,
        series,
        totalSeries: result.series.length,
        summary,
      },
      text: lines.join('\n'),
    };
  },
});
