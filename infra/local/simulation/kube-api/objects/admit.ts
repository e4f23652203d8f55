import type { ClusterBackend } from '../../cluster/backend.js';
import { ApiError, errors } from '../../cluster/errors.js';
import type { KubeObject } from '../../cluster/objects.js';
import type { ResourceType } from '../../cluster/resources.js';
import { apiVersionOf, NAMESPACE } from '../../cluster/resources.js';
import { applyDefaults, prepareNewPod } from '../admission/defaults.js';
import { validateObject } from '../admission/validation.js';
import { isRecord } from '../http.js';
import { CHAOS_MESH_GROUP } from '../../../../../lib/chaos-mesh/kind.js';

/**
 * The write path every create, update, patch and apply goes through, in the API server's order:
 * type meta checks, system metadata, defaulting, then validation (a 422 with one cause per field).
 */
export type Loose = KubeObject & Record<string, unknown>;

export function hasStatusSubresource(type: ResourceType): boolean {
  return (type.subresources ?? []).some((s) => s.name === 'status') || type.kind === 'Namespace';
}

/** Kinds whose DELETE answers with the object rather than a Status (ReturnDeletedObject in the registry). */
export function returnsDeletedObject(type: ResourceType): boolean {
  return ['Pod', 'Service', 'Namespace'].includes(type.kind) || type.group === CHAOS_MESH_GROUP;
}

/** Fills or checks apiVersion/kind against the URL; a body of another kind is a 400. */
export function checkTypeMeta(type: ResourceType, body: Record<string, unknown>): Loose {
  const apiVersion = apiVersionOf(type);
  if ((body.kind !== undefined && body.kind !== type.kind) || (body.apiVersion !== undefined && body.apiVersion !== apiVersion)) {
    throw errors.badRequest(`the object provided is unrecognized (must be of type ${type.kind}): kind ${String(body.kind ?? '')} apiVersion ${String(body.apiVersion ?? '')} does not match ${type.kind} ${apiVersion}`);
  }
  if (body.metadata === undefined || body.metadata === null) body.metadata = {};
  if (!isRecord(body.metadata)) throw errors.badRequest('metadata: must be an object');
  body.apiVersion = apiVersion;
  body.kind = type.kind;
  return body as Loose;
}

export function scopeToUrl(type: ResourceType, object: Loose, namespace: string | undefined): void {
  const meta = object.metadata;
  if (!type.namespaced) {
    delete meta.namespace;
    return;
  }
  if (meta.namespace && meta.namespace !== namespace) throw errors.badRequest('the namespace of the provided object does not match the namespace sent on the request');
  meta.namespace = namespace;
}

function reject(type: ResourceType, object: Loose, causes: ReturnType<typeof validateObject>): ApiError {
  return errors.invalid(type.kind, object.metadata.name ?? '', causes, type.group);
}

export function prepareCreate(backend: ClusterBackend, type: ResourceType, object: Loose, namespace: string | undefined): Loose {
  scopeToUrl(type, object, namespace);
  const meta = object.metadata;
  if (meta.resourceVersion) throw errors.internal('resourceVersion should not be set on objects to be created');
  if (type.namespaced && !backend.store.get(NAMESPACE, undefined, meta.namespace!)) throw errors.notFound('namespaces', meta.namespace!);
  if (!meta.name && meta.generateName) meta.name = `${meta.generateName}${backend.random.suffix(5)}`;
  for (const field of ['uid', 'creationTimestamp', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'generation', 'managedFields'] as const) delete meta[field];
  applyDefaults(object, backend.random);
  if (type.kind === 'Pod' && isRecord(object.spec)) prepareNewPod(object, backend.random);
  else if (type.kind === 'Deployment' || type.kind === 'ReplicaSet' || type.kind === 'DaemonSet') object.status = {};
  else if (type.kind !== 'Namespace' && hasStatusSubresource(type)) delete object.status;
  const causes = validateObject(type, object);
  if (causes.length) throw reject(type, object, causes);
  return object;
}

/**
 * The object an update would store: the client's version with system metadata kept, status kept
 * (main resource) or only status taken (status subresource), defaults re-applied where the client
 * dropped a defaulted field.
 */
export function prepareUpdate(backend: ClusterBackend, type: ResourceType, current: Loose, requested: Loose, subresource?: string): Loose {
  let next: Loose;
  if (subresource === 'status') {
    next = structuredClone(current);
    if (requested.status === undefined) delete next.status;
    else next.status = structuredClone(requested.status);
    next.metadata.resourceVersion = requested.metadata.resourceVersion ?? current.metadata.resourceVersion;
  } else {
    next = structuredClone(requested);
    if (hasStatusSubresource(type)) {
      if (current.status === undefined) delete next.status;
      else next.status = structuredClone(current.status);
    }
  }
  const meta = next.metadata;
  meta.name = current.metadata.name;
  if (type.namespaced) meta.namespace = current.metadata.namespace;
  else delete meta.namespace;
  for (const field of ['uid', 'creationTimestamp', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'generation'] as const) {
    if (current.metadata[field] === undefined) delete meta[field];
    else (meta as unknown as Record<string, unknown>)[field] = current.metadata[field];
  }
  if (type.kind === 'Service' && isRecord(next.spec) && isRecord(current.spec) && next.spec.clusterIP === undefined) {
    // A cluster IP is allocated once; an update that leaves it out keeps it.
    next.spec.clusterIP = current.spec.clusterIP;
    next.spec.clusterIPs = current.spec.clusterIPs;
  }
  if (!subresource) next = withDefaultsKept(next, current, backend);
  const causes = validateObject(type, next, current);
  if (causes.length) throw reject(type, next, causes);
  return next;
}

function defaulted(object: Loose, backend: ClusterBackend): Loose {
  const copy = structuredClone(object);
  applyDefaults(copy, backend.random);
  return copy;
}

/**
 * Defaulting on update, without inventing fields the stored object never had: a default is kept only
 * where the stored object has that field (the client removed it). Objects the simulation seeded
 * without every default so keep their pod templates byte-for-byte, and a `kubectl scale` never turns
 * into a rollout because defaulting touched the template.
 */
function withDefaultsKept(next: Loose, current: Loose, backend: ClusterBackend): Loose {
  const full = defaulted(next, backend);
  prune(full, next, current);
  return full;
}

function prune(full: unknown, requested: unknown, stored: unknown): void {
  if (Array.isArray(full)) {
    full.forEach((item, i) => prune(item, Array.isArray(requested) ? requested[i] : undefined, Array.isArray(stored) ? stored[i] : undefined));
    return;
  }
  if (!isRecord(full)) return;
  const req = isRecord(requested) ? requested : {};
  const old = isRecord(stored) ? stored : {};
  for (const key of Object.keys(full)) {
    if (!(key in req)) {
      if (!(key in old)) delete full[key];
      else prune(full[key], undefined, old[key]);
    } else {
      prune(full[key], req[key], old[key]);
    }
  }
}
