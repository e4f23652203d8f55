import { errors } from '../../cluster/errors.js';
import type { KubeObject } from '../../cluster/objects.js';
import { keyOf } from '../../cluster/resources.js';
import type { ApiContext, ApiRequest } from '../context.js';
import { checkWriteParams, isDryRun } from '../context.js';
import type { Reply } from '../http.js';
import { decodeObject, isRecord, mediaType, reply } from '../http.js';
import { APPLY_PATCH, applyPatch, applyStrategicMergePatch, checkPatchType } from '../patch/index.js';
import type { ResourceTarget } from '../routes.js';
import type { Loose } from './admit.js';
import { checkTypeMeta, prepareCreate, prepareUpdate } from './admit.js';

export async function createObject(ctx: ApiContext, req: ApiRequest, target: ResourceTarget): Promise<Reply> {
  checkWriteParams(req.query);
  const dryRun = isDryRun(req.query);
  const object = checkTypeMeta(target.type, decodeObject(await req.body(), req.headers['content-type']));
  return reply(201, create(ctx, target, object, dryRun));
}

function create(ctx: ApiContext, target: ResourceTarget, object: Loose, dryRun: boolean): KubeObject {
  const { backend } = ctx;
  const prepared = prepareCreate(backend, target.type, object, target.namespace);
  return backend.store.create(keyOf(target.type), prepared, { dryRun });
}

export async function replaceObject(ctx: ApiContext, req: ApiRequest, target: ResourceTarget): Promise<Reply> {
  checkWriteParams(req.query);
  const dryRun = isDryRun(req.query);
  const object = checkTypeMeta(target.type, decodeObject(await req.body(), req.headers['content-type']));
  const name = target.name!;
  if (object.metadata.name && object.metadata.name !== name) throw errors.badRequest(`the name of the object (${object.metadata.name}) does not match the name on the URL (${name})`);
  if (target.type.namespaced && object.metadata.namespace && object.metadata.namespace !== target.namespace) {
    throw errors.badRequest('the namespace of the provided object does not match the namespace sent on the request');
  }
  const current = ctx.backend.store.require<Loose>(keyOf(target.type), target.namespace, name);
  return reply(200, update(ctx, target, current, object, dryRun));
}

export async function patchObject(ctx: ApiContext, req: ApiRequest, target: ResourceTarget): Promise<Reply> {
  checkWriteParams(req.query);
  const dryRun = isDryRun(req.query);
  const contentType = req.headers['content-type'];
  checkPatchType(target.type, contentType);
  const text = await req.body();
  if (mediaType(contentType) === APPLY_PATCH) return apply(ctx, req, target, text, dryRun);
  const current = ctx.backend.store.require<Loose>(keyOf(target.type), target.namespace, target.name!);
  const patched = applyPatch(target.type, current, text, contentType);
  if (!isRecord(patched)) throw errors.invalid(target.type.kind, target.name!, [{ field: '', message: 'the patch must leave a JSON object' }], target.type.group);
  return reply(200, update(ctx, target, current, checkPatched(target, patched), dryRun));
}

function checkPatched(target: ResourceTarget, patched: Record<string, unknown>): Loose {
  const object = checkTypeMeta(target.type, patched);
  if (object.metadata.name !== target.name) throw errors.badRequest(`the name of the object (${String(object.metadata.name)}) does not match the name on the URL (${target.name})`);
  return object;
}

function update(ctx: ApiContext, target: ResourceTarget, current: Loose, requested: Loose, dryRun: boolean): KubeObject {
  const { store } = ctx.backend;
  const key = keyOf(target.type);
  const expected = requested.metadata.resourceVersion;
  const next = prepareUpdate(ctx.backend, target.type, current, requested, target.subresource);
  const stored = store.update(key, next, { expectedResourceVersion: expected, dryRun });
  // Removing the last finalizer of an object being deleted completes its deletion (pods wait for the kubelet).
  if (!dryRun && stored.metadata.deletionTimestamp && !stored.metadata.finalizers?.length && target.type.kind !== 'Pod') {
    return store.delete(key, stored.metadata.namespace, stored.metadata.name);
  }
  return stored;
}

/**
 * Server-side apply, approximated: the applied configuration is merged into the live object with
 * strategic-merge semantics (or creates it), without field ownership tracking or conflicts.
 */
function apply(ctx: ApiContext, req: ApiRequest, target: ResourceTarget, text: string, dryRun: boolean): Reply {
  if (!req.query.get('fieldManager')) {
    throw errors.invalid('PatchOptions', '', [{ field: 'fieldManager', message: 'Required value: is required for apply patch', reason: 'FieldValueRequired' }], 'meta.k8s.io');
  }
  const applied = decodeObject(text, 'application/yaml');
  if (!applied.apiVersion || !applied.kind) throw errors.badRequest('apiVersion and kind must be set in an apply configuration');
  const object = checkPatched(target, applied);
  const current = ctx.backend.store.get<Loose>(keyOf(target.type), target.namespace, target.name!);
  if (!current) return reply(201, create(ctx, target, object, dryRun));
  const merged = applyStrategicMergePatch(current, object) as Loose;
  merged.metadata.resourceVersion = object.metadata.resourceVersion ?? current.metadata.resourceVersion;
  return reply(200, update(ctx, target, current, merged, dryRun));
}
