/**
 * Kubernetes objects boiled down to what the kit reads, one set of types for every part: a pod's
 * placement, state and last termination, a node's conditions and taints, a deployment's replicas,
 * revision and pod template (kept as the API's JSON so it can be written back exactly), an event's
 * who/what/when, a deployment's rollout history with what changed between revisions. Pure functions
 * over API objects, so recorded objects replay through the same code.
 */
import type { CoreV1Event, V1Container, V1Node, V1Pod, V1PodTemplateSpec, V1ReplicaSet } from '@kubernetes/client-node';

export const REVISION_ANNOTATION = 'deployment.kubernetes.io/revision';
export const CHANGE_CAUSE_ANNOTATION = 'kubernetes.io/change-cause';

/** A running pod's container: image and effective resources. */
export interface PodContainerSummary {
  name: string;
  image: string;
  requests: Record<string, string>;
  limits: Record<string, string>;
}

export interface PodSummary {
  namespace: string;
  name: string;
  /** spec.nodeName; absent until the pod is scheduled. */
  node?: string;
  phase: string;
  /** Every container ready. */
  ready: boolean;
  restarts: number;
  /** Waiting reason (CrashLoopBackOff, ImagePullBackOff...) or terminal reason (Evicted). */
  reason?: string;
  lastTermination?: { reason: string; exitCode: number; finishedAt?: string };
  ownerKind?: string;
  ownerName?: string;
  /** Deployment name when the owner is a ReplicaSet of one. */
  deployment?: string;
  labels?: Record<string, string>;
  /** status.startTime: when the kubelet accepted the pod. */
  startedAt?: string;
  createdAt: string;
  containers: PodContainerSummary[];
}

export interface NodeSummary {
  name: string;
  ready: boolean;
  unschedulable: boolean;
  /** Condition type -> status ("True", "False", "Unknown"). */
  conditions: Record<string, string>;
  /** When each condition last changed (ISO 8601): when pressure began. */
  conditionsSince?: Record<string, string>;
  taints: string[];
  allocatable: Record<string, string>;
  /** Pods not finished on the node, when they were counted. */
  pods?: number;
}

/** A container of a pod template, as the spec says it (for restoring what a run changed). */
export interface ContainerSpecSummary {
  name: string;
  image?: string;
  env: { name: string; value?: string }[];
  resources: { limits?: Record<string, string>; requests?: Record<string, string> };
}

export interface DeploymentSummary {
  namespace: string;
  name: string;
  replicas: number;
  availableReplicas: number;
  updatedReplicas: number;
  /** status.replicas: every pod of the deployment, old ReplicaSets' included (a rollout not finished). */
  totalReplicas?: number;
  /** Whether the controller has seen the latest spec (status.observedGeneration >= metadata.generation). */
  observed?: boolean;
  /** deployment.kubernetes.io/revision. */
  revision: string;
  selector: Record<string, string>;
  /** The pod template as the API returned it (for restoring it after a bad rollout). */
  template: Record<string, unknown>;
  containers: ContainerSpecSummary[];
}

export interface KubeEventSummary {
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
  object: { kind: string; namespace?: string; name: string };
  count: number;
  firstSeen: string;
  lastSeen: string;
}

export interface RolloutSummary {
  namespace: string;
  deployment: string;
  revision: number;
  replicaSet: string;
  createdAt: string;
  images: string[];
  changeCause?: string;
  /** What changed from the previous revision's pod template (images, env names, resources). */
  changes: string[];
  replicas: number;
  readyReplicas: number;
  /** The pod template's annotations (who made the change, when a tool marks it). */
  templateAnnotations?: Record<string, string>;
}

export interface NetworkPolicySummary {
  name: string;
  podSelector: Record<string, string>;
  policyTypes: string[];
}

function iso(value: Date | string | undefined | null): string | undefined {
  if (value === undefined || value === null) return undefined;
  const date = value instanceof Date ? value : new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString().replace('.000Z', 'Z');
}

