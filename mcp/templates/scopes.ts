/**
 * Scopes: which entities a query is about (one service, each pod of a namespace, each node...) and how
 * each source of metrics spells that selection. cAdvisor names a service's containers after it,
 * kube-state-metrics has pod-level series without a container label, the application metrics carry a
 * `service` label, and node metrics only know nodes; one table says it all, so every measure gets the
 * same, correct selection.
 */
import type { TemplateParam } from './types.js';

/** A source of metrics with its own label set. */
export type Family = 'container' | 'network' | 'kubeContainer' | 'kubeResource' | 'kubePod' | 'http' | 'node' | 'deployment';

/** What the query is about. */
export type ScopeEntity = 'cluster' | 'namespace' | 'service' | 'pod' | 'node' | 'route';
/** One result line per ... */
export type ScopeGroup = 'pod' | 'service' | 'namespace' | 'node' | 'route' | 'code' | 'method';

interface FamilyLabels {
  /** Matcher selecting one entity, with its placeholder. */
  select: Partial<Record<ScopeEntity, string>>;
  /**
   * Matchers every query of the family carries: cAdvisor also reports each pod's own cgroup and its
   * sandbox (`container=""`; `container="POD"` under dockershim) and the node's root cgroup (no pod),
   * which a sum would count twice.
   */
  base?: string[];
  /** Label carrying each grouping. */
  group: Partial<Record<ScopeGroup, string>>;
  /** Whether the family has a namespace label (so service scopes pin it). */
  namespaced: boolean;
}

export const families: Record<Family, FamilyLabels> = {
  container: {
    select: { namespace: 'namespace="${namespace}"', service: 'container="${service}"', pod: 'pod="${pod}"', node: 'node="${node}"' },
    base: ['container!=""', 'container!="POD"'],
    group: { pod: 'pod', service: 'container', namespace: 'namespace', node: 'node' },
    namespaced: true,
  },
  network: {
    select: { namespace: 'namespace="${namespace}"', service: 'pod=~"${service}-.*"', pod: 'pod="${pod}"', node: 'node="${node}"' },
    // Pod network counters sit on the sandbox (containerd: container=""; dockershim: "POD"); the root
    // cgroup's are the node's interfaces, without a pod.
    base: ['pod!=""'],
    group: { pod: 'pod', namespace: 'namespace', node: 'node' },
    namespaced: true,
  },
  kubeContainer: {
    select: { namespace: 'namespace="${namespace}"', service: 'container="${service}"', pod: 'pod="${pod}"' },
    group: { pod: 'pod', service: 'container', namespace: 'namespace' },
    namespaced: true,
  },
  kubeResource: {
    select: { namespace: 'namespace="${namespace}"', service: 'container="${service}"', pod: 'pod="${pod}"', node: 'node="${node}"' },
    group: { pod: 'pod', service: 'container', namespace: 'namespace', node: 'node' },
    namespaced: true,
  },
  kubePod: {
    select: { namespace: 'namespace="${namespace}"', service: 'pod=~"${service}-.*"', pod: 'pod="${pod}"' },
    group: { pod: 'pod', namespace: 'namespace' },
    namespaced: true,
  },
  http: {
    select: { service: 'service="${service}"', pod: 'pod="${pod}"', namespace: 'namespace="${namespace}"', route: 'route="${route}"' },
    group: { service: 'service', pod: 'pod', route: 'route', code: 'code', method: 'method', namespace: 'namespace' },
    namespaced: false,
  },
  node: {
    select: { node: 'node="${node}"' },
    group: { node: 'node' },
    namespaced: false,
  },
  deployment: {
    select: { namespace: 'namespace="${namespace}"', service: 'deployment="${service}"' },
    group: { service: 'deployment', namespace: 'namespace' },
    namespaced: true,
  },
};

export interface Scope {
  id: string;
  entity: ScopeEntity;
  group?: ScopeGroup;
}

/** Every scope a measure can be asked about; which apply depends on the measure's families. */
export const scopes: Scope[] = [
  { id: 'service', entity: 'service' },
  { id: 'service-by-pod', entity: 'service', group: 'pod' },
  { id: 'service-by-service', entity: 'service', group: 'service' },
  { id: 'service-by-route', entity: 'service', group: 'route' },
  { id: 'service-by-code', entity: 'service', group: 'code' },
  { id: 'service-by-method', entity: 'service', group: 'method' },
  { id: 'service-by-node', entity: 'service', group: 'node' },
  { id: 'route', entity: 'route' },
  { id: 'pod', entity: 'pod' },
  { id: 'pod-by-pod', entity: 'pod', group: 'pod' },
  { id: 'namespace', entity: 'namespace' },
  { id: 'namespace-by-pod', entity: 'namespace', group: 'pod' },
  { id: 'namespace-by-service', entity: 'namespace', group: 'service' },
  { id: 'namespace-by-namespace', entity: 'namespace', group: 'namespace' },
  { id: 'namespace-by-node', entity: 'namespace', group: 'node' },
  { id: 'cluster', entity: 'cluster' },
  { id: 'cluster-by-pod', entity: 'cluster', group: 'pod' },
  { id: 'cluster-by-service', entity: 'cluster', group: 'service' },
  { id: 'cluster-by-namespace', entity: 'cluster', group: 'namespace' },
  { id: 'cluster-by-node', entity: 'cluster', group: 'node' },
  { id: 'cluster-by-route', entity: 'cluster', group: 'route' },
  { id: 'cluster-by-method', entity: 'cluster', group: 'method' },
  { id: 'node', entity: 'node' },
  { id: 'node-by-pod', entity: 'node', group: 'pod' },
  { id: 'node-by-node', entity: 'node', group: 'node' },
];

