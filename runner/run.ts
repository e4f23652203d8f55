/**
 * One scenario run, start to finish: preflight, healthy baseline, injection, then the incident's phases
 * as the agent lives them (detect, investigate, approve, remediate, verify) or, with `manual`, as a
 * presenter marks them, and always the cleanup. Returns a RunRecord with real timestamps; reports are
 * built from it (report/).
 *
 * Each phase is an object of its own (phases/); they share a RunContext. Every wait has a timeout with a
 * message that says what did not happen and where to look. Whatever ends the run (success, a phase
 * timing out, an error, Ctrl-C through `signal`), cleanup removes the fault, withdraws the run's pending
 * approvals and puts the target back as it was.
 */
import { approve } from './phases/approve.js';
import { baseline } from './phases/baseline.js';
import { cleanup } from './phases/cleanup.js';
import { RunContext, type Phase } from './phases/context.js';
import { detectAlert, detectIncident } from './phases/detect.js';
import { inject } from './phases/inject.js';
import { investigate } from './phases/investigate.js';
import { manualPhases } from './phases/manual.js';
import { preflight } from './phases/preflight.js';
import { remediate } from './phases/remediate.js';
import { verify } from './phases/verify.js';
import type { RunDeps, RunOptions, RunRecord } from './run-record.js';

export type { BaselineValue, Presenter, RunDeps, RunOptions, RunRecord } from './run-record.js';
export { RunInterrupted } from './phases/context.js';
export { describeFault } from './phases/inject.js';

/** The agent lives the incident. */
export const agentRun: readonly Phase[] = [preflight, baseline, inject, detectIncident, investigate, approve, remediate, verify];
/** The runner detects; a presenter marks the rest (--manual). */
export const manualRun: readonly Phase[] = [preflight, baseline, inject, detectAlert, ...manualPhases];

export async function runScenario(options: RunOptions, deps: RunDeps): Promise<RunRecord> {
  const run = new RunContext(options, deps);
  try {
    for (const phase of options.manual ? manualRun : agentRun) {
      await phase.before?.(run);
      run.enter(phase.name, phase.headline(run));
      await phase.run(run);
    }
  } catch (error) {
    run.fail(error);
  } finally {
    run.enter(cleanup.name, cleanup.headline(run));
    await cleanup.run(run);
  }
  return run.record;
}
