import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ManualClock } from '../../core/clock.js';
import { createLogger } from '../../core/log.js';
import { createAgent, type Agent } from '../app.js';
import type { AgentConfig } from '../config.js';
import { SqliteStateStore } from '../store/sqlite-store.js';
import { ApprovalError } from './approvals.js';
import type { WorkflowState } from './state.js';
import { z } from 'zod';
import { defineStep, type StepHandler } from './step.js';
import { crashable, FakeCluster, memoryAlert, memoryLeakPlaybook, playbookDir, RecordingNotifier, StubWorld, stubHandlers, tempDir, testConfig } from '../../test/support/agent/workflow-testkit.js';

interface Harness {
  agent: Agent;
  world: StubWorld;
  cluster: FakeCluster;
  notifier: RecordingNotifier;
  clock: ManualClock;
  sleeps: number[];
}

async function harness(options: { config?: Partial<AgentConfig>; world?: StubWorld; store?: SqliteStateStore; clock?: ManualClock; handlers?: (world: StubWorld) => StepHandler[] } = {}): Promise<Harness> {
  const world = options.world ?? new StubWorld();
  const cluster = new FakeCluster();
  const notifier = new RecordingNotifier();
  const clock = options.clock ?? new ManualClock(Date.parse('2026-11-25T09:01:00.000Z'));
  const sleeps: number[] = [];
  const agent = await createAgent(testConfig(options.config), {
    clock,
    log: createLogger('test', { sink: () => undefined }),
    stepHandlers: (options.handlers ?? stubHandlers)(world),
    evidence: {},
    cluster,
    notifier,
    ...(options.store ? { store: options.store } : {}),
    sleep: async (ms) => void sleeps.push(ms),
  });
  return { agent, world, cluster, notifier, clock, sleeps };
}

async function open(h: Harness, alert = memoryAlert()): Promise<string> {
  const [result] = await h.agent.accept([alert]);
  return result!.incidentId!;
}

const stateOf = async (h: Harness, id: string) => (await h.agent.store.loadWorkflowState(id)) as WorkflowState;
const statuses = (state: WorkflowState) => state.records.map((r) => `${r.id}:${r.status}`);

test('sequence, parallel evidence and decide lead to an approval request, every step recorded', async () => {
  const h = await harness();
  const id = await open(h);
  assert.is(await h.agent.engine.process(id), 'waiting');
  const incident = (await h.agent.store.getIncident(id))!;
  assert.is(incident.status, 'awaiting-approval');
  assert.is(incident.playbook, 'memory-leak');
  assert.equal(incident.findings.map((f) => f.source).sort(), ['kubernetes', 'logs', 'prometheus']);
  assert.is(incident.rootCause!.kind, 'memory-leak');
  assert.is(incident.actions[0]!.status, 'proposed');
  assert.ok(incident.milestones.investigationStartedAt && incident.milestones.rootCauseAt);
  const state = await stateOf(h, id);
  assert.equal(statuses(state), ['evidence:succeeded', 'memory:succeeded', 'pods:succeeded', 'logs:succeeded', 'analyse:succeeded', 'route:succeeded', 'recommend:succeeded', 'approval:waiting']);
  const memory = state.records.find((r) => r.id === 'memory')!;
  assert.equal(memory.inputs, { query: 'container_memory_working_set_bytes{namespace="petadoptions", pod=~"petsite-.*"}', window: 1860 });
  assert.is(memory.group, 'evidence');
  assert.equal(state.records.find((r) => r.id === 'route')!.output, { branch: 'leak found', goto: 'recommend' });
  assert.equal(h.notifier.kinds(id), ['incident-opened', 'root-cause', 'approval-requested']);
  const approval = h.notifier.sent.find((n) => n.kind === 'approval-requested')!;
  // The approver is the operator token's name (issue 11): the command sends the token read from a file, no `by`.
  assert.match(approval.text, /curl -X POST http:\/\/127\.0\.0\.1:0\/incidents\/inc-.*\/actions\/act-[0-9a-f]+\/approve -H "Authorization: Bearer \$\(cat "\$DEVOPS_AGENT_TOKEN_FILE"\)"/);
  assert.is(approval.approve!.expiresAt, incident.actions[0]!.expiresAt);
  assert.equal(h.cluster.writes, []);
});

