/**
 * Which Kubernetes object an alert is about, from its labels. Alert rules and CloudWatch alarms name
 * workloads in different ways (a `deployment` label, a pod name, a `service`, a `node`); remediation and
 * playbooks need one answer, at the level where a fix applies: a Deployment rather than one of its pods.
 */
import type { ResourceRef } from '../../core/types.js';

/**
 * Pods of a Deployment are named `<deployment>-<pod-template-hash>-<suffix>`; Kubernetes draws both
 * from the alphabet below (no vowels, no 0/1/3, so names never spell words or look like numbers).
 */
const deploymentPod = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?)-[bcdfghjklmnpqrstvwxz2456789]{6,10}-[bcdfghjklmnpqrstvwxz2456789]{5}$/;

/** `petsite-7d4b9c6f5b-x2k8q` -> `petsite`; undefined for StatefulSet (`db-0`), DaemonSet and bare pods. */
export function deploymentOfPod(pod: string): string | undefined {
  return deploymentPod.exec(pod)?.[1];
}

/**
 * The alert's subject, most specific workload first: a Deployment (named, or derived from a pod name),
 * then a Service, a bare Pod, a Node, and finally the Namespace. A node label on a pod alert only says
 * where the pod ran, so it never wins over the workload.
 */
export function resolveTarget(labels: Record<string, string>): ResourceRef | undefined {
  const namespace = labels.namespace || labels.exported_namespace || undefined;
  const container = labels.container && labels.container !== 'POD' ? labels.container : undefined;
  const pod = labels.pod || labels.pod_name || undefined;
  const deployment = labels.deployment || (pod ? deploymentOfPod(pod) : undefined);
  const withContainer = (ref: ResourceRef): ResourceRef => (container ? { ...ref, container } : ref);
  if (deployment && namespace) return withContainer({ kind: 'Deployment', namespace, name: deployment });
  if (labels.service && namespace) return { kind: 'Service', namespace, name: labels.service };
  if (pod && namespace) return withContainer({ kind: 'Pod', namespace, name: pod });
  const node = labels.node || labels.kubernetes_node || undefined;
  if (node) return { kind: 'Node', name: node };
  if (namespace) return { kind: 'Namespace', name: namespace };
  return undefined;
}

/**
 * The workload an alert concerns, by the kit's convention that a Service and the Deployment behind it
 * share a name (true of the pet-adoption services and of most Helm charts): a latency alert on service
 * `petsite` and a memory alert on a `petsite-…` pod are about the same thing.
 */
export function workloadOf(labels: Record<string, string>): string | undefined {
  const pod = labels.pod || labels.pod_name;
  return labels.service || labels.deployment || (pod ? deploymentOfPod(pod) : undefined) || undefined;
}

export function describeTarget(ref: ResourceRef | undefined): string {
  if (!ref) return 'the cluster';
  const name = ref.namespace ? `${ref.namespace}/${ref.name}` : ref.name;
  return `${ref.kind} ${name}${ref.container ? ` (container ${ref.container})` : ''}`;
}