/** A ReplicaSet's Deployment: pods are named <deployment>-<template hash>-<suffix>. */
export function deploymentOfReplicaSet(replicaSet: string, templateHash?: string): string {
  if (templateHash && replicaSet.endsWith(`-${templateHash}`)) return replicaSet.slice(0, -templateHash.length - 1);
  return replicaSet.replace(/-[a-z0-9]{5,10}$/, '');
}

export function podSummary(pod: V1Pod): PodSummary {
  const statuses = pod.status?.containerStatuses ?? [];
  const owner = pod.metadata?.ownerReferences?.find((o) => o.controller) ?? pod.metadata?.ownerReferences?.[0];
  const waiting = statuses.map((s) => s.state?.waiting?.reason).find((r) => r && r !== 'ContainerCreating' && r !== 'PodInitializing');
  const terminated = statuses.map((s) => s.lastState?.terminated ?? s.state?.terminated).filter((t) => t !== undefined);
  const last = terminated.sort((a, b) => (iso(b!.finishedAt) ?? '').localeCompare(iso(a!.finishedAt) ?? ''))[0];
  const templateHash = pod.metadata?.labels?.['pod-template-hash'];
  const summary: PodSummary = {
    namespace: pod.metadata?.namespace ?? '',
    name: pod.metadata?.name ?? '',
    phase: pod.status?.phase ?? 'Unknown',
    ready: statuses.length > 0 && statuses.every((s) => s.ready),
    restarts: statuses.reduce((n, s) => n + (s.restartCount ?? 0), 0),
    labels: { ...(pod.metadata?.labels ?? {}) },
    createdAt: iso(pod.metadata?.creationTimestamp) ?? '',
    containers: (pod.spec?.containers ?? []).map((c) => ({ name: c.name, image: c.image ?? '', requests: { ...(c.resources?.requests ?? {}) }, limits: { ...(c.resources?.limits ?? {}) } })),
  };
  if (pod.spec?.nodeName) summary.node = pod.spec.nodeName;
  const startedAt = iso(pod.status?.startTime);
  if (startedAt) summary.startedAt = startedAt;
  const reason = waiting ?? pod.status?.reason;
  if (reason) summary.reason = reason;
  if (last) summary.lastTermination = { reason: last.reason ?? 'Unknown', exitCode: last.exitCode ?? -1, ...(iso(last.finishedAt) ? { finishedAt: iso(last.finishedAt) } : {}) };
  if (owner) {
    summary.ownerKind = owner.kind;
    summary.ownerName = owner.name;
    if (owner.kind === 'ReplicaSet') summary.deployment = deploymentOfReplicaSet(owner.name, templateHash);
  }
  return summary;
}

export function eventSummary(event: CoreV1Event): KubeEventSummary {
  const first = iso(event.firstTimestamp) ?? iso(event.eventTime) ?? iso(event.metadata?.creationTimestamp) ?? '';
  const last = iso(event.lastTimestamp) ?? iso(event.series?.lastObservedTime) ?? first;
  return {
    type: event.type === 'Warning' ? 'Warning' : 'Normal',
    reason: event.reason ?? '',
    message: event.message ?? '',
    object: { kind: event.involvedObject.kind ?? '', ...(event.involvedObject.namespace ? { namespace: event.involvedObject.namespace } : {}), name: event.involvedObject.name ?? '' },
    count: event.count ?? event.series?.count ?? 1,
    firstSeen: first,
    lastSeen: last,
  };
}

