/**
 * The drive loop: from the cursor, one playbook entry at a time (a leaf step, a `parallel` group, a
 * `decide`, an `await-approval`), saving the workflow after each and moving the cursor, until the
 * playbook ends, the workflow waits for approval, fails, or the agent stops.
 */
import { evaluate } from './conditions.js';
import { decideParams } from './control-steps.js';
import { endInterim, enterApproval, settleApproval } from './approval-gate.js';
import { runLeaf } from './leaf-step.js';
import { sendRecordedNotifications } from './notifications.js';
import { isGroup, type GroupStep, type LeafStep, type StepSpec } from './playbook.js';
import { failRun, failUnreconciled, finishRun } from './run-lifecycle.js';
import { addRecord, advance, checkpoint, closeRecord, Interrupted, isoNow, nextAfter, PAUSE, RECORD_OUTPUT_CHARS, saveState, StepFailed, type Engine, type Next, type Run } from './run.js';
import { finishedStepStatuses, recordOf, truncate } from './state.js';
import { renderParams } from './template.js';
import { conditionScope, templateVars } from './template-vars.js';

export type ProcessOutcome = 'completed' | 'waiting' | 'failed' | 'interrupted' | 'gone';

export async function drive(engine: Engine, run: Run): Promise<ProcessOutcome> {
  const maxSteps = engine.maxSteps ?? 200;
  if (run.state.status === 'awaiting-approval' && (await settleApproval(engine, run)) === 'waiting') return 'waiting';
  while (run.state.cursor) {
    if (run.signal.aborted) return 'interrupted';
    if (run.state.stepsRun >= maxSteps) {
      await failRun(engine, run, `ran ${maxSteps} steps without ending: a goto loop in playbook ${run.playbook.name}?`);
      return 'failed';
    }
    const { stepId, visit } = run.state.cursor;
    const spec = run.playbook.steps.find((s) => s.id === stepId);
    if (!spec) {
      await failRun(engine, run, `step '${stepId}' is not in playbook ${run.playbook.name} any more`);
      return 'failed';
    }
    let next: Next;
    try {
      next = await runEntry(engine, run, spec, visit);
    } catch (error) {
      if (error instanceof Interrupted) {
        await checkpoint(engine, run).catch((e: Error) => run.log.warn('could not checkpoint an interrupted step', { error: e.message }));
        return 'interrupted';
      }
      if (error instanceof StepFailed) {
        await failRun(engine, run, error.message);
        return 'failed';
      }
      throw error;
    }
    failUnreconciled(engine, run);
    if (next === PAUSE) {
      if ((await settleApproval(engine, run)) === 'waiting') return 'waiting';
      continue;
    }
    // The step that ran the policy-approved actions while people decide has ended: now they decide.
    if (run.state.awaiting?.interim === spec.id) {
      if ((await endInterim(engine, run)) === 'waiting') return 'waiting';
      continue;
    }
    advance(run, next);
    await checkpoint(engine, run);
    await sendRecordedNotifications(engine, run);
  }
  await finishRun(engine, run);
  return 'completed';
}

async function runEntry(engine: Engine, run: Run, spec: StepSpec, visit: number): Promise<Next> {
  const done = recordOf(run.state, spec.id, visit);
  const defaultNext = spec.goto ?? nextAfter(run, spec);
  // Saved as finished but the cursor had not moved on (a crash between the two writes).
  if (done && finishedStepStatuses.includes(done.status)) return done.next ?? defaultNext;
  if (spec.when && !evaluate(spec.when, conditionScope(engine, run))) {
    addRecord(engine, run, { id: spec.id, kind: isGroup(spec) ? 'parallel' : spec.kind, visit, status: 'skipped', attempts: 0, note: 'its when condition did not hold', next: nextAfter(run, spec) });
    engine.metrics.steps.inc({ kind: isGroup(spec) ? 'parallel' : spec.kind, status: 'skipped' });
    return nextAfter(run, spec);
  }
  run.state.stepsRun++;
  if (isGroup(spec)) {
    await runGroup(engine, run, spec, visit);
    return defaultNext;
  }
  if (spec.kind === 'decide') return decide(engine, run, spec, visit);
  if (spec.kind === 'await-approval') return enterApproval(engine, run, spec, visit);
  const record = await runLeaf(engine, run, spec, visit);
  record.next = defaultNext;
  return defaultNext;
}

async function runGroup(engine: Engine, run: Run, spec: GroupStep, visit: number): Promise<void> {
  const { clock, metrics } = engine;
  const started = clock.now();
  const group = addRecord(engine, run, { id: spec.id, kind: 'parallel', visit, status: 'running', attempts: 1 });
  await saveState(engine, run);
  const results = await Promise.allSettled(
    spec.parallel.map(async (child) => {
      const done = recordOf(run.state, child.id, visit);
      if (done && finishedStepStatuses.includes(done.status)) return done;
      const record = await runLeaf(engine, run, child, visit, spec.id);
      // Each child is saved as it ends, so a crash mid-group does not run finished children again.
      await checkpoint(engine, run);
      return record;
    }),
  );
  const rejected = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  group.finishedAt = isoNow(engine);
  group.durationMs = clock.now() - started;
  group.next = spec.goto ?? nextAfter(run, spec);
  if (rejected) {
    group.status = rejected.reason instanceof Interrupted ? 'interrupted' : 'failed';
    group.error = (rejected.reason as Error).message;
    throw rejected.reason;
  }
  group.status = 'succeeded';
  group.output = Object.fromEntries(spec.parallel.map((child) => [child.id, recordOf(run.state, child.id, visit)?.status]));
  metrics.steps.inc({ kind: 'parallel', status: 'succeeded' });
}

/** `decide`: the first branch whose condition holds names the next step. */
function decide(engine: Engine, run: Run, spec: LeafStep, visit: number): string {
  const started = engine.clock.now();
  const record = addRecord(engine, run, { id: spec.id, kind: 'decide', visit, status: 'running', attempts: 1 });
  const rendered = renderParams(spec.params, templateVars(engine, run));
  const parsed = decideParams.safeParse(rendered);
  if (!parsed.success) {
    closeRecord(engine, record, 'failed', started, undefined, parsed.error.message);
    throw new StepFailed(`step '${spec.id}' (decide) has invalid params after templating: ${parsed.error.message}`);
  }
  const scope = conditionScope(engine, run);
  const index = parsed.data.branches.findIndex((b) => evaluate(b.when, scope));
  const branch = parsed.data.branches[index];
  const next = branch ? branch.goto : (parsed.data.otherwise ?? spec.goto ?? nextAfter(run, spec));
  const label = branch ? (branch.label ?? `branch ${index + 1}`) : 'otherwise';
  record.inputs = truncate(rendered, RECORD_OUTPUT_CHARS);
  closeRecord(engine, record, 'succeeded', started, { branch: label, goto: next }, undefined);
  record.next = next;
  run.ledger.apply((i) => void i.timeline.push({ at: isoNow(engine), type: 'observation', source: 'agent', summary: `decided (${spec.id}): ${label} -> ${next}` }));
  engine.metrics.steps.inc({ kind: 'decide', status: 'succeeded' });
  return next;
}
