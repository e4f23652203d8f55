/**
 * Log-normal latency arithmetic: CDF for histogram buckets, and moment matching (Fenton-Wilkinson) to
 * add sequential calls or mix replicas while staying log-normal.
 */
export interface LogNormal {
  mu: number;
  sigma: number;
}

export function fromMedian(medianSeconds: number, sigma: number): LogNormal {
  return { mu: Math.log(Math.max(medianSeconds, 1e-6)), sigma: Math.max(sigma, 1e-3) };
}

export function median(d: LogNormal): number {
  return Math.exp(d.mu);
}

export function mean(d: LogNormal): number {
  return Math.exp(d.mu + (d.sigma * d.sigma) / 2);
}

export function variance(d: LogNormal): number {
  return (Math.exp(d.sigma * d.sigma) - 1) * Math.exp(2 * d.mu + d.sigma * d.sigma);
}

export function quantile(d: LogNormal, q: number): number {
  return Math.exp(d.mu + d.sigma * inverseNormal(q));
}

export function fromMoments(m: number, v: number): LogNormal {
  const safeMean = Math.max(m, 1e-6);
  const sigma2 = Math.log(1 + Math.max(v, 0) / (safeMean * safeMean));
  return { mu: Math.log(safeMean) - sigma2 / 2, sigma: Math.max(Math.sqrt(sigma2), 1e-3) };
}

/** Sum of independent log-normals (a request's own work plus its downstream calls). */
export function sum(parts: { dist: LogNormal; times?: number }[], extra: { mean: number; variance: number } = { mean: 0, variance: 0 }): LogNormal {
  let m = extra.mean;
  let v = extra.variance;
  for (const p of parts) {
    const k = p.times ?? 1;
    m += k * mean(p.dist);
    v += k * variance(p.dist);
  }
  return fromMoments(m, v);
}

/** Mixture (traffic spread over replicas with different latencies). */
export function mixture(parts: { dist: LogNormal; weight: number }[]): LogNormal {
  const total = parts.reduce((s, p) => s + p.weight, 0);
  if (total <= 0) return parts[0]?.dist ?? { mu: Math.log(0.01), sigma: 0.3 };
  let m = 0;
  let second = 0;
  for (const p of parts) {
    const w = p.weight / total;
    const mi = mean(p.dist);
    m += w * mi;
    second += w * (variance(p.dist) + mi * mi);
  }
  return fromMoments(m, second - m * m);
}

export function cdf(d: LogNormal, x: number): number {
  if (x <= 0) return 0;
  return normalCdf((Math.log(x) - d.mu) / d.sigma);
}

export function normalCdf(z: number): number {
  return 0.5 * (1 + erf(z / Math.SQRT2));
}

function erf(x: number): number {
  // Abramowitz-Stegun 7.1.26, |error| < 1.5e-7: plenty for bucket counts.
  const sign = x < 0 ? -1 : 1;
  const t = 1 / (1 + 0.3275911 * Math.abs(x));
  const y = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-x * x);
  return sign * y;
}

export function inverseNormal(p: number): number {
  // Acklam's rational approximation.
  const a = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
  const b = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
  const c = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
  const q = Math.min(Math.max(p, 1e-12), 1 - 1e-12);
  if (q < 0.02425) {
    const r = Math.sqrt(-2 * Math.log(q));
    return (((((c[0]! * r + c[1]!) * r + c[2]!) * r + c[3]!) * r + c[4]!) * r + c[5]!) / ((((d[0]! * r + d[1]!) * r + d[2]!) * r + d[3]!) * r + 1);
  }
  if (q > 1 - 0.02425) {
    const r = Math.sqrt(-2 * Math.log(1 - q));
    return -(((((c[0]! * r + c[1]!) * r + c[2]!) * r + c[3]!) * r + c[4]!) * r + c[5]!) / ((((d[0]! * r + d[1]!) * r + d[2]!) * r + d[3]!) * r + 1);
  }
  const r = q - 0.5;
  const s = r * r;
  return ((((((a[0]! * s + a[1]!) * s + a[2]!) * s + a[3]!) * s + a[4]!) * s + a[5]!) * r) / (((((b[0]! * s + b[1]!) * s + b[2]!) * s + b[3]!) * s + b[4]!) * s + 1);
}
