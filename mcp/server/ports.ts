/**
 * What the MCP server needs from the other parts of `mcp/`, as small interfaces: the metrics backend
 * (lib/prometheus/client), the translator with its conversation context and label catalog (mcp/translate),
 * the template library (mcp/templates) and the query validator (mcp/validation). `modules.ts` adapts
 * the real modules to these; tests pass fakes.
 */
import type { MetricsBackend } from '../../lib/prometheus/client/index.js';

export type { MetricsBackend };

/** A time range as the translator resolved it. Times are epoch milliseconds. */
export interface TranslatedRange {
  start: number;
  end: number;
  /** Step in milliseconds, for range queries. */
  step?: number;
  /** "last 1 hour", "since 09:00", "yesterday". */
  description: string;
}

export interface Alternative {
  promql: string;
  explanation?: string;
  templateId?: string;
}

/** A natural-language question turned into PromQL (mcp/translate's `Translation`). */
export interface Translation {
  promql: string;
  intent: string;
  /** Resolved entities: service, pod, namespace, node, container, metric... */
  entities: Record<string, unknown>;
  range: TranslatedRange;
  queryType: 'instant' | 'range';
  /** Instant queries: the evaluation instant (epoch ms); the range's end when absent. */
  time?: number;
  templateId?: string;
  confidence: number;
  explanation: string;
  suggestions?: string[];
  ambiguous?: boolean;
  alternatives?: Alternative[];
  /** "1h" / "1d" when the question asks to compare with a window before ("compare with yesterday"). */
  compareWith?: string;
  /** Lowest first ("which pods use the least memory"). */
  order?: 'asc' | 'desc';
}

/**
 * Per-session memory of earlier questions (entities, time range), so follow-ups work ("and for
 * petsearch?"). Opaque to the server: it creates one per session and hands it to the translator.
 */
export interface ConversationContext {
  /** Forgets everything (the session ended). */
  clear?(): void;
}

/** Known label values and metric names, for entity resolution (mcp/translate's `LabelCatalog`). */
export interface LabelCatalog {
  labelValues(label: string, match?: string[]): Promise<string[]>;
  metricNames(): Promise<string[]>;
}

export interface TranslateOptions {
  now: number;
  catalog?: LabelCatalog;
  context?: ConversationContext;
}

export interface Translator {
  translate(question: string, options: TranslateOptions): Promise<Translation>;
  newContext(): ConversationContext;
  /** Builds (and refreshes) the catalog from the backend, with the server's clock for its lookback. */
  catalog?(backend: MetricsBackend, now?: () => number): LabelCatalog;
}

export interface TemplateParam {
  name: string;
  description?: string;
  default?: string;
}

/** A parameterised PromQL query of the template library. */
export interface QueryTemplate {
  id: string;
  title?: string;
  description: string;
  /** Topic tags: cpu, memory, network, latency, errors, restarts, node... */
  tags: string[];
  params: TemplateParam[];
  /** PromQL with `{{param}}` placeholders. */
  promql: string;
  examples: string[];
  queryType?: 'instant' | 'range';
}

export interface TemplateLibrary {
  list(): QueryTemplate[];
  /** PromQL with the parameters filled in (several values match any of them); defaults for the missing ones. */
  render(id: string, params: Record<string, string | string[]>): string;
}

/** Why a query was refused before it reached Prometheus. */
export interface QueryProblem {
  kind: 'syntax' | 'guardrail';
  message: string;
  /** 0-based offset in the query, for syntax errors. */
  position?: number;
  hint: string;
  /** A safer query to run instead, when a guardrail has one. */
  suggestion?: string;
}

export interface QueryCheckContext {
  kind: 'instant' | 'range';
  /** Range queries: epoch milliseconds, and the step in milliseconds. */
  start?: number;
  end?: number;
  step?: number;
  signal?: AbortSignal;
}

export interface QueryValidator {
  /** Undefined when the query may run. */
  check(promql: string, context: QueryCheckContext): Promise<QueryProblem | undefined>;
}

export interface AnomalyOptions {
  sensitivity?: 'low' | 'medium' | 'high' | number;
  query?: string;
}
