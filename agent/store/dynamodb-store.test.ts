import {
  BatchGetItemCommand,
  ConditionalCheckFailedException,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  TransactWriteItemsCommand,
  TransactionCanceledException,
} from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Incident } from '../../core/types.js';
import { memoryAlert } from '../../test/support/agent/workflow-testkit.js';
import { fromItem, toAttribute } from './attribute-values.js';
import { DynamoDbStateStore } from './dynamodb-store.js';
import { GENESIS, linkFor } from './audit-chain.js';
import { IncidentConflict, StoreUnavailable } from './errors.js';

const metadata = { httpStatusCode: 400, requestId: 'Q8RBFHG0D7N1JCM0V2OKT4S7SFVV4KQNSO5AEMVJF66Q9ASUAAJG', attempts: 1, totalRetryDelay: 0 };
const conditionFailed = () => new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: metadata });

const incident: Incident = {
  id: 'inc-20261125-090030-a1b2c3',
  title: 'Container petadoptions/petsite-7d4b9c6f5b-x2k8q petsite is close to its memory limit',
  status: 'investigating',
  severity: 'warning',
  createdAt: '2026-11-25T09:00:30.000Z',
  updatedAt: '2026-11-25T09:00:31.002Z',
  alertIds: ['alertmanager:8d5c7c1a6e9b2f40'],
  groupKeys: ['target:Deployment/petadoptions/petsite', 'workload:petadoptions/petsite'],
  target: { kind: 'Deployment', namespace: 'petadoptions', name: 'petsite', container: 'petsite' },
  playbook: 'memory-leak',
  findings: [{ id: 'f-1', source: 'prometheus', kind: 'memory-near-limit', summary: 'working set at 93% of limit', severity: 'warning', observedAt: '2026-11-25T09:02:00.000Z', data: { ratio: 0.934 } }],
  hypotheses: [],
  actions: [],
  timeline: [],
  gaps: [],
  milestones: { detectedAt: '2026-11-25T09:00:30.000Z' },
};

/** The item as DynamoDB returns it from GetItem (the shape the console's JSON view shows). */
const storedItem = {
  PK: { S: `INCIDENT#${incident.id}` },
  SK: { S: 'INCIDENT' },
  GSI1PK: { S: 'INCIDENTS' },
  GSI1SK: { S: `${incident.createdAt}#${incident.id}` },
  status: { S: 'investigating' },
  severity: { S: 'warning' },
  namespace: { S: 'petadoptions' },
  createdAt: { S: incident.createdAt },
  updatedAt: { S: incident.updatedAt },
  incident: toAttribute(incident),
};

function setup() {
  const ddb = mockClient(DynamoDBClient);
  const store = new DynamoDbStateStore({ tableName: 'devops-agent', client: new DynamoDBClient({ region: 'us-west-2', credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'x' } }) });
  return { ddb, store };
}

test('attribute values round-trip plain JSON', () => {
  const value = { a: 'x', n: 1.5, b: true, z: null, list: [1, 'two', { three: 3 }], nested: { empty: '', deep: { x: [] } }, gone: undefined };
  const attribute = toAttribute(value);
  assert.equal(attribute.M!.n, { N: '1.5' });
  assert.equal(fromItem(attribute.M!), { a: 'x', n: 1.5, b: true, z: null, list: [1, 'two', { three: 3 }], nested: { empty: '', deep: { x: [] } } });
});