test('approval resumes the workflow: remediation once, verification, resolved, audited', async () => {
  const h = await harness();
  const id = await open(h);
  await h.agent.engine.process(id);
  assert.is(await h.agent.engine.process(id), 'waiting', 'nothing decided yet: still waiting');
  const actionId = (await h.agent.store.getIncident(id))!.actions[0]!.id;
  h.clock.advance(60_000);
  await h.agent.desk.decide(id, actionId, 'approved', 'alice', 'go ahead');
  const job = await h.agent.queue.lease({ visibilityMs: 60_000 });
  assert.is(job!.incidentId, id, 'the decision queued the incident');
  assert.is(await h.agent.engine.process(id), 'completed');
  const incident = (await h.agent.store.getIncident(id))!;
  assert.is(incident.status, 'resolved');
  assert.is(incident.actions[0]!.status, 'succeeded');
  assert.is(incident.actions[0]!.approval!.by, 'alice');
  const m = incident.milestones;
  assert.ok(m.detectedAt && m.investigationStartedAt && m.rootCauseAt && m.remediationApprovedAt && m.remediatedAt && m.resolvedAt, JSON.stringify(m));
  assert.is(m.remediationApprovedAt, '2026-11-25T09:02:00.000Z');
  assert.equal(h.cluster.realWrites().map((w) => w.target), ['petadoptions/petsite']);
  const audit = (await h.agent.store.listAudit({ incidentId: id })).map((a) => `${a.actor}:${a.action}`);
  for (const entry of ['agent:incident.opened', 'agent:investigation.started', 'agent/analyse:root-cause.identified', 'agent/recommend:action.proposed', 'agent:approval.requested', 'alice:action.approved', 'agent/remediate:action.executing', 'agent/remediate:action.succeeded', 'agent/verify:verification.passed', 'agent:investigation.completed']) {
    assert.ok(audit.includes(entry), `${entry} missing from ${audit.join(', ')}`);
  }
  assert.equal(h.notifier.kinds(id).slice(3), ['action-executed', 'incident-resolved']);
  assert.is(await h.agent.engine.process(id), 'gone', 'a finished workflow does nothing when its job comes again');
  await h.agent.desk.decide(id, actionId, 'approved', 'bob').then(
    () => assert.unreachable(),
    (error) => {
      assert.instance(error, ApprovalError);
      assert.is((error as ApprovalError).status, 409);
      assert.match((error as Error).message, /is succeeded, not awaiting a decision/);
    },
  );
});

test('a rejection goes to onReject: no change to the cluster, incident unresolved', async () => {
  const h = await harness();
  const id = await open(h);
  await h.agent.engine.process(id);
  const actionId = (await h.agent.store.getIncident(id))!.actions[0]!.id;
  await h.agent.desk.decide(id, actionId, 'rejected', 'bob', 'not during the sale');
  assert.is(await h.agent.engine.process(id), 'completed');
  const incident = (await h.agent.store.getIncident(id))!;
  assert.is(incident.status, 'unresolved');
  assert.is(incident.actions[0]!.status, 'rejected');
  assert.equal(h.cluster.writes, []);
  const state = await stateOf(h, id);
  assert.equal(state.records.find((r) => r.id === 'approval' && r.status === 'succeeded')!.next, 'rejected');
  assert.ok(h.world.runs.remediate === undefined);
  assert.equal(h.notifier.kinds(id).slice(-1), ['incident-unresolved'], 'the playbook announced it; no second message');
});