export const scopeById = new Map(scopes.map((s) => [s.id, s]));

const param = {
  namespace: { name: 'namespace', kind: 'namespace', description: 'Kubernetes namespace', default: 'petadoptions' },
  service: { name: 'service', kind: 'service', description: 'service (deployment, container or `service` label); several values match any of them', default: 'petsite' },
  pod: { name: 'pod', kind: 'pod', description: 'pod name; several values match any of them' },
  node: { name: 'node', kind: 'node', description: 'node name; several values match any of them' },
  route: { name: 'route', kind: 'route', description: 'HTTP route, as the `route` label has it', default: '/Search' },
} satisfies Record<string, TemplateParam>;

/** Whether every family can express the scope (its entity selection and its grouping). */
export function scopeApplies(scope: Scope, fams: Family[]): boolean {
  return fams.every((f) => {
    const labels = families[f];
    if (scope.entity !== 'cluster' && !labels.select[scope.entity]) return false;
    if (scope.entity === 'route' && !labels.select.service) return false;
    if (scope.group && !labels.group[scope.group]) return false;
    return true;
  });
}

/** Parameters the scope needs, in order. */
export function scopeParams(scope: Scope, fams: Family[]): TemplateParam[] {
  const namespaced = fams.some((f) => families[f].namespaced);
  switch (scope.entity) {
    case 'service':
      return namespaced ? [param.namespace, param.service] : [param.service];
    case 'route':
      return [param.service, param.route];
    case 'pod':
      return namespaced ? [param.namespace, param.pod] : [param.pod];
    case 'namespace':
      return [param.namespace];
    case 'node':
      return [param.node];
    case 'cluster':
      return [];
  }
}

/** Matchers for one family in a scope, plus the measure's own. */
export function matchersFor(scope: Scope, family: Family, extra: string[] = []): string[] {
  const labels = families[family];
  const out: string[] = [];
  const pinsNamespace = labels.select.namespace !== undefined && (scope.entity === 'namespace' || (labels.namespaced && (scope.entity === 'service' || scope.entity === 'pod')));
  if (pinsNamespace) out.push(labels.select.namespace!);
  if (scope.entity === 'route') out.push(labels.select.service!, labels.select.route!);
  else if (scope.entity !== 'cluster' && scope.entity !== 'namespace') out.push(labels.select[scope.entity]!);
  // A service scope already names the container (or the pods), which excludes what the base drops.
  if (scope.entity !== 'service' && scope.entity !== 'route') out.push(...(labels.base ?? []));
  out.push(...extra);
  return out;
}

/** Labels to aggregate by, so results stay unambiguous: pods and services are only unique within a namespace. */
export function groupingFor(scope: Scope, family: Family): string[] {
  if (!scope.group) return [];
  const labels = families[family];
  const label = labels.group[scope.group]!;
  const namespacePinned = scope.entity === 'service' || scope.entity === 'namespace' || scope.entity === 'pod';
  if (labels.namespaced && !namespacePinned && (scope.group === 'pod' || scope.group === 'service')) return ['namespace', label];
  return [label];
}

/** How a question names the scope, with placeholders ("each pod of ${service}"). */
export function scopeSubject(scope: Scope): string {
  const subjects: Record<string, string> = {
    service: '${service}',
    'service-by-pod': 'each pod of ${service}',
    'service-by-service': 'each of the services ${service}',
    'service-by-route': 'each route of ${service}',
    'service-by-code': '${service}, by status code',
    'service-by-method': '${service}, by HTTP method',
    'service-by-node': '${service} on each node',
    'cluster-by-method': 'each HTTP method',
    route: 'the ${route} route of ${service}',
    pod: 'pod ${pod}',
    'pod-by-pod': 'each of the pods ${pod}',
    namespace: 'the ${namespace} namespace',
    'namespace-by-pod': 'each pod in ${namespace}',
    'namespace-by-service': 'each service in ${namespace}',
    'namespace-by-namespace': 'each of the namespaces ${namespace}',
    'namespace-by-node': 'the ${namespace} namespace on each node',
    cluster: 'the whole cluster',
    'cluster-by-pod': 'each pod in the cluster',
    'cluster-by-service': 'each workload in the cluster',
    'cluster-by-namespace': 'each namespace',
    'cluster-by-node': 'each node',
    'cluster-by-route': 'each route',
    node: 'node ${node}',
    'node-by-pod': 'each pod on node ${node}',
    'node-by-node': 'each of the nodes ${node}',
  };
  return subjects[scope.id] ?? scope.id;
}
