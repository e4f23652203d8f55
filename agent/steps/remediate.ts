/**
 * Step `remediate`: executes the approved actions, in the order they were proposed. Each is marked
 * `executing` first, its safety checks run again against the cluster as it is now, its planned change
 * is saved in its execution claim right before the write (the engine then lets the write through and
 * keeps it from running twice), and the outcome is recorded with the objects before and after, which
 * lands in the audit log. A refused or failed action stops the rest unless `continueOnFailure`.
 *
 * An action the agent was killed in the middle of (found `executing`, its claim interrupted) is not
 * executed again: its saved plan is compared with the live object and it is recorded `succeeded` or
 * `failed` from what is actually there, with before and after.
 */
import { z } from 'zod';
import { ClusterWriteRejected } from '../evidence/cluster-writer.js';
import type { Action } from '../../core/types.js';
import { actionOf, SafetyRefusal, type ActionEnv, type Reconciliation } from '../remediation/index.js';
import type { StepContext } from '../workflow/step.js';
import { defineStep } from '../workflow/step.js';
import { actionEnv } from './recommend.js';

const params = z.object({
  continueOnFailure: z.boolean().default(false).describe('Run the remaining approved actions after one failed'),
});

export interface RemediateOutput {
  executed: { id: string; kind: string; ok: boolean; message: string; reconciled?: boolean }[];
  skipped: { id: string; kind: string; status: string }[];
}

export const remediateStep = defineStep({
  kind: 'remediate',
  description: 'Executes the approved actions (safety checks again, the change, before/after recorded for the audit log)',
  params,
  incidentStatus: 'remediating',
  async run(ctx, p): Promise<RemediateOutput> {
    const out: RemediateOutput = { executed: [], skipped: [] };
    const env = actionEnv(ctx);
    for (const action of [...ctx.incident.actions]) {
      if (action.status === 'executing' && ctx.executionClaim?.(action.id)?.interrupted) {
        const outcome = await reconcile(ctx, env, action);
        out.executed.push({ id: action.id, kind: action.kind, ok: outcome.landed, message: outcome.message, reconciled: true });
        if (!outcome.landed && !p.continueOnFailure) break;
        continue;
      }
      if (action.status !== 'approved') {
        if (action.status === 'proposed' || action.status === 'rejected' || action.status === 'expired') out.skipped.push({ id: action.id, kind: action.kind, status: action.status });
        continue;
      }
      if (!env) {
        ctx.updateAction(action.id, { status: 'failed', result: { ok: false, message: 'no cluster access' } });
        out.executed.push({ id: action.id, kind: action.kind, ok: false, message: 'no cluster access' });
        break;
      }
      const definition = actionOf(action.kind);
      const executedAt = new Date(ctx.now()).toISOString();
      ctx.updateAction(action.id, { status: 'executing', executedAt });
      let ok = false;
      let message: string;
      try {
        const planning: ActionEnv = { ...env, recordPlan: (planned) => ctx.recordPlan?.(action.id, planned) ?? Promise.resolve() };
        const outcome = await definition.execute(planning, action.target, definition.params.parse(action.params));
        ok = outcome.ok;
        message = outcome.message;
        ctx.updateAction(action.id, { status: ok ? 'succeeded' : 'failed', result: { ok, message, before: outcome.before, after: outcome.after } });
      } catch (error) {
        message = error instanceof SafetyRefusal || error instanceof ClusterWriteRejected ? error.message : `failed: ${(error as Error).message}`;
        ctx.updateAction(action.id, { status: 'failed', result: { ok: false, message } });
      }
      ctx.log.info('action executed', { action: action.id, kind: action.kind, ok, message });
      out.executed.push({ id: action.id, kind: action.kind, ok, message });
      if (!ok && !p.continueOnFailure) break;
    }
    return out;
  },
});

/**
 * The outcome of an action the agent was killed in the middle of, read from the live object and never
 * by executing it again. When the cluster cannot be read, it is failed with the reason (a person
 * checks).
 */
async function reconcile(ctx: StepContext, env: ActionEnv | undefined, action: Action): Promise<Reconciliation> {
  const definition = actionOf(action.kind);
  const planned = ctx.executionClaim?.(action.id)?.planned as Record<string, unknown> | undefined;
  let outcome: Reconciliation;
  try {
    outcome = env ? await definition.reconcile(env, action.target, definition.params.parse(action.params), planned) : { landed: false, message: 'no cluster access to read the outcome back' };
  } catch (error) {
    outcome = { landed: false, message: `the live object could not be read (${(error as Error).message})` };
  }
  const message = `${outcome.message} (read back from the cluster after the agent stopped mid-action${outcome.landed ? '' : '; it is not executed again, to avoid applying it twice: finish or undo it by hand if needed'})`;
  ctx.updateAction(action.id, { status: outcome.landed ? 'succeeded' : 'failed', result: { ok: outcome.landed, message, ...(outcome.before !== undefined ? { before: outcome.before } : {}), ...(outcome.after !== undefined ? { after: outcome.after } : {}) } });
  ctx.log.info('action reconciled', { action: action.id, kind: action.kind, landed: outcome.landed, message: outcome.message });
  return { ...outcome, message };
}
