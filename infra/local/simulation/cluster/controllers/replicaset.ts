import { deepEqual } from '../../../../../core/equal.js';
import { isoTime } from '../../../../../core/clock.js';
import type { Pod, ReplicaSet } from '../objects.js';
import { controllerRef, isOwnedBy } from '../naming.js';
import { POD, REPLICASET } from '../resources.js';
import type { Controller, ControllerContext } from './context.js';
import { admitNewPodSpec } from '../pod-admission.js';
import { isActive, isAvailable, isReady } from './podutil.js';

/** Keeps the number of active pods of each ReplicaSet equal to spec.replicas. */
export class ReplicaSetController implements Controller {
  readonly name = 'replicaset-controller';
  constructor(private readonly ctx: ControllerContext) {}

  reconcile(): void {
    const { store } = this.ctx;
    const allPods = store.list<Pod>(POD);
    for (const rs of store.list<ReplicaSet>(REPLICASET)) {
      const owned = allPods.filter((p) => isOwnedBy(p, rs));
      const active = owned.filter(isActive);
      const desired = rs.spec.replicas ?? 1;
      if (active.length < desired) {
        for (let i = active.length; i < desired; i++) this.createPod(rs);
      } else if (active.length > desired) {
        for (const victim of deletionOrder(active).slice(0, active.length - desired)) {
          store.mutate<Pod>(POD, victim.metadata.namespace, victim.metadata.name, (p) => {
            p.metadata.deletionTimestamp = isoTime(this.ctx.clock.now());
            p.metadata.deletionGracePeriodSeconds = p.spec.terminationGracePeriodSeconds ?? 30;
          });
          this.ctx.events.normal(rs, 'SuccessfulDelete', `Deleted pod: ${victim.metadata.name}`, { component: 'replicaset-controller' });
        }
      }
      const nowActive = store.list<Pod>(POD, rs.metadata.namespace).filter((p) => isOwnedBy(p, rs) && isActive(p));
      const status = {
        replicas: nowActive.length,
        fullyLabeledReplicas: nowActive.length,
        readyReplicas: nowActive.filter(isReady).length,
        availableReplicas: nowActive.filter(isAvailable).length,
        observedGeneration: rs.metadata.generation,
      };
      if (!deepEqual(status, rs.status)) {
        store.mutate<ReplicaSet>(REPLICASET, rs.metadata.namespace, rs.metadata.name, (r) => {
          r.status = status;
        });
      }
    }
  }

  private createPod(rs: ReplicaSet): Pod {
    const template = structuredClone(rs.spec.template);
    admitNewPodSpec(template.spec, this.ctx.random);
    const pod = this.ctx.store.create<Pod>(POD, {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: `${rs.metadata.name}-${this.ctx.random.suffix(5)}`,
        generateName: `${rs.metadata.name}-`,
        namespace: rs.metadata.namespace,
        labels: { ...(template.metadata?.labels ?? {}) },
        annotations: { ...(template.metadata?.annotations ?? {}) },
        ownerReferences: [controllerRef(rs)],
      },
      spec: template.spec,
      status: { phase: 'Pending', qosClass: undefined },
    });
    this.ctx.events.normal(rs, 'SuccessfulCreate', `Created pod: ${pod.metadata.name}`, { component: 'replicaset-controller' });
    return pod;
  }
}

/** The order kube-controller-manager deletes surplus pods: unscheduled, pending, not ready, then newest. */
function deletionOrder(pods: Pod[]): Pod[] {
  const rank = (p: Pod) => (!p.spec.nodeName ? 0 : p.status.phase === 'Pending' ? 1 : !isReady(p) ? 2 : 3);
  return [...pods].sort((a, b) => rank(a) - rank(b) || (b.metadata.creationTimestamp ?? '').localeCompare(a.metadata.creationTimestamp ?? ''));
}
