/**
 * Questions that name a metric ("show container_memory_rss for petsite"): the metric itself, narrowed
 * by the entities it has labels for, counters as per-second rates.
 */
import { labelMatcher, oneOf, regexAlternation, selector as promqlSelector } from '../../lib/prometheus/promql.js';
import { formatDuration } from '../../core/duration.js';
import type { TurnTime } from './context.js';
import type { Features } from './features.js';
import { withOffset } from './rewrite.js';
import { unique, type Sets } from './subjects.js';

export function metricQuery(metric: string, f: Features, s: Sets, time: TurnTime): string {
  // Names come from the backend's label values: data, escaped like any value that enters PromQL.
  const matchers: string[] = [];
  const ns = unique([...s.namespaces.map((n) => n.value), ...s.services.map((e) => e.namespace)]);
  const services = unique(s.services.map((e) => e.value));
  if (ns.length && !metric.startsWith('node_') && !metric.startsWith('http_') && !metric.startsWith('kube_node')) matchers.push(oneOf('namespace', ns));
  if (services.length) {
    if (metric.startsWith('http_')) matchers.push(oneOf('service', services));
    else if (metric.startsWith('kube_deployment')) matchers.push(oneOf('deployment', services));
    else if (metric.startsWith('container_network') || /^kube_pod_(?!container)/.test(metric)) matchers.push(labelMatcher('pod', '=~', `(${regexAlternation(services)})-.*`));
    else matchers.push(oneOf('container', services));
  }
  const pods = unique(s.pods.map((e) => e.value));
  if (pods.length) matchers.push(oneOf('pod', pods));
  const nodes = unique(s.nodes.map((e) => e.value));
  if (nodes.length) matchers.push(oneOf('node', nodes));
  // cAdvisor also reports pod cgroups and sandboxes (container="") and the node's root cgroup (no pod):
  // leave them out unless a container is named, as the kubernetes-mixin queries do.
  if (metric.startsWith('container_network')) {
    if (!services.length && !pods.length) matchers.push('pod!=""');
  } else if (metric.startsWith('container_') && !services.length) matchers.push('container!=""');
  const selector = promqlSelector(metric, matchers);
  const counter = /_total$|_count$|_sum$|_bucket$/.test(metric);
  const window = time.windowMs > 0 && !f.trend ? formatDuration(time.windowMs) : '5m';
  let expr = counter ? `rate(${selector}[${window}])` : selector;
  const by = f.group ? { pod: 'pod', service: metric.startsWith('http_') ? 'service' : 'container', node: 'node', namespace: 'namespace', route: 'route', code: 'code', method: 'method' }[f.group] : undefined;
  if (by) expr = `sum by (${by}) (${expr})`;
  else if (f.total || f.clusterWide) expr = `sum(${expr})`;
  if (time.offsetMs > 0 && !f.trend) expr = withOffset(expr, formatDuration(time.offsetMs));
  if (f.rank) expr = `${f.rank.direction === 'top' ? 'topk' : 'bottomk'}(${f.rank.n}, ${expr})`;
  return expr;
}
