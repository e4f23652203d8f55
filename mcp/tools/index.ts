/**
 * The MCP server's tools, by domain (query, discovery, translate, anomalies). Each is a schema, its
 * annotations and a plain handler; `allTools` is the one list the server registers, in this order.
 * Adding a tool: define it in its domain file (or a new one) with defineTool, and add one line here.
 */
import { detectAnomaliesTool } from './anomalies.js';
import { getMetricMetadata, getServerInfo, listLabelValues, listMetrics } from './discovery.js';
import { executeQuery, executeRangeQuery } from './query.js';
import type { AnyTool } from './tool.js';
import { ask, suggestQueries, translateQuery } from './translate.js';

export const allTools: readonly AnyTool[] = [
  executeQuery,
  executeRangeQuery,
  listMetrics,
  getMetricMetadata,
  listLabelValues,
  getServerInfo,
  translateQuery,
  ask,
  suggestQueries,
  detectAnomaliesTool,
];

export { executeQuery, executeRangeQuery, listMetrics, getMetricMetadata, listLabelValues, getServerInfo, translateQuery, ask, suggestQueries, detectAnomaliesTool };
export { defineTool, readsMetrics, localOnly, type Tool, type AnyTool, type ToolAnnotations, type ToolResult, type Structured } from './tool.js';
export { ToolError, asToolError, type ToolErrorKind } from './errors.js';
export { defaultToolSettings, type ToolContext, type ToolSettings, type Services, type SessionState, type QueryLog, type HistoryEntry, type ServerFacts, type ProgressReporter } from './context.js';
export { paginate, type Page } from './pagination.js';
export { parseTime, parseStep, stepFor, iso } from './time.js';
export { runInstant, runRange, mergeSeries } from './runner.js';
