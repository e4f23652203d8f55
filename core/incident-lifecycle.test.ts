import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { canMove, finalStatuses, IllegalIncidentMove, incidentTransitions, isFinal, moveIncident, workingStatuses } from './incident-lifecycle.js';
import type { IncidentStatus } from './types.js';

const all = Object.keys(incidentTransitions) as IncidentStatus[];

test('the table covers every status and only names statuses', () => {
  assert.equal([...all].sort(), ['awaiting-approval', 'closed', 'investigating', 'open', 'remediating', 'resolved', 'unresolved', 'verifying']);
  for (const targets of Object.values(incidentTransitions)) for (const to of targets) assert.ok(all.includes(to), to);
});

test('legal moves: the happy path, the approval loop, failures and a verification that sends the workflow back', () => {
  const legal: [IncidentStatus, IncidentStatus][] = [
    ['open', 'investigating'],
    ['open', 'unresolved'],
    ['investigating', 'awaiting-approval'],
    ['awaiting-approval', 'investigating'],
    ['investigating', 'remediating'],
    ['remediating', 'verifying'],
    ['verifying', 'resolved'],
    ['verifying', 'investigating'],
    ['verifying', 'unresolved'],
    ['investigating', 'unresolved'],
    ['investigating', 'resolved'],
    // A workflow resumed after a crash: the approval was decided while the agent was down.
    ['awaiting-approval', 'remediating'],
    ['remediating', 'unresolved'],
  ];
  for (const [from, to] of legal) {
    assert.ok(canMove(from, to), `${from} -> ${to}`);
    const incident = { id: 'inc-1', status: from };
    assert.ok(moveIncident(incident, to));
    assert.is(incident.status, to);
  }
});

test('a move to the current status is no move, even from a final status', () => {
  for (const status of all) {
    const incident = { id: 'inc-1', status };
    assert.not.ok(moveIncident(incident, status));
    assert.is(incident.status, status);
  }
});

test('illegal moves throw a clear error and leave the status alone', () => {
  const illegal: [IncidentStatus, IncidentStatus][] = [
    ['resolved', 'investigating'],
    ['unresolved', 'resolved'],
    ['closed', 'open'],
    ['investigating', 'open'],
    ['verifying', 'open'],
    ['open', 'remediating'],
    ['open', 'resolved'],
    ['open', 'awaiting-approval'],
    ['investigating', 'closed'],
  ];
  for (const [from, to] of illegal) {
    assert.not.ok(canMove(from, to), `${from} -> ${to}`);
    const incident = { id: 'inc-7', status: from };
    const error = (() => {
      try {
        moveIncident(incident, to);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    assert.instance(error, IllegalIncidentMove, `${from} -> ${to}`);
    assert.match((error as Error).message, new RegExp(`incident inc-7 cannot move from ${from} to ${to}`));
    assert.is(incident.status, from);
  }
  assert.throws(() => moveIncident({ id: 'inc-2', status: 'resolved' }, 'investigating'), /resolved is final/);
});

test('final statuses have no way out; every working status can end; nothing returns to open', () => {
  assert.equal([...finalStatuses].sort(), ['closed', 'resolved', 'unresolved']);
  for (const status of all) assert.is(isFinal(status), finalStatuses.includes(status), status);
  for (const status of finalStatuses) assert.equal(incidentTransitions[status], [], status);
  for (const status of workingStatuses) {
    assert.ok(canMove(status, 'resolved') && canMove(status, 'unresolved'), status);
    assert.not.ok(isFinal(status));
  }
  for (const status of all) if (status !== 'open') assert.not.ok(canMove(status, 'open'), status);
});

test.run();
