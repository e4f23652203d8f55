import { isoTime } from '../../../../../core/clock.js';
import type { Condition, Deployment, Pod, ReplicaSet } from '../objects.js';
import { controllerRef, isOwnedBy, REVISION_ANNOTATION, templateHash } from '../naming.js';
import { DEPLOYMENT, POD, REPLICASET } from '../resources.js';
import type { Controller, ControllerContext } from './context.js';
import { isActive, isAvailable, setCondition } from './podutil.js';

/**
 * The deployment controller: one ReplicaSet per pod template (named by its hash), rolling updates
 * within maxSurge/maxUnavailable, revision annotations (a rollback re-activates the old ReplicaSet
 * under a new revision), history cleanup and status conditions.
 */
export class DeploymentController implements Controller {
  readonly name = 'deployment-controller';
  /** Last time each deployment's rollout made progress, for progressDeadlineSeconds. */
  private readonly progressSince = new Map<string, number>();
  private readonly lastProgressKey = new Map<string, string>();

  constructor(private readonly ctx: ControllerContext) {}

  reconcile(): void {
    for (const deployment of this.ctx.store.list<Deployment>(DEPLOYMENT)) {
      if (deployment.metadata.deletionTimestamp) continue;
      this.sync(deployment);
    }
  }

  private sync(deployment: Deployment): void {
    const { store } = this.ctx;
    const ns = deployment.metadata.namespace!;
    const owned = store.list<ReplicaSet>(REPLICASET, ns).filter((rs) => isOwnedBy(rs, deployment));
    const hash = templateHash(deployment.spec.template);
    const maxRevision = Math.max(0, ...owned.map(revisionOf));
    let newRS = owned.find((rs) => rs.metadata.labels?.['pod-template-hash'] === hash);
    const desired = deployment.spec.replicas ?? 1;

    if (!newRS) {
      newRS = this.createReplicaSet(deployment, hash, maxRevision + 1, owned.length === 0 ? desired : 0);
    } else if (revisionOf(newRS) !== maxRevision) {
      // Rolling back to an old template: that ReplicaSet becomes the newest revision.
      newRS = store.mutate<ReplicaSet>(REPLICASET, ns, newRS.metadata.name, (rs) => {
        rs.metadata.annotations = { ...rs.metadata.annotations, [REVISION_ANNOTATION]: String(maxRevision + 1) };
      });
      store.mutate<Deployment>(DEPLOYMENT, ns, deployment.metadata.name, (d) => {
        d.metadata.annotations = { ...d.metadata.annotations, [REVISION_ANNOTATION]: String(maxRevision + 1) };
      });
      this.ctx.events.normal(deployment, 'DeploymentRollback', `Rolled back deployment "${deployment.metadata.name}" to revision ${revisionOf(newRS)}`, { component: 'deployment-controller' });
    }
    const oldRSs = owned.filter((rs) => rs.metadata.uid !== newRS!.metadata.uid);
    const pods = store.list<Pod>(POD, ns);
    const activeOf = (rs: ReplicaSet) => pods.filter((p) => isOwnedBy(p, rs) && isActive(p));
    const availableOf = (rs: ReplicaSet) => pods.filter((p) => isOwnedBy(p, rs) && isAvailable(p)).length;

    if (!deployment.spec.paused) {
      const strategy = deployment.spec.strategy?.type ?? 'RollingUpdate';
      if (strategy === 'Recreate') {
        for (const rs of oldRSs) if ((rs.spec.replicas ?? 0) > 0) this.scale(deployment, rs, 0);
        if (oldRSs.every((rs) => activeOf(rs).length === 0) && (newRS.spec.replicas ?? 0) !== desired) this.scale(deployment, newRS, desired);
      } else {
        const surge = resolveIntOrPercent(deployment.spec.strategy?.rollingUpdate?.maxSurge ?? '25%', desired, true);
        let unavailable = resolveIntOrPercent(deployment.spec.strategy?.rollingUpdate?.maxUnavailable ?? '25%', desired, false);
        if (surge === 0 && unavailable === 0) unavailable = 1;
        const newReplicas = newRS.spec.replicas ?? 0;
        const oldReplicas = oldRSs.reduce((sum, rs) => sum + (rs.spec.replicas ?? 0), 0);
        if (oldReplicas === 0 || newReplicas > desired) {
          if (newReplicas !== desired) this.scale(deployment, newRS, desired);
        } else if (newReplicas < desired) {
          const room = desired + surge - (newReplicas + oldReplicas);
          if (room > 0) this.scale(deployment, newRS, Math.min(desired, newReplicas + room));
        }
        // Scale old ReplicaSets down as far as availability allows: unhealthy old pods go first.
        const currentNew = store.get<ReplicaSet>(REPLICASET, ns, newRS.metadata.name)!;
        const allPods = [currentNew, ...oldRSs].reduce((sum, rs) => sum + (rs.spec.replicas ?? 0), 0);
        const newUnavailable = (currentNew.spec.replicas ?? 0) - availableOf(currentNew);
        let budget = allPods - (desired - unavailable) - newUnavailable;
        for (const rs of [...oldRSs].sort((a, b) => revisionOf(a) - revisionOf(b))) {
          const replicas = rs.spec.replicas ?? 0;
          if (replicas === 0) continue;
          const unhealthy = replicas - availableOf(rs);
          const cut = Math.min(replicas, Math.max(0, budget) + Math.max(0, unhealthy));
          if (cut > 0) {
            this.scale(deployment, rs, replicas - cut);
            budget -= Math.max(0, cut - Math.max(0, unhealthy));
          }
        }
      }
    }
    this.cleanupHistory(deployment, owned, newRS);
    this.updateStatus(deployment, newRS);
  }

