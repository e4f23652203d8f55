import { deepEqual } from '../../../../../core/equal.js';
import type { KubeEvent, KubeObject, Pod, PodDisruptionBudget } from '../objects.js';
import { DAEMONSET, DEPLOYMENT, EVENT, PDB, POD, REPLICASET } from '../resources.js';
import { selectorFromSpec } from '../selectors.js';
import { resolveIntOrPercent } from './deployment.js';
import type { Controller, ControllerContext } from './context.js';
import { isAvailable, isTerminated } from './podutil.js';

const ownerKinds: Record<string, string> = { ReplicaSet: REPLICASET, Deployment: DEPLOYMENT, DaemonSet: DAEMONSET };

/**
 * Background cascading deletion (objects whose controller is gone), terminated-pod cleanup, event TTL,
 * and PodDisruptionBudget status (the disruption controller).
 */
export class GarbageCollector implements Controller {
  readonly name = 'garbage-collector';
  constructor(
    private readonly ctx: ControllerContext,
    private readonly options = { eventTtlMs: 3_600_000, terminatedPodTtlMs: 3_600_000 },
  ) {}

  reconcile(): void {
    const { store, clock } = this.ctx;
    for (const key of [REPLICASET, POD]) {
      for (const object of store.list<KubeObject>(key)) {
        const owner = object.metadata.ownerReferences?.find((r) => r.controller);
        if (!owner || !ownerKinds[owner.kind]) continue;
        const alive = store.get(ownerKinds[owner.kind]!, object.metadata.namespace, owner.name);
        if (!alive || alive.metadata.uid !== owner.uid) {
          if (key === POD && (object as Pod).spec.nodeName && !isTerminated(object as Pod)) {
            if (!object.metadata.deletionTimestamp) {
              store.mutate<Pod>(POD, object.metadata.namespace, object.metadata.name, (p) => {
                p.metadata.deletionTimestamp = new Date(clock.now()).toISOString().replace(/\.\d{3}Z$/, 'Z');
                p.metadata.deletionGracePeriodSeconds = p.spec.terminationGracePeriodSeconds ?? 30;
              });
            }
          } else {
            store.delete(key, object.metadata.namespace, object.metadata.name);
          }
        }
      }
    }
    const now = clock.now();
    for (const pod of store.list<Pod>(POD)) {
      if (isTerminated(pod) && Date.parse(pod.metadata.creationTimestamp ?? '') < now - this.options.terminatedPodTtlMs) {
        const finished = pod.status.containerStatuses?.map((c) => c.state.terminated?.finishedAt).filter(Boolean).sort().at(-1);
        if (!finished || Date.parse(finished) < now - this.options.terminatedPodTtlMs) store.delete(POD, pod.metadata.namespace, pod.metadata.name);
      }
    }
    for (const event of store.list<KubeEvent>(EVENT)) {
      if (Date.parse(event.lastTimestamp) < now - this.options.eventTtlMs) store.delete(EVENT, event.metadata.namespace, event.metadata.name);
    }
    for (const pdb of store.list<PodDisruptionBudget>(PDB)) {
      const selector = selectorFromSpec(pdb.spec.selector);
      const pods = store.list<Pod>(POD, pdb.metadata.namespace).filter((p) => selector(p.metadata.labels) && !isTerminated(p));
      const healthy = pods.filter(isAvailable).length;
      const expected = pods.length;
      const desiredHealthy = pdb.spec.minAvailable !== undefined
        ? resolveIntOrPercent(pdb.spec.minAvailable, expected, true)
        : Math.max(0, expected - resolveIntOrPercent(pdb.spec.maxUnavailable ?? 0, expected, true));
      const status = { currentHealthy: healthy, desiredHealthy, disruptionsAllowed: Math.max(0, healthy - desiredHealthy), expectedPods: expected, observedGeneration: pdb.metadata.generation };
      if (!deepEqual(status, pdb.status)) {
        store.mutate<PodDisruptionBudget>(PDB, pdb.metadata.namespace, pdb.metadata.name, (p) => {
          p.status = status;
        });
      }
    }
  }
}
