/**
 * Approval: the agent's proposed actions are approved, by run-scenario under --auto-approve, or by a
 * human: in the agent's web console (the presenter's way, docs/console.md), the presenter's Enter here
 * (the fallback), or the curl commands printed for each action; the run waits.
 */
import type { Incident } from '../../core/types.js';
import { approverOf, pendingApprovals } from '../incidents.js';
import type { Phase } from './context.js';

export const approve: Phase = {
  name: 'approve',
  headline: (run) => (run.options.autoApprove ? 'approving the proposed actions (--auto-approve)' : 'waiting for a human to approve the proposed actions'),
  async run(run) {
    const { options, deps, timings, record, progress } = run;
    const { agent, endpoints } = run.target;
    const instructed = new Set<string>();
    let presenterAsking: Promise<void> | undefined;
    await run.waitFor(
      timings.approveSeconds,
      'approve',
      async () => {
        const incident = await run.refreshIncident();
        run.failIfFinal('before any action was approved');
        // A policy-approved action runs at once (remediatedAt is set) while others still wait for a human:
        // the phase ends when nothing waits, not when the first action ran.
        const pending = incident.status === 'resolved' ? [] : pendingApprovals(incident);
        if (!pending.length) {
          if (incident.milestones.remediatedAt || incident.status === 'resolved') return true;
          progress.status(incident.status === 'awaiting-approval' ? 'waiting for approval' : `the agent prepares its actions (status ${incident.status})`);
          return false;
        }
        if (options.autoApprove) {
          for (const action of pending) {
            await agent.decide(incident.id, action.id, 'approve', options.approver, 'approved by run-scenario --auto-approve');
            record.approvedBy = options.approver;
            run.timeline.add('approve', 'runner', `approved ${action.kind} ${action.target.name} (--auto-approve)`);
          }
          return false;
        }
        for (const action of pending) {
          if (instructed.has(action.id)) continue;
          instructed.add(action.id);
          progress.note(approvalInstructions(endpoints.agentUrl, incident, action, endpoints.agentTokenFile));
        }
        if (deps.presenter && !presenterAsking) {
          presenterAsking = deps.presenter.ask('Approve in the web console (link above), or press Enter here to approve all proposed actions as the presenter: ').then(async () => {
            const latest = await agent.getIncident(incident.id);
            for (const action of pendingApprovals(latest)) await agent.decide(incident.id, action.id, 'approve', `${process.env.USER ?? 'presenter'} (run-scenario terminal)`);
          }, () => undefined);
        }
        progress.status(`waiting for approval of ${pending.map((a) => a.kind).join(', ')} (${endpoints.agentUrl}/incidents/${incident.id})`);
        return false;
      },
      () => `nobody approved the actions of incident ${run.agentIncident.id} within ${timings.approveSeconds} s; approve them (see above) or run with --auto-approve`,
    );
    const incident = run.agentIncident;
    record.approvedBy = approverOf(incident) ?? record.approvedBy;
    run.timeline.add('approve', 'agent', `remediation approved${record.approvedBy ? ` by ${record.approvedBy}` : ''}`, { at: record.remediationApprovedAt ?? undefined });
  },
};

const shellQuote = (text: string) => (/^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`);

/**
 * What the presenter (or anyone with the token) runs to approve or reject one action: the commands read
 * the operator token from its file (the local target's credentials/approver.token), never show it.
 */
export function approvalInstructions(agentUrl: string, incident: Incident, action: Incident['actions'][number], tokenFile?: string): string {
  const base = agentUrl.replace(/\/+$/, '');
  const auth = `-H "Authorization: Bearer $(cat ${tokenFile ? shellQuote(tokenFile) : '"$DEVOPS_AGENT_TOKEN_FILE"'})"`;
  const diff = action.dryRun?.diff.slice(0, 8).map((line) => `      ${line}`) ?? [];
  return [
    '',
    `The agent asks for approval: ${action.kind} ${action.target.kind} ${action.target.namespace ? `${action.target.namespace}/` : ''}${action.target.name} (risk ${action.risk})`,
    `  approve in the web console: ${base}/console/incidents/${encodeURIComponent(incident.id)}${tokenFile ? `   (log in with the operator token in ${shellQuote(tokenFile)})` : ''}`,
    `  why: ${action.rationale}`,
    ...(diff.length ? [`  dry run (${action.dryRun!.method}):`, ...diff] : []),
    `  approve: curl -sX POST ${base}/incidents/${incident.id}/actions/${action.id}/approve ${auth}`,
    `  reject:  curl -sX POST ${base}/incidents/${incident.id}/actions/${action.id}/reject ${auth} -H 'content-type: application/json' -d '{"comment":"why"}'`,
    `  incident: ${base}/incidents/${incident.id}`,
    '',
  ].join('\n');
}
