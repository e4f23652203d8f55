/**
 * Natural language -> PromQL for the Prometheus MCP server: `translate()`, the label catalog port and
 * its adapters, the conversation context, and the optional LLM fallback (Amazon Bedrock).
 */
export { translate, entityIndexOf } from './translate.js';
export type { Translation, TranslateOptions, Intent, Entities, EntityKind, EntityMatch, TimeRange, Alternative } from './types.js';
export { catalogFromBackend, staticCatalog } from './catalog.js';
export type { LabelCatalog, BackendCatalogOptions } from './catalog.js';
export { ConversationContext } from './context.js';
export type { SerializedContext, Turn, TurnTime } from './context.js';
export type { LlmTranslator, LlmRequest, LlmAnswer } from './llm.js';
export { parseTime } from './time.js';
export type { TimeSpec } from './time.js';
export { EntityIndex } from './entity-index.js';
export { loadSnapshot } from './snapshot.js';
export type { CatalogSnapshot } from './snapshot.js';
export { aliasesFrom, loadAliasFile, mergeAliases, parseAliasMap, petAdoptionAliases } from './aliases.js';
export type { AliasMap } from './aliases.js';

import type { Translation } from './types.js';

/** The CLI's `--json` shape (DESIGN.md contract): `{promql, intent, entities, range}`. */
export function translationSummary(t: Translation): Pick<Translation, 'promql' | 'intent' | 'entities' | 'range'> {
  return { promql: t.promql, intent: t.intent, entities: t.entities, range: t.range };
}
export { BedrockTranslator, bedrockTranslatorFromEnv, parseAnswer } from './bedrock.js';
export type { BedrockTranslatorOptions } from './bedrock.js';
