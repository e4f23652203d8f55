import { isoTime } from '../../../../../core/clock.js';
import { errors } from '../../cluster/errors.js';
import type { KubeObject, Pod } from '../../cluster/objects.js';
import type { ResourceType } from '../../cluster/resources.js';
import { keyOf, resourceTypes } from '../../cluster/resources.js';
import type { ApiContext, ApiRequest } from '../context.js';
import { isDryRun } from '../context.js';
import type { Reply } from '../http.js';
import { decodeObject, intParam, reply, success } from '../http.js';
import { filterFromQuery } from '../list.js';
import type { ResourceTarget } from '../routes.js';
import type { Loose } from './admit.js';
import { returnsDeletedObject } from './admit.js';

/** metav1.DeleteOptions, from the body (kubectl) or the query string (client-node, curl). */
export interface DeleteOptions {
  gracePeriodSeconds?: number;
  propagationPolicy?: 'Orphan' | 'Background' | 'Foreground';
  preconditions?: { uid?: string; resourceVersion?: string };
  dryRun: boolean;
}

export async function deleteOptionsOf(req: ApiRequest): Promise<DeleteOptions> {
  const text = await req.body();
  const body = text.trim() ? decodeObject(text, req.headers['content-type']) : {};
  if (body.kind !== undefined && body.kind !== 'DeleteOptions') throw errors.badRequest(`expected DeleteOptions, got ${String(body.kind)}`);
  const grace = body.gracePeriodSeconds ?? intParam(req.query, 'gracePeriodSeconds');
  if (grace !== undefined && (typeof grace !== 'number' || !Number.isInteger(grace))) throw errors.badRequest('gracePeriodSeconds must be an integer');
  let propagation = (body.propagationPolicy ?? req.query.get('propagationPolicy') ?? undefined) as string | undefined;
  // The deprecated orphanDependents flag maps onto the policy, as the server does.
  if (propagation === undefined && (body.orphanDependents !== undefined || req.query.get('orphanDependents') !== null)) {
    propagation = body.orphanDependents === true || req.query.get('orphanDependents') === 'true' ? 'Orphan' : 'Background';
  }
  if (propagation !== undefined && !['Orphan', 'Background', 'Foreground'].includes(propagation)) {
    throw errors.invalid('DeleteOptions', '', [{ field: 'propagationPolicy', message: `Unsupported value: "${propagation}": supported values: "Foreground", "Background", "Orphan", "nil"`, reason: 'FieldValueNotSupported' }]);
  }
  const dryRun = isDryRun(req.query) || (Array.isArray(body.dryRun) && body.dryRun.includes('All'));
  return {
    ...(grace !== undefined ? { gracePeriodSeconds: grace as number } : {}),
    ...(propagation ? { propagationPolicy: propagation as DeleteOptions['propagationPolicy'] } : {}),
    ...(body.preconditions && typeof body.preconditions === 'object' ? { preconditions: body.preconditions as DeleteOptions['preconditions'] } : {}),
    dryRun,
  };
}

export async function deleteObject(ctx: ApiContext, req: ApiRequest, target: ResourceTarget): Promise<Reply> {
  const options = await deleteOptionsOf(req);
  const current = ctx.backend.store.require<Loose>(keyOf(target.type), target.namespace, target.name!);
  const { object, gone } = removeObject(ctx, target.type, current, options);
  if (returnsDeletedObject(target.type) || !gone) return reply(200, object);
  return reply(200, success(200, { name: object.metadata.name, group: target.type.group || undefined, kind: target.type.plural, uid: object.metadata.uid }));
}

export async function deleteCollection(ctx: ApiContext, req: ApiRequest, target: ResourceTarget): Promise<Reply> {
  const options = await deleteOptionsOf(req);
  const filter = filterFromQuery(target.type.kind, req.query);
  const items = ctx.backend.store.list(keyOf(target.type), target.namespace).filter((o) => filter.matches(o));
  const removed = items.map((o) => removeObject(ctx, target.type, o, options).object);
  return reply(200, { kind: `${target.type.kind}List`, apiVersion: target.type.group ? `${target.type.group}/${target.type.version}` : 'v1', metadata: { resourceVersion: ctx.backend.store.resourceVersion }, items: removed });
}

