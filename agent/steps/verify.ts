/**
 * Step `verify`: the symptom must be gone and stay gone. The conditions of the executed actions (the
 * deployment fully available with no restarts, the node drained) and the alert's own condition in
 * PromQL must all hold for `holdSeconds` in a row before the deadline. When they do not, the rollbacks
 * of the executed actions are proposed (a human decides), never run by themselves.
 */
import { z } from 'zod';
import type { Sleep } from '../../core/clock.js';
import { actionOf, describeCondition, symptomChecks, verifyConditions, type VerificationCondition } from '../remediation/index.js';
import { defineStep } from '../workflow/step.js';
import { durationOr, formatDuration } from '../../core/duration.js';

const params = z.object({
  holdSeconds: z.number().positive().default(60).describe('How long every condition must hold in a row'),
  timeoutSeconds: z.number().positive().default(600).describe('Give up (verification failed) after this long'),
  intervalSeconds: z.number().positive().default(10).describe('Between two checks'),
  symptom: z.boolean().default(true).describe('Also check the alert\'s own condition in PromQL (needs metrics)'),
  rate: z.string().optional().describe('Window of rate()/increase() in the symptom checks (default: the agent\'s rate window, at most 2m)'),
  proposeRollbackOnFailure: z.boolean().default(true),
});

export interface VerifyOutput {
  outcome: 'passed' | 'failed' | 'skipped';
  conditions: string[];
  detail?: string;
}

/**
 * A recovered symptom should show within a couple of minutes: a 5m rate would keep the fault in the
 * window long after the fix. A shorter configured window (the local target's fast profile) is used as is.
 */
function symptomWindow(configured: unknown): string {
  const cap = 2 * 60_000;
  return formatDuration(Math.min(cap, durationOr(configured, cap)));
}

/** `sleep` replaces the clock's waits between checks (the integration tests advance a simulation). */
export function createVerifyStep(options: { sleep?: Sleep } = {}) {
  return defineStep({
    kind: 'verify',
    description: 'Checks that the symptom is gone: action conditions and the alert\'s PromQL condition hold for N seconds',
    params,
    incidentStatus: 'verifying',
    async run(ctx, p): Promise<VerifyOutput> {
      const sleep = options.sleep ?? ctx.sleep;
      const executed = ctx.incident.actions.filter((a) => a.status === 'succeeded');
      if (!executed.length) return { outcome: 'skipped', conditions: [], detail: 'no action was executed' };
      const conditions: VerificationCondition[] = [];
      const seen = new Set<string>();
      const add = (c: VerificationCondition) => {
        const key = JSON.stringify(c);
        if (!seen.has(key)) {
          seen.add(key);
          conditions.push(c);
        }
      };
      for (const action of executed) {
        const definition = actionOf(action.kind);
        for (const c of definition.verification(action.target, definition.params.parse(action.params))) add(c);
      }
      if (p.symptom && ctx.evidence.metrics) for (const c of symptomChecks(ctx.alerts, ctx.incident.rootCause, p.rate ?? symptomWindow(ctx.vars.rateWindow))) add(c);
      const env = { ...(ctx.cluster ? { cluster: ctx.cluster } : {}), ...(ctx.evidence.metrics ? { metrics: ctx.evidence.metrics } : {}), now: ctx.now, sleep, signal: ctx.signal, allowedNamespaces: ctx.safety.allowedNamespaces };
      const verification = await verifyConditions(env, conditions, p, (pending) => ctx.setVerification(pending));
      ctx.setVerification(verification);
      if (verification.outcome === 'failed' && p.proposeRollbackOnFailure) {
        for (const action of executed) {
          const undo = action.rollback.action;
          if (!undo) continue;
          ctx.proposeAction({ kind: undo.kind, target: undo.target, params: undo.params, rationale: `verification failed after ${action.kind}: ${action.rollback.description}`, risk: 'medium', requiresApproval: true, rollback: { description: `re-apply ${action.kind}` } });
        }
      }
      return { outcome: verification.outcome === 'passed' ? 'passed' : 'failed', conditions: conditions.map(describeCondition), ...(verification.detail ? { detail: verification.detail } : {}) };
    },
  });
}

export const verifyStep = createVerifyStep();
