/**
 * Summary statistics of one series (min/max/avg/p95/last) and of an instant vector, skipping the
 * NaN and ±Inf samples Prometheus sends as strings, so one stale point does not poison an average.
 */
import { quantileSorted } from 'simple-statistics';

export interface SeriesStats {
  count: number;
  min: number;
  max: number;
  avg: number;
  p95: number;
  first: number;
  last: number;
}

/** Samples as numbers: Prometheus sends "NaN", "+Inf" and "-Inf" as strings. */
export function finiteValues(values: readonly number[]): number[] {
  return values.filter((v) => Number.isFinite(v));
}

/** Quantile q of ascending values, interpolated (type 7: numpy's and Prometheus' quantile); NaN for none. */
export function quantile(sorted: readonly number[], q: number): number {
  return sorted.length ? quantileSorted(sorted, q) : NaN;
}

export function seriesStats(values: readonly number[]): SeriesStats | undefined {
  const finite = finiteValues(values);
  if (finite.length === 0) return undefined;
  const sorted = [...finite].sort((a, b) => a - b);
  const sum = finite.reduce((s, v) => s + v, 0);
  return {
    count: finite.length,
    min: sorted[0]!,
    max: sorted[sorted.length - 1]!,
    avg: sum / finite.length,
    p95: quantile(sorted, 0.95),
    first: finite[0]!,
    last: finite[finite.length - 1]!,
  };
}

export function round(value: number, digits = 6): number {
  if (!Number.isFinite(value)) return value;
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
