/**
 * Human decisions on proposed actions: approve or reject (through the HTTP API, later Slack and the web
 * console), and expiry of the ones nobody decided in time. A decision changes the incident with a
 * conditional write, lands in the audit log, and, when it was the last one the workflow waited for,
 * queues the incident so a worker resumes it.
 */
import type { Clock } from '../../core/clock.js';
import type { Logger } from '../../core/log.js';
import type { Action, Approval, Incident } from '../../core/types.js';
import type { AgentMetrics } from '../metrics.js';
import type { StateStore, WorkQueue } from '../ports.js';
import { blastRadiusOf, priorityOf } from '../queue/priority.js';
import { mutateIncident } from '../store/mutate.js';
import { planHash } from './plan-hash.js';
import { isWorkflowState } from './state.js';

export class ApprovalError extends Error {
  constructor(
    readonly status: 400 | 403 | 404 | 409,
    message: string,
  ) {
    super(message);
    this.name = 'ApprovalError';
  }
}

export type Decision = Approval['decision'];

/**
 * Actors the agent records for its own decisions. No credential may carry one of these names, and the
 * approval desk refuses them: a person's decision can never pass for the policy's or the agent's.
 */
const reservedActors = new Set(['policy', 'auto-approve', 'agent', 'system']);

/** `policy`, `auto-approve`, `system`, `agent` and `agent/<step>` (any case; also `agent:`, `agent-`, `agent.`). */
export function isReservedActor(name: string): boolean {
  const lower = name.trim().toLowerCase();
  return reservedActors.has(lower) || /^agent[-/:.]/.test(lower);
}

/** Where a decision came from, for the audit: the address, and what the caller claimed. */
export interface DecisionOrigin {
  /** The caller's address (the socket's peer). */
  remote?: string;
  /** The body's `by`, when it differs from the credential's name (recorded, never believed). */
  claimedBy?: string;
  /** How the decider was authenticated (`operator-token`, `console-session`, `slack`), for the audit. */
  via?: string;
}

/** What the decider saw: the decision is refused (409) when the action's plan no longer hashes to it. */
export interface DecisionExpectation {
  /** `planHash(action)` as it was when the action was shown (agent/workflow/plan-hash.ts). */
  planHash?: string;
}

/** A refused attempt to decide, as the audit records it (who tried, from where, why). */
export interface RefusedDecision extends DecisionOrigin {
  incidentId: string;
  actionId: string;
  decision: Decision;
  /** The credential's name; `anonymous` without one. */
  actor: string;
  status: number;
  reason: string;
  /** Request headers that tell where it came from (Origin, Host, User-Agent, X-Forwarded-For), cut short. */
  headers?: Record<string, string>;
}

/** Refusals audited per minute at most: an attacker hammering the API cannot fill the disk through the audit. */
const REFUSALS_AUDITED_PER_MINUTE = 60;

/** The change a decision makes to an incident (used through mutateIncident or the engine's ledger). */
export function applyDecision(incident: Incident, approval: Approval): Action {
  const action = incident.actions.find((a) => a.id === approval.actionId);
  if (!action) throw new ApprovalError(404, `incident ${incident.id} has no action ${approval.actionId}`);
  if (action.status !== 'proposed') throw new ApprovalError(409, `action ${action.id} is ${action.status}, not awaiting a decision`);
  action.status = approval.decision;
  action.approval = { ...approval };
  if (approval.decision === 'approved') incident.milestones.remediationApprovedAt ??= approval.at;
  incident.timeline.push({
    at: approval.at,
    type: 'approval',
    source: isReservedActor(approval.by) ? 'agent' : 'human',
    summary: `${action.kind} of ${action.target.name} ${approval.decision} by ${approval.by}${approval.comment ? `: ${approval.comment}` : ''}`,
    refs: [action.id],
  });
  return action;
}

/** Marks an undecided action expired; the workflow then goes to its `onExpire` step. */
export function applyExpiry(incident: Incident, actionId: string, at: string): Action | undefined {
  const action = incident.actions.find((a) => a.id === actionId);
  if (!action || action.status !== 'proposed') return undefined;
  action.status = 'expired';
  incident.timeline.push({ at, type: 'approval', source: 'agent', summary: `approval of ${action.kind} of ${action.target.name} expired at ${action.expiresAt} without a decision`, refs: [action.id] });
  return action;
}

export interface ApprovalDeskOptions {
  store: StateStore;
  queue: WorkQueue;
  clock: Clock;
  log: Logger;
  metrics: AgentMetrics;
  onEnqueued?: () => void;
}

