/**
 * Job priority: severity first, then blast radius. A critical alert always goes before a warning; among
 * equals, the incident touching more of the system goes first. A node hosts many pods and a service
 * many callers, so they weigh more than one pod.
 *
 *   priority = severityRank × 1000 + min(999, pods + 3 × workloads + 10 × nodes)
 *
 * Severity is a claim of whoever sent the alert. A sender nobody authenticated (an agent run without
 * credentials) cannot move work up the queue: its alerts rank at most as warnings, and they widen the
 * blast radius only when nothing authenticated vouches for the incident (then by one alert's worth).
 */
import type { Alert, Severity } from '../../core/types.js';
import { maxSeverity, severityRank } from '../intake/severity.js';
import { deploymentOfPod } from '../intake/target.js';

export interface BlastRadius {
  pods: number;
  workloads: number;
  nodes: number;
}

export function blastRadiusOf(alerts: readonly Alert[]): BlastRadius {
  const pods = new Set<string>();
  const workloads = new Set<string>();
  const nodes = new Set<string>();
  for (const alert of alerts) {
    const { labels, target } = alert;
    const namespace = labels.namespace ?? target?.namespace ?? '';
    if (labels.pod) pods.add(`${namespace}/${labels.pod}`);
    const workload = labels.deployment ?? labels.service ?? (labels.pod ? deploymentOfPod(labels.pod) : undefined);
    if (workload) workloads.add(`${namespace}/${workload}`);
    else if (target && (target.kind === 'Deployment' || target.kind === 'Service')) workloads.add(`${namespace}/${target.name}`);
    // A node label on a pod alert only says where the pod runs; a node alert is about the node.
    if (target?.kind === 'Node') nodes.add(target.name);
  }
  return { pods: pods.size, workloads: workloads.size, nodes: nodes.size };
}

export function priorityOf(severity: Severity, radius: BlastRadius): number {
  const spread = Math.min(999, radius.pods + 3 * radius.workloads + 10 * radius.nodes);
  return severityRank[severity] * 1000 + spread;
}

/** The highest severity an unauthenticated sender's alert may order the queue with. */
export const UNAUTHENTICATED_SEVERITY_CAP: Severity = 'warning';

/** Alerts in-process (no sender) and from authenticated senders are vouched for. */
function vouched(alert: Alert): boolean {
  return alert.sender === undefined || alert.sender.authenticated;
}

/** Whether an alert claims more severity than its sender may order the queue with. */
export function claimsPriority(alert: Alert): boolean {
  return !vouched(alert) && severityRank[alert.severity] > severityRank[UNAUTHENTICATED_SEVERITY_CAP];
}

/** The severity an alert orders the queue with. */
export function queueSeverityOf(alert: Alert): Severity {
  return claimsPriority(alert) ? UNAUTHENTICATED_SEVERITY_CAP : alert.severity;
}

/** The priority of an incident's job, from its alerts (see the top of this file). */
export function queuePriorityOf(alerts: readonly Alert[]): number {
  const severity = alerts.map(queueSeverityOf).reduce<Severity>(maxSeverity, 'info');
  const trusted = alerts.filter(vouched);
  return priorityOf(severity, blastRadiusOf(trusted.length ? trusted : alerts.slice(0, 1)));
}