/** A node's summary; `podsOnNode` when the caller counted them. */
export function nodeSummary(node: V1Node, podsOnNode?: number): NodeSummary {
  const conditions: Record<string, string> = {};
  for (const c of node.status?.conditions ?? []) conditions[c.type] = c.status;
  return {
    name: node.metadata?.name ?? '',
    ready: conditions.Ready === 'True',
    unschedulable: node.spec?.unschedulable === true,
    conditions,
    conditionsSince: conditionTransitions(node),
    taints: (node.spec?.taints ?? []).map((t) => `${t.key}${t.value ? `=${t.value}` : ''}:${t.effect}`),
    allocatable: { ...(node.status?.allocatable ?? {}) },
    ...(podsOnNode !== undefined ? { pods: podsOnNode } : {}),
  };
}

/** When a node condition last changed (for the timeline: pressure began at...). */
export function conditionTransitions(node: V1Node): Record<string, string> {
  const out: Record<string, string> = {};
  for (const c of node.status?.conditions ?? []) {
    const at = iso(c.lastTransitionTime);
    if (at) out[c.type] = at;
  }
  return out;
}

/** A Deployment as the API's JSON has it (read through the custom-objects API, so nothing is renamed). */
export interface DeploymentObject {
  metadata?: { name?: string; namespace?: string; annotations?: Record<string, string>; generation?: number };
  spec?: {
    replicas?: number;
    selector?: { matchLabels?: Record<string, string> };
    template?: { spec?: { containers?: { name: string; image?: string; env?: { name: string; value?: string }[]; resources?: { limits?: Record<string, unknown>; requests?: Record<string, unknown> } }[] } } & Record<string, unknown>;
  };
  status?: { availableReplicas?: number; updatedReplicas?: number; replicas?: number; observedGeneration?: number };
}

export function deploymentSummary(d: DeploymentObject): DeploymentSummary {
  return {
    namespace: d.metadata?.namespace ?? '',
    name: d.metadata?.name ?? '',
    replicas: d.spec?.replicas ?? 1,
    availableReplicas: d.status?.availableReplicas ?? 0,
    updatedReplicas: d.status?.updatedReplicas ?? 0,
    totalReplicas: d.status?.replicas ?? 0,
    observed: (d.status?.observedGeneration ?? 0) >= (d.metadata?.generation ?? 0),
    revision: d.metadata?.annotations?.[REVISION_ANNOTATION] ?? '',
    selector: { ...(d.spec?.selector?.matchLabels ?? {}) },
    template: (d.spec?.template ?? {}) as Record<string, unknown>,
    containers: (d.spec?.template?.spec?.containers ?? []).map((c) => ({
      name: c.name,
      ...(c.image !== undefined ? { image: c.image } : {}),
      env: (c.env ?? []).map((e) => ({ name: e.name, ...(e.value !== undefined ? { value: e.value } : {}) })),
      resources: { ...(c.resources?.limits ? { limits: stringMap(c.resources.limits) } : {}), ...(c.resources?.requests ? { requests: stringMap(c.resources.requests) } : {}) },
    })),
  };
}

function stringMap(values: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [k, String(v)]));
}

/** The ReplicaSets of a deployment as its rollout history, oldest revision first, each with its diff. */
export function rolloutHistory(deployment: string, replicaSets: V1ReplicaSet[]): RolloutSummary[] {
  const owned = replicaSets
    .filter((rs) => rs.metadata?.ownerReferences?.some((o) => o.kind === 'Deployment' && o.name === deployment) ?? deploymentOfReplicaSet(rs.metadata?.name ?? '') === deployment)
    .filter((rs) => rs.metadata?.annotations?.[REVISION_ANNOTATION] !== undefined)
    .sort((a, b) => revisionOf(a) - revisionOf(b));
  return owned.map((rs, i) => {
    const previous = i > 0 ? owned[i - 1] : undefined;
    const template = rs.spec?.template;
    const summary: RolloutSummary = {
      namespace: rs.metadata?.namespace ?? '',
      deployment,
      revision: revisionOf(rs),
      replicaSet: rs.metadata?.name ?? '',
      createdAt: iso(rs.metadata?.creationTimestamp) ?? '',
      images: (template?.spec?.containers ?? []).map((c) => c.image ?? ''),
      changes: previous ? templateChanges(previous.spec?.template, template) : [],
      replicas: rs.status?.replicas ?? 0,
      readyReplicas: rs.status?.readyReplicas ?? 0,
    };
    const cause = rs.metadata?.annotations?.[CHANGE_CAUSE_ANNOTATION];
    if (cause) summary.changeCause = cause;
    const annotations = template?.metadata?.annotations;
    if (annotations && Object.keys(annotations).length) summary.templateAnnotations = { ...annotations };
    return summary;
  });
}

