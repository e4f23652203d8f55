/**
 * Zod schemas shared by the tools: arguments (times, steps) and the structured output of results and
 * insights, so every tool's outputSchema says the same thing about the same data.
 */
import { z } from 'zod';

export const timeArg = (what: string) =>
  z.union([z.string().max(100), z.number()]).describe(`${what}: RFC 3339 (2026-11-24T10:30:00Z), Unix seconds, "now" or relative like "now-1h"`);

export const stepArg = z
  .union([z.string().max(100), z.number()])
  .describe('Resolution: seconds (30) or a duration ("15s", "1m", "5m"); at most 11,000 points per series');

const labels = z.record(z.string(), z.string());

const stats = z.looseObject({
  count: z.number(),
  min: z.number(),
  max: z.number(),
  avg: z.number(),
  p95: z.number(),
  first: z.number(),
  last: z.number(),
  formatted: z.record(z.string(), z.string()),
});

const trend = z.looseObject({
  direction: z.enum(['increasing', 'decreasing', 'stable']),
  slopePerMinute: z.number(),
  relativeChange: z.number(),
  r2: z.number(),
  description: z.string(),
});

export const seriesView = z.looseObject({
  name: z.string(),
  labels,
  value: z.number().optional(),
  display: z.string().optional(),
  stats: stats.optional(),
  trend: trend.optional(),
  points: z.array(z.tuple([z.number(), z.number()])).optional(),
});

export const resultView = z
  .looseObject({
    resultType: z.enum(['vector', 'matrix', 'scalar', 'string']),
    unit: z.string(),
    totalSeries: z.number(),
    shownSeries: z.number(),
    truncated: z.boolean(),
    commonLabels: labels,
    series: z.array(seriesView),
    scalar: z.looseObject({ value: z.union([z.number(), z.string()]), display: z.string(), time: z.number() }).optional(),
    downsampledFrom: z.number().optional(),
    chart: z.looseObject({ type: z.enum(['line', 'bar', 'gauge', 'table']), reason: z.string() }),
    note: z.string(),
  })
  .describe('The result, capped to the budget: the series that matter with values or statistics, chart-ready points and totals');

export const insights = z
  .looseObject({
    summary: z.array(z.string()),
    breaches: z.array(z.looseObject({ series: z.string(), value: z.number(), limit: z.number(), utilisation: z.number(), severity: z.string(), description: z.string() })),
    baseline: z.looseObject({ offset: z.string(), summary: z.string(), changes: z.array(z.looseObject({ series: z.string(), description: z.string() })) }).optional(),
    anomalies: z.looseObject({ found: z.number(), highlights: z.array(z.looseObject({ series: z.string(), explanation: z.string() })) }).optional(),
    exploreUrl: z.string().optional(),
  })
  .describe('What is notable: leading series, trends, limit breaches, change since a baseline window, anomalies');

export const range = z
  .looseObject({ start: z.string(), end: z.string(), step: z.number().optional(), description: z.string() })
  .describe('Time range (ISO 8601); step in seconds');

export const pageArgs = {
  cursor: z.string().max(1000).optional().describe('Opaque cursor from a previous call\'s nextCursor, to get the next page'),
  limit: z.number().int().min(1).max(1000).optional().describe('Items per page (default 100)'),
};
