/**
 * The entity index: every name the catalog knows (namespaces, services, pods, nodes, containers) under
 * its aliases ("payforadoption", "ip-192-168-27-104", "27.104", a pod's suffix), with a trigram index
 * so partial names and typos are found among tens of thousands of label values in well under a
 * millisecond per phrase. Scores say how sure a match is: 1 for an exact name, less for a partial
 * name or a typo, so the resolver can prefer the better reading and flag near ties as ambiguous.
 */
import { editDistance } from '../validation/index.js';
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
}

interface Alias {
  key: string;
  entity: number;
  /** 1 for the full name; lower for derived aliases (IP fragments, pod suffixes). */
  weight: number;
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

/** Edit distance of `needle` to its best-matching substring of `hay` (free start and end in `hay`). */
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

  constructor(readonly snapshot: CatalogSnapshot) {
    for (const ns of snapshot.namespaces) this.add({ kind: 'namespace', value: ns }, [[ns, 1]]);
    for (const w of snapshot.workloads) this.add({ kind: 'service', value: w.name, namespace: w.namespace, workload: w }, [[w.name, 1]]);
    for (const c of snapshot.containers) this.add({ kind: 'container', value: c.name, namespace: c.namespace }, [[c.name, 1]]);
    for (const p of snapshot.pods) {
      const suffix = p.name.slice(p.name.lastIndexOf('-') + 1);
      this.add({ kind: 'pod', value: p.name, namespace: p.namespace }, suffix.length >= 5 && suffix !== p.name ? [[p.name, 1], [suffix, 0.9]] : [[p.name, 1]], false);
    }
    this.nodes = [...snapshot.nodes].sort();
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
      this.add({ kind: 'node', value: n }, names);
    }
    this.counts = new Uint16Array(this.keys.length);
  }

  private add(entity: IndexedEntity, names: [string, number][], fuzzy = true): void {
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
    const key = nameKey(phrase);
    const best = new Map<number, Candidate>();
    const offer = (aliasId: number, score: number, how: Candidate['how']) => {
      const alias = this.aliases[aliasId]!;
      const s = score * alias.weight;
      const current = best.get(alias.entity);
      if (!current || current.score < s) best.set(alias.entity, { entity: this.entities[alias.entity]!, score: s, how: alias.weight < 1 && how === 'exact' ? 'alias' : how });
    };
    for (const id of this.exact.get(key) ?? []) offer(id, 1, 'exact');
    if (key.length >= 4) {
      const grams = trigrams(`^${key}$`);
      const maxTypo = key.length >= 8 ? 2 : key.length >= 5 ? 1 : 0;
      const touched: number[] = [];
      const keyScores: { id: number; score: number; how: Candidate['how'] }[] = [];
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
        const offerAll = (score: number, how: Candidate['how']) => {
          keyScores.push({ id, score, how });
        };
        const name = candidate.key;
        if (name === key) continue;
        const coverage = key.length / name.length;
        if (name.includes(key) && (!strict || coverage >= 0.7)) {
          const edge = name.startsWith(key) || name.endsWith(key) ? 0.05 : 0;
          offerAll(Math.min(0.95, 0.55 + 0.4 * coverage + edge), 'partial');
          continue;
        }
        if (maxTypo > 0 && shared >= grams.length - 3 * maxTypo && Math.abs(name.length - key.length) <= maxTypo) {
          const d = editDistance(key, name, maxTypo);
          if (d <= maxTypo) {
            offerAll(0.92 - 0.08 * d, 'typo');
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
        for (const aliasId of this.keys[k.id]!.aliases) offer(aliasId, k.score, k.how);
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
