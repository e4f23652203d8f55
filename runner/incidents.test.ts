import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Action, Incident } from '../core/types.js';
import { newIncident, proposedAction } from '../test/support/runner/stubs.js';
import { approverOf } from './incidents.js';

const at = (s: number) => new Date(Date.UTC(2026, 10, 25, 9, 0, s)).toISOString();
const decided = (action: Action, decision: 'approved' | 'rejected', by: string, second: number): Action => ({ ...action, status: decision, approval: { actionId: action.id, decision, by, at: at(second) } });

function incidentWith(...actions: Action[]): Incident {
  return { ...newIncident('inc-1', at(0)), actions };
}

const restart = proposedAction('act-restart', 'rollout-restart', 'petlistadoptions', at(0), false);
const raise = proposedAction('act-raise', 'raise-limits', 'petlistadoptions', at(0));
const scale = proposedAction('act-scale', 'scale-deployment', 'petlistadoptions', at(0));

test('the human who approved the action that needed one, not the policy whose restart ran first', () => {
  assert.is(approverOf(incidentWith(decided(restart, 'approved', 'policy', 1), decided(raise, 'approved', 'local:approver', 30))), 'local:approver');
});

test('nothing needed a human: the policy (or --auto-approve) is the approver; nothing approved: nobody', () => {
  assert.is(approverOf(incidentWith(decided(restart, 'approved', 'policy', 1))), 'policy');
  assert.is(approverOf(incidentWith(decided(raise, 'approved', 'auto-approve', 1))), 'auto-approve', 'the agent\'s --auto-approve approved what needed a human: it is named');
  assert.is(approverOf(incidentWith(raise)), undefined);
});

test('a rejection approves nothing; several humans are named in the order they approved, each once', () => {
  assert.is(approverOf(incidentWith(decided(restart, 'approved', 'policy', 1), decided(raise, 'rejected', 'alice', 20))), 'policy');
  assert.is(approverOf(incidentWith(decided(raise, 'approved', 'slack:U123', 40), decided(scale, 'approved', 'alice', 20), decided({ ...scale, id: 'act-scale-2' }, 'approved', 'alice', 50))), 'alice, slack:U123');
});

test.run();
