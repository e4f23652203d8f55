/**
 * The Container Insights metrics the agent reads on EKS (namespace `ContainerInsights`), including the
 * enhanced-observability ones, each with the dimensions it is published under, the statistic that
 * answers "is something wrong", and the finding a breach becomes. One table, so adding a metric is a
 * line (see https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Container-Insights-metrics-enhanced-EKS.html).
 */

export const CONTAINER_INSIGHTS_NAMESPACE = 'ContainerInsights';

export type InsightsScope = 'pod' | 'node' | 'cluster' | 'service';

export interface ContainerInsightsMetric {
  name: string;
  scope: InsightsScope;
  description: string;
  stat: 'Average' | 'Maximum' | 'Sum' | 'Minimum';
  /** The value from which the metric is a finding (same unit as the metric). */
  threshold: number;
  /** Finding kind a breach records (the analysis weighs kinds, whichever source they come from). */
  finding: string;
  unit: 'Percent' | 'Count' | 'Bytes' | 'Bytes/Second';
}

export const containerInsightsMetrics: ContainerInsightsMetric[] = [
  { name: 'pod_memory_utilization_over_pod_limit', scope: 'pod', description: 'Pod working set as a share of its memory limit', stat: 'Maximum', threshold: 90, finding: 'memory-near-limit', unit: 'Percent' },
  { name: 'pod_cpu_utilization_over_pod_limit', scope: 'pod', description: 'Pod CPU use as a share of its CPU limit', stat: 'Average', threshold: 90, finding: 'cpu-near-limit', unit: 'Percent' },
  { name: 'pod_number_of_container_restarts', scope: 'pod', description: 'Container restarts in the pod', stat: 'Maximum', threshold: 1, finding: 'container-restarts', unit: 'Count' },
  { name: 'pod_container_status_terminated_reason_oom_killed', scope: 'pod', description: 'Containers last terminated by the OOM killer', stat: 'Maximum', threshold: 1, finding: 'oom-killed', unit: 'Count' },
  { name: 'pod_container_status_waiting_reason_crash_loop_back_off', scope: 'pod', description: 'Containers waiting in CrashLoopBackOff', stat: 'Maximum', threshold: 1, finding: 'crash-loop-backoff', unit: 'Count' },
  { name: 'pod_container_status_waiting_reason_image_pull_error', scope: 'pod', description: 'Containers that cannot pull their image', stat: 'Maximum', threshold: 1, finding: 'image-pull-failure', unit: 'Count' },
  { name: 'pod_memory_utilization', scope: 'pod', description: 'Pod memory as a share of node capacity', stat: 'Maximum', threshold: 80, finding: 'memory-high', unit: 'Percent' },
  { name: 'pod_cpu_utilization', scope: 'pod', description: 'Pod CPU as a share of node capacity', stat: 'Average', threshold: 80, finding: 'cpu-high', unit: 'Percent' },
  { name: 'pod_network_rx_bytes', scope: 'pod', description: 'Bytes received per second', stat: 'Average', threshold: Number.POSITIVE_INFINITY, finding: 'network-traffic', unit: 'Bytes/Second' },
  { name: 'pod_network_tx_bytes', scope: 'pod', description: 'Bytes sent per second', stat: 'Average', threshold: Number.POSITIVE_INFINITY, finding: 'network-traffic', unit: 'Bytes/Second' },
  { name: 'node_memory_utilization', scope: 'node', description: 'Node memory in use', stat: 'Maximum', threshold: 90, finding: 'node-memory-low', unit: 'Percent' },
  { name: 'node_cpu_utilization', scope: 'node', description: 'Node CPU in use', stat: 'Average', threshold: 90, finding: 'node-cpu-high', unit: 'Percent' },
  { name: 'node_status_condition_memory_pressure', scope: 'node', description: 'Node reports MemoryPressure', stat: 'Maximum', threshold: 1, finding: 'node-memory-pressure', unit: 'Count' },
  { name: 'node_status_condition_ready', scope: 'node', description: 'Node Ready condition (0 = not ready)', stat: 'Minimum', threshold: Number.NEGATIVE_INFINITY, finding: 'node-not-ready', unit: 'Count' },
  { name: 'node_number_of_running_pods', scope: 'node', description: 'Pods running on the node', stat: 'Average', threshold: Number.POSITIVE_INFINITY, finding: 'node-pods', unit: 'Count' },
];

export const containerInsightsMetric = new Map(containerInsightsMetrics.map((m) => [m.name, m]));

/** Dimensions of a metric for a subject: pods by workload name (`PodName` is the workload, not the pod). */
export function insightsDimensions(metric: ContainerInsightsMetric, subject: { cluster: string; namespace?: string; workload?: string; node?: string; instanceId?: string }): Record<string, string> {
  switch (metric.scope) {
    case 'pod':
      return { ClusterName: subject.cluster, Namespace: subject.namespace ?? 'default', PodName: subject.workload ?? '' };
    case 'node':
      return subject.instanceId ? { ClusterName: subject.cluster, NodeName: subject.node ?? '', InstanceId: subject.instanceId } : { ClusterName: subject.cluster, NodeName: subject.node ?? '' };
    case 'service':
      return { ClusterName: subject.cluster, Namespace: subject.namespace ?? 'default', Service: subject.workload ?? '' };
    case 'cluster':
      return { ClusterName: subject.cluster };
  }
}
