/**
 * Reading a run's incidents from the agent: which incidents belong to the run (opened after the fault
 * went in), which one is the run's incident (the first), and its milestones as MTTR needs them.
 */
import type { Action, Incident } from '../core/types.js';
import type { AgentApi, IncidentSummary } from './ports.js';

export { isFinal } from '../core/incident-lifecycle.js';

/** Agents and runners on one machine share a clock; a little slack covers rounding of timestamps. */
const SKEW_MS = 2_000;

export async function incidentsSince(agent: AgentApi, sinceMs: number): Promise<IncidentSummary[]> {
  const all = await agent.listIncidents();
  return all.filter((i) => Date.parse(i.createdAt) >= sinceMs - SKEW_MS).sort((a, b) => a.createdAt.localeCompare(b.createdAt));
}

/** Actions waiting for a human: proposed and requiring approval. */
export function pendingApprovals(incident: Incident): Action[] {
  return incident.actions.filter((a) => a.status === 'proposed' && a.requiresApproval);
}

/**
 * When remediation was cleared to go: the last human approval of an action that needed one, or the
 * agent's own milestone when nothing needed a human. The agent's `remediationApprovedAt` marks the
 * first approval, which policy gives low-risk actions at once; waiting for the human approval of a
 * riskier one would otherwise count as remediation time.
 */
export function approvedAt(incident: Incident): string | undefined {
  const remediatedAt = incident.milestones.remediatedAt;
  const human = incident.actions
    .filter((a) => a.requiresApproval && a.approval?.decision === 'approved' && (!remediatedAt || a.approval.at <= remediatedAt))
    .map((a) => a.approval!.at)
    .sort();
  const last = human[human.length - 1];
  const milestone = incident.milestones.remediationApprovedAt;
  if (!last) return milestone;
  return milestone && milestone > last ? milestone : last;
}

/**
 * Who cleared the remediation: the people who approved an action that needed a human (in the order
 * they approved, each once), else whoever approved without one (the agent's policy, or its
 * --auto-approve), else nobody. The first action to run is often the policy's low-risk one; naming the
 * policy then would hide the human who approved the fix that mattered.
 */
export function approverOf(incident: Incident): string | undefined {
  const approved = incident.actions.filter((a) => a.approval?.decision === 'approved').sort((a, b) => a.approval!.at.localeCompare(b.approval!.at));
  const humans = [...new Set(approved.filter((a) => a.requiresApproval).map((a) => a.approval!.by))];
  if (humans.length) return humans.join(', ');
  return approved[0]?.approval!.by;
}

/** The first action the agent executed: what report.json's `remediation` describes. */
export function primaryAction(incident: Incident): Action | undefined {
  const executed = incident.actions.filter((a) => a.executedAt).sort((a, b) => a.executedAt!.localeCompare(b.executedAt!));
  return executed[0] ?? incident.actions[0];
}
