/**
 * The incident lifecycle: the one table of moves between incident statuses, and the one function that
 * changes `incident.status` (intake, the workflow engine, the dead-letter path). A move the table does
 * not allow throws, so a bug that would reopen a resolved incident fails loudly instead of rewriting
 * history.
 *
 *   open                 ──> investigating, or unresolved (given up before it started)
 *   investigating, awaiting-approval, remediating, verifying (working)
 *                        ──> any other working status, resolved, unresolved
 *   resolved, unresolved, closed (final)
 *                        ──> nothing
 *
 * The table is what the agent does, including its crash paths: a workflow resumed after a crash may
 * find the incident in any working status and run any step next (an approval decided while the agent
 * was down leads straight to `remediate`), so the working statuses move freely among themselves. What
 * it forbids: leaving a final status, going back to `open`, skipping the investigation (an `open`
 * incident is first investigated, or given up), and `closed`, which is a person's act (no code path
 * closes an incident yet).
 */
import type { Incident, IncidentStatus } from './types.js';

export const finalStatuses: readonly IncidentStatus[] = ['resolved', 'unresolved', 'closed'];

/** Statuses of an incident the agent is still working on. */
export const workingStatuses: readonly IncidentStatus[] = ['investigating', 'awaiting-approval', 'remediating', 'verifying'];

const ends: readonly IncidentStatus[] = ['resolved', 'unresolved'];
const others = (status: IncidentStatus) => workingStatuses.filter((s) => s !== status);

/** Where each status may move to (a move to the same status is no move and always allowed). */
export const incidentTransitions: Readonly<Record<IncidentStatus, readonly IncidentStatus[]>> = {
  // Intake opens it; a worker starts the investigation, or gives it up when the job dead-letters first.
  open: ['investigating', 'unresolved'],
  investigating: [...others('investigating'), ...ends],
  'awaiting-approval': [...others('awaiting-approval'), ...ends],
  remediating: [...others('remediating'), ...ends],
  verifying: [...others('verifying'), ...ends],
  resolved: [],
  unresolved: [],
  closed: [],
};

export function isFinal(status: IncidentStatus): boolean {
  return finalStatuses.includes(status);
}

export function canMove(from: IncidentStatus, to: IncidentStatus): boolean {
  return from === to || incidentTransitions[from].includes(to);
}

export class IllegalIncidentMove extends Error {
  constructor(
    readonly incidentId: string,
    readonly from: IncidentStatus,
    readonly to: IncidentStatus,
  ) {
    const allowed = incidentTransitions[from];
    super(`incident ${incidentId} cannot move from ${from} to ${to} (${allowed.length ? `from ${from} it may move to ${allowed.join(', ')}` : `${from} is final`})`);
    this.name = 'IllegalIncidentMove';
  }
}

/**
 * Sets the incident's status to `to`; throws IllegalIncidentMove when the table does not allow it.
 * Returns whether the status changed (false when it already was `to`).
 */
export function moveIncident(incident: Pick<Incident, 'id' | 'status'>, to: IncidentStatus): boolean {
  if (incident.status === to) return false;
  if (!canMove(incident.status, to)) throw new IllegalIncidentMove(incident.id, incident.status, to);
  incident.status = to;
  return true;
}
