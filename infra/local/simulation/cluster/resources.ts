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

/** Reviews (SelfSubjectAccessReview, TokenReview...) are created and answered, never stored. */
const createOnly = ['create'];
const status = (kind: string) => ({ name: 'status', kind, verbs: ['get', 'patch', 'update'] });
const scale = { name: 'scale', kind: 'Scale', group: 'autoscaling', version: 'v1', verbs: ['get', 'patch', 'update'] };
const core = (kind: string, plural: string, namespaced: boolean, extra: Partial<ResourceType> = {}): ResourceType => ({
  group: '', version: 'v1', kind, plural, singular: kind.toLowerCase(), namespaced, verbs: readWrite, ...extra,
});
const grouped = (group: string, version: string, kind: string, plural: string, namespaced: boolean, extra: Partial<ResourceType> = {}): ResourceType => ({
  group, version, kind, plural, singular: kind.toLowerCase(), namespaced, verbs: readWrite, ...extra,
});

/**
 * The kinds an EKS 1.31 control plane serves that SREs look at, with the short names, categories and
 * subresources its discovery documents give them (kubectl api-resources on EKS). Kinds this cluster does
 * not use (StatefulSets, Jobs, HPAs, Ingresses, PVCs...) are served all the same and list empty, as on
 * a cluster that has none.
 */