test('saveAlert writes conditionally; ConditionalCheckFailed means duplicate', async () => {
  const { ddb, store } = setup();
  ddb.on(PutItemCommand).resolvesOnce({ $metadata: { httpStatusCode: 200 } }).rejectsOnce(conditionFailed());
  const alert = memoryAlert();
  assert.equal(await store.saveAlert(alert), { duplicate: false });
  assert.equal(await store.saveAlert(alert), { duplicate: true });
  const input = ddb.commandCalls(PutItemCommand)[0]!.args[0].input;
  assert.is(input.TableName, 'devops-agent');
  assert.equal(input.Item!.PK, { S: `ALERT#${alert.id}` });
  assert.match(input.ConditionExpression!, /attribute_not_exists\(PK\) OR #status <> :status OR startsAt <> :startsAt/);
  assert.equal(input.ExpressionAttributeValues![':status'], { S: 'firing' });
  ddb.restore();
});

test('a new incident is written with its group keys in one transaction', async () => {
  const { ddb, store } = setup();
  ddb.on(TransactWriteItemsCommand).resolves({ $metadata: { httpStatusCode: 200 } });
  ddb.on(PutItemCommand).resolves({ $metadata: { httpStatusCode: 200 } });
  await store.putIncident(incident);
  const transaction = ddb.commandCalls(TransactWriteItemsCommand)[0]!.args[0].input.TransactItems!;
  assert.is(transaction.length, 3);
  assert.equal(transaction[0]!.Put!.Item!.GSI1SK, { S: `${incident.createdAt}#${incident.id}` });
  assert.equal(transaction[1]!.Put!.Item!.PK, { S: 'GROUP#target:Deployment/petadoptions/petsite' });
  assert.is(transaction[0]!.Put!.ConditionExpression, undefined, 'creation is unconditional');
  // The keys are indexed now: the next save is a plain conditional PutItem.
  await store.putIncident({ ...incident, updatedAt: '2026-11-25T09:00:32.000Z' }, { expectedUpdatedAt: incident.updatedAt });
  const put = ddb.commandCalls(PutItemCommand)[0]!.args[0].input;
  assert.is(put.ConditionExpression, 'updatedAt = :expected');
  assert.equal(put.ExpressionAttributeValues, { ':expected': { S: incident.updatedAt } });
  ddb.restore();
});

test('a lost race is an IncidentConflict, from PutItem or from a cancelled transaction', async () => {
  const { ddb, store } = setup();
  ddb.on(PutItemCommand).rejects(conditionFailed());
  ddb.on(TransactWriteItemsCommand).rejects(
    new TransactionCanceledException({
      message: 'Transaction cancelled, please refer cancellation reasons for specific reasons [ConditionalCheckFailed, None, None]',
      CancellationReasons: [{ Code: 'ConditionalCheckFailed', Message: 'The conditional request failed' }, { Code: 'None' }, { Code: 'None' }],
      $metadata: metadata,
    }),
  );
  await store.putIncident({ ...incident, groupKeys: [] }, { expectedUpdatedAt: 'stale' }).then(
    () => assert.unreachable(),
    (error) => assert.instance(error, IncidentConflict),
  );
  assert.is(ddb.commandCalls(PutItemCommand).length, 1);
  const fresh = new DynamoDbStateStore({ tableName: 'devops-agent', client: new DynamoDBClient({ region: 'us-west-2', credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'x' } }) });
  await fresh.putIncident(incident, { expectedUpdatedAt: 'stale' }).then(
    () => assert.unreachable(),
    (error) => assert.instance(error, IncidentConflict),
  );
  ddb.restore();
});

test('getIncident reads the marshalled item back; outages are StoreUnavailable', async () => {
  const { ddb, store } = setup();
  ddb.on(GetItemCommand).resolvesOnce({ Item: storedItem, $metadata: { httpStatusCode: 200 } }).resolvesOnce({ $metadata: { httpStatusCode: 200 } });
  assert.equal(await store.getIncident(incident.id), incident);
  assert.is(await store.getIncident('missing'), undefined);
  assert.is(ddb.commandCalls(GetItemCommand)[0]!.args[0].input.ConsistentRead, true);
  ddb.on(GetItemCommand).rejects(Object.assign(new Error('Rate of requests exceeds the allowed throughput.'), { name: 'ProvisionedThroughputExceededException' }));
  await store.getIncident(incident.id).then(
    () => assert.unreachable(),
    (error) => {
      assert.instance(error, StoreUnavailable);
      assert.match((error as Error).message, /reading incident .* Rate of requests/);
    },
  );
  ddb.restore();
});

