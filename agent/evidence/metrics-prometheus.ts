/**
 * Metrics evidence straight from a Prometheus-compatible API through the shared Prometheus client
 * (lib/prometheus/client). The agent normally goes through the MCP server (metrics-mcp.ts); this
 * adapter is the fallback when the MCP server is down, and what tests and replay recordings use.
 * Anomalies are found by the shared detectors (lib/prometheus/anomaly), the ones the MCP server runs,
 * here on the range result, so both paths judge a series the same way.
 *
 * The client retries transport failures itself, so calls here are not retried again (one layer of
 * retries): they keep the rate limit and turn the client's final failure into EvidenceUnavailable.
 */
import { detectAnomalies } from '../../lib/prometheus/anomaly/index.js';
import { isBackendError, type MetricsBackend, type QueryData, type RangeSeries as PromRangeSeries } from '../../lib/prometheus/client/index.js';
import { RateLimit } from '../../lib/platform/rate-limit.js';
import { EvidenceUnavailable, type MetricsEvidence, type Series } from '../ports.js';
import { resilientCall, type Classify } from './resilience.js';

export interface MetricAnomaly {
  labels: Record<string, string>;
  kind: string;
  severity: string;
  score: number;
  explanation: string;
  /** Unix seconds of the anomaly's start (its onset, which the timeline needs). */
  at: number;
}

export interface PrometheusMetricsOptions {
  /** Calls per second to the API. */
  ratePerSecond?: number;
}

/** Backend failures that say "try again" vs. "the query or the setup is wrong". */
const classifyBackendError: Classify = (error) => {
  if (isBackendError(error)) {
    const retryable = error.kind === 'unavailable' || error.kind === 'timeout' || error.kind === 'too_many_requests';
    return { retryable, reason: `${error.kind}: ${error.message}${error.hint ? ` (${error.hint})` : ''}`, retryAfterMs: error.retryAfterMs };
  }
  return { retryable: false, reason: error instanceof Error ? error.message : String(error) };
};

export class PrometheusMetrics implements MetricsEvidence {
  private readonly limiter: RateLimit;

  constructor(
    private readonly backend: MetricsBackend,
    options: PrometheusMetricsOptions = {},
  ) {
    this.limiter = new RateLimit(options.ratePerSecond ?? 20, Math.max(5, options.ratePerSecond ?? 20));
  }

  async instant(promql: string, options: { at?: number; signal?: AbortSignal } = {}): Promise<{ labels: Record<string, string>; value: number }[]> {
    const answer = await this.call(`instant query ${abbreviate(promql)}`, (signal) => this.backend.query(promql, { ...(options.at !== undefined ? { time: options.at } : {}), signal }), options.signal);
    return instantRows(answer.data);
  }

  async range(promql: string, options: { start: number; end: number; stepSeconds: number; signal?: AbortSignal }): Promise<Series[]> {
    const answer = await this.call(
      `range query ${abbreviate(promql)}`,
      (signal) => this.backend.queryRange(promql, { start: options.start, end: options.end, step: options.stepSeconds, signal }),
      options.signal,
    );
    return answer.data.result.map(seriesOf);
  }

  async anomalies(promql: string, options: { start: number; end: number; stepSeconds: number; signal?: AbortSignal }): Promise<MetricAnomaly[]> {
    const series = await this.range(promql, options);
    return anomaliesOfSeries(series, promql);
  }

  private call<T>(operation: string, call: (signal: AbortSignal) => Promise<T>, signal?: AbortSignal): Promise<T> {
    // The client retries and times out its own requests: one attempt here, no timeout of ours.
    return resilientCall(operation, call, { source: 'prometheus', classify: classifyBackendError, limiter: this.limiter, policy: { maxAttempts: 1, attemptTimeoutMs: 0 } }, signal);
  }
}

/** The MCP server's detectors over already-fetched series (used by every metrics adapter). */
export function anomaliesOfSeries(series: Series[], promql: string): MetricAnomaly[] {
  const input = series.map((s) => ({ metric: s.labels, values: s.samples.map((p) => [p.t, String(p.v)] as const) }));
  const result = detectAnomalies(input, { query: promql, sensitivity: 'medium' });
  return result.series.flatMap((report) =>
    report.anomalies.map((a) => ({
      labels: withoutName(report.metric),
      kind: a.kind,
      severity: a.severity,
      score: a.score,
      explanation: a.explanation,
      at: Date.parse(a.start) / 1000,
    })),
  );
}

export function instantRows(data: QueryData): { labels: Record<string, string>; value: number }[] {
  switch (data.resultType) {
    case 'vector':
      return data.result.filter((s) => s.value).map((s) => ({ labels: withoutName(s.metric), value: Number(s.value![1]) }));
    case 'scalar':
      return [{ labels: {}, value: Number(data.result[1]) }];
    case 'matrix':
      // A range selector in an instant query: keep each series' latest sample.
      return data.result.filter((s) => s.values?.length).map((s) => ({ labels: withoutName(s.metric), value: Number(s.values![s.values!.length - 1]![1]) }));
    case 'string':
      throw new EvidenceUnavailable('prometheus', 'the query returned a string, not numbers', false);
  }
}

export function seriesOf(series: PromRangeSeries): Series {
  return { labels: withoutName(series.metric), samples: (series.values ?? []).map(([t, v]) => ({ t, v: Number(v) })) };
}

function withoutName(labels: Record<string, string>): Record<string, string> {
  const { __name__: _name, ...rest } = labels;
  return rest;
}

export function abbreviate(promql: string): string {
  const flat = promql.replace(/\s+/g, ' ').trim();
  return flat.length > 120 ? `${flat.slice(0, 117)}...` : flat;
}
