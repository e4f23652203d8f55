/**
 * A Prometheus result as people and models read it: the series that matter (capped, with totals),
 * each with its value or statistics and trend, chart-ready points (downsampled), the labels they
 * share said once, and a chart suggestion. The raw result never reaches the model unbounded.
 */
import type { InstantSample, QueryData, RangeSeries } from '../../lib/prometheus/client/index.js';
import { defaultBudget, describeCap, downsample, topBy, type ResultBudget } from './capping.js';
import { suggestChart, type ChartSuggestion } from './chart.js';
import { commonLabels, distinguishingKeys, leading, pick, seriesName, type Labels } from './labels.js';
import { round, seriesStats, type SeriesStats } from './stats.js';
import { trendOf, type Trend } from './trend.js';
import { formatValue, type Unit } from './units.js';
import { sampleValue } from '../../lib/prometheus/series.js';

export interface FormattedStats extends SeriesStats {
  formatted: { min: string; max: string; avg: string; p95: string; last: string };
}

export interface SeriesView {
  /** The labels that tell this series apart, as `name{k="v"}`. */
  name: string;
  labels: Labels;
  /** Instant: the value; range: the last value. */
  value?: number;
  display?: string;
  /** Range only. */
  stats?: FormattedStats;
  trend?: Trend;
  /** Range only: `[unix seconds, value]`, at most the budget's points. */
  points?: [number, number][];
}

export type Order = 'desc' | 'asc';

export interface ResultView {
  resultType: QueryData['resultType'];
  unit: Unit;
  totalSeries: number;
  shownSeries: number;
  truncated: boolean;
  /** Labels every series has in common, said once. */
  commonLabels: Labels;
  series: SeriesView[];
  /** Scalar and string results. */
  scalar?: { value: number | string; display: string; time: number };
  /** Points per series before downsampling (the largest), when a range result was downsampled. */
  downsampledFrom?: number;
  chart: ChartSuggestion;
  /** "top 10 of 240 series by current value; 60 of 361 points per series (downsampled)". */
  note: string;
}

export interface ViewOptions {
  unit: Unit;
  budget?: Partial<ResultBudget>;
  /** Highest first (default) or lowest first, e.g. for "which pods use the least CPU". */
  order?: Order;
}

export function viewOf(data: QueryData, options: ViewOptions): ResultView {
  const budget = { ...defaultBudget, ...options.budget };
  switch (data.resultType) {
    case 'vector':
      return vectorView(data.result, options.unit, budget, options.order ?? 'desc');
    case 'matrix':
      return matrixView(data.result, options.unit, budget, options.order ?? 'desc');
    case 'scalar':
    case 'string': {
      const [time, text] = data.result;
      const value = data.resultType === 'scalar' ? sampleValue(text) : text;
      const display = typeof value === 'number' ? formatValue(value, options.unit) : value;
      return {
        resultType: data.resultType,
        unit: options.unit,
        totalSeries: 0,
        shownSeries: 0,
        truncated: false,
        commonLabels: {},
        series: [],
        scalar: { value, display, time },
        chart: suggestChart(data.resultType, 1, options.unit),
        note: `a ${data.resultType}`,
      };
    }
  }
}

function instantValueOf(sample: InstantSample): number {
  if (sample.value) return sampleValue(sample.value[1]);
  // Native histograms: the count is the closest scalar to "the value".
  if (sample.histogram) return sampleValue(sample.histogram[1].count);
  return NaN;
}

function signed(order: Order, value: number): number {
  return order === 'desc' ? value : -value;
}

