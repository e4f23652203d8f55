/** Investigation: the agent names a root cause for the incident (or the run fails saying how far it got). */
import type { Phase } from './context.js';

export const investigate: Phase = {
  name: 'investigate',
  headline: (run) => `the agent investigates (playbook ${run.agentIncident.playbook ?? '?'})`,
  async run(run) {
    const { timings, record, progress } = run;
    await run.waitFor(
      timings.investigateSeconds,
      'investigate',
      async () => {
        const incident = await run.refreshIncident();
        if (incident.rootCause) return true;
        run.failIfFinal('before naming a root cause');
        progress.status(`the agent investigates (${incident.findings.length} findings so far)`);
        return false;
      },
      () => `the agent named no root cause for incident ${run.agentIncident.id} within ${timings.investigateSeconds} s (status ${run.agentIncident.status}); see ${run.target.endpoints.agentUrl}/incidents/${run.agentIncident.id}`,
    );
    const rc = run.agentIncident.rootCause!;
    run.timeline.add('investigate', 'agent', `root cause: ${rc.kind} ${rc.target.kind}/${rc.target.name} (confidence ${rc.confidence.toFixed(2)})`, { at: record.rootCauseAt ?? undefined });
    progress.note(`root cause: ${rc.kind} in ${rc.target.kind} ${rc.target.namespace ? `${rc.target.namespace}/` : ''}${rc.target.name} (confidence ${rc.confidence.toFixed(2)})`);
  },
};
