/**
 * What a finding is about, as the targets a root cause can have: a Deployment for workload problems, a
 * Node for node problems. A pod's fact is about its Deployment (and the node it runs on); a service's
 * fact about the Deployment of the same name, the convention of the workloads we run.
 */
import type { Alert, Finding, ResourceRef } from '../../core/types.js';

export interface TargetRef {
  kind: 'Deployment' | 'Node';
  namespace?: string;
  name: string;
}

export function targetKey(t: TargetRef): string {
  return t.kind === 'Node' ? `Node/${t.name}` : `Deployment/${t.namespace ?? ''}/${t.name}`;
}

export function parseTargetKey(key: string): TargetRef {
  const [kind, a, b] = key.split('/');
  return kind === 'Node' ? { kind: 'Node', name: a! } : { kind: 'Deployment', namespace: a!, name: b! };
}

/** ReplicaSet pods are "<deployment>-<template hash>-<suffix>"; other pods keep their name. */
export function deploymentOfPod(pod: string): string | undefined {
  const m = /^(.+)-[a-z0-9]{6,10}-[a-z0-9]{5}$/.exec(pod);
  return m ? m[1] : undefined;
}

/** The Deployment a reference points at, if it points at one. */
export function deploymentOf(ref: ResourceRef | undefined, data?: Record<string, unknown>): TargetRef | undefined {
  if (!ref) return undefined;
  const namespace = ref.namespace;
  const named = typeof data?.deployment === 'string' ? data.deployment : undefined;
  switch (ref.kind) {
    case 'Deployment':
      return { kind: 'Deployment', namespace, name: ref.name };
    case 'Service':
      return { kind: 'Deployment', namespace, name: ref.name };
    case 'ReplicaSet':
      return { kind: 'Deployment', namespace, name: named ?? ref.name.replace(/-[a-z0-9]{6,10}$/, '') };
    case 'Pod':
    case 'Container': {
      const name = named ?? deploymentOfPod(ref.name);
      return name ? { kind: 'Deployment', namespace, name } : undefined;
    }
    default:
      return undefined;
  }
}

export function nodeOf(ref: ResourceRef | undefined, data?: Record<string, unknown>): TargetRef | undefined {
  if (ref?.kind === 'Node') return { kind: 'Node', name: ref.name };
  if (typeof data?.node === 'string' && data.node) return { kind: 'Node', name: data.node };
  return undefined;
}

/**
 * The targets a finding speaks about directly: its workload and, for pod-level facts, its node. A
 * finding about a caller naming the callee it waited for (`data.upstream`) is about the callee.
 */
export function targetsOfFinding(f: Finding): TargetRef[] {
  const out: TargetRef[] = [];
  const upstream = typeof f.data?.upstream === 'string' ? f.data.upstream : undefined;
  if (upstream) out.push({ kind: 'Deployment', namespace: f.subject?.namespace, name: upstream });
  else {
    const d = deploymentOf(f.subject, f.data);
    if (d) out.push(d);
  }
  const n = nodeOf(f.subject, f.data);
  if (n) out.push(n);
  return out;
}

/**
 * What the alert is about: its workload (deployment, service or pod labels), or its node when it names
 * no workload. On a pod's alert the node label only says where the pod ran (see nodesOfAlert).
 */
export function targetsOfAlert(alert: Alert): TargetRef[] {
  const l = alert.labels;
  const namespace = l.namespace ?? alert.target?.namespace;
  const workload = l.deployment ?? l.service ?? (l.pod ? deploymentOfPod(l.pod) : undefined) ?? deploymentOf(alert.target)?.name;
  if (workload) return [{ kind: 'Deployment', namespace, name: workload }];
  const node = l.node ?? (alert.target?.kind === 'Node' ? alert.target.name : undefined);
  return node ? [{ kind: 'Node', name: node }] : [];
}

/** Nodes the alert mentions (where its pod runs, or the node it is about). */
export function nodesOfAlert(alert: Alert): string[] {
  const node = alert.labels.node ?? (alert.target?.kind === 'Node' ? alert.target.name : undefined);
  return node ? [node] : [];
}