function revisionOf(rs: V1ReplicaSet): number {
  return Number(rs.metadata?.annotations?.[REVISION_ANNOTATION] ?? 0);
}

/**
 * What changed in the pod template between two revisions, one line per change, in words an engineer
 * reads in a review: "image petsite: ...:v1.4.1 -> ...:v1.5.0", "env SEARCH_API_URL changed",
 * "limits.cpu petsite: 500m -> 50m". Env values are not printed (they may hold secrets).
 */
export function templateChanges(before: V1PodTemplateSpec | undefined, after: V1PodTemplateSpec | undefined): string[] {
  const changes: string[] = [];
  const a = new Map((before?.spec?.containers ?? []).map((c) => [c.name, c]));
  const b = new Map((after?.spec?.containers ?? []).map((c) => [c.name, c]));
  for (const [name, next] of b) {
    const prev = a.get(name);
    if (!prev) {
      changes.push(`container ${name} added`);
      continue;
    }
    if (prev.image !== next.image) changes.push(`image ${name}: ${prev.image} -> ${next.image}`);
    changes.push(...envChanges(name, prev, next));
    for (const kind of ['limits', 'requests'] as const) {
      const p = prev.resources?.[kind] ?? {};
      const n = next.resources?.[kind] ?? {};
      for (const resource of new Set([...Object.keys(p), ...Object.keys(n)])) {
        if (p[resource] !== n[resource]) changes.push(`${kind}.${resource} ${name}: ${p[resource] ?? 'none'} -> ${n[resource] ?? 'none'}`);
      }
    }
    if (JSON.stringify(prev.command ?? []) !== JSON.stringify(next.command ?? []) || JSON.stringify(prev.args ?? []) !== JSON.stringify(next.args ?? [])) changes.push(`command/args ${name} changed`);
    if (JSON.stringify(prev.readinessProbe ?? null) !== JSON.stringify(next.readinessProbe ?? null)) changes.push(`readinessProbe ${name} changed`);
    if (JSON.stringify(prev.livenessProbe ?? null) !== JSON.stringify(next.livenessProbe ?? null)) changes.push(`livenessProbe ${name} changed`);
  }
  for (const name of a.keys()) if (!b.has(name)) changes.push(`container ${name} removed`);
  return changes;
}

function envChanges(container: string, prev: V1Container, next: V1Container): string[] {
  const value = (e: { value?: string; valueFrom?: unknown }) => JSON.stringify(e.value ?? e.valueFrom ?? null);
  const p = new Map((prev.env ?? []).map((e) => [e.name, value(e)]));
  const n = new Map((next.env ?? []).map((e) => [e.name, value(e)]));
  const out: string[] = [];
  for (const [name, v] of n) {
    if (!p.has(name)) out.push(`env ${name} added (${container})`);
    else if (p.get(name) !== v) out.push(`env ${name} changed (${container})`);
  }
  for (const name of p.keys()) if (!n.has(name)) out.push(`env ${name} removed (${container})`);
  return out;
}

/** "Pod/name", "Node/name" or a bare name -> an involvedObject field selector. */
export function involvedObjectSelector(involved: string | undefined): string | undefined {
  if (!involved) return undefined;
  const slash = involved.indexOf('/');
  if (slash < 0) return `involvedObject.name=${involved}`;
  return `involvedObject.kind=${involved.slice(0, slash)},involvedObject.name=${involved.slice(slash + 1)}`;
}