test('undecided approvals expire: the sweep resumes the workflow, late decisions get 409', async () => {
  const h = await harness({ config: { safety: { ...testConfig().safety, approvalTtlSeconds: 600 } } });
  const id = await open(h);
  await h.agent.engine.process(id);
  const action = (await h.agent.store.getIncident(id))!.actions[0]!;
  assert.is(Date.parse(action.expiresAt) - h.clock.now(), 600_000);
  assert.is(await h.agent.desk.sweep(), 0);
  h.clock.advance(600_001);
  await h.agent.desk.decide(id, action.id, 'approved', 'late').then(
    () => assert.unreachable(),
    (error) => assert.match((error as Error).message, /expired at/),
  );
  assert.is(await h.agent.engine.process(id), 'completed');
  const incident = (await h.agent.store.getIncident(id))!;
  assert.is(incident.actions[0]!.status, 'expired');
  assert.is(incident.status, 'unresolved');
  assert.equal(h.cluster.writes, []);
});

test('no root cause: decide takes the otherwise branch', async () => {
  const world = new StubWorld();
  world.rootCause = 'crash-loop';
  const h = await harness({ world });
  const id = await open(h);
  assert.is(await h.agent.engine.process(id), 'completed');
  const state = await stateOf(h, id);
  assert.equal(state.records.find((r) => r.id === 'route')!.output, { branch: 'otherwise', goto: 'no-cause' });
  assert.is((await h.agent.store.getIncident(id))!.status, 'unresolved');
  assert.is(h.world.runs.recommend, undefined);
});

test('retries with back-off; EvidenceUnavailable becomes a gap and the investigation goes on', async () => {
  const world = new StubWorld();
  world.behaviour.metrics = { mode: 'unavailable', retryable: true, times: 2 };
  world.behaviour.logs = { mode: 'unavailable', retryable: false };
  const h = await harness({ world });
  const id = await open(h);
  assert.is(await h.agent.engine.process(id), 'waiting');
  const state = await stateOf(h, id);
  const memory = state.records.find((r) => r.id === 'memory')!;
  assert.equal([memory.status, memory.attempts], ['succeeded', 3]);
  assert.equal(h.sleeps, [10, 20], 'backoff 10ms doubled');
  const logs = state.records.find((r) => r.id === 'logs')!;
  assert.equal([logs.status, logs.attempts], ['gap', 1]);
  assert.match(logs.error!, /connection refused/);
  const incident = (await h.agent.store.getIncident(id))!;
  assert.equal(incident.gaps.map((g) => g.source), ['logs']);
  assert.ok(incident.timeline.some((t) => t.type === 'gap'));
  assert.is(incident.rootCause!.kind, 'memory-leak', 'concluded from the other sources');
});

test('a timed-out evidence step is a gap; a failing analysis fails the workflow', async () => {
  const world = new StubWorld();
  world.behaviour.kubernetes = { mode: 'hang' };
  const h = await harness({ world, config: { stepTimeoutMs: 50 } });
  const id = await open(h);
  const started = Date.now();
  assert.is(await h.agent.engine.process(id), 'waiting');
  assert.ok(Date.now() - started < 2_000);
  const state = await stateOf(h, id);
  const pods = state.records.find((r) => r.id === 'pods')!;
  assert.is(pods.status, 'timed-out');
  assert.match(pods.error!, /timed out after 50ms/);
  assert.equal((await h.agent.store.getIncident(id))!.gaps.map((g) => g.source), ['kubernetes']);

  const failing = new StubWorld();
  failing.behaviour.analyse = { mode: 'throw', message: 'no series to analyse' };
  const f = await harness({ world: failing });
  const fid = await open(f);
  assert.is(await f.agent.engine.process(fid), 'failed');
  const failed = await stateOf(f, fid);
  assert.is(failed.status, 'failed');
  assert.match(failed.error!, /step 'analyse' \(analyse\) failed: no series to analyse/);
  assert.is((await f.agent.store.getIncident(fid))!.status, 'unresolved');
  assert.equal(f.notifier.kinds(fid).slice(-1), ['incident-unresolved']);
});

