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
import { isWorkflowState } from './state.js';

export class ApprovalError extends Error {
  constructor(
    readonly status: 400 | 404 | 409,
    message: string,
  ) {
    super(message);
    this.name = 'ApprovalError';
  }
}

export type Decision = Approval['decision'];

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
    source: approval.by.startsWith('agent') || approval.by === 'policy' || approval.by === 'auto-approve' ? 'agent' : 'human',
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

export class ApprovalDesk {
  constructor(private readonly options: ApprovalDeskOptions) {}

  async decide(incidentId: string, actionId: string, decision: Decision, by: string, comment?: string): Promise<{ incident: Incident; action: Action }> {
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
    const updated = await mutateIncident(store, incidentId, (i) => void (decided = applyDecision(i, approval)), { clock, initial: incident });
    await store.recordApproval(incidentId, approval);
    await store.appendAudit({ at, incidentId, actor: by, action: `action.${decision}`, detail: { actionId, kind: action.kind, target: action.target, params: action.params, ...(comment ? { comment } : {}) } });
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
    await mutateIncident(store, incident.id, (i) => (expired = applyExpiry(i, actionId, at)) === undefined ? false : undefined, { clock, initial: incident });
    if (!expired) return;
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
