/**
 * The samples a watch's detectors learn from: its query's series over the last baseline window, kept
 * in memory and slid forward between runs. Only the steps since the previous run are fetched (plus a
 * short overlap, because the newest samples of a range query can still change while scrapes and
 * rule evaluations land); everything is fetched again only on the first run or after a gap longer
 * than the window. Timestamps are aligned to the step, so every run sees the same sample times.
 */
import type { Labels, RangeSeries, SamplePair } from '../../lib/prometheus/client/index.js';

export interface WindowSeries {
  key: string;
  metric: Labels;
  values: SamplePair[];
  /** True when the series has a sample at the newest steps (it still reports). */
  fresh: boolean;
}

/** A range query to run: epoch ms, aligned to the step. */
export interface FetchPlan {
  start: number;
  end: number;
  /** Whole window (first run, or after a gap longer than the window). */
  full: boolean;
}

/** Stable identity of a label set: its labels sorted by name. */
export function seriesKey(labels: Labels): string {
  return JSON.stringify(Object.keys(labels).sort().map((k) => [k, labels[k]]));
}

export class BaselineWindow {
  private readonly store = new Map<string, { metric: Labels; values: SamplePair[] }>();
  /** End (epoch ms) of the last merged fetch. */
  fetchedUntil: number | undefined;

  constructor(
    private readonly baselineMs: number,
    private readonly stepMs: number,
    /** How far back the previous fetch is fetched again (default: two steps, at least a minute). */
    private readonly overlapMs = Math.max(2 * stepMs, 60_000),
    /** Most series kept; more are ignored (the first by key), so a runaway query cannot eat the heap. */
    private readonly maxSeries = 500,
  ) {}

  /** The range query that brings the window up to `now`; undefined when no new step has begun. */
  plan(now: number): FetchPlan | undefined {
    const end = Math.floor(now / this.stepMs) * this.stepMs;
    const windowStart = end - this.baselineMs;
    if (this.fetchedUntil === undefined || this.fetchedUntil < windowStart) return { start: windowStart, end, full: true };
    if (end <= this.fetchedUntil) return undefined;
    const start = Math.max(windowStart, Math.floor((this.fetchedUntil - this.overlapMs) / this.stepMs) * this.stepMs);
    return { start, end, full: false };
  }

  /** Merges a fetch's result: replaces the refetched steps, appends the new ones, drops what left the window. Returns series dropped by the cap. */
  merge(plan: FetchPlan, result: readonly RangeSeries[]): number {
    if (plan.full) this.store.clear();
    const from = plan.start / 1000;
    for (const entry of this.store.values()) {
      const keep = entry.values.findIndex(([t]) => t >= from);
      if (keep >= 0) entry.values.length = keep;
    }
    let dropped = 0;
    const sorted = [...result].map((s) => ({ key: seriesKey(s.metric), s })).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    for (const { key, s } of sorted) {
      const values = (s.values ?? []).filter(([t]) => t >= from && t <= plan.end / 1000);
      if (!values.length) continue;
      let entry = this.store.get(key);
      if (!entry) {
        if (this.store.size >= this.maxSeries) {
          dropped++;
          continue;
        }
        entry = { metric: s.metric, values: [] };
        this.store.set(key, entry);
      }
      const last = entry.values.at(-1)?.[0] ?? -Infinity;
      for (const pair of values) if (pair[0] > last) entry.values.push([pair[0], pair[1]]);
    }
    this.trim(plan.end);
    this.fetchedUntil = plan.end;
    return dropped;
  }

  private trim(end: number): void {
    const windowStart = (end - this.baselineMs) / 1000;
    for (const [key, entry] of this.store) {
      const first = entry.values.findIndex(([t]) => t >= windowStart);
      if (first < 0) this.store.delete(key);
      else if (first > 0) entry.values.splice(0, first);
    }
  }

  /** The window's series, ordered by key. */
  series(): WindowSeries[] {
    const end = this.fetchedUntil ?? 0;
    const freshFrom = (end - this.overlapMs) / 1000;
    return [...this.store.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([key, entry]) => ({ key, metric: entry.metric, values: entry.values, fresh: (entry.values.at(-1)?.[0] ?? -Infinity) >= freshFrom }));
  }

  has(key: string): boolean {
    return this.store.has(key);
  }

  get size(): number {
    return this.store.size;
  }

  samples(): number {
    let n = 0;
    for (const entry of this.store.values()) n += entry.values.length;
    return n;
  }
}
