/**
 * Follow-up PromQL an investigator would type next, for the series an anomaly was found in: the raw
 * series around it, its rate of change, its limit, its history a day and a week ago, and the
 * Kubernetes signals that usually explain that kind of anomaly.
 */
import { labelMatcher, selector } from '../promql.js';
import type { AnomalyKind, SeriesContext } from './types.js';

/** `metric{a="x",b="y"}` with label values escaped the PromQL way; `__name__` is dropped. */
export function selectorOf(metric: string, labels: Record<string, string> = {}): string {
  const matchers = Object.entries(labels)
    .filter(([k]) => k !== '__name__')
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => labelMatcher(k, '=', v));
  return selector(metric, matchers, ',');
}

function pick(labels: Record<string, string>, keys: string[]): Record<string, string> {
  const picked: Record<string, string> = {};
  for (const k of keys) if (labels[k] !== undefined) picked[k] = labels[k]!;
  return picked;
}

/** Follow-up queries for an anomaly of `kind`; empty when neither a metric nor a query is known. */
export function followUpQueries(kind: AnomalyKind, context: SeriesContext): string[] {
  const metric = context.metric;
  if (!metric) return context.query ? expressionFollowUps(kind, context.query) : [];
  const labels = context.labels ?? {};
  const series = selectorOf(metric, labels);
  const isCounter = /_total$|_count$|_sum$|_bucket$/.test(metric);
  const value = isCounter ? `rate(${series}[5m])` : series;
  const ago = (offset: string) => (isCounter ? `rate(${series}[5m] offset ${offset})` : `${series} offset ${offset}`);
  const queries: string[] = [];

  switch (kind) {
    case 'growth':
      queries.push(isCounter ? `deriv(${value}[30m:])` : `deriv(${series}[15m])`);
      queries.push(isCounter ? `predict_linear(${value}[30m:], 3600)` : `predict_linear(${series}[30m], 3600)`);
      break;
    case 'seasonal-deviation':
      queries.push(`${value} / ${ago('1w')}`);
      queries.push(ago('1d'));
      break;
    case 'level-shift':
      queries.push(`avg_over_time(${value}[30m${isCounter ? ':' : ''}]) - avg_over_time(${value}[30m${isCounter ? ':' : ''}] offset 30m)`);
      break;
    default:
      queries.push(isCounter ? value : `max_over_time(${series}[1h])`);
      queries.push(`quantile_over_time(0.99, ${isCounter ? `${value}[1d:5m]` : `${series}[1d]`})`);
  }

  // Signals from the Kubernetes side that usually explain an anomaly in a container's metrics.
  if (labels.pod !== undefined && labels.namespace !== undefined) {
    const pod = pick(labels, ['namespace', 'pod', 'container']);
    if (/^container_memory_/.test(metric)) {
      queries.push(selectorOf('kube_pod_container_resource_limits', { ...pod, resource: 'memory' }));
      queries.push(`${series} / on(namespace,pod,container) ${selectorOf('kube_pod_container_resource_limits', { ...pod, resource: 'memory' })}`);
    }
    if (/^container_cpu_/.test(metric)) {
      queries.push(
        `rate(${selectorOf('container_cpu_cfs_throttled_periods_total', pod)}[5m]) / rate(${selectorOf('container_cpu_cfs_periods_total', pod)}[5m])`,
      );
    }
    queries.push(`increase(${selectorOf('kube_pod_container_status_restarts_total', pod)}[1h])`);
    queries.push(selectorOf('kube_pod_container_status_last_terminated_reason', pod));
  } else if (labels.service !== undefined && /^http_/.test(metric)) {
    const service = pick(labels, ['service']);
    queries.push(`sum by (code) (rate(${selectorOf('http_requests_total', service)}[5m]))`);
    queries.push(`histogram_quantile(0.99, sum by (le) (rate(${selectorOf('http_request_duration_seconds_bucket', service)}[5m])))`);
  } else if (labels.node !== undefined) {
    queries.push(selectorOf('kube_node_status_condition', { node: labels.node, status: 'true' }));
  }
  return [...new Set(queries)];
}

/** For a series that is an expression (`rate(...)`, `sum by ...`): look at it over time and a week ago. */
function expressionFollowUps(kind: AnomalyKind, query: string): string[] {
  const q = `(${query.trim()})`;
  if (kind === 'growth') return [`deriv(${q}[15m:1m])`, `predict_linear(${q}[30m:1m], 3600)`];
  const weekAgo = `last_over_time(${q}[5m:1m] offset 1w)`;
  if (kind === 'seasonal-deviation') return [`${q} / ${weekAgo}`, `last_over_time(${q}[5m:1m] offset 1d)`];
  return [`max_over_time(${q}[1h:1m])`, weekAgo];
}
