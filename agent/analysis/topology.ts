/**
 * What the investigation learned about how the system is wired: which service calls which (from the
 * trace service graph) and which nodes run which workloads (from pod placement). The analysis uses it
 * to tell a cause that can explain the alert (the alerting service's callees, the node under its
 * pods) from an unrelated problem happening at the same time.
 */
import type { Alert, Finding } from '../../core/types.js';
import { ALERT_FINDING_KINDS } from './alert-findings.js';
import { FindingKind, SYMPTOM_KINDS } from './finding-kinds.js';
import { deploymentOfPod, nodesOfAlert, targetKey, targetsOfAlert, type TargetRef } from './targets.js';

export interface Topology {
  /** caller -> callees (service names). Empty when no trace data was reached. */
  calls: Map<string, Set<string>>;
  /** deployment key -> node names. */
  placement: Map<string, Set<string>>;
  graphKnown: boolean;
  placementKnown: boolean;
}

export function topologyOf(findings: readonly Finding[]): Topology {
  const calls = new Map<string, Set<string>>();
  const placement = new Map<string, Set<string>>();
  let graphKnown = false;
  let placementKnown = false;
  for (const f of findings) {
    if (f.kind === FindingKind.serviceGraph && Array.isArray(f.data?.edges)) {
      graphKnown = true;
      for (const e of f.data.edges as { from: string; to: string }[]) {
        if (!calls.has(e.from)) calls.set(e.from, new Set());
        calls.get(e.from)!.add(e.to);
      }
    }
    if (f.kind === FindingKind.workloadPlacement && Array.isArray(f.data?.pods)) {
      placementKnown = true;
      for (const p of f.data.pods as { namespace: string; pod: string; deployment?: string; node?: string }[]) {
        const deployment = p.deployment ?? deploymentOfPod(p.pod);
        if (!deployment || !p.node) continue;
        const key = targetKey({ kind: 'Deployment', namespace: p.namespace, name: deployment });
        if (!placement.has(key)) placement.set(key, new Set());
        placement.get(key)!.add(p.node);
      }
    }
  }
  return { calls, placement, graphKnown, placementKnown };
}

/** Every service `service` calls, directly or through others. */
export function downstreamOf(topology: Topology, service: string): Set<string> {
  const seen = new Set<string>();
  const queue = [service];
  while (queue.length) {
    for (const next of topology.calls.get(queue.shift()!) ?? []) {
      if (!seen.has(next) && next !== service) {
        seen.add(next);
        queue.push(next);
      }
    }
  }
  return seen;
}

/**
 * How a candidate target relates to what the alert is about, as a log-odds adjustment: the alert's own
 * target is the prime suspect; its callees, the node its pods run on (or, for a node alert, the
 * workloads on that node) can explain it; anything else is most likely a different problem happening
 * at the same time (strongly so when the wiring is known, mildly when it is not).
 */
export interface Relevance {
  adjustment: number;
  reason: string;
  /** The candidate cannot explain the alert at all: reported as another problem, not ranked. */
  unrelated?: boolean;
}

export function relevance(candidate: TargetRef, alerts: readonly Alert[], topology: Topology): Relevance {
  const primary = alerts.flatMap(targetsOfAlert);
  // A resource alert (CPU throttling, OOM, crash loop...) is a property of the workload itself: only
  // its own workload or its node can explain it, whatever its callees are doing.
  const intrinsic = alerts.length > 0 && alerts.every((a) => isIntrinsic(a));
  if (primary.length === 0) return { adjustment: 0, reason: 'no alert target to relate to' };
  const key = targetKey(candidate);
  if (primary.some((t) => targetKey(t) === key)) return { adjustment: 1.0, reason: 'what the alert is about' };
  const alertDeployments = primary.filter((t) => t.kind === 'Deployment');
  const alertNodes = primary.filter((t) => t.kind === 'Node').map((t) => t.name);
  if (candidate.kind === 'Node') {
    if (alerts.some((a) => nodesOfAlert(a).includes(candidate.name))) return { adjustment: 0.5, reason: 'the alerting pod runs there' };
    if (alertNodes.length && !alertDeployments.length) return { adjustment: 0, reason: 'another node: it cannot explain this node\'s alert', unrelated: true };
    if (alertDeployments.some((d) => topology.placement.get(targetKey(d))?.has(candidate.name))) return { adjustment: 0.5, reason: 'runs pods of the alerting workload' };
    if (topology.placementKnown && alertDeployments.length) return { adjustment: 0, reason: 'no pod of the alerting workload runs there', unrelated: true };
    return { adjustment: -1.0, reason: 'placement of the alerting workload unknown' };
  }
  if (intrinsic && alertDeployments.length) return { adjustment: 0, reason: 'another workload: it cannot explain a resource alert of the alerting one', unrelated: true };
  if (alertDeployments.some((d) => d.namespace === candidate.namespace && downstreamOf(topology, d.name).has(candidate.name))) return { adjustment: 0, reason: 'called by the alerting service' };
  if (alertNodes.some((n) => topology.placement.get(key)?.has(n))) return { adjustment: 0, reason: 'has pods on the alerting node' };
  const known = alertNodes.length ? topology.placementKnown : topology.graphKnown;
  if (known) return { adjustment: 0, reason: 'not connected to what the alert is about', unrelated: true };
  return { adjustment: -1.0, reason: 'connection to the alert unknown (no trace or placement data)' };
}

/** Alerts about a workload's own resources or lifecycle (as opposed to what its users feel). */
function isIntrinsic(alert: Alert): boolean {
  const kind = ALERT_FINDING_KINDS[alert.name];
  if (!kind) return false;
  return !SYMPTOM_KINDS.has(kind) && !kind.startsWith('node-');
}
