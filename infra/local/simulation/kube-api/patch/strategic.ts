import { errors } from '../../cluster/errors.js';
import { isRecord } from '../http.js';

/**
 * Strategic merge patch for the built-in kinds: maps merge, lists with a patch merge key merge item by
 * item, other lists replace. Directives: `$patch: replace|delete|merge`, `$retainKeys`,
 * `$setElementOrder/<list>`, `$deleteFromPrimitiveList/<list>`. Merge keys follow the
 * `patchMergeKey` tags of k8s.io/api, looked up by the field's place in the object.
 */
type ListStrategy = { mergeKey: string } | { primitive: true } | undefined;

const CONTAINER_LISTS = new Set(['containers', 'initContainers', 'ephemeralContainers']);

function listStrategy(path: string[]): ListStrategy {
  const field = path[path.length - 1];
  const parent = path[path.length - 2];
  switch (field) {
    case 'containers':
    case 'initContainers':
    case 'ephemeralContainers':
    case 'env':
    case 'volumes':
    case 'imagePullSecrets':
    case 'resourceClaims':
      return { mergeKey: 'name' };
    case 'ports':
      return { mergeKey: CONTAINER_LISTS.has(parent ?? '') ? 'containerPort' : 'port' };
    case 'volumeMounts':
      return { mergeKey: 'mountPath' };
    case 'volumeDevices':
      return { mergeKey: 'devicePath' };
    case 'conditions':
    case 'addresses':
      return { mergeKey: 'type' };
    case 'ownerReferences':
      return { mergeKey: 'uid' };
    case 'hostAliases':
      return { mergeKey: 'ip' };
    case 'topologySpreadConstraints':
      return { mergeKey: 'topologyKey' };
    case 'finalizers':
      return { primitive: true };
    default:
      return undefined;
  }
}

export function applyStrategicMergePatch<T>(original: T, patch: unknown): T {
  if (!isRecord(patch)) throw errors.badRequest('strategic merge patch must be a JSON object');
  return mergeMap(isRecord(original) ? original : {}, patch, []) as T;
}

function mergeMap(original: Record<string, unknown>, patch: Record<string, unknown>, path: string[]): Record<string, unknown> {
  if (patch.$patch === 'replace') return withoutDirectives(patch);
  const result = structuredClone(original);
  for (const [key, value] of Object.entries(patch)) {
    if (key === '$patch' || key === '$retainKeys' || key.startsWith('$setElementOrder/')) continue;
    if (key.startsWith('$deleteFromPrimitiveList/')) {
      const field = key.slice('$deleteFromPrimitiveList/'.length);
      const drop = Array.isArray(value) ? value : [];
      if (Array.isArray(result[field])) result[field] = (result[field] as unknown[]).filter((v) => !drop.includes(v));
      continue;
    }
    if (value === null) {
      delete result[key];
    } else if (isRecord(value)) {
      if (value.$patch === 'delete') delete result[key];
      else result[key] = mergeMap(isRecord(result[key]) ? result[key] : {}, value, [...path, key]);
    } else if (Array.isArray(value)) {
      result[key] = mergeList(result[key], value, [...path, key]);
    } else {
      result[key] = value;
    }
  }
  for (const [key, order] of Object.entries(patch)) {
    if (!key.startsWith('$setElementOrder/') || !Array.isArray(order)) continue;
    const field = key.slice('$setElementOrder/'.length);
    if (Array.isArray(result[field])) result[field] = reorder(result[field] as unknown[], order, listStrategy([...path, field]));
  }
  if (Array.isArray(patch.$retainKeys)) {
    const keep = new Set(patch.$retainKeys as string[]);
    for (const key of Object.keys(result)) if (!keep.has(key)) delete result[key];
  }
  return result;
}

function mergeList(original: unknown, patch: unknown[], path: string[]): unknown[] {
  const replace = patch.some((item) => isRecord(item) && item.$patch === 'replace' && Object.keys(item).length === 1);
  const items = patch.filter((item) => !(isRecord(item) && item.$patch === 'replace' && Object.keys(item).length === 1));
  const strategy = listStrategy(path);
  if (replace || !strategy) return items.map((item) => (isRecord(item) ? withoutDirectives(item) : item));
  const result = Array.isArray(original) ? structuredClone(original) : [];
  if ('primitive' in strategy) {
    for (const item of items) if (!result.includes(item)) result.push(item);
    return result;
  }
  const { mergeKey } = strategy;
  for (const item of items) {
    if (!isRecord(item)) {
      result.push(item);
      continue;
    }
    const index = result.findIndex((existing) => isRecord(existing) && existing[mergeKey] === item[mergeKey]);
    if (item.$patch === 'delete') {
      if (index >= 0) result.splice(index, 1);
    } else if (index >= 0) {
      result[index] = mergeMap(result[index] as Record<string, unknown>, item, path);
    } else {
      result.push(mergeMap({}, item, path));
    }
  }
  return result;
}

function reorder(list: unknown[], order: unknown[], strategy: ListStrategy): unknown[] {
  const keyOf = (item: unknown) => (strategy && 'mergeKey' in strategy && isRecord(item) ? item[strategy.mergeKey] : item);
  const wanted = order.map(keyOf);
  const ranked = list.map((item, position) => {
    const rank = wanted.indexOf(keyOf(item));
    return { item, rank: rank < 0 ? wanted.length + position : rank };
  });
  return ranked.sort((a, b) => a.rank - b.rank).map((r) => r.item);
}

function withoutDirectives(map: Record<string, unknown>): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(map)) {
    if (key.startsWith('$')) continue;
    if (value === null) continue;
    result[key] = isRecord(value) ? withoutDirectives(value) : Array.isArray(value) ? value.map((v) => (isRecord(v) ? withoutDirectives(v) : v)) : structuredClone(value);
  }
  return result;
}
