/**
 * Threshold breaches: a container's working set against its memory limit, its CPU against its CPU
 * limit (found by looking up the matching `kube_pod_container_resource_limits` series), and any
 * ratio or percentage that is already "of a limit" against 90% / 100%.
 */
import { labelMatcher, regexAlternation } from '../../lib/prometheus/promql.js';
import type { InstantSample } from '../../lib/prometheus/client/index.js';
import { seriesName, type Labels } from './labels.js';
import { round } from './stats.js';
import { formatValue, type Unit } from './units.js';
import { sampleValue } from '../../lib/prometheus/series.js';

export type BreachSeverity = 'warning' | 'critical';

export interface Breach {
  series: string;
  labels: Labels;
  value: number;
  /** The limit in the value's unit; 1 for ratios, 100 for percentages. */
  limit: number;
  /** value / limit. */
  utilisation: number;
  severity: BreachSeverity;
  description: string;
}

export interface BreachOptions {
  /** Utilisation from which a series is reported (default 0.9). */
  warnAt?: number;
  /** Utilisation from which it is critical (default 1.0, and for OOM-prone memory 0.97). */
  criticalAt?: number;
}

/** Runs an instant query for the limits; the caller's backend, cache and cancellation apply. */
export type LimitLookup = (promql: string) => Promise<InstantSample[]>;

export interface ResourceRule {
  resource: 'memory' | 'cpu';
  unit: Unit;
  matches: (query: string) => boolean;
}

export const resourceRules: readonly ResourceRule[] = [
  { resource: 'memory', unit: 'bytes', matches: (q) => /\bcontainer_memory_(?:working_set_bytes|rss|usage_bytes)\b/.test(q) && !/\//.test(q) },
  { resource: 'cpu', unit: 'cores', matches: (q) => /\bcontainer_cpu_usage_seconds_total\b/.test(q) && /\brate\s*\(/.test(q) && !/\//.test(q) },
];

export interface CurrentValue {
  labels: Labels;
  value: number;
  /** How the answer names the series; its full label set when absent. */
  name?: string;
}

export async function findBreaches(query: string, unit: Unit, current: readonly CurrentValue[], lookup: LimitLookup, options: BreachOptions = {}): Promise<Breach[]> {
  const warnAt = options.warnAt ?? 0.9;
  const criticalAt = options.criticalAt ?? 1;
  if (unit === 'ratio' || unit === 'percent') {
    const limit = unit === 'ratio' ? 1 : 100;
    return rank(current.flatMap((c) => judge(c, limit, unit, warnAt, criticalAt)));
  }
  const rule = resourceRules.find((r) => r.unit === unit && r.matches(query));
  const withPods = current.filter((c) => c.labels.pod && c.labels.namespace);
  if (!rule || withPods.length === 0) return [];
  const namespaces = [...new Set(withPods.map((c) => c.labels.namespace!))];
  // Namespaces come from the answer's labels: data, escaped like any value that enters PromQL.
  const selector = `kube_pod_container_resource_limits{${labelMatcher('resource', '=', rule.resource)},${labelMatcher('namespace', '=~', regexAlternation(namespaces))}}`;
  const limits = await lookup(selector);
  const byContainer = new Map<string, number>();
  const byPod = new Map<string, number>();
  for (const l of limits) {
    const v = l.value ? sampleValue(l.value[1]) : NaN;
    if (!Number.isFinite(v) || v <= 0) continue;
    const { namespace, pod, container } = l.metric;
    byContainer.set(key(namespace, pod, container), v);
    byPod.set(key(namespace, pod), (byPod.get(key(namespace, pod)) ?? 0) + v);
  }
  const breaches: Breach[] = [];
  for (const c of withPods) {
    const { namespace, pod, container } = c.labels;
    // A series per container joins on the container; a pod total joins on the sum of its limits.
    const limit = container ? byContainer.get(key(namespace, pod, container)) : byPod.get(key(namespace, pod));
    if (limit === undefined) continue;
    breaches.push(...judge(c, limit, unit, warnAt, criticalAt));
  }
  return rank(breaches);
}

function judge(c: CurrentValue, limit: number, unit: Unit, warnAt: number, criticalAt: number): Breach[] {
  if (!Number.isFinite(c.value)) return [];
  const utilisation = c.value / limit;
  if (utilisation < warnAt) return [];
  const severity: BreachSeverity = utilisation >= criticalAt ? 'critical' : 'warning';
  const name = c.name ?? seriesName(c.labels);
  const of = unit === 'ratio' || unit === 'percent' ? 'of its limit' : `of its ${formatValue(limit, unit)} limit`;
  return [
    {
      series: name,
      labels: c.labels,
      value: round(c.value),
      limit: round(limit),
      utilisation: round(utilisation, 4),
      severity,
      description: `${name} is at ${Math.round(utilisation * 100)}% ${of}${severity === 'critical' ? ' (at or over the limit)' : ''}`,
    },
  ];
}

function rank(breaches: Breach[]): Breach[] {
  return breaches.sort((a, b) => b.utilisation - a.utilisation);
}

function key(...parts: (string | undefined)[]): string {
  return parts.map((p) => p ?? '').join('\u0000');
}
