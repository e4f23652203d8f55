import { isoTime } from '../../../../../core/clock.js';
import { deepEqual } from '../../../../../core/equal.js';
import type { ControllerRevision, DaemonSet, Node, Pod } from '../objects.js';
import { controllerRef, isOwnedBy, templateHash } from '../naming.js';
import { addDaemonSetTolerations, admitNewPodSpec } from '../pod-admission.js';
import { CONTROLLERREVISION, DAEMONSET, NODE, POD } from '../resources.js';
import type { Controller, ControllerContext } from './context.js';
import { resolveIntOrPercent } from './deployment.js';
import { isActive, isAvailable, isReady } from './podutil.js';

const CHANGE_CAUSE = 'kubernetes.io/change-cause';

/**
 * The DaemonSet controller: one pod per node; every template it has run kept as a ControllerRevision
 * (what `kubectl rollout history ds` reads, pods labelled with its hash); a RollingUpdate strategy
 * replaces out-of-date pods node by node within maxUnavailable; failed (evicted) pods are replaced.
 */
export class DaemonSetController implements Controller {
  readonly name = 'daemonset-controller';
  constructor(private readonly ctx: ControllerContext) {}

  reconcile(): void {
    const { store } = this.ctx;
    const nodes = store.list<Node>(NODE);
    for (const ds of store.list<DaemonSet>(DAEMONSET)) {
      if (ds.metadata.deletionTimestamp) continue;
      const namespace = ds.metadata.namespace!;
      const revision = this.currentRevision(ds);
      const hash = revision.metadata.labels!['controller-revision-hash']!;
      const owned = () => store.list<Pod>(POD, namespace).filter((p) => isOwnedBy(p, ds));
      let pods = owned();
      for (const failed of pods.filter((p) => p.status.phase === 'Failed' && !p.metadata.deletionTimestamp)) {
        store.delete(POD, failed.metadata.namespace, failed.metadata.name);
        this.ctx.events.normal(ds, 'SuccessfulDelete', `Deleted pod: ${failed.metadata.name}`, { component: 'daemonset-controller' });
      }
      for (const node of nodes) {
        // Terminating pods do not count: the replacement starts while the old one shuts down, as the real controller does it.
        if (pods.some((p) => p.spec.nodeName === node.metadata.name && isActive(p))) continue;
        this.createPod(ds, node, hash);
      }
      pods = owned();
      if ((ds.spec.updateStrategy?.type ?? 'RollingUpdate') === 'RollingUpdate' && pods.some((p) => p.metadata.labels?.['controller-revision-hash'] !== hash)) {
        this.rollOut(ds, pods.filter(isActive), hash, nodes.length);
        pods = owned();
      }
      const active = pods.filter(isActive);
      const available = active.filter(isAvailable).length;
      const status: DaemonSet['status'] = {
        currentNumberScheduled: active.length,
        desiredNumberScheduled: nodes.length,
        numberMisscheduled: 0,
        numberReady: active.filter(isReady).length,
        ...(available ? { numberAvailable: available } : {}),
        ...(nodes.length - available > 0 ? { numberUnavailable: nodes.length - available } : {}),
        updatedNumberScheduled: active.filter((p) => p.metadata.labels?.['controller-revision-hash'] === hash).length,
        observedGeneration: ds.metadata.generation,
      };
      if (!deepEqual(status, ds.status)) {
        store.mutate<DaemonSet>(DAEMONSET, namespace, ds.metadata.name, (d) => {
          d.status = status;
        });
      }
    }
  }

