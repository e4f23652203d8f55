/**
 * Entity resolution: finds the names in a question ("petsearh", "pay for adoption", "node 27.104",
 * "/Search", "container_memory_rss") and resolves them against the catalog, choosing among
 * overlapping readings by score and flagging near ties as ambiguous ("adoption" could be
 * payforadoption or petlistadoptions).
 */
import { editDistance } from '../validation/index.js';
import type { EntityIndex, IndexedEntity, Candidate } from './entity-index.js';
import { FUNCTION_WORDS, isNameCandidate, VOCABULARY, type Token } from './text.js';
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

  // Names: phrases of one to four words, best readings first, no overlaps.
  interface Reading {
    span: Span;
    text: string;
    words: number;
    candidates: Candidate[];
  }
  const readings: Reading[] = [];
  const open = free.filter((t) => !overlaps(t, taken));
  for (let i = 0; i < open.length; i++) {
    for (let n = 1; n <= 4 && i + n <= open.length; n++) {
      const words = open.slice(i, i + n);
      // Only consecutive words of the question form a phrase.
      if (words.some((w, k) => k > 0 && text.slice(words[k - 1]!.to, w.from).trim() !== '')) break;
      const ipFragment = n === 1 && /^\d+(\.\d+)+$/.test(words[0]!.text);
      // A domain word right before "service"/"app"/"pod" may be (part of) a name: "the history service".
      const cuedWord = n === 1 && VOCABULARY.has(words[0]!.text) && !!kindCues[tokens[tokens.indexOf(words[0]!) + 1]?.text ?? ''] && kindCues[tokens[tokens.indexOf(words[0]!) + 1]!.text] !== 'pod';
      if (n === 1 && !isNameCandidate(words[0]!.text) && !ipFragment && !cuedWord) continue;
      if (n > 1 && (FUNCTION_WORDS.has(words[0]!.text) || FUNCTION_WORDS.has(words[n - 1]!.text) || !words.some((w) => isNameCandidate(w.text)))) continue;
      const phrase = words.map((w) => w.text).join(' ');
      let candidates = index.lookup(phrase, n > 1);
      if (candidates.length === 0) continue;
      const before = tokens[tokens.indexOf(words[0]!) - 1]?.text;
      const after = tokens[tokens.indexOf(words[n - 1]!) + 1]?.text;
      const cue = (after && kindCues[after]) || (before && kindCues[before]);
      if (cue) {
        const fits = (c: Candidate) => c.entity.kind === cue || (cue === 'service' && c.entity.kind === 'container');
        // "<service> pods" names the pods of a service, so a pod cue never counts against other kinds.
        candidates = candidates
          .map((c) => ({ ...c, score: fits(c) ? Math.min(1, c.score + 0.08) : cue === 'pod' ? c.score : c.score * 0.9 }))
          .sort((a, b) => b.score - a.score);
      }
      const best = candidates[0]!;
      // One word that is only a small part of a name ("serve" in metrics-server) is not enough.
      const threshold = best.how === 'exact' || best.how === 'alias' ? (cuedWord ? 2 : 0) : ipFragment ? 2 : cuedWord ? 0.78 : 0.75;
      if (best.score < threshold) continue;
      // A name spread over words ("list adoptions") beats the partial reading of one of them ("adoptions").
      if (n > 1) candidates = candidates.map((c) => ({ ...c, score: Math.min(1, c.score + 0.08 * (n - 1)) }));
      readings.push({ span: { from: words[0]!.from, to: words[n - 1]!.to }, text: text.slice(words[0]!.from, words[n - 1]!.to), words: n, candidates });
    }
  }
  readings.sort((a, b) => b.candidates[0]!.score - a.candidates[0]!.score || b.words - a.words);
  for (const r of readings) {
    if (overlaps(r.span, taken)) continue;
    const best = r.candidates[0]!;
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
  }

  // Words that look like names (next to "service", "pod"..., or with digits and dashes) but matched nothing.
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (overlaps(t, taken) || !isNameCandidate(t.text) || t.text.length < 4 || t.text.startsWith('/')) continue;
    // Only a singular kind word names the word beside it ("service petstore", "petstore service"); "services combined" does not.
    const singular = (w: string | undefined) => (w && (w === 'ns' || !/s$/.test(w)) ? kindCues[w] : undefined);
    const cued = singular(tokens[i - 1]?.text) || singular(tokens[i + 1]?.text);
    const looksLikeName = /[-\d]/.test(t.text) && /[a-z]/.test(t.text) && !/^\d/.test(t.text);
    if (!cued && !looksLikeName) continue;
    out.unknown.push(t.text);
    const near = index.closestNames(t.text);
    out.suggestions.push(near.length ? `no ${cued ?? 'entity'} named "${t.text}"; did you mean ${near.join(' or ')}?` : `no ${cued ?? 'entity'} named "${t.text}" in the catalog`);
  }
  out.matches.sort((a, b) => a.from - b.from);
  return out;
}
