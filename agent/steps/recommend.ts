/**
 * Step `recommend`: turns the root cause into proposed actions (remediation/planner.ts), each planned
 * before it is proposed: preconditions and safety checks, a server-side dry run with the diff of the
 * object before and after, its risk, whether the policy needs a human to approve it, and how to undo
 * it. Actions whose checks fail are not proposed; the output says why.
 */
import { z } from 'zod';
import type { ActionKind, ResourceRef } from '../../core/types.js';
import { actionOf, failed, needsApproval, proposalsFor, type ActionEnv, type Check, type Proposal } from '../remediation/index.js';
import type { ChangeMark } from '../analysis/agent-changes.js';
import { defineStep, type StepContext } from '../workflow/step.js';

const params = z.object({
  minConfidence: z.number().min(0).max(1).default(0.5).describe('Below this root-cause confidence nothing is proposed'),
  followUps: z.boolean().default(true).describe('Also propose follow-up actions (e.g. raise limits after a restart)'),
  actions: z.array(z.object({ kind: z.string(), params: z.record(z.string(), z.unknown()).default({}), target: z.record(z.string(), z.unknown()).optional() })).optional().describe('Explicit actions instead of the planner\'s'),
});

export interface RecommendOutput {
  proposed: { id: string; kind: ActionKind; risk: string; requiresApproval: boolean }[];
  refused: { kind: ActionKind; target: ResourceRef; checks: Check[] }[];
  reason?: string;
}

/**
 * What actions get from a step. `change` names who writes, for the mark every write carries: the
 * incident, and the action being executed (the remediate step marks it `executing` before it calls the
 * action, one at a time), read when the write happens.
 */
export function actionEnv(ctx: StepContext): ActionEnv | undefined {
  if (!ctx.cluster) return undefined;
  return {
    cluster: ctx.cluster,
    safety: ctx.safety,
    now: ctx.now,
    sleep: ctx.sleep,
    log: ctx.log,
    signal: ctx.signal,
    ...(ctx.evidence.metrics ? { metrics: ctx.evidence.metrics } : {}),
    get change(): ChangeMark {
      const executing = ctx.incident.actions.find((a) => a.status === 'executing');
      return { incidentId: ctx.incident.id, ...(executing ? { actionId: executing.id, actionKind: executing.kind } : {}) };
    },
  };
}

export const recommendStep = defineStep({
  kind: 'recommend',
  description: 'Proposes the actions that address the root cause, each with safety checks, a server-side dry-run diff, its risk, approval need and rollback',
  params,
  async run(ctx, p): Promise<RecommendOutput> {
    const out: RecommendOutput = { proposed: [], refused: [] };
    const rc = ctx.incident.rootCause;
    if (!rc || rc.kind === 'unknown' || rc.confidence < p.minConfidence) {
      out.reason = rc ? `root cause ${rc.kind} at ${Math.round(rc.confidence * 100)}% is not enough to act on (needs ${Math.round(p.minConfidence * 100)}%)` : 'no root cause';
      return out;
    }
    const env = actionEnv(ctx);
    if (!env) {
      out.reason = 'no cluster access: the agent can recommend but not plan or execute actions';
      return out;
    }
    const defaultTarget: ResourceRef = { kind: rc.target.kind, ...(rc.target.namespace ? { namespace: rc.target.namespace } : {}), name: rc.target.name };
    const proposals: Proposal[] = p.actions
      ? p.actions.map((a) => ({ kind: a.kind as ActionKind, target: (a.target as ResourceRef | undefined) ?? defaultTarget, params: a.params, rationale: 'requested by the playbook', followUp: false }))
      : proposalsFor(rc, ctx.incident.findings).filter((x) => p.followUps || !x.followUp);
    for (const proposal of proposals) {
      const action = actionOf(proposal.kind);
      const parsed = action.params.parse(proposal.params);
      const plan = await action.plan(env, proposal.target, parsed);
      const refused = failed(plan.checks);
      if (refused.length) {
        out.refused.push({ kind: proposal.kind, target: proposal.target, checks: plan.checks });
        ctx.timeline({ type: 'action', source: 'agent', summary: `not proposing ${proposal.kind} of ${proposal.target.name}: ${refused.map((c) => `${c.name} (${c.detail})`).join('; ')}` });
        continue;
      }
      const proposed = ctx.proposeAction({
        kind: proposal.kind,
        target: proposal.target,
        params: parsed,
        rationale: `${proposal.rationale}. Plan: ${plan.description}. Checks: ${plan.checks.map((c) => c.name).join(', ')}.`,
        risk: plan.risk,
        requiresApproval: needsApproval(plan.risk, ctx.safety),
        dryRun: plan.dryRun,
        rollback: action.rollback(proposal.target, parsed, plan.before),
      });
      out.proposed.push({ id: proposed.id, kind: proposed.kind, risk: proposed.risk, requiresApproval: proposed.requiresApproval });
    }
    return out;
  },
});
