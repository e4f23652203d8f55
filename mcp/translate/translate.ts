/**
 * translate(): natural language -> PromQL. Deterministic: words are read (typos in the vocabulary
 * corrected), time phrases taken out, names resolved against the live catalog, the intent read from
 * what is left, merged with the conversation for follow-ups, and planned into a query from the
 * template library. Only when that is unsure and an LLM is configured is the LLM asked, and its answer
 * must pass the same validation.
 */
import { checkGuardrails, parsePromQL } from '../validation/index.js';
import { petAdoptionAliases, type AliasMap } from './aliases.js';
import type { LabelCatalog } from './catalog.js';
import type { Turn, TurnTime } from './context.js';
import { EntityIndex } from './entity-index.js';
import { deriveFeatures, readFeatures, type Features } from './features.js';
import { plan, type Plan } from './plan.js';
import { resolveEntities, type Resolution } from './resolve.js';
import { loadSnapshot } from './snapshot.js';
import { STOPWORDS, tokenize, VOCABULARY, vocabularyTypo } from './text.js';
import { parseTime } from './time.js';
import type { EntityMatch, Translation, TranslateOptions } from './types.js';

interface Indexed {
  generation: number | undefined;
  aliases: AliasMap;
  index: EntityIndex;
  checkedAt: number;
}

const indexes = new WeakMap<LabelCatalog, Indexed>();

/** The entity index of a catalog, rebuilt only when the catalog's generation (or the alias map) changes. */
export async function entityIndexOf(catalog: LabelCatalog, aliases: AliasMap = petAdoptionAliases): Promise<EntityIndex> {
  const memo = indexes.get(catalog);
  if (memo && catalog.generation !== undefined && memo.generation === catalog.generation && memo.aliases === aliases) {
    // Reading the catalog now and then lets a caching catalog notice expired entries and refresh them.
    if (Date.now() - memo.checkedAt > 5_000) {
      memo.checkedAt = Date.now();
      void loadSnapshot(catalog).catch(() => undefined);
    }
    return memo.index;
  }
  const index = new EntityIndex(await loadSnapshot(catalog), aliases);
  indexes.set(catalog, { generation: catalog.generation, aliases, index, checkedAt: Date.now() });
  return index;
}

