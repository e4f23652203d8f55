/**
 * Trend of a series: least-squares slope per minute, classified as increasing, decreasing or stable
 * relative to the series' own level, and worded with its unit ("increasing by 12.3 MiB/min").
 */
import { formatSlope, formatValue, type Unit } from './units.js';

export type TrendDirection = 'increasing' | 'decreasing' | 'stable';

export interface Trend {
  direction: TrendDirection;
  /** Change per minute, in the series' unit. */
  slopePerMinute: number;
  /** Change over the whole window relative to the series' typical level (0.25 = 25%). */
  relativeChange: number;
  /** How well a straight line explains the series (coefficient of determination, 0..1). */
  r2: number;
  description: string;
}

export interface TrendOptions {
  /** Relative change over the window below which a series is "stable" (default 0.05 = 5%). */
  stableBelow?: number;
}

/** `points` are [epoch ms, value]; non-finite values are skipped. Undefined with fewer than 3 points. */
export function trendOf(points: readonly (readonly [number, number])[], unit: Unit, options: TrendOptions = {}): Trend | undefined {
  const pts = points.filter(([, v]) => Number.isFinite(v));
  if (pts.length < 3) return undefined;
  const n = pts.length;
  const t0 = pts[0]![0];
  const xs = pts.map(([t]) => (t - t0) / 60_000);
  const ys = pts.map(([, v]) => v);
  const mx = xs.reduce((s, x) => s + x, 0) / n;
  const my = ys.reduce((s, y) => s + y, 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (xs[i]! - mx) * (ys[i]! - my);
    sxx += (xs[i]! - mx) ** 2;
    syy += (ys[i]! - my) ** 2;
  }
  if (sxx === 0) return undefined;
  const slope = sxy / sxx;
  const r2 = syy === 0 ? 1 : (sxy * sxy) / (sxx * syy);
  const minutes = xs[n - 1]! - xs[0]!;
  // The level a change is judged against: the mean, or the spread when the series hovers around zero.
  const level = Math.max(Math.abs(my), Math.max(...ys) - Math.min(...ys), Number.EPSILON);
  const relativeChange = (slope * minutes) / level;
  const threshold = options.stableBelow ?? 0.05;
  // A steep but noisy line (r2 < 0.2) is not a trend: it is noise around a level.
  const direction: TrendDirection = Math.abs(relativeChange) < threshold || r2 < 0.2 ? 'stable' : slope > 0 ? 'increasing' : 'decreasing';
  const fitted = (x: number) => my + slope * (x - mx);
  const description =
    direction === 'stable'
      ? `stable around ${formatValue(my, unit)} over ${formatMinutes(minutes)}`
      : `${direction} by ${formatSlope(slope, unit).replace(/^[+-]/, '')} (from about ${formatValue(fitted(xs[0]!), unit)} to ${formatValue(fitted(xs[n - 1]!), unit)} over ${formatMinutes(minutes)})`;
  return { direction, slopePerMinute: slope, relativeChange, r2, description };
}

export function formatMinutes(minutes: number): string {
  if (minutes < 1) return `${Math.round(minutes * 60)} s`;
  if (minutes < 120) return `${Math.round(minutes)} min`;
  const hours = minutes / 60;
  return `${Number.isInteger(Math.round(hours * 10) / 10) ? Math.round(hours) : (Math.round(hours * 10) / 10).toString()} h`;
}
