/**
 * Natural language in: `translate_query` (question -> PromQL, nothing runs), `ask` (question ->
 * PromQL -> run -> answer with insights) and `suggest_queries` (from the template library). The
 * session's conversation context makes follow-ups work ("and for petsearch?").
 */
import { z } from 'zod';
import { analyse, type Insights, type ResultView } from '../insights/index.js';
import type { Translation } from '../server/ports.js';
import type { ToolContext } from './context.js';
import { ToolError } from './errors.js';
import { answerText, withEmptyHints } from './query.js';
import { lookupFor, runInstant, runRange } from './runner.js';
import { insights, range, resultView } from './schemas.js';
import { iso } from './time.js';
import { defineTool, localOnly, readsMetrics } from './tool.js';

const question = z.string().min(1).max(2000).describe('A question about the cluster\'s metrics, e.g. "which pods in petadoptions are closest to their memory limit?"');

const translationShape = {
  promql: z.string().describe('The PromQL the question translates to'),
  intent: z.string().describe('What kind of question it is: current value, trend, top N, ratio of limit, latency percentile, error rate...'),
  entities: z.record(z.string(), z.unknown()).describe('Resolved names: service, pod, namespace, node, container, metric'),
  range,
  queryType: z.enum(['instant', 'range']).describe('Instant (a value now) or range (values over time)'),
  templateId: z.string().optional().describe('Template of the library the query came from'),
  confidence: z.number().describe('0..1; below 0.5 the translation is a guess'),
  explanation: z.string().describe('Why this PromQL answers the question'),
  suggestions: z.array(z.string()).optional().describe('"Did you mean" suggestions or better phrasings'),
  ambiguous: z.boolean().optional().describe('True when the question could mean several things (see alternatives)'),
  alternatives: z.array(z.looseObject({ promql: z.string(), explanation: z.string().optional() })).optional().describe('Other readings of the question'),
};

async function translateQuestion(ctx: ToolContext, text: string): Promise<Translation> {
  const translator = ctx.services.translator;
  if (!translator) {
    throw new ToolError('not_available', 'natural-language translation is not available in this server build', 'write the PromQL yourself and use execute_query or execute_range_query; suggest_queries lists ready-made queries');
  }
  // "now" on the same 15 s grid as execute_query: the same question asked twice shares an instant (and the cache).
  const resolution = ctx.settings.nowResolutionMs;
  const now = resolution > 0 ? Math.floor(ctx.clock.now() / resolution) * resolution : ctx.clock.now();
  const translation = await translator.translate(text, { now, context: ctx.session.context, catalog: ctx.services.catalog });
  if (!translation.promql) {
    const hint = translation.suggestions?.length ? `try: ${translation.suggestions.join('; ')}` : 'name a metric, service, pod or node and what you want to know (current value, trend, top N, errors, latency)';
    throw new ToolError('not_found', `could not translate "${text}" to PromQL: ${translation.explanation}`, hint);
  }
  return translation;
}

function structuredTranslation(t: Translation) {
  return {
    promql: t.promql,
    intent: t.intent,
    entities: t.entities,
    range: { start: iso(t.range.start), end: iso(t.range.end), ...(t.range.step ? { step: t.range.step / 1000 } : {}), description: t.range.description },
    queryType: t.queryType,
    ...(t.templateId ? { templateId: t.templateId } : {}),
    confidence: t.confidence,
    explanation: t.explanation,
    ...(t.suggestions?.length ? { suggestions: t.suggestions } : {}),
    ...(t.ambiguous ? { ambiguous: true } : {}),
    ...(t.alternatives?.length ? { alternatives: t.alternatives } : {}),
  };
}

