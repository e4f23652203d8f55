/**
 * What every transport shares: the backend (behind the cache unless disabled), the translator,
 * templates and validator, the settings and the logger. Sessions get their own state on top.
 */
import { systemClock, type Clock } from '../../core/clock.js';
import { createLogger, type Logger } from '../../core/log.js';
import { CachedBackend, type CachePolicy } from '../cache/index.js';
import { defaultToolSettings, type Services, type ToolSettings } from '../tools/index.js';
import type { ServerDependencies } from './create-server.js';
import type { AliasMap } from '../translate/index.js';
import type { AnomalyWatchOptions } from '../watch/index.js';
import { loadServices } from './modules.js';
import type { MetricsBackend } from './ports.js';

export interface McpServerOptions {
  backend: MetricsBackend;
  clock?: Clock;
  logger?: Logger;
  /** Translator, templates, validator; loaded from mcp/ when absent. */
  services?: Services;
  settings?: Partial<ToolSettings>;
  /** false disables the cache (benchmarks of raw overhead, debugging). */
  cache?: false | Partial<CachePolicy>;
  grafanaUrl?: string;
  grafanaDatasourceUid?: string;
  /** What people call things (label value -> phrases), for the translator; default: the pet-adoption map. */
  aliases?: AliasMap;
  /** Push anomaly alerts to the agent's webhook (mcp/watch); off when absent. Started by the transport. */
  anomalyWatch?: AnomalyWatchOptions;
}

export async function serverDependencies(options: McpServerOptions, transport: 'stdio' | 'http'): Promise<ServerDependencies> {
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? createLogger('prometheus-mcp');
  const cached = options.cache === false ? undefined : new CachedBackend(options.backend, clock, options.cache ?? {});
  const backend = cached ?? options.backend;
  const settings: ToolSettings = { ...defaultToolSettings, ...options.settings, budget: { ...defaultToolSettings.budget, ...options.settings?.budget } };
  if (options.grafanaUrl) settings.grafana = { url: options.grafanaUrl, ...(options.grafanaDatasourceUid ? { datasourceUid: options.grafanaDatasourceUid } : {}) };
  const services = options.services ?? (await loadServices(backend, logger, () => clock.now(), options.aliases ? { aliases: options.aliases } : {}));
  // Loaded only when asked for: the watcher and its default list cost nothing to servers without it.
  const anomalyWatch = options.anomalyWatch
    ? new (await import('../watch/watcher.js')).AnomalyWatcher(options.anomalyWatch, { backend, clock, logger })
    : undefined;
  return {
    backend,
    clock,
    services,
    settings,
    logger,
    transport,
    startedAt: clock.now(),
    ...(cached ? { cacheStats: () => cached.stats() } : {}),
    ...(anomalyWatch ? { anomalyWatch } : {}),
  };
}
