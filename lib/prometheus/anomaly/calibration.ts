/**
 * Turning a detector's raw statistic ("value is 4.2 MADs from the median", "mean moved by 12 units")
 * into evidence that means the same thing on every series: how rare is a statistic this large *for
 * this series*, judged from the statistic's own history. Series differ wildly (smooth temperatures,
 * spiky request counts), so a fixed "3 sigma" rule floods noisy series with alerts and misses subtle
 * breaks in calm ones; calibrating each statistic against its past fixes both.
 *
 * Evidence is reported as *surprise* = -log10(p), where p is the estimated probability of a statistic
 * at least this large: surprise 3 is a one-in-a-thousand observation. Inside the observed range p is
 * the empirical tail frequency; beyond the 98th percentile an exponential tail is fitted to the
 * exceedances (peaks over threshold), so extremes beyond anything seen still get a finite, ordered
 * probability. Thin evidence is treated conservatively: the tail scale gets an upper confidence
 * margin and a floor derived from the body of the distribution; with fewer than a handful of
 * exceedances (a short history) the tail is extrapolated from the body alone with twice its scale,
 * and a statistic that is almost always zero (no body to go by) is not extrapolated at all: a value
 * beyond all seen is then "1 in n", no more.
 */
import { RollingWindow } from './stats.js';

export interface CalibrationOptions {
  /** How many past values of the statistic to remember. */
  history?: number;
  /** No evidence (surprise 0) until this many values have been seen. */
  minHistory?: number;
  /** Quantile above which the exponential tail is fitted. */
  tailQuantile?: number;
  /** Refit the tail every this many observations (the fit changes slowly). */
  refitEvery?: number;
}

export const defaultCalibration: Required<CalibrationOptions> = {
  history: 4000,
  minHistory: 100,
  tailQuantile: 0.98,
  refitEvery: 1,
};

/** Largest surprise reported: p = 1e-30 is beyond any practical distinction. */
export const MAX_SURPRISE = 30;

// Width of the upper confidence margin on the tail scale, in standard errors of its estimate.
const TAIL_SCALE_CONFIDENCE = 3;
// Exceedances needed before the tail is fitted to them.
const MIN_EXCEEDANCES = 5;
// With fewer, the tail is extrapolated from the body of the distribution only, its scale this many
// times the body's (an exponential tail from the median is already heavier than a normal one).
const SPARSE_TAIL_MARGIN = 2;

export class TailCalibrator {
  private readonly options: Required<CalibrationOptions>;
  private readonly past: RollingWindow;
  private sinceFit = Infinity;
  private threshold = 0;
  private scale = 0;
  private bodyScale = 0;
  private exceedances = 0;

  constructor(options: CalibrationOptions = {}) {
    this.options = { ...defaultCalibration, ...options };
    this.past = new RollingWindow(this.options.history);
  }

  get size(): number {
    return this.past.size;
  }

  /**
   * Surprise of `statistic` against the history so far, then adds it to the history (so a value is
   * never judged against itself). `resolution` is the smallest difference that is meaningful for the
   * series (below it, changes are rounding noise): statistics under it count as zero.
   */
  observe(statistic: number, resolution = 0): number {
    const x = statistic > resolution ? statistic : 0;
    const surprise = this.surprise(x, resolution);
    this.past.push(x);
    this.sinceFit++;
    return surprise;
  }

  /** Surprise of `x` without recording it. */
  surprise(x: number, resolution = 0): number {
    const n = this.past.size;
    if (n < this.options.minHistory || !(x > 0)) return 0;
    if (this.sinceFit >= this.options.refitEvery) this.fit();
    // Empirical tail frequencies count one pseudo-observation, so nothing seen is ever "impossible".
    let p: number;
    if (x <= this.threshold) {
      p = (this.past.tail(x) * n + 1) / (n + 1);
    } else if (this.exceedances < MIN_EXCEEDANCES) {
      // Too few exceedances to fit a tail: "1 in n"; but when the body of the distribution has a
      // spread, a value far beyond it (a 30% jump in a series that moves 0.1%) is extrapolated from
      // the body alone, with a wide margin. A statistic that is almost always zero has no body
      // spread and stays at "1 in n".
      p = (this.past.tail(x) * n + 1) / (n + 1);
      if (this.bodyScale > 0) {
        const scale = Math.max(SPARSE_TAIL_MARGIN * this.bodyScale, this.scale, resolution, Number.MIN_VALUE);
        p = Math.min(p, ((this.exceedances + 1) / (n + 1)) * Math.exp(-(x - this.threshold) / scale));
      }
    } else {
      const scale = Math.max(this.scale, resolution, Number.MIN_VALUE);
      p = ((this.exceedances + 1) / (n + 1)) * Math.exp(-(x - this.threshold) / scale);
    }
    return Math.min(MAX_SURPRISE, Math.max(0, -Math.log10(p)));
  }

  private fit(): void {
    this.sinceFit = 0;
    const q = this.options.tailQuantile;
    const u = this.past.percentile(q * 100);
    const { count, excess } = this.past.excessOver(u);
    // Mean excess is the maximum-likelihood scale of an exponential tail; its relative standard error
    // is 1/sqrt(count), so widen it accordingly while the tail has few points.
    const fitted = count ? (excess / count) * (1 + TAIL_SCALE_CONFIDENCE / Math.sqrt(count)) : 0;
    // The body of the distribution bounds how light the tail can plausibly be: an exponential tail
    // from the median that reaches the q-quantile at probability 1-q.
    const fromBody = (u - this.past.median) / Math.log(0.5 / (1 - q));
    this.threshold = u;
    this.bodyScale = Math.max(0, fromBody);
    this.scale = Math.max(fitted, fromBody);
    this.exceedances = count;
  }
}
