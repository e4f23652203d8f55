/**
 * The alert as a claim: what condition its sender says fired, about which object, since when.
 * Prometheus rule names (infra/local/deploy/rules.ts) and the CloudWatch alarms of the eks target map
 * to the finding kind their condition states. The claim points the investigation and counts at half
 * the weight of an evidence source, but it confirms nothing: anyone with the webhook's address (or a
 * broken rule) can say anything, so a cause only the alert supports stays below the action threshold
 * (confidence.ts, `confirmingSources`).
 */
import type { Alert, Finding, ResourceRef } from '../../core/types.js';
import { FindingKind as K } from './finding-kinds.js';
import { deploymentOfPod } from './targets.js';

export const ALERT_FINDING_KINDS: Record<string, string> = {
  ContainerOOMKilled: K.oomKilled,
  ContainerMemoryNearLimit: K.memoryNearLimit,
  ContainerMemoryGrowingToLimit: K.memoryGrowing,
  CPUThrottlingHigh: K.cpuThrottled,
  PodCrashLooping: K.crashLoopBackoff,
  PodEvicted: K.podEvicted,
  DeploymentReplicasUnavailable: K.replicasUnavailable,
  HighRequestLatency: K.highLatency,
  HighErrorRate: K.highErrorRate,
  NodeMemoryPressure: K.nodeMemoryPressure,
  KubeNodeNotReady: K.nodeNotReady,
  // CloudWatch alarms of the eks target (Container Insights metrics).
  'eks-pod-memory-over-limit': K.memoryNearLimit,
  'eks-pod-cpu-over-limit': K.cpuNearLimit,
  'eks-pod-restarts': K.containerRestarts,
  'eks-node-memory-pressure': K.nodeMemoryPressure,
  'eks-node-memory-utilization': K.nodeMemoryLow,
  'eks-service-latency': K.highLatency,
};

/** The alert's subject as a reference: pod, deployment, service or node, from its labels. */
export function alertSubject(alert: Alert): ResourceRef | undefined {
  const l = alert.labels;
  if (l.pod) return { kind: 'Pod', namespace: l.namespace, name: l.pod, ...(l.container ? { container: l.container } : {}) };
  if (l.deployment) return { kind: 'Deployment', namespace: l.namespace, name: l.deployment };
  if (l.service) return { kind: 'Service', namespace: l.namespace, name: l.service };
  if (l.node) return { kind: 'Node', name: l.node };
  return alert.target;
}

export function alertFindings(alerts: readonly Alert[]): Finding[] {
  return alerts
    .filter((a) => a.status === 'firing' && ALERT_FINDING_KINDS[a.name])
    .map((a) => {
      const subject = alertSubject(a);
      const data: Record<string, unknown> = {};
      if (a.labels.node && subject?.kind !== 'Node') data.node = a.labels.node;
      const deployment = a.labels.deployment ?? (a.labels.pod ? deploymentOfPod(a.labels.pod) : undefined);
      if (deployment) data.deployment = deployment;
      const finding: Finding = {
        id: `alert:${a.id}`,
        source: 'alert',
        kind: ALERT_FINDING_KINDS[a.name]!,
        summary: `${a.name}: ${a.summary}`,
        severity: a.severity,
        observedAt: a.startsAt,
        data,
      };
      if (subject) finding.subject = subject;
      return finding;
    });
}
