/**
 * Streaming statistics that baselines are made of. Everything here updates incrementally in O(1) or
 * O(window) per sample, so a detector can watch a series of any length without keeping it all.
 * Hand-written on purpose: simple-statistics computes over whole arrays, and a detector re-reading
 * its window for every sample would be O(window) per statistic where these are O(1) or O(log n).
 * One-shot order statistics (quantiles, medians) come from simple-statistics.
 */
import { median as medianOf, quantileSorted as quantileOfSorted } from 'simple-statistics';

/** Scale factor that turns a median absolute deviation into a standard deviation for normal data. */
export const MAD_TO_STD = 1.4826;

/** Mean, variance, min and max of everything seen so far (Welford's algorithm: stable for big values). */
export class RunningStats {
  count = 0;
  mean = 0;
  min = Infinity;
  max = -Infinity;
  private m2 = 0;

  push(x: number): void {
    this.count++;
    const delta = x - this.mean;
    this.mean += delta / this.count;
    this.m2 += delta * (x - this.mean);
    if (x < this.min) this.min = x;
    if (x > this.max) this.max = x;
  }

  get variance(): number {
    return this.count > 1 ? this.m2 / (this.count - 1) : 0;
  }

  get stddev(): number {
    return Math.sqrt(this.variance);
  }
}

/**
 * Exponentially weighted mean and variance: a baseline that forgets, with a memory of about
 * `1 / alpha` samples.
 */
export class DecayingStats {
  count = 0;
  mean = 0;
  variance = 0;

  constructor(readonly alpha: number) {
    if (!(alpha > 0 && alpha <= 1)) throw new RangeError(`alpha must be in (0, 1], got ${alpha}`);
  }

  push(x: number): void {
    this.count++;
    if (this.count === 1) {
      this.mean = x;
      return;
    }
    const diff = x - this.mean;
    const increment = this.alpha * diff;
    this.mean += increment;
    this.variance = (1 - this.alpha) * (this.variance + diff * increment);
  }

  get stddev(): number {
    return Math.sqrt(this.variance);
  }
}

/**
 * The last `capacity` values (optionally also no older than `maxAgeMs`), with mean, standard
 * deviation, median, MAD and percentiles. Keeps a sorted copy so order statistics are cheap.
 */
export class RollingWindow {
  private readonly values: Float64Array;
  private readonly times: Float64Array;
  private head = 0; // index of the oldest value
  private length = 0;
  private readonly sorted: number[] = [];
  // Sums are kept relative to `shift` (the first value after a reset) so that large, nearly
  // constant values (bytes, epoch-like counters) do not lose precision to cancellation.
  private shift = 0;
  private sum = 0;
  private sumSq = 0;
  private pushesSinceResum = 0;
  private cachedMedian: number | undefined;
  private cachedMad: number | undefined;

  constructor(
    readonly capacity: number,
    readonly maxAgeMs = Infinity,
  ) {
    if (!(capacity >= 1)) throw new RangeError(`capacity must be at least 1, got ${capacity}`);
    this.values = new Float64Array(capacity);
    this.times = new Float64Array(capacity);
  }

  get size(): number {
    return this.length;
  }

  get full(): boolean {
    return this.length === this.capacity;
  }

  /** Adds a value observed at time `t` (epoch ms; only needed with `maxAgeMs`). */
  push(value: number, t = 0): void {
    if (this.maxAgeMs !== Infinity) this.evictOlderThan(t - this.maxAgeMs);
    if (this.length === this.capacity) this.removeOldest();
    if (this.length === 0) {
      this.shift = value;
      this.sum = 0;
      this.sumSq = 0;
    }
    const slot = (this.head + this.length) % this.capacity;
    this.values[slot] = value;
    this.times[slot] = t;
    this.length++;
    const d = value - this.shift;
    this.sum += d;
    this.sumSq += d * d;
    this.sorted.splice(lowerBound(this.sorted, value), 0, value);
    this.invalidate();
    if (++this.pushesSinceResum >= this.capacity * 4) this.resum();
  }

  /** Drops values observed before `t`. */
  evictOlderThan(t: number): void {
    while (this.length > 0 && this.times[this.head]! < t) this.removeOldest();
  }

  clear(): void {
    this.head = 0;
    this.length = 0;
    this.sorted.length = 0;
    this.sum = 0;
    this.sumSq = 0;
    this.invalidate();
  }

  /** The i-th oldest value (0 = oldest). */
  at(i: number): number {
    return this.values[(this.head + i) % this.capacity]!;
  }

  /** Time of the oldest value kept (as passed to push). */
  get oldestTime(): number {
    return this.length ? this.times[this.head]! : NaN;
  }

  /** The most recent value. */
  get last(): number {
    return this.length ? this.at(this.length - 1) : NaN;
  }

  get mean(): number {
    return this.length ? this.shift + this.sum / this.length : NaN;
  }

  /** Sample variance (n - 1 denominator). */
  get variance(): number {
    if (this.length < 2) return 0;
    const v = (this.sumSq - (this.sum * this.sum) / this.length) / (this.length - 1);
    return v > 0 ? v : 0;
  }

  get stddev(): number {
    return Math.sqrt(this.variance);
  }

  get min(): number {
    return this.length ? this.sorted[0]! : NaN;
  }

