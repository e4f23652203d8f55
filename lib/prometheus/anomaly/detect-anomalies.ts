/**
 * The `detect_anomalies` MCP tool's handler, free of MCP: takes the series of a Prometheus range
 * query result (`{metric, values: [[unixSeconds, "value"], ...]}`, as the API sends them) or the
 * kit's own Series (`{labels, samples}`), scores each series with the ensemble and returns its
 * anomalies with explanations, severities, scores and follow-up PromQL.
 */
import { anomaliesOf, type Anomaly } from './anomalies.js';
import { Ensemble } from './ensemble.js';
import { selectorOf } from './promql.js';
import { resolveSensitivity, scoreOf } from './sensitivity.js';
import { sampleValue, type Series } from '../series.js';
import type { AnomalyKind, SeriesContext, Sensitivity, Severity, Unit } from './types.js';

/** One series of a Prometheus range query (`resultType: "matrix"`), as the API sends it. */
export interface RangeSeries {
  metric: Record<string, string>;
  values: readonly (readonly [number, string])[];
}

export interface DetectAnomaliesOptions {
  sensitivity?: Sensitivity;
  /** Score in (0, 1) from which a sample is an anomaly; overrides the sensitivity. */
  threshold?: number;
  /** The PromQL the series came from; names the metric when the result has no `__name__`. */
  query?: string;
  /** A ceiling per series (e.g. the memory limit in bytes): one number, or looked up by labels. */
  limit?: number | ((metric: Record<string, string>) => number | undefined);
  unit?: Unit;
  /** At most this many anomalies per series, most severe first (default 5). */
  maxAnomaliesPerSeries?: number;
}

export interface AnomalyReport {
  start: string;
  end: string;
  peakAt: string;
  peakValue: number;
  score: number;
  severity: Severity;
  kind: AnomalyKind;
  detector: string;
  explanation: string;
  evidence: Record<string, number>;
  ongoing: boolean;
  followUpQueries: string[];
}

export interface SeriesReport {
  metric: Record<string, string>;
  /** A selector for the series, or the query when the series is an expression. */
  selector: string;
  samples: number;
  /** Highest anomaly score in the series. */
  maxScore: number;
  anomalies: AnomalyReport[];
}

export interface DetectAnomaliesResult {
  series: SeriesReport[];
  /** Total anomalies across series. */
  anomalies: number;
  /** One paragraph for the model or the human: what was found, and hints when nothing could be. */
  summary: string;
}

/** Samples the detectors need before their baselines can judge anything. */
export const MIN_SAMPLES_FOR_DETECTION = 130;

const severityRank: Record<Severity, number> = { info: 0, warning: 1, critical: 2 };

export function detectAnomalies(series: readonly (RangeSeries | Series)[], options: DetectAnomaliesOptions = {}): DetectAnomaliesResult {
  resolveSensitivity(options.sensitivity); // fail early with the accepted forms
  const reports = series.map((s) => reportSeries(asSeries(s), options));
  reports.sort((a, b) => worst(b) - worst(a) || b.maxScore - a.maxScore);
  const total = reports.reduce((n, r) => n + r.anomalies.length, 0);
  return { series: reports, anomalies: total, summary: summarise(reports, options) };
}

function reportSeries(series: Series, options: DetectAnomaliesOptions): SeriesReport {
  const { __name__: name, ...labels } = series.labels;
  const metric = name ?? plainMetric(options.query);
  const limit = typeof options.limit === 'function' ? options.limit(series.labels) : options.limit;
  const context: SeriesContext = { labels };
  if (metric) context.metric = metric;
  if (limit !== undefined) context.limit = limit;
  if (options.unit) context.unit = options.unit;
  if (!metric && options.query) context.query = options.query;

  const ensemble = new Ensemble({ sensitivity: options.sensitivity, threshold: options.threshold, context });
  const scored = series.samples.map((sample) => ensemble.observe(sample));
  const anomalies = anomaliesOf(scored, ensemble.alertLevel)
    .sort((a, b) => severityRank[b.severity] - severityRank[a.severity] || b.surprise - a.surprise)
    .slice(0, options.maxAnomaliesPerSeries ?? 5)
    .map(toReport);
  return {
    metric: series.labels,
    selector: metric ? selectorOf(metric, labels) : (options.query ?? selectorOf('', labels)),
    samples: series.samples.length,
    maxScore: round(scored.reduce((m, s) => Math.max(m, scoreOf(s.surprise)), 0)),
    anomalies,
  };
}

/** The API's shape read into the kit's: "NaN", "+Inf" and "-Inf" arrive as strings, and are gaps to the detectors. */
function asSeries(series: RangeSeries | Series): Series {
  if ('samples' in series) return series;
  return { labels: series.metric, samples: series.values.map(([t, text]) => ({ t, v: sampleValue(text) })) };
}

function toReport(a: Anomaly): AnomalyReport {
  return {
    start: iso(a.start),
    end: iso(a.end),
    peakAt: iso(a.peak.t),
    peakValue: a.peak.v,
    score: round(a.score),
    severity: a.severity,
    kind: a.kind,
    detector: a.detector,
    explanation: a.explanation,
    evidence: a.evidence,
    ongoing: a.ongoing,
    followUpQueries: a.followUpQueries,
  };
}

function summarise(reports: SeriesReport[], options: DetectAnomaliesOptions): string {
  const level = options.threshold !== undefined ? `threshold ${options.threshold}` : `sensitivity ${options.sensitivity ?? 'medium'}`;
  if (reports.length === 0) return 'The query returned no series; check the metric name and label values (list_label_values) or widen the time range.';
  const affected = reports.filter((r) => r.anomalies.length);
  const short = reports.filter((r) => r.samples < MIN_SAMPLES_FOR_DETECTION);
  const hint = short.length
    ? ` ${short.length} of ${reports.length} series have fewer than ${MIN_SAMPLES_FOR_DETECTION} samples, too few to learn a baseline: widen the range or use a smaller step.`
    : '';
  if (!affected.length) return `No anomalies in ${plural(reports.length, 'series', 'series')} (${level}).${hint}`;
  const count = affected.reduce((n, r) => n + r.anomalies.length, 0);
  const top = affected[0]!;
  const first = top.anomalies[0]!;
  return `${plural(count, 'anomaly', 'anomalies')} in ${affected.length} of ${plural(reports.length, 'series', 'series')} (${level}). Most severe (${first.severity}) in ${top.selector} at ${first.peakAt}: ${first.explanation}${hint}`;
}

/** The metric name of a query that is a plain selector (`name` or `name{...}`), else undefined. */
function plainMetric(query: string | undefined): string | undefined {
  const m = query === undefined ? null : /^\s*([a-zA-Z_:][a-zA-Z0-9_:]*)\s*(\{[^}]*\})?\s*$/.exec(query);
  return m ? m[1] : undefined;
}

function worst(r: SeriesReport): number {
  return r.anomalies.reduce((m, a) => Math.max(m, severityRank[a.severity] + 1), 0);
}

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

function iso(seconds: number): string {
  return new Date(seconds * 1000).toISOString().replace('.000Z', 'Z');
}

function round(v: number): number {
  return Math.round(v * 10_000) / 10_000;
}