function normalize(question: string): string {
  return question
    .replace(/[’‘`]/g, "'")
    .replace(/[“”]/g, '"')
    .replace(/&/g, ' and ')
    .replace(/\s+/g, ' ')
    .trim()
    .toLowerCase();
}

function correctTypos(text: string, index: EntityIndex): { text: string; corrections: string[] } {
  const corrections: string[] = [];
  let out = '';
  let last = 0;
  for (const t of tokenize(text)) {
    const fix = vocabularyTypo(t.text, (w) => index.isName(w));
    if (!fix) continue;
    out += text.slice(last, t.from) + fix;
    last = t.to;
    corrections.push(`"${t.text}" read as "${fix}"`);
  }
  return { text: out + text.slice(last), corrections };
}

function cleanText(text: string, spans: { from: number; to: number; label: string }[]): string {
  let out = '';
  let last = 0;
  for (const s of [...spans].sort((a, b) => a.from - b.from)) {
    if (s.from < last) continue;
    out += `${text.slice(last, s.from)} ${s.label} `;
    last = s.to;
  }
  return (out + text.slice(last)).replace(/\s+/g, ' ').trim();
}

function defined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== false)) as Partial<T>;
}

/** Words a follow-up wraps around what it changes ("ok, same but for petsearch please"). */
const CONVERSATIONAL = new Set(['but', 'please', 'thanks', 'thank', 'ok', 'okay', 'again', 'instead', 'one', 'ones', 'both', 'too', 'that', 'those', 'same']);

/**
 * Whether a question reads as words of this domain: its unknown words (not names, times, numbers,
 * the vocabulary or small words) do not outnumber the known ones. "and asdf qwerty" does not; "and
 * now?" does.
 */
function understood(cleaned: string): boolean {
  let known = 0;
  let unknown = 0;
  for (const { text } of tokenize(cleaned)) {
    if (STOPWORDS.has(text) || CONVERSATIONAL.has(text)) continue;
    if (text.startsWith('@') || VOCABULARY.has(text) || /^[\d.:%]+[a-z]{0,3}$/.test(text) || /^p\d{2,3}$/.test(text)) known++;
    else unknown++;
  }
  return unknown <= known;
}

/** What a question says beyond a follow-up cue: features with a value (a measure, a grouping, a rank...). */
function saysSomething(own: Features): boolean {
  const { followUp: _f, ...rest } = defined(own);
  return Object.keys(rest).length > 0;
}

/** Features of a follow-up: the previous question's, with what this one says on top. */
function mergeFeatures(own: Features, previous: Features): Features {
  const ownMeasure = own.measure !== undefined;
  if (!ownMeasure || (own.measure === 'latency' && previous.measure === 'latency')) {
    const { followUp: _f, compareEntities: _c, ...rest } = defined(own);
    return { ...previous, ...rest, measure: previous.measure ?? own.measure };
  }
  // A new measure keeps the shape of the previous question (ranking, grouping), not its measure settings.
  return { ...own, group: own.group ?? previous.group, rank: own.rank ?? previous.rank };
}

function mergeEntities(own: EntityMatch[], previous: EntityMatch[], union: boolean): EntityMatch[] {
  if (own.length === 0) return previous.map((e) => ({ ...e, how: 'context' as const }));
  if (union) return [...previous.map((e) => ({ ...e, how: 'context' as const })), ...own.filter((o) => !previous.some((p) => p.kind === o.kind && p.value === o.value))];
  const specific = new Set(['service', 'container', 'pod', 'node', 'route']);
  const ownSpecific = own.some((o) => specific.has(o.kind));
  const kept = previous.filter((p) => !own.some((o) => o.kind === p.kind) && !(ownSpecific && specific.has(p.kind)) && !(p.kind === 'namespace' && ownSpecific));
  return [...kept.map((e) => ({ ...e, how: 'context' as const })), ...own];
}

function turnTime(spec: ReturnType<typeof parseTime>): TurnTime {
  const { spans: _spans, ...time } = spec;
  return time;
}

function stripMatch(m: EntityMatch & { from?: number; to?: number; entity?: unknown }): EntityMatch {
  const { from: _a, to: _b, entity: _c, ...rest } = m;
  return rest;
}

export async function translate(question: string, options: TranslateOptions): Promise<Translation> {
  const index = await entityIndexOf(options.catalog, options.aliases);
  const now = options.now;
  const { text, corrections } = correctTypos(normalize(question), index);
  const time = parseTime(text, now, options.timeZone ?? 'UTC');
  const resolution: Resolution = resolveEntities(text, tokenize(text), index, time.spans);
  const cleaned = cleanText(text, [...time.spans.map((s) => ({ ...s, label: '' })), ...resolution.matches.map((m) => ({ from: m.from, to: m.to, label: `@${m.kind}` }))]);
  const own = readFeatures(cleaned);
  const ownMatches = resolution.matches.map(stripMatch);

  const previous = options.context?.last();
  const ownTime = turnTime(time);
  const hasOwnTime = ownTime.kind !== 'none';
  const asksSomething = own.measure !== undefined || own.quantile !== undefined || ownMatches.some((m) => m.kind === 'metric');
  // A question that does not say what to measure cannot stand alone: with a conversation, it continues
  // it, but only when it refers to it: a name, time or feature it changes, or a follow-up phrasing in
  // words this translator reads. Anything else ("asdf qwerty") is not understood, whatever came before.
  const changes = ownMatches.length > 0 || hasOwnTime || ownTime.compareMs !== undefined || saysSomething(own);
  const refers = changes || (own.followUp && understood(cleaned));
  const followUp = !!previous && (own.followUp || !asksSomething) && refers;
  let features = own;
  let matches = ownMatches;
  let turn: TurnTime = ownTime;
  if (followUp && previous) {
    features = deriveFeatures(mergeFeatures(own, previous.features));
    matches = mergeEntities(ownMatches, previous.entities, !!own.compareEntities && ownMatches.length > 0);
    if (!hasOwnTime) turn = { ...previous.time, ...(ownTime.compareMs !== undefined ? { compareMs: ownTime.compareMs, compareLabel: ownTime.compareLabel } : {}) };
    if (own.compareEntities && ownMatches.length > 0) features = { ...features, compareEntities: true };
    // "compare them": the entities of the last two questions, set side by side.
    if (own.compareEntities && ownMatches.length === 0) {
      const history = options.context!.history();
      const before = history[history.length - 2];
      if (before) matches = mergeEntities(before.entities.filter((e) => matches.some((m) => m.kind === e.kind && m.value !== e.value)), matches, true);
      features = { ...features, compareEntities: true };
    }
  }

  const wording = followUp && previous?.wording && !(own.measure && own.measure !== previous.features.measure) ? `${previous.wording} ${cleaned}` : cleaned;
  const planned: Plan = plan({ features, matches, time: turn, now, maxPoints: options.maxPoints ?? 250, text: wording, workloads: index.snapshot.workloads });
  let confidence = planned.confidence;
  const minScore = Math.min(1, ...ownMatches.map((m) => m.score));
  confidence *= 0.5 + 0.5 * minScore;
  if (resolution.ambiguities.length) confidence *= 0.75;
  if (resolution.unknown.length) confidence *= 0.6;
  if (followUp) confidence *= 0.95;

  const alternatives = [...planned.alternatives];
  for (const a of resolution.ambiguities) {
    for (const option of a.options.slice(1)) {
      const swapped = matches.map((m) => (m.text === a.text ? { ...m, kind: option.kind, value: option.value, namespace: option.namespace } : m));
      const p = plan({ features, matches: swapped, time: turn, now, maxPoints: options.maxPoints ?? 250, text: wording, workloads: index.snapshot.workloads });
      if (p.promql) alternatives.unshift({ promql: p.promql, description: `reading "${a.text}" as ${option.kind} ${option.value}` });
    }
  }

  let translation: Translation = {
    promql: planned.promql,
    intent: planned.intent,
    entities: planned.entities,
    range: planned.range,
    queryType: planned.queryType,
    time: new Date(now).toISOString(),
    ...(planned.templateId ? { templateId: planned.templateId } : {}),
    confidence: Math.round(confidence * 100) / 100,
    explanation: [planned.explanation, ...corrections, ...ownMatches.filter((m) => m.how === 'typo' || m.how === 'partial' || m.how === 'ordinal').map((m) => `"${m.text}" read as ${m.kind} ${m.value}`), followUp ? 'Follow-up: the rest comes from the previous question.' : ''].filter(Boolean).join(' '),
    ...(resolution.suggestions.length + planned.suggestions.length ? { suggestions: [...resolution.suggestions, ...planned.suggestions] } : {}),
    ...(resolution.ambiguities.length || planned.confidence < 0.5 ? { ambiguous: true } : {}),
    ...(alternatives.length ? { alternatives: alternatives.slice(0, 8) } : {}),
    ...(ownMatches.length ? { matches: ownMatches } : {}),
    source: 'rules',
  };

  if (translation.promql && !parsePromQL(translation.promql).ok) {
    // A planning bug must not reach a backend: report it as an unusable translation instead.
    translation = { ...translation, confidence: 0, suggestions: [...(translation.suggestions ?? []), `internal error: generated an invalid query ${translation.promql}`], promql: '' };
  }

  if (options.llm && translation.confidence < (options.llmThreshold ?? 0.5)) {
    translation = await askLlm(question, translation, index, options);
  }

  // A question that was not understood is not part of the conversation: the next follow-up refers
  // to the last question that was.
  if (translation.promql) options.context?.remember({
    question,
    features,
    entities: matches,
    time: turn,
    intent: translation.intent,
    promql: translation.promql,
    wording,
    at: now,
  } satisfies Turn);
  return translation;
}

async function askLlm(question: string, draft: Translation, index: EntityIndex, options: TranslateOptions): Promise<Translation> {
  const snapshot = index.snapshot;
  try {
    const answer = await options.llm!.translate({
      question,
      now: options.now,
      catalog: { metrics: snapshot.metrics, namespaces: snapshot.namespaces, services: snapshot.workloads.map((w) => w.name), nodes: snapshot.nodes },
      ...(draft.promql ? { draft: { promql: draft.promql, confidence: draft.confidence } } : {}),
      history: options.context?.history().map((t) => ({ question: t.question, promql: t.promql })),
    });
    if (!answer?.promql) return draft;
    const queryType = answer.queryType ?? 'instant';
    const shape = queryType === 'range' ? { queryType, start: draft.range.start, end: draft.range.end, step: draft.range.step ?? 60 } : { queryType };
    const guard = checkGuardrails(answer.promql, shape);
    if (!guard.allowed) {
      return { ...draft, suggestions: [...(draft.suggestions ?? []), `the LLM fallback proposed \`${answer.promql}\`, refused: ${guard.violations.map((v) => v.message).join('; ')}`] };
    }
    return {
      ...draft,
      promql: answer.promql,
      queryType,
      ...(queryType === 'range' && !draft.range.step ? { range: { ...draft.range, step: 60 } } : {}),
      templateId: undefined,
      confidence: 0.6,
      explanation: answer.explanation ? `${answer.explanation} (LLM fallback)` : 'Translated by the LLM fallback; validated before use.',
      alternatives: draft.promql ? [{ promql: draft.promql, description: 'the rule-based reading' }, ...(draft.alternatives ?? [])] : draft.alternatives,
      source: 'llm',
    };
  } catch (error) {
    return { ...draft, suggestions: [...(draft.suggestions ?? []), `the LLM fallback failed: ${(error as Error).message}`] };
  }
}
