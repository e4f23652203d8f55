/**
 * Small pieces every detector needs: the recent samples, the series' all-time range, and turning
 * evidence into a verdict with a finding.
 */
import { followUpQueries } from '../promql.js';
import { alertSurprise, scoreOf, severityOf } from '../sensitivity.js';
import type { DetectorOptions, AnomalyFinding, Sample, Verdict } from '../types.js';

/**
 * A sample on the detectors' clock: `t` in epoch milliseconds. The kit's Sample carries Unix seconds;
 * the detectors' state (cadence, seasonal slots, regression slopes, the spans in explanations) is
 * kept and was tuned in milliseconds, so each detector converts once, on the way in, and its
 * arithmetic is what it was.
 */
export interface TimedValue {
  t: number;
  value: number;
}

export function onDetectorClock(sample: Sample): TimedValue {
  return { t: sample.t * 1000, value: sample.v };
}

/** The last `capacity` samples, newest last, addressable by "k samples ago". */
export class RecentSamples {
  private readonly ts: Float64Array;
  private readonly vs: Float64Array;
  private next = 0;
  private count = 0;

  constructor(readonly capacity: number) {
    this.ts = new Float64Array(capacity);
    this.vs = new Float64Array(capacity);
  }

  get size(): number {
    return this.count;
  }

  push(t: number, value: number): void {
    this.ts[this.next] = t;
    this.vs[this.next] = value;
    this.next = (this.next + 1) % this.capacity;
    if (this.count < this.capacity) this.count++;
  }

  /** Value `k` samples ago (0 = newest). */
  value(k: number): number {
    return this.vs[(this.next - 1 - k + this.capacity * 2) % this.capacity]!;
  }

  time(k: number): number {
    return this.ts[(this.next - 1 - k + this.capacity * 2) % this.capacity]!;
  }

  /** Mean of the `n` samples starting `skip` samples ago, going back. */
  mean(n: number, skip = 0): number {
    let s = 0;
    for (let k = skip; k < skip + n; k++) s += this.value(k);
    return s / n;
  }
}

/** All-time minimum and maximum: the range a value has to leave to be "new". */
export class Range {
  min = Infinity;
  max = -Infinity;

  push(value: number): void {
    if (value < this.min) this.min = value;
    if (value > this.max) this.max = value;
  }

  get width(): number {
    return this.max > this.min ? this.max - this.min : 0;
  }

  /** Smallest difference worth noticing in this series: below it, changes are floating-point noise. */
  get resolution(): number {
    return 1e-9 * Math.max(Math.abs(this.min), Math.abs(this.max), 1e-300);
  }
}

/**
 * Changes across a gap are larger simply because more time passed: for a series that wanders like a
 * random walk the expected change grows with the square root of elapsed time. Divide by this factor
 * to judge a change as if the samples had arrived at the usual cadence.
 */
export function gapFactor(elapsedMs: number, expectedMs: number | undefined): number {
  if (!expectedMs || !(elapsedMs > expectedMs)) return 1;
  return Math.sqrt(elapsedMs / expectedMs);
}

/** A verdict from evidence; the finding (and its explanation) is only built when it is raised. */
export function verdictOf(
  detector: string,
  surprise: number,
  options: DetectorOptions,
  describe: () => Omit<AnomalyFinding, 'detector' | 'severity' | 'followUpQueries'> | undefined,
): Verdict {
  const alert = alertSurprise(options.sensitivity);
  const verdict: Verdict = { score: scoreOf(surprise), surprise };
  if (surprise >= alert) {
    const description = describe();
    if (description) {
      const followUps = followUpQueries(description.kind, options.context);
      verdict.finding = { detector, severity: severityOf(surprise, alert), ...description, followUpQueries: followUps };
    }
  }
  return verdict;
}

/** Bonferroni correction in surprise units: the best of `n` looks is less surprising than one look. */
export function bestOf(surprises: readonly number[]): { surprise: number; index: number } {
  let index = 0;
  for (let i = 1; i < surprises.length; i++) if (surprises[i]! > surprises[index]!) index = i;
  const best = surprises[index] ?? 0;
  return { surprise: Math.max(0, best - Math.log10(Math.max(1, surprises.length))), index };
}

export const quiet: Verdict = { score: 0, surprise: 0 };
