/**
 * How a workflow begins and ends: started with the playbook that matches the incident's alerts,
 * resumed where a previous run left it (steps cut off by a crash run again; actions cut off mid-change
 * are reconciled with the live object, never executed twice), finished with the incident resolved or
 * unresolved by its verification, or failed with the reason. Each of these is saved before anyone is
 * told.
 */
import { isFinal, moveIncident } from '../../core/incident-lifecycle.js';
import type { IncidentStatus } from '../../core/types.js';
import { incidentEnded, incidentOpened } from '../notify/messages.js';
import { choosePlaybook } from './matcher.js';
import { notifyOnce, sendRecordedNotifications } from './notifications.js';
import { checkpoint, isoNow, secondsSinceStart, type Engine, type Run, type RunBase, type StatefulRun } from './run.js';
import type { WorkflowState } from './state.js';

/** A new workflow: the playbook chosen, its first step at the cursor, the incident investigating. */
export async function startRun(engine: Engine, base: RunBase): Promise<Run> {
  const { library, baseUrl } = engine;
  const choice = choosePlaybook(library.playbooks, library.fallback, base.alerts);
  const at = isoNow(engine);
  const first = choice.playbook.steps[0]!;
  const state: WorkflowState = {
    version: 1,
    incidentId: base.ledger.id,
    playbook: { name: choice.playbook.name, file: choice.playbook.file, reason: choice.reason },
    status: 'running',
    cursor: { stepId: first.id, visit: 1 },
    visits: { [first.id]: 1 },
    records: [],
    outputs: {},
    executions: {},
    notified: [],
    startedAt: at,
    updatedAt: at,
    runs: 1,
    stepsRun: 0,
  };
  const run: Run = Object.assign(base, { state, playbook: choice.playbook });
  run.ledger.apply((i) => {
    i.playbook = choice.playbook.name;
    if (!isFinal(i.status)) moveIncident(i, 'investigating');
    i.milestones.investigationStartedAt ??= at;
    i.timeline.push({ at, type: 'observation', source: 'agent', summary: `investigation started: ${choice.reason}` });
  });
  run.ledger.audit({ actor: 'agent', action: 'investigation.started', detail: { playbook: choice.playbook.name, file: choice.playbook.file, reason: choice.reason } });
  run.log.info('investigation started', { playbook: choice.playbook.name, reason: choice.reason });
  await checkpoint(engine, run);
  await notifyOnce(engine, run, 'incident-opened', incidentOpened(run.ledger.incident, choice.playbook.name, baseUrl()));
  return run;
}

/** Picks up a workflow a previous run (or another agent process) left; undefined if it cannot go on. */
export async function resumeRun(engine: Engine, stored: StatefulRun): Promise<Run | undefined> {
  const { library } = engine;
  const state = stored.state;
  state.runs++;
  const playbook = library.get(state.playbook.name);
  if (!playbook) {
    await failRun(engine, stored, `playbook ${state.playbook.name} (${state.playbook.file}) is no longer loaded, so its workflow cannot resume`);
    return undefined;
  }
  const run: Run = Object.assign(stored, { playbook });
  const at = isoNow(engine);
  const interruptedSteps: string[] = [];
  for (const record of state.records) {
    if (record.status !== 'running') continue;
    record.status = 'interrupted';
    record.finishedAt = at;
    record.note = 'the agent stopped while this step ran; it runs again';
    interruptedSteps.push(record.id);
  }
  // An action still `executing` was cut off. Its claim is saved before any write, so without one
  // nothing was written: it goes back to `approved` and runs when its step runs again. With one, the
  // change may have landed: the claim is marked interrupted, and the step that executes actions
  // reconciles it with the live object when it runs again (failUnreconciled() is the fallback).
  for (const action of run.ledger.incident.actions.filter((a) => a.status === 'executing')) {
    const claim = state.executions[action.id];
    if (claim) claim.interrupted = at;
    const summary = claim
      ? `${action.kind} interrupted after it was claimed (the agent stopped): its outcome is read from the live object, it is not executed again`
      : `${action.kind} interrupted before anything was written (the agent stopped): it runs when remediation resumes`;
    run.ledger.apply((i) => {
      const a = i.actions.find((x) => x.id === action.id);
      if (!a || a.status !== 'executing') return;
      if (!claim) a.status = 'approved';
      i.timeline.push({ at, type: 'remediation', source: 'agent', summary, refs: [a.id] });
    });
    run.ledger.audit({ actor: 'agent', action: 'action.interrupted', detail: { actionId: action.id, kind: action.kind, target: action.target, claim: claim ?? null, outcome: claim ? 'reconcile with the live object' : 'nothing written: runs again' } });
  }
  if (state.status === 'running' || interruptedSteps.length) {
    run.ledger.apply((i) => void i.timeline.push({ at, type: 'observation', source: 'agent', summary: `investigation resumed (run ${state.runs})${interruptedSteps.length ? `; re-running interrupted step ${interruptedSteps.join(', ')}` : ''}` }));
    run.log.info('investigation resumed', { run: state.runs, cursor: state.cursor, interrupted: interruptedSteps });
  }
  await checkpoint(engine, run);
  return run;
}

