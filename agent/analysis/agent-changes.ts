/**
 * The agent marks its own changes and never blames them. Every write a remediation action makes
 * carries annotations naming the agent, the incident and the action (on the Deployment and its pod
 * template, or on the Node). The pod template's annotations travel into the ReplicaSet of the revision
 * the change rolled out, so an investigation reading the rollout history can tell the agent's revision
 * from anyone else's, even when the metrics that would show the workload's health are out of reach.
 *
 * A later change by someone else (`kubectl set image`) keeps the template's annotations, mark included:
 * a revision is the agent's only when its mark differs from the revision before it.
 */
import type { Finding } from '../../core/types.js';
import { FindingKind } from './finding-kinds.js';
import { deploymentOf, targetKey } from './targets.js';

export const AGENT_NAME = 'devops-agent';

export const CHANGE_ANNOTATIONS = {
  by: 'eks-incident-kit/changed-by',
  incident: 'eks-incident-kit/incident',
  action: 'eks-incident-kit/action',
  actionKind: 'eks-incident-kit/action-kind',
  at: 'eks-incident-kit/changed-at',
} as const;

/** Who is making a change: the incident and, once it executes, the action. */
export interface ChangeMark {
  incidentId: string;
  actionId?: string;
  actionKind?: string;
  /** ISO time of the write. */
  at?: string;
}

/** The annotations that mark a write as the agent's. */
export function changeAnnotations(mark: ChangeMark): Record<string, string> {
  return {
    [CHANGE_ANNOTATIONS.by]: AGENT_NAME,
    [CHANGE_ANNOTATIONS.incident]: mark.incidentId,
    ...(mark.actionId ? { [CHANGE_ANNOTATIONS.action]: mark.actionId } : {}),
    ...(mark.actionKind ? { [CHANGE_ANNOTATIONS.actionKind]: mark.actionKind } : {}),
    ...(mark.at ? { [CHANGE_ANNOTATIONS.at]: mark.at } : {}),
  };
}

/** Whether an annotation key is one of the agent's marks (a diff shown for approval leaves them out). */
export function isChangeAnnotation(key: string): boolean {
  return Object.values(CHANGE_ANNOTATIONS).includes(key as (typeof CHANGE_ANNOTATIONS)[keyof typeof CHANGE_ANNOTATIONS]);
}

/** The agent's mark in a set of annotations, if there is one. */
export function markOf(annotations: Readonly<Record<string, string>> | undefined): ChangeMark | undefined {
  if (!annotations || annotations[CHANGE_ANNOTATIONS.by] !== AGENT_NAME) return undefined;
  const incidentId = annotations[CHANGE_ANNOTATIONS.incident] ?? '';
  const actionId = annotations[CHANGE_ANNOTATIONS.action];
  const actionKind = annotations[CHANGE_ANNOTATIONS.actionKind];
  const at = annotations[CHANGE_ANNOTATIONS.at];
  return { incidentId, ...(actionId ? { actionId } : {}), ...(actionKind ? { actionKind } : {}), ...(at ? { at } : {}) };
}

const sameMark = (a: ChangeMark | undefined, b: ChangeMark | undefined) => a !== undefined && b !== undefined && a.incidentId === b.incidentId && a.actionId === b.actionId && a.at === b.at;

/**
 * The agent's mark of a revision, when the agent made it: the revision carries a mark, and not the
 * same one as the revision before it (which a change by someone else would have inherited).
 */
export function agentRevision(annotations: Readonly<Record<string, string>> | undefined, previous: Readonly<Record<string, string>> | undefined): ChangeMark | undefined {
  const mark = markOf(annotations);
  if (!mark || sameMark(mark, markOf(previous))) return undefined;
  return mark;
}

export function describeMark(mark: ChangeMark): string {
  return `${mark.actionKind ?? 'an action'}${mark.actionId ? ` ${mark.actionId}` : ''} of incident ${mark.incidentId}${mark.at ? ` at ${mark.at}` : ''}`;
}

/**
 * Deployments whose latest rollout is the agent's own change (from the `agent-change` findings), with
 * what the finding says, by target key.
 */
export function agentChangedTargets(findings: readonly Finding[]): Map<string, Finding> {
  const out = new Map<string, Finding>();
  for (const f of findings) {
    if (f.kind !== FindingKind.agentChange) continue;
    const target = deploymentOf(f.subject, f.data);
    if (!target) continue;
    const key = targetKey(target);
    const known = out.get(key);
    if (!known || Date.parse(f.observedAt) > Date.parse(known.observedAt)) out.set(key, f);
  }
  return out;
}
