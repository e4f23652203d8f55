/**
 * Synthetic series with known anomalies, seeded so every run is identical: what the tests (and demos)
 * feed the detectors instead of real data. Each generator returns samples at a fixed step with
 * Gaussian noise, plus the index where its anomaly starts.
 */
import { Random } from '../../../core/random.js';
import type { Sample } from '../../../lib/prometheus/series.js';

export interface SyntheticOptions {
  /** Number of samples. */
  length: number;
  /** Sampling interval, ms (default 1 min). */
  stepMs?: number;
  /** First timestamp, epoch ms (default 2026-11-23T00:00:00Z, a Monday). Samples carry Unix seconds. */
  start?: number;
  /** Noise standard deviation (default 1). */
  noise?: number;
  seed?: number | string;
}

export interface SyntheticSeries {
  samples: Sample[];
  /** Index of the first anomalous sample (-1 for none). */
  anomalyAt: number;
}

/** Epoch ms. */
export const SYNTHETIC_START = Date.UTC(2026, 10, 23, 0, 0, 0);

function base(options: SyntheticOptions, level: (i: number, ms: number) => number): Sample[] {
  const random = new Random(options.seed ?? 1);
  const step = options.stepMs ?? 60_000;
  const start = options.start ?? SYNTHETIC_START;
  const sd = options.noise ?? 1;
  return Array.from({ length: options.length }, (_, i) => {
    const ms = start + i * step;
    return { t: ms / 1000, v: level(i, ms) + random.normal(0, sd) };
  });
}

/** Noise around a constant level. */
export function steady(options: SyntheticOptions & { level?: number }): SyntheticSeries {
  return { samples: base(options, () => options.level ?? 100), anomalyAt: -1 };
}

/** One sample `height` above the level at `at`. */
export function spike(options: SyntheticOptions & { at: number; height: number; level?: number }): SyntheticSeries {
  const samples = base(options, (i) => (options.level ?? 100) + (i === options.at ? options.height : 0));
  return { samples, anomalyAt: options.at };
}

/** The level moves by `shift` from `at` on. */
export function levelShift(options: SyntheticOptions & { at: number; shift: number; level?: number }): SyntheticSeries {
  const samples = base(options, (i) => (options.level ?? 100) + (i >= options.at ? options.shift : 0));
  return { samples, anomalyAt: options.at };
}

/** Flat at `level` until `at`, then grows by `perStep` each sample (a memory leak). */
export function leak(options: SyntheticOptions & { at: number; perStep: number; level: number }): SyntheticSeries {
  const samples = base(options, (i) => options.level + Math.max(0, i - options.at) * options.perStep);
  return { samples, anomalyAt: options.at };
}

/**
 * A daily cycle (`amplitude` around `level`, peak at 14:00 UTC); from index `at` the cycle's
 * amplitude is scaled by `factor` for `duration` samples (a holiday, a broken upstream).
 */
export function daily(
  options: SyntheticOptions & { level: number; amplitude: number; at?: number; duration?: number; factor?: number },
): SyntheticSeries {
  const at = options.at ?? -1;
  const end = at + (options.duration ?? 0);
  const samples = base(options, (i, ms) => {
    const hour = (ms / 3_600_000) % 24;
    const wave = Math.cos(((hour - 14) / 24) * 2 * Math.PI);
    const scale = i >= at && i < end && at >= 0 ? (options.factor ?? 1) : 1;
    return options.level + options.amplitude * wave * scale;
  });
  return { samples, anomalyAt: at };
}
