/**
 * The few fields of Kubernetes objects the actions read, and small helpers over them. The cluster
 * writer returns plain API objects; these types say which parts the actions rely on.
 */
import { formatCpu, formatMemory, parseQuantity } from '../../core/quantity.js';

export interface ContainerSpec {
  name: string;
  image?: string;
  resources?: { limits?: Record<string, string>; requests?: Record<string, string> };
  env?: { name: string; value?: string }[];
}

export interface PodTemplate {
  metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: { containers?: ContainerSpec[] } & Record<string, unknown>;
}

export interface DeploymentObject {
  metadata?: { name?: string; namespace?: string; annotations?: Record<string, string>; generation?: number };
  spec?: { replicas?: number; paused?: boolean; selector?: { matchLabels?: Record<string, string> }; template?: PodTemplate };
  status?: { replicas?: number; readyReplicas?: number; availableReplicas?: number; updatedReplicas?: number };
}

export interface ReplicaSetObject {
  metadata?: { name?: string; annotations?: Record<string, string>; ownerReferences?: { kind: string; name: string }[] };
  spec?: { template?: PodTemplate };
  status?: { replicas?: number; readyReplicas?: number };
}

export interface PodObject {
  metadata?: { name?: string; namespace?: string; uid?: string; labels?: Record<string, string>; ownerReferences?: { kind: string; name: string; controller?: boolean }[]; deletionTimestamp?: string; annotations?: Record<string, string> };
  spec?: { nodeName?: string; containers?: ContainerSpec[] };
  status?: { phase?: string; containerStatuses?: { name: string; ready?: boolean; restartCount?: number }[] };
}

export interface NodeObject {
  metadata?: { name?: string };
  spec?: { unschedulable?: boolean; taints?: { key: string; effect: string }[] };
  status?: { allocatable?: Record<string, string> };
}

export interface PdbObject {
  metadata?: { name?: string; namespace?: string };
  spec?: { minAvailable?: number | string; maxUnavailable?: number | string; selector?: { matchLabels?: Record<string, string> } };
  status?: { disruptionsAllowed?: number; currentHealthy?: number; desiredHealthy?: number; expectedPods?: number };
}

export const REVISION = 'deployment.kubernetes.io/revision';

export function labelSelector(labels: Record<string, string> | undefined): string {
  return Object.entries(labels ?? {}).map(([k, v]) => `${k}=${v}`).join(',');
}

export function matchesLabels(selector: Record<string, string> | undefined, labels: Record<string, string> | undefined): boolean {
  return Object.entries(selector ?? {}).every(([k, v]) => labels?.[k] === v);
}

export function revisionOf(object: { metadata?: { annotations?: Record<string, string> } }): number {
  return Number(object.metadata?.annotations?.[REVISION] ?? 0);
}

export function isDaemonSetPod(pod: PodObject): boolean {
  return pod.metadata?.ownerReferences?.some((o) => o.kind === 'DaemonSet') ?? false;
}

export function isMirrorPod(pod: PodObject): boolean {
  return pod.metadata?.annotations?.['kubernetes.io/config.mirror'] !== undefined;
}

export function ownerKind(pod: PodObject): string | undefined {
  return (pod.metadata?.ownerReferences?.find((o) => o.controller) ?? pod.metadata?.ownerReferences?.[0])?.kind;
}

/** `factor` times a quantity, in the form engineers write it (Mi for memory, m for CPU), rounded up. */
export function scaledQuantity(resource: 'memory' | 'cpu', current: string, factor: number): string {
  const value = parseQuantity(current) * factor;
  if (resource === 'cpu') return formatCpu(Math.ceil(value * 100) / 100);
  return formatMemory(Math.ceil(value / 2 ** 20) * 2 ** 20);
}

export function quantityOf(value: string): number {
  return parseQuantity(value);
}
