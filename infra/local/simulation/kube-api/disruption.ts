import type { Deployment, Pod, PodDisruptionBudget, ReplicaSet } from '../cluster/objects.js';
import { DEPLOYMENT, PDB, POD, REPLICASET } from '../cluster/resources.js';
import { selectorFromSpec } from '../cluster/selectors.js';
import type { ObjectStore } from '../cluster/store.js';

/**
 * PodDisruptionBudget arithmetic as the disruption controller does it, computed on demand from the
 * store (the local cluster runs no disruption controller): which pods count as healthy, how many must
 * stay healthy, and so how many may be disrupted now.
 */
export interface DisruptionStatus {
  currentHealthy: number;
  desiredHealthy: number;
  disruptionsAllowed: number;
  expectedPods: number;
}

export function isPodReady(pod: Pod): boolean {
  return (pod.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
}

function isTerminal(pod: Pod): boolean {
  return pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';
}

/** PDBs in the pod's namespace that select it (policy/v1: an empty selector selects every pod, a missing one none). */
export function budgetsFor(store: ObjectStore, pod: Pod): PodDisruptionBudget[] {
  return store.list<PodDisruptionBudget>(PDB, pod.metadata.namespace).filter((pdb) => {
    const selector = pdb.spec?.selector;
    if (!selector) return false;
    const empty = Object.keys(selector.matchLabels ?? {}).length === 0 && (selector.matchExpressions ?? []).length === 0;
    return empty || selectorFromSpec(selector)(pod.metadata.labels);
  });
}

function matchingPods(store: ObjectStore, pdb: PodDisruptionBudget): Pod[] {
  const selector = pdb.spec.selector;
  const empty = Object.keys(selector?.matchLabels ?? {}).length === 0 && (selector?.matchExpressions ?? []).length === 0;
  const matches = empty ? () => true : selectorFromSpec(selector);
  return store.list<Pod>(POD, pdb.metadata.namespace).filter((p) => matches(p.metadata.labels) && !isTerminal(p));
}

/** Desired replicas of the controller owning a pod (Deployment through its ReplicaSet), if any. */
function controllerScale(store: ObjectStore, pod: Pod): { uid: string; replicas: number } | undefined {
  const owner = pod.metadata.ownerReferences?.find((o) => o.controller);
  if (!owner) return undefined;
  if (owner.kind === 'ReplicaSet') {
    const rs = store.get<ReplicaSet>(REPLICASET, pod.metadata.namespace, owner.name);
    if (!rs) return undefined;
    const deploymentRef = rs.metadata.ownerReferences?.find((o) => o.controller && o.kind === 'Deployment');
    const deployment = deploymentRef ? store.get<Deployment>(DEPLOYMENT, pod.metadata.namespace, deploymentRef.name) : undefined;
    if (deployment) return { uid: deployment.metadata.uid ?? deployment.metadata.name, replicas: deployment.spec.replicas ?? 1 };
    return { uid: rs.metadata.uid ?? rs.metadata.name, replicas: rs.spec.replicas ?? 1 };
  }
  return undefined;
}

function scaled(value: number | string, total: number, roundUp: boolean): number {
  if (typeof value === 'number') return value;
  const percent = Number(value.replace('%', ''));
  const exact = (percent * total) / 100;
  return roundUp ? Math.ceil(exact) : Math.floor(exact);
}

export function disruptionStatus(store: ObjectStore, pdb: PodDisruptionBudget): DisruptionStatus {
  const pods = matchingPods(store, pdb);
  const currentHealthy = pods.filter((p) => !p.metadata.deletionTimestamp && isPodReady(p)).length;
  let expectedPods = pods.length;
  let desiredHealthy = 0;
  const { maxUnavailable } = pdb.spec;
  // policy/v1 defaulting: a budget with neither field set keeps at least one pod.
  const minAvailable = pdb.spec.minAvailable ?? (maxUnavailable === undefined ? 1 : undefined);
  if (typeof minAvailable === 'number') {
    desiredHealthy = minAvailable;
  } else {
    const controllers = new Map<string, number>();
    for (const pod of pods) {
      const scale = controllerScale(store, pod);
      if (scale) controllers.set(scale.uid, scale.replicas);
    }
    if (controllers.size > 0) expectedPods = [...controllers.values()].reduce((a, b) => a + b, 0);
    if (minAvailable !== undefined) desiredHealthy = scaled(minAvailable, expectedPods, true);
    else if (maxUnavailable !== undefined) desiredHealthy = Math.max(0, expectedPods - scaled(maxUnavailable, expectedPods, true));
  }
  return { currentHealthy, desiredHealthy, expectedPods, disruptionsAllowed: Math.max(0, currentHealthy - desiredHealthy) };
}