  /** The ControllerRevision of the DaemonSet's current template, created (as the next revision) if new. */
  private currentRevision(ds: DaemonSet): ControllerRevision {
    const { store } = this.ctx;
    const hash = templateHash(ds.spec.template);
    const revisions = store.list<ControllerRevision>(CONTROLLERREVISION, ds.metadata.namespace).filter((r) => isOwnedBy(r, ds));
    const changeCause = ds.metadata.annotations?.[CHANGE_CAUSE];
    const next = Math.max(0, ...revisions.map((r) => r.revision)) + 1;
    const existing = revisions.find((r) => r.metadata.labels?.['controller-revision-hash'] === hash);
    if (existing) {
      if (existing.revision === next - 1) return existing;
      // Back to an older template (a rollback): that revision becomes the newest.
      return store.mutate<ControllerRevision>(CONTROLLERREVISION, ds.metadata.namespace, existing.metadata.name, (r) => {
        r.revision = next;
      });
    }
    const created = store.create<ControllerRevision>(CONTROLLERREVISION, {
      apiVersion: 'apps/v1',
      kind: 'ControllerRevision',
      metadata: {
        name: `${ds.metadata.name}-${hash}`,
        namespace: ds.metadata.namespace,
        labels: { ...(ds.spec.template.metadata?.labels ?? {}), 'controller-revision-hash': hash },
        ...(changeCause ? { annotations: { [CHANGE_CAUSE]: changeCause } } : {}),
        ownerReferences: [controllerRef(ds)],
        // The first revision is as old as its DaemonSet; later ones are made when the template changes.
        ...(revisions.length === 0 ? { creationTimestamp: ds.metadata.creationTimestamp } : {}),
      },
      data: { spec: { template: { ...structuredClone(ds.spec.template), $patch: 'replace' } } },
      revision: next,
    });
    const limit = ds.spec.revisionHistoryLimit ?? 10;
    const old = revisions.sort((a, b) => a.revision - b.revision);
    for (const r of old.slice(0, Math.max(0, old.length + 1 - (limit + 1)))) store.delete(CONTROLLERREVISION, r.metadata.namespace, r.metadata.name);
    return created;
  }

  /** Deletes out-of-date pods while the unavailable ones stay within maxUnavailable (maxSurge 0). */
  private rollOut(ds: DaemonSet, active: Pod[], hash: string, desired: number): void {
    const maxUnavailable = Math.max(1, resolveIntOrPercent(ds.spec.updateStrategy?.rollingUpdate?.maxUnavailable ?? 1, desired, true));
    let unavailable = desired - active.filter(isAvailable).length;
    for (const pod of active.filter((p) => p.metadata.labels?.['controller-revision-hash'] !== hash)) {
      if (unavailable >= maxUnavailable) break;
      this.ctx.store.mutate<Pod>(POD, pod.metadata.namespace, pod.metadata.name, (p) => {
        p.metadata.deletionTimestamp = isoTime(this.ctx.clock.now());
        p.metadata.deletionGracePeriodSeconds = p.spec.terminationGracePeriodSeconds ?? 30;
      });
      this.ctx.events.normal(ds, 'SuccessfulDelete', `Deleted pod: ${pod.metadata.name}`, { component: 'daemonset-controller' });
      if (isAvailable(pod)) unavailable++;
    }
  }

  private createPod(ds: DaemonSet, node: Node, hash: string): void {
    const template = structuredClone(ds.spec.template);
    addDaemonSetTolerations(template.spec);
    admitNewPodSpec(template.spec, this.ctx.random);
    const pod = this.ctx.store.create<Pod>(POD, {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: `${ds.metadata.name}-${this.ctx.random.suffix(5)}`,
        generateName: `${ds.metadata.name}-`,
        namespace: ds.metadata.namespace,
        labels: { ...(template.metadata?.labels ?? {}), 'controller-revision-hash': hash, 'pod-template-generation': String(ds.metadata.generation ?? 1) },
        ...(template.metadata?.annotations ? { annotations: { ...template.metadata.annotations } } : {}),
        ownerReferences: [controllerRef(ds)],
      },
      // The DaemonSet controller pins the pod with node affinity; the scheduler still binds it (Scheduled event).
      spec: { ...template.spec, nodeSelector: { ...(template.spec.nodeSelector ?? {}), 'kubernetes.io/hostname': node.metadata.name } },
      status: { phase: 'Pending' },
    });
    this.ctx.events.normal(ds, 'SuccessfulCreate', `Created pod: ${pod.metadata.name}`, { component: 'daemonset-controller' });
  }
}
