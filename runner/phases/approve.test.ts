import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Incident } from '../../core/types.js';
import { phaseWorld, type PhaseWorld } from '../../test/support/runner/phase-kit.js';
import { newIncident, proposedAction } from '../../test/support/runner/stubs.js';
import { approvalInstructions, approve } from './approve.js';
import type { PhaseFailed } from './context.js';

function awaitingApproval(w: PhaseWorld): Incident {
  const at = new Date(w.clock.now()).toISOString();
  const incident = newIncident('inc-1', at, { status: 'awaiting-approval', target: { kind: 'Deployment', namespace: 'petadoptions', name: 'petlistadoptions' } });
  incident.actions = [{ ...proposedAction('act-restart', 'rollout-restart', 'petlistadoptions', at, false), status: 'approved', approval: { actionId: 'act-restart', decision: 'approved', by: 'policy', at } }, proposedAction('act-raise', 'raise-limits', 'petlistadoptions', at)];
  w.agent.incidents.set(incident.id, incident);
  w.run.incident = structuredClone(incident);
  // The agent executes what is approved.
  w.agent.onDecision = (inc) => {
    inc.milestones.remediatedAt = new Date(w.clock.now()).toISOString();
  };
  return incident;
}

test('--auto-approve approves each pending action as the approver', async () => {
  const w = phaseWorld();
  awaitingApproval(w);
  await w.enter(approve);
  assert.equal(w.agent.decisions, [{ incidentId: 'inc-1', actionId: 'act-raise', decision: 'approve', by: 'test-approver' }]);
  assert.is(w.run.record.approvedBy, 'test-approver');
  assert.equal(w.run.timeline.events.map((e) => e.summary), ['approved raise-limits petlistadoptions (--auto-approve)', 'remediation approved by test-approver']);
});

test('without it: the approval commands once per action, the presenter\'s Enter approves, or the wait times out', async () => {
  const w = phaseWorld({ overrides: { autoApprove: false }, presenter: { ask: async () => '' } });
  awaitingApproval(w);
  await w.enter(approve);
  assert.equal(w.agent.decisions.map((d) => `${d.actionId}:${d.decision}`), ['act-raise:approve']);
  assert.match(w.agent.decisions[0]!.by, /\(run-scenario terminal\)$/);
  assert.is(w.progress.notes().filter((n) => n.includes('The agent asks for approval: raise-limits')).length, 1);

  const nobody = phaseWorld({ overrides: { autoApprove: false, timings: { approveSeconds: 10 } } });
  awaitingApproval(nobody);
  const failed = (await nobody.enter(approve).catch((e: unknown) => e)) as PhaseFailed;
  assert.equal([failed.phase, failed.message], ['approve', 'nobody approved the actions of incident inc-1 within 10 s; approve them (see above) or run with --auto-approve']);
  assert.is(nobody.progress.notes().length, 1, 'the instructions are printed once, not at every poll');
});

test('the policy\'s action ran at once while another waits for a human: --auto-approve still approves it', async () => {
  const w = phaseWorld();
  const incident = awaitingApproval(w);
  incident.milestones.remediatedAt = incident.createdAt;
  w.run.incident = structuredClone(incident);
  await w.enter(approve);
  assert.equal(w.agent.decisions.map((d) => `${d.actionId}:${d.decision}`), ['act-raise:approve']);
  assert.is(w.run.record.approvedBy, 'test-approver');
});

test('a person approves in the web console while the run waits: the report names them, not the policy whose restart ran first', async () => {
  const w = phaseWorld({ overrides: { autoApprove: false } });
  const incident = awaitingApproval(w);
  incident.milestones.remediatedAt = incident.createdAt;
  w.run.incident = structuredClone(incident);
  const start = w.clock.now();
  w.clock.listeners.push((now) => {
    const raise = incident.actions[1]!;
    if (now - start >= 20_000 && raise.status === 'proposed') {
      Object.assign(raise, { status: 'succeeded', executedAt: new Date(now).toISOString(), approval: { actionId: raise.id, decision: 'approved', by: 'local:approver', at: new Date(now).toISOString() } });
      incident.status = 'verifying';
    }
  });
  await w.enter(approve);
  assert.equal(w.agent.decisions, [], 'the runner decided nothing');
  assert.is(w.run.record.approvedBy, 'local:approver');
  assert.ok(w.run.timeline.events.some((e) => e.summary === 'remediation approved by local:approver'));
});

test('nothing needed a human: the approval is the policy\'s', async () => {
  const w = phaseWorld();
  const incident = awaitingApproval(w);
  incident.actions = incident.actions.slice(0, 1);
  incident.milestones.remediatedAt = incident.createdAt;
  await w.enter(approve);
  assert.is(w.run.record.approvedBy, 'policy');
});

test('the instructions: what, why, the dry run, and the curl commands', () => {
  const at = '2026-11-25T09:00:00.000Z';
  const text = approvalInstructions('http://agent.test/', newIncident('inc-9', at), proposedAction('act-1', 'raise-limits', 'petsite', at));
  assert.match(text, /The agent asks for approval: raise-limits Deployment petadoptions\/petsite \(risk medium\)/);
  assert.match(text, / {2}dry run \(server-side\):\n {6}~ raise-limits/);
  assert.match(text, /curl -sX POST http:\/\/agent\.test\/incidents\/inc-9\/actions\/act-1\/approve/);
  // The commands read the operator token from its file; the approver is that token's name, not a `by`.
  assert.match(text, /approve -H "Authorization: Bearer \$\(cat "\$DEVOPS_AGENT_TOKEN_FILE"\)"/);
  const local = approvalInstructions('http://agent.test', newIncident('inc-9', at), proposedAction('act-1', 'raise-limits', 'petsite', at), '/home/alice/state dir/credentials/approver.token');
  assert.match(local, /approve -H "Authorization: Bearer \$\(cat '\/home\/alice\/state dir\/credentials\/approver\.token'\)"/);
  assert.not.match(local, /"by"/);
  // The presenter approves in the web console (issue 13); its login token is the same file.
  assert.match(text, /approve in the web console: http:\/\/agent\.test\/console\/incidents\/inc-9\n/);
  assert.match(local, /approve in the web console: http:\/\/agent\.test\/console\/incidents\/inc-9 {3}\(log in with the operator token in '\/home\/alice\/state dir\/credentials\/approver\.token'\)/);
});

test.run();
