/**
 * The entity index: every name the catalog knows (namespaces, services, pods, nodes, containers) under
 * its aliases ("payforadoption", "ip-192-168-27-104", "27.104", a pod's suffix, the configured
 * aliases such as "the frontend", a node's availability zone), with a trigram index so partial names
 * and typos are found among tens of thousands of label values in well under a millisecond per phrase.
 * Scores say how sure a match is: 1 for an exact name, less for an alias, a partial name, a typo or a
 * word stem found in only one name, so the resolver can prefer the better reading and flag near ties
 * as ambiguous.
 */
import { editDistance } from '../validation/index.js';
import type { AliasMap } from './aliases.js';
import { FUNCTION_WORDS, isNameCandidate, VOCABULARY } from './text.js';
import type { CatalogSnapshot, Workload } from './snapshot.js';
import type { EntityKind, EntityMatch } from './types.js';

export interface IndexedEntity {
  kind: Exclude<EntityKind, 'route' | 'metric'>;
  value: string;
  namespace?: string;
  workload?: Workload;
}

export interface Candidate {
  entity: IndexedEntity;
  score: number;
  how: EntityMatch['how'];
  /** Set when the phrase names a group of entities (the nodes of a zone): every member is meant. */
  group?: string;
  /** Found by the word-stem heuristic only (a weaker reading, for words in a name's place). */
  stem?: boolean;
}

interface Alias {
  key: string;
  entity: number;
  /** 1 for the full name; lower for derived aliases (IP fragments, pod suffixes, configured aliases). */
  weight: number;
  group?: string;
}

/** Weight of a configured alias: below an exact label value, above every partial reading. */
const ALIAS_WEIGHT = 0.97;

/** Words that say what kind of thing a name is, which people glue to it ("paymentservice", "searchapi"). */
const kindSuffix = /(?:service|svc|api|app|deployment|pods?)$/;

/** Kind words are not part of what a name says ("the adoption list service"). */
const kindWords = new Set(['service', 'services', 'svc', 'api', 'apis', 'app', 'apps', 'application', 'deployment', 'pod', 'pods', 'container', 'containers', 'workload', 'microservice']);

/** A word reduced to its stem ("payments" -> "pay", "adoptions" -> "adopt", "searching" -> "search"). */
export function stem(word: string): string {
  let w = word.toLowerCase().replace(/[^a-z0-9]/g, '');
  for (const [suffix, keep] of [['ies', 'y'], ['ments', ''], ['ment', ''], ['ations', ''], ['ation', ''], ['ions', ''], ['ion', ''], ['ings', ''], ['ing', ''], ['ers', ''], ['er', ''], ['ed', ''], ['es', ''], ['s', '']] as const) {
    if (w.endsWith(suffix) && w.length - suffix.length + keep.length >= 3 && !(suffix === 's' && w.endsWith('ss'))) {
      w = w.slice(0, w.length - suffix.length) + keep;
      break;
    }
  }
  return w;
}

/** A distinct alias spelling: names repeat across namespaces, so fuzzy search runs once per spelling. */
interface Key {
  key: string;
  aliases: number[];
}

/** Lowercase letters and digits only: "pay for adoption", "pay-for-adoption" and "PayForAdoption" meet. */
export function nameKey(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]/g, '');
}

function trigrams(key: string): string[] {
  const out: string[] = [];
  for (let i = 0; i + 3 <= key.length; i++) out.push(key.slice(i, i + 3));
  return out;
}

/**
 * Edit distance of `needle` to its best-matching substring of `hay` (free start and end in `hay`).
 * Hand-written: a local (semi-global) alignment, which no whole-string edit-distance library computes.
 */
export function substringDistance(needle: string, hay: string, max: number): number {
  const n = hay.length;
  let prev = new Array<number>(n + 1).fill(0);
  let row = new Array<number>(n + 1).fill(0);
  for (let i = 1; i <= needle.length; i++) {
    row[0] = i;
    let rowMin = i;
    for (let j = 1; j <= n; j++) {
      const cost = needle.charCodeAt(i - 1) === hay.charCodeAt(j - 1) ? 0 : 1;
      row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + cost);
      if (row[j]! < rowMin) rowMin = row[j]!;
    }
    if (rowMin > max) return max + 1;
    [prev, row] = [row, prev];
  }
  return Math.min(...prev);
}

function isSubsequence(short: string, long: string): boolean {
  let i = 0;
  for (let j = 0; j < long.length && i < short.length; j++) if (long[j] === short[i]) i++;
  return i === short.length;
}

