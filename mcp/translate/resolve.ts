/**
 * Entity resolution: finds the names in a question ("petsearh", "pay for adoption", "the frontend",
 * "node 27.104", "the node in us-west-2b", "/Search", "the Search page", "container_memory_rss") and
 * resolves them against the catalog, choosing among overlapping readings by score and flagging near
 * ties as ambiguous ("adoption" could be payforadoption or petlistadoptions). Domain words that are
 * also names ("history") count only where a name stands.
 */
import { editDistance } from '../validation/index.js';
import { nameKey, type EntityIndex, type IndexedEntity, type Candidate } from './entity-index.js';
import { FUNCTION_WORDS, isNameCandidate, VOCABULARY, type Token } from './text.js';
import type { RouteRef } from './snapshot.js';
import type { EntityKind, EntityMatch } from './types.js';

export interface ResolvedMatch extends EntityMatch {
  from: number;
  to: number;
  entity?: IndexedEntity;
  /** For routes: the service whose route it is. */
  service?: string;
}

export interface Ambiguity {
  text: string;
  options: EntityMatch[];
}

export interface Resolution {
  matches: ResolvedMatch[];
  ambiguities: Ambiguity[];
  /** "did you mean ..." for names that matched nothing. */
  suggestions: string[];
  /** Words that look like names but matched nothing. */
  unknown: string[];
}

/** Words that say which kind of entity the name next to them is. */
const kindCues: Record<string, EntityKind> = {
  namespace: 'namespace', namespaces: 'namespace', ns: 'namespace',
  service: 'service', services: 'service', svc: 'service', deployment: 'service', deployments: 'service', app: 'service', application: 'service',
  workload: 'service', microservice: 'service', daemonset: 'service', api: 'service',
  pod: 'pod', pods: 'pod',
  node: 'node', nodes: 'node', host: 'node', instance: 'node', worker: 'node', machine: 'node',
  container: 'container', containers: 'container',
};

const ordinals: Record<string, number> = { first: 1, '1st': 1, second: 2, '2nd': 2, third: 3, '3rd': 3, fourth: 4, '4th': 4, fifth: 5, '5th': 5, one: 1, two: 2, three: 3, four: 4, five: 5 };

interface Span {
  from: number;
  to: number;
}

function overlaps(a: Span, spans: Span[]): boolean {
  return spans.some((s) => a.from < s.to && s.from < a.to);
}

