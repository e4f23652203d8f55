/**
 * The vocabulary of anomaly detection: a series is a stream of samples; each detector watches the
 * stream and gives every sample a verdict using only what it has seen so far (no look-ahead), so the
 * same code scores a CSV file offline, a Prometheus range query, or a live stream.
 */

import type { Sample } from '../series.js';

/** One observation of a series: the kit's one Sample (`t` in Unix seconds, `v` the value). Timestamps may be irregular or have gaps. */
export type { Sample };

export type Severity = 'info' | 'warning' | 'critical';

/** How eager detectors are: a named level, or a number in [0, 1] (0 = only the obvious, 1 = everything odd). */
export type Sensitivity = 'low' | 'medium' | 'high' | number;

/** What kind of behaviour a detector recognised. */
export type AnomalyKind = 'outlier' | 'spike' | 'drop' | 'seasonal-deviation' | 'level-shift' | 'growth' | 'out-of-range';

/** What we know about the series being watched; lets detectors speak in the metric's own terms. */
export interface SeriesContext {
  /** Metric name, e.g. `container_memory_working_set_bytes`. */
  metric?: string;
  /** Label set of the series (without `__name__`). */
  labels?: Record<string, string>;
  /** A ceiling the series must not cross (e.g. the container's memory limit in bytes). */
  limit?: number;
  /** Unit for explanations; inferred from the metric name when absent. */
  unit?: Unit;
  /** The PromQL expression the series came from, when it is not a plain metric selector. */
  query?: string;
}

export type Unit = 'bytes' | 'seconds' | 'percent' | 'ratio' | 'cores' | 'none';

/** A detector's opinion about one sample. */
export interface Verdict {
  /** Strength of the evidence in [0, 1]; 0 = ordinary, ~0.5 = borderline at medium sensitivity, 1 = certain. */
  score: number;
  /**
   * Evidence on a common scale: roughly "how many robust standard deviations away" the sample is under
   * the detector's model of normal. The ensemble combines detectors through this number.
   */
  surprise: number;
  /** Set when the detector would raise this sample on its own (score above its sensitivity threshold). */
  finding?: AnomalyFinding;
  /** A supporting observation (no evidence by itself) for explanations of findings in its direction. */
  note?: { text: string; direction: 1 | -1 };
}

/** A detector's explanation of why a sample is anomalous. */
export interface AnomalyFinding {
  detector: string;
  kind: AnomalyKind;
  severity: Severity;
  /** One sentence a human on call can act on. */
  explanation: string;
  /** Numbers behind the explanation (expected value, slope, time to limit...), for structured output. */
  evidence: Record<string, number>;
  /** Which way the series departs from normal: 1 up, -1 down. */
  direction: 1 | -1;
  /** PromQL to look at next (empty when neither metric name nor query is known). */
  followUpQueries: string[];
}

/** A streaming detector: feed samples in time order; each call returns the verdict for that sample. */
export interface Detector {
  readonly name: string;
  /** True when the detector only contributes notes, never evidence (not counted by the ensemble). */
  readonly advisory?: boolean;
  observe(sample: Sample): Verdict;
}

export interface DetectorOptions {
  /** Resolved sensitivity in [0, 1]. */
  sensitivity: number;
  context: SeriesContext;
}

/** One registry entry: how to build a detector (k8sgpt style: one interface, one map of kinds). */
export interface DetectorKind {
  name: string;
  description: string;
  create(options: DetectorOptions): Detector;
}
