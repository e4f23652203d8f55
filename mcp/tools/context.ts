/**
 * What a tool handler may use: the backend (cached or not), the clock, the session (conversation
 * context and query history), the translator/templates/validator ports, settings, and the request's
 * cancellation signal and progress callback. Nothing here is MCP-specific.
 */
import type { Clock } from '../../core/clock.js';
import type { CacheStats } from '../cache/index.js';
import type { GrafanaConfig, ResultBudget } from '../insights/index.js';
import type { AnomalyWatchStatus } from '../watch/index.js';
import type { ConversationContext, LabelCatalog, MetricsBackend, QueryValidator, TemplateLibrary, Translator } from '../server/ports.js';

export interface HistoryEntry {
  at: string;
  tool: string;
  query: string;
  kind: 'instant' | 'range';
  /** Evaluation time (instant) or start/end/step (range), ISO 8601 and seconds. */
  time?: string;
  start?: string;
  end?: string;
  step?: number;
  question?: string;
  seriesCount?: number;
  durationMs: number;
  error?: string;
}

export interface QueryLog {
  record(entry: HistoryEntry): void;
  entries(): HistoryEntry[];
}

export interface SessionState {
  id: string;
  context?: ConversationContext;
  history: QueryLog;
}

export interface ToolSettings {
  budget: ResultBudget;
  grafana?: GrafanaConfig;
  /** Range queries with more points per series than this run in chunks, with progress (default 720). */
  rangeChunkPoints: number;
  /** Points per series refused above this (Prometheus refuses more than 11,000). */
  maxPointsPerSeries: number;
  /** Evaluation timeout sent with each query (ms). */
  queryTimeoutMs: number;
  /** Compare `ask` answers with this window before ("1h", "1d"); empty to skip. */
  defaultBaseline: string;
  /** "now" is rounded down to this for instant queries (default 15 s), so repeats share an instant. */
  nowResolutionMs: number;
}

export const defaultToolSettings: ToolSettings = {
  budget: { maxSeries: 10, maxPointsPerSeries: 60, maxLabelsPerSeries: 6 },
  rangeChunkPoints: 720,
  maxPointsPerSeries: 11_000,
  queryTimeoutMs: 30_000,
  defaultBaseline: '1h',
  nowResolutionMs: 15_000,
};

export interface Services {
  translator?: Translator;
  templates?: TemplateLibrary;
  validator?: QueryValidator;
  catalog?: LabelCatalog;
}

export interface ServerFacts {
  name: string;
  version: string;
  transport: 'stdio' | 'http';
  startedAt: number;
  cache?: () => CacheStats;
  /** Names of the registered tools, for get_server_info. */
  tools: () => string[];
  /** The anomaly watcher's counters, when the server pushes anomaly alerts (--anomaly-webhook). */
  anomalyWatch?: () => AnomalyWatchStatus;
}

export type ProgressReporter = (progress: number, total: number | undefined, message: string) => void | Promise<void>;

export interface ToolContext {
  backend: MetricsBackend;
  clock: Clock;
  session: SessionState;
  services: Services;
  settings: ToolSettings;
  server: ServerFacts;
  signal?: AbortSignal;
  progress?: ProgressReporter;
}