test('parallel steps run at the same time', async () => {
  const world = new StubWorld();
  for (const kind of ['metrics', 'kubernetes', 'logs']) world.behaviour[kind] = { mode: 'delay', ms: 150 };
  const h = await harness({ world });
  const id = await open(h);
  const started = Date.now();
  await h.agent.engine.process(id);
  const elapsed = Date.now() - started;
  assert.ok(elapsed < 400, `three 150 ms steps took ${elapsed} ms`);
});

test('when skips a step; a goto loop is stopped', async () => {
  const loop = `name: loop
description: goes round
match: { alertnames: [ContainerMemoryNearLimit] }
steps:
  - id: skipped
    kind: metrics
    when: { finding: { kind: never-seen } }
  - id: again
    kind: kubernetes
    goto: again
`;
  const h = await harness({ config: { playbookDirs: [playbookDir({ 'loop.yaml': loop })] } });
  const id = await open(h);
  assert.is(await h.agent.engine.process(id), 'failed');
  const state = await stateOf(h, id);
  assert.is(state.records[0]!.status, 'skipped');
  assert.match(state.error!, /ran 200 steps without ending: a goto loop/);
  assert.is(h.world.runs.metrics, undefined);
  assert.is(h.world.runs.kubernetes, 200);
});

test('auto-approve and low-risk policy approvals need no human', async () => {
  const h = await harness({ config: { autoApprove: true } });
  const id = await open(h);
  assert.is(await h.agent.engine.process(id), 'completed');
  const incident = (await h.agent.store.getIncident(id))!;
  assert.is(incident.status, 'resolved');
  assert.is(incident.actions[0]!.approval!.by, 'auto-approve');
  assert.equal(h.cluster.realWrites().length, 1);

  const policy = memoryLeakPlaybook.replace('  - id: recommend\n    kind: recommend', '  - id: recommend\n    kind: recommend\n    params: { requiresApproval: false }');
  const p = await harness({ config: { playbookDirs: [playbookDir({ 'memory-leak.yaml': policy })] } });
  const pid = await open(p);
  assert.is(await p.agent.engine.process(pid), 'completed');
  assert.is((await p.agent.store.getIncident(pid))!.actions[0]!.approval!.by, 'policy');
});

test('a crash mid-investigation resumes at the interrupted step; completed steps never run again', async () => {
  const path = `${tempDir()}/agent.sqlite`;
  const worldA = new StubWorld();
  worldA.behaviour.analyse = { mode: 'hang' };
  const storeA = crashable(new SqliteStateStore(path));
  const a = await harness({ world: worldA, store: storeA, config: { sqlitePath: path, stepTimeoutMs: 300 } });
  const id = await open(a);
  void a.agent.engine.process(id);
  while (!worldA.started.some((s) => s.kind === 'analyse')) await new Promise((r) => setTimeout(r, 5));
  storeA.crash();

  const worldB = new StubWorld();
  const b = await harness({ world: worldB, config: { sqlitePath: path } });
  const recovered = await b.agent.recover();
  assert.is(recovered.requeued, 1, 'the investigating incident is queued again at start');
  assert.is(await b.agent.engine.process(id), 'waiting');
  assert.equal(worldA.runs, { metrics: 1, kubernetes: 1, logs: 1, analyse: 1 });
  assert.equal(worldB.runs, { analyse: 1, recommend: 1 }, 'only the interrupted step and what follows ran');
  const state = await stateOf(b, id);
  assert.is(state.runs, 2);
  assert.ok(statuses(state).includes('analyse:interrupted'));
  assert.ok(statuses(state).includes('analyse:succeeded'));
  const incident = (await b.agent.store.getIncident(id))!;
  assert.is(incident.findings.length, 3, 'findings of the first run kept, none duplicated');
  assert.ok(incident.timeline.some((t) => /investigation resumed \(run 2\); re-running interrupted step analyse/.test(t.summary)));
});