const kindOrder: Record<IndexedEntity['kind'], number> = { service: 0, pod: 1, namespace: 2, node: 3, container: 4 };

export class EntityIndex {
  readonly entities: IndexedEntity[] = [];
  readonly nodes: string[];
  private readonly aliases: Alias[] = [];
  private readonly exact = new Map<string, number[]>();
  /** Spellings searched by partial names and typos (pods are matched exactly: people paste their names). */
  private readonly keys: Key[] = [];
  private readonly keyIds = new Map<string, number>();
  private readonly postings = new Map<string, number[]>();
  private counts = new Uint16Array(0);

  constructor(
    readonly snapshot: CatalogSnapshot,
    aliases: AliasMap = {},
  ) {
    const named = (value: string): [string, number][] => [[value, 1], ...(aliases[value] ?? []).map((a): [string, number] => [a, ALIAS_WEIGHT])];
    for (const ns of snapshot.namespaces) this.add({ kind: 'namespace', value: ns }, named(ns));
    for (const w of snapshot.workloads) this.add({ kind: 'service', value: w.name, namespace: w.namespace, workload: w }, named(w.name));
    for (const c of snapshot.containers) this.add({ kind: 'container', value: c.name, namespace: c.namespace }, named(c.name));
    for (const p of snapshot.pods) {
      const suffix = p.name.slice(p.name.lastIndexOf('-') + 1);
      this.add({ kind: 'pod', value: p.name, namespace: p.namespace }, suffix.length >= 5 && suffix !== p.name ? [[p.name, 1], [suffix, 0.9]] : [[p.name, 1]], false);
    }
    this.nodes = [...snapshot.nodes].sort();
    const nodeIds = new Map<string, number>();
    const fragmentCounts = new Map<string, number>();
    const ipOf = (node: string) => /(?:^|[^\d])(\d{1,3})[-.](\d{1,3})[-.](\d{1,3})[-.](\d{1,3})/.exec(node);
    for (const n of this.nodes) {
      const ip = ipOf(n);
      if (ip) fragmentCounts.set(`${ip[3]}.${ip[4]}`, (fragmentCounts.get(`${ip[3]}.${ip[4]}`) ?? 0) + 1);
    }
    for (const n of this.nodes) {
      const names: [string, number][] = [[n, 1], [n.split('.')[0]!, 0.98]];
      const ip = ipOf(n);
      if (ip) {
        names.push([`${ip[1]}.${ip[2]}.${ip[3]}.${ip[4]}`, 0.97]);
        if (fragmentCounts.get(`${ip[3]}.${ip[4]}`) === 1) names.push([`${ip[3]}.${ip[4]}`, 0.9]);
      }
      names.push(...(aliases[n] ?? []).map((a): [string, number] => [a, ALIAS_WEIGHT]));
      nodeIds.set(n, this.add({ kind: 'node', value: n }, names));
    }
    // "the node in us-west-2b": a zone names all its nodes. Zones differ by one letter, so never fuzzily.
    for (const z of snapshot.zones ?? []) {
      for (const n of z.nodes) {
        const id = nodeIds.get(n);
        if (id !== undefined) this.addAlias(id, z.zone, 0.96, z.zone);
      }
    }
    this.counts = new Uint16Array(this.keys.length);
  }

  /** An exact-only alias of an existing entity (a group alias when `group` is set). */
  private addAlias(entity: number, name: string, weight: number, group?: string): void {
    const key = nameKey(name);
    if (!key) return;
    const aliasId = this.aliases.push({ key, entity, weight, ...(group ? { group } : {}) }) - 1;
    const list = this.exact.get(key);
    if (list) list.push(aliasId);
    else this.exact.set(key, [aliasId]);
  }

  /** Adds an entity under its names; returns its id. */
  private add(entity: IndexedEntity, names: [string, number][], fuzzy = true): number {
    const id = this.entities.push(entity) - 1;
    const seen = new Set<string>();
    for (const [name, weight] of names) {
      const key = nameKey(name);
      if (!key || seen.has(key)) continue;
      seen.add(key);
      const aliasId = this.aliases.push({ key, entity: id, weight }) - 1;
      const list = this.exact.get(key);
      if (list) list.push(aliasId);
      else this.exact.set(key, [aliasId]);
      if (!fuzzy) continue;
      const known = this.keyIds.get(key);
      if (known !== undefined) {
        this.keys[known]!.aliases.push(aliasId);
        continue;
      }
      const keyId = this.keys.push({ key, aliases: [aliasId] }) - 1;
      this.keyIds.set(key, keyId);
      for (const g of new Set(trigrams(`^${key}$`))) {
        const p = this.postings.get(g);
        if (p) p.push(keyId);
        else this.postings.set(g, [keyId]);
      }
    }
    return id;
  }

