/**
 * Named PromQL checks: each a question with its threshold inside the query (so only breaching series
 * come back, whatever the MCP server's result cap), the finding kind a breach is, and what each result
 * series is about. Only DESIGN.md metric names with the labels cAdvisor, kube-state-metrics and
 * node-exporter put on them, so the checks hold on EKS as on the local target. Adding a check is
 * adding an entry.
 */
import type { ResourceRef, Severity } from '../../core/types.js';
import { FindingKind as K } from '../analysis/finding-kinds.js';
import { deploymentOfPod } from '../analysis/targets.js';
import { durationOr } from '../../core/duration.js';
import { promqlDuration, promqlStringContent } from '../evidence/promql.js';

export interface CheckScope {
  namespace: string;
  /** Rate window, e.g. "5m". */
  rate: string;
}

export interface MetricCheck {
  name: string;
  finding: string;
  severity: Severity;
  description: string;
  query(scope: CheckScope): string;
  /** How a value reads in a summary. */
  format(value: number): string;
  /** Only a breach still going on at the end of the window counts (states that matter only now). */
  currentOnly?: boolean;
}

export interface AnomalyScan {
  name: string;
  finding: string;
  description: string;
  query(scope: CheckScope): string;
}

const c = '{namespace="$ns", container!="", container!="POD"}';
const byContainer = 'namespace, pod, container';
const memoryLimit = `max by (${byContainer}) (kube_pod_container_resource_limits{namespace="$ns", resource="memory", unit="byte"} > 0)`;
const cpuLimit = `max by (${byContainer}) (kube_pod_container_resource_limits{namespace="$ns", resource="cpu"} > 0)`;
const workingSet = `max by (${byContainer}) (container_memory_working_set_bytes${c})`;
const throttleRatio = `sum by (${byContainer}) (increase(container_cpu_cfs_throttled_periods_total${c}[$rate])) / sum by (${byContainer}) (increase(container_cpu_cfs_periods_total${c}[$rate]))`;
const p99 = 'histogram_quantile(0.99, sum by (namespace, service, le) (rate(http_request_duration_seconds_bucket{namespace="$ns"}[$rate])))';
const errorRatio = 'sum by (namespace, service) (rate(http_requests_total{namespace="$ns", code=~"5.."}[$rate])) / sum by (namespace, service) (rate(http_requests_total{namespace="$ns"}[$rate]))';
const restarts = `max by (${byContainer}) (increase(kube_pod_container_status_restarts_total{namespace="$ns"}[$rate]))`;

/**
 * How far ahead a growing working set counts. A slope over a short window is mostly noise far out: at
 * 5m, 30 minutes (six windows) is a trend; at 30 s (the local fast profile) the same 30 minutes would
 * turn a few MiB of ordinary wobble into "reaches the limit", so the horizon shrinks with the window.
 */
export function growthHorizonSeconds(rate: string): number {
  return Math.min(1800, Math.round((6 * durationOr(rate, 5 * 60_000)) / 1000));
}

/**
 * The check's query for a scope. `$ns` only ever stands inside a double-quoted matcher value, so the
 * namespace is string-escaped (a valid name is unchanged); `$rate` stands bare, so it must be a duration.
 */
function fill(query: string, scope: CheckScope): string {
  return query.replaceAll('$ns', promqlStringContent(scope.namespace)).replaceAll('$rate', promqlDuration(scope.rate));
}

const pct = (v: number) => `${Math.round(v * 100)}%`;
const seconds = (v: number) => (v >= 1 ? `${v.toFixed(2)} s` : `${Math.round(v * 1000)} ms`);
const count = (v: number) => String(Math.round(v * 10) / 10);

