/**
 * A metrics backend over synthetic series for the watcher's tests: each series is a function of
 * time, sampled at the range query's steps, with deterministic noise. Calls are logged (FakeBackend)
 * so tests can check what was fetched.
 */
import type { Labels, RangeSeries } from '../../../../lib/prometheus/client/index.js';
import { FakeBackend, vector } from '../tools/fake-backend.js';

export interface SyntheticSeries {
  labels: Labels;
  /** Value at epoch ms; undefined = no sample (the series does not exist then). */
  value(t: number): number | undefined;
}

/** Deterministic noise in [-1, 1] for a time and a seed (no state, so every fetch agrees). */
export function noise(t: number, seed = 1): number {
  const x = Math.sin((t / 1000) * 12.9898 + seed * 78.233) * 43758.5453;
  return 2 * (x - Math.floor(x)) - 1;
}

export interface SyntheticWorld {
  series: SyntheticSeries[];
  /** Answers of instant queries (limits), by query text. */
  instant?: Record<string, [Labels, number][]>;
  /** Throw this from queryRange (a backend failure), while set. */
  failWith?: Error;
}

export function syntheticBackend(world: SyntheticWorld): FakeBackend {
  return new FakeBackend({
    queryRange: (_promql, options) => {
      if (world.failWith) throw world.failWith;
      const start = Number(options.start) * 1000;
      const end = Number(options.end) * 1000;
      const step = Number(options.step) * 1000;
      const out: RangeSeries[] = [];
      for (const s of world.series) {
        const values: [number, string][] = [];
        for (let t = start; t <= end; t += step) {
          const v = s.value(t);
          if (v !== undefined) values.push([t / 1000, String(v)]);
        }
        if (values.length) out.push({ metric: s.labels, values });
      }
      return out;
    },
    query: (promql, options) => vector(Number(options.time) * 1000, ...(world.instant?.[promql] ?? [])),
  });
}