test('a crash after a cluster write never executes the action twice', async () => {
  const path = `${tempDir()}/agent.sqlite`;
  const worldA = new StubWorld();
  let wrote!: () => void;
  const written = new Promise<void>((resolve) => (wrote = resolve));
  worldA.afterWrite = () => {
    wrote();
    return new Promise<never>(() => undefined);
  };
  const storeA = crashable(new SqliteStateStore(path));
  const a = await harness({ world: worldA, store: storeA, config: { sqlitePath: path, autoApprove: true, stepTimeoutMs: 300 } });
  const id = await open(a);
  void a.agent.engine.process(id);
  await written;
  storeA.crash();
  assert.equal(a.cluster.realWrites().length, 1);

  const b = await harness({ config: { sqlitePath: path, autoApprove: true } });
  const before = (await b.agent.store.getIncident(id))!;
  assert.is(before.actions[0]!.status, 'executing', 'the executing mark was on disk before the write');
  const claims = (await stateOf(b, id)).executions;
  assert.ok(claims[before.actions[0]!.id], 'and so was the execution claim');
  assert.is(await b.agent.engine.process(id), 'completed');
  assert.equal(b.cluster.writes, [], 'the resumed agent did not write again');
  const incident = (await b.agent.store.getIncident(id))!;
  assert.is(incident.actions[0]!.status, 'failed');
  assert.match(incident.actions[0]!.result!.message, /not executed again, to avoid applying it twice/);
  assert.ok((await b.agent.store.listAudit({ incidentId: id })).some((e) => e.action === 'action.interrupted'));
  assert.equal(b.world.runs.remediate, 1, 'the interrupted remediate step ran again and found nothing to do');
});

test('a second attempt of the same step may not repeat a claimed action', async () => {
  const world = new StubWorld();
  let writes = 0;
  world.remediateStatuses = ['approved', 'executing'];
  world.afterWrite = async () => {
    writes++;
    throw new Error('connection reset after the request was sent');
  };
  const retrying = memoryLeakPlaybook.replace('  - id: remediate\n    kind: remediate', '  - id: remediate\n    kind: remediate\n    retries: 2\n    backoff: 1ms\n    onError: continue');
  const h = await harness({ world, config: { autoApprove: true, playbookDirs: [playbookDir({ 'memory-leak.yaml': retrying })] } });
  const id = await open(h);
  await h.agent.engine.process(id);
  assert.is(writes, 1);
  assert.is(h.cluster.realWrites().length, 1);
  const record = (await stateOf(h, id)).records.find((r) => r.id === 'remediate')!;
  assert.is(record.attempts, 2, 'the second attempt stopped at the claim, no third');
  assert.match(record.error!, /already being executed/);
});

/** Polls `done` (no fixed wait: it returns as soon as it holds); fails with `what` after 10 s. */
async function until(done: () => boolean | Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 2_000; i++) {
    if (await done()) return;
    await new Promise((r) => setTimeout(r, 5));
  }
  assert.unreachable(`never happened: ${what}`);
}

/**
 * The stub handlers with a recommend step proposing two actions: a low-risk restart the policy approves,
 * and a limit raise a person must approve (proposed in that order, as the planner does).
 */
function twoActions(world: StubWorld): StepHandler[] {
  const recommend = defineStep({
    kind: 'recommend',
    description: 'stub: a policy-approved restart and a limit raise that needs a person',
    params: z.object({}).strict(),
    async run(context) {
      await world.enter('recommend', context);
      const target = { kind: 'Deployment' as const, namespace: 'petadoptions', name: 'petsite' };
      const restart = context.proposeAction({ kind: 'rollout-restart', target, params: {}, rationale: 'relief', risk: 'low', requiresApproval: false, rollback: { description: 'none' } });
      const raise = context.proposeAction({ kind: 'raise-limits', target, params: { resource: 'memory' }, rationale: 'headroom', risk: 'medium', requiresApproval: true, rollback: { description: 'set it back' } });
      return { proposed: [restart.id, raise.id] };
    },
  });
  return stubHandlers(world).map((h) => (h.kind === 'recommend' ? recommend : h));
}