  /** Whether `word` is exactly some entity's name or alias. */
  isName(word: string): boolean {
    return this.exact.has(nameKey(word));
  }

  /**
   * Entities a phrase may name, best first. `strict` (for phrases of several words) only accepts
   * exact names, near-complete partial names and whole-name typos.
   */
  lookup(phrase: string, strict = false): Candidate[] {
    const found = this.lookupKey(nameKey(phrase), strict);
    if (found.length && found[0]!.score >= 0.75) return found;
    // "paymentservice", "searchapi": a name with the kind of thing glued to it.
    const bare = /\s/.test(phrase) ? '' : nameKey(phrase).replace(kindSuffix, '');
    if (bare.length >= 4 && bare !== nameKey(phrase)) {
      const again = this.lookupKey(bare, strict).map((c) => ({ ...c, score: c.score * 0.98 }));
      if (again.length && again[0]!.score > (found[0]?.score ?? 0)) return again;
    }
    const stems = this.byStems(phrase);
    if (stems.length && stems[0]!.score > (found[0]?.score ?? 0)) return [...stems, ...found.filter((f) => !stems.some((x) => x.entity === f.entity))];
    return found;
  }

  /**
   * The generic heuristic for descriptive words: the names that contain the stem of every word of the
   * phrase ("adoption list" -> petlistadoptions, "dns" -> coredns). Trusted only when a single name
   * (in any namespace) contains them all; several are a guess and score too low to be taken.
   */
  private byStems(phrase: string): Candidate[] {
    const words = phrase.split(/\s+/);
    // Every word must say something about the name: no kind words ("pods"), no domain or function words.
    // Nouns name things; verb forms ("serving", "failed") are not read as names by their stems.
    if (words.length > 3 || words.some((w) => kindWords.has(w) || VOCABULARY.has(w) || FUNCTION_WORDS.has(w) || /(?:ing|ed)$/.test(w) || (words.length === 1 && !isNameCandidate(w)))) return [];
    const stems = words.map(stem);
    if (stems.some((st) => st.length < 3 || VOCABULARY.has(st))) return [];
    const hits = this.keys.filter((k) => k.key.length > 3 && stems.every((st) => k.key.includes(st)));
    const entities = new Map<number, number>();
    for (const k of hits) {
      for (const aliasId of k.aliases) {
        const alias = this.aliases[aliasId]!;
        const e = this.entities[alias.entity]!;
        // Label values only: not pods (matched exactly), not derived or configured aliases.
        if (e.kind === 'pod' || alias.weight < 1) continue;
        const covered = stems.reduce((n, st) => n + st.length, 0) / k.key.length;
        entities.set(alias.entity, Math.max(entities.get(alias.entity) ?? 0, covered));
      }
    }
    const values = new Set([...entities.keys()].map((id) => this.entities[id]!.value));
    const unique = values.size === 1;
    return [...entities.entries()]
      .map(([id, covered]) => ({ entity: this.entities[id]!, score: (unique ? 0.76 : 0.55) + 0.1 * covered, how: 'partial' as const, stem: true }))
      .sort((a, b) => b.score - a.score || kindOrder[a.entity.kind] - kindOrder[b.entity.kind]);
  }