  private createReplicaSet(deployment: Deployment, hash: string, revision: number, replicas: number): ReplicaSet {
    const template = structuredClone(deployment.spec.template);
    template.metadata = { ...template.metadata, labels: { ...(template.metadata?.labels ?? {}), 'pod-template-hash': hash } };
    const rs = this.ctx.store.create<ReplicaSet>(REPLICASET, {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: {
        name: `${deployment.metadata.name}-${hash}`,
        namespace: deployment.metadata.namespace,
        labels: { ...template.metadata.labels },
        annotations: {
          ...copiedAnnotations(deployment),
          [REVISION_ANNOTATION]: String(revision),
          'deployment.kubernetes.io/desired-replicas': String(deployment.spec.replicas ?? 1),
          'deployment.kubernetes.io/max-replicas': String((deployment.spec.replicas ?? 1) + 1),
        },
        ownerReferences: [controllerRef(deployment)],
      },
      spec: {
        replicas,
        selector: { ...deployment.spec.selector, matchLabels: { ...(deployment.spec.selector.matchLabels ?? {}), 'pod-template-hash': hash } },
        template,
      },
      status: { replicas: 0 },
    });
    this.ctx.store.mutate<Deployment>(DEPLOYMENT, deployment.metadata.namespace, deployment.metadata.name, (d) => {
      d.metadata.annotations = { ...d.metadata.annotations, [REVISION_ANNOTATION]: String(revision) };
    });
    if (replicas > 0) this.scalingEvent(deployment, rs, 0, replicas);
    return rs;
  }

  private scale(deployment: Deployment, rs: ReplicaSet, replicas: number): void {
    const from = rs.spec.replicas ?? 0;
    if (from === replicas) return;
    this.ctx.store.mutate<ReplicaSet>(REPLICASET, rs.metadata.namespace, rs.metadata.name, (r) => {
      r.spec.replicas = replicas;
      r.metadata.annotations = { ...r.metadata.annotations, 'deployment.kubernetes.io/desired-replicas': String(deployment.spec.replicas ?? 1) };
    });
    this.scalingEvent(deployment, rs, from, replicas);
  }

  private scalingEvent(deployment: Deployment, rs: ReplicaSet, from: number, to: number): void {
    const direction = to > from ? 'up' : 'down';
    this.ctx.events.normal(deployment, 'ScalingReplicaSet', `Scaled ${direction} replica set ${rs.metadata.name} from ${from} to ${to}`, { component: 'deployment-controller' });
  }

  private cleanupHistory(deployment: Deployment, owned: ReplicaSet[], newRS: ReplicaSet): void {
    const limit = deployment.spec.revisionHistoryLimit ?? 10;
    const old = owned
      .filter((rs) => rs.metadata.uid !== newRS.metadata.uid && (rs.spec.replicas ?? 0) === 0 && (rs.status.replicas ?? 0) === 0)
      .sort((a, b) => revisionOf(a) - revisionOf(b));
    for (const rs of old.slice(0, Math.max(0, old.length - limit))) {
      if (this.ctx.store.get(REPLICASET, rs.metadata.namespace, rs.metadata.name)) this.ctx.store.delete(REPLICASET, rs.metadata.namespace, rs.metadata.name);
    }
  }

