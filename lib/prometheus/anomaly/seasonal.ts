/**
 * Seasonal baselines: what a series usually does at this hour of the day or this hour of the week,
 * and what it actually did at the same moment yesterday or last week. Traffic, batch jobs and
 * business metrics repeat daily and weekly; comparing with the same slot avoids calling every
 * morning ramp an anomaly.
 */
import { RollingWindow, median } from './stats.js';

export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;
export const WEEK_MS = 7 * DAY_MS;

export type SeasonalPeriod = 'hour-of-day' | 'hour-of-week';

export interface SlotSummary {
  count: number;
  mean: number;
  median: number;
  /** Robust (MAD-based) standard deviation of the slot's values. */
  robustStd: number;
}

/** Which hourly slot a timestamp falls in (UTC). Hour-of-week counts from Monday 00:00. */
export function slotOf(t: number, period: SeasonalPeriod): number {
  const hours = Math.floor(t / HOUR_MS);
  if (period === 'hour-of-day') return ((hours % 24) + 24) % 24;
  // 1970-01-01 was a Thursday: shift by three days so slot 0 is Monday 00:00.
  return (((hours + 72) % 168) + 168) % 168;
}

/**
 * Per-slot baselines (24 hour-of-day or 168 hour-of-week slots), each remembering the last
 * `perSlot` values that fell in it; updated incrementally, one slot per sample.
 */
export class SeasonalProfile {
  private readonly slots: RollingWindow[];

  constructor(
    readonly period: SeasonalPeriod,
    readonly perSlot = 64,
  ) {
    const n = period === 'hour-of-day' ? 24 : 168;
    this.slots = Array.from({ length: n }, () => new RollingWindow(perSlot));
  }

  push(t: number, value: number): void {
    this.slots[slotOf(t, this.period)]!.push(value, t);
  }

  /** The baseline of the slot `t` falls in, or undefined while the slot has fewer than `minCount` values. */
  expected(t: number, minCount = 1): SlotSummary | undefined {
    const slot = this.slots[slotOf(t, this.period)]!;
    if (slot.size < minCount) return undefined;
    return { count: slot.size, mean: slot.mean, median: slot.median, robustStd: slot.robustStd };
  }

  /** Fraction of slots that have at least `minCount` values: how much of the cycle we have seen. */
  coverage(minCount = 1): number {
    return this.slots.filter((s) => s.size >= minCount).length / this.slots.length;
  }
}

/**
 * Recent raw history, searchable by time: "what was the value at this moment yesterday?". Keeps
 * samples newer than `spanMs` before the latest one.
 */
export class SeriesHistory {
  private times: number[] = [];
  private values: number[] = [];
  private start = 0; // index of the oldest kept sample; compacted lazily

  constructor(readonly spanMs: number) {}

  push(t: number, value: number): void {
    this.times.push(t);
    this.values.push(value);
    const horizon = t - this.spanMs;
    while (this.start < this.times.length && this.times[this.start]! < horizon) this.start++;
    if (this.start > 4096 && this.start * 2 > this.times.length) {
      this.times = this.times.slice(this.start);
      this.values = this.values.slice(this.start);
      this.start = 0;
    }
  }

  get oldest(): number | undefined {
    return this.start < this.times.length ? this.times[this.start] : undefined;
  }

  /**
   * The typical value around time `t`: the median of samples within `toleranceMs` of it, or
   * undefined when there was no sample that close (a gap, or not enough history yet).
   */
  around(t: number, toleranceMs: number): number | undefined {
    let lo = this.start;
    let hi = this.times.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.times[mid]! < t - toleranceMs) lo = mid + 1;
      else hi = mid;
    }
    const near: number[] = [];
    for (let i = lo; i < this.times.length && this.times[i]! <= t + toleranceMs; i++) near.push(this.values[i]!);
    return near.length ? median(near) : undefined;
  }
}

/**
 * The series' usual sampling interval (median of recent positive steps), so gaps can be recognised
 * and time-based comparisons can pick a sensible tolerance on irregular data.
 */
export class Cadence {
  private readonly steps = new RollingWindow(64);
  private previous: number | undefined;

  push(t: number): void {
    if (this.previous !== undefined && t > this.previous) this.steps.push(t - this.previous);
    if (this.previous === undefined || t > this.previous) this.previous = t;
  }

  /** Median step in ms, or undefined before two distinct timestamps were seen. */
  get stepMs(): number | undefined {
    return this.steps.size ? this.steps.median : undefined;
  }
}
