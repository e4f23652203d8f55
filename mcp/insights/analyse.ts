/**
 * From a query result to an answer: the capped view, then the insights worth a sentence each (the
 * leading series, trends, limit breaches, the change since a baseline window, anomalies) and a
 * Grafana Explore link. Follow-up queries (limits, baseline) go through the caller's lookup, so the
 * cache, cancellation and the same backend apply to them.
 */
import type { InstantSample, QueryData } from '../../lib/prometheus/client/index.js';
import { highlightAnomalies, type AnomalyHighlights } from './anomalies.js';
import { baselineOffsets, compareWithBaseline, type BaselineComparison } from './baseline.js';
import { findBreaches, type Breach } from './breaches.js';
import type { ResultBudget } from './capping.js';
import { exploreUrl, type GrafanaConfig } from './explore.js';
import { seriesName } from './labels.js';
import { inferUnit, type Unit } from './units.js';
import { viewOf, type Order, type ResultView } from './view.js';
import { sampleValue } from '../../lib/prometheus/series.js';

export interface Insights {
  /** One sentence per finding, most important first. */
  summary: string[];
  breaches: Breach[];
  baseline?: BaselineComparison;
  anomalies?: AnomalyHighlights;
  exploreUrl?: string;
}

export interface AnalyseOptions {
  query: string;
  data: QueryData;
  /** Inferred from the query when absent. */
  unit?: Unit;
  /** Evaluation time of an instant query, or the range of a range query (epoch ms). */
  time?: number;
  range?: { start: number; end: number; step: number };
  budget?: Partial<ResultBudget>;
  order?: Order;
  /** Instant query at a given time (epoch ms), for limits and baselines. Without it those are skipped. */
  lookup?: (promql: string, time: number) => Promise<InstantSample[]>;
  /** "1h" | "1d" | "1w": compare with the same query that long before. */
  baseline?: string;
  /** Run the anomaly detectors over range results (default true). */
  anomalies?: boolean;
  grafana?: GrafanaConfig;
}

export const emptyResultHint =
  'no series matched; check the metric name with list_metrics and the label values with list_label_values, or widen the time range';

export async function analyse(options: AnalyseOptions): Promise<{ view: ResultView; insights: Insights }> {
  const unit = options.unit ?? inferUnit(options.query);
  const view = viewOf(options.data, { unit, budget: options.budget, order: options.order });
  const summary: string[] = [];
  const insights: Insights = { summary, breaches: [] };
  const at = options.range ? options.range.end : (options.time ?? Date.now());

  if (options.grafana) {
    const range = options.range ?? { start: at - 3_600_000, end: at };
    insights.exploreUrl = exploreUrl(options.grafana, options.query, range);
  }
  if ((view.resultType === 'vector' || view.resultType === 'matrix') && view.totalSeries === 0) {
    summary.push(`No data: ${emptyResultHint}.`);
    return { view, insights };
  }
  if (view.scalar) {
    summary.push(`The result is ${view.scalar.display}.`);
    return { view, insights };
  }

  leadingSeries(view, summary);

  const shown = view.series.filter((s) => s.value !== undefined).map((s) => ({ labels: s.labels, value: s.value!, name: s.name }));
  if (options.lookup) {
    const lookup = options.lookup;
    // Every series is judged against its limit, not only the ones shown: a breach is never capped away.
    insights.breaches = await findBreaches(options.query, unit, currentValues(options.data, view), (promql) => lookup(promql, at));
    if (insights.breaches.length) {
      const critical = insights.breaches.filter((b) => b.severity === 'critical').length;
      summary.push(
        `${insights.breaches.length} series ${insights.breaches.length === 1 ? 'is' : 'are'} near or over ${insights.breaches.length === 1 ? 'its' : 'their'} limit${critical ? ` (${critical} at or over it)` : ''}: ${insights.breaches
          .slice(0, 3)
          .map((b) => b.description)
          .join('; ')}.`,
      );
    }
    const offset = options.baseline;
    if (offset && baselineOffsets[offset]) {
      const then = at - baselineOffsets[offset]!.ms;
      const previous = await lookup(options.query, then);
      insights.baseline = compareWithBaseline(shown, previous, offset, then, unit);
      summary.push(`Compared with ${baselineOffsets[offset]!.words}: ${insights.baseline.summary}.`);
    }
  }
  if (view.resultType === 'matrix' && options.data.resultType === 'matrix' && options.anomalies !== false) {
    insights.anomalies = highlightAnomalies(options.query, options.data.result);
    const first = insights.anomalies.highlights[0];
    if (first) {
      summary.push(`${insights.anomalies.found} anomal${insights.anomalies.found === 1 ? 'y' : 'ies'} detected; most severe (${first.severity}, ${first.ongoing ? 'ongoing' : `at ${first.at}`}) in ${first.series}: ${first.explanation}`);
    }
  }
  if (view.truncated || view.downsampledFrom) summary.push(`Capped: ${view.note}.`);
  return { view, insights };
}

/** The latest value of every series of the result, named as the view names it when shown. */
function currentValues(data: QueryData, view: ResultView): { labels: Record<string, string>; value: number; name: string }[] {
  const names = new Map(view.series.map((s) => [JSON.stringify(s.labels), s.name]));
  const named = (labels: Record<string, string>, value: number) => ({ labels, value, name: names.get(JSON.stringify(labels)) ?? seriesName(labels) });
  if (data.resultType === 'vector') return data.result.map((s) => named(s.metric, s.value ? sampleValue(s.value[1]) : NaN));
  if (data.resultType === 'matrix') {
    return data.result.map((s) => {
      const values = s.values ?? [];
      let last = NaN;
      for (let i = values.length - 1; i >= 0 && Number.isNaN(last); i--) if (Number.isFinite(sampleValue(values[i]![1]))) last = sampleValue(values[i]![1]);
      return named(s.metric, last);
    });
  }
  return [];
}

function leadingSeries(view: ResultView, summary: string[]): void {
  const top = view.series[0];
  if (!top) return;
  if (view.resultType === 'vector') {
    if (view.totalSeries === 1) summary.push(top.name === 'value' ? `The value is ${top.display}.` : `${top.name} is ${top.display}.`);
    else {
      const last = view.series[view.series.length - 1]!;
      summary.push(`${view.totalSeries} series; ${view.series.length > 1 ? `from ${top.name} at ${top.display} to ${last.name} at ${last.display}` : `${top.name} at ${top.display}`}.`);
    }
    return;
  }
  const moving = view.series.filter((s) => s.trend && s.trend.direction !== 'stable');
  if (view.totalSeries === 1 && top.trend) summary.push(`${top.name === 'value' ? 'The value' : top.name} is ${top.trend.description}; now ${top.display}, peak ${top.stats?.formatted.max}.`);
  else if (top.stats) summary.push(`${view.totalSeries} series; highest peak ${top.stats.formatted.max} in ${top.name} (now ${top.display}).`);
  for (const s of moving.slice(0, view.totalSeries === 1 ? 0 : 3)) summary.push(`${s.name} is ${s.trend!.description}.`);
}
