/**
 * Least-squares line over the last `capacity` samples, updated in O(1) per sample: the slope, how
 * well a straight line explains the window (R^2), and where the line is now. This is what Prometheus'
 * `deriv()` and `predict_linear()` compute over a range, kept incrementally.
 */
export interface LineFit {
  /** Change per millisecond. */
  slope: number;
  /** The line's value at the newest sample's time (less noisy than the sample itself). */
  level: number;
  /** Fraction of variance explained by the line, in [0, 1]. */
  r2: number;
  /** Slope divided by its standard error: how sure we are that it is not zero. */
  tStat: number;
  /** Time covered by the window, ms. */
  spanMs: number;
  count: number;
}

export class RollingRegression {
  private readonly ts: Float64Array;
  private readonly ys: Float64Array;
  private head = 0;
  private length = 0;
  // Sums are relative to an origin near the window (re-centred periodically) to stay precise with
  // epoch-millisecond times and large values.
  private t0 = 0;
  private y0 = 0;
  private sx = 0;
  private sy = 0;
  private sxx = 0;
  private sxy = 0;
  private syy = 0;
  private pushes = 0;

  constructor(readonly capacity: number) {
    if (!(capacity >= 2)) throw new RangeError(`a line needs at least 2 samples (capacity ${capacity})`);
    this.ts = new Float64Array(capacity);
    this.ys = new Float64Array(capacity);
  }

  get size(): number {
    return this.length;
  }

  push(t: number, y: number): void {
    if (this.length === this.capacity) {
      this.accumulate(this.ts[this.head]!, this.ys[this.head]!, -1);
      this.head = (this.head + 1) % this.capacity;
      this.length--;
    }
    if (this.length === 0) {
      this.t0 = t;
      this.y0 = y;
    }
    const slot = (this.head + this.length) % this.capacity;
    this.ts[slot] = t;
    this.ys[slot] = y;
    this.length++;
    this.accumulate(t, y, 1);
    if (++this.pushes >= this.capacity) this.recentre();
  }

  /** The fitted line, or undefined with fewer than 3 samples or no time spread. */
  fit(): LineFit | undefined {
    const n = this.length;
    if (n < 3) return undefined;
    const vxx = this.sxx - (this.sx * this.sx) / n;
    if (!(vxx > 0)) return undefined;
    const vxy = this.sxy - (this.sx * this.sy) / n;
    const vyy = Math.max(0, this.syy - (this.sy * this.sy) / n);
    const slope = vxy / vxx;
    const newest = (this.head + n - 1) % this.capacity;
    const oldest = this.head;
    const meanX = this.sx / n;
    const meanY = this.sy / n;
    const xNow = this.ts[newest]! - this.t0;
    const level = this.y0 + meanY + slope * (xNow - meanX);
    const explained = vxy * slope;
    const residual = Math.max(0, vyy - explained);
    const r2 = vyy > 0 ? Math.min(1, explained / vyy) : 1;
    const standardError = Math.sqrt(residual / (n - 2) / vxx);
    const tStat = standardError > 0 ? slope / standardError : slope === 0 ? 0 : Math.sign(slope) * Infinity;
    return { slope, level, r2, tStat, spanMs: this.ts[newest]! - this.ts[oldest]!, count: n };
  }

  private accumulate(t: number, y: number, sign: 1 | -1): void {
    const x = t - this.t0;
    const d = y - this.y0;
    this.sx += sign * x;
    this.sy += sign * d;
    this.sxx += sign * x * x;
    this.sxy += sign * x * d;
    this.syy += sign * d * d;
  }

  private recentre(): void {
    this.pushes = 0;
    this.t0 = this.ts[this.head]!;
    this.y0 = this.ys[this.head]!;
    this.sx = this.sy = this.sxx = this.sxy = this.syy = 0;
    for (let i = 0; i < this.length; i++) {
      const slot = (this.head + i) % this.capacity;
      this.accumulate(this.ts[slot]!, this.ys[slot]!, 1);
    }
  }
}