export const metricChecks: MetricCheck[] = [
  {
    name: 'memory-near-limit',
    finding: K.memoryNearLimit,
    severity: 'warning',
    description: 'working set above 85% of the memory limit',
    query: (s) => fill(`${workingSet}\n/ on (${byContainer}) group_left ()\n${memoryLimit}\n> 0.85`, s),
    format: pct,
  },
  {
    name: 'memory-growing',
    finding: K.memoryGrowing,
    severity: 'warning',
    description: 'working set growing fast enough to reach the limit within six rate windows, at most 30 minutes (seconds to the limit)',
    query: (s) => fill(`(\n  ${memoryLimit}\n  - on (${byContainer}) ${workingSet}\n)\n/ on (${byContainer})\n(max by (${byContainer}) (deriv(container_memory_working_set_bytes${c}[$rate])) > 0)\n< ${growthHorizonSeconds(s.rate)}`, s),
    format: (v) => `${Math.round(v)} s to the limit`,
  },
  {
    name: 'oom-killed',
    finding: K.oomKilled,
    severity: 'critical',
    description: 'restarted containers whose last termination was the OOM killer',
    query: (s) => fill(`max by (${byContainer}) (kube_pod_container_status_last_terminated_reason{namespace="$ns", reason="OOMKilled"}) == 1\nand on (${byContainer}) ${restarts} > 0`, s),
    format: () => 'OOMKilled',
  },
  {
    name: 'container-error-exit',
    finding: K.containerErrorExit,
    severity: 'critical',
    description: 'restarted containers whose last termination was an error exit',
    query: (s) => fill(`max by (${byContainer}) (kube_pod_container_status_last_terminated_reason{namespace="$ns", reason="Error"}) == 1\nand on (${byContainer}) ${restarts} > 0`, s),
    format: () => 'exited with an error',
  },
  {
    name: 'crash-loop-backoff',
    finding: K.crashLoopBackoff,
    severity: 'critical',
    description: 'containers waiting in CrashLoopBackOff',
    query: (s) => fill(`max by (${byContainer}) (kube_pod_container_status_waiting_reason{namespace="$ns", reason="CrashLoopBackOff"}) == 1`, s),
    format: () => 'CrashLoopBackOff',
  },
  {
    name: 'image-pull-failure',
    finding: K.imagePullFailure,
    severity: 'critical',
    description: 'containers that cannot pull their image',
    query: (s) => fill(`max by (${byContainer}) (kube_pod_container_status_waiting_reason{namespace="$ns", reason=~"ErrImagePull|ImagePullBackOff"}) == 1`, s),
    format: () => 'ImagePullBackOff',
  },
  {
    name: 'container-restarts',
    finding: K.containerRestarts,
    severity: 'warning',
    description: 'containers restarted within the rate window',
    query: (s) => fill(`${restarts} >= 1`, s),
    format: (v) => `${count(v)} restarts`,
  },
  {
    name: 'cpu-throttled',
    finding: K.cpuThrottled,
    severity: 'warning',
    description: 'share of CPU periods throttled above 25%',
    query: (s) => fill(`${throttleRatio} > 0.25`, s),
    format: (v) => `throttled in ${pct(v)} of CPU periods`,
  },
  {
    name: 'cpu-near-limit',
    finding: K.cpuNearLimit,
    severity: 'warning',
    description: 'CPU use above 80% of the CPU limit',
    query: (s) => fill(`sum by (${byContainer}) (rate(container_cpu_usage_seconds_total${c}[$rate]))\n/ on (${byContainer}) group_left ()\n${cpuLimit}\n> 0.8`, s),
    format: (v) => `${pct(v)} of the CPU limit`,
  },
  {
    name: 'high-latency',
    finding: K.highLatency,
    severity: 'warning',
    description: 'p99 request latency above 500 ms (with traffic)',
    query: (s) => fill(`${p99} > 0.5\nand on (namespace, service) sum by (namespace, service) (rate(http_request_duration_seconds_count{namespace="$ns"}[$rate])) > 0.1`, s),
    format: (v) => `p99 ${seconds(v)}`,
  },
  {
    // The absence of slowness, measured: a service blamed for its callers' latency that answers fast
    // itself points at the path between them.
    name: 'service-responsive',
    finding: K.serviceResponsive,
    severity: 'info',
    description: 'p99 of the service\'s own requests under 250 ms (it answers fast itself)',
    currentOnly: true,
    query: (s) => fill(`${p99} < 0.25\nand on (namespace, service) sum by (namespace, service) (rate(http_request_duration_seconds_count{namespace="$ns"}[$rate])) > 0.1`, s),
    format: (v) => `p99 ${seconds(v)}`,
  },
  {
    name: 'high-error-rate',
    finding: K.highErrorRate,
    severity: 'warning',
    description: 'more than 5% of requests answered 5xx',
    query: (s) => fill(`${errorRatio} > 0.05`, s),
    format: (v) => `${pct(v)} 5xx`,
  },
  {
    name: 'replicas-unavailable',
    finding: K.replicasUnavailable,
    severity: 'warning',
    description: 'deployments with fewer available replicas than desired',
    query: (s) => fill('(\n  max by (namespace, deployment) (kube_deployment_spec_replicas{namespace="$ns"})\n  - max by (namespace, deployment) (kube_deployment_status_replicas_available{namespace="$ns"})\n) > 0', s),
    format: (v) => `${count(v)} replica(s) unavailable`,
  },
  {
    name: 'pod-evicted',
    finding: K.podEvicted,
    severity: 'warning',
    description: 'pods evicted by the kubelet, with their node',
    query: (s) => fill('(max by (namespace, pod) (kube_pod_status_reason{namespace="$ns", reason="Evicted"}) == 1)\n* on (namespace, pod) group_left (node) max by (namespace, pod, node) (kube_pod_info{namespace="$ns"})', s),
    format: () => 'Evicted',
  },
  {
    name: 'node-memory-pressure',
    finding: K.nodeMemoryPressure,
    severity: 'critical',
    description: 'nodes reporting MemoryPressure',
    query: () => 'max by (node) (kube_node_status_condition{condition="MemoryPressure", status="true"}) == 1',
    format: () => 'MemoryPressure',
  },
  {
    name: 'node-memory-low',
    finding: K.nodeMemoryLow,
    severity: 'warning',
    description: 'nodes with less than 10% of their memory available',
    query: () => 'max by (node) (node_memory_MemAvailable_bytes) / max by (node) (node_memory_MemTotal_bytes) < 0.1',
    format: (v) => `${pct(v)} memory available`,
  },
  {
    name: 'node-not-ready',
    finding: K.nodeNotReady,
    severity: 'critical',
    description: 'nodes not Ready',
    query: () => 'max by (node) (kube_node_status_condition{condition="Ready", status="true"}) == 0',
    format: () => 'NotReady',
  },
];