function vectorView(samples: InstantSample[], unit: Unit, budget: ResultBudget, order: Order): ResultView {
  const capped = topBy(samples, (s) => signed(order, instantValueOf(s)), budget.maxSeries);
  const common = commonLabels(samples.map((s) => s.metric));
  const alone = samples.length === 1;
  const name = namer(samples.map((s) => s.metric), common, budget.maxLabelsPerSeries);
  const series = capped.items.map((s): SeriesView => {
    const value = instantValueOf(s);
    return {
      name: name(s.metric),
      labels: s.metric,
      value: round(value),
      display: formatValue(value, unit),
    };
  });
  const by = order === 'desc' ? 'highest' : 'lowest';
  return {
    resultType: 'vector',
    unit,
    totalSeries: samples.length,
    shownSeries: series.length,
    truncated: capped.truncated,
    commonLabels: alone ? {} : common,
    series,
    chart: suggestChart('vector', samples.length, unit),
    note: samples.length === 0 ? 'no series' : `${describeCap(capped, 'series', order === 'desc' ? 'top' : 'bottom')}${capped.truncated ? ` (${by} value first)` : ''}`,
  };
}

function pointsOf(series: RangeSeries): [number, number][] {
  if (series.values) return series.values.map(([t, v]) => [t * 1000, sampleValue(v)]);
  return (series.histograms ?? []).map(([t, h]) => [t * 1000, sampleValue(h.count)]);
}

function matrixView(result: RangeSeries[], unit: Unit, budget: ResultBudget, order: Order): ResultView {
  const withPoints = result.map((s) => ({ s, points: pointsOf(s), stats: seriesStats(pointsOf(s).map(([, v]) => v)) }));
  const capped = topBy(withPoints, (x) => signed(order, x.stats ? (order === 'desc' ? x.stats.max : x.stats.min) : NaN), budget.maxSeries);
  const common = commonLabels(result.map((s) => s.metric));
  const alone = result.length === 1;
  const name = namer(result.map((s) => s.metric), common, budget.maxLabelsPerSeries);
  let longest = 0;
  let downsampled = false;
  const series = capped.items.map(({ s, points, stats }): SeriesView => {
    longest = Math.max(longest, points.length);
    const kept = downsample(points, budget.maxPointsPerSeries);
    if (kept.length < points.filter(([, v]) => Number.isFinite(v)).length) downsampled = true;
    const view: SeriesView = {
      name: name(s.metric),
      labels: s.metric,
      points: kept.map(([t, v]) => [t / 1000, round(v)]),
    };
    if (stats) {
      view.value = round(stats.last);
      view.display = formatValue(stats.last, unit);
      view.stats = {
        ...roundStats(stats),
        formatted: {
          min: formatValue(stats.min, unit),
          max: formatValue(stats.max, unit),
          avg: formatValue(stats.avg, unit),
          p95: formatValue(stats.p95, unit),
          last: formatValue(stats.last, unit),
        },
      };
      const trend = trendOf(points, unit);
      if (trend) view.trend = { ...trend, slopePerMinute: round(trend.slopePerMinute), relativeChange: round(trend.relativeChange, 4), r2: round(trend.r2, 4) };
    }
    return view;
  });
  const notes = [result.length === 0 ? 'no series' : `${describeCap(capped, 'series', order === 'desc' ? 'top' : 'bottom')}${capped.truncated ? ` (by ${order === 'desc' ? 'peak' : 'lowest'} value)` : ''}`];
  if (downsampled) notes.push(`showing ${budget.maxPointsPerSeries} of ${longest} points per series (downsampled)`);
  const view: ResultView = {
    resultType: 'matrix',
    unit,
    totalSeries: result.length,
    shownSeries: series.length,
    truncated: capped.truncated,
    commonLabels: alone ? {} : common,
    series,
    chart: suggestChart('matrix', result.length, unit),
    note: notes.join('; '),
  };
  if (downsampled) view.downsampledFrom = longest;
  return view;
}

/** Names series by the labels that tell them apart (all labels, trimmed, for a lone series). */
function namer(all: Labels[], common: Labels, max: number): (labels: Labels) => string {
  if (all.length === 1) return (labels) => seriesName(leading(labels, max), 'value');
  const keys = distinguishingKeys(all, common, max);
  return (labels) => seriesName(pick(labels, keys), seriesName(labels, 'value'));
}

function roundStats(stats: SeriesStats): SeriesStats {
  return {
    count: stats.count,
    min: round(stats.min),
    max: round(stats.max),
    avg: round(stats.avg),
    p95: round(stats.p95),
    first: round(stats.first),
    last: round(stats.last),
  };
}
