/**
 * The watch list: which PromQL series the anomaly watcher keeps an eye on, and how. Each watch is a
 * query evaluated as a range query over its baseline window at its step, judged by the anomaly
 * detectors at its sensitivity, optionally against a limit (a PromQL query or a number: the ceiling
 * the growth detector measures "time to limit" against).
 *
 * Files are YAML or JSON (`--watch FILE`): either `{ interval?, recent?, watches: [...] }` or a bare
 * list of watches. Unknown keys are refused so a typo is caught rather than ignored, and every query
 * is parsed before the watcher starts.
 */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { parseDuration } from '../../core/duration.js';
import { MIN_SAMPLES_FOR_DETECTION } from '../../lib/prometheus/anomaly/detect-anomalies.js';
import type { Sensitivity, Severity, Unit } from '../../lib/prometheus/anomaly/index.js';
import { parsePromQL } from '../validation/index.js';

export interface Watch {
  /** Short unique id, in logs and get_server_info (`memory-working-set`). */
  name: string;
  /** What is watched, in words; starts the pushed alert's summary ("Memory working set vs limit"). */
  description: string;
  /** PromQL whose series are watched (an instant-vector expression). */
  query: string;
  /** Window the detectors learn normal behaviour from (ms). */
  baselineMs: number;
  /** Resolution of the range query (ms). */
  stepMs: number;
  sensitivity: Sensitivity;
  /** A ceiling per series: PromQL whose series are matched to the watched ones by their labels, or one number. */
  limit?: string | number;
  unit?: Unit;
  /** Episodes below this severity are tracked but not pushed (default info: everything). */
  minSeverity: Severity;
  /** Summary template: `{{label}}` for a label of the series, `{{kind}}`, `{{severity}}`, `{{series}}`, `{{description}}`. */
  summary?: string;
}

export interface WatchList {
  watches: Watch[];
  /** How often every watch is evaluated (ms); the CLI's --watch-interval wins over it. */
  intervalMs?: number;
  /** On the first evaluation, episodes that ended less than this long ago are pushed too (ms). */
  recentMs?: number;
}

export class WatchListError extends Error {
  override name = 'WatchListError';
}

/** Prometheus refuses range queries of more points than this per series. */
const MAX_POINTS = 11_000;

const duration = z.union([z.string(), z.number()]).describe('a duration: 30s, 5m, 2h, or seconds as a number');
const sensitivity = z.union([z.enum(['low', 'medium', 'high']), z.number().min(0).max(1)]);

const watchSchema = z
  .object({
    name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'use letters, digits, "-", "_" and "." (e.g. memory-working-set)'),
    description: z.string().min(1).optional(),
    query: z.string().min(1),
    baseline: duration.default('2h'),
    step: duration.default('30s'),
    sensitivity: sensitivity.default('medium'),
    limit: z.union([z.string().min(1), z.number()]).optional(),
    unit: z.enum(['bytes', 'seconds', 'percent', 'ratio', 'cores', 'none']).optional(),
    minSeverity: z.enum(['info', 'warning', 'critical']).default('info'),
    summary: z.string().min(1).optional(),
  })
  .strict();

const watchesSchema = z.array(watchSchema).min(1, 'list at least one watch');
const fileSchema = z.object({ interval: duration.optional(), recent: duration.optional(), watches: watchesSchema }).strict();

export type WatchInput = z.input<typeof watchSchema>;
export type WatchListInput = z.input<typeof fileSchema> | WatchInput[];

function durationMs(value: string | number, where: string): number {
  if (typeof value === 'number') {
    if (!(value > 0) || !Number.isFinite(value)) throw new WatchListError(`${where}: ${value} is not a positive number of seconds`);
    return value * 1000;
  }
  try {
    return parseDuration(value);
  } catch {
    throw new WatchListError(`${where}: "${value}" is not a duration (use forms like 30s, 5m, 2h)`);
  }
}

function seconds(ms: number): string {
  return ms % 3_600_000 === 0 ? `${ms / 3_600_000}h` : ms % 60_000 === 0 ? `${ms / 60_000}m` : `${ms / 1000}s`;
}

