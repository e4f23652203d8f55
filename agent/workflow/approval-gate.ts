/**
 * The approval gate (`await-approval`): proposed actions the policy (or `--auto-approve`) clears are
 * approved on the spot; the others are put before people with an expiry, and the workflow pauses,
 * saved, releasing its worker. When every awaited action is decided (through the API) or expired, the
 * workflow settles the gate and goes on: to the next step when something was approved, otherwise to
 * the step's `onReject` / `onExpire` (default: the end).
 */
import { isFinal, moveIncident } from '../../core/incident-lifecycle.js';
import { parseDuration } from '../../core/duration.js';
import { approvalRequested } from '../notify/messages.js';
import { applyDecision, applyExpiry } from './approvals.js';
import { awaitApprovalParams } from './control-steps.js';
import { notifyOnce, sendRecordedNotifications } from './notifications.js';
import { END, isGroup, type LeafStep } from './playbook.js';
import { addRecord, advance, checkpoint, closeRecord, nextAfter, PAUSE, secondsSinceStart, StepFailed, type Engine, type Next, type Run } from './run.js';
import { recordOf } from './state.js';
import { renderParams } from './template.js';
import { templateVars } from './template-vars.js';

export async function enterApproval(engine: Engine, run: Run, spec: LeafStep, visit: number): Promise<Next> {
  const { clock, safety, autoApprove, baseUrl, metrics } = engine;
  const started = clock.now();
  const record = addRecord(engine, run, { id: spec.id, kind: 'await-approval', visit, status: 'running', attempts: 1 });
  const parsed = awaitApprovalParams.safeParse(renderParams(spec.params, templateVars(engine, run)));
  if (!parsed.success) {
    closeRecord(engine, record, 'failed', started, undefined, parsed.error.message);
    throw new StepFailed(`step '${spec.id}' (await-approval) has invalid params: ${parsed.error.message}`);
  }
  await run.ledger.refresh();
  const at = new Date(clock.now()).toISOString();
  for (const action of run.ledger.incident.actions.filter((a) => a.status === 'proposed')) {
    if (!autoApprove && action.requiresApproval) continue;
    const by = autoApprove ? 'auto-approve' : 'policy';
    const approval = { actionId: action.id, decision: 'approved' as const, by, at, comment: autoApprove ? 'approved by --auto-approve' : `risk ${action.risk} is below the approval threshold (${safety.approvalRequiredFrom})` };
    run.ledger.apply((i) => {
      const a = i.actions.find((x) => x.id === action.id);
      if (a?.status === 'proposed') applyDecision(i, approval);
    });
    run.ledger.approval(approval);
    run.ledger.audit({ actor: by, action: 'action.approved', detail: { actionId: action.id, kind: action.kind, target: action.target, params: action.params, comment: approval.comment } });
    metrics.approvals.inc({ decision: 'auto' });
    metrics.actions.inc({ kind: action.kind, status: 'approved' });
  }
  const pending = run.ledger.incident.actions.filter((a) => a.status === 'proposed');
  if (pending.length === 0) {
    const approved = run.ledger.incident.actions.filter((a) => a.status === 'approved').map((a) => a.id);
    const next = approved.length ? (spec.goto ?? nextAfter(run, spec)) : (parsed.data.onNone ?? spec.goto ?? nextAfter(run, spec));
    closeRecord(engine, record, 'succeeded', started, { approved, pending: [] }, undefined);
    record.next = next;
    if (!approved.length) record.note = 'nothing to approve';
    metrics.steps.inc({ kind: 'await-approval', status: 'succeeded' });
    return next;
  }
  const ttlMs = parsed.data.ttl ? parseDuration(parsed.data.ttl) : safety.approvalTtlSeconds * 1000;
  const expiresAt = new Date(clock.now() + ttlMs).toISOString();
  const ids = pending.map((a) => a.id);
  run.ledger.apply((i) => {
    for (const a of i.actions) if (ids.includes(a.id) && a.status === 'proposed') a.expiresAt = expiresAt;
    if (!isFinal(i.status)) moveIncident(i, 'awaiting-approval');
    i.timeline.push({ at, type: 'approval', source: 'agent', summary: `waiting for approval of ${pending.map((a) => `${a.kind} (${a.id})`).join(', ')} until ${expiresAt}` });
  });
  record.status = 'waiting';
  record.note = `waiting for a decision on ${ids.join(', ')} until ${expiresAt}`;
  run.state.status = 'awaiting-approval';
  run.state.awaiting = { stepId: spec.id, visit, actionIds: ids, since: at, expiresAt };
  run.ledger.audit({ actor: 'agent', action: 'approval.requested', detail: { actionIds: ids, expiresAt } });
  await checkpoint(engine, run);
  await sendRecordedNotifications(engine, run);
  for (const action of run.ledger.incident.actions.filter((a) => ids.includes(a.id))) await notifyOnce(engine, run, `approval:${action.id}`, approvalRequested(run.ledger.incident, action, baseUrl(), engine.tokenRequired ?? false));
  await run.ledger.flush();
  metrics.investigationDuration.observe({ playbook: run.playbook.name, outcome: 'awaiting-approval' }, secondsSinceStart(engine, run));
  run.log.info('waiting for approval', { actions: ids, expiresAt });
  return PAUSE;
}