  private updateStatus(deployment: Deployment, newRS: ReplicaSet): void {
    const { store, clock } = this.ctx;
    const ns = deployment.metadata.namespace!;
    const current = store.get<Deployment>(DEPLOYMENT, ns, deployment.metadata.name)!;
    const pods = store.list<Pod>(POD, ns);
    const owned = store.list<ReplicaSet>(REPLICASET, ns).filter((rs) => isOwnedBy(rs, current));
    const ownedPods = pods.filter((p) => owned.some((rs) => isOwnedBy(p, rs)) && isActive(p));
    const updatedPods = pods.filter((p) => isOwnedBy(p, newRS) && isActive(p));
    const desired = current.spec.replicas ?? 1;
    const available = ownedPods.filter(isAvailable).length;
    const ready = ownedPods.filter((p) => p.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')).length;
    const maxUnavailable = resolveIntOrPercent(current.spec.strategy?.rollingUpdate?.maxUnavailable ?? '25%', desired, false);
    const now = isoTime(clock.now());
    const complete = updatedPods.length === desired && ownedPods.length === desired && updatedPods.filter(isAvailable).length === desired;
    const key = `${ns}/${current.metadata.name}`;
    const progressKey = `${key}/${newRS.metadata.name}/${updatedPods.filter(isAvailable).length}`;
    if (this.lastProgressKey.get(key) !== progressKey) {
      this.lastProgressKey.set(key, progressKey);
      this.progressSince.set(key, clock.now());
    }
    const stalled = !complete && clock.now() - (this.progressSince.get(key) ?? clock.now()) > (current.spec.progressDeadlineSeconds ?? 600) * 1000;
    let conditions: Condition[] = current.status.conditions ?? [];
    conditions = setCondition(conditions, {
      type: 'Available',
      status: available >= desired - maxUnavailable ? 'True' : 'False',
      lastUpdateTime: now,
      lastTransitionTime: now,
      reason: available >= desired - maxUnavailable ? 'MinimumReplicasAvailable' : 'MinimumReplicasUnavailable',
      message: available >= desired - maxUnavailable ? 'Deployment has minimum availability.' : 'Deployment does not have minimum availability.',
    });
    conditions = setCondition(conditions, {
      type: 'Progressing',
      status: stalled ? 'False' : 'True',
      lastUpdateTime: now,
      lastTransitionTime: now,
      reason: stalled ? 'ProgressDeadlineExceeded' : complete ? 'NewReplicaSetAvailable' : 'ReplicaSetUpdated',
      message: stalled
        ? `ReplicaSet "${newRS.metadata.name}" has timed out progressing.`
        : complete
          ? `ReplicaSet "${newRS.metadata.name}" has successfully progressed.`
          : `ReplicaSet "${newRS.metadata.name}" is progressing.`,
    });
    const status: Deployment['status'] = {
      observedGeneration: current.metadata.generation,
      replicas: ownedPods.length,
      updatedReplicas: updatedPods.length,
      readyReplicas: ready,
      availableReplicas: available,
      ...(ownedPods.length - available > 0 || desired - available > 0 ? { unavailableReplicas: Math.max(ownedPods.length, desired) - available } : {}),
      conditions,
    };
    const comparable = (s: Deployment['status']) => JSON.stringify({ ...s, conditions: s.conditions?.map((c) => ({ ...c, lastUpdateTime: undefined, lastTransitionTime: undefined })) });
    if (comparable(status) !== comparable(current.status)) {
      store.mutate<Deployment>(DEPLOYMENT, ns, current.metadata.name, (d) => {
        d.status = status;
      });
    }
  }

}

export function revisionOf(rs: ReplicaSet): number {
  return Number(rs.metadata.annotations?.[REVISION_ANNOTATION] ?? 0);
}

/**
 * The deployment's annotations a new ReplicaSet inherits (the controller's copyDeploymentAnnotationsToReplicaSet):
 * all but kubectl's last-applied configuration and the controller's own, so a change-cause set on the
 * deployment is what `kubectl rollout history` shows for that revision.
 */
function copiedAnnotations(deployment: Deployment): Record<string, string> {
  const skipped = new Set(['kubectl.kubernetes.io/last-applied-configuration', REVISION_ANNOTATION, 'deployment.kubernetes.io/revision-history', 'deployment.kubernetes.io/desired-replicas', 'deployment.kubernetes.io/max-replicas']);
  return Object.fromEntries(Object.entries(deployment.metadata.annotations ?? {}).filter(([key]) => !skipped.has(key)));
}

export function resolveIntOrPercent(value: number | string, total: number, roundUp: boolean): number {
  if (typeof value === 'number') return value;
  const match = /^(\d+)%$/.exec(value);
  if (!match) return Number(value) || 0;
  const exact = (Number(match[1]) * total) / 100;
  return roundUp ? Math.ceil(exact) : Math.floor(exact);
}
