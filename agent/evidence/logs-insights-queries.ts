/**
 * Logs Insights query templates for EKS with Container Insights: the questions an on-call engineer asks
 * of the performance, application, host, data-plane and control-plane log groups, written once and
 * reviewed. Each names its log group, a query with `{{namespace}}`, `{{workload}}` and `{{node}}`
 * placeholders (values are escaped), the finding kind a matching row means, and which field names the
 * pod or node a row is about.
 *
 * Log groups (Container Insights / EKS defaults):
 *   /aws/containerinsights/<cluster>/performance   metrics as structured logs (Type = Pod, Node, Container...)
 *   /aws/containerinsights/<cluster>/application   container stdout/stderr (Fluent Bit)
 *   /aws/containerinsights/<cluster>/host          node dmesg/messages (kernel OOM killer)
 *   /aws/containerinsights/<cluster>/dataplane     kubelet and container runtime
 *   /aws/eks/<cluster>/cluster                     control plane (audit, API server)
 */

export type LogGroupKind = 'performance' | 'application' | 'host' | 'dataplane' | 'cluster';

export interface LogsInsightsTemplate {
  name: string;
  description: string;
  logGroup: LogGroupKind;
  query: string;
  /** Finding kind each result row supports. */
  finding: string;
  /** Row field naming the pod (or workload) the row is about. */
  podField?: string;
  /** Row field naming the node. */
  nodeField?: string;
  /** Row field with the number that must reach `threshold` (rows without it count as matches). */
  valueField?: string;
  threshold?: number;
}

export function logGroupName(kind: LogGroupKind, cluster: string): string {
  return kind === 'cluster' ? `/aws/eks/${cluster}/cluster` : `/aws/containerinsights/${cluster}/${kind}`;
}

const podFilter = 'Namespace = "{{namespace}}" and PodName like /{{workload}}/';
const appFilter = 'kubernetes.namespace_name = "{{namespace}}" and kubernetes.pod_name like /{{workload}}/';

