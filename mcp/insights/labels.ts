/**
 * Series names for people: labels shared by every series are said once ("namespace=petadoptions"),
 * and each series is named by what distinguishes it ("pod=petsearch-7d9f").
 */
import type { Labels } from '../../lib/prometheus/series.js';

export type { Labels };

/** Labels with the same value in every series (all of them when there is one series). */
export function commonLabels(all: readonly Labels[]): Labels {
  if (all.length === 0) return {};
  const [first, ...rest] = all;
  const common: Labels = {};
  for (const [k, v] of Object.entries(first!)) {
    if (rest.every((l) => l[k] === v)) common[k] = v;
  }
  return common;
}

/**
 * The fewest labels, most telling first, that still tell every series apart: a pod name already
 * implies its node and instance, so `{pod="petsearch-7d9f"}` says enough. At most `max` labels.
 */
export function distinguishingKeys(all: readonly Labels[], common: Labels, max: number): string[] {
  const candidates = [...new Set(all.flatMap((l) => Object.keys(l)))].filter((k) => !(k in common)).sort(byImportance);
  const chosen: string[] = [];
  const tuple = (l: Labels) => JSON.stringify(chosen.map((k) => l[k] ?? null));
  for (const k of candidates) {
    if (chosen.length >= max) break;
    if (chosen.length > 0 && new Set(all.map(tuple)).size === all.length) break;
    const before = new Set(all.map(tuple)).size;
    chosen.push(k);
    // Keep a label only if it tells more series apart than the ones chosen before it.
    if (new Set(all.map(tuple)).size === before && chosen.length > 1) chosen.pop();
  }
  return chosen;
}

export function pick(labels: Labels, keys: readonly string[]): Labels {
  const out: Labels = {};
  for (const k of keys) if (labels[k] !== undefined) out[k] = labels[k]!;
  return out;
}

/** All labels of a lone series, most telling first, at most `max`. */
export function leading(labels: Labels, max: number): Labels {
  return pick(labels, Object.keys(labels).sort(byImportance).slice(0, max));
}

// Kubernetes identities first: those are what an on-call reads to find the culprit.
const order = ['__name__', 'namespace', 'service', 'deployment', 'pod', 'container', 'node', 'route', 'code', 'reason', 'resource', 'condition', 'status', 'le', 'mode'];
function byImportance(a: string, b: string): number {
  const ia = order.indexOf(a);
  const ib = order.indexOf(b);
  return (ia < 0 ? order.length : ia) - (ib < 0 ? order.length : ib) || a.localeCompare(b);
}

/** `name{a="x", b="y"}`, or `{a="x"}` without a name, or the fallback when there are no labels at all. */
export function seriesName(labels: Labels, fallback = '{}'): string {
  const { __name__: name, ...rest } = labels;
  const pairs = Object.keys(rest).sort(byImportance).map((k) => `${k}="${rest[k]}"`);
  if (!name && pairs.length === 0) return fallback;
  return `${name ?? ''}${pairs.length ? `{${pairs.join(', ')}}` : ''}`;
}
