/**
 * The approval gate (`await-approval`): proposed actions the policy (or `--auto-approve`) clears are
 * approved on the spot; the others are put before people with an expiry, and the workflow pauses,
 * saved, releasing its worker. When every awaited action is decided (through the API) or expired, the
 * workflow settles the gate and goes on: to the next step when something was approved (by people or
 * by the policy), otherwise to the step's `onReject` / `onExpire` (default: the end).
 *
 * Actions the policy approved do not wait for people's decisions on the others: when the step after
 * the gate executes actions (its kind runs with the incident `remediating`, as `remediate` does), the
 * workflow runs it at once for them (the "interim"), then waits for the people. Once they have
 * decided, it goes through that step again for what they approved, then on as the playbook says
 * (verification last). A reject or an expiry of the others never cancels a policy-approved action.
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

/** Statuses of an action that was approved (it may have run since). */
const approvedStatuses = new Set(['approved', 'executing', 'succeeded', 'failed', 'rolled-back']);

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
  const policyApproved: string[] = [];
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
    policyApproved.push(action.id);
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
  const ready = run.ledger.incident.actions.filter((a) => a.status === 'approved').map((a) => a.id);
  const interim = ready.length ? interimStep(engine, run, spec) : undefined;
  run.ledger.apply((i) => {
    for (const a of i.actions) if (ids.includes(a.id) && a.status === 'proposed') a.expiresAt = expiresAt;
    // During the interim the incident is being remediated; it awaits approval once that step is done.
    if (!isFinal(i.status) && !interim) moveIncident(i, 'awaiting-approval');
    i.timeline.push({ at, type: 'approval', source: 'agent', summary: `waiting for approval of ${pending.map((a) => `${a.kind} (${a.id})`).join(', ')} until ${expiresAt}${interim ? `; meanwhile ${interim} executes what the policy approved (${ready.join(', ')})` : ''}` });
  });
  record.status = 'waiting';
  record.note = `waiting for a decision on ${ids.join(', ')} until ${expiresAt}${interim ? `; policy-approved ${ready.join(', ')} executed meanwhile by ${interim}` : ''}`;
  run.state.awaiting = { stepId: spec.id, visit, actionIds: ids, since: at, expiresAt, ...(policyApproved.length ? { policyApproved } : {}), ...(interim ? { interim } : {}) };
  run.state.status = interim ? 'running' : 'awaiting-approval';
  run.ledger.audit({ actor: 'agent', action: 'approval.requested', detail: { actionIds: ids, expiresAt, ...(interim ? { executingMeanwhile: ready } : {}) } });
  await checkpoint(engine, run);
  await sendRecordedNotifications(engine, run);
  for (const action of run.ledger.incident.actions.filter((a) => ids.includes(a.id))) await notifyOnce(engine, run, `approval:${action.id}`, approvalRequested(run.ledger.incident, action, baseUrl(), engine.tokenRequired ?? false));
  await run.ledger.flush();
  run.log.info('waiting for approval', { actions: ids, expiresAt, ...(interim ? { executingMeanwhile: ready } : {}) });
  if (interim) return interim;
  metrics.investigationDuration.observe({ playbook: run.playbook.name, outcome: 'awaiting-approval' }, secondsSinceStart(engine, run));
  return PAUSE;
}

/**
 * The step that executes the policy-approved actions while people decide: the one right after the
 * gate, when its kind executes actions (it runs with the incident `remediating`); else none, and the
 * policy-approved actions run with the others once they are decided.
 */
function interimStep(engine: Engine, run: Run, spec: LeafStep): string | undefined {
  const next = run.playbook.steps.find((s) => s.id === (spec.goto ?? nextAfter(run, spec)));
  if (!next || isGroup(next)) return undefined;
  return engine.registry.get(next.kind)?.incidentStatus === 'remediating' ? next.id : undefined;
}

/**
 * The interim step has ended: the workflow now waits for people's decisions (or goes on at once when
 * they decided meanwhile). Returns whether it waits.
 */
export async function endInterim(engine: Engine, run: Run): Promise<'waiting' | 'resumed'> {
  delete run.state.awaiting!.interim;
  run.state.status = 'awaiting-approval';
  run.ledger.apply((i) => {
    if (!isFinal(i.status) && i.status !== 'awaiting-approval') moveIncident(i, 'awaiting-approval');
  });
  await checkpoint(engine, run);
  const outcome = await settleApproval(engine, run);
  if (outcome === 'waiting') engine.metrics.investigationDuration.observe({ playbook: run.playbook.name, outcome: 'awaiting-approval' }, secondsSinceStart(engine, run));
  return outcome;
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
  // What the policy approved at this gate goes on whatever people decided on the others.
  const byPolicy = (awaiting.policyApproved ?? []).filter((id) => run.ledger.incident.actions.some((a) => a.id === id && approvedStatuses.has(a.status)));
  const rejected = actions.filter((a) => a.status === 'rejected').map((a) => a.id);
  const expired = actions.filter((a) => a.status === 'expired').map((a) => a.id);
  const next = approved.length || byPolicy.length ? (spec ? (spec.goto ?? nextAfter(run, spec)) : END) : rejected.length ? (p.onReject ?? END) : (p.onExpire ?? END);
  const record = recordOf(run.state, awaiting.stepId, awaiting.visit);
  if (record) {
    closeRecord(engine, record, 'succeeded', Date.parse(record.startedAt), { approved, rejected, expired, ...(byPolicy.length ? { approvedByPolicy: byPolicy } : {}) }, undefined);
    record.next = next;
    record.note = approved.length ? 'approved' : `${rejected.length ? 'rejected' : 'expired'}${byPolicy.length ? `; the policy-approved ${byPolicy.join(', ')} go on` : ''}`;
  }
  metrics.steps.inc({ kind: 'await-approval', status: 'succeeded' });
  run.state.status = 'running';
  delete run.state.awaiting;
  run.ledger.apply((i) => {
    if (i.status === 'awaiting-approval') moveIncident(i, 'investigating');
  });
  run.log.info('approval settled', { approved, approvedByPolicy: byPolicy, rejected, expired, next });
  advance(run, next);
  await checkpoint(engine, run);
  return 'resumed';
}