/**
 * Actions whose claim was interrupted and that the step at the cursor did not reconcile (its kind does
 * not know how): failed, never executed again.
 */
export function failUnreconciled(engine: Engine, run: Run): void {
  const at = isoNow(engine);
  for (const action of run.ledger.incident.actions.filter((a) => a.status === 'executing' && run.state.executions[a.id]?.interrupted)) {
    const message = 'the agent stopped while executing this action and its outcome could not be read back; it is not executed again, to avoid applying it twice: check the target and finish or undo it by hand';
    run.ledger.apply((i) => {
      const a = i.actions.find((x) => x.id === action.id);
      if (!a || a.status !== 'executing') return;
      a.status = 'failed';
      a.result = { ok: false, message };
      i.timeline.push({ at, type: 'remediation', source: 'agent', summary: `${a.kind} failed: ${message}`, refs: [a.id] });
    });
    run.ledger.audit({ actor: 'agent', action: 'action.failed', detail: { actionId: action.id, kind: action.kind, target: action.target, params: action.params, result: { ok: false, message } } });
    engine.metrics.actions.inc({ kind: action.kind, status: 'failed' });
  }
}

/** The workflow ran to its end: resolved when the fix was verified, unresolved otherwise. */
export async function finishRun(engine: Engine, run: Run): Promise<void> {
  const { metrics } = engine;
  const at = isoNow(engine);
  let outcome: IncidentStatus = 'unresolved';
  run.ledger.apply((i) => {
    if (isFinal(i.status)) {
      outcome = i.status;
      return;
    }
    const passed = i.verification?.outcome === 'passed';
    outcome = passed ? 'resolved' : 'unresolved';
    moveIncident(i, outcome);
    if (passed) i.milestones.resolvedAt ??= i.verification?.passedAt ?? at;
    i.timeline.push({ at, type: 'observation', source: 'agent', summary: passed ? 'investigation ended: the fix is verified, incident resolved' : 'investigation ended without a verified fix: incident unresolved' });
  });
  run.state.status = 'completed';
  run.state.finishedAt = at;
  run.ledger.audit({ actor: 'agent', action: 'investigation.completed', detail: { playbook: run.playbook.name, outcome, stepsRun: run.state.stepsRun } });
  await checkpoint(engine, run);
  await sendRecordedNotifications(engine, run);
  await notifyOnce(engine, run, 'ended', incidentEnded(run.ledger.incident));
  await run.ledger.flush();
  metrics.investigationDuration.observe({ playbook: run.playbook.name, outcome }, secondsSinceStart(engine, run));
  run.log.info('investigation ended', { outcome, playbook: run.playbook.name, seconds: secondsSinceStart(engine, run) });
}

/** The workflow cannot go on: it ends failed, the incident unresolved, with the reason. */
export async function failRun(engine: Engine, run: StatefulRun, reason: string): Promise<void> {
  const at = isoNow(engine);
  run.state.status = 'failed';
  run.state.error = reason;
  run.state.finishedAt = at;
  delete run.state.cursor;
  run.ledger.apply((i) => {
    if (!isFinal(i.status)) moveIncident(i, 'unresolved');
    i.timeline.push({ at, type: 'observation', source: 'agent', summary: `investigation failed: ${reason}` });
  });
  run.ledger.audit({ actor: 'agent', action: 'investigation.failed', detail: { playbook: run.state.playbook.name, reason } });
  run.log.error('investigation failed', { reason });
  await checkpoint(engine, run);
  await notifyOnce(engine, run, 'ended', incidentEnded(run.ledger.incident, `the investigation failed: ${reason}`));
  await run.ledger.flush();
  engine.metrics.investigationDuration.observe({ playbook: run.state.playbook.name, outcome: 'failed' }, secondsSinceStart(engine, run));
}
