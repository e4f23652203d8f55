/**
 * Kubernetes objects boiled down to what an investigation reads: a pod's state and last termination,
 * an event's who/what/when, a node's conditions and taints, a deployment's revisions and what changed
 * between them. Pure functions over API objects, so recorded objects replay through the same code.
 */
import type { CoreV1Event, V1Container, V1Deployment, V1Node, V1Pod, V1PodTemplateSpec, V1ReplicaSet } from '@kubernetes/client-node';
import type { KubeEventSummary, NodeSummary, PodSummary, RolloutSummary } from '../ports.js';

export const REVISION_ANNOTATION = 'deployment.kubernetes.io/revision';
export const CHANGE_CAUSE_ANNOTATION = 'kubernetes.io/change-cause';

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
    createdAt: iso(pod.metadata?.creationTimestamp) ?? '',
    containers: (pod.spec?.containers ?? []).map((c) => ({ name: c.name, image: c.image ?? '', requests: { ...(c.resources?.requests ?? {}) }, limits: { ...(c.resources?.limits ?? {}) } })),
  };
  if (pod.spec?.nodeName) summary.node = pod.spec.nodeName;
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

export function nodeSummary(node: V1Node, podsOnNode: number): NodeSummary {
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
    pods: podsOnNode,
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

export function deploymentSummary(d: V1Deployment): { replicas: number; available: number; images: string[]; limits: Record<string, Record<string, string>>; requests: Record<string, Record<string, string>>; selector: Record<string, string> } {
  const containers = d.spec?.template.spec?.containers ?? [];
  return {
    replicas: d.spec?.replicas ?? 1,
    available: d.status?.availableReplicas ?? 0,
    images: containers.map((c) => c.image ?? ''),
    limits: Object.fromEntries(containers.map((c) => [c.name, { ...(c.resources?.limits ?? {}) }])),
    requests: Object.fromEntries(containers.map((c) => [c.name, { ...(c.resources?.requests ?? {}) }])),
    selector: { ...(d.spec?.selector.matchLabels ?? {}) },
  };
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