export const anomalyScans: AnomalyScan[] = [
  { name: 'memory', finding: K.memoryAnomaly, description: 'working set per container', query: (s) => fill(workingSet, s) },
  { name: 'cpu-throttling', finding: K.throttlingAnomaly, description: 'throttled share of CPU periods per container', query: (s) => fill(throttleRatio, s) },
  { name: 'latency', finding: K.latencyAnomaly, description: 'p99 latency per service', query: (s) => fill(p99, s) },
  { name: 'errors', finding: K.errorAnomaly, description: '5xx share per service', query: (s) => fill(errorRatio, s) },
  { name: 'node-memory', finding: K.nodeMemoryAnomaly, description: 'memory in use per node', query: () => '1 - max by (node) (node_memory_MemAvailable_bytes) / max by (node) (node_memory_MemTotal_bytes)' },
];

export const metricCheck = new Map(metricChecks.map((m) => [m.name, m]));
export const anomalyScan = new Map(anomalyScans.map((m) => [m.name, m]));

/** What a result series is about: a container (with its Deployment and node), a service or a node. */
export function subjectOfSeries(labels: Record<string, string>): { subject?: ResourceRef; data: Record<string, unknown> } {
  const data: Record<string, unknown> = {};
  if (labels.node) data.node = labels.node;
  if (labels.pod) {
    const deployment = labels.deployment ?? deploymentOfPod(labels.pod);
    if (deployment) data.deployment = deployment;
    return { subject: { kind: 'Pod', namespace: labels.namespace, name: labels.pod, ...(labels.container ? { container: labels.container } : {}) }, data };
  }
  if (labels.deployment) return { subject: { kind: 'Deployment', namespace: labels.namespace, name: labels.deployment }, data };
  if (labels.service) return { subject: { kind: 'Service', namespace: labels.namespace, name: labels.service }, data };
  if (labels.node) return { subject: { kind: 'Node', name: labels.node }, data: {} };
  return { data };
}

export function describeSubject(subject: ResourceRef | undefined): string {
  if (!subject) return 'the cluster';
  if (subject.kind === 'Node') return `node ${subject.name}`;
  const container = subject.container && subject.container !== subject.name ? ` (${subject.container})` : '';
  return `${subject.kind.toLowerCase()} ${subject.namespace ? `${subject.namespace}/` : ''}${subject.name}${container}`;
}