export function resolveEntities(text: string, tokens: Token[], index: EntityIndex, excluded: Span[] = []): Resolution {
  const out: Resolution = { matches: [], ambiguities: [], suggestions: [], unknown: [] };
  const free = tokens.filter((t) => !overlaps(t, excluded));
  const taken: Span[] = [...excluded];
  const accept = (m: ResolvedMatch) => {
    out.matches.push(m);
    taken.push(m);
  };

  // Metric names and routes are spelled, not described: they only come from tokens that look like them.
  const metrics = index.snapshot.metrics;
  for (const t of free) {
    if (!/^[a-z_:][a-z0-9_:]*$/.test(t.text) || !t.text.includes('_') || t.text.length < 5) continue;
    const exact = metrics.find((m) => m.toLowerCase() === t.text);
    if (exact) {
      accept({ kind: 'metric', value: exact, text: t.text, score: 1, how: 'exact', from: t.from, to: t.to });
      continue;
    }
    const scored = metrics
      .map((m) => ({ m, d: m.startsWith(t.text) ? 0.5 : editDistance(t.text, m, 3) }))
      .filter((x) => x.d <= 3)
      .sort((a, b) => a.d - b.d);
    if (scored[0] && scored[0].d <= 2) {
      accept({ kind: 'metric', value: scored[0].m, text: t.text, score: 0.9 - 0.05 * scored[0].d, how: scored[0].d === 0.5 ? 'partial' : 'typo', from: t.from, to: t.to });
    } else {
      out.unknown.push(t.text);
      if (scored.length) out.suggestions.push(`did you mean the metric ${scored.slice(0, 3).map((x) => x.m).join(' or ')}?`);
    }
  }
  for (const t of free) {
    if (!t.text.startsWith('/') || overlaps(t, taken)) continue;
    const routes = index.snapshot.routes;
    let found = routes.filter((r) => r.route.toLowerCase() === t.text || r.route.toLowerCase() === `${t.text}/`);
    let how: EntityMatch['how'] = 'exact';
    if (found.length === 0) {
      found = routes.filter((r) => r.route.toLowerCase().replace(/\/$/, '').endsWith(t.text.replace(/\/$/, '')) || editDistance(r.route.toLowerCase(), t.text, 1) <= 1);
      how = 'partial';
    }
    for (const r of found) accept({ kind: 'route', value: r.route, text: t.text, score: how === 'exact' ? 1 : 0.8, how, service: r.service, from: t.from, to: t.to });
    if (found.length === 0) out.unknown.push(t.text);
  }

  // "node 2", "the second node": by position among the sorted node names.
  const ordinal = /\b(?:node\s*(?:#|number\s*|no\.?\s*)?(\d)|(first|second|third|fourth|fifth|1st|2nd|3rd|4th|5th)\s+node)\b/g;
  let om: RegExpExecArray | null;
  while ((om = ordinal.exec(text)) !== null) {
    const span = { from: om.index, to: om.index + om[0].length };
    if (overlaps(span, taken)) continue;
    const n = om[1] ? Number(om[1]) : ordinals[om[2]!]!;
    const node = index.nodes[n - 1];
    if (node) accept({ kind: 'node', value: node, text: om[0], score: 0.75, how: 'ordinal', entity: { kind: 'node', value: node }, ...span });
  }

  // Routes named in words next to "page", "route", "endpoint" ("the Search page", "the take me home route").
  for (const m of routesInWords(tokens.filter((t) => !overlaps(t, taken)), text, index)) accept(m);

  // Names: phrases of one to four words, best readings first, no overlaps.
  interface Reading {
    span: Span;
    text: string;
    words: number;
    candidates: Candidate[];
    /** A domain word used as a name ("history" for pethistory): taken only if nothing else names a service. */
    soft: boolean;
  }
  const readings: Reading[] = [];
  const open = free.filter((t) => !overlaps(t, taken));
  const at = (t: Token) => tokens.indexOf(t);
  for (let i = 0; i < open.length; i++) {
    for (let n = 1; n <= 4 && i + n <= open.length; n++) {
      const words = open.slice(i, i + n);
      // Only consecutive words of the question form a phrase.
      if (words.some((w, k) => k > 0 && text.slice(words[k - 1]!.to, w.from).trim() !== '')) break;
      const ipFragment = n === 1 && /^\d+(\.\d+)+$/.test(words[0]!.text);
      const vocabularyWord = n === 1 && VOCABULARY.has(words[0]!.text);
      // A domain word right before "service"/"app"/"api" may be (part of) a name: "the history service".
      const nextCue = kindCues[tokens[at(words[0]!) + 1]?.text ?? ''];
      const cuedWord = vocabularyWord && !!nextCue && nextCue !== 'pod';
      if (n === 1 && !isNameCandidate(words[0]!.text) && !ipFragment && !vocabularyWord) continue;
      if (n > 1 && (FUNCTION_WORDS.has(words[0]!.text) || FUNCTION_WORDS.has(words[n - 1]!.text))) continue;
      // Domain words only name something when they are exactly its name or alias ("metrics server", "history").
      const onlyDomainWords = vocabularyWord || (n > 1 && !words.some((w) => isNameCandidate(w.text)));
      const phrase = words.map((w) => w.text).join(' ');
      let candidates = index.lookup(phrase, n > 1);
      if (candidates.length === 0) continue;
      if (onlyDomainWords && candidates[0]!.how !== 'exact' && candidates[0]!.how !== 'alias' && !(cuedWord && candidates[0]!.score >= 0.78)) continue;
      const beforeIndex = at(words[0]!) - 1;
      const before = tokens[beforeIndex]?.text;
      const after = tokens[at(words[n - 1]!) + 1]?.text;
      // A kind word before a name counts when it starts the name ("service petsite"), not when it ends another ("search api serve").
      const beforeCue = before && kindCues[before] && !isNameCandidate(tokens[beforeIndex - 1]?.text ?? '') ? kindCues[before] : undefined;
      const cue = (after && kindCues[after]) || beforeCue;
      const raw = candidates[0]!.score;
      if (cue) {
        const fits = (c: Candidate) => c.entity.kind === cue || (cue === 'service' && c.entity.kind === 'container');
        // "<service> pods" names the pods of a service, so a pod cue never counts against other kinds.
        candidates = candidates
          .map((c) => ({ ...c, score: fits(c) ? Math.min(1, c.score + 0.08) : cue === 'pod' ? c.score : c.score * 0.9 }))
          .sort((a, b) => b.score - a.score);
      }
      const best = candidates[0]!;
      // One word that is only a small part of a name ("serve" in metrics-server) is not enough, cue or not.
      const exactish = best.how === 'exact' || best.how === 'alias';
      const threshold = exactish ? 0 : ipFragment ? 2 : cuedWord ? 0.78 : 0.75;
      if (best.score < threshold || (!exactish && n === 1 && raw < 0.7)) continue;
      // A word found only by its stem must stand where a name stands: "the dns pods", "payment service",
      // "dns latency" (first word, before a domain word), not "is petsearch serving".
      const opensQuestion = before === undefined && !!after && VOCABULARY.has(after);
      if (best.stem && n === 1 && !cue && !nameSlot.test(before ?? '') && !opensQuestion) continue;
      // A name spread over words ("list adoptions") beats the partial reading of one of them ("adoptions").
      if (n > 1) candidates = candidates.map((c) => ({ ...c, score: Math.min(1, c.score + 0.08 * (n - 1)) }));
      const soft = vocabularyWord && !cuedWord;
      readings.push({ span: { from: words[0]!.from, to: words[n - 1]!.to }, text: text.slice(words[0]!.from, words[n - 1]!.to), words: n, candidates, soft });
    }
  }
  readings.sort((a, b) => b.candidates[0]!.score - a.candidates[0]!.score || b.words - a.words);
  const resolveReading = (r: Reading) => {
    const best = r.candidates[0]!;
    // A zone names every node in it.
    if (best.group) {
      for (const c of r.candidates.filter((x) => x.group === best.group)) {
        accept({ kind: c.entity.kind, value: c.entity.value, text: r.text, score: c.score, how: c.how, entity: c.entity, ...r.span });
      }
      return;
    }
    // A part of several names ("adoption") is ambiguous even when one name fits a little better.
    const margin = best.how === 'partial' ? 0.15 : 0.05;
    const rivals = r.candidates.filter((c) => c !== best && c.entity.value !== best.entity.value && c.score >= best.score - margin && best.how !== 'exact' && best.how !== 'alias');
    const match: ResolvedMatch = {
      kind: best.entity.kind,
      value: best.entity.value,
      text: r.text,
      score: best.score,
      how: best.how,
      ...(best.entity.namespace ? { namespace: best.entity.namespace } : {}),
      entity: best.entity,
      ...r.span,
    };
    accept(match);
    if (rivals.length > 0) {
      const options = [best, ...rivals].map((c) => ({ kind: c.entity.kind, value: c.entity.value, text: r.text, score: c.score, how: c.how, ...(c.entity.namespace ? { namespace: c.entity.namespace } : {}) }));
      out.ambiguities.push({ text: r.text, options });
      out.suggestions.push(`"${r.text}" could be ${options.map((o) => `${o.kind} ${o.value}`).join(' or ')}; name it fully to be sure`);
    }
  };
  for (const r of readings) if (!r.soft && !overlaps(r.span, taken)) resolveReading(r);
  // "error rate of history": a domain word is a name only when nothing else names a workload, and it
  // is not read as the domain word ("restart history", "history of memory").
  const named = () => out.matches.some((m) => m.kind === 'service' || m.kind === 'container' || m.kind === 'pod' || m.kind === 'route');
  // Named beside another workload ("search and history", "history vs search") it is one of a list.
  const coordinated = (i: number) => {
    const service = (t: Token | undefined) => !!t && out.matches.some((m) => (m.kind === 'service' || m.kind === 'container') && overlaps(t, [m]));
    return (/^(?:and|or|vs|versus)$/.test(tokens[i - 1]?.text ?? '') && service(tokens[i - 2])) || (/^(?:and|or|vs|versus)$/.test(tokens[i + 1]?.text ?? '') && service(tokens[i + 2]));
  };
  for (const r of readings) {
    if (!r.soft || overlaps(r.span, taken)) continue;
    const i = tokens.findIndex((t) => t.from === r.span.from);
    if (named() && !coordinated(i)) continue;
    const previous = tokens[i - 1]?.text;
    const next = tokens[i + 1]?.text;
    if ((previous && VOCABULARY.has(previous)) || next === 'of') continue;
    resolveReading(r);
  }

  // Words that look like names (next to "service", "pod"..., or with digits and dashes) but matched nothing.
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (overlaps(t, taken) || !isNameCandidate(t.text) || t.text.length < 4 || t.text.startsWith('/')) continue;
    // Only a singular kind word names the word beside it ("service petstore", "petstore service"); "services combined" does not.
    const singular = (w: string | undefined) => (w && (w === 'ns' || !/s$/.test(w)) ? kindCues[w] : undefined);
    // A kind word that is part of a name already read ("the search api serve") names nothing else.
    const cueAt = (j: number) => (tokens[j] && !overlaps(tokens[j], out.matches) ? singular(tokens[j].text) : undefined);
    const cued = cueAt(i - 1) || cueAt(i + 1);
    const looksLikeName = /[-\d]/.test(t.text) && /[a-z]/.test(t.text) && !/^\d/.test(t.text);
    if (!cued && !looksLikeName) continue;
    out.unknown.push(t.text);
    const near = index.closestNames(t.text);
    out.suggestions.push(near.length ? `no ${cued ?? 'entity'} named "${t.text}"; did you mean ${near.join(' or ')}?` : `no ${cued ?? 'entity'} named "${t.text}" in the catalog`);
  }
  // Routes named in words can be several services' ("search"): the service the question names decides.
  const services = new Set(out.matches.filter((m) => m.kind === 'service' || m.kind === 'container').map((m) => m.value));
  const routeMatches = out.matches.filter((m) => m.kind === 'route');
  const ofNamed = routeMatches.filter((r) => r.service && services.has(r.service));
  if (ofNamed.length && ofNamed.length < routeMatches.length) out.matches = out.matches.filter((m) => m.kind !== 'route' || ofNamed.includes(m));
  out.matches.sort((a, b) => a.from - b.from);
  return out;
}

/** Words after which a name is expected ("of the dns", "for payments"). */
const nameSlot = /^(?:the|of|for|on|in|to|from|about|my|our|your|its|their|this|that)$/;

interface RouteKey extends RouteRef {
  /** nameKey of the route's last segment ("/Adoption/TakeMeHome" -> "takemehome") and of all of it. */
  last: string;
  whole: string;
}

const routeKeys = new WeakMap<EntityIndex, RouteKey[]>();

/** The routes of an index with their keys, computed once per index. */
function routeKeysOf(index: EntityIndex): RouteKey[] {
  let keyed = routeKeys.get(index);
  if (!keyed) {
    keyed = index.snapshot.routes.map((r) => {
      const segments = r.route.split('/').filter(Boolean);
      return { ...r, last: nameKey(segments[segments.length - 1] ?? ''), whole: nameKey(r.route) };
    });
    routeKeys.set(index, keyed);
  }
  return keyed;
}

/** Words that say the words before them name an HTTP route. */
const routeCue = /^(?:page|pages|route|routes|endpoint|endpoints|path|url|handler)$/;

/**
 * "the Search page", "the take me home route": the words before a route word, matched against the
 * last segment of the known routes (or the whole route), longest phrase first.
 */
function routesInWords(tokens: Token[], text: string, index: EntityIndex): ResolvedMatch[] {
  const keyed = routeKeysOf(index);
  if (keyed.length === 0) return [];
  const out: ResolvedMatch[] = [];
  for (let j = 1; j < tokens.length; j++) {
    if (!routeCue.test(tokens[j]!.text)) continue;
    for (let k = Math.min(4, j); k >= 1; k--) {
      const words = tokens.slice(j - k, j);
      if (FUNCTION_WORDS.has(words[0]!.text) || words.some((w, i) => i > 0 && text.slice(words[i - 1]!.to, w.from).trim() !== '')) continue;
      if (k === 1 && (VOCABULARY.has(words[0]!.text) || !isNameCandidate(words[0]!.text))) continue;
      const key = nameKey(words.map((w) => w.text).join(''));
      if (key.length < 3) continue;
      const found = keyed.filter((r) => r.last === key || r.whole === key);
      if (found.length === 0) continue;
      for (const r of found) out.push({ kind: 'route', value: r.route, text: text.slice(words[0]!.from, words[k - 1]!.to), score: 0.85, how: 'partial', service: r.service, from: words[0]!.from, to: words[k - 1]!.to });
      break;
    }
  }
  return out;
}
