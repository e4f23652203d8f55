import { deepEqual } from '../../../../../core/equal.js';
import type { DaemonSet, Node, Pod } from '../objects.js';
import { controllerRef, isOwnedBy, templateHash } from '../naming.js';
import { DAEMONSET, NODE, POD } from '../resources.js';
import type { Controller, ControllerContext } from './context.js';
import { isActive, isAvailable, isReady } from './podutil.js';

/** One pod per node for every DaemonSet; failed (evicted) daemon pods are replaced on the same node. */
export class DaemonSetController implements Controller {
  readonly name = 'daemonset-controller';
  constructor(private readonly ctx: ControllerContext) {}

  reconcile(): void {
    const { store } = this.ctx;
    const nodes = store.list<Node>(NODE);
    for (const ds of store.list<DaemonSet>(DAEMONSET)) {
      const pods = store.list<Pod>(POD, ds.metadata.namespace).filter((p) => isOwnedBy(p, ds));
      for (const failed of pods.filter((p) => p.status.phase === 'Failed' && !p.metadata.deletionTimestamp)) {
        store.delete(POD, failed.metadata.namespace, failed.metadata.name);
        this.ctx.events.normal(ds, 'SuccessfulDelete', `Deleted pod: ${failed.metadata.name}`, { component: 'daemonset-controller' });
      }
      for (const node of nodes) {
        if (pods.some((p) => p.spec.nodeName === node.metadata.name && isActive(p))) continue;
        this.createPod(ds, node);
      }
      const active = store.list<Pod>(POD, ds.metadata.namespace).filter((p) => isOwnedBy(p, ds) && isActive(p));
      const status = {
        currentNumberScheduled: active.length,
        desiredNumberScheduled: nodes.length,
        numberMisscheduled: 0,
        numberReady: active.filter(isReady).length,
        numberAvailable: active.filter(isAvailable).length,
        updatedNumberScheduled: active.length,
        observedGeneration: ds.metadata.generation,
      };
      if (!deepEqual(status, ds.status)) {
        store.mutate<DaemonSet>(DAEMONSET, ds.metadata.namespace, ds.metadata.name, (d) => {
          d.status = status;
        });
      }
    }
  }

  private createPod(ds: DaemonSet, node: Node): void {
    const template = structuredClone(ds.spec.template);
    const pod = this.ctx.store.create<Pod>(POD, {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: `${ds.metadata.name}-${this.ctx.random.suffix(5)}`,
        generateName: `${ds.metadata.name}-`,
        namespace: ds.metadata.namespace,
        labels: { ...(template.metadata?.labels ?? {}), 'controller-revision-hash': templateHash(template).slice(0, 9), 'pod-template-generation': String(ds.metadata.generation ?? 1) },
        ownerReferences: [controllerRef(ds)],
      },
      // The DaemonSet controller pins the pod with node affinity; the scheduler still binds it (Scheduled event).
      spec: { ...template.spec, nodeSelector: { ...(template.spec.nodeSelector ?? {}), 'kubernetes.io/hostname': node.metadata.name } },
      status: { phase: 'Pending' },
    });
    this.ctx.events.normal(ds, 'SuccessfulCreate', `Created pod: ${pod.metadata.name}`, { component: 'daemonset-controller' });
  }
}
