/** Remediation: the agent executes the approved actions; the timeline gets each action's result. */
import type { Phase } from './context.js';

export const remediate: Phase = {
  name: 'remediate',
  headline: () => 'the agent executes the approved actions',
  async run(run) {
    const { timings, progress } = run;
    await run.waitFor(
      timings.remediateSeconds,
      'remediate',
      async () => {
        const incident = await run.refreshIncident();
        run.failIfFinal('before executing an action');
        return Boolean(incident.milestones.remediatedAt) || incident.status === 'resolved';
      },
      () => `the agent executed no action for incident ${run.agentIncident.id} within ${timings.remediateSeconds} s (status ${run.agentIncident.status}); see its actions at ${run.target.endpoints.agentUrl}/incidents/${run.agentIncident.id}`,
    );
    const executed = run.agentIncident.actions.filter((a) => a.executedAt);
    for (const action of executed) {
      run.timeline.add('remediate', 'agent', `${action.kind} ${action.target.kind}/${action.target.name}: ${action.result?.message ?? action.status}`, { at: action.executedAt });
    }
    progress.note(`remediation: ${executed.map((a) => `${a.kind} ${a.target.name} (${a.status})`).join(', ') || 'none executed'}`);
  },
};