test('listIncidents queries the GSI newest first, filters and pages', async () => {
  const { ddb, store } = setup();
  const second = { ...incident, id: 'inc-20261125-085000-ffffff', createdAt: '2026-11-25T08:50:00.000Z' };
  ddb
    .on(QueryCommand)
    .resolvesOnce({ Items: [storedItem], Count: 1, ScannedCount: 3, LastEvaluatedKey: { PK: storedItem.PK, SK: storedItem.SK, GSI1PK: storedItem.GSI1PK, GSI1SK: storedItem.GSI1SK }, $metadata: {} })
    .resolvesOnce({ Items: [{ ...storedItem, incident: toAttribute(second) }], Count: 1, ScannedCount: 1, $metadata: {} });
  const page = await store.listIncidents({ status: ['investigating', 'awaiting-approval'], limit: 1 });
  assert.equal(page.items.map((i) => i.id), [incident.id]);
  assert.ok(page.cursor);
  const input = ddb.commandCalls(QueryCommand)[0]!.args[0].input;
  assert.is(input.IndexName, 'GSI1');
  assert.is(input.ScanIndexForward, false);
  assert.is(input.FilterExpression, '#status IN (:status0, :status1)');
  ddb.restore();
});

test('findOpenIncident skips finished incidents of the key', async () => {
  const { ddb, store } = setup();
  ddb.on(QueryCommand).resolves({ Items: [{ PK: { S: 'GROUP#workload:petadoptions/petsite' }, SK: { S: 'INCIDENT#inc-b' }, incidentId: { S: 'inc-b' } }, { PK: { S: 'GROUP#workload:petadoptions/petsite' }, SK: { S: `INCIDENT#${incident.id}` }, incidentId: { S: incident.id } }], $metadata: {} });
  ddb
    .on(GetItemCommand)
    .resolvesOnce({ Item: { ...storedItem, incident: toAttribute({ ...incident, id: 'inc-b', status: 'resolved' }) }, $metadata: {} })
    .resolvesOnce({ Item: storedItem, $metadata: {} });
  assert.is((await store.findOpenIncident('workload:petadoptions/petsite'))!.id, incident.id);
  ddb.restore();
});

test('getAlerts batches and asks again for unprocessed keys', async () => {
  const { ddb, store } = setup();
  const a = memoryAlert();
  const b = memoryAlert({ pod: 'petsite-7d4b9c6f5b-zzzzz', fingerprint: 'fp-b' });
  const itemOf = (alert: typeof a) => ({ PK: { S: `ALERT#${alert.id}` }, SK: { S: 'ALERT' }, alert: toAttribute(alert) });
  ddb
    .on(BatchGetItemCommand)
    .resolvesOnce({ Responses: { 'devops-agent': [itemOf(b)] }, UnprocessedKeys: { 'devops-agent': { Keys: [{ PK: { S: `ALERT#${a.id}` }, SK: { S: 'ALERT' } }] } }, $metadata: {} })
    .resolvesOnce({ Responses: { 'devops-agent': [itemOf(a)] }, $metadata: {} });
  assert.equal((await store.getAlerts([a.id, b.id])).map((x) => x.id), [a.id, b.id]);
  assert.is(ddb.commandCalls(BatchGetItemCommand).length, 2);
  ddb.restore();
});

