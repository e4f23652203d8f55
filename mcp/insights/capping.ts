/**
 * Keeps answers inside the model's context: at most `maxSeries` series (the largest first, with the
 * total said out loud: "top 10 of 240 series") and at most `maxPointsPerSeries` points per series
 * (downsampled with largest-triangle-three-buckets, which keeps peaks and the shape of a curve).
 */

export interface ResultBudget {
  /** Series (or vector elements) shown; the rest are counted, not listed. */
  maxSeries: number;
  /** Points per series in chart-ready output. */
  maxPointsPerSeries: number;
  /** Label pairs kept per series in text output (long label sets are trimmed to the informative ones). */
  maxLabelsPerSeries: number;
}

export const defaultBudget: ResultBudget = { maxSeries: 10, maxPointsPerSeries: 60, maxLabelsPerSeries: 6 };

export interface Capped<T> {
  items: T[];
  total: number;
  shown: number;
  truncated: boolean;
}

/** The `limit` items with the highest `score` (NaN last), in that order. */
export function topBy<T>(items: readonly T[], score: (item: T) => number, limit: number): Capped<T> {
  const ranked = [...items].sort((a, b) => rank(score(b)) - rank(score(a)));
  const kept = ranked.slice(0, Math.max(0, limit));
  return { items: kept, total: items.length, shown: kept.length, truncated: kept.length < items.length };
}

function rank(value: number): number {
  return Number.isNaN(value) ? -Infinity : value;
}

export type Point = readonly [t: number, value: number];

/**
 * Largest-triangle-three-buckets downsampling to `threshold` points: first and last are kept, and
 * from each bucket the point forming the largest triangle with its neighbours, so spikes survive.
 */
export function downsample(points: readonly Point[], threshold: number): Point[] {
  const data = points.filter(([, v]) => Number.isFinite(v));
  if (threshold >= data.length || threshold < 3) return threshold < 3 ? data.slice(0, Math.max(0, threshold)) : data;
  const sampled: Point[] = [data[0]!];
  const every = (data.length - 2) / (threshold - 2);
  let a = 0;
  for (let i = 0; i < threshold - 2; i++) {
    const avgStart = Math.floor((i + 1) * every) + 1;
    const avgEnd = Math.min(Math.floor((i + 2) * every) + 1, data.length);
    let avgT = 0;
    let avgV = 0;
    for (let j = avgStart; j < avgEnd; j++) {
      avgT += data[j]![0];
      avgV += data[j]![1];
    }
    const span = Math.max(1, avgEnd - avgStart);
    avgT /= span;
    avgV /= span;
    const rangeStart = Math.floor(i * every) + 1;
    const rangeEnd = Math.floor((i + 1) * every) + 1;
    const [at, av] = data[a]!;
    let maxArea = -1;
    let next = rangeStart;
    for (let j = rangeStart; j < rangeEnd; j++) {
      const area = Math.abs((at - avgT) * (data[j]![1] - av) - (at - data[j]![0]) * (avgV - av));
      if (area > maxArea) {
        maxArea = area;
        next = j;
      }
    }
    sampled.push(data[next]!);
    a = next;
  }
  sampled.push(data[data.length - 1]!);
  return sampled;
}

/** "top 10 of 240 series", "all 3 series". */
export function describeCap(capped: Pick<Capped<unknown>, 'total' | 'shown' | 'truncated'>, noun = 'series', order = 'top'): string {
  if (!capped.truncated) return `${capped.total === 1 ? '1' : `all ${capped.total}`} ${noun}`;
  return `${order} ${capped.shown} of ${capped.total} ${noun}`;
}