test('a policy-approved action runs at once, while a person decides on the other', async () => {
  const h = await harness({ handlers: twoActions });
  const id = await open(h);
  assert.is(await h.agent.engine.process(id), 'waiting');
  const incident = (await h.agent.store.getIncident(id))!;
  assert.equal(incident.actions.map((a) => `${a.kind}:${a.status}`), ['rollout-restart:succeeded', 'raise-limits:proposed'], 'the restart did not wait for the decision on the raise');
  assert.is(incident.status, 'awaiting-approval');
  assert.is(incident.actions[0]!.approval!.by, 'policy');
  assert.is(h.cluster.realWrites().length, 1);
  assert.equal(h.notifier.kinds(id).filter((k) => k === 'approval-requested').length, 1, 'the person was asked at once');
  assert.is(h.world.runs.verify, undefined, 'verification waits until every action is decided');
  const state = await stateOf(h, id);
  assert.is(state.status, 'awaiting-approval');
  assert.equal(state.awaiting!.policyApproved, [incident.actions[0]!.id]);
});

test('a policy-approved action still runs (once) after the person rejects the other', async () => {
  const h = await harness({ handlers: twoActions });
  const id = await open(h);
  await h.agent.engine.process(id);
  const raise = (await h.agent.store.getIncident(id))!.actions[1]!;
  await h.agent.desk.decide(id, raise.id, 'rejected', 'bob', 'not now');
  assert.is(await h.agent.engine.process(id), 'completed');
  const incident = (await h.agent.store.getIncident(id))!;
  assert.equal(incident.actions.map((a) => `${a.kind}:${a.status}`), ['rollout-restart:succeeded', 'raise-limits:rejected']);
  assert.is(h.cluster.realWrites().length, 1, 'executed exactly once');
  assert.is(h.world.runs.verify, 1, 'the executed restart is verified (not sent to onReject)');
  assert.is(incident.status, 'resolved');
  const approval = (await stateOf(h, id)).records.find((r) => r.id === 'approval' && r.status === 'succeeded')!;
  assert.is(approval.next, 'remediate');
  assert.match(approval.note!, /rejected; the policy-approved act-[0-9a-f]+ go on/);
});

test('a policy-approved action still runs when the approval of the other expires, even with no step to run it meanwhile', async () => {
  // A notify step between the gate and remediation: nothing runs before people decide.
  const playbook = memoryLeakPlaybook.replace('  - id: remediate\n', '  - id: announce\n    kind: notify\n    params:\n      text: "remediating {{incident.id}}"\n  - id: remediate\n');
  const h = await harness({ handlers: twoActions, config: { playbookDirs: [playbookDir({ 'memory-leak.yaml': playbook })], safety: { ...testConfig().safety, approvalTtlSeconds: 600 } } });
  const id = await open(h);
  assert.is(await h.agent.engine.process(id), 'waiting');
  assert.equal((await h.agent.store.getIncident(id))!.actions.map((a) => a.status), ['approved', 'proposed']);
  assert.is(h.cluster.realWrites().length, 0);
  h.clock.advance(600_001);
  assert.is(await h.agent.desk.sweep(), 1);
  assert.is(await h.agent.engine.process(id), 'completed');
  const incident = (await h.agent.store.getIncident(id))!;
  assert.equal(incident.actions.map((a) => `${a.kind}:${a.status}`), ['rollout-restart:succeeded', 'raise-limits:expired'], 'the expiry of the other did not cancel it');
  assert.is(h.cluster.realWrites().length, 1);
  assert.is(incident.status, 'resolved');
});

