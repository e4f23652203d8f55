/**
 * The DynamoDB state store against a real DynamoDB implementation (dynalite on 127.0.0.1, the table
 * created as infra/eks creates it): the behaviour the SQLite store shows in sqlite-store.test.ts and
 * the workflow engine relies on (engine.test.ts), with DynamoDB's own evaluation of the conditional
 * writes, reserved words, paging and item sizes. dynamodb-store.test.ts keeps what a loopback server
 * cannot show (throttling, unprocessed keys, the exact requests).
 */
import { DeleteItemCommand, QueryCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { readFileSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ManualClock } from '../../core/clock.js';
import { createLogger } from '../../core/log.js';
import type { Incident } from '../../core/types.js';
import { startLoopbackDynamoDb, stateTableDefinition, type LoopbackDynamoDb } from '../../test/support/dynalite.js';
import { crashable, FakeCluster, memoryAlert, RecordingNotifier, StubWorld, stubHandlers, testConfig } from '../../test/support/agent/workflow-testkit.js';
import { createAgent, type Agent } from '../app.js';
import { runDevopsAgent } from '../cli.js';
import type { AgentConfig } from '../config.js';
import type { StateStore } from '../ports.js';
import type { WorkflowState } from '../workflow/state.js';
import { DynamoDbStateStore } from './dynamodb-store.js';
import { IncidentConflict } from './errors.js';
import { mutateIncident } from './mutate.js';
import { InvalidCursor } from './sqlite-store.js';

let ddb: LoopbackDynamoDb;
let tables = 0;

test.before(async () => {
  ddb = await startLoopbackDynamoDb();
});
test.after(async () => {
  await ddb.close();
});

/** A fresh table per test, so tests never see each other's items. */
async function freshTable(): Promise<string> {
  const name = `devops-agent-state-${++tables}`;
  await ddb.createStateTable(name);
  return name;
}

async function freshStore(): Promise<{ store: DynamoDbStateStore; table: string; another: () => DynamoDbStateStore }> {
  const table = await freshTable();
  // A second store on the same table is a second agent replica (its own client and connection pool).
  const another = () => new DynamoDbStateStore({ tableName: table, client: ddb.client() });
  return { store: another(), table, another };
}

function incident(id: string, overrides: Partial<Incident> = {}): Incident {
  return {
    id,
    title: `incident ${id}`,
    status: 'open',
    severity: 'warning',
    createdAt: '2026-11-25T09:00:00.000Z',
    updatedAt: '2026-11-25T09:00:00.000Z',
    alertIds: [],
    groupKeys: [`workload:petadoptions/${id}`],
    target: { kind: 'Deployment', namespace: 'petadoptions', name: id },
    findings: [],
    hypotheses: [],
    actions: [],
    timeline: [],
    gaps: [],
    milestones: {},
    ...overrides,
  };
}

test('the test table is the one infra/eks creates: keys, index, projection', () => {
  const source = readFileSync(new URL('../../infra/eks/lib/resources.ts', import.meta.url), 'utf8');
  const provider = source.slice(source.indexOf('class AgentStateTableProvider'));
  const definition = stateTableDefinition('t');
  assert.match(provider, /partitionKey: \{ name: 'PK', type: dynamodb\.AttributeType\.STRING \}/);
  assert.match(provider, /sortKey: \{ name: 'SK', type: dynamodb\.AttributeType\.STRING \}/);
  assert.match(provider, /billingMode: dynamodb\.BillingMode\.PAY_PER_REQUEST/);
  assert.match(provider, /indexName: 'GSI1',\s+partitionKey: \{ name: 'GSI1PK', type: dynamodb\.AttributeType\.STRING \},\s+sortKey: \{ name: 'GSI1SK', type: dynamodb\.AttributeType\.STRING \},\s+projectionType: dynamodb\.ProjectionType\.ALL/);
  assert.not.match(provider.slice(0, provider.indexOf('\n}\n')), /timeToLiveAttribute/, 'the table has no TTL attribute (the agent deletes nothing)');
  assert.equal(definition.KeySchema!.map((k) => `${k.AttributeName}:${k.KeyType}`), ['PK:HASH', 'SK:RANGE']);
  assert.equal(definition.GlobalSecondaryIndexes!.map((i) => i.IndexName), ['GSI1']);
});

test('an alert is news once per status and start; the same notification again is a duplicate', async () => {
  const { store } = await freshStore();
  const alert = memoryAlert();
  assert.equal(await store.saveAlert(alert), { duplicate: false });
  assert.equal(await store.saveAlert({ ...alert, receivedAt: '2026-11-25T09:05:00.000Z' }), { duplicate: true });
  assert.equal(await store.saveAlert({ ...alert, status: 'resolved' }), { duplicate: false });
  assert.equal(await store.saveAlert({ ...alert, status: 'resolved' }), { duplicate: true });
  assert.equal(await store.saveAlert({ ...alert, startsAt: '2026-11-25T11:00:00.000Z' }), { duplicate: false }, 'fired again later');
  const [stored] = await store.getAlerts([alert.id, 'missing']);
  assert.is(stored!.startsAt, '2026-11-25T11:00:00.000Z');
});

test('dedupe under concurrency: the same notification at two replicas at once is news exactly once', async () => {
  const { another } = await freshStore();
  const replicas = [another(), another(), another(), another()];
  const alerts = Array.from({ length: 5 }, (_, i) => memoryAlert({ id: `alertmanager:${i.toString(16).padStart(16, '0')}` }));
  const results = await Promise.all(alerts.flatMap((alert) => replicas.map((store) => store.saveAlert(alert))));
  assert.is(results.filter((r) => !r.duplicate).length, alerts.length, 'one replica took each alert; the others saw a duplicate');
  assert.equal((await replicas[0]!.getAlerts(alerts.map((a) => a.id))).map((a) => a.id), alerts.map((a) => a.id));
});

test('conditional incident writes detect a concurrent change', async () => {
  const { store } = await freshStore();
  await store.putIncident(incident('a'));
  await store.putIncident({ ...incident('a'), status: 'investigating', updatedAt: '2026-11-25T09:00:01.000Z' }, { expectedUpdatedAt: '2026-11-25T09:00:00.000Z' });
  await store.putIncident({ ...incident('a'), status: 'resolved', updatedAt: '2026-11-25T09:00:02.000Z' }, { expectedUpdatedAt: '2026-11-25T09:00:00.000Z' }).then(
    () => assert.unreachable('stale write accepted'),
    (error) => assert.instance(error, IncidentConflict),
  );
  assert.is((await store.getIncident('a'))!.status, 'investigating');
  // A write adding a group key goes through the transaction path: its condition holds there too.
  await store.putIncident({ ...incident('a'), groupKeys: ['workload:petadoptions/a', 'node:ip-10-0-1-17'], updatedAt: '2026-11-25T09:00:03.000Z' }, { expectedUpdatedAt: 'stale' }).then(
    () => assert.unreachable('stale transaction accepted'),
    (error) => assert.instance(error, IncidentConflict),
  );
  assert.is(await store.findOpenIncident('node:ip-10-0-1-17'), undefined, 'the cancelled transaction wrote no group key');
});

test('two replicas changing one incident at once: mutateIncident re-applies the loser on the fresh copy, nothing lost', async () => {
  const { another } = await freshStore();
  const stores = [another(), another(), another()];
  await stores[0]!.putIncident(incident('a'));
  const clock = new ManualClock(Date.parse('2026-11-25T09:00:00.000Z'));
  await Promise.all(stores.flatMap((store, s) => [0, 1].map((n) => mutateIncident(store, 'a', (i) => void i.timeline.push({ at: `${s}.${n}`, type: 'observation', source: 'agent', summary: `replica ${s} change ${n}` }), { clock }))));
  const final = (await stores[0]!.getIncident('a'))!;
  assert.equal(final.timeline.map((t) => t.summary).sort(), ['replica 0 change 0', 'replica 0 change 1', 'replica 1 change 0', 'replica 1 change 1', 'replica 2 change 0', 'replica 2 change 1']);
});

test('incidents list newest first, filter (status, severity, namespace are reserved words), and page with a cursor', async () => {
  const { store } = await freshStore();
  for (let i = 0; i < 7; i++) {
    await store.putIncident(incident(`i${i}`, { createdAt: `2026-11-25T09:0${i}:00.000Z`, status: i % 2 ? 'resolved' : 'investigating', severity: i === 3 ? 'critical' : 'warning' }));
  }
  const first = await store.listIncidents({ limit: 3 });
  assert.equal(first.items.map((i) => i.id), ['i6', 'i5', 'i4']);
  assert.ok(first.cursor);
  const second = await store.listIncidents({ limit: 3, cursor: first.cursor! });
  assert.equal(second.items.map((i) => i.id), ['i3', 'i2', 'i1']);
  const third = await store.listIncidents({ limit: 3, cursor: second.cursor! });
  assert.equal(third.items.map((i) => i.id), ['i0']);
  assert.is(third.cursor, undefined);
  assert.equal((await store.listIncidents({ status: ['resolved'] })).items.map((i) => i.id), ['i5', 'i3', 'i1']);
  assert.equal((await store.listIncidents({ status: ['resolved'], limit: 1 })).items.map((i) => i.id), ['i5'], 'filtered pages read on past DynamoDB page limits');
  const filteredSecond = await store.listIncidents({ status: ['resolved'], limit: 2, cursor: (await store.listIncidents({ status: ['resolved'], limit: 1 })).cursor! });
  assert.equal(filteredSecond.items.map((i) => i.id), ['i3', 'i1']);
  assert.equal((await store.listIncidents({ severity: ['critical'] })).items.map((i) => i.id), ['i3']);
  assert.equal((await store.listIncidents({ status: ['investigating', 'resolved'], severity: ['warning'], namespace: 'petadoptions', limit: 2 })).items.map((i) => i.id), ['i6', 'i5']);
  assert.equal((await store.listIncidents({ namespace: 'elsewhere' })).items, []);
  await store.listIncidents({ cursor: 'garbage' }).then(
    () => assert.unreachable(),
    (error) => assert.instance(error, InvalidCursor),
  );
});

test('the open incident of a group key is found; finished ones are not', async () => {
  const { store } = await freshStore();
  await store.putIncident(incident('inc-20261125-080000-aaaaaa', { status: 'resolved', groupKeys: ['workload:petadoptions/petsite'] }));
  assert.is(await store.findOpenIncident('workload:petadoptions/petsite'), undefined);
  await store.putIncident(incident('inc-20261125-090000-bbbbbb', { groupKeys: ['workload:petadoptions/petsite', 'target:Deployment/petadoptions/petsite'] }));
  assert.is((await store.findOpenIncident('target:Deployment/petadoptions/petsite'))!.id, 'inc-20261125-090000-bbbbbb');
  assert.is((await store.findOpenIncident('workload:petadoptions/petsite'))!.id, 'inc-20261125-090000-bbbbbb');
});

test('workflow state, approvals and the audit log persist (a second replica reads them)', async () => {
  const { store, another } = await freshStore();
  await store.saveWorkflowState('a', { version: 1, cursor: { stepId: 'analyse', visit: 1 } });
  await store.recordApproval('a', { actionId: 'act-1', decision: 'approved', by: 'alice', at: '2026-11-25T09:10:00.000Z' });
  for (let i = 0; i < 5; i++) await store.appendAudit({ at: `2026-11-25T09:1${i}:00.000Z`, incidentId: i < 4 ? 'a' : 'b', actor: 'agent', action: `step.${i}`, detail: { i } });
  const reader = another();
  assert.equal(await reader.loadWorkflowState('a'), { version: 1, cursor: { stepId: 'analyse', visit: 1 } });
  assert.is(await reader.loadWorkflowState('nope'), undefined);
  assert.equal((await reader.listApprovals('a')).map((a) => `${a.by}:${a.decision}:${a.actionId}`), ['alice:approved:act-1']);
  assert.equal((await reader.listAudit({ incidentId: 'a' })).map((e) => e.action), ['step.0', 'step.1', 'step.2', 'step.3']);
  assert.equal((await reader.listAudit({ limit: 2 })).map((e) => e.action), ['step.3', 'step.4'], 'the latest entries, oldest first');
});

test('large incidents and workflow states: what DynamoDB takes as an item (400 KB) round-trips; beyond it is compressed', async () => {
  const { store } = await freshStore();
  // Evidence summaries and timelines of a long incident: ~1.2 MB of JSON, three times DynamoDB's item limit.
  const big = incident('big', {
    timeline: Array.from({ length: 3000 }, (_, i) => ({ at: new Date(Date.parse('2026-11-25T09:00:00.000Z') + i * 1000).toISOString(), type: 'observation' as const, source: 'agent' as const, summary: `pod petsite-7d4b9c6f5b-${i.toString(36).padStart(5, '0')} working set ${(400 + (i % 97)).toFixed(1)} MiB of 512 MiB; restarts ${i % 7}; ${'x'.repeat(300)}` })),
  });
  assert.ok(JSON.stringify(big).length > 1_000_000);
  await store.putIncident(big);
  assert.equal(await store.getIncident('big'), big);
  assert.equal((await store.listIncidents()).items.map((i) => i.timeline.length), [3000]);
  const state = { version: 1, records: Array.from({ length: 2000 }, (_, i) => ({ id: `step-${i}`, status: 'succeeded', output: { series: 'y'.repeat(400) } })) };
  await store.saveWorkflowState('big', state);
  assert.equal(await store.loadWorkflowState('big'), state);
});

test('the audit log: a hash chain two replicas extend at once without forking it, and `audit verify` checks it', async () => {
  const { store, another, table } = await freshStore();
  const replicas = [store, another(), another()];
  await Promise.all(replicas.map((replica, r) => (async () => {
    for (let i = 0; i < 4; i++) await replica.appendAudit({ at: `2026-11-25T09:2${i}:00.000Z`, incidentId: `inc-${r}`, actor: 'agent', action: `replica-${r}.step-${i}`, detail: { r, i } });
  })()));
  const verified = await store.verifyAudit();
  assert.equal({ ok: verified.ok, entries: verified.entries, chained: verified.chained, legacy: verified.legacy }, { ok: true, entries: 12, chained: 12, legacy: 0 });
  assert.is((await store.listAudit({ incidentId: 'inc-1' })).length, 4);
  const out: string[] = [];
  const err: string[] = [];
  const io = { stdout: (s: string) => void out.push(s), stderr: (s: string) => void err.push(s), env: {} };
  const args = ['audit', 'verify', '--store', 'dynamodb', '--dynamodb-table', table, '--dynamodb-endpoint', ddb.endpoint, '--region', 'us-west-2'];
  const env = { AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: 'x', AWS_MAX_ATTEMPTS: '1' };
  const saved = { ...process.env };
  Object.assign(process.env, env);
  try {
    assert.is(await runDevopsAgent(args, io), 0, err.join(''));
    assert.match(out.join(''), new RegExp(`^audit log intact: 12 entries \\(12 on the hash chain\\) in DynamoDB table ${table}; head [0-9a-f]{64}\\n$`));

    // Someone with write access to the table changes an entry: the chain names it.
    const client = ddb.client();
    const { Items: entries = [] } = await client.send(new QueryCommand({ TableName: table, IndexName: 'GSI1', KeyConditionExpression: 'GSI1PK = :pk', ExpressionAttributeValues: { ':pk': { S: 'AUDIT' } } }));
    const fifth = entries.find((item) => item.seq?.N === '5')!;
    await client.send(new UpdateItemCommand({ TableName: table, Key: { PK: fifth.PK!, SK: fifth.SK! }, UpdateExpression: 'SET actor = :mallory', ExpressionAttributeValues: { ':mallory': { S: 'mallory' } } }));
    out.length = 0;
    assert.is(await runDevopsAgent(args, io), 1);
    assert.match(out.join(''), new RegExp(`^audit log broken at entry 5 \\(\\S+ at 2026-11-25T09:2\\d:00\\.000Z\\) in DynamoDB table ${table}: its content does not match its hash`));

    // Removing the last entries is seen too: the chain's head item says how far it went.
    await client.send(new UpdateItemCommand({ TableName: table, Key: { PK: fifth.PK!, SK: fifth.SK! }, UpdateExpression: 'SET actor = :agent', ExpressionAttributeValues: { ':agent': { S: 'agent' } } }));
    const last = entries.find((item) => item.seq?.N === '12')!;
    await client.send(new DeleteItemCommand({ TableName: table, Key: { PK: last.PK!, SK: last.SK! } }));
    const cut = await store.verifyAudit();
    assert.is(cut.ok, false);
    assert.match(cut.broken!.reason, /the chain's head is entry 12 .* but the last entry found is 11 .*: entries at the end are missing/);
  } finally {
    for (const key of Object.keys(env)) if (saved[key] === undefined) delete process.env[key];
    Object.assign(process.env, saved);
  }
});

// The workflow engine over the DynamoDB store: approvals, expiry and execution claims as engine.test.ts
// shows them over SQLite.

interface Harness {
  agent: Agent;
  world: StubWorld;
  cluster: FakeCluster;
  clock: ManualClock;
}

async function harness(store: StateStore, options: { config?: Partial<AgentConfig>; world?: StubWorld; clock?: ManualClock } = {}): Promise<Harness> {
  const world = options.world ?? new StubWorld();
  const cluster = new FakeCluster();
  const clock = options.clock ?? new ManualClock(Date.parse('2026-11-25T09:01:00.000Z'));
  const agent = await createAgent(testConfig({ store: 'dynamodb', aws: { dynamodbTable: 'given', region: 'us-west-2' }, ...options.config }), {
    clock,
    log: createLogger('test', { sink: () => undefined }),
    stepHandlers: stubHandlers(world),
    evidence: {},
    cluster,
    notifier: new RecordingNotifier(),
    store,
    sleep: async () => undefined,
  });
  return { agent, world, cluster, clock };
}

async function open(h: Harness): Promise<string> {
  const [result] = await h.agent.accept([memoryAlert()]);
  return result!.incidentId!;
}

test('approvals with optimistic concurrency: two replicas decide one action at once, one decision wins, the other is 409', async () => {
  const { another } = await freshStore();
  const stores = [another(), another()] as const;
  const a = await harness(stores[0]);
  const b = await harness(stores[1], { clock: a.clock });
  const id = await open(a);
  assert.is(await a.agent.engine.process(id), 'waiting');
  const actionId = (await a.agent.store.getIncident(id))!.actions[0]!.id;
  const outcomes = await Promise.allSettled([a.agent.desk.decide(id, actionId, 'approved', 'alice'), b.agent.desk.decide(id, actionId, 'rejected', 'bob')]);
  assert.equal(outcomes.map((o) => o.status).sort(), ['fulfilled', 'rejected']);
  const refused = outcomes.find((o) => o.status === 'rejected')!.reason as { status: number; message: string };
  assert.is(refused.status, 409);
  const action = (await a.agent.store.getIncident(id))!.actions[0]!;
  const winner = outcomes[0]!.status === 'fulfilled' ? 'alice' : 'bob';
  assert.is(action.approval!.by, winner);
  assert.equal((await stores[1].listApprovals(id)).map((x) => x.by), [winner], 'one decision recorded');
  assert.ok((await a.agent.store.listAudit({ incidentId: id })).some((e) => e.actor === winner && e.action === `action.${winner === 'alice' ? 'approved' : 'rejected'}`));
});

test('approval expiry: the sweep of another replica resumes the workflow, late decisions get 409', async () => {
  const { another } = await freshStore();
  const config = { safety: { ...testConfig().safety, approvalTtlSeconds: 600 } };
  const a = await harness(another(), { config });
  const id = await open(a);
  await a.agent.engine.process(id);
  const action = (await a.agent.store.getIncident(id))!.actions[0]!;
  assert.is(Date.parse(action.expiresAt!) - a.clock.now(), 600_000);
  const b = await harness(another(), { config, clock: a.clock });
  assert.is(await b.agent.desk.sweep(), 0);
  a.clock.advance(600_001);
  await b.agent.desk.decide(id, action.id, 'approved', 'late').then(
    () => assert.unreachable(),
    (error) => assert.match((error as Error).message, /expired at/),
  );
  assert.is(await b.agent.desk.sweep(), 1, 'the sweep found it through the status filter of the GSI');
  assert.is(await b.agent.engine.process(id), 'completed');
  const incident = (await b.agent.store.getIncident(id))!;
  assert.is(incident.actions[0]!.status, 'expired');
  assert.equal(b.cluster.writes, []);
});

test('execution claims: a crash after a cluster write never executes the action twice', async () => {
  const { another } = await freshStore();
  const worldA = new StubWorld();
  let wrote!: () => void;
  const written = new Promise<void>((resolve) => (wrote = resolve));
  worldA.afterWrite = () => {
    wrote();
    return new Promise<never>(() => undefined);
  };
  const storeA = crashable(another());
  const a = await harness(storeA, { world: worldA, config: { autoApprove: true, stepTimeoutMs: 300 } });
  const id = await open(a);
  void a.agent.engine.process(id);
  await written;
  storeA.crash();
  assert.equal(a.cluster.realWrites().length, 1);

  const storeB = another();
  const b = await harness(storeB, { config: { autoApprove: true } });
  assert.is((await b.agent.recover()).requeued, 1, 'the executing incident is queued again at start');
  const before = (await b.agent.store.getIncident(id))!;
  assert.is(before.actions[0]!.status, 'executing', 'the executing mark was in the table before the write');
  assert.ok(((await b.agent.store.loadWorkflowState(id)) as WorkflowState).executions[before.actions[0]!.id], 'and so was the execution claim');
  assert.is(await b.agent.engine.process(id), 'completed');
  assert.equal(b.cluster.writes, [], 'the resumed replica did not write again');
  const incident = (await b.agent.store.getIncident(id))!;
  assert.is(incident.actions[0]!.status, 'failed');
  assert.match(incident.actions[0]!.result!.message, /not executed again, to avoid applying it twice/);
  assert.ok((await b.agent.store.listAudit({ incidentId: id })).some((e) => e.action === 'action.interrupted'));
  assert.ok((await storeB.verifyAudit()).ok, 'the audit chain is whole across the crash');
});

test.run();
