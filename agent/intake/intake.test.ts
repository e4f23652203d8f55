import { DeleteMessageCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { readFileSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ManualClock } from '../../core/clock.js';
import { memoryLogger } from '../../core/log.js';
import { AgentMetrics } from '../metrics.js';
import { SqliteWorkQueue } from '../queue/sqlite-queue.js';
import { mutateIncident } from '../store/mutate.js';
import { SqliteStateStore } from '../store/sqlite-store.js';
import { memoryAlert } from '../../test/support/agent/workflow-testkit.js';
import { Intake } from './intake.js';
import { SqsEventConsumer } from './sqs-consumer.js';

const fixture = (name: string): unknown => JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8'));

function setup() {
  const clock = new ManualClock(Date.parse('2026-11-25T09:05:00.000Z'));
  const store = new SqliteStateStore(':memory:');
  const queue = new SqliteWorkQueue(':memory:', { clock });
  const metrics = new AgentMetrics({ defaultMetrics: false });
  let kicks = 0;
  const intake = new Intake({ store, queue, clock, log: memoryLogger(), metrics, groupWindowMs: 30 * 60_000, onEnqueued: () => kicks++ });
  return { clock, store, queue, metrics, intake, kicks: () => kicks };
}

const counter = async (metrics: AgentMetrics, name: string) => (await metrics.registry.getSingleMetric(name)!.get()).values;

test('a firing alert opens an incident and queues its investigation', async () => {
  const { intake, store, queue, kicks } = setup();
  const [result] = await intake.receive('alertmanager', fixture('alertmanager-memory-near-limit.json'));
  assert.is(result!.outcome, 'opened');
  const incident = (await store.getIncident(result!.incidentId!))!;
  assert.is(incident.status, 'open');
  assert.equal(incident.target, { kind: 'Deployment', namespace: 'petadoptions', name: 'petsite', container: 'petsite' });
  assert.equal(incident.groupKeys, ['target:Deployment/petadoptions/petsite', 'workload:petadoptions/petsite']);
  assert.is(incident.milestones.detectedAt, '2026-11-25T09:05:00.000Z');
  const job = await queue.lease({ visibilityMs: 1000 });
  assert.is(job!.incidentId, incident.id);
  assert.is(job!.priority, 2004, 'warning, one pod, one workload');
  assert.is(kicks(), 1);
  assert.equal((await store.listAudit({ incidentId: incident.id })).map((a) => a.action), ['incident.opened']);
});

test('the same firing alert again is deduplicated: no new incident, counted', async () => {
  const { intake, store, metrics } = setup();
  const [first] = await intake.receive('alertmanager', fixture('alertmanager-memory-near-limit.json'));
  const [again] = await intake.receive('alertmanager', fixture('alertmanager-memory-near-limit.json'));
  assert.is(again!.outcome, 'duplicate');
  assert.is(again!.incidentId, first!.incidentId);
  assert.is((await store.listIncidents()).items.length, 1);
  assert.equal((await counter(metrics, 'agent_alerts_deduplicated_total'))[0]!.value, 1);
});

test('related alerts group into one incident: same workload, within the window', async () => {
  const { intake, store, clock } = setup();
  const [memory] = await intake.receive('alertmanager', fixture('alertmanager-memory-near-limit.json'));
  clock.advance(60_000);
  const [latency] = await intake.receive('alertmanager', fixture('alertmanager-high-latency.json'));
  assert.is(latency!.outcome, 'grouped');
  assert.is(latency!.incidentId, memory!.incidentId);
  const incident = (await store.getIncident(memory!.incidentId!))!;
  assert.is(incident.alertIds.length, 2);
  assert.is(incident.severity, 'critical', 'raised by the critical latency alert');
  // Another service is another incident.
  const [cpu] = await intake.receive('alertmanager', fixture('alertmanager-cpu-throttling.json'));
  assert.is(cpu!.outcome, 'opened');
  // Past the window, a related alert is a new problem.
  clock.advance(31 * 60_000);
  const [later] = await intake.accept([memoryAlert({ pod: 'petsite-7d4b9c6f5b-later', fingerprint: 'later', startsAt: '2026-11-25T09:40:00.000Z' })]);
  assert.is(later!.outcome, 'opened');
  assert.is((await store.listIncidents()).items.length, 3);
});

test('two crash-looping pods of one deployment in one notification are one incident', async () => {
  const { intake, store } = setup();
  const results = await intake.receive('alertmanager', fixture('alertmanager-crash-loop-two-pods.json'));
  assert.equal(results.map((r) => r.outcome), ['opened', 'grouped']);
  assert.is((await store.listIncidents()).items.length, 1);
});

test('a resolved notification is recorded, and resolves an incident verifying its fix', async () => {
  const { intake, store, clock } = setup();
  const [opened] = await intake.receive('alertmanager', fixture('alertmanager-memory-near-limit.json'));
  const id = opened!.incidentId!;
  await mutateIncident(store, id, (i) => void (i.status = 'verifying'), { clock });
  const [resolved] = await intake.receive('alertmanager', fixture('alertmanager-memory-near-limit-resolved.json'));
  assert.is(resolved!.outcome, 'resolved');
  const incident = (await store.getIncident(id))!;
  assert.is(incident.status, 'resolved');
  assert.ok(incident.milestones.resolvedAt);
  assert.ok(incident.timeline.some((t) => t.summary === 'ContainerMemoryNearLimit resolved'));
  // A resolved alert nobody knows about is ignored.
  const [unknown] = await intake.accept([{ ...memoryAlert({ fingerprint: 'never-fired' }), status: 'resolved' }]);
  assert.is(unknown!.outcome, 'ignored');
});

test('a resolved alert of an incident still investigating does not end it', async () => {
  const { intake, store, clock } = setup();
  const [opened] = await intake.receive('alertmanager', fixture('alertmanager-memory-near-limit.json'));
  await mutateIncident(store, opened!.incidentId!, (i) => void (i.status = 'investigating'), { clock });
  await intake.receive('alertmanager', fixture('alertmanager-memory-near-limit-resolved.json'));
  assert.is((await store.getIncident(opened!.incidentId!))!.status, 'investigating');
});

test('bad payloads are counted by reason and never change state', async () => {
  const { intake, store, metrics } = setup();
  await intake.receive('alertmanager', { version: '4', alerts: 'no' }).then(
    () => assert.unreachable(),
    (error) => assert.match((error as Error).message, /not a valid Alertmanager webhook/),
  );
  assert.equal((await counter(metrics, 'agent_alerts_rejected_total')).map((v) => [v.labels.reason, v.value]), [['invalid-payload', 1]]);
  assert.is((await store.listIncidents()).items.length, 0);
});

test('the SQS consumer takes alarm events, deletes them, and leaves bad ones for the DLQ', async () => {
  const { intake, store, metrics } = setup();
  const sqs = mockClient(SQSClient);
  const alarm = JSON.stringify(fixture('cloudwatch-alarm-pod-memory.json'));
  const sns = JSON.stringify({ Type: 'Notification', MessageId: 'b1f7e1c4', TopicArn: 'arn:aws:sns:us-west-2:123456789012:alarms', Message: JSON.stringify(fixture('cloudwatch-alarm-node-memory-metric-math.json')), Timestamp: '2026-11-25T09:12:06.001Z' });
  sqs
    .on(ReceiveMessageCommand)
    .resolvesOnce({
      Messages: [
        { MessageId: 'm1', ReceiptHandle: 'rh-1', Body: alarm, Attributes: { ApproximateReceiveCount: '1' } },
        { MessageId: 'm2', ReceiptHandle: 'rh-2', Body: alarm, Attributes: { ApproximateReceiveCount: '2' } },
        { MessageId: 'm3', ReceiptHandle: 'rh-3', Body: '{"detail-type": "EC2 Instance State-change Notification", "detail": {}}' },
        { MessageId: 'm4', ReceiptHandle: 'rh-4', Body: 'garbage' },
        { MessageId: 'm5', ReceiptHandle: 'rh-5', Body: sns },
      ],
      $metadata: {},
    });
  sqs.on(DeleteMessageCommand).resolves({ $metadata: {} });
  const consumer = new SqsEventConsumer({
    queueUrl: 'https://sqs.us-west-2.amazonaws.com/123456789012/alarm-events',
    intake,
    metrics,
    log: memoryLogger(),
    client: new SQSClient({ region: 'us-west-2', credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'x' } }),
    waitTimeSeconds: 20,
    visibilityTimeoutSeconds: 60,
  });
  assert.equal(await consumer.pollOnce(), ['taken', 'taken', 'rejected', 'rejected', 'taken']);
  assert.equal(sqs.commandCalls(DeleteMessageCommand).map((c) => c.args[0].input.ReceiptHandle), ['rh-1', 'rh-2', 'rh-5']);
  const receive = sqs.commandCalls(ReceiveMessageCommand)[0]!.args[0].input;
  assert.equal([receive.WaitTimeSeconds, receive.VisibilityTimeout], [20, 60]);
  assert.is((await store.listIncidents()).items.length, 2, 'the redelivered alarm is a duplicate; the SNS-wrapped node alarm is another incident');
  assert.equal((await counter(metrics, 'agent_alerts_rejected_total')).map((v) => v.labels.reason).sort(), ['invalid-payload', 'malformed-json']);
  sqs.restore();
});

test('a message the intake cannot store stays in the queue for redelivery', async () => {
  const { intake } = setup();
  const failing = Object.create(intake) as Intake;
  failing.receive = () => Promise.reject(new Error('database is locked'));
  const sqs = mockClient(SQSClient);
  sqs.on(ReceiveMessageCommand).resolvesOnce({ Messages: [{ MessageId: 'm1', ReceiptHandle: 'rh-1', Body: JSON.stringify(fixture('cloudwatch-alarm-pod-memory.json')) }], $metadata: {} });
  const consumer = new SqsEventConsumer({ queueUrl: 'https://sqs.us-west-2.amazonaws.com/123456789012/alarm-events', intake: failing, log: memoryLogger(), client: new SQSClient({ region: 'us-west-2', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } }) });
  assert.equal(await consumer.pollOnce(), ['failed']);
  assert.is(sqs.commandCalls(DeleteMessageCommand).length, 0);
  sqs.restore();
});

test.run();
