/**
 * Validation and guardrails for PromQL: parse (with positions and hints), check the guardrails on the
 * parse tree, and build the series-count pre-check. The MCP tools call these before any query runs.
 */
export { parsePromQL, positionOf, defaultPromQLLimits } from './parse.js';
export type { ParseResult, PromQLError, PromQLLimits, SelectorInfo, AggregationInfo, RangeInfo } from './parse.js';
export { checkGuardrails, decideSeriesCount, defaultLimits, isHighCardinality, namesMetrics, narrowsLabel, niceStep } from './guardrails.js';
export { judgeSelections, defaultSelectionLimits } from './selection.js';
export type { LabelValuesLookup, SelectionLimits } from './selection.js';
export type { GuardrailLimits, GuardrailResult, GuardrailRule, QueryShape, Violation, TimeInput } from './guardrails.js';
export { seriesCountQuery } from './series-check.js';
export type { SeriesCountOptions } from './series-check.js';
export { matchesEverything, matchesEmpty, matchesAnyNonEmpty, narrowsMetricNames, judgeRegex, RegexBudget, RegexProblem, defaultRegexLimits } from './regex.js';
export type { RegexLimits } from './regex.js';
export { editDistance, closest } from './similarity.js';
export { walk, promDurationMs, unquote } from './ast.js';
export type { Expr, LabelMatcher, MatchOp, SelectorNode } from './ast.js';
export type { ValueType } from './functions.js';
