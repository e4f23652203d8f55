/**
 * The one way a person's decision on a proposed action enters the agent: the JSON API, the web console
 * and Slack all call `decideAction` with a principal (who, and how they were authenticated) and, when
 * they showed the action, the `planHash` of what they showed. Refusals that happen before a decision
 * can be attempted (no session, a failed CSRF check, a Slack user not on the allow-list) go through
 * `refuseDecision`, so every refused path lands in the same audit entry (`approval.refused`).
 *
 * Approver names: the operator token's name for the API and the console; `slack:<USER_ID>` for Slack
 * (no token can carry the `slack:` prefix: credentials.ts).
 */
import type { Action, Incident } from '../../core/types.js';
import { ApprovalError, type ApprovalDesk, type Decision } from '../workflow/approvals.js';

export { planHash } from '../workflow/plan-hash.js';

/** How the decider proved who they are. */
export type AuthenticatedBy = 'operator-token' | 'console-session' | 'slack';

export interface DecisionPrincipal {
  /** The approver the audit records: an operator token's name, or `slack:<USER_ID>`. */
  name: string;
  via: AuthenticatedBy;
}

/** The approver name of a Slack user. */
export const slackApprover = (userId: string) => `slack:${userId}`;
export const slackPrefix = 'slack:';

export interface DecisionRequest {
  incidentId: string;
  actionId: string;
  decision: Decision;
  principal: DecisionPrincipal;
  comment?: string;
  /** `planHash(action)` of the action as shown; a changed plan refuses the decision (409, audited). */
  planHash?: string;
  /** Where it came from: the peer address, a name the caller claimed, a few request headers. */
  remote?: string;
  claimedBy?: string;
}

export interface RefusalRequest {
  incidentId: string;
  actionId: string;
  decision: Decision;
  /** Who tried (`anonymous` when nobody could be identified). */
  actor: string;
  via?: AuthenticatedBy;
  status: number;
  reason: string;
  remote?: string;
  headers?: Record<string, string>;
}

/** Whether a principal's name fits how it was authenticated (a token cannot pass for a Slack user). */
function checkPrincipal(principal: DecisionPrincipal): void {
  const isSlackName = principal.name.startsWith(slackPrefix);
  if (principal.via === 'slack' ? !isSlackName : isSlackName) throw new ApprovalError(403, `the approver name ${principal.name.slice(0, 80)} does not fit a ${principal.via} principal`);
}

/**
 * Decides through the approval desk: approve or reject, at most once, before expiry, bound to the plan
 * when `planHash` is given. Throws ApprovalError (403 reserved name, 404 no such incident/action, 409
 * decided, expired or plan changed); the 409s are audited by the desk.
 */
export async function decideAction(desk: ApprovalDesk, request: DecisionRequest): Promise<{ incident: Incident; action: Action }> {
  checkPrincipal(request.principal);
  const origin = { via: request.principal.via, ...(request.remote ? { remote: request.remote } : {}), ...(request.claimedBy && request.claimedBy !== request.principal.name ? { claimedBy: request.claimedBy } : {}) };
  return desk.decide(request.incidentId, request.actionId, request.decision, request.principal.name, request.comment || undefined, origin, request.planHash ? { planHash: request.planHash } : {});
}

/** Audits a decision refused before it reached the desk (rate-limited there like every refusal). */
export async function refuseDecision(desk: ApprovalDesk, refusal: RefusalRequest): Promise<void> {
  await desk.recordRefusal({
    incidentId: refusal.incidentId,
    actionId: refusal.actionId,
    decision: refusal.decision,
    actor: refusal.actor,
    status: refusal.status,
    reason: refusal.reason,
    ...(refusal.via ? { via: refusal.via } : {}),
    ...(refusal.remote ? { remote: refusal.remote } : {}),
    ...(refusal.headers ? { headers: refusal.headers } : {}),
  });
}