export const resourceTypes: ResourceType[] = [
  core('ConfigMap', 'configmaps', true, { shortNames: ['cm'] }),
  core('Endpoints', 'endpoints', true, { shortNames: ['ep'], singular: 'endpoints' }),
  core('Event', 'events', true, { shortNames: ['ev'] }),
  core('LimitRange', 'limitranges', true, { shortNames: ['limits'] }),
  { group: '', version: 'v1', kind: 'Namespace', plural: 'namespaces', singular: 'namespace', namespaced: false, shortNames: ['ns'], verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'], subresources: [status('Namespace')] },
  core('Node', 'nodes', false, { shortNames: ['no'], subresources: [status('Node')] }),
  core('PersistentVolumeClaim', 'persistentvolumeclaims', true, { shortNames: ['pvc'], subresources: [status('PersistentVolumeClaim')] }),
  core('PersistentVolume', 'persistentvolumes', false, { shortNames: ['pv'], subresources: [status('PersistentVolume')] }),
  core('Pod', 'pods', true, {
    shortNames: ['po'],
    categories: ['all'],
    subresources: [
      { name: 'exec', kind: 'PodExecOptions', verbs: ['create', 'get'] },
      { name: 'log', kind: 'Pod', verbs: ['get'] },
      { name: 'eviction', kind: 'Eviction', group: 'policy', version: 'v1', verbs: ['create'] },
      status('Pod'),
    ],
  }),
  core('PodTemplate', 'podtemplates', true),
  core('ReplicationController', 'replicationcontrollers', true, { shortNames: ['rc'], categories: ['all'], subresources: [{ ...scale }, status('ReplicationController')] }),
  core('ResourceQuota', 'resourcequotas', true, { shortNames: ['quota'], subresources: [status('ResourceQuota')] }),
  core('Secret', 'secrets', true),
  core('ServiceAccount', 'serviceaccounts', true, { shortNames: ['sa'], subresources: [{ name: 'token', kind: 'TokenRequest', group: 'authentication.k8s.io', version: 'v1', verbs: ['create'] }] }),
  core('Service', 'services', true, { shortNames: ['svc'], categories: ['all'], subresources: [status('Service')] }),
  grouped('apiregistration.k8s.io', 'v1', 'APIService', 'apiservices', false, { categories: ['api-extensions'], subresources: [status('APIService')] }),
  grouped('apps', 'v1', 'ControllerRevision', 'controllerrevisions', true),
  grouped('apps', 'v1', 'DaemonSet', 'daemonsets', true, { shortNames: ['ds'], categories: ['all'], subresources: [status('DaemonSet')] }),
  grouped('apps', 'v1', 'Deployment', 'deployments', true, { shortNames: ['deploy'], categories: ['all'], subresources: [{ ...scale }, status('Deployment')] }),
  grouped('apps', 'v1', 'ReplicaSet', 'replicasets', true, { shortNames: ['rs'], categories: ['all'], subresources: [{ ...scale }, status('ReplicaSet')] }),
  grouped('apps', 'v1', 'StatefulSet', 'statefulsets', true, { shortNames: ['sts'], categories: ['all'], subresources: [{ ...scale }, status('StatefulSet')] }),
  grouped('authentication.k8s.io', 'v1', 'SelfSubjectReview', 'selfsubjectreviews', false, { verbs: createOnly }),
  grouped('authentication.k8s.io', 'v1', 'TokenReview', 'tokenreviews', false, { verbs: createOnly }),
  grouped('authorization.k8s.io', 'v1', 'LocalSubjectAccessReview', 'localsubjectaccessreviews', true, { verbs: createOnly }),
  grouped('authorization.k8s.io', 'v1', 'SelfSubjectAccessReview', 'selfsubjectaccessreviews', false, { verbs: createOnly }),
  grouped('authorization.k8s.io', 'v1', 'SelfSubjectRulesReview', 'selfsubjectrulesreviews', false, { verbs: createOnly }),
  grouped('authorization.k8s.io', 'v1', 'SubjectAccessReview', 'subjectaccessreviews', false, { verbs: createOnly }),
  grouped('autoscaling', 'v2', 'HorizontalPodAutoscaler', 'horizontalpodautoscalers', true, { shortNames: ['hpa'], categories: ['all'], subresources: [status('HorizontalPodAutoscaler')] }),
  grouped('autoscaling', 'v1', 'HorizontalPodAutoscaler', 'horizontalpodautoscalers', true, { shortNames: ['hpa'], categories: ['all'], subresources: [status('HorizontalPodAutoscaler')] }),
  grouped('batch', 'v1', 'CronJob', 'cronjobs', true, { shortNames: ['cj'], categories: ['all'], subresources: [status('CronJob')] }),
  grouped('batch', 'v1', 'Job', 'jobs', true, { categories: ['all'], subresources: [status('Job')] }),
  grouped('coordination.k8s.io', 'v1', 'Lease', 'leases', true),
  grouped('discovery.k8s.io', 'v1', 'EndpointSlice', 'endpointslices', true),
  grouped('networking.k8s.io', 'v1', 'IngressClass', 'ingressclasses', false),
  grouped('networking.k8s.io', 'v1', 'Ingress', 'ingresses', true, { shortNames: ['ing'], subresources: [status('Ingress')] }),
  grouped('networking.k8s.io', 'v1', 'NetworkPolicy', 'networkpolicies', true, { shortNames: ['netpol'] }),
  grouped('policy', 'v1', 'PodDisruptionBudget', 'poddisruptionbudgets', true, { shortNames: ['pdb'], subresources: [status('PodDisruptionBudget')] }),
  grouped('rbac.authorization.k8s.io', 'v1', 'ClusterRoleBinding', 'clusterrolebindings', false),
  grouped('rbac.authorization.k8s.io', 'v1', 'ClusterRole', 'clusterroles', false),
  grouped('rbac.authorization.k8s.io', 'v1', 'RoleBinding', 'rolebindings', true),
  grouped('rbac.authorization.k8s.io', 'v1', 'Role', 'roles', true),
  grouped('scheduling.k8s.io', 'v1', 'PriorityClass', 'priorityclasses', false, { shortNames: ['pc'] }),
  grouped('storage.k8s.io', 'v1', 'CSIDriver', 'csidrivers', false),
  grouped('storage.k8s.io', 'v1', 'CSINode', 'csinodes', false),
  grouped('storage.k8s.io', 'v1', 'StorageClass', 'storageclasses', false, { shortNames: ['sc'] }),
  grouped('apiextensions.k8s.io', 'v1', 'CustomResourceDefinition', 'customresourcedefinitions', false, { shortNames: ['crd', 'crds'], categories: ['api-extensions'], subresources: [status('CustomResourceDefinition')] }),
  grouped('admissionregistration.k8s.io', 'v1', 'MutatingWebhookConfiguration', 'mutatingwebhookconfigurations', false, { categories: ['api-extensions'] }),
  grouped('admissionregistration.k8s.io', 'v1', 'ValidatingWebhookConfiguration', 'validatingwebhookconfigurations', false, { categories: ['api-extensions'] }),
  { group: 'metrics.k8s.io', version: 'v1beta1', kind: 'PodMetrics', plural: 'pods', singular: '', namespaced: true, verbs: ['get', 'list'], virtual: true },
  { group: 'metrics.k8s.io', version: 'v1beta1', kind: 'NodeMetrics', plural: 'nodes', singular: '', namespaced: false, verbs: ['get', 'list'], virtual: true },
  ...chaosKinds.map(chaosResourceType),
];

/** Kinds answered on create and never stored (reviews). */
export function isReview(type: ResourceType): boolean {
  return type.verbs.length === 1 && type.verbs[0] === 'create';
}

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
export const ENDPOINTS = keyOf({ group: '', plural: 'endpoints' });
export const ENDPOINTSLICE = keyOf({ group: 'discovery.k8s.io', plural: 'endpointslices' });
export const SERVICEACCOUNT = keyOf({ group: '', plural: 'serviceaccounts' });
export const SECRET = keyOf({ group: '', plural: 'secrets' });
export const CONTROLLERREVISION = keyOf({ group: 'apps', plural: 'controllerrevisions' });
export const LEASE = keyOf({ group: 'coordination.k8s.io', plural: 'leases' });
export const PRIORITYCLASS = keyOf({ group: 'scheduling.k8s.io', plural: 'priorityclasses' });
export const STORAGECLASS = keyOf({ group: 'storage.k8s.io', plural: 'storageclasses' });
export const CSIDRIVER = keyOf({ group: 'storage.k8s.io', plural: 'csidrivers' });
export const CSINODE = keyOf({ group: 'storage.k8s.io', plural: 'csinodes' });
export const CRD = keyOf({ group: 'apiextensions.k8s.io', plural: 'customresourcedefinitions' });
export const APISERVICE = keyOf({ group: 'apiregistration.k8s.io', plural: 'apiservices' });
export const CLUSTERROLE = keyOf({ group: 'rbac.authorization.k8s.io', plural: 'clusterroles' });
export const CLUSTERROLEBINDING = keyOf({ group: 'rbac.authorization.k8s.io', plural: 'clusterrolebindings' });
export const ROLE = keyOf({ group: 'rbac.authorization.k8s.io', plural: 'roles' });
export const ROLEBINDING = keyOf({ group: 'rbac.authorization.k8s.io', plural: 'rolebindings' });
export const MUTATINGWEBHOOK = keyOf({ group: 'admissionregistration.k8s.io', plural: 'mutatingwebhookconfigurations' });
export const VALIDATINGWEBHOOK = keyOf({ group: 'admissionregistration.k8s.io', plural: 'validatingwebhookconfigurations' });
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
