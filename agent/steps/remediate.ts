/**
 * Step `remediate`: executes the approved actions, in the order they were proposed. Each is marked
 * `executing` first (the engine then lets its writes through and keeps it from running twice), its
 * safety checks run again against the cluster as it is now, and the outcome is recorded with the
 * objects before and after, which lands in the audit log. A refused or failed action stops the rest
 * unless `continueOnFailure`.
 */
import { z } from 'zod';
import { ClusterWriteRejected } from '../evidence/cluster-writer.js';
import { actionOf, SafetyRefusal } from '../remediation/index.js';
import { defineStep } from '../workflow/step.js';
import { actionEnv } from './recommend.js';

const params = z.object({
  continueOnFailure: z.boolean().default(false).describe('Run the remaining approved actions after one failed'),
});

export interface RemediateOutput {
  executed: { id: string; kind: string; ok: boolean; message: string }[];
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
        const outcome = await definition.execute(env, action.target, definition.params.parse(action.params));
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
