/**
 * The kit's one vocabulary for metric data once it has left the Prometheus API: what the agent's
 * metric checks, the runner's measurements and the anomaly detectors read. The API's own JSON shapes
 * (strings for values, `[t, "v"]` pairs) stay in client/port.ts; `instantValues` and `seriesOf` turn
 * an answer into these.
 */
import type { Labels, QueryData, RangeSeries } from './client/port.js';

export type { Labels };

/** One point of a series: `t` in Unix seconds (the API's own unit), `v` the value (NaN and ±Inf kept). */
export interface Sample {
  t: number;
  v: number;
}

/** A range query's series. */
export interface Series {
  labels: Labels;
  samples: Sample[];
}

/** One element of an instant query's answer. */
export interface InstantValue {
  labels: Labels;
  value: number;
  /** Evaluation time, Unix seconds. */
  t: number;
}

/** An instant query's answer as values: a vector's elements, or a scalar as one unlabelled value. */
export function instantValues(data: QueryData): InstantValue[] {
  switch (data.resultType) {
    case 'vector':
      return data.result.filter((s) => s.value).map((s) => ({ labels: s.metric, t: s.value![0], value: sampleValue(s.value![1]) }));
    case 'scalar':
      return [{ labels: {}, t: data.result[0], value: sampleValue(data.result[1]) }];
    case 'matrix':
      return data.result.flatMap((s) => {
        const last = s.values?.at(-1);
        return last ? [{ labels: s.metric, t: last[0], value: sampleValue(last[1]) }] : [];
      });
    case 'string':
      return [];
  }
}

/** A range answer's series (float samples; native histograms are left out). */
export function seriesOf(result: readonly RangeSeries[]): Series[] {
  return result.map((s) => ({ labels: s.metric, samples: (s.values ?? []).map(([t, v]) => ({ t, v: sampleValue(v) })) }));
}

/** A sample value as the API writes it: decimal, "NaN", "+Inf" or "-Inf" (which Number() reads as NaN). */
export function sampleValue(text: string): number {
  if (text === '+Inf' || text === 'Inf') return Infinity;
  if (text === '-Inf') return -Infinity;
  return Number(text);
}
