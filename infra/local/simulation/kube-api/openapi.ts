import { createHash } from 'node:crypto';
import type { ResourceType } from '../cluster/resources.js';
import { resourceTypes } from '../cluster/resources.js';
import { servedGroups } from './routes.js';
import { CHAOS_MESH_GROUP } from '../../../../lib/chaos-mesh/kind.js';

/**
 * A small OpenAPI v3 surface: enough for kubectl to learn that every kind supports server-side field
 * validation (so `kubectl apply/create` send fieldValidation=Strict instead of failing to download a
 * schema) and which kinds take strategic merge patches. Schemas are open (preserve unknown fields);
 * the server validates what it cares about itself.
 */

const CUSTOM_GROUPS = new Set([CHAOS_MESH_GROUP]);

function gvPath(group: string, version: string): string {
  return group ? `apis/${group}/${version}` : `api/${version}`;
}

const queryParam = (name: string, description: string) => ({ name, in: 'query', description, schema: { type: 'string', uniqueItems: true } });
const writeParams = [
  queryParam('dryRun', 'When present, indicates that modifications should not be persisted.'),
  queryParam('fieldManager', 'a name associated with the actor or entity that is making these changes.'),
  queryParam('fieldValidation', 'instructs the server on how to handle objects in the request containing unknown or duplicate fields: Ignore, Warn or Strict.'),
];
const pathParams = (names: string[]) => names.map((name) => ({ name, in: 'path', required: true, schema: { type: 'string', uniqueItems: true } }));

function schemaName(t: ResourceType): string {
  const prefix = t.group ? t.group.split('.').reverse().join('.') : 'io.k8s.api.core';
  return `${prefix}.${t.version}.${t.kind}`;
}

function operations(t: ResourceType, action: 'collection' | 'item' | 'subresource', gvk: { group: string; version: string; kind: string }): Record<string, unknown> {
  const ref = { $ref: `#/components/schemas/${schemaName(t)}` };
  const body = (types: string[]) => ({ content: Object.fromEntries(types.map((type) => [type, { schema: ref }])), required: true });
  const responses = { '200': { description: 'OK', content: { 'application/json': { schema: ref } } } };
  const op = (verb: string, extra: Record<string, unknown> = {}) => ({
    operationId: `${verb}${t.kind}`,
    responses,
    'x-kubernetes-action': verb,
    'x-kubernetes-group-version-kind': gvk,
    ...extra,
  });
  const readOnly = !t.verbs.includes('create');
  if (action === 'collection') {
    return {
      get: op('list'),
      ...(readOnly ? {} : { post: op('post', { parameters: writeParams, requestBody: body(['*/*']) }) }),
    };
  }
  const patchTypes = ['application/json-patch+json', 'application/merge-patch+json', 'application/apply-patch+yaml'];
  if (!CUSTOM_GROUPS.has(t.group) && !t.virtual) patchTypes.push('application/strategic-merge-patch+json');
  return {
    get: op('get'),
    ...(readOnly
      ? {}
      : {
          put: op('put', { parameters: writeParams, requestBody: body(['*/*']) }),
          patch: op('patch', { parameters: [...writeParams, queryParam('force', 'Force is going to "force" Apply requests.')], requestBody: body(patchTypes) }),
          ...(action === 'item' ? { delete: op('delete', { parameters: [writeParams[0]] }) } : {}),
        }),
  };
}

const documents = new Map<string, unknown>();

/** The documents are static (built from the registry), so each is built once. */
export function openApiGroupVersion(group: string, version: string): unknown {
  const key = gvPath(group, version);
  if (!documents.has(key)) documents.set(key, buildGroupVersion(group, version));
  return documents.get(key);
}

function buildGroupVersion(group: string, version: string): unknown {
  const paths: Record<string, unknown> = {};
  const schemas: Record<string, unknown> = {};
  for (const t of resourceTypes.filter((r) => r.group === group && r.version === version)) {
    const gvk = { group, version, kind: t.kind };
    const base = `/${gvPath(group, version)}`;
    const scoped = t.namespaced ? `${base}/namespaces/{namespace}/${t.plural}` : `${base}/${t.plural}`;
    const scopeParams = t.namespaced ? ['namespace'] : [];
    paths[scoped] = { parameters: pathParams(scopeParams), ...operations(t, 'collection', gvk) };
    paths[`${scoped}/{name}`] = { parameters: pathParams(['name', ...scopeParams]), ...operations(t, 'item', gvk) };
    if (t.namespaced) paths[`${base}/${t.plural}`] = { get: { operationId: `list${t.kind}ForAllNamespaces`, 'x-kubernetes-action': 'list', 'x-kubernetes-group-version-kind': gvk, responses: {} } };
    for (const s of t.subresources ?? []) {
      const subGvk = { group: s.group ?? group, version: s.version ?? version, kind: s.kind };
      if (s.verbs.includes('patch')) paths[`${scoped}/{name}/${s.name}`] = { parameters: pathParams(['name', ...scopeParams]), ...operations(t, 'subresource', subGvk) };
    }
    schemas[schemaName(t)] = {
      type: 'object',
      description: `${t.kind} (${t.group || 'core'}/${t.version}) as served by the local pet-adoption cluster.`,
      properties: {
        apiVersion: { type: 'string' },
        kind: { type: 'string' },
        metadata: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
        spec: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
        status: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
      },
      // Built-in kinds carry no GVK here on purpose: kubectl then computes strategic merge patches from
      // its compiled-in types (with the real merge keys) instead of from these open schemas.
      ...(CUSTOM_GROUPS.has(group) ? { 'x-kubernetes-group-version-kind': [gvk] } : {}),
    };
  }
  return { openapi: '3.0.0', info: { title: 'Kubernetes', version: 'v1.31.9-eks-5d4a308' }, paths, components: { schemas } };
}

let root: unknown;

export function openApiRoot(): unknown {
  root ??= buildRoot();
  return root;
}

function buildRoot(): unknown {
  const paths: Record<string, unknown> = {};
  const gvs = [{ group: '', version: 'v1' }, ...servedGroups.flatMap((g) => g.versions.map((version) => ({ group: g.group, version })))];
  for (const { group, version } of gvs) {
    const hash = createHash('sha512').update(JSON.stringify(openApiGroupVersion(group, version))).digest('hex').slice(0, 32).toUpperCase();
    paths[gvPath(group, version)] = { serverRelativeURL: `/openapi/v3/${gvPath(group, version)}?hash=${hash}` };
  }
  return { paths };
}

/** `/openapi/v3/<api/v1 | apis/g/v>` -> the group/version it names, if served. */
export function groupVersionOfOpenApiPath(segments: string[]): { group: string; version: string } | undefined {
  if (segments[0] === 'api' && segments.length === 2 && segments[1] === 'v1') return { group: '', version: 'v1' };
  if (segments[0] === 'apis' && segments.length === 3) {
    const [, group, version] = segments;
    if (servedGroups.some((g) => g.group === group && g.versions.includes(version!))) return { group: group!, version: version! };
  }
  return undefined;
}
