/**
 * Summary statistics of one series (min/max/avg/p95/last) and of an instant vector, skipping the
 * NaN and ±Inf samples Prometheus sends as strings, so one stale point does not poison an average.
 */

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

export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  // Linear interpolation between closest ranks (the definition numpy and Prometheus' quantile use).
  const rank = (sorted.length - 1) * q;
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (rank - lo);
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
