/**
 * The label catalog port: what the translator knows of the live data (label values, metric names), so
 * "petsearh" resolves to a pod's real service and "node 27.104" to a real node. Two adapters: one over
 * a MetricsBackend with a TTL cache (refreshed in the background, so translations never wait on a
 * stale entry), and a static one over a list of series for tests.
 */
import type { MetricsBackend } from '../../lib/prometheus/client/port.js';
import { parsePromQL } from '../validation/index.js';
import type { LabelMatcher } from '../validation/index.js';

export interface LabelCatalog {
  /** Values of `label`, optionally only on series matching any of the selectors in `match`. */
  labelValues(label: string, match?: string[]): Promise<string[]>;
  metricNames(): Promise<string[]>;
  /**
   * Changes whenever the catalog's content may have changed, so derived indexes can be kept until
   * then. Catalogs without it are re-read on every translation.
   */
  readonly generation?: number;
}

export interface BackendCatalogOptions {
  /** How long values are served before being refreshed (default 60 s). */
  ttlMs?: number;
  /** Only label values seen within this window count (default 1 h), so deleted pods drop out. */
  lookbackMs?: number;
  /** Clock for the lookback window (default Date.now). */
  now?: () => number;
}

interface Entry {
  values: string[];
  fetchedAt: number;
  refreshing?: Promise<void>;
}

/** A catalog over a backend's label-values API, cached per (label, match) with a TTL. */
export function catalogFromBackend(backend: MetricsBackend, options: BackendCatalogOptions = {}): LabelCatalog {
  const ttlMs = options.ttlMs ?? 60_000;
  const lookbackMs = options.lookbackMs ?? 3_600_000;
  const now = options.now ?? Date.now;
  const cache = new Map<string, Entry>();
  const inflight = new Map<string, Promise<string[]>>();
  let generation = 0;

  const fetchValues = async (label: string, match?: string[]): Promise<string[]> => {
    const t = now();
    const res = await backend.labelValues(label, { match, start: new Date(t - lookbackMs), end: new Date(t) });
    return [...res.data].sort();
  };

  const load = (key: string, label: string, match?: string[]): Promise<string[]> => {
    const pending = inflight.get(key);
    if (pending) return pending;
    const p = fetchValues(label, match)
      .then((values) => {
        const previous = cache.get(key);
        if (!previous || previous.values.join('\n') !== values.join('\n')) generation++;
        cache.set(key, { values, fetchedAt: now() });
        return values;
      })
      .finally(() => inflight.delete(key));
    inflight.set(key, p);
    return p;
  };

  const get = async (label: string, match?: string[]): Promise<string[]> => {
    const key = `${label}\u0000${(match ?? []).join('\u0000')}`;
    const entry = cache.get(key);
    if (!entry) return load(key, label, match);
    if (now() - entry.fetchedAt > ttlMs && !entry.refreshing) {
      // Serve the stale values now and refresh behind them; a failed refresh keeps them.
      entry.refreshing = load(key, label, match)
        .then(() => undefined, () => undefined)
        .finally(() => {
          entry.refreshing = undefined;
        });
    }
    return entry.values;
  };

  return {
    labelValues: (label, match) => get(label, match),
    metricNames: () => get('__name__'),
    get generation() {
      return generation;
    },
  };
}

function matchesSeries(labels: Record<string, string>, metric: string | undefined, matchers: LabelMatcher[]): boolean {
  if (metric !== undefined && labels.__name__ !== metric) return false;
  return matchers.every((m) => {
    const value = labels[m.name] ?? '';
    switch (m.op) {
      case '=':
        return value === m.value;
      case '!=':
        return value !== m.value;
      case '=~':
        return new RegExp(`^(?:${m.value})$`).test(value);
      case '!~':
        return !new RegExp(`^(?:${m.value})$`).test(value);
    }
  });
}

/** A catalog over a fixed list of series (label sets with `__name__`), for tests and offline use. */
export function staticCatalog(series: Record<string, string>[]): LabelCatalog {
  const selectors = new Map<string, { metric?: string; matchers: LabelMatcher[] }>();
  const selector = (text: string) => {
    let parsed = selectors.get(text);
    if (!parsed) {
      const result = parsePromQL(text);
      const s = result.selectors[0];
      if (!result.ok || !s) throw new Error(`invalid match[] selector ${text}: ${result.error?.message}`);
      parsed = { metric: s.metric, matchers: s.matchers.filter((m) => !(m.name === '__name__' && m.op === '=')) };
      selectors.set(text, parsed);
    }
    return parsed;
  };
  return {
    generation: 0,
    async labelValues(label, match) {
      const filters = (match ?? []).map(selector);
      const values = new Set<string>();
      for (const s of series) {
        const v = s[label];
        if (v === undefined || v === '') continue;
        if (filters.length === 0 || filters.some((f) => matchesSeries(s, f.metric, f.matchers))) values.add(v);
      }
      return [...values].sort();
    },
    async metricNames() {
      return [...new Set(series.map((s) => s.__name__).filter((n): n is string => !!n))].sort();
    },
  };
}
