/**
 * Comparison with a baseline window: the same query an hour (or a day) earlier, matched series by
 * series. Evaluating the query at `time - offset` is what adding `offset 1h` to every selector does,
 * and it also works for expressions that mix selectors, subqueries and functions.
 */
import type { InstantSample } from '../../lib/prometheus/client/index.js';
import { seriesName, type Labels } from './labels.js';
import { round } from './stats.js';
import { formatValue, type Unit } from './units.js';
import { sampleValue } from '../../lib/prometheus/series.js';

export interface BaselineChange {
  series: string;
  labels: Labels;
  current: number;
  baseline: number | null;
  /** current - baseline. */
  change: number | null;
  /** (current - baseline) / |baseline|; null when the baseline is 0 or missing. */
  changeRatio: number | null;
  description: string;
}

export interface BaselineComparison {
  /** "1h", "1d". */
  offset: string;
  /** Evaluation time of the baseline (epoch ms). */
  at: number;
  changes: BaselineChange[];
  /** Series present now that had no value then (new pods, or history shorter than the offset). */
  missing: number;
  summary: string;
}

export const baselineOffsets: Record<string, { ms: number; words: string }> = {
  '1h': { ms: 3_600_000, words: 'an hour ago' },
  '1d': { ms: 86_400_000, words: 'a day ago' },
  '1w': { ms: 7 * 86_400_000, words: 'a week ago' },
};

function labelKey(labels: Labels): string {
  return Object.keys(labels)
    .filter((k) => k !== '__name__')
    .sort()
    .map((k) => `${k}=${labels[k]}`)
    .join(',');
}

/** `current`: the series now; `then`: the same query evaluated at `at`. Largest relative changes first. */
export function compareWithBaseline(current: readonly { labels: Labels; value: number; name?: string }[], then: readonly InstantSample[], offset: string, at: number, unit: Unit): BaselineComparison {
  const words = baselineOffsets[offset]?.words ?? `${offset} earlier`;
  const previous = new Map(then.map((s) => [labelKey(s.metric), s.value ? sampleValue(s.value[1]) : NaN]));
  let missing = 0;
  const changes = current.map((c): BaselineChange => {
    const base = previous.get(labelKey(c.labels));
    const name = c.name ?? seriesName(c.labels, 'value');
    if (base === undefined || !Number.isFinite(base)) {
      missing++;
      return { series: name, labels: c.labels, current: round(c.value), baseline: null, change: null, changeRatio: null, description: `${name}: ${formatValue(c.value, unit)} now, no value ${words}` };
    }
    const change = c.value - base;
    const ratio = base === 0 ? null : change / Math.abs(base);
    const pct = ratio === null ? '' : ` (${ratio >= 0 ? '+' : ''}${Math.round(ratio * 100)}%)`;
    return {
      series: name,
      labels: c.labels,
      current: round(c.value),
      baseline: round(base),
      change: round(change),
      changeRatio: ratio === null ? null : round(ratio, 4),
      description: `${name === 'value' ? '' : `${name}: `}${formatValue(c.value, unit)} now vs ${formatValue(base, unit)} ${words}${pct}`,
    };
  });
  changes.sort((a, b) => Math.abs(b.changeRatio ?? 0) - Math.abs(a.changeRatio ?? 0));
  const compared = changes.filter((c) => c.changeRatio !== null);
  let summary: string;
  if (compared.length === 0) summary = `no baseline: the query had no matching series ${words}`;
  else {
    const top = compared[0]!;
    const moved = compared.filter((c) => Math.abs(c.changeRatio!) >= 0.2).length;
    summary = moved === 0 ? `within 20% of ${words} for all ${compared.length} series compared` : `${moved} of ${compared.length} series changed by 20% or more since ${words}; largest: ${top.description}`;
  }
  return { offset, at, changes, missing, summary };
}