function translationText(t: Translation): string {
  const lines = [`PromQL (${t.queryType}, ${t.range.description}): \`${t.promql}\``, `Intent: ${t.intent}; confidence ${Math.round(t.confidence * 100)}%. ${t.explanation}`];
  if (t.ambiguous && t.alternatives?.length) lines.push(`Ambiguous; alternatives: ${t.alternatives.map((a) => `\`${a.promql}\``).join(', ')}`);
  if (t.suggestions?.length) lines.push(`Suggestions: ${t.suggestions.join('; ')}`);
  return lines.join('\n');
}

export const translateQuery = defineTool({
  name: 'translate_query',
  title: 'Translate a question to PromQL',
  description:
    'Turns a natural-language question about cluster metrics into PromQL with its intent, resolved entities and time range, without running it. Follow-ups in the same session reuse earlier entities ("and for petsearch?", "same for the last 6 hours").',
  annotations: localOnly,
  input: { question },
  output: translationShape,
  async run(args, ctx) {
    const t = await translateQuestion(ctx, args.question);
    return { structured: structuredTranslation(t), text: translationText(t) };
  },
});

export const ask = defineTool({
  name: 'ask',
  title: 'Answer a question about cluster metrics',
  description:
    'Answers a natural-language question: translates it to PromQL, runs it, and returns a capped, readable answer with statistics, trend, limit breaches, comparison with an hour (or day) before, anomalies and a Grafana link. Follow-ups in the same session reuse context.',
  annotations: readsMetrics,
  input: { question },
  output: {
    ...translationShape,
    result: resultView,
    insights,
    warnings: z.array(z.string()).describe('Warnings from Prometheus'),
  },
  async run(args, ctx) {
    await ctx.progress?.(0, 3, 'translating the question');
    const t = await translateQuestion(ctx, args.question);
    await ctx.progress?.(1, 3, `running ${t.promql}`);
    let data;
    let warnings: string[];
    let when: { time?: number; range?: { start: number; end: number; step: number } };
    if (t.queryType === 'range') {
      const step = t.range.step ?? Math.max(15_000, Math.round((t.range.end - t.range.start) / 240 / 15_000) * 15_000);
      const run = await runRange({ ...ctx, progress: undefined }, 'ask', t.promql, t.range.start, t.range.end, step, args.question);
      data = run.data;
      warnings = run.warnings;
      when = { range: { start: run.start, end: run.end, step } };
    } else {
      const run = await runInstant(ctx, 'ask', t.promql, t.time ?? t.range.end, args.question);
      data = run.data;
      warnings = run.warnings;
      when = { time: run.time };
    }
    await ctx.progress?.(2, 3, 'summarising the answer');
    // A comparison question compares in its own PromQL (offset); others get the default baseline window.
    const comparesItself = t.intent === 'comparison' || /\boffset\b/.test(t.promql);
    const baseline = t.compareWith ?? (t.queryType === 'instant' && !comparesItself ? ctx.settings.defaultBaseline : undefined);
    const { view, insights: found } = await analyse({
      query: t.promql,
      data,
      ...when,
      budget: ctx.settings.budget,
      order: t.order,
      lookup: lookupFor(ctx, 'ask'),
      ...(baseline ? { baseline } : {}),
      grafana: ctx.settings.grafana,
    });
    await withEmptyHints(ctx, t.promql, view, found);
    await ctx.progress?.(3, 3, 'done');
    return {
      structured: { ...structuredTranslation(t), result: view, insights: found, warnings },
      text: askText(args.question, t, view, found, warnings),
    };
  },
});

function askText(q: string, t: Translation, view: ResultView, found: Insights, warnings: string[]): string {
  return `Q: ${q}\n${translationText(t)}\n\n${answerText('Answer', view, found, warnings)}`;
}

export const suggestQueries = defineTool({
  name: 'suggest_queries',
  title: 'Suggest queries from the template library',
  description:
    'Suggests ready-made PromQL for a topic (cpu, memory, latency, errors, restarts, network, node...) and optionally an entity (a service, pod or node name filled into the templates), each with what it shows and an example question.',
  annotations: localOnly,
  input: {
    topic: z.string().max(200).optional().describe('What to investigate: cpu, memory, latency, errors, restarts, throttling, network, node, disk... or free text'),
    entity: z.string().max(253).optional().describe('A service, deployment, pod, container, namespace or node name to fill into the templates'),
    limit: z.number().int().min(1).max(50).optional().describe('Most suggestions to return (default 8)'),
  },
  output: {
    suggestions: z
      .array(z.looseObject({ templateId: z.string(), title: z.string(), description: z.string(), promql: z.string(), example: z.string().optional(), queryType: z.string().optional() }))
      .describe('Queries to run, best match first'),
    total: z.number().describe('Templates matching the topic'),
  },
  async run(args, ctx) {
    const library = ctx.services.templates;
    if (!library) throw new ToolError('not_available', 'the template library is not available in this server build', 'use list_metrics and execute_query directly');
    const words = (args.topic ?? '').toLowerCase().split(/[^a-z0-9_]+/).filter((w) => w.length > 1);
    const scored = library
      .list()
      .map((t) => ({ t, score: words.length === 0 ? 1 : score(words, t.tags, `${t.id} ${t.title ?? ''} ${t.description} ${t.examples.join(' ')}`) }))
      .filter((x) => x.score > 0)
      .sort((a, b) => b.score - a.score);
    if (scored.length === 0) {
      const topics = [...new Set(library.list().flatMap((t) => t.tags))].sort();
      throw new ToolError('not_found', `no template matches "${args.topic}"`, `topics the library knows: ${topics.join(', ')}`);
    }
    const params = args.entity ? await entityParams(ctx, args.entity) : {};
    const suggestions = scored
      .flatMap(({ t }) => {
        let promql: string;
        try {
          promql = library.render(t.id, params);
        } catch {
          return []; // a template needing something the entity does not give (a node for a service)
        }
        const title = (t.title ?? t.id).replace(/\$\{(\w+)\}/g, (_, name: string) => (params[name] === undefined ? name : [params[name]].flat().join(', ')));
        return [{ templateId: t.id, title, description: t.description, promql, ...(t.examples[0] ? { example: t.examples[0] } : {}), ...(t.queryType ? { queryType: t.queryType } : {}) }];
      })
      .slice(0, args.limit ?? 8);
    return {
      structured: { suggestions, total: scored.length },
      text: suggestions.map((s, i) => `${i + 1}. ${s.title}: ${s.description}\n   \`${s.promql}\``).join('\n'),
    };
  },
});

