/**
 * One MCP server for one session: every tool of `allTools` (each carries its schemas and
 * annotations), the resources and the prompts, all bound to that session's state. The transports
 * create one per client session, so conversation context and query history are never shared.
 */
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { Clock } from '../../core/clock.js';
import { packageVersion } from '../../lib/platform/package-root.js';
import type { Logger } from '../../core/log.js';
import type { CacheStats } from '../cache/index.js';
import { allTools, type Services, type ToolContext, type ToolSettings } from '../tools/index.js';
import type { AnomalyWatcher } from '../watch/index.js';
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
  const watch = deps.anomalyWatch;
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
      ...(watch ? { anomalyWatch: () => watch.status() } : {}),
    },
    signal: extra.signal,
    ...(progress ? { progress } : {}),
  });

  for (const tool of allTools) registerTool(server, tool, contextFor, logger);

  registerResources(server, deps.services, (extra) => contextFor(extra));
  registerPrompts(server, () => deps.backend);
  return server;
}