test('after a person approves the other, it runs too, then verification once', async () => {
  const h = await harness({ handlers: twoActions });
  const id = await open(h);
  await h.agent.engine.process(id);
  const raise = (await h.agent.store.getIncident(id))!.actions[1]!;
  await h.agent.desk.decide(id, raise.id, 'approved', 'alice');
  assert.is(await h.agent.engine.process(id), 'completed');
  const incident = (await h.agent.store.getIncident(id))!;
  assert.equal(incident.actions.map((a) => `${a.kind}:${a.status}`), ['rollout-restart:succeeded', 'raise-limits:succeeded']);
  assert.is(h.cluster.realWrites().length, 2, 'each executed exactly once');
  assert.is(h.world.runs.remediate, 2);
  assert.is(h.world.runs.verify, 1);
  assert.equal(statuses(await stateOf(h, id)).filter((s) => /^(approval|remediate|verify):/.test(s)), ['approval:succeeded', 'remediate:succeeded', 'remediate:succeeded', 'verify:succeeded']);
});

test('a crash while the policy-approved action runs: the resumed agent finishes it, then waits for the person', async () => {
  const path = `${tempDir()}/agent.sqlite`;
  const worldA = new StubWorld();
  worldA.behaviour.remediate = { mode: 'hang' };
  const storeA = crashable(new SqliteStateStore(path));
  const a = await harness({ world: worldA, store: storeA, handlers: twoActions, config: { sqlitePath: path } });
  const id = await open(a);
  void a.agent.engine.process(id);
  await until(() => Boolean(worldA.runs.remediate), 'the policy-approved action to run before any decision');
  storeA.crash();
  const b = await harness({ handlers: twoActions, config: { sqlitePath: path } });
  assert.equal((await b.agent.recover()).requeued, 1, 'an incident in its interim is picked up again');
  assert.is(await b.agent.engine.process(id), 'waiting');
  assert.equal((await b.agent.store.getIncident(id))!.actions.map((a) => a.status), ['succeeded', 'proposed']);
  assert.is(b.cluster.realWrites().length, 1);
});

test('a crash after the executing mark but before the claim: nothing was written, so it runs (once) on resume', async () => {
  const path = `${tempDir()}/agent.sqlite`;
  const worldA = new StubWorld();
  const remediateOnce: (world: StubWorld) => StepHandler[] = (world) =>
    stubHandlers(world).map((h) =>
      h.kind !== 'remediate'
        ? h
        : {
            ...h,
            async run(context) {
              const action = context.incident.actions.find((x) => x.status === 'approved')!;
              context.updateAction(action.id, { status: 'executing' });
              await context.checkpoint!();
              await new Promise<never>(() => undefined);
            },
          },
    );
  const storeA = crashable(new SqliteStateStore(path));
  const a = await harness({ world: worldA, store: storeA, handlers: remediateOnce, config: { sqlitePath: path, autoApprove: true } });
  const id = await open(a);
  void a.agent.engine.process(id);
  const reader = new SqliteStateStore(path);
  await until(async () => (await reader.getIncident(id))?.actions[0]?.status === 'executing', 'the executing mark on disk');
  reader.close();
  storeA.crash();
  assert.equal(a.cluster.realWrites(), []);
  const b = await harness({ config: { sqlitePath: path, autoApprove: true } });
  assert.is(await b.agent.engine.process(id), 'completed');
  const incident = (await b.agent.store.getIncident(id))!;
  assert.is(incident.actions[0]!.status, 'succeeded');
  assert.is(b.cluster.realWrites().length, 1, 'executed exactly once');
  const interrupted = (await b.agent.store.listAudit({ incidentId: id })).find((e) => e.action === 'action.interrupted')!;
  assert.equal(interrupted.detail.outcome, 'nothing written: runs again');
});

test.run();
