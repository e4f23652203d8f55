/**
 * From a root cause to the actions that address it, most direct first. Each proposal says why; the
 * recommend step then plans each one (checks, dry run, risk) before proposing it for approval.
 *
 *   memory-leak      rollout-restart (relief now), raise-limits memory x1.5 (headroom)
 *   cpu-throttling   raise-limits cpu x2, scale-deployment +1
 *   network-latency  rollout-restart (new pods, new network path)
 *   crash-loop       rollback when a recent rollout started it; otherwise nothing safe to automate
 *   bad-deployment   rollback to the previous revision
 *   node-pressure    cordon-node, drain-node (respecting disruption budgets)
 *   unknown          nothing
 */
import type { ActionKind, Finding, ResourceRef, RootCause } from '../../core/types.js';
import { FindingKind } from '../analysis/finding-kinds.js';

export interface Proposal {
  kind: ActionKind;
  target: ResourceRef;
  params: Record<string, unknown>;
  rationale: string;
  /** A follow-up (after the primary action), not the mitigation itself. */
  followUp: boolean;
}

function targetRef(rc: RootCause): ResourceRef {
  return { kind: rc.target.kind, ...(rc.target.namespace ? { namespace: rc.target.namespace } : {}), name: rc.target.name };
}

/** A recent rollout of this deployment among the findings (the trigger of a crash loop). */
function recentRollout(findings: readonly Finding[], target: ResourceRef): Finding | undefined {
  return findings.find((f) => f.kind === FindingKind.recentRollout && f.subject?.name === target.name && f.subject.namespace === target.namespace);
}

export function proposalsFor(rc: RootCause, findings: readonly Finding[]): Proposal[] {
  const target = targetRef(rc);
  const where = `${target.namespace ? `${target.namespace}/` : ''}${target.name}`;
  switch (rc.kind) {
    case 'memory-leak':
      return [
        { kind: 'rollout-restart', target, params: {}, rationale: `memory of ${where} grows until OOMKilled: fresh pods start from a clean heap (relief, not a fix)`, followUp: false },
        { kind: 'raise-limits', target, params: { resource: 'memory', factor: 1.5 }, rationale: `more headroom so ${where} survives until the leak is fixed`, followUp: true },
      ];
    case 'cpu-throttling':
      return [
        { kind: 'raise-limits', target, params: { resource: 'cpu', factor: 2 }, rationale: `${where} needs more CPU than its limit: a higher limit ends the throttling`, followUp: false },
        { kind: 'scale-deployment', target, params: { by: 1 }, rationale: `one more replica of ${where} spreads the load`, followUp: true },
      ];
    case 'network-latency':
      return [{ kind: 'rollout-restart', target, params: {}, rationale: `calls to ${where} lose time on the network path to its pods: new pods get new placement and network paths; if latency stays, the node or CNI needs attention`, followUp: false }];
    case 'crash-loop': {
      const rollout = recentRollout(findings, target);
      if (!rollout) return [];
      return [{ kind: 'rollback', target, params: {}, rationale: `${where} crash-loops since revision ${String(rollout.data?.revision ?? '?')} (${((rollout.data?.changes as string[] | undefined) ?? []).slice(0, 2).join('; ') || 'template change'}): the previous revision ran`, followUp: false }];
    }
    case 'bad-deployment':
      return [{ kind: 'rollback', target, params: {}, rationale: `the latest rollout of ${where} cannot run: go back to the previous revision`, followUp: false }];
    case 'node-pressure':
      return [
        { kind: 'cordon-node', target, params: {}, rationale: `node ${target.name} is short of memory: stop scheduling pods onto it`, followUp: false },
        { kind: 'drain-node', target, params: {}, rationale: `move the workload off ${target.name} (disruption budgets respected) while the node's memory hog is dealt with or the node replaced`, followUp: false },
      ];
    default:
      return [];
  }
}
