/**
 * Cleanup, whatever ended the run: the fault is removed (three tries, then the command to remove it by
 * hand), the run's pending approvals are withdrawn, the target is put back as it was (unless
 * --keep-changes) and must settle, the marker goes; then the manual runbook's results and the key
 * metric's chart are collected and the record is closed.
 */
import { clearMarker, removeFault } from '../injection.js';
import { incidentsSince, isFinal, pendingApprovals } from '../incidents.js';
import { restoreTarget, waitUntilSettled } from '../preflight.js';
import type { Phase, RunContext } from './context.js';
import { manualRemoval } from './inject.js';

const REMOVAL_ATTEMPTS = 3;

export const cleanup: Phase = {
  name: 'cleanup',
  headline: () => 'removing the fault and restoring the target',
  async run(run) {
    run.manualRunbook.abort();
    if (run.connections) await restore(run);
    if (run.manualBaseline) run.record.manualSteps = await run.manualBaseline;
    await chartKeyMetric(run);
    await release(run);
    run.record.endedAt = run.iso();
    run.record.timeline = run.timeline.sorted();
    run.progress.stop();
  },
};

async function restore(run: RunContext): Promise<void> {
  const { record, options, timings, clock, signal, fault, snapshot } = run;
  const { cluster, agent, metrics, fis } = run.target;
  const actions = record.cleanup.actions;
  const errors = record.cleanup.errors;
  if (fault) {
    for (let attempt = 1; attempt <= REMOVAL_ATTEMPTS; attempt++) {
      try {
        actions.push(await removeFault(cluster, fault, fis));
        break;
      } catch (error) {
        if (attempt === REMOVAL_ATTEMPTS) errors.push(`could not remove the fault: ${(error as Error).message}; remove it by hand: ${manualRemoval(fault)}`);
        else await clock.sleep(1_000);
      }
    }
  }
  if (record.injectedAt) {
    try {
      for (const summary of await incidentsSince(agent, Date.parse(record.injectedAt))) {
        if (isFinal(summary.status) || !summary.pendingActions.length) continue;
        const incident = await agent.getIncident(summary.id);
        for (const action of pendingApprovals(incident)) {
          await agent.decide(incident.id, action.id, 'reject', 'run-scenario', `run ${options.runId} ended (${record.outcome}); the fault was removed`).catch(() => undefined);
          actions.push(`rejected pending ${action.kind} of incident ${incident.id}`);
        }
      }
    } catch (error) {
      errors.push(`could not withdraw pending approvals: ${(error as Error).message}`);
    }
  }
  if (snapshot && !options.keepChanges) {
    try {
      actions.push(...(await restoreTarget(cluster, snapshot)));
    } catch (error) {
      errors.push(`could not restore the target: ${(error as Error).message}`);
    }
  }
  if (fault || snapshot) {
    run.progress.status('waiting for the target to settle (every deployment available, no chaos left)');
    // After Ctrl-C the presenter wants the prompt back soon: the fault is gone, the rest heals by itself.
    const settleSeconds = signal.aborted ? Math.min(30, timings.settleSeconds) : timings.settleSeconds;
    try {
      const settled = await waitUntilSettled(cluster, { seconds: settleSeconds, clock, pollMs: timings.pollMs, metrics });
      record.cleanup.settled = settled.ok;
      if (!settled.ok) errors.push(`the target did not settle within ${settleSeconds} s: ${settled.detail}`);
    } catch (error) {
      errors.push(`could not check the target after cleanup: ${(error as Error).message}`);
    }
  }
  if (run.markerPath && !errors.some((e) => e.startsWith('could not remove the fault'))) clearMarker(run.markerPath);
  for (const action of actions) run.timeline.add('cleanup', 'runner', action);
  for (const error of errors) run.timeline.add('cleanup', 'runner', error);
}

/** What the target opened for the run (eks: the port-forward to the agent) goes last: cleanup used it. */
async function release(run: RunContext): Promise<void> {
  try {
    await run.options.target.release?.();
  } catch (error) {
    run.record.cleanup.errors.push(`could not release the target: ${(error as Error).message}`);
  }
}

/** The key metric around the run, for the reports' chart (at most 8 series, about 400 points). */
async function chartKeyMetric(run: RunContext): Promise<void> {
  const { record, timings, clock } = run;
  if (!run.connections || !record.injectedAt || !record.spec) return;
  const start = Date.parse(record.injectedAt) / 1000 - Math.max(120, timings.chartStepSeconds * 20);
  const end = clock.now() / 1000;
  const keyMetric = record.spec.keyMetric;
  try {
    const series = await run.connections.metrics.queryRange(keyMetric.promql, start, end, Math.max(timings.chartStepSeconds, Math.ceil((end - start) / 400)));
    record.keyMetric = { title: keyMetric.title, unit: keyMetric.unit, promql: keyMetric.promql, series: series.slice(0, 8) };
  } catch (error) {
    record.cleanup.errors.push(`key metric not charted: ${(error as Error).message}`);
  }
}
