/**
 * The translator port over mcp/translate (natural language -> PromQL). Its Translation carries ISO
 * times and a step in seconds; the server's carries epoch milliseconds, so the tools compute with
 * numbers and print ISO again. The label catalog is built once per backend and shared by sessions;
 * the conversation context is one per session.
 */
import { catalogFromBackend, ConversationContext, translate, type AliasMap, type Translation as TranslatorAnswer } from '../translate/index.js';
import type { LabelCatalog, MetricsBackend, Translation, Translator } from './ports.js';

export function toServerTranslation(t: TranslatorAnswer): Translation {
  const end = Date.parse(t.range.end);
  return {
    promql: t.promql,
    intent: t.intent,
    entities: t.entities as Record<string, unknown>,
    range: { start: Date.parse(t.range.start), end, ...(t.range.step ? { step: t.range.step * 1000 } : {}), description: t.range.description },
    queryType: t.queryType,
    // An instant query is evaluated at `time` (the range's end, unless shifted by an offset).
    ...(t.queryType === 'instant' && t.time ? { time: Date.parse(t.time) } : {}),
    ...(t.templateId ? { templateId: t.templateId } : {}),
    confidence: t.confidence,
    explanation: t.explanation,
    ...(t.suggestions?.length ? { suggestions: t.suggestions } : {}),
    ...(t.ambiguous ? { ambiguous: true } : {}),
    ...(t.alternatives?.length ? { alternatives: t.alternatives.map((a) => ({ promql: a.promql, explanation: a.description })) } : {}),
    // A comparison question already carries its offset in the PromQL; "bottom" questions want the lowest first.
    ...(/\bbottomk\s*\(/.test(t.promql) ? { order: 'asc' as const } : {}),
  };
}

/** The rule-based translator; `aliases` (label value -> names people use) replaces the built-in pet-adoption map. */
export function ruleTranslatorWith(options: { aliases?: AliasMap } = {}): Translator {
  return {
    newContext: () => new ConversationContext(),
    catalog: (backend: MetricsBackend, now?: () => number): LabelCatalog => catalogFromBackend(backend, now ? { now } : {}),
    async translate(question, translateOptions) {
      if (!translateOptions.catalog) throw new Error('the translator needs a label catalog');
      const context = translateOptions.context instanceof ConversationContext ? translateOptions.context : undefined;
      const answer = await translate(question, { now: translateOptions.now, catalog: translateOptions.catalog, ...(context ? { context } : {}), ...(options.aliases ? { aliases: options.aliases } : {}) });
      return toServerTranslation(answer);
    },
  };
}

export const ruleTranslator: Translator = ruleTranslatorWith();