test('audit entries go under the incident and the AUDIT index', async () => {
  const { ddb, store } = setup();
  // The entry is written in one transaction with the chain's head (see the chain tests below).
  ddb.on(TransactWriteItemsCommand).resolves({ $metadata: {} });
  await store.appendAudit({ at: '2026-11-25T09:10:00.000Z', incidentId: incident.id, actor: 'alice', action: 'action.approved', detail: { actionId: 'act-1' } });
  const item = ddb.commandCalls(TransactWriteItemsCommand)[0]!.args[0].input.TransactItems![0]!.Put!.Item!;
  assert.equal(item.PK, { S: `INCIDENT#${incident.id}` });
  assert.match(item.SK!.S!, /^AUDIT#2026-11-25T09:10:00.000Z#[0-9a-f]{8}$/);
  assert.equal(item.GSI1PK, { S: 'AUDIT' });
  ddb.on(QueryCommand).resolves({ Items: [{ ...item, at: { S: '2026-11-25T09:11:00.000Z' } }, item], $metadata: {} });
  const entries = await store.listAudit({ incidentId: incident.id, limit: 2 });
  assert.equal(entries.map((e) => e.at), ['2026-11-25T09:10:00.000Z', '2026-11-25T09:11:00.000Z'], 'oldest first');
  assert.equal(entries[0]!.detail, { actionId: 'act-1' });
  ddb.restore();
});

test('the audit chain: each entry links to the head it read, in one transaction with moving the head', async () => {
  const { ddb, store } = setup();
  const head = (seq: number, hash: string) => ({ Item: { PK: { S: 'AUDIT#CHAIN' }, SK: { S: 'HEAD' }, seq: { N: String(seq) }, hash: { S: hash } }, $metadata: {} });
  ddb.on(GetItemCommand).resolvesOnce({ $metadata: {} }).resolves(head(1, 'placeholder'));
  ddb.on(TransactWriteItemsCommand).resolves({ $metadata: {} });
  await store.appendAudit({ at: '2026-11-25T09:10:00.000Z', incidentId: incident.id, actor: 'agent', action: 'investigation.started', detail: {} });
  const first = ddb.commandCalls(TransactWriteItemsCommand)[0]!.args[0].input.TransactItems!;
  assert.is(first[0]!.Put!.Item!.seq!.N, '1');
  assert.is(first[0]!.Put!.Item!.prevHash!.S, GENESIS);
  assert.is(first[0]!.Put!.ConditionExpression, 'attribute_not_exists(PK)');
  assert.equal(first[1]!.Put!.Item!.PK, { S: 'AUDIT#CHAIN' });
  assert.is(first[1]!.Put!.ConditionExpression, 'attribute_not_exists(PK)', 'the first entry creates the head');
  const firstHash = first[0]!.Put!.Item!.hash!.S!;
  assert.is(firstHash, linkFor(1, undefined, { at: '2026-11-25T09:10:00.000Z', incidentId: incident.id, actor: 'agent', action: 'investigation.started', detail: {} }).hash);
  ddb.on(GetItemCommand).resolves(head(1, firstHash));
  await store.appendAudit({ at: '2026-11-25T09:11:00.000Z', incidentId: incident.id, actor: 'alice', action: 'action.approved', detail: { actionId: 'act-1' } });
  const second = ddb.commandCalls(TransactWriteItemsCommand)[1]!.args[0].input.TransactItems!;
  assert.is(second[0]!.Put!.Item!.prevHash!.S, firstHash);
  assert.is(second[0]!.Put!.Item!.SK!.S, 'AUDIT#2026-11-25T09:11:00.000Z#00000002');
  assert.is(second[1]!.Put!.ConditionExpression, '#seq = :seq AND #hash = :hash');
  assert.equal(second[1]!.Put!.ExpressionAttributeValues, { ':seq': { N: '1' }, ':hash': { S: firstHash } });
  ddb.restore();
});

test('two writers cannot fork the audit chain: the loser re-reads the head and appends after the winner', async () => {
  const { ddb, store } = setup();
  const head = (seq: number, hash: string) => ({ Item: { PK: { S: 'AUDIT#CHAIN' }, SK: { S: 'HEAD' }, seq: { N: String(seq) }, hash: { S: hash } }, $metadata: {} });
  ddb.on(GetItemCommand).resolvesOnce(head(4, 'a'.repeat(64))).resolves(head(5, 'b'.repeat(64)));
  ddb
    .on(TransactWriteItemsCommand)
    .rejectsOnce(new TransactionCanceledException({ message: 'Transaction cancelled [None, ConditionalCheckFailed]', CancellationReasons: [{ Code: 'None' }, { Code: 'ConditionalCheckFailed' }], $metadata: metadata }))
    .resolves({ $metadata: {} });
  await store.appendAudit({ at: '2026-11-25T09:12:00.000Z', actor: 'agent', action: 'x', detail: {} });
  const calls = ddb.commandCalls(TransactWriteItemsCommand);
  assert.is(calls.length, 2);
  assert.is(calls[1]!.args[0].input.TransactItems![0]!.Put!.Item!.seq!.N, '6', 'after the entry the other writer appended');
  assert.is(calls[1]!.args[0].input.TransactItems![0]!.Put!.Item!.prevHash!.S, 'b'.repeat(64));
  ddb.restore();
});

test('verifyAudit recomputes the chain from the index and names the first changed entry', async () => {
  const { ddb, store } = setup();
  const entries = [0, 1, 2].map((i) => ({ at: `2026-11-25T09:1${i}:00.000Z`, incidentId: incident.id, actor: 'agent', action: `step.${i}`, detail: { i, list: [1, 'two'] } }));
  let previous: string | undefined;
  const items = entries.map((entry, i) => {
    const link = linkFor(i + 1, previous, entry);
    previous = link.hash;
    return { PK: { S: `INCIDENT#${incident.id}` }, SK: { S: `AUDIT#${entry.at}#0000000${i + 1}` }, GSI1PK: { S: 'AUDIT' }, GSI1SK: { S: `${entry.at}#0000000${i + 1}` }, at: { S: entry.at }, incidentId: { S: incident.id }, actor: { S: entry.actor }, action: { S: entry.action }, detail: toAttribute(entry.detail), seq: { N: String(i + 1) }, prevHash: { S: link.prevHash }, hash: { S: link.hash } };
  });
  const legacy = { PK: { S: `INCIDENT#${incident.id}` }, SK: { S: 'AUDIT#2026-11-25T09:00:00.000Z#1a2b3c4d' }, GSI1PK: { S: 'AUDIT' }, GSI1SK: { S: '2026-11-25T09:00:00.000Z#1a2b3c4d' }, at: { S: '2026-11-25T09:00:00.000Z' }, actor: { S: 'agent' }, action: { S: 'incident.opened' }, detail: { M: {} } };
  ddb.on(GetItemCommand).resolves({ Item: { PK: { S: 'AUDIT#CHAIN' }, SK: { S: 'HEAD' }, seq: { N: '3' }, hash: { S: previous! } }, $metadata: {} });
  ddb.on(QueryCommand).resolvesOnce({ Items: [legacy, items[0]!], LastEvaluatedKey: { PK: items[0]!.PK }, $metadata: {} }).resolvesOnce({ Items: items.slice(1), $metadata: {} });
  const ok = await store.verifyAudit();
  assert.equal({ ok: ok.ok, entries: ok.entries, chained: ok.chained, legacy: ok.legacy, head: ok.head }, { ok: true, entries: 4, chained: 3, legacy: 1, head: previous });
  const tampered = items.map((item, i) => (i === 1 ? { ...item, actor: { S: 'mallory' } } : item));
  ddb.on(QueryCommand).resolves({ Items: [legacy, ...tampered], $metadata: {} });
  const broken = await store.verifyAudit();
  assert.is(broken.ok, false);
  assert.is(broken.broken!.seq, 2);
  assert.match(broken.broken!.reason, /does not match its hash/);
  ddb.restore();
});

test.run();
