/**
 * Job priority: severity first, then blast radius. A critical alert always goes before a warning; among
 * equals, the incident touching more of the system goes first. A node hosts many pods and a service
 * many callers, so they weigh more than one pod.
 *
 *   priority = severityRank × 1000 + min(999, pods + 3 × workloads + 10 × nodes)
 */
import type { Alert, Severity } from '../../core/types.js';
import { severityRank } from '../intake/severity.js';
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
