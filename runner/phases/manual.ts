/**
 * Manual mode (--manual): after the runner detects the alert, a presenter investigates with the runbook
 * and presses Enter at each milestone (started, root cause found, fix decided, fix applied), names the
 * root cause, and the runner verifies the symptom stays gone. Each milestone is a phase of its own.
 */
import type { RootCause } from '../../core/types.js';
import type { RunRecord } from '../run-record.js';
import type { RunPhase } from '../timeline.js';
import { measure } from './baseline.js';
import { PhaseFailed, RunInterrupted, type Phase, type RunContext } from './context.js';
import { SymptomHold } from './verify.js';

type Milestone = 'investigationStartedAt' | 'rootCauseAt' | 'remediationApprovedAt' | 'remediatedAt';

/** The presenter's Enter at `question` marks `milestone` (or Ctrl-C ends the run). */
function presenterMark(name: RunPhase, milestone: Milestone, question: string, summary: string, then?: (run: RunContext) => Promise<void>): Phase {
  return {
    name,
    headline: () => question,
    async run(run) {
      const answer = presenterOf(run).ask(`${question} `);
      await Promise.race([answer, new Promise<never>((_, reject) => run.signal.addEventListener('abort', () => reject(new RunInterrupted('interrupted')), { once: true }))]);
      (run.record as Pick<RunRecord, Milestone>)[milestone] = run.iso();
      run.timeline.add(name, 'presenter', summary);
      await then?.(run);
    },
  };
}

function presenterOf(run: RunContext) {
  const presenter = run.deps.presenter;
  if (!presenter) throw new PhaseFailed('manual', '--manual needs a terminal (or lines on standard input) to mark the phases');
  return presenter;
}

/** The root cause as the presenter names it (Enter takes the scenario's expected one). */
async function nameRootCause(run: RunContext): Promise<void> {
  const presenter = presenterOf(run);
  const expected = run.spec.expected.rootCause;
  const kind = (await presenter.ask(`Root cause kind? [Enter: ${expected.kind}] `)).trim() || expected.kind;
  const name = (await presenter.ask(`Root cause target? [Enter: ${expected.target.name}] `)).trim() || expected.target.name;
  run.record.manualRootCause = {
    kind: kind as RootCause['kind'],
    target: { ...expected.target, name },
    confidence: 1,
    summary: `named by the presenter: ${kind} in ${expected.target.kind} ${name}`,
    evidence: [{ source: 'alert', summary: `alert ${run.record.alert?.name ?? '?'} fired at ${run.record.alert?.firedAt ?? '?'}` }],
  };
}

export const investigationStarted: Phase = {
  ...presenterMark('investigate', 'investigationStartedAt', 'Press Enter when you START investigating.', 'presenter starts investigating'),
  before(run) {
    presenterOf(run);
    run.progress.note(`Manual mode: investigate with the runbook (scenarios/${run.spec.name}/runbook.md); press Enter at each milestone.`);
  },
};
export const rootCauseFound = presenterMark('investigate', 'rootCauseAt', 'Press Enter when you have FOUND the root cause.', 'presenter found the root cause', nameRootCause);
export const fixDecided = presenterMark('approve', 'remediationApprovedAt', 'Press Enter when the fix is DECIDED (approved).', 'presenter decided the fix');
export const fixApplied = presenterMark('remediate', 'remediatedAt', 'Press Enter when you have APPLIED the fix.', 'presenter applied the fix');

/** The runner's own check: the symptom stays gone for the hold time after the presenter's fix. */
export const manualVerify: Phase = {
  name: 'verify',
  headline: (run) => `checking the symptom is gone for ${run.timings.holdSeconds} s`,
  async run(run) {
    const { timings, record, progress, clock } = run;
    const hold = new SymptomHold(run);
    await run.waitFor(
      timings.verifySeconds,
      'verify',
      async () => {
        await hold.check();
        progress.status(hold.left.length ? `still: ${hold.left.join(', ')}` : `symptom gone for ${Math.round((clock.now() - hold.goneSince!) / 1000)} s`);
        return hold.held();
      },
      () => `the symptom did not stay gone for ${timings.holdSeconds} s within ${timings.verifySeconds} s of the fix`,
    );
    record.symptomGoneAt = run.iso(hold.goneSince!);
    record.resolvedAt = run.iso();
    record.outcome = 'resolved';
    run.timeline.add('verify', 'runner', `symptom gone for ${timings.holdSeconds} s`);
    record.afterFix = await measure(run.target.metrics, run.spec.baseline).catch(() => []);
  },
};

/** The presenter's milestones, in order, after the runner's detection. */
export const manualPhases: readonly Phase[] = [investigationStarted, rootCauseFound, fixDecided, fixApplied, manualVerify];