/** A decision taken at the desk (API, console, Slack) or an expiry it recorded. */
export interface DeskEvent {
  kind: 'decided' | 'expired';
  incident: Incident;
  action: Action;
}

export class ApprovalDesk {
  private refusalWindow = { start: 0, audited: 0, suppressed: 0 };
  private readonly listeners = new Set<(event: DeskEvent) => void>();

  constructor(private readonly options: ApprovalDeskOptions) {}

  /**
   * Tells `listener` of every decision taken and expiry recorded here, whoever decided (the Slack app
   * replaces its buttons with the outcome). Called synchronously after the write; returns an unsubscribe.
   */
  onDecision(listener: (event: DeskEvent) => void): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  private emit(event: DeskEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (error) {
        this.options.log.warn('a decision listener failed', { incidentId: event.incident.id, error: (error as Error).message });
      }
    }
  }

  /**
   * A person's decision: `by` is the name of the credential that made it (agent/api), never a name from a
   * request body. A decision that cannot be taken (the action is decided, executing or expired: 409) is
   * audited as refused.
   */
  async decide(incidentId: string, actionId: string, decision: Decision, by: string, comment?: string, origin: DecisionOrigin = {}, expect: DecisionExpectation = {}): Promise<{ incident: Incident; action: Action }> {
    if (isReservedActor(by)) throw new ApprovalError(403, `"${by}" is an actor of the agent itself; a person's decision cannot be recorded under it`);
    try {
      const taken = await this.take(incidentId, actionId, decision, by, comment, origin, expect);
      this.emit({ kind: 'decided', ...taken });
      return taken;
    } catch (error) {
      if (error instanceof ApprovalError && error.status === 409) await this.recordRefusal({ incidentId, actionId, decision, actor: by, status: 409, reason: error.message, ...origin });
      throw error;
    }
  }

  /**
   * Audits a refused attempt to approve or reject (no or a wrong credential, a webhook credential, a
   * foreign Origin or Host, an action not awaiting a decision). At most REFUSALS_AUDITED_PER_MINUTE a
   * minute; the ones over are counted in one `approval.refusals-suppressed` entry.
   */
  async recordRefusal(refusal: RefusedDecision): Promise<void> {
    const { store, clock, log } = this.options;
    const now = clock.now();
    const window = this.refusalWindow;
    const at = new Date(now).toISOString();
    if (now - window.start >= 60_000) {
      if (window.suppressed) await store.appendAudit({ at, actor: 'agent', action: 'approval.refusals-suppressed', detail: { count: window.suppressed, since: new Date(window.start).toISOString(), limitPerMinute: REFUSALS_AUDITED_PER_MINUTE } }).catch(() => undefined);
      this.refusalWindow = { start: now, audited: 0, suppressed: 0 };
    }
    const cut = (text: string | undefined, max = 200) => (text === undefined ? undefined : text.length > max ? `${text.slice(0, max)}...` : text);
    log.warn('decision refused', { incidentId: cut(refusal.incidentId, 100), actionId: cut(refusal.actionId, 100), actor: cut(refusal.actor, 100), status: refusal.status, reason: refusal.reason, remote: refusal.remote });
    if (this.refusalWindow.audited >= REFUSALS_AUDITED_PER_MINUTE) {
      this.refusalWindow.suppressed++;
      return;
    }
    this.refusalWindow.audited++;
    const detail: Record<string, unknown> = { actionId: cut(refusal.actionId), decision: refusal.decision, status: refusal.status, reason: refusal.reason };
    if (refusal.remote) detail.remote = refusal.remote;
    if (refusal.claimedBy) detail.claimedBy = cut(refusal.claimedBy);
    if (refusal.via) detail.via = cut(refusal.via, 40);
    if (refusal.headers && Object.keys(refusal.headers).length) detail.headers = Object.fromEntries(Object.entries(refusal.headers).map(([k, v]) => [k, cut(v)]));
    try {
      await store.appendAudit({ at, incidentId: cut(refusal.incidentId)!, actor: cut(refusal.actor, 100)!, action: 'approval.refused', detail });
    } catch (error) {
      log.error('could not audit a refused decision', { error: (error as Error).message });
    }
  }

  private async take(incidentId: string, actionId: string, decision: Decision, by: string, comment: string | undefined, origin: DecisionOrigin, expect: DecisionExpectation): Promise<{ incident: Incident; action: Action }> {
    const { store, clock, metrics, log } = this.options;
    const incident = await store.getIncident(incidentId);
    if (!incident) throw new ApprovalError(404, `incident ${incidentId} not found`);
    const action = incident.actions.find((a) => a.id === actionId);
    if (!action) throw new ApprovalError(404, `incident ${incidentId} has no action ${actionId} (actions: ${incident.actions.map((a) => a.id).join(', ') || 'none'})`);
    const now = clock.now();
    const at = new Date(now).toISOString();
    if (action.status === 'proposed' && now >= Date.parse(action.expiresAt)) {
      await this.expire(incident, actionId, at);
      throw new ApprovalError(409, `the approval of action ${actionId} expired at ${action.expiresAt}; the agent will not execute it`);
    }
    if (action.status !== 'proposed') throw new ApprovalError(409, `action ${actionId} is ${action.status}, not awaiting a decision`);
    const approval: Approval = { actionId, decision, by, at, ...(comment ? { comment } : {}) };
    let decided: Action | undefined;
    // Checked on the incident the write is conditional on, so a plan changed in between is caught too.
    const bound = (i: Incident) => {
      const current = i.actions.find((a) => a.id === actionId);
      if (expect.planHash === undefined || !current) return;
      const now = planHash(current);
      if (now !== expect.planHash) throw new ApprovalError(409, `the plan of action ${actionId} changed since it was shown (${expect.planHash.slice(0, 80)}, now ${now}); look at the new plan and decide again`);
    };
    const updated = await mutateIncident(store, incidentId, (i) => {
      bound(i);
      decided = applyDecision(i, approval);
    }, { clock, initial: incident });
    await store.recordApproval(incidentId, approval);
    await store.appendAudit({ at, incidentId, actor: by, action: `action.${decision}`, detail: { actionId, kind: action.kind, target: action.target, params: action.params, ...(comment ? { comment } : {}), ...(origin.remote ? { remote: origin.remote } : {}), ...(origin.claimedBy ? { claimedBy: origin.claimedBy.slice(0, 200) } : {}), ...(origin.via ? { via: origin.via } : {}), ...(expect.planHash ? { planHash: expect.planHash } : {}) } });
    metrics.approvals.inc({ decision });
    metrics.actions.inc({ kind: action.kind, status: decision });
    log.info(`action ${decision}`, { incidentId, actionId, by });
    await this.resumeIfDecided(incidentId);
    return { incident: updated, action: decided! };
  }

  /** Queues the incident when the workflow waits and none of its awaited actions is undecided any more. */
  async resumeIfDecided(incidentId: string): Promise<boolean> {
    const { store, clock } = this.options;
    const state = await store.loadWorkflowState(incidentId);
    if (!isWorkflowState(state) || state.status !== 'awaiting-approval' || !state.awaiting) return false;
    const incident = await store.getIncident(incidentId);
    if (!incident) return false;
    const now = clock.now();
    const undecided = state.awaiting.actionIds.filter((id) => {
      const action = incident.actions.find((a) => a.id === id);
      return action?.status === 'proposed' && now < Date.parse(action.expiresAt);
    });
    if (undecided.length) return false;
    await this.enqueue(incident);
    return true;
  }

  /** Finds workflows whose approvals have expired and queues them, so they go to their onExpire step. */
  async sweep(): Promise<number> {
    const { items } = await this.options.store.listIncidents({ status: ['awaiting-approval'], limit: 500 });
    let queued = 0;
    for (const incident of items) if (await this.resumeIfDecided(incident.id)) queued++;
    return queued;
  }

  private async expire(incident: Incident, actionId: string, at: string): Promise<void> {
    const { store, clock, metrics } = this.options;
    let expired: Action | undefined;
    const updated = await mutateIncident(store, incident.id, (i) => (expired = applyExpiry(i, actionId, at)) === undefined ? false : undefined, { clock, initial: incident });
    if (!expired) return;
    this.emit({ kind: 'expired', incident: updated, action: expired });
    await store.appendAudit({ at, incidentId: incident.id, actor: 'agent', action: 'action.expired', detail: { actionId, kind: expired.kind, expiresAt: expired.expiresAt } });
    metrics.approvals.inc({ decision: 'expired' });
    metrics.actions.inc({ kind: expired.kind, status: 'expired' });
    await this.resumeIfDecided(incident.id);
  }

  private async enqueue(incident: Incident): Promise<void> {
    const alerts = await this.options.store.getAlerts(incident.alertIds);
    await this.options.queue.enqueue({ incidentId: incident.id, priority: priorityOf(incident.severity, blastRadiusOf(alerts)), dedupeKey: incident.id });
    this.options.onEnqueued?.();
  }
}