/**
 * Deletes one object with the API server's semantics: preconditions, graceful pod deletion (the kubelet
 * finishes it), finalizers holding an object in Terminating, Orphan propagation; Background and
 * Foreground dependents are left to the simulation's garbage collector.
 */
export function removeObject(ctx: ApiContext, type: ResourceType, current: KubeObject, options: DeleteOptions): { object: KubeObject; gone: boolean } {
  const { store, clock } = ctx.backend;
  const key = keyOf(type);
  const { namespace, name } = current.metadata;
  checkPreconditions(type, current, options);
  if (type.kind === 'Pod') {
    const pod = current as Pod;
    const grace = podGracePeriod(pod, options.gracePeriodSeconds);
    if (grace > 0) {
      const existing = pod.metadata.deletionGracePeriodSeconds;
      if (pod.metadata.deletionTimestamp && existing !== undefined && existing <= grace) return { object: pod, gone: false };
      const terminating = structuredClone(pod);
      terminating.metadata.deletionTimestamp = isoTime(clock.now() + grace * 1000);
      terminating.metadata.deletionGracePeriodSeconds = grace;
      return { object: store.update(key, terminating, { dryRun: options.dryRun }), gone: false };
    }
  } else if (current.metadata.finalizers?.length) {
    if (current.metadata.deletionTimestamp) return { object: current, gone: false };
    const terminating = structuredClone(current);
    terminating.metadata.deletionTimestamp = isoTime(clock.now());
    terminating.metadata.deletionGracePeriodSeconds = 0;
    return { object: store.update(key, terminating, { dryRun: options.dryRun }), gone: false };
  }
  if (options.dryRun) return { object: current, gone: true };
  if (options.propagationPolicy === 'Orphan') orphanDependents(ctx, current);
  if (type.kind === 'Namespace') deleteNamespaceContents(ctx, name);
  return { object: store.delete(key, namespace, name), gone: true };
}

/** Grace period of a pod deletion: 0 for pods never scheduled or already finished, as in the pod strategy. */
function podGracePeriod(pod: Pod, requested: number | undefined): number {
  if (!pod.spec.nodeName) return 0;
  if (pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed') return 0;
  const grace = requested ?? pod.spec.terminationGracePeriodSeconds ?? 30;
  return Math.max(0, grace);
}

function checkPreconditions(type: ResourceType, current: KubeObject, options: DeleteOptions): void {
  const { uid, resourceVersion } = options.preconditions ?? {};
  if (uid && uid !== current.metadata.uid) {
    throw errors.conflict(type.plural, current.metadata.name, `Precondition failed: UID in precondition: ${uid}, UID in object meta: ${current.metadata.uid}`, type.group);
  }
  if (resourceVersion && resourceVersion !== current.metadata.resourceVersion) {
    throw errors.conflict(type.plural, current.metadata.name, `Precondition failed: ResourceVersion in precondition: ${resourceVersion}, ResourceVersion in object meta: ${current.metadata.resourceVersion}`, type.group);
  }
}

function orphanDependents(ctx: ApiContext, owner: KubeObject): void {
  const { store } = ctx.backend;
  for (const type of resourceTypes.filter((t) => !t.virtual)) {
    for (const object of store.list(keyOf(type), owner.metadata.namespace)) {
      if (!object.metadata.ownerReferences?.some((r) => r.uid === owner.metadata.uid)) continue;
      store.mutate(keyOf(type), object.metadata.namespace, object.metadata.name, (o) => {
        o.metadata.ownerReferences = o.metadata.ownerReferences!.filter((r) => r.uid !== owner.metadata.uid);
        if (o.metadata.ownerReferences.length === 0) delete o.metadata.ownerReferences;
      });
    }
  }
}

/** The namespace controller's job, done at once: everything in the namespace goes (pods gracefully). */
function deleteNamespaceContents(ctx: ApiContext, namespace: string): void {
  const { store } = ctx.backend;
  for (const type of resourceTypes.filter((t) => t.namespaced && !t.virtual)) {
    for (const object of store.list(keyOf(type), namespace)) {
      if (store.get(keyOf(type), namespace, object.metadata.name)) removeObject(ctx, type, object, { dryRun: false });
    }
  }
}
