/**
 * Results for people and models: units, statistics, trends, capping, breaches, baselines, anomaly
 * highlights, chart suggestions and Grafana links. Import from here.
 */
export { analyse, emptyResultHint, type AnalyseOptions, type Insights } from './analyse.js';
export { viewOf, type ResultView, type SeriesView, type FormattedStats, type Order, type ViewOptions } from './view.js';
export { renderInsights, renderTable, renderView } from './render.js';
export { defaultBudget, downsample, topBy, describeCap, type ResultBudget, type Capped, type Point } from './capping.js';
export { inferUnit, formatValue, formatBytes, formatSeconds, formatSlope, type Unit } from './units.js';
export { seriesStats, quantile, round, type SeriesStats } from './stats.js';
export { trendOf, formatMinutes, type Trend, type TrendDirection } from './trend.js';
export { findBreaches, resourceRules, type Breach, type BreachSeverity, type LimitLookup } from './breaches.js';
export { compareWithBaseline, baselineOffsets, type BaselineComparison, type BaselineChange } from './baseline.js';
export { highlightAnomalies, type AnomalyHighlights, type AnomalyHighlight } from './anomalies.js';
export { suggestChart, type ChartSuggestion, type ChartType } from './chart.js';
export { exploreUrl, type GrafanaConfig } from './explore.js';
export { commonLabels, seriesName } from './labels.js';
