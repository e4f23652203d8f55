/**
 * One MCP server for one session: the ten tools (one registration line each, with annotations),
 * the resources and the prompts, all bound to that session's state. The transports create one per
 * client session, so conversation context and query history are never shared.
 */
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { Clock } from '../../core/clock.js';
import { packageVersion } from '../../lib/platform/package-root.js';
import type { Logger } from '../../core/log.js';
import type { CacheStats } from '../cache/index.js';
import {
  allTools,
  ask,
  detectAnomaliesTool,
  executeQuery,
  executeRangeQuery,
  getMetricMetadata,
  getServerInfo,
  listLabelValues,
  listMetrics,
  suggestQueries,
  translateQuery,
  type Services,
  type ToolContext,
  type ToolSettings,
} from '../tools/index.js';
import type { AnomalyWatcher } from '../watch/index.js';
import { withAnomalyWatch } from '../watch/server-info.js';
import type { MetricsBackend } from './ports.js';
import { registerPrompts } from './prompts.js';
import { registerTool, type Extra } from './register.js';
import { registerResources } from './resources.js';
import type { Session } from './session.js';

export const serverName = 'prometheus-mcp';
export const serverVersion = packageVersion;

export interface ServerDependencies {
  backend: MetricsBackend;
  clock: Clock;
  services: Services;
  settings: ToolSettings;
  logger: Logger;
  transport: 'stdio' | 'http';
  startedAt: number;
  cacheStats?: () => CacheStats;
  /** The anomaly watcher, when the server pushes anomaly alerts (--anomaly-webhook); the transport starts and stops it. */
  anomalyWatch?: AnomalyWatcher;
}

const instructions = `Prometheus metrics of a Kubernetes (EKS) cluster. Start with ask for questions in plain words
(it translates to PromQL, runs it and summarises), or translate_query to see the PromQL first. Use
list_metrics / list_label_values / get_metric_metadata to find names, execute_query and
execute_range_query for your own PromQL, detect_anomalies for "what is unusual", suggest_queries for
ready-made queries. Results are capped and summarised; failures say what to do next.`;

export function createMcpServer(deps: ServerDependencies, session: Session): McpServer {
  const server = new McpServer({ name: serverName, version: serverVersion, title: 'Prometheus MCP (EKS incident kit)' }, { capabilities: { logging: {} }, instructions });
  const logger = deps.logger.child({ session: session.id });
  const contextFor = (extra: Extra, progress?: ToolContext['progress']): ToolContext => ({
    backend: deps.backend,
    clock: deps.clock,
    session,
    services: deps.services,
    settings: deps.settings,
    server: {
      name: serverName,
      version: serverVersion,
      transport: deps.transport,
      startedAt: deps.startedAt,
      ...(deps.cacheStats ? { cache: deps.cacheStats } : {}),
      tools: () => allTools.map((t) => t.name),
    },
    signal: extra.signal,
    ...(progress ? { progress } : {}),
  });

  const backendRead = { readOnlyHint: true, idempotentHint: true, openWorldHint: true };
  const localOnly = { readOnlyHint: true, idempotentHint: true, openWorldHint: false };
  registerTool(server, executeQuery, backendRead, contextFor, logger);
  registerTool(server, executeRangeQuery, backendRead, contextFor, logger);
  registerTool(server, listMetrics, backendRead, contextFor, logger);
  registerTool(server, getMetricMetadata, backendRead, contextFor, logger);
  registerTool(server, listLabelValues, backendRead, contextFor, logger);
  const watch = deps.anomalyWatch;
  registerTool(server, withAnomalyWatch(getServerInfo, watch ? () => watch.status() : undefined), backendRead, contextFor, logger);
  registerTool(server, translateQuery, localOnly, contextFor, logger);
  registerTool(server, ask, backendRead, contextFor, logger);
  registerTool(server, suggestQueries, localOnly, contextFor, logger);
  registerTool(server, detectAnomaliesTool, backendRead, contextFor, logger);

  registerResources(server, deps.services, (extra) => contextFor(extra));
  registerPrompts(server, () => deps.backend);
  return server;
}
