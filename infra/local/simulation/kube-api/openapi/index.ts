import { createHash } from 'node:crypto';
import type { ResourceType } from '../../cluster/resources.js';
import { resourceTypes } from '../../cluster/resources.js';
import { servedGroups } from '../routes.js';
import { CHAOS_MESH_GROUP } from '../../../../../lib/chaos-mesh/kind.js';
import type { Schema } from './models.js';
import { definitionName, definitionOf, modelOfKind, packageOfGroup, scalarDefinitions } from './models.js';

/**
 * The OpenAPI documents of the served kinds: v3 (`/openapi/v3`, one document per group version, what
 * `kubectl explain` and client-side apply read) and v2 (`/openapi/v2`, the whole API in one swagger
 * document). Built-in kinds carry the upstream schemas (see models.ts), with their group-version-kind,
 * merge keys and patch strategies; Chaos Mesh kinds are open schemas, as a CRD without a structural
 * schema is. Every kind's paths say it supports server-side field validation, so `kubectl apply/create`
 * send fieldValidation=Strict.
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
  if (CUSTOM_GROUPS.has(t.group)) return `${t.group.split('.').reverse().join('.')}.${t.version}.${t.kind}`;
  return definitionName(modelOfKind(t.version, t.kind), packageOfGroup(t.group));
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
    if (CUSTOM_GROUPS.has(group)) schemas[schemaName(t)] = openSchema(t, gvk);
    else for (const [name, schema] of closure(schemaName(t))) schemas[name] = schema;
  }
  return { openapi: '3.0.0', info: { title: 'Kubernetes', version: 'v1.31.9-eks-5d4a308' }, paths, components: { schemas: sortedKeys(schemas) } };
}

function openSchema(t: ResourceType, gvk: { group: string; version: string; kind: string }): Schema {
  return {
    type: 'object',
    description: `${t.kind} (${t.group}/${t.version}), a Chaos Mesh experiment.`,
    properties: {
      apiVersion: { type: 'string' },
      kind: { type: 'string' },
      metadata: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
      spec: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
      status: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
    },
    'x-kubernetes-group-version-kind': [gvk],
  };
}

/**
 * Every built-in schema by definition name, refs pointing at `#/components/schemas/`. A model shared by
 * several groups is named after the first kind that reaches it (core kinds come first, as core types are).
 */
let registry: Map<string, Schema> | undefined;

function schemaRegistry(): Map<string, Schema> {
  if (registry) return registry;
  const names = new Map<string, string>();
  const definitions = new Map<string, { schema: Schema; refs: string[] }>();
  const kinds = new Map<string, { group: string; version: string; kind: string }[]>();
  for (const t of resourceTypes) {
    if (t.virtual || CUSTOM_GROUPS.has(t.group)) continue;
    const root = modelOfKind(t.version, t.kind);
    const prefix = packageOfGroup(t.group);
    kinds.set(root, [...(kinds.get(root) ?? []), { group: t.group, version: t.version, kind: t.kind }]);
    const queue = [root];
    while (queue.length) {
      const model = queue.shift()!;
      if (names.has(model)) continue;
      const name = definitionName(model, prefix);
      const definition = definitionOf(model, name);
      if (!definition) continue;
      names.set(model, name);
      definitions.set(model, definition);
      queue.push(...definition.refs);
    }
  }
  registry = new Map(Object.entries(scalarDefinitions));
  for (const [model, definition] of definitions) {
    const text = JSON.stringify(definition.schema).replace(/"model:([A-Za-z0-9]+)"/g, (_, ref: string) => JSON.stringify(`#/components/schemas/${names.get(ref) ?? ref}`));
    const schema = JSON.parse(text) as Schema;
    const gvks = kinds.get(model);
    if (gvks) schema['x-kubernetes-group-version-kind'] = gvks;
    registry.set(names.get(model)!, schema);
  }
  return registry;
}

/** A schema and every schema it refers to, transitively (what one document must carry). */
function closure(root: string): Map<string, Schema> {
  const all = schemaRegistry();
  const out = new Map<string, Schema>();
  const queue = [root];
  while (queue.length) {
    const name = queue.shift()!;
    if (out.has(name) || !all.has(name)) continue;
    const schema = all.get(name)!;
    out.set(name, schema);
    for (const match of JSON.stringify(schema).matchAll(/"#\/components\/schemas\/([^"]+)"/g)) queue.push(match[1]!);
  }
  return out;
}

function sortedKeys<T>(record: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => a.localeCompare(b)));
}

let v2: unknown;

/** The swagger 2.0 document (`/openapi/v2` as JSON): every served path and definition in one. */
export function openApiV2(): unknown {
  if (v2) return v2;
  const paths: Record<string, unknown> = {};
  const definitions: Record<string, unknown> = {};
  const gvs = [{ group: '', version: 'v1' }, ...servedGroups.flatMap((g) => g.versions.map((version) => ({ group: g.group, version })))];
  for (const { group, version } of gvs) {
    const document = openApiGroupVersion(group, version) as { paths: Record<string, unknown>; components: { schemas: Record<string, unknown> } };
    Object.assign(paths, document.paths);
    Object.assign(definitions, document.components.schemas);
  }
  const swagger = { swagger: '2.0', info: { title: 'Kubernetes', version: 'v1.31.9-eks-5d4a308' }, paths, definitions: sortedKeys(definitions) };
  v2 = JSON.parse(JSON.stringify(swagger).replaceAll('#/components/schemas/', '#/definitions/'));
  return v2;
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
