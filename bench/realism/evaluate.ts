/**
 * Runs a corpus of public queries against a Prometheus and says which return data: dashboard variables
 * resolved in order as Grafana does (falling back to a value the target has when a dropdown comes out
 * empty, so the panels are still judged), alerts without their thresholds, each query at `now`. For the
 * ones without data, which selectors match nothing and why (the metric is absent, or one of its label
 * matchers never holds): the series that would unlock the most queries.
 */
import type { MetricsBackend, QueryData } from '../../lib/prometheus/client/index.js';
import { parse, substitute, variableInstantQuery, withoutThreshold, type Corpus, type CorpusDashboard, type CorpusQuery, type Kind, type Source } from './queries.js';

export interface QueryOutcome {
  id: string;
  source: Source;
  kind: Kind;
  origin: string;
  /** The PromQL that ran (variables substituted, threshold removed). */
  ran: string;
  hasData: boolean;
  error?: string;
  /** Dashboard variables whose own query returned nothing, so a fallback value was used. */
  fallbacks?: string[];
  /** Why it returned nothing: the selectors that match no series, as blocker keys. */
  missing?: string[];
}

export interface Share {
  total: number;
  withData: number;
  share: number;
}

export interface RealismReport {
  at: string;
  prometheusUrl: string;
  corpus: { queries: number; inScope: number };
  /** Queries judged with a fallback value for a variable whose dropdown came out empty. */
  fallbacks: number;
  byKind: Record<string, Share>;
  bySource: Record<string, Share>;
  bySourceAndKind: Record<string, Share>;
  /** Blocker -> how many queries it blocks, and how many it alone blocks. */
  missing: { blocker: string; queries: number; alone: number }[];
  /** Dashboard -> variable -> value used (and whether it was a fallback). */
  variables: Record<string, Record<string, { value: string; fallback: boolean }>>;
  outcomes: QueryOutcome[];
}

/** Stand-in blocker for a query whose every selector matches series, yet the whole selects nothing. */
export const joinsOrFilters = '(every series exists; its joins or filters select nothing)';

/** Values a person picking from the dropdowns of the pet-adoption cluster would pick first. */
const preferred: Record<string, RegExp> = {
  namespace: /^petadoptions$/,
  pod: /^petsite-/,
  workload: /^petsite$/,
  deployment: /^petsite$/,
  container: /^petsite$/,
  type: /^deployment$/i,
  job: /^(kubelet|node-exporter|kube-state-metrics)$/,
};

function pick(name: string, values: string[]): string | undefined {
  const nonEmpty = values.filter((v) => v !== '');
  return nonEmpty.find((v) => preferred[name]?.test(v)) ?? nonEmpty.sort()[0];
}

const hasRows = (data: QueryData): boolean => (data.resultType === 'vector' || data.resultType === 'matrix' ? data.result.length > 0 : true);

export class RealismEvaluator {
  private readonly cache = new Map<string, Promise<{ rows: Record<string, string>[]; error?: string }>>();

  constructor(
    private readonly backend: MetricsBackend,
    private readonly concurrency = 4,
  ) {}

  private run(promql: string): Promise<{ rows: Record<string, string>[]; error?: string }> {
    let answer = this.cache.get(promql);
    if (!answer) {
      answer = this.backend.query(promql).then(
        ({ data }) => ({ rows: data.resultType === 'vector' || data.resultType === 'matrix' ? data.result.map((r) => r.metric) : hasRows(data) ? [{}] : [] }),
        (error: Error) => ({ rows: [], error: error.message }),
      );
      this.cache.set(promql, answer);
    }
    return answer;
  }

  /** Grafana's order: each variable may use the ones before it. */
  async resolveVariables(dashboard: CorpusDashboard): Promise<Record<string, { value: string; fallback: boolean }>> {
    const resolved: Record<string, { value: string; fallback: boolean }> = {};
    const values = () => Object.fromEntries(Object.entries(resolved).map(([k, v]) => [k, v.value]));
    for (const variable of dashboard.variables) {
      if (variable.type === 'datasource') {
        resolved[variable.name] = { value: 'prometheus', fallback: false };
        continue;
      }
      if (variable.type !== 'query') {
        resolved[variable.name] = { value: variable.options?.[0] ?? '', fallback: false };
        continue;
      }
      const label = variable.label;
      if (variable.expr && label) {
        const { rows } = await this.run(variableInstantQuery({ expr: substitute(variable.expr, values()), label }));
        const value = pick(variable.name, rows.map((r) => r[label] ?? ''));
        if (value !== undefined) {
          resolved[variable.name] = { value, fallback: false };
          continue;
        }
        // One cluster without a `cluster` label (an external label only, as here and on most single
        // clusters): the series exist, Grafana's hidden dropdown stays empty and queries use cluster="".
        if (variable.name === 'cluster' && rows.length) {
          resolved[variable.name] = { value: '', fallback: false };
          continue;
        }
      }
      // The dropdown is empty: a value of that label the target does have, or none (a `cluster` label
      // that only exists as an external label is empty on every query, as Grafana leaves it).
      const fallbackLabel = label ?? variable.name;
      const known = await this.backend.labelValues(fallbackLabel).then(
        (r) => r.data,
        () => [] as string[],
      );
      resolved[variable.name] = { value: pick(variable.name, known) ?? '', fallback: true };
    }
    return resolved;
  }

