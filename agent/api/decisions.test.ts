import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ManualClock } from '../../core/clock.js';
import { createLogger } from '../../core/log.js';
import type { Action } from '../../core/types.js';
import { createAgent, type Agent } from '../app.js';
import { mutateIncident } from '../store/mutate.js';
import { ApprovalError } from '../workflow/approvals.js';
import { checkTokenName } from './credentials.js';
import { decideAction, planHash, refuseDecision, slackApprover } from './decisions.js';
import { FakeCluster, memoryAlert, RecordingNotifier, StubWorld, stubHandlers, testConfig } from '../../test/support/agent/workflow-testkit.js';

async function awaiting(): Promise<{ agent: Agent; clock: ManualClock; id: string; action: Action }> {
  const clock = new ManualClock(Date.parse('2026-11-25T09:01:00.000Z'));
  const agent = await createAgent(testConfig(), { clock, log: createLogger('test', { sink: () => undefined }), stepHandlers: stubHandlers(new StubWorld()), evidence: {}, cluster: new FakeCluster(), notifier: new RecordingNotifier(), sleep: async () => undefined });
  const [result] = await agent.accept([memoryAlert()]);
  const id = result!.incidentId!;
  await agent.engine.process(id);
  const action = (await agent.store.getIncident(id))!.actions[0]!;
  assert.is(action.status, 'proposed');
  return { agent, clock, id, action };
}

const refusals = async (agent: Agent, id: string) => (await agent.store.listAudit({ incidentId: id, limit: 100 })).filter((e) => e.action === 'approval.refused');
const rejects = async (promise: Promise<unknown>, status: number, pattern: RegExp) =>
  promise.then(
    () => assert.unreachable('should refuse'),
    (error: unknown) => {
      assert.instance(error, ApprovalError);
      assert.is((error as ApprovalError).status, status);
      assert.match((error as Error).message, pattern);
    },
  );

test('planHash: stable across key order, changes with the kind, target, params or the dry-run diff', () => {
  const base = { kind: 'scale', target: { kind: 'Deployment', namespace: 'p', name: 'web' }, params: { replicas: 3, reason: 'x' }, dryRun: { method: 'computed', diff: ['- replicas: 2', '+ replicas: 3'], warnings: [] } } as unknown as Action;
  const same = { ...base, params: { reason: 'x', replicas: 3 }, dryRun: { ...base.dryRun!, warnings: ['ignored'] } } as Action;
  assert.is(planHash(base), planHash(same));
  assert.match(planHash(base), /^sha256:[0-9a-f]{32}$/);
  assert.is.not(planHash(base), planHash({ ...base, params: { replicas: 4, reason: 'x' } }));
  assert.is.not(planHash(base), planHash({ ...base, target: { ...base.target, name: 'api' } }));
  assert.is.not(planHash(base), planHash({ ...base, dryRun: { ...base.dryRun!, diff: ['+ replicas: 5'] } }));
  assert.is.not(planHash(base), planHash({ ...base, dryRun: undefined } as unknown as Action));
});

test('decideAction: bound to the plan shown; a changed plan is refused with 409 and audited', async () => {
  const { agent, clock, id, action } = await awaiting();
  const shown = planHash(action);
  await mutateIncident(agent.store, id, (i) => void (i.actions[0]!.params = { ...i.actions[0]!.params, replicas: 99 }), { clock });
  await rejects(decideAction(agent.desk, { incidentId: id, actionId: action.id, decision: 'approved', principal: { name: 'alice', via: 'console-session' }, planHash: shown }), 409, /plan of action .* changed since it was shown/);
  const [refused] = await refusals(agent, id);
  assert.is(refused!.actor, 'alice');
  assert.equal([refused!.detail.status, refused!.detail.via], [409, 'console-session']);
  const fresh = planHash((await agent.store.getIncident(id))!.actions[0]!);
  const { action: decided } = await decideAction(agent.desk, { incidentId: id, actionId: action.id, decision: 'approved', principal: { name: 'alice', via: 'console-session' }, planHash: fresh, comment: 'ok', remote: '127.0.0.1' });
  assert.is(decided.approval!.by, 'alice');
  const approved = (await agent.store.listAudit({ incidentId: id, limit: 100 })).find((e) => e.action === 'action.approved')!;
  assert.equal([approved.actor, approved.detail.via, approved.detail.planHash, approved.detail.comment], ['alice', 'console-session', fresh, 'ok']);
  // Reused (a double submit or a second click): 409, audited.
  await rejects(decideAction(agent.desk, { incidentId: id, actionId: action.id, decision: 'rejected', principal: { name: 'alice', via: 'console-session' }, planHash: fresh }), 409, /is approved, not awaiting a decision/);
  assert.is((await refusals(agent, id)).length, 2);
});

test('decideAction: an expired approval is refused (409) and audited; without a hash, the API decides as before', async () => {
  const { agent, clock, id, action } = await awaiting();
  clock.advance(Date.parse(action.expiresAt) - clock.now() + 1);
  await rejects(decideAction(agent.desk, { incidentId: id, actionId: action.id, decision: 'approved', principal: { name: slackApprover('U123'), via: 'slack' }, planHash: planHash(action) }), 409, /expired/);
  assert.equal((await refusals(agent, id)).map((e) => [e.actor, e.detail.via]), [['slack:U123', 'slack']]);
  const other = await awaiting();
  const { action: decided } = await decideAction(other.agent.desk, { incidentId: other.id, actionId: other.action.id, decision: 'rejected', principal: { name: 'bob', via: 'operator-token' } });
  assert.is(decided.status, 'rejected');
});

test('principals: a token cannot pass for a Slack user, nor a Slack user for a token; refusals before the desk are audited', async () => {
  const { agent, id, action } = await awaiting();
  await rejects(decideAction(agent.desk, { incidentId: id, actionId: action.id, decision: 'approved', principal: { name: 'slack:U1', via: 'console-session' } }), 403, /does not fit/);
  await rejects(decideAction(agent.desk, { incidentId: id, actionId: action.id, decision: 'approved', principal: { name: 'alice', via: 'slack' } }), 403, /does not fit/);
  await rejects(decideAction(agent.desk, { incidentId: id, actionId: action.id, decision: 'approved', principal: { name: 'policy', via: 'operator-token' } }), 403, /actor of the agent/);
  assert.match(checkTokenName('slack:U1')!, /names Slack users/);
  await refuseDecision(agent.desk, { incidentId: id, actionId: action.id, decision: 'approved', actor: 'slack:U999', via: 'slack', status: 403, reason: 'not on the approver allow-list', headers: { 'user-agent': 'Slackbot' } });
  const [refused] = await refusals(agent, id);
  assert.equal([refused!.actor, refused!.detail.status, refused!.detail.via, refused!.detail.reason], ['slack:U999', 403, 'slack', 'not on the approver allow-list']);
  assert.is((await agent.store.getIncident(id))!.actions[0]!.status, 'proposed', 'nothing decided');
});

test.run();