export const logsInsightsTemplates: LogsInsightsTemplate[] = [
  {
    name: 'pod-cpu-over-limit',
    description: 'CPU use of each pod as a share of its limit, per minute (throttling territory above ~90%)',
    logGroup: 'performance',
    query: `fields @timestamp, PodName, pod_cpu_utilization_over_pod_limit
| filter Type = "Pod" and ${podFilter}
| stats max(pod_cpu_utilization_over_pod_limit) as cpu_over_limit by PodName, bin(1m)
| sort cpu_over_limit desc
| limit 50`,
    finding: 'cpu-near-limit',
    podField: 'PodName',
    valueField: 'cpu_over_limit',
    threshold: 90,
  },
  {
    name: 'pod-memory-over-limit',
    description: 'Working set of each pod as a share of its memory limit, per minute',
    logGroup: 'performance',
    query: `fields @timestamp, PodName, pod_memory_utilization_over_pod_limit
| filter Type = "Pod" and ${podFilter}
| stats max(pod_memory_utilization_over_pod_limit) as memory_over_limit by PodName, bin(1m)
| sort memory_over_limit desc
| limit 50`,
    finding: 'memory-near-limit',
    podField: 'PodName',
    valueField: 'memory_over_limit',
    threshold: 90,
  },
  {
    name: 'pod-restarts',
    description: 'Container restarts per pod',
    logGroup: 'performance',
    query: `fields @timestamp, PodName, pod_number_of_container_restarts
| filter Type = "Pod" and ${podFilter}
| stats max(pod_number_of_container_restarts) as restarts by PodName
| sort restarts desc
| limit 20`,
    finding: 'container-restarts',
    podField: 'PodName',
    valueField: 'restarts',
    threshold: 1,
  },
  {
    name: 'oom-kills',
    description: 'Kernel OOM killer lines on the nodes (the container exceeded its memory cgroup limit)',
    logGroup: 'host',
    query: `fields @timestamp, @logStream, @message
| filter @message like /Memory cgroup out of memory|oom-kill|Out of memory: Killed process/
| parse @message /Killed process \\d+ \\((?<process>[^)]+)\\)/
| stats count(*) as kills by @logStream, process
| sort kills desc
| limit 20`,
    finding: 'oom-killed',
    nodeField: '@logStream',
    valueField: 'kills',
    threshold: 1,
  },
  {
    name: 'node-cpu',
    description: 'CPU utilisation of each node, per minute',
    logGroup: 'performance',
    query: `fields @timestamp, NodeName, node_cpu_utilization
| filter Type = "Node"
| stats max(node_cpu_utilization) as cpu by NodeName, bin(1m)
| sort cpu desc
| limit 50`,
    finding: 'node-cpu-high',
    nodeField: 'NodeName',
    valueField: 'cpu',
    threshold: 90,
  },
  {
    name: 'node-memory',
    description: 'Memory utilisation of each node, per minute (MemoryPressure and evictions follow above ~90%)',
    logGroup: 'performance',
    query: `fields @timestamp, NodeName, node_memory_utilization
| filter Type = "Node"
| stats max(node_memory_utilization) as memory by NodeName, bin(1m)
| sort memory desc
| limit 50`,
    finding: 'node-memory-low',
    nodeField: 'NodeName',
    valueField: 'memory',
    threshold: 90,
  },
  {
    name: 'node-memory-pressure',
    description: 'kubelet eviction manager reclaiming memory (the node reported MemoryPressure)',
    logGroup: 'dataplane',
    query: `fields @timestamp, @logStream, @message
| filter @message like /eviction manager: attempting to reclaim|MemoryPressure|EvictionThresholdMet/
| stats count(*) as signals by @logStream
| sort signals desc
| limit 20`,
    finding: 'node-memory-pressure',
    nodeField: '@logStream',
    valueField: 'signals',
    threshold: 1,
  },
  {
    name: 'pod-evictions',
    description: 'Pods the kubelet evicted, and why',
    logGroup: 'dataplane',
    query: `fields @timestamp, @logStream, @message
| filter @message like /eviction manager: pods .* evicted|Evicted pod|The node was low on resource/
| parse @message /pod[s]? "?(?<evicted>[a-z0-9-]+\\/[a-z0-9-]+)/
| stats count(*) as evictions by @logStream, evicted
| limit 50`,
    finding: 'pod-evicted',
    nodeField: '@logStream',
    podField: 'evicted',
    valueField: 'evictions',
    threshold: 1,
  },
  {
    name: 'pod-network',
    description: 'Network bytes in and out per pod, per minute (a drop or a flat line is a network symptom)',
    logGroup: 'performance',
    query: `fields @timestamp, PodName, pod_network_rx_bytes, pod_network_tx_bytes
| filter Type = "Pod" and ${podFilter}
| stats avg(pod_network_rx_bytes) as rx, avg(pod_network_tx_bytes) as tx by PodName, bin(1m)
| limit 100`,
    finding: 'network-traffic',
    podField: 'PodName',
  },
  {
    name: 'application-errors',
    description: 'Error-level lines of the workload\'s containers, grouped by pod',
    logGroup: 'application',
    query: `fields @timestamp, kubernetes.pod_name, log
| filter ${appFilter}
| filter log like /(?i)\\b(error|fatal|critical)\\b/
| stats count(*) as errors by kubernetes.pod_name
| sort errors desc
| limit 20`,
    finding: 'log-errors',
    podField: 'kubernetes.pod_name',
    valueField: 'errors',
    threshold: 5,
  },
  {
    name: 'application-timeouts',
    description: 'Timeouts calling other services (what the caller sees of a slow or delayed callee)',
    logGroup: 'application',
    query: `fields @timestamp, kubernetes.pod_name, log
| filter ${appFilter}
| filter log like /(?i)timeout|timed out|deadline exceeded|TaskCanceledException|SocketTimeoutException/
| stats count(*) as timeouts by kubernetes.pod_name
| sort timeouts desc
| limit 20`,
    finding: 'log-timeout',
    podField: 'kubernetes.pod_name',
    valueField: 'timeouts',
    threshold: 1,
  },
  {
    name: 'upstream-5xx',
    description: 'Calls answered 502/503/504 by an upstream service',
    logGroup: 'application',
    query: `fields @timestamp, kubernetes.pod_name, log
| filter ${appFilter}
| filter log like /\\b50[234]\\b|Service Unavailable|Bad Gateway|Gateway Timeout|Connection refused/
| stats count(*) as upstream_errors by kubernetes.pod_name
| sort upstream_errors desc
| limit 20`,
    finding: 'log-upstream-5xx',
    podField: 'kubernetes.pod_name',
    valueField: 'upstream_errors',
    threshold: 1,
  },
  {
    name: 'config-errors',
    description: 'Start-up failures from bad configuration (missing or invalid settings)',
    logGroup: 'application',
    query: `fields @timestamp, kubernetes.pod_name, log
| filter ${appFilter}
| filter log like /(?i)invalid configuration|is not set|must be a|not a valid URL|Hosting failed to start|Application run failed/
| stats count(*) as config_errors, latest(log) as example by kubernetes.pod_name
| limit 20`,
    finding: 'log-config-error',
    podField: 'kubernetes.pod_name',
    valueField: 'config_errors',
    threshold: 1,
  },
  {
    name: 'stack-traces',
    description: 'Exceptions and stack traces (Java, .NET, Go panics, Python tracebacks)',
    logGroup: 'application',
    query: `fields @timestamp, kubernetes.pod_name, log
| filter ${appFilter}
| filter log like /Exception|Traceback \\(most recent call last\\)|panic:|^\\s+at [\\w.$]+\\(/
| stats count(*) as traces by kubernetes.pod_name
| sort traces desc
| limit 20`,
    finding: 'log-stack-trace',
    podField: 'kubernetes.pod_name',
    valueField: 'traces',
    threshold: 1,
  },
  {
    name: 'image-pull-failures',
    description: 'Images the kubelet could not pull (bad tag, missing ECR permission)',
    logGroup: 'dataplane',
    query: `fields @timestamp, @logStream, @message
| filter @message like /ErrImagePull|ImagePullBackOff|Failed to pull image|failed to resolve reference/
| parse @message /image "(?<image>[^"]+)"/
| stats count(*) as failures by image
| sort failures desc
| limit 20`,
    finding: 'image-pull-failure',
    valueField: 'failures',
    threshold: 1,
  },
  {
    name: 'crash-loop-backoff',
    description: 'Containers the kubelet keeps restarting (CrashLoopBackOff)',
    logGroup: 'dataplane',
    query: `fields @timestamp, @logStream, @message
| filter @message like /CrashLoopBackOff|Back-off restarting failed container/
| parse @message /pod="?(?<pod>[a-z0-9-]+\\/[a-z0-9-]+)/
| stats count(*) as backoffs by pod
| sort backoffs desc
| limit 20`,
    finding: 'crash-loop-backoff',
    podField: 'pod',
    valueField: 'backoffs',
    threshold: 1,
  },
  {
    name: 'container-cpu-throttling',
    description: 'Containers running at their CPU limit (the kernel throttles them there)',
    logGroup: 'performance',
    query: `fields @timestamp, PodName, container_cpu_utilization_over_container_limit
| filter Type = "Container" and ${podFilter}
| stats avg(container_cpu_utilization_over_container_limit) as cpu_over_limit by PodName, bin(1m)
| filter cpu_over_limit > 95
| limit 50`,
    finding: 'cpu-throttled',
    podField: 'PodName',
    valueField: 'cpu_over_limit',
    threshold: 95,
  },
  {
    name: 'slow-requests',
    description: 'Requests the services themselves logged as slow',
    logGroup: 'application',
    query: `fields @timestamp, kubernetes.pod_name, log
| filter ${appFilter}
| filter log like /(?i)slow request|took \\d{4,}ms/
| stats count(*) as slow by kubernetes.pod_name
| sort slow desc
| limit 20`,
    finding: 'log-slow-request',
    podField: 'kubernetes.pod_name',
    valueField: 'slow',
    threshold: 1,
  },
  {
    name: 'api-server-errors',
    description: 'Kubernetes API requests answered 5xx (control plane trouble behind failing controllers)',
    logGroup: 'cluster',
    query: `fields @timestamp, verb, requestURI, responseStatus.code
| filter @logStream like /kube-apiserver-audit/ and responseStatus.code >= 500
| stats count(*) as errors by verb, responseStatus.code
| sort errors desc
| limit 20`,
    finding: 'api-server-errors',
    valueField: 'errors',
    threshold: 5,
  },
  {
    name: 'deployment-changes',
    description: 'Who changed which Deployment, and when (audit log): the recent-rollout question',
    logGroup: 'cluster',
    query: `fields @timestamp, user.username, verb, objectRef.namespace, objectRef.name
| filter @logStream like /kube-apiserver-audit/ and objectRef.resource = "deployments" and objectRef.namespace = "{{namespace}}"
| filter verb in ["patch", "update", "create"] and responseStatus.code < 300
| sort @timestamp desc
| limit 20`,
    finding: 'recent-rollout',
    podField: 'objectRef.name',
  },
];

export const logsInsightsTemplate = new Map(logsInsightsTemplates.map((t) => [t.name, t]));

/** A Logs Insights string literal or regex body, escaped: no quote, slash or newline can end it early. */
function escape(value: string): string {
  return value.replace(/[\\"/]/g, (c) => `\\${c}`).replace(/[\r\n]/g, ' ');
}

export function renderQuery(template: LogsInsightsTemplate, vars: { namespace?: string; workload?: string; node?: string }): string {
  return template.query.replace(/\{\{(namespace|workload|node)\}\}/g, (_, key: 'namespace' | 'workload' | 'node') => escape(vars[key] ?? (key === 'workload' ? '.*' : '')));
}