function score(words: string[], tags: string[], text: string): number {
  const haystack = text.toLowerCase();
  return words.reduce((s, w) => s + (tags.some((t) => t.toLowerCase() === w) ? 3 : 0) + (haystack.includes(w) ? 1 : 0), 0);
}

/** Which template parameters an entity fills: it is looked up among the label values it could be. */
async function entityParams(ctx: ToolContext, entity: string): Promise<Record<string, string | string[]>> {
  const params: Record<string, string | string[]> = {};
  const labels = ['service', 'container', 'namespace', 'node', 'pod'];
  const values = new Map(
    await Promise.all(
      labels.map(async (label): Promise<[string, string[]]> => {
        try {
          return [label, ctx.services.catalog ? await ctx.services.catalog.labelValues(label) : (await ctx.backend.labelValues(label, { signal: ctx.signal })).data];
        } catch {
          return [label, []];
        }
      }),
    ),
  );
  for (const label of labels) if (values.get(label)!.includes(entity)) params[label] = entity;
  // A service of the kit is also its deployment, app label and container name, and names its pods.
  if (params.service || params.container) {
    for (const alias of ['service', 'deployment', 'app', 'container']) params[alias] ??= entity;
    const pods = values.get('pod')!.filter((p) => p.startsWith(`${entity}-`));
    if (pods.length && !params.pod) params.pod = pods;
  }
  if (Object.keys(params).length === 0) params.service = entity;
  return params;
}