  get max(): number {
    return this.length ? this.sorted[this.length - 1]! : NaN;
  }

  get median(): number {
    if (this.cachedMedian === undefined) this.cachedMedian = this.percentile(50);
    return this.cachedMedian;
  }

  /** Median absolute deviation from the median (unscaled). */
  get mad(): number {
    if (this.cachedMad === undefined) this.cachedMad = medianAbsoluteDeviation(this.sorted, this.median);
    return this.cachedMad;
  }

  /** MAD scaled to estimate a standard deviation: robust to the outliers we are looking for. */
  get robustStd(): number {
    return MAD_TO_STD * this.mad;
  }

  /** Mean absolute deviation from `center` (the median by default), O(n). Unlike the MAD it sees a minority mode. */
  meanAbsDeviation(center = this.median): number {
    const n = this.sorted.length;
    if (!n) return NaN;
    let s = 0;
    for (let i = 0; i < n; i++) s += Math.abs(this.sorted[i]! - center);
    return s / n;
  }

  /** Percentile `p` in [0, 100], linearly interpolated between order statistics. */
  percentile(p: number): number {
    return quantileSorted(this.sorted, p / 100);
  }

  /** Fraction of values strictly below `x` (a streaming empirical CDF). */
  rank(x: number): number {
    return this.length ? lowerBound(this.sorted, x) / this.length : NaN;
  }

  /** Count of values strictly above `x` and the sum of their excess over it (peaks over threshold). */
  excessOver(x: number): { count: number; excess: number } {
    let count = 0;
    let excess = 0;
    for (let i = this.sorted.length - 1; i >= 0 && this.sorted[i]! > x; i--) {
      count++;
      excess += this.sorted[i]! - x;
    }
    return { count, excess };
  }

  /** Fraction of values greater than or equal to `x`. */
  tail(x: number): number {
    return this.length ? (this.length - lowerBound(this.sorted, x)) / this.length : NaN;
  }

  private removeOldest(): void {
    const value = this.values[this.head]!;
    this.head = (this.head + 1) % this.capacity;
    this.length--;
    const d = value - this.shift;
    this.sum -= d;
    this.sumSq -= d * d;
    this.sorted.splice(lowerBound(this.sorted, value), 1);
    this.invalidate();
  }

  private resum(): void {
    this.pushesSinceResum = 0;
    this.shift = this.length ? this.at(0) : 0;
    this.sum = 0;
    this.sumSq = 0;
    for (let i = 0; i < this.length; i++) {
      const d = this.at(i) - this.shift;
      this.sum += d;
      this.sumSq += d * d;
    }
  }

  private invalidate(): void {
    this.cachedMedian = undefined;
    this.cachedMad = undefined;
  }
}

/** Index of the first element of `sorted` that is >= x. */
export function lowerBound(sorted: ArrayLike<number>, x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Quantile q in [0, 1] of an ascending array, interpolated (the "type 7" definition of R and numpy).
 * NaN for an empty array and q clamped to [0, 1], where simple-statistics throws: an empty baseline is
 * a normal state for a detector that has just started.
 */
export function quantileSorted(sorted: readonly number[], q: number): number {
  return sorted.length ? quantileOfSorted(sorted, Math.min(Math.max(q, 0), 1)) : NaN;
}

/**
 * Median of |x - center| over an ascending array in O(log n): the distances to the left of the center
 * and to the right of it are two ascending sequences, and the median of their union is found by the
 * classic k-th-of-two-sorted-arrays bisection.
 */
export function medianAbsoluteDeviation(sorted: ArrayLike<number>, center: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const right = lowerBound(sorted, center); // distances sorted[right + j] - center, ascending in j
  const left = right - 1; //                   distances center - sorted[left - j], ascending in j
  const a = left + 1;
  const b = n - right;
  const kth = (k: number): number => {
    let lo = Math.max(0, k + 1 - b);
    let hi = Math.min(k + 1, a);
    while (lo <= hi) {
      const i = (lo + hi) >>> 1; // taken from the left sequence
      const j = k + 1 - i; //       taken from the right sequence
      const aLast = i > 0 ? center - sorted[left - (i - 1)]! : -Infinity;
      const aNext = i < a ? center - sorted[left - i]! : Infinity;
      const bLast = j > 0 ? sorted[right + j - 1]! - center : -Infinity;
      const bNext = j < b ? sorted[right + j]! - center : Infinity;
      if (aLast > bNext) hi = i - 1;
      else if (bLast > aNext) lo = i + 1;
      else return Math.max(aLast, bLast);
    }
    return NaN; // unreachable for 0 <= k < n
  };
  const upper = n >>> 1;
  return n % 2 === 1 ? kth(upper) : (kth(upper - 1) + kth(upper)) / 2;
}

/** Median of an unsorted list (not modified); NaN for an empty one. */
export function median(values: readonly number[]): number {
  return values.length ? medianOf(values) : NaN;
}

/** Upper-tail probability of the standard normal distribution, P(Z > z). */
export function normalTail(z: number): number {
  // Abramowitz-Stegun 7.1.26 via erfc; accurate to ~1e-7, enough for scoring.
  return 0.5 * erfc(z / Math.SQRT2);
}

export function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  // Numerical Recipes' erfcc: fractional error < 1.2e-7 everywhere.
  const r =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? r : 2 - r;
}
