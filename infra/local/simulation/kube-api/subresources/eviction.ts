import { ApiError, errors } from '../../cluster/errors.js';
import type { Pod } from '../../cluster/objects.js';
import { POD, resourceForKind } from '../../cluster/resources.js';
import type { ApiContext, ApiRequest } from '../context.js';
import { isDryRun } from '../context.js';
import { budgetsFor, disruptionStatus, isPodReady } from '../disruption.js';
import type { Reply } from '../http.js';
import { decodeObject, isRecord, reply, success } from '../http.js';
import type { DeleteOptions } from '../objects/delete.js';
import { removeObject } from '../objects/delete.js';
import type { ResourceTarget } from '../routes.js';

/**
 * `pods/<name>/eviction`, the API-initiated eviction `kubectl drain` uses: a graceful delete that a
 * PodDisruptionBudget may refuse with 429 (drain retries those). Budgets are evaluated against the
 * current pods, so evictions in quick succession see each other's terminating pods.
 */
export async function evictPod(ctx: ApiContext, req: ApiRequest, target: ResourceTarget): Promise<Reply> {
  const { store } = ctx.backend;
  const body = decodeObject(await req.body(), req.headers['content-type']);
  if (body.kind !== undefined && body.kind !== 'Eviction') throw errors.badRequest(`the object provided is unrecognized (must be of type Eviction): kind ${String(body.kind)}`);
  if (body.apiVersion !== undefined && !['policy/v1', 'policy/v1beta1'].includes(body.apiVersion as string)) throw errors.badRequest(`unsupported Eviction apiVersion ${String(body.apiVersion)}`);
  const meta = isRecord(body.metadata) ? body.metadata : {};
  if (meta.name !== undefined && meta.name !== target.name) throw errors.badRequest('name in URL does not match name in Eviction object');
  const pod = store.require<Pod>(POD, target.namespace, target.name!);
  const requested = isRecord(body.deleteOptions) ? body.deleteOptions : {};
  const options: DeleteOptions = {
    ...(typeof requested.gracePeriodSeconds === 'number' ? { gracePeriodSeconds: requested.gracePeriodSeconds } : {}),
    ...(isRecord(requested.preconditions) ? { preconditions: requested.preconditions as DeleteOptions['preconditions'] } : {}),
    dryRun: isDryRun(req.query) || (Array.isArray(requested.dryRun) && requested.dryRun.includes('All')),
  };

  if (!budgetIrrelevant(pod)) {
    const budgets = budgetsFor(store, pod);
    if (budgets.length > 1) throw errors.internal('This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.');
    const pdb = budgets[0];
    if (pdb) {
      const status = disruptionStatus(store, pdb);
      const unhealthyMayGo = !isPodReady(pod) && status.currentHealthy >= status.desiredHealthy && status.desiredHealthy > 0;
      const alwaysAllowUnhealthy = !isPodReady(pod) && (pdb.spec as { unhealthyPodEvictionPolicy?: string }).unhealthyPodEvictionPolicy === 'AlwaysAllow';
      if (!unhealthyMayGo && !alwaysAllowUnhealthy && status.disruptionsAllowed <= 0) {
        throw new ApiError(429, 'TooManyRequests', "Cannot evict pod as it would violate the pod's disruption budget.", {
          causes: [{ reason: 'DisruptionBudget', message: `The disruption budget ${pdb.metadata.name} needs ${status.desiredHealthy} healthy pods and has ${status.currentHealthy} currently` }],
        });
      }
    }
  }
  removeObject(ctx, resourceForKind('Pod')!, pod, options);
  return reply(201, success(201));
}

/** Terminal, pending and already-terminating pods are evicted without consulting budgets. */
function budgetIrrelevant(pod: Pod): boolean {
  const phase = pod.status?.phase;
  return phase === 'Succeeded' || phase === 'Failed' || phase === 'Pending' || Boolean(pod.metadata.deletionTimestamp);
}
