/**
 * Validation and guardrails for PromQL: parse (with positions and hints), check the guardrails on the
 * parse tree, and build the series-count pre-check. The MCP tools call these before any query runs.
 */
export { parsePromQL, positionOf } from './parse.js';
export type { ParseResult, PromQLError, SelectorInfo, AggregationInfo, RangeInfo } from './parse.js';
export { checkGuardrails, decideSeriesCount, defaultLimits, isHighCardinality, niceStep } from './guardrails.js';
export type { GuardrailLimits, GuardrailResult, GuardrailRule, QueryShape, Violation, TimeInput } from './guardrails.js';
export { seriesCountQuery } from './series-check.js';
export type { SeriesCountOptions } from './series-check.js';
export { matchesEverything, matchesEmpty, matchesAnyNonEmpty } from './regex.js';
export { editDistance, closest } from './similarity.js';
export { walk, promDurationMs, unquote } from './ast.js';
export type { Expr, LabelMatcher, MatchOp, SelectorNode } from './ast.js';
export type { ValueType } from './functions.js';
