/**
 * The MCP server's tools, by domain (query, discovery, translate, anomalies). Each is a schema and a
 * plain handler; `allTools` is the one list the server registers.
 */
import { detectAnomaliesTool } from './anomalies.js';
import { getMetricMetadata, getServerInfo, listLabelValues, listMetrics } from './discovery.js';
import { executeQuery, executeRangeQuery } from './query.js';
import { ask, suggestQueries, translateQuery } from './translate.js';

export const allTools = [
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
] as const;

export { executeQuery, executeRangeQuery, listMetrics, getMetricMetadata, listLabelValues, getServerInfo, translateQuery, ask, suggestQueries, detectAnomaliesTool };
export { defineTool, type Tool, type ToolResult, type Structured } from './tool.js';
export { ToolError, asToolError, type ToolErrorKind } from './errors.js';
export { defaultToolSettings, type ToolContext, type ToolSettings, type Services, type SessionState, type QueryLog, type HistoryEntry, type ServerFacts, type ProgressReporter } from './context.js';
export { paginate, type Page } from './pagination.js';
export { parseTime, parseStep, stepFor, iso } from './time.js';
export { runInstant, runRange, mergeSeries } from './runner.js';
