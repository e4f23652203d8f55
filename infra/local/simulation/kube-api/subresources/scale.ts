import { errors } from '../../cluster/errors.js';
import type { Deployment, ReplicaSet } from '../../cluster/objects.js';
import { keyOf } from '../../cluster/resources.js';
import { formatSelector } from '../../cluster/selectors.js';
import type { ApiContext, ApiRequest } from '../context.js';
import { checkWriteParams, isDryRun } from '../context.js';
import type { Reply } from '../http.js';
import { decodeObject, isRecord, mediaType, reply } from '../http.js';
import type { Loose } from '../objects/admit.js';
import { prepareUpdate } from '../objects/admit.js';
import { APPLY_PATCH, applyPatch } from '../patch/index.js';
import type { ResourceTarget } from '../routes.js';

/**
 * The autoscaling/v1 Scale subresource of deployments and replica sets (`kubectl scale` PATCHes it
 * with a merge patch): a view of spec.replicas and status, writing through to the owner's spec.
 */
interface Scale {
  kind: 'Scale';
  apiVersion: 'autoscaling/v1';
  metadata: { name: string; namespace?: string; uid?: string; resourceVersion?: string; creationTimestamp?: string };
  spec: { replicas?: number };
  status: { replicas: number; selector?: string };
}

type Scalable = Deployment | ReplicaSet;

function scaleOf(object: Scalable): Scale {
  const { name, namespace, uid, resourceVersion, creationTimestamp } = object.metadata;
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: { name, namespace, uid, resourceVersion, creationTimestamp },
    spec: { replicas: object.spec.replicas ?? 1 },
    status: { replicas: object.status?.replicas ?? 0, selector: formatSelector(object.spec.selector ?? {}) },
  };
}

export function getScale(ctx: ApiContext, target: ResourceTarget): Reply {
  const object = ctx.backend.store.require<Scalable>(keyOf(target.type), target.namespace, target.name!);
  return reply(200, scaleOf(object));
}

export async function updateScale(ctx: ApiContext, req: ApiRequest, target: ResourceTarget): Promise<Reply> {
  checkWriteParams(req.query);
  const dryRun = isDryRun(req.query);
  const { store } = ctx.backend;
  const key = keyOf(target.type);
  const current = store.require<Scalable & Loose>(key, target.namespace, target.name!);
  const text = await req.body();
  let requested: unknown;
  if (req.method === 'PUT') requested = decodeObject(text, req.headers['content-type']);
  else if (mediaType(req.headers['content-type']) === APPLY_PATCH) throw errors.unsupportedMediaType(APPLY_PATCH);
  else requested = applyPatch(target.type, scaleOf(current), text, req.headers['content-type']);
  if (!isRecord(requested)) throw errors.badRequest('the body must be a Scale object');
  if (requested.kind !== undefined && requested.kind !== 'Scale') throw errors.badRequest(`the object provided is unrecognized (must be of type Scale): kind ${String(requested.kind)}`);
  const meta = isRecord(requested.metadata) ? requested.metadata : {};
  if (meta.name !== undefined && meta.name !== target.name) throw errors.badRequest(`the name of the object (${String(meta.name)}) does not match the name on the URL (${target.name})`);
  const replicas = isRecord(requested.spec) ? requested.spec.replicas : undefined;
  if (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 0) {
    throw errors.invalid('Scale', target.name!, [{ field: 'spec.replicas', message: `Invalid value: ${JSON.stringify(replicas ?? null)}: must be greater than or equal to 0` }], 'autoscaling');
  }
  const next = structuredClone(current);
  next.spec.replicas = replicas;
  const prepared = prepareUpdate(ctx.backend, target.type, current, next);
  const expected = typeof meta.resourceVersion === 'string' && meta.resourceVersion ? meta.resourceVersion : undefined;
  const stored = store.update(key, prepared, { expectedResourceVersion: expected, dryRun });
  return reply(200, scaleOf(stored as unknown as Scalable));
}
