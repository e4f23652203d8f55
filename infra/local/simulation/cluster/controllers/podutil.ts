import { parseQuantity } from '../../../../../core/quantity.js';
import type { Condition, Pod } from '../objects.js';

export function isTerminated(pod: Pod): boolean {
  return pod.status.phase === 'Failed' || pod.status.phase === 'Succeeded';
}

export function isActive(pod: Pod): boolean {
  return !pod.metadata.deletionTimestamp && !isTerminated(pod);
}

export function isReady(pod: Pod): boolean {
  return pod.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

/** Available = ready for at least minReadySeconds (0 in this cluster's deployments). */
export function isAvailable(pod: Pod): boolean {
  return isActive(pod) && isReady(pod);
}

export function podRequests(pod: Pod): { cpu: number; memory: number } {
  let cpu = 0;
  let memory = 0;
  for (const c of pod.spec.containers) {
    const req = c.resources?.requests ?? c.resources?.limits ?? {};
    cpu += req.cpu ? parseQuantity(req.cpu) : 0;
    memory += req.memory ? parseQuantity(req.memory) : 0;
  }
  return { cpu, memory };
}

export function qosClass(pod: Pod): 'Guaranteed' | 'Burstable' | 'BestEffort' {
  let any = false;
  let guaranteed = true;
  for (const c of pod.spec.containers) {
    const req = c.resources?.requests ?? {};
    const lim = c.resources?.limits ?? {};
    if (req.cpu || req.memory || lim.cpu || lim.memory) any = true;
    for (const r of ['cpu', 'memory'] as const) {
      const l = lim[r];
      const q = req[r] ?? l;
      if (!l || !q || parseQuantity(l) !== parseQuantity(q)) guaranteed = false;
    }
  }
  if (!any) return 'BestEffort';
  return guaranteed ? 'Guaranteed' : 'Burstable';
}

export function setCondition(conditions: Condition[], next: Condition): Condition[] {
  const existing = conditions.find((c) => c.type === next.type);
  if (!existing) return [...conditions, next];
  if (existing.status === next.status && existing.reason === next.reason && existing.message === next.message) return conditions;
  // The new condition replaces the old one whole (a Ready=True that follows a ContainersNotReady keeps no
  // stale reason or message); only the transition time survives while the status does not change.
  return conditions.map((c) => (c.type === next.type ? { ...next, lastTransitionTime: existing.status === next.status ? existing.lastTransitionTime : next.lastTransitionTime } : c));
}
