/**
 * The metrics backend with a cache in front: queries are keyed by their normalised PromQL and a
 * step-aligned time, so an agent asking "memory of petsite now" twice in ten seconds, or the same
 * one-hour range a minute later, is answered without a second round trip.
 *
 * Alignment is what makes "now" cacheable: an instant query without a time is evaluated at now
 * rounded down to `instantResolutionMs`; a range query's start and end are rounded down to its step
 * (as Grafana does), so windows that slide by less than a step share a key.
 */
import type { Clock } from '../../core/clock.js';
import type {
  ApiSuccess,
  CallOptions,
  LabelNamesOptions,
  LabelValuesOptions,
  MatrixData,
  MetadataOptions,
  MetricMetadata,
  MetricsBackend,
  PromStep,
  PromTime,
  QueryData,
  QueryOptions,
  QueryRangeOptions,
  SeriesOptions,
} from '../../lib/prometheus/client/index.js';
import { isBackendError } from '../../lib/prometheus/client/index.js';
import { normaliseQuery } from './normalise.js';
import { ResultCache, type CacheStats } from './result-cache.js';
import { promDurationMs } from '../validation/ast.js';

export interface CachePolicy {
  /** Resolution "now" is rounded to for instant queries without a time (default 15 s). */
  instantResolutionMs: number;
  /** Answers about the last `recentMs` may still change as samples arrive (default 5 min). */
  recentMs: number;
  /** TTL of answers about recent time (default 30 s). */
  recentTtlMs: number;
  /** TTL of answers about the past, which no longer change (default 10 min). */
  historicalTtlMs: number;
  /** TTL of label names/values, series and metadata (default 60 s). */
  discoveryTtlMs: number;
  maxEntries: number;
  maxSize: number;
}

export const defaultCachePolicy: CachePolicy = {
  instantResolutionMs: 15_000,
  recentMs: 5 * 60_000,
  recentTtlMs: 30_000,
  historicalTtlMs: 10 * 60_000,
  discoveryTtlMs: 60_000,
  maxEntries: 2000,
  maxSize: 32_000_000,
};

export function toEpochMs(time: PromTime): number {
  if (time instanceof Date) return time.getTime();
  if (typeof time === 'number') return time * 1000;
  const asNumber = Number(time);
  if (time.trim() !== '' && Number.isFinite(asNumber)) return asNumber * 1000;
  const parsed = Date.parse(time);
  if (Number.isNaN(parsed)) throw new RangeError(`"${time}" is not a time (RFC 3339 or Unix seconds)`);
  return parsed;
}

export function stepMs(step: PromStep): number {
  if (typeof step === 'number') return step * 1000;
  const ms = promDurationMs(step);
  if (ms === undefined) throw new RangeError(`"${step}" is not a step (seconds or a duration like 30s, 5m)`);
  return ms;
}

export class CachedBackend implements MetricsBackend {
  readonly cache: ResultCache;
  private readonly policy: CachePolicy;

  constructor(
    private readonly inner: MetricsBackend,
    private readonly clock: Clock,
    policy: Partial<CachePolicy> = {},
  ) {
    this.policy = { ...defaultCachePolicy, ...policy };
    this.cache = new ResultCache({ clock, maxEntries: this.policy.maxEntries, maxSize: this.policy.maxSize });
  }

  stats(): CacheStats {
    return this.cache.stats();
  }

  private ttlFor(timeMs: number): number {
    return this.clock.now() - timeMs < this.policy.recentMs ? this.policy.recentTtlMs : this.policy.historicalTtlMs;
  }

  query(promql: string, options: QueryOptions = {}): Promise<ApiSuccess<QueryData>> {
    const resolution = this.policy.instantResolutionMs;
    const timeMs = options.time === undefined ? Math.floor(this.clock.now() / resolution) * resolution : toEpochMs(options.time);
    const key = `query\u0000${normaliseQuery(promql)}\u0000${timeMs}`;
    const load = () => this.inner.query(promql, { ...options, time: timeMs / 1000 });
    return this.shared(this.cache.get(key, this.ttlFor(timeMs), load), options.signal, load);
  }

  queryRange(promql: string, options: QueryRangeOptions): Promise<ApiSuccess<MatrixData>> {
    const step = stepMs(options.step);
    const start = Math.floor(toEpochMs(options.start) / step) * step;
    const end = Math.floor(toEpochMs(options.end) / step) * step;
    const key = `range\u0000${normaliseQuery(promql)}\u0000${start}\u0000${end}\u0000${step}`;
    const load = () => this.inner.queryRange(promql, { ...options, start: start / 1000, end: end / 1000, step: step / 1000 });
    return this.shared(this.cache.get(key, this.ttlFor(end), load), options.signal, load);
  }

  /**
   * A request that joined one in flight must not fail because the *other* caller cancelled: then it
   * asks again on its own.
   */
  private async shared<T>(answer: Promise<T>, signal: AbortSignal | undefined, again: () => Promise<T>): Promise<T> {
    try {
      return await answer;
    } catch (error) {
      if (isBackendError(error) && error.kind === 'canceled' && !signal?.aborted) return again();
      throw error;
    }
  }

  series(matchers: string[], options: SeriesOptions = {}): Promise<ApiSuccess<Record<string, string>[]>> {
    const key = `series\u0000${matchers.map(normaliseQuery).sort().join('\u0001')}\u0000${window(options)}\u0000${options.limit ?? ''}`;
    return this.cache.get(key, this.policy.discoveryTtlMs, () => this.inner.series(matchers, options));
  }

  labelNames(options: LabelNamesOptions = {}): Promise<ApiSuccess<string[]>> {
    const key = `labels\u0000${(options.match ?? []).map(normaliseQuery).sort().join('\u0001')}\u0000${window(options)}\u0000${options.limit ?? ''}`;
    return this.cache.get(key, this.policy.discoveryTtlMs, () => this.inner.labelNames(options));
  }

  labelValues(label: string, options: LabelValuesOptions = {}): Promise<ApiSuccess<string[]>> {
    const key = `values\u0000${label}\u0000${(options.match ?? []).map(normaliseQuery).sort().join('\u0001')}\u0000${window(options)}\u0000${options.limit ?? ''}`;
    return this.cache.get(key, this.policy.discoveryTtlMs, () => this.inner.labelValues(label, options));
  }

  metadata(options: MetadataOptions = {}): Promise<ApiSuccess<Record<string, MetricMetadata[]>>> {
    const key = `metadata\u0000${options.metric ?? ''}\u0000${options.limit ?? ''}`;
    return this.cache.get(key, this.policy.discoveryTtlMs, () => this.inner.metadata(options));
  }

  // Operational state changes by the second: never cached.
  targets(options?: Parameters<MetricsBackend['targets']>[0]) {
    return this.inner.targets(options);
  }
  rules(options?: Parameters<MetricsBackend['rules']>[0]) {
    return this.inner.rules(options);
  }
  alerts(options?: CallOptions) {
    return this.inner.alerts(options);
  }
  buildInfo(options?: CallOptions) {
    return this.inner.buildInfo(options);
  }
  describe() {
    return this.inner.describe();
  }
}

/** Discovery windows are rounded to the minute: "labels of the last hour" asked twice is one question. */
function window(options: { start?: PromTime; end?: PromTime }): string {
  const minute = (t: PromTime | undefined) => (t === undefined ? '' : String(Math.floor(toEpochMs(t) / 60_000)));
  return `${minute(options.start)}:${minute(options.end)}`;
}
