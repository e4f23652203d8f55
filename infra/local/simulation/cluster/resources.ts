/**
 * The resource types the local cluster serves, as discovery documents describe them. Everything that
 * routes, lists or discovers resources reads this one table.
 */
import type { AnyChaosKind } from '../../../../lib/chaos-mesh/kind.js';
import { networkChaos } from '../../../../lib/chaos-mesh/kinds/network-chaos.js';
import { podChaos } from '../../../../lib/chaos-mesh/kinds/pod-chaos.js';
import { stressChaos } from '../../../../lib/chaos-mesh/kinds/stress-chaos.js';
import { chaosKindOf, chaosKinds } from '../../../../lib/chaos-mesh/registry.js';

export interface ResourceType {
  group: string;
  version: string;
  kind: string;
  plural: string;
  singular: string;
  namespaced: boolean;
  shortNames?: string[];
  categories?: string[];
  verbs: string[];
  /** Subresources served as `<plural>/<name>` in discovery. */
  subresources?: { name: string; kind: string; verbs: string[]; group?: string; version?: string }[];
  /** Computed on read (metrics.k8s.io), never stored. */
  virtual?: boolean;
}

const readWrite = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

export const resourceTypes: ResourceType[] = [
  { group: '', version: 'v1', kind: 'Namespace', plural: 'namespaces', singular: 'namespace', namespaced: false, shortNames: ['ns'], verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'] },
  { group: '', version: 'v1', kind: 'Node', plural: 'nodes', singular: 'node', namespaced: false, shortNames: ['no'], verbs: readWrite, subresources: [{ name: 'status', kind: 'Node', verbs: ['get', 'patch', 'update'] }] },
  {
    group: '', version: 'v1', kind: 'Pod', plural: 'pods', singular: 'pod', namespaced: true, shortNames: ['po'], categories: ['all'], verbs: readWrite,
    subresources: [
      { name: 'log', kind: 'Pod', verbs: ['get'] },
      { name: 'eviction', kind: 'Eviction', group: 'policy', version: 'v1', verbs: ['create'] },
      { name: 'status', kind: 'Pod', verbs: ['get', 'patch', 'update'] },
    ],
  },
  { group: '', version: 'v1', kind: 'Event', plural: 'events', singular: 'event', namespaced: true, shortNames: ['ev'], verbs: readWrite },
  { group: '', version: 'v1', kind: 'Service', plural: 'services', singular: 'service', namespaced: true, shortNames: ['svc'], categories: ['all'], verbs: readWrite },
  { group: '', version: 'v1', kind: 'ConfigMap', plural: 'configmaps', singular: 'configmap', namespaced: true, shortNames: ['cm'], verbs: readWrite },
  {
    group: 'apps', version: 'v1', kind: 'Deployment', plural: 'deployments', singular: 'deployment', namespaced: true, shortNames: ['deploy'], categories: ['all'], verbs: readWrite,
    subresources: [
      { name: 'scale', kind: 'Scale', group: 'autoscaling', version: 'v1', verbs: ['get', 'patch', 'update'] },
      { name: 'status', kind: 'Deployment', verbs: ['get', 'patch', 'update'] },
    ],
  },
  {
    group: 'apps', version: 'v1', kind: 'ReplicaSet', plural: 'replicasets', singular: 'replicaset', namespaced: true, shortNames: ['rs'], categories: ['all'], verbs: readWrite,
    subresources: [
      { name: 'scale', kind: 'Scale', group: 'autoscaling', version: 'v1', verbs: ['get', 'patch', 'update'] },
      { name: 'status', kind: 'ReplicaSet', verbs: ['get', 'patch', 'update'] },
    ],
  },
  { group: 'apps', version: 'v1', kind: 'DaemonSet', plural: 'daemonsets', singular: 'daemonset', namespaced: true, shortNames: ['ds'], categories: ['all'], verbs: readWrite, subresources: [{ name: 'status', kind: 'DaemonSet', verbs: ['get', 'patch', 'update'] }] },
  { group: 'policy', version: 'v1', kind: 'PodDisruptionBudget', plural: 'poddisruptionbudgets', singular: 'poddisruptionbudget', namespaced: true, shortNames: ['pdb'], verbs: readWrite, subresources: [{ name: 'status', kind: 'PodDisruptionBudget', verbs: ['get', 'patch', 'update'] }] },
  { group: 'networking.k8s.io', version: 'v1', kind: 'NetworkPolicy', plural: 'networkpolicies', singular: 'networkpolicy', namespaced: true, shortNames: ['netpol'], verbs: readWrite },
  { group: 'metrics.k8s.io', version: 'v1beta1', kind: 'PodMetrics', plural: 'pods', singular: '', namespaced: true, verbs: ['get', 'list'], virtual: true },
  { group: 'metrics.k8s.io', version: 'v1beta1', kind: 'NodeMetrics', plural: 'nodes', singular: '', namespaced: false, verbs: ['get', 'list'], virtual: true },
  ...chaosKinds.map(chaosResourceType),
];

/** A Chaos Mesh kind as its CRD serves it: namespaced, in the chaos-mesh category, with a status subresource. */
function chaosResourceType(chaos: AnyChaosKind): ResourceType {
  return { group: chaos.group, version: chaos.version, kind: chaos.kind, plural: chaos.plural, singular: chaos.plural, namespaced: true, categories: ['chaos-mesh'], verbs: readWrite, subresources: [{ name: 'status', kind: chaos.kind, verbs: ['get', 'patch', 'update'] }] };
}

export function apiVersionOf(type: ResourceType): string {
  return type.group ? `${type.group}/${type.version}` : type.version;
}

/** Stored resources are keyed by "<group>/<plural>" ("/pods", "apps/deployments"). */
export type ResourceKey = string;

export function keyOf(type: Pick<ResourceType, 'group' | 'plural'>): ResourceKey {
  return `${type.group}/${type.plural}`;
}

export function findResource(group: string, version: string, plural: string): ResourceType | undefined {
  return resourceTypes.find((t) => t.group === group && t.version === version && t.plural === plural);
}

export function resourceForKind(kind: string, apiVersion?: string): ResourceType | undefined {
  return resourceTypes.find((t) => t.kind === kind && !t.virtual && (apiVersion === undefined || apiVersionOf(t) === apiVersion));
}

export const POD = keyOf({ group: '', plural: 'pods' });
export const NODE = keyOf({ group: '', plural: 'nodes' });
export const NAMESPACE = keyOf({ group: '', plural: 'namespaces' });
export const EVENT = keyOf({ group: '', plural: 'events' });
export const SERVICE = keyOf({ group: '', plural: 'services' });
export const CONFIGMAP = keyOf({ group: '', plural: 'configmaps' });
export const DEPLOYMENT = keyOf({ group: 'apps', plural: 'deployments' });
export const REPLICASET = keyOf({ group: 'apps', plural: 'replicasets' });
export const DAEMONSET = keyOf({ group: 'apps', plural: 'daemonsets' });
export const PDB = keyOf({ group: 'policy', plural: 'poddisruptionbudgets' });
export const NETWORKPOLICY = keyOf({ group: 'networking.k8s.io', plural: 'networkpolicies' });
/** Where experiments of a Chaos Mesh kind are stored; throws for a kind that is not registered. */
export function chaosKey(kind: string): ResourceKey {
  const chaos = chaosKindOf(kind);
  if (!chaos) throw new Error(`not a Chaos Mesh kind the local cluster serves: ${kind}`);
  return keyOf(chaos);
}

export const CHAOS_KEYS: readonly ResourceKey[] = chaosKinds.map(keyOf);
/** Shorthands for the kinds tests create directly in the store; any kind's key is chaosKey(kind). */
export const STRESSCHAOS = keyOf(stressChaos);
export const NETWORKCHAOS = keyOf(networkChaos);
export const PODCHAOS = keyOf(podChaos);