/** Checks one watch and turns its durations into milliseconds; throws WatchListError saying what to fix. */
export function toWatch(input: z.output<typeof watchSchema>): Watch {
  const where = `watch "${input.name}"`;
  const parsed = parsePromQL(input.query);
  if (!parsed.ok) {
    const e = parsed.error!;
    throw new WatchListError(`${where}: query has a syntax error at line ${e.line}, column ${e.column}: ${e.message}${e.hint ? ` (${e.hint})` : ''}`);
  }
  if (parsed.resultType === 'matrix' || parsed.resultType === 'string') {
    throw new WatchListError(`${where}: query must give an instant vector (it gives a ${parsed.resultType}); drop the [range] selector or wrap it in rate()/avg_over_time()`);
  }
  if (typeof input.limit === 'string') {
    const limit = parsePromQL(input.limit);
    if (!limit.ok) throw new WatchListError(`${where}: limit query has a syntax error at line ${limit.error!.line}, column ${limit.error!.column}: ${limit.error!.message}`);
  }
  const baselineMs = durationMs(input.baseline, `${where}: baseline`);
  const stepMs = durationMs(input.step, `${where}: step`);
  if (stepMs < 1000) throw new WatchListError(`${where}: step must be at least 1s (got ${input.step})`);
  const points = Math.floor(baselineMs / stepMs) + 1;
  if (points < MIN_SAMPLES_FOR_DETECTION) {
    throw new WatchListError(
      `${where}: a ${seconds(baselineMs)} baseline at a ${seconds(stepMs)} step is ${points} points, fewer than the ${MIN_SAMPLES_FOR_DETECTION} the detectors need to learn a baseline; widen the baseline or use a smaller step`,
    );
  }
  if (points > MAX_POINTS) throw new WatchListError(`${where}: a ${seconds(baselineMs)} baseline at a ${seconds(stepMs)} step is ${points} points, more than Prometheus' ${MAX_POINTS} per series; use a larger step`);
  return {
    name: input.name,
    description: input.description ?? input.name,
    query: input.query.trim(),
    baselineMs,
    stepMs,
    sensitivity: input.sensitivity,
    ...(input.limit === undefined ? {} : { limit: typeof input.limit === 'string' ? input.limit.trim() : input.limit }),
    ...(input.unit ? { unit: input.unit } : {}),
    minSeverity: input.minSeverity,
    ...(input.summary ? { summary: input.summary } : {}),
  };
}

/** A watch list from its parsed YAML/JSON form; throws WatchListError with the first problem. */
export function parseWatchList(data: unknown, source = 'watch list'): WatchList {
  // A bare list of watches, or the full form with interval and recent.
  const result = Array.isArray(data) ? watchesSchema.safeParse(data) : fileSchema.safeParse(data ?? {});
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const path = issue.path.join('.');
    throw new WatchListError(`${source}: ${path ? `${path}: ` : ''}${issue.message}`);
  }
  const file = Array.isArray(result.data) ? { watches: result.data } : result.data;
  const watches = file.watches.map(toWatch);
  const seen = new Set<string>();
  for (const w of watches) {
    if (seen.has(w.name)) throw new WatchListError(`${source}: two watches are named "${w.name}"; names must be unique`);
    seen.add(w.name);
  }
  return {
    watches,
    ...('interval' in file && file.interval !== undefined ? { intervalMs: durationMs(file.interval, `${source}: interval`) } : {}),
    ...('recent' in file && file.recent !== undefined ? { recentMs: durationMs(file.recent, `${source}: recent`) } : {}),
  };
}

/** Reads a YAML or JSON watch list file. */
export function loadWatchList(path: string): WatchList {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new WatchListError(code === 'ENOENT' ? `watch list ${path} not found` : `cannot read watch list ${path}: ${(error as Error).message}`);
  }
  let data: unknown;
  try {
    data = parseYaml(text);
  } catch (error) {
    throw new WatchListError(`watch list ${path} is not valid YAML: ${(error as Error).message.split('\n')[0]}`);
  }
  return parseWatchList(data, `watch list ${path}`);
}