/**
 * Looks at the awaited actions (decided through the API meanwhile, or expired) and moves on when none
 * is undecided; otherwise the workflow keeps waiting and the worker is released.
 */
export async function settleApproval(engine: Engine, run: Run): Promise<'waiting' | 'resumed'> {
  const { clock, metrics } = engine;
  const awaiting = run.state.awaiting;
  if (!awaiting) {
    run.state.status = 'running';
    return 'resumed';
  }
  await run.ledger.refresh();
  const now = clock.now();
  const at = new Date(now).toISOString();
  for (const id of awaiting.actionIds) {
    const action = run.ledger.incident.actions.find((a) => a.id === id);
    if (!action || action.status !== 'proposed' || now < Date.parse(action.expiresAt)) continue;
    run.ledger.apply((i) => void applyExpiry(i, id, at));
    run.ledger.audit({ actor: 'agent', action: 'action.expired', detail: { actionId: id, kind: action.kind, expiresAt: action.expiresAt } });
    metrics.approvals.inc({ decision: 'expired' });
    metrics.actions.inc({ kind: action.kind, status: 'expired' });
  }
  const actions = awaiting.actionIds.map((id) => run.ledger.incident.actions.find((a) => a.id === id)).filter((a) => a !== undefined);
  if (actions.some((a) => a.status === 'proposed')) {
    if (run.ledger.dirty) await run.ledger.flush();
    return 'waiting';
  }
  const spec = run.playbook.steps.find((s): s is LeafStep => s.id === awaiting.stepId && !isGroup(s));
  const params = spec ? awaitApprovalParams.safeParse(renderParams(spec.params, templateVars(engine, run))) : undefined;
  const p = params?.success ? params.data : {};
  const approved = actions.filter((a) => a.status === 'approved' || a.status === 'executing' || a.status === 'succeeded').map((a) => a.id);
  const rejected = actions.filter((a) => a.status === 'rejected').map((a) => a.id);
  const expired = actions.filter((a) => a.status === 'expired').map((a) => a.id);
  const next = approved.length ? (spec ? (spec.goto ?? nextAfter(run, spec)) : END) : rejected.length ? (p.onReject ?? END) : (p.onExpire ?? END);
  const record = recordOf(run.state, awaiting.stepId, awaiting.visit);
  if (record) {
    closeRecord(engine, record, 'succeeded', Date.parse(record.startedAt), { approved, rejected, expired }, undefined);
    record.next = next;
    record.note = approved.length ? 'approved' : rejected.length ? 'rejected' : 'expired';
  }
  metrics.steps.inc({ kind: 'await-approval', status: 'succeeded' });
  run.state.status = 'running';
  delete run.state.awaiting;
  run.ledger.apply((i) => {
    if (i.status === 'awaiting-approval') moveIncident(i, 'investigating');
  });
  run.log.info('approval settled', { approved, rejected, expired, next });
  advance(run, next);
  await checkpoint(engine, run);
  return 'resumed';
}
