/**
 * From a root cause to the actions that address it, most direct first. Each action declares the root
 * causes it addresses and proposes itself (actions/*.ts, `addresses`); the planner asks every action in
 * the registry and orders the answers. Each proposal says why; the recommend step then plans each one
 * (checks, dry run, risk) before proposing it for approval. What the registry holds today:
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
import { remediationActions } from './registry.js';

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

export function proposalsFor(rc: RootCause, findings: readonly Finding[]): Proposal[] {
  const target = targetRef(rc);
  const situation = { rootCause: rc, target, where: `${target.namespace ? `${target.namespace}/` : ''}${target.name}`, findings };
  const remedies = remediationActions.flatMap((action) => action.addresses.filter((remedy) => remedy.rootCause === rc.kind).map((remedy) => ({ action, remedy })));
  // A stable sort: actions of equal order keep the registry's order.
  remedies.sort((a, b) => a.remedy.order - b.remedy.order);
  return remedies.flatMap(({ action, remedy }) => {
    const proposed = remedy.propose(situation);
    return proposed ? [{ kind: action.kind, target, params: proposed.params, rationale: proposed.rationale, followUp: remedy.followUp ?? false }] : [];
  });
}
