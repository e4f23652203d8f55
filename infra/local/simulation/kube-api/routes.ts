import type { ResourceType } from '../cluster/resources.js';
import { resourceTypes } from '../cluster/resources.js';
import { CHAOS_MESH_GROUP } from '../../../../lib/chaos-mesh/kind.js';

/**
 * Where a Kubernetes URL points, resolved the way kube-apiserver's request-info resolver does it
 * (including the `namespaces/<ns>/status` vs `namespaces/<ns>/<resource>` ambiguity).
 */
export type Route =
  | { kind: 'health'; check: string }
  | { kind: 'version' }
  | { kind: 'openapi'; segments: string[] }
  | { kind: 'legacy-root' }
  | { kind: 'groups-root' }
  | { kind: 'group'; group: string }
  | { kind: 'resource-list'; group: string; version: string }
  | { kind: 'resource'; target: ResourceTarget }
  | { kind: 'unknown' };

export interface ResourceTarget {
  type: ResourceType;
  namespace?: string;
  name?: string;
  subresource?: string;
  /** Deprecated `/api/v1/watch/...` form. */
  watchPath: boolean;
}

const healthChecks = new Set(['healthz', 'livez', 'readyz']);

export function isKubePath(path: string): boolean {
  const first = path.split('/')[1] ?? '';
  return first === 'api' || first === 'apis' || first === 'version' || first === 'openapi' || healthChecks.has(first);
}

export function resolveRoute(path: string): Route {
  const segments = path.split('/').filter(Boolean).map(safeDecode);
  const [first, ...rest] = segments;
  if (!first) return { kind: 'unknown' };
  if (healthChecks.has(first)) return { kind: 'health', check: first };
  if (first === 'version') return rest.length === 0 ? { kind: 'version' } : { kind: 'unknown' };
  if (first === 'openapi') return { kind: 'openapi', segments: rest };
  if (first === 'api') {
    if (rest.length === 0) return { kind: 'legacy-root' };
    const [version, ...tail] = rest;
    if (version !== 'v1') return { kind: 'unknown' };
    return tail.length === 0 ? { kind: 'resource-list', group: '', version } : resourceRoute('', version, tail);
  }
  if (first === 'apis') {
    if (rest.length === 0) return { kind: 'groups-root' };
    const [group, version, ...tail] = rest;
    if (!groupExists(group!)) return { kind: 'unknown' };
    if (!version) return { kind: 'group', group: group! };
    if (!groupVersionExists(group!, version)) return { kind: 'unknown' };
    return tail.length === 0 ? { kind: 'resource-list', group: group!, version } : resourceRoute(group!, version, tail);
  }
  return { kind: 'unknown' };
}

function resourceRoute(group: string, version: string, tail: string[]): Route {
  let watchPath = false;
  if (tail[0] === 'watch') {
    watchPath = true;
    tail = tail.slice(1);
  }
  let namespace: string | undefined;
  // "namespaces/x" alone or with a namespace subresource is the Namespace object itself.
  if (tail[0] === 'namespaces' && tail.length >= 3 && group === '' && !(tail.length === 3 && ['status', 'finalize'].includes(tail[2]!))) {
    namespace = tail[1];
    tail = tail.slice(2);
  } else if (tail[0] === 'namespaces' && tail.length >= 3 && group !== '') {
    namespace = tail[1];
    tail = tail.slice(2);
  }
  const [plural, name, subresource, ...extra] = tail;
  if (!plural || extra.length > 0) return { kind: 'unknown' };
  const type = resourceTypes.find((t) => t.group === group && t.version === version && t.plural === plural);
  if (!type) return { kind: 'unknown' };
  if (namespace !== undefined && !type.namespaced) return { kind: 'unknown' };
  if (subresource && !(type.subresources ?? []).some((s) => s.name === subresource)) return { kind: 'unknown' };
  if (subresource && watchPath) return { kind: 'unknown' };
  if (name !== undefined && type.namespaced && namespace === undefined) return { kind: 'unknown' };
  return {
    kind: 'resource',
    target: { type, watchPath, ...(namespace !== undefined ? { namespace } : {}), ...(name !== undefined ? { name } : {}), ...(subresource ? { subresource } : {}) },
  };
}

/** The API groups served under /apis, in the order discovery lists them (kubectl's RESTMapper priority). */
export const servedGroups: { group: string; versions: string[] }[] = (() => {
  // kube-apiserver's priority order (aggregator's apiVersionPriorities), then CRD groups, then aggregated APIs.
  const order = [
    'apiregistration.k8s.io', 'apps', 'events.k8s.io', 'authentication.k8s.io', 'authorization.k8s.io', 'autoscaling', 'batch', 'certificates.k8s.io',
    'networking.k8s.io', 'policy', 'rbac.authorization.k8s.io', 'storage.k8s.io', 'admissionregistration.k8s.io', 'apiextensions.k8s.io', 'scheduling.k8s.io',
    'coordination.k8s.io', 'node.k8s.io', 'discovery.k8s.io', 'flowcontrol.apiserver.k8s.io', CHAOS_MESH_GROUP, 'metrics.k8s.io',
  ];
  const groups = new Map<string, Set<string>>();
  for (const g of order) groups.set(g, new Set());
  for (const t of resourceTypes) {
    if (!t.group) continue;
    if (!groups.has(t.group)) groups.set(t.group, new Set());
    groups.get(t.group)!.add(t.version);
  }
  return [...groups].filter(([, versions]) => versions.size > 0).map(([group, versions]) => ({ group, versions: [...versions] }));
})();

function groupExists(group: string): boolean {
  return servedGroups.some((g) => g.group === group);
}

function groupVersionExists(group: string, version: string): boolean {
  return servedGroups.some((g) => g.group === group && g.versions.includes(version));
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