  private lookupKey(key: string, strict: boolean): Candidate[] {
    const best = new Map<number, Candidate>();
    const offer = (aliasId: number, score: number, how: Candidate['how']) => {
      const alias = this.aliases[aliasId]!;
      const s = score * alias.weight;
      const current = best.get(alias.entity);
      if (!current || current.score < s) {
        best.set(alias.entity, { entity: this.entities[alias.entity]!, score: s, how: alias.weight < 1 && how === 'exact' ? 'alias' : how, ...(alias.group ? { group: alias.group } : {}) });
      }
    };
    for (const id of this.exact.get(key) ?? []) offer(id, 1, 'exact');
    // Exactly a label value: partial and typo readings could only be rivals, and an exact name has none.
    const exactName = [...best.values()].some((c) => c.how === 'exact' && c.score === 1);
    if (key.length >= 4 && !exactName) {
      const grams = trigrams(`^${key}$`);
      const maxTypo = key.length >= 8 ? 2 : key.length >= 5 ? 1 : 0;
      const touched: number[] = [];
      // `whole`: the phrase is the name with a typo or two, not a part of it.
      const keyScores: { id: number; score: number; how: Candidate['how']; whole?: boolean }[] = [];
      for (const g of new Set(grams)) {
        for (const id of this.postings.get(g) ?? []) {
          if (this.counts[id] === 0) touched.push(id);
          this.counts[id]!++;
        }
      }
      const inner = new Set(trigrams(key)).size;
      for (const id of touched) {
        const shared = this.counts[id]!;
        this.counts[id] = 0;
        const candidate = this.keys[id]!;
        const offerAll = (score: number, how: Candidate['how'], whole = false) => {
          keyScores.push({ id, score, how, whole });
        };
        const name = candidate.key;
        if (name === key) continue;
        const coverage = key.length / name.length;
        if (name.includes(key) && (!strict || coverage >= 0.7)) {
          const edge = name.startsWith(key) || name.endsWith(key) ? 0.05 : 0;
          offerAll(Math.min(0.95, 0.55 + 0.4 * coverage + edge), 'partial');
          continue;
        }
        // An edit changes up to three trigrams, a swap of neighbours ("serach") four: allow one swap.
        if (maxTypo > 0 && shared >= grams.length - 3 * maxTypo - 1 && Math.abs(name.length - key.length) <= maxTypo) {
          const d = editDistance(key, name, maxTypo);
          if (d <= maxTypo) {
            offerAll(0.92 - 0.08 * d, 'typo', true);
            continue;
          }
        }
        // Letters added or left out along the way ("paymentforadoption", "petlstadoptions").
        if (key.length >= 8 && name.length >= 8) {
          const [short, long] = key.length < name.length ? [key, name] : [name, key];
          const extra = long.length - short.length;
          if (extra > 0 && extra <= Math.max(2, Math.floor(0.3 * short.length)) && isSubsequence(short, long) && long.startsWith(short.slice(0, 3))) {
            offerAll(0.84 - 0.02 * extra, 'typo');
            continue;
          }
        }
        if (!strict && key.length >= 6 && name.length > key.length && shared >= Math.max(2, inner - 3)) {
          const d = substringDistance(key, name, 1);
          if (d <= 1) offerAll(0.5 + 0.35 * coverage - 0.08 * d, 'typo');
        }
      }
      // Expand the best spellings to their entities; a name shared by many namespaces is many entities.
      keyScores.sort((a, b) => b.score - a.score);
      for (const k of keyScores) {
        if (best.size >= 24) break;
        for (const aliasId of this.keys[k.id]!.aliases) {
          // Configured aliases are phrases people say whole: a typo of one counts, a part of one does not.
          if (!k.whole && this.aliases[aliasId]!.weight === ALIAS_WEIGHT) continue;
          offer(aliasId, k.score, k.how);
        }
      }
    }
    return [...best.values()].sort((a, b) => b.score - a.score || kindOrder[a.entity.kind] - kindOrder[b.entity.kind] || a.entity.value.localeCompare(b.entity.value));
  }

  /** Names closest to a word that matched nothing well enough, for "did you mean ...". */
  closestNames(word: string, max = 3): string[] {
    const key = nameKey(word);
    if (key.length < 4) return [];
    const scored: { name: string; d: number }[] = [];
    // One check per distinct spelling (names repeat across namespaces; pods are not suggested).
    for (const candidate of this.keys) {
      const name = candidate.key;
      let prefix = 0;
      while (prefix < Math.min(name.length, key.length) && name[prefix] === key[prefix]) prefix++;
      // A shared beginning ("payment" / "payforadoption") counts as much as a close spelling.
      let d = prefix >= 3 ? max - Math.min(prefix - 2, 2) : max + 1;
      if (d > 1 && Math.abs(name.length - key.length) <= max) d = Math.min(d, editDistance(key, name, max));
      if (d > 1 && name.length > key.length) d = Math.min(d, substringDistance(key, name, max) + 1);
      if (d <= max) {
        for (const aliasId of candidate.aliases) {
          const e = this.entities[this.aliases[aliasId]!.entity]!;
          if (e.kind !== 'pod') scored.push({ name: e.value, d });
        }
      }
    }
    return [...new Set(scored.sort((a, b) => a.d - b.d).map((s) => s.name))].slice(0, 3);
  }
}
