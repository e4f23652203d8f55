import { ChangeMessageVisibilityCommand, DeleteMessageCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient, SendMessageCommand } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ManualClock } from '../../core/clock.js';
import { memoryLogger } from '../../core/log.js';
import { SqsWorkQueue } from './sqs-queue.js';

const queueUrl = 'https://sqs.us-west-2.amazonaws.com/123456789012/devops-agent-jobs';
const client = () => new SQSClient({ region: 'us-west-2', credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'x' } });

const message = (jobId: string, incidentId: string, priority: number, receiveCount = 1) => ({
  MessageId: `6f1d3c8e-${jobId}`,
  ReceiptHandle: `AQEB${jobId}wuN7+handle==`,
  MD5OfBody: 'f3a1c2d4e5b6a7980123456789abcdef',
  Body: JSON.stringify({ jobId, incidentId, priority, enqueuedAt: '2026-11-25T09:00:00.000Z' }),
  Attributes: { ApproximateReceiveCount: String(receiveCount), SentTimestamp: '1795597200000' },
});

test('enqueue sends the job with its priority as a message attribute', async () => {
  const sqs = mockClient(SQSClient);
  sqs.on(SendMessageCommand).resolves({ MessageId: 'm-1', MD5OfMessageBody: 'x', $metadata: {} });
  const q = new SqsWorkQueue({ queueUrl, clock: new ManualClock(), log: memoryLogger(), client: client() });
  const job = await q.enqueue({ incidentId: 'inc-1', priority: 3001 });
  const input = sqs.commandCalls(SendMessageCommand)[0]!.args[0].input;
  assert.is(input.QueueUrl, queueUrl);
  assert.equal(JSON.parse(input.MessageBody!), { jobId: job.id, incidentId: 'inc-1', priority: 3001, enqueuedAt: '2026-11-25T09:00:00.000Z' });
  assert.equal(input.MessageAttributes!.priority, { DataType: 'Number', StringValue: '3001' });
  assert.is(input.MessageGroupId, undefined, 'standard queue');
  sqs.restore();
});

test('FIFO queues group by incident and deduplicate by job', async () => {
  const sqs = mockClient(SQSClient);
  sqs.on(SendMessageCommand).resolves({ MessageId: 'm-1', $metadata: {} });
  const q = new SqsWorkQueue({ queueUrl: `${queueUrl}.fifo`, clock: new ManualClock(), log: memoryLogger(), client: client() });
  const job = await q.enqueue({ incidentId: 'inc-1', priority: 1 });
  const input = sqs.commandCalls(SendMessageCommand)[0]!.args[0].input;
  assert.is(input.MessageGroupId, 'inc-1');
  assert.is(input.MessageDeduplicationId, job.id);
  sqs.restore();
});

test('lease long-polls, hands out the batch highest priority first, and ack deletes by receipt handle', async () => {
  const sqs = mockClient(SQSClient);
  sqs.on(ReceiveMessageCommand).resolvesOnce({ Messages: [message('j1', 'inc-warning', 2001), message('j2', 'inc-critical', 3001, 3), { MessageId: 'junk', ReceiptHandle: 'h', Body: 'not json' }], $metadata: {} }).resolves({ Messages: [], $metadata: {} });
  sqs.on(ChangeMessageVisibilityCommand).resolves({ $metadata: {} });
  sqs.on(DeleteMessageCommand).resolves({ $metadata: {} });
  const log = memoryLogger();
  const q = new SqsWorkQueue({ queueUrl, clock: new ManualClock(), log, client: client(), waitTimeSeconds: 20 });
  const first = await q.lease({ visibilityMs: 120_000 });
  assert.is(first!.incidentId, 'inc-critical');
  assert.is(first!.attempts, 3, 'ApproximateReceiveCount');
  const receive = sqs.commandCalls(ReceiveMessageCommand)[0]!.args[0].input;
  assert.is(receive.WaitTimeSeconds, 20);
  assert.is(receive.VisibilityTimeout, 120);
  assert.is(receive.MaxNumberOfMessages, 10);
  const second = await q.lease({ visibilityMs: 120_000 });
  assert.is(second!.incidentId, 'inc-warning');
  assert.is(sqs.commandCalls(ReceiveMessageCommand).length, 1, 'served from the batch');
  assert.ok(log.records.some((r) => r.msg.includes('not an agent job')), 'a foreign message is left for the DLQ');
  await q.ack(first!.id);
  assert.is(sqs.commandCalls(DeleteMessageCommand)[0]!.args[0].input.ReceiptHandle, 'AQEBj2wuN7+handle==');
  await q.release(second!.id, { delayMs: 30_000, reason: 'store unavailable' });
  const change = sqs.commandCalls(ChangeMessageVisibilityCommand).at(-1)!.args[0].input;
  assert.equal([change.ReceiptHandle, change.VisibilityTimeout], ['AQEBj1wuN7+handle==', 30]);
  assert.is(await q.lease({ visibilityMs: 120_000 }), undefined);
  sqs.restore();
});

test('depth is the approximate number of visible messages', async () => {
  const sqs = mockClient(SQSClient);
  sqs.on(GetQueueAttributesCommand).resolves({ Attributes: { ApproximateNumberOfMessages: '7' }, $metadata: {} });
  const q = new SqsWorkQueue({ queueUrl, clock: new ManualClock(), log: memoryLogger(), client: client() });
  assert.is(await q.depth(), 7);
  sqs.restore();
});

test.run();
