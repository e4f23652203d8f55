import type { ClusterBackend } from '../cluster/backend.js';
import { errors } from '../cluster/errors.js';
import type { KubeObject } from '../cluster/objects.js';
import type { ResourceType } from '../cluster/resources.js';
import { apiVersionOf } from '../cluster/resources.js';
import type { IncludeObject, Table } from './tables/index.js';
import { partialObjectMetadata, toTable } from './tables/index.js';

/**
 * Content negotiation on `Accept`: the plain object/list, a meta.k8s.io Table (kubectl's human output)
 * or PartialObjectMetadata (metadata-only clients), as the first acceptable offer asks.
 */
export type Output =
  | { as: 'object' }
  | { as: 'Table'; apiVersion: string; includeObject: IncludeObject }
  | { as: 'PartialObjectMetadata'; apiVersion: string };

export function negotiateOutput(accept: string | undefined, query: URLSearchParams): Output {
  for (const offer of (accept ?? '').split(',')) {
    const [media, ...params] = offer.split(';').map((p) => p.trim());
    const values = Object.fromEntries(params.map((p) => p.split('=').map((s) => s.trim())));
    if (media !== 'application/json' && media !== '*/*' && media !== 'application/*') continue;
    if (!values.as) return { as: 'object' };
    if (values.g !== 'meta.k8s.io' || !['v1', 'v1beta1'].includes(values.v ?? '')) continue;
    const apiVersion = `meta.k8s.io/${values.v}`;
    if (values.as === 'Table') {
      const include = query.get('includeObject') ?? 'Metadata';
      if (!['None', 'Metadata', 'Object'].includes(include)) throw errors.badRequest(`includeObject: Unsupported value: "${include}": supported values: "Metadata", "None", "Object"`);
      return { as: 'Table', apiVersion, includeObject: include as IncludeObject };
    }
    if (values.as === 'PartialObjectMetadata' || values.as === 'PartialObjectMetadataList') return { as: 'PartialObjectMetadata', apiVersion };
  }
  if (!accept || accept.includes('json') || accept.includes('*/*')) return { as: 'object' };
  throw Object.assign(errors.badRequest(`only the following media types are accepted: application/json, application/yaml, application/vnd.kubernetes.protobuf`), { code: 406, reason: 'NotAcceptable' });
}

export interface ListMeta {
  resourceVersion: string;
  continue?: string;
  remainingItemCount?: number;
}

export function renderList(backend: ClusterBackend, type: ResourceType, items: KubeObject[], meta: ListMeta, output: Output): unknown {
  const listMeta = { resourceVersion: meta.resourceVersion, ...(meta.continue ? { continue: meta.continue, remainingItemCount: meta.remainingItemCount } : {}) };
  if (output.as === 'Table') return toTable(type.kind, items, { now: backend.clock.now(), store: backend.store, includeObject: output.includeObject, apiVersion: output.apiVersion, listMeta });
  if (output.as === 'PartialObjectMetadata') {
    return { kind: 'PartialObjectMetadataList', apiVersion: output.apiVersion, metadata: listMeta, items: items.map((o) => partialObjectMetadata(o, output.apiVersion)) };
  }
  return { kind: `${type.kind}List`, apiVersion: apiVersionOf(type), metadata: listMeta, items };
}

export function renderObject(backend: ClusterBackend, type: ResourceType, object: KubeObject, output: Output, noHeaders = false): unknown {
  if (output.as === 'Table') {
    const table: Table = toTable(type.kind, [object], { now: backend.clock.now(), store: backend.store, includeObject: output.includeObject, apiVersion: output.apiVersion, noHeaders, listMeta: { resourceVersion: object.metadata.resourceVersion } });
    return table;
  }
  if (output.as === 'PartialObjectMetadata') return partialObjectMetadata(object, output.apiVersion);
  return object;
}
