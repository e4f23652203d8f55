/**
 * The engine's own step kinds. `decide` and `await-approval` change the course of the workflow, so the
 * engine runs them; their params are schemas like any handler's. `notify` is an ordinary handler that
 * sends a message through the notifier port.
 */
import { z } from 'zod';
import { parseDuration } from '../../core/duration.js';
import { defineStep } from './step.js';
import { conditionSchema } from './conditions.js';

const target = z.string().min(1);

export const decideParams = z
  .object({
    /** Checked in order; the first whose condition holds decides where to go. */
    branches: z.array(z.object({ when: conditionSchema, goto: target, label: z.string().optional() }).strict()).min(1),
    /** Where to go when no branch holds (default: the next step). */
    otherwise: target.optional(),
  })
  .strict();

const durationText = z.string().refine((value) => {
  try {
    return parseDuration(value) > 0;
  } catch {
    return false;
  }
}, 'expected a duration like 15m');

export const awaitApprovalParams = z
  .object({
    /** How long people have to decide (default: the safety policy's approvalTtlSeconds). */
    ttl: durationText.optional(),
    /** Where to go when every awaited action was rejected (default: end). */
    onReject: target.optional(),
    /** Where to go when the approvals expired undecided (default: end). */
    onExpire: target.optional(),
    /** Where to go when there is nothing to approve or execute (default: the next step). */
    onNone: target.optional(),
  })
  .strict();

export type DecideParams = z.infer<typeof decideParams>;
export type AwaitApprovalParams = z.infer<typeof awaitApprovalParams>;

export const notifyParams = z
  .object({
    /** What the message is about; chooses how notifiers present it (default root-cause). */
    kind: z.enum(['incident-opened', 'root-cause', 'approval-requested', 'action-executed', 'incident-resolved', 'incident-unresolved']).default('root-cause'),
    /** The message (templated). */
    text: z.string().min(1),
  })
  .strict();

export const notifyHandler = defineStep({
  kind: 'notify',
  description: 'Sends a message about the incident through the notifier (console, Slack, web console).',
  params: notifyParams,
  async run(context, params): Promise<{ sent: boolean }> {
    await context.notifier.notify({ kind: params.kind, incident: context.incident, text: params.text });
    return { sent: true };
  },
});

/** Targets a control step may jump to, for the loader's goto check. */
export function jumpTargets(kind: string, params: Record<string, unknown>): string[] {
  if (kind === 'decide') {
    const parsed = decideParams.safeParse(params);
    if (!parsed.success) return [];
    return [...parsed.data.branches.map((b) => b.goto), ...(parsed.data.otherwise ? [parsed.data.otherwise] : [])];
  }
  if (kind === 'await-approval') {
    const parsed = awaitApprovalParams.safeParse(params);
    if (!parsed.success) return [];
    return [parsed.data.onReject, parsed.data.onExpire, parsed.data.onNone].filter((t): t is string => t !== undefined);
  }
  return [];
}
