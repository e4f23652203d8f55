/**
 * What the natural-language translator returns and takes. The MCP tools `translate_query` and `ask`
 * and the CLI `prometheus-mcp translate --json` pass a `Translation` on as it is.
 */
import type { ConversationContext } from './context.js';
import type { LabelCatalog } from './catalog.js';
import type { LlmTranslator } from './llm.js';
import type { AliasMap } from './aliases.js';

export type Intent =
  | 'current_value'
  | 'trend'
  | 'comparison'
  | 'top_n'
  | 'rate'
  | 'ratio'
  | 'latency_percentile'
  | 'error_rate'
  | 'saturation'
  | 'restarts'
  | 'node_condition'
  | 'health'
  | 'count'
  | 'metric'
  | 'unknown';

export type EntityKind = 'namespace' | 'service' | 'pod' | 'node' | 'container' | 'route' | 'metric';

/** Resolved entities by kind, as label values (e.g. `{ service: ['petsearch'], namespace: ['petadoptions'] }`). */
export type Entities = Partial<Record<EntityKind, string[]>>;

/** How one piece of the question was resolved to a label value. */
export interface EntityMatch {
  kind: EntityKind;
  value: string;
  /** The words of the question it came from. */
  text: string;
  /** 0..1: 1 for an exact name, lower for partial names and typos. */
  score: number;
  how: 'exact' | 'alias' | 'partial' | 'typo' | 'ordinal' | 'context';
  namespace?: string;
}

export interface TimeRange {
  /** ISO 8601. For an instant query: the window the answer covers (end = the evaluation instant unless shifted by an offset). */
  start: string;
  end: string;
  /** Range queries: seconds between points. */
  step?: number;
  description: string;
}

export interface Alternative {
  promql: string;
  description: string;
}

export interface Translation {
  promql: string;
  intent: Intent;
  entities: Entities;
  range: TimeRange;
  queryType: 'instant' | 'range';
  /** Instant queries are evaluated at this instant (ISO 8601): the `now` given to translate. */
  time: string;
  templateId?: string;
  /** 0..1: how sure the translator is that this is what was asked. */
  confidence: number;
  explanation: string;
  /** "did you mean ..." and other ways to ask. */
  suggestions?: string[];
  ambiguous?: boolean;
  alternatives?: Alternative[];
  /** How each entity was recognised (typos and partial names included). */
  matches?: EntityMatch[];
  /** Set when the deterministic translator was unsure and the LLM fallback produced the query. */
  source?: 'rules' | 'llm';
}

export interface TranslateOptions {
  /** Epoch milliseconds: "now" for relative times and the instant of instant queries. */
  now: number;
  catalog: LabelCatalog;
  /** The session's conversation, for follow-ups; translate() records the question in it. */
  context?: ConversationContext;
  /** Optional fallback for questions the rules cannot translate confidently. */
  llm?: LlmTranslator;
  /** Below this confidence the LLM fallback is asked (default 0.5). */
  llmThreshold?: number;
  /** IANA time zone for "9am", "yesterday", "this morning" (default UTC). */
  timeZone?: string;
  /** Most points per series of a range query (default 250). */
  maxPoints?: number;
  /**
   * What people call things: label value -> phrases ("petsite": ["frontend", "web site"]). Default:
   * the pet-adoption application's (`petAdoptionAliases`); see `aliases.ts` for files.
   */
  aliases?: AliasMap;
}
