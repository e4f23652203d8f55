/**
 * Verification: the agent resolves the incident and the runner's own check sees the symptom gone for
 * the hold time; both must hold. Then the manual runbook's verification steps, the other incidents of
 * the run, and the baseline queries once more (after the fix).
 */
import { incidentsSince } from '../incidents.js';
import { remainingSymptoms } from '../recovery.js';
import { measure } from './baseline.js';
import type { Phase, RunContext } from './context.js';

export const verify: Phase = {
  name: 'verify',
  headline: (run) => `the agent verifies; the runner checks the symptom is gone for ${run.timings.holdSeconds} s`,
  async run(run) {
    const { timings, record, progress, clock } = run;
    const { agent, metrics } = run.target;
    const hold = new SymptomHold(run);
    let runnerVerifiedMs: number | undefined;
    await run.waitFor(
      timings.verifySeconds,
      'verify',
      async () => {
        const incident = await run.refreshIncident();
        run.failIfFinal('instead of resolving it (its verification failed)');
        await hold.check();
        if (hold.held()) runnerVerifiedMs ??= clock.now();
        record.symptomGoneAt = hold.goneSince !== undefined ? run.iso(hold.goneSince) : null;
        progress.status(
          `agent: ${incident.status}${incident.verification ? ` (${incident.verification.outcome})` : ''}; runner: ${hold.left.length ? `still ${hold.left.join(', ')}` : `symptom gone for ${Math.round((clock.now() - (hold.goneSince ?? clock.now())) / 1000)} s`}`,
        );
        return incident.status === 'resolved' && runnerVerifiedMs !== undefined;
      },
      () => {
        const incident = run.agentIncident;
        return incident.status === 'resolved'
          ? `the agent resolved incident ${incident.id} but the symptom did not stay gone for ${timings.holdSeconds} s within ${timings.verifySeconds} s: ${hold.left.join('; ')}`
          : `incident ${incident.id} was not resolved within ${timings.verifySeconds} s (status ${incident.status}${incident.verification ? `, verification ${incident.verification.outcome}: ${incident.verification.detail ?? ''}` : ''})`;
      },
    );
    const incident = run.agentIncident;
    // The later of the agent's resolution and the runner's confirmation: both must hold.
    const agentResolved = Date.parse(incident.milestones.resolvedAt ?? run.iso());
    record.resolvedAt = run.iso(Math.max(agentResolved, runnerVerifiedMs!));
    run.timeline.add('verify', 'agent', `incident resolved: ${incident.verification?.detail ?? 'verified'}`, { at: incident.milestones.resolvedAt ?? record.resolvedAt });
    run.timeline.add('verify', 'runner', `symptom gone for ${timings.holdSeconds} s (runner's own check)`, { at: run.iso(runnerVerifiedMs!) });
    record.outcome = 'resolved';
    // The manual runbook's verification steps, now that there is something to verify.
    if (run.manualBaseline) {
      const before = await run.manualBaseline;
      const after = await run.executeRunbook(['verify']);
      run.manualBaseline = Promise.resolve([...before, ...after]);
    }
    record.otherIncidents = (await incidentsSince(agent, run.injectedMs)).map((i) => i.id).filter((id) => id !== incident.id);
    record.afterFix = await measure(metrics, run.spec.baseline).catch(() => []);
  },
};

/** The runner's own check that the symptom is gone and has stayed gone for the hold time. */
export class SymptomHold {
  /** Since when nothing of the symptom is left (epoch ms), if it is gone now. */
  goneSince: number | undefined;
  /** What still shows the symptom at the last check. */
  left: string[] = [];

  constructor(private readonly run: RunContext) {}

  async check(): Promise<void> {
    this.left = await remainingSymptoms(this.run.spec, this.run.target.metrics);
    if (this.left.length) this.goneSince = undefined;
    else this.goneSince ??= this.run.clock.now();
  }

  held(): boolean {
    return this.goneSince !== undefined && this.run.clock.now() - this.goneSince >= this.run.timings.holdSeconds * 1000;
  }
}