  /** Why a query without data has none: the blocker of each selector that matches nothing. */
  private async blockers(promql: string): Promise<string[]> {
    const parsed = parse(promql);
    const keys = new Set<string>();
    for (const selector of parsed.selectors) {
      if ((await this.run(`count(${selector.text})`)).rows.length) continue;
      if (!selector.metric) {
        keys.add(selector.text);
        continue;
      }
      if (!(await this.run(`count({__name__="${selector.metric}"})`)).rows.length) {
        keys.add(selector.metric);
        continue;
      }
      const matchers = selector.matchers.filter((m) => m.name !== '__name__');
      const failing: string[] = [];
      for (const m of matchers) {
        const text = `${m.name}${m.op}${JSON.stringify(m.value)}`;
        if (!(await this.run(`count(${selector.metric}{${text}})`)).rows.length) failing.push(text);
      }
      keys.add(`${selector.metric}{${(failing.length ? failing : matchers.map((m) => `${m.name}${m.op}${JSON.stringify(m.value)}`)).join(', ')}}`);
    }
    return keys.size ? [...keys] : [joinsOrFilters];
  }

  async evaluate(corpus: Corpus, prometheusUrl: string, options: { all?: boolean; log?: (message: string) => void } = {}): Promise<RealismReport> {
    const variables: RealismReport['variables'] = {};
    for (const dashboard of corpus.dashboards) variables[dashboard.id] = await this.resolveVariables(dashboard);
    const chosen = corpus.queries.filter((q) => options.all || q.workloadOrNode);

    const outcomes: QueryOutcome[] = new Array(chosen.length);
    let next = 0;
    const worker = async () => {
      for (let i = next++; i < chosen.length; i = next++) outcomes[i] = await this.evaluateOne(chosen[i]!, variables);
    };
    await Promise.all(Array.from({ length: this.concurrency }, worker));
    options.log?.(`${outcomes.filter((o) => o.hasData).length}/${outcomes.length} queries returned data`);

    const share = (list: QueryOutcome[]): Share => {
      const withData = list.filter((o) => o.hasData).length;
      return { total: list.length, withData, share: list.length ? withData / list.length : 0 };
    };
    const groupShare = (key: (o: QueryOutcome) => string) => {
      const groups = new Map<string, QueryOutcome[]>();
      for (const o of outcomes) groups.set(key(o), [...(groups.get(key(o)) ?? []), o]);
      return Object.fromEntries([...groups].sort(([a], [b]) => a.localeCompare(b)).map(([k, list]) => [k, share(list)]));
    };
    // A recorded series is missing because its rule's inputs are: name those, they are what unlocks it.
    // When several rules record one name (one per owner kind, per status class...), each filters on a
    // value a healthy cluster may simply not have (no StatefulSets): name only the families absent
    // outright, unless there are none.
    const recordedBy = new Map<string, string[][]>();
    for (const o of outcomes) {
      if (o.kind !== 'recording-rule' || !o.missing) continue;
      const record = o.origin.slice(o.origin.lastIndexOf('/') + 1);
      recordedBy.set(record, [...(recordedBy.get(record) ?? []), o.missing]);
    }
    const recordedNeeds = new Map<string, string[]>();
    for (const [record, lists] of recordedBy) {
      const all = [...new Set(lists.flat())];
      const absent = all.filter((key) => !key.includes('{') && !key.startsWith('('));
      recordedNeeds.set(record, lists.length > 1 && absent.length ? absent : all);
    }
    for (const o of outcomes) {
      o.missing = o.missing?.map((key) => {
        const needs = recordedNeeds.get(key.replace(/\{.*$/s, ''));
        return needs ? `${key} <= ${needs.join(' + ')}` : key;
      });
    }
    const blocked = new Map<string, { queries: number; alone: number }>();
    for (const o of outcomes) {
      for (const key of o.missing ?? []) {
        const entry = blocked.get(key) ?? { queries: 0, alone: 0 };
        entry.queries++;
        if (o.missing!.length === 1) entry.alone++;
        blocked.set(key, entry);
      }
    }
    return {
      at: new Date().toISOString(),
      prometheusUrl,
      corpus: { queries: corpus.queries.length, inScope: chosen.length },
      fallbacks: outcomes.filter((o) => o.fallbacks).length,
      byKind: groupShare((o) => o.kind),
      bySource: groupShare((o) => o.source),
      bySourceAndKind: groupShare((o) => `${o.source} ${o.kind}`),
      missing: [...blocked].map(([blocker, n]) => ({ blocker, ...n })).sort((a, b) => b.queries - a.queries || b.alone - a.alone || a.blocker.localeCompare(b.blocker)),
      variables,
      outcomes,
    };
  }

  private async evaluateOne(query: CorpusQuery, variables: RealismReport['variables']): Promise<QueryOutcome> {
    const dashboardValues = query.dashboard ? variables[query.dashboard] ?? {} : {};
    const values = Object.fromEntries(Object.entries(dashboardValues).map(([k, v]) => [k, v.value]));
    const ran =
      query.kind === 'alert' ? withoutThreshold(query.expr)
      : query.kind === 'variable' ? variableInstantQuery({ expr: substitute(query.expr, values), ...(query.label ? { label: query.label } : {}) })
      : substitute(query.expr, values);
    const { rows, error } = await this.run(ran);
    const fallbacks = Object.entries(dashboardValues)
      .filter(([name, v]) => v.fallback && new RegExp(`\\$\\{?${name}\\b|\\[\\[${name}\\b`).test(query.expr))
      .map(([name]) => name);
    const outcome: QueryOutcome = { id: query.id, source: query.source, kind: query.kind, origin: query.origin, ran, hasData: rows.length > 0, ...(error ? { error } : {}), ...(fallbacks.length ? { fallbacks } : {}) };
    if (!outcome.hasData && !error) outcome.missing = await this.blockers(ran);
    if (error) outcome.missing = [`(query fails: ${error.slice(0, 120)})`];
    return outcome;
  }
}
