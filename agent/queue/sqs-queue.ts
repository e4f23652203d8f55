/**
 * The EKS work queue on Amazon SQS. SQS gives at-least-once delivery, visibility timeouts and
 * dead-lettering (a redrive policy on the queue moves a message to its DLQ after `maxReceiveCount`
 * receives); processing is idempotent because a worker resumes the incident's persisted workflow, so a
 * job delivered twice finds its steps already done.
 *
 * SQS has no priorities: each receive takes up to 10 messages into a small buffer and hands them out
 * highest priority first, which orders the work at hand without a second queue per severity. Buffered
 * messages that outlive their visibility are dropped (SQS delivers them again).
 */
import {
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SQSClient,
  SendMessageCommand,
  type Message,
} from '@aws-sdk/client-sqs';
import { randomBytes } from 'node:crypto';
import type { Clock } from '../../core/clock.js';
import type { Logger } from '../../core/log.js';
import type { Job, WorkQueue } from '../ports.js';
import { awsRetry } from '../../lib/platform/retry.js';

export interface SqsQueueOptions {
  queueUrl: string;
  clock: Clock;
  log: Logger;
  client?: SQSClient;
  region?: string;
  /** Long-poll wait of each receive, seconds (0..20; default 20). */
  waitTimeSeconds?: number;
}

interface Buffered {
  job: Job;
  receiptHandle: string;
  visibleUntil: number;
}

interface JobBody {
  jobId: string;
  incidentId: string;
  priority: number;
  enqueuedAt: string;
}

export class SqsWorkQueue implements WorkQueue {
  readonly client: SQSClient;
  private buffer: Buffered[] = [];
  /** Receipt handle of each job this process holds (the latest receive wins). */
  private readonly handles = new Map<string, string>();
  private readonly fifo: boolean;

  constructor(private readonly options: SqsQueueOptions) {
    this.client = options.client ?? new SQSClient({ ...(options.region ? { region: options.region } : {}), ...awsRetry() });
    this.fifo = options.queueUrl.endsWith('.fifo');
  }

  async enqueue(job: { incidentId: string; priority: number; dedupeKey?: string }): Promise<Job> {
    const body: JobBody = { jobId: `job-${randomBytes(6).toString('hex')}`, incidentId: job.incidentId, priority: job.priority, enqueuedAt: new Date(this.options.clock.now()).toISOString() };
    await this.client.send(
      new SendMessageCommand({
        QueueUrl: this.options.queueUrl,
        MessageBody: JSON.stringify(body),
        MessageAttributes: {
          priority: { DataType: 'Number', StringValue: String(job.priority) },
          incidentId: { DataType: 'String', StringValue: job.incidentId },
        },
        // FIFO queues: one incident's jobs in order, different incidents in parallel. Deduplication is by
        // job (not by incident): a resume enqueued minutes after the first job must not be swallowed.
        ...(this.fifo ? { MessageGroupId: job.incidentId, MessageDeduplicationId: body.jobId } : {}),
      }),
    );
    return { id: body.jobId, incidentId: body.incidentId, priority: body.priority, attempts: 0, enqueuedAt: body.enqueuedAt };
  }

  async lease(options: { visibilityMs: number; signal?: AbortSignal }): Promise<Job | undefined> {
    const now = this.options.clock.now();
    this.buffer = this.buffer.filter((entry) => entry.visibleUntil > now + 1_000);
    if (this.buffer.length === 0) await this.receive(options.visibilityMs, options.signal);
    const next = this.buffer.shift();
    if (!next) return undefined;
    // Its visibility ran since the batch arrived: restart the clock for the worker that takes it now.
    await this.changeVisibility(next.receiptHandle, options.visibilityMs);
    this.handles.set(next.job.id, next.receiptHandle);
    return next.job;
  }

  async ack(jobId: string): Promise<void> {
    const handle = this.handles.get(jobId);
    if (!handle) return;
    await this.client.send(new DeleteMessageCommand({ QueueUrl: this.options.queueUrl, ReceiptHandle: handle }));
    this.handles.delete(jobId);
  }

  /** SQS itself dead-letters: past the redrive policy's maxReceiveCount, the next receive moves it to the DLQ. */
  async release(jobId: string, options: { delayMs: number; reason: string }): Promise<void> {
    const handle = this.handles.get(jobId);
    if (!handle) return;
    this.options.log.info('job released', { jobId, reason: options.reason, delayMs: options.delayMs });
    await this.changeVisibility(handle, options.delayMs);
    this.handles.delete(jobId);
  }

  async extend(jobId: string, options: { visibilityMs: number }): Promise<void> {
    const handle = this.handles.get(jobId);
    if (handle) await this.changeVisibility(handle, options.visibilityMs);
  }

  async depth(): Promise<number> {
    const response = await this.client.send(new GetQueueAttributesCommand({ QueueUrl: this.options.queueUrl, AttributeNames: ['ApproximateNumberOfMessages'] }));
    return Number(response.Attributes?.ApproximateNumberOfMessages ?? 0);
  }

  private async receive(visibilityMs: number, signal: AbortSignal | undefined): Promise<void> {
    const response = await this.client.send(
      new ReceiveMessageCommand({
        QueueUrl: this.options.queueUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: this.options.waitTimeSeconds ?? 20,
        VisibilityTimeout: visibilitySeconds(visibilityMs),
        MessageSystemAttributeNames: ['ApproximateReceiveCount', 'SentTimestamp'],
        MessageAttributeNames: ['All'],
      }),
      signal ? { abortSignal: signal } : {},
    );
    const now = this.options.clock.now();
    for (const message of response.Messages ?? []) {
      const job = jobOf(message);
      if (!job || !message.ReceiptHandle) {
        // Not ours (or corrupt): leave it; the redrive policy moves it to the DLQ for someone to read.
        this.options.log.warn('ignoring a message that is not an agent job', { messageId: message.MessageId });
        continue;
      }
      this.buffer.push({ job, receiptHandle: message.ReceiptHandle, visibleUntil: now + visibilityMs });
    }
    this.buffer.sort((a, b) => b.job.priority - a.job.priority || a.job.enqueuedAt.localeCompare(b.job.enqueuedAt));
  }

  private async changeVisibility(handle: string, ms: number): Promise<void> {
    await this.client.send(new ChangeMessageVisibilityCommand({ QueueUrl: this.options.queueUrl, ReceiptHandle: handle, VisibilityTimeout: visibilitySeconds(ms) }));
  }
}

/** SQS takes whole seconds, 0 to 12 hours. */
function visibilitySeconds(ms: number): number {
  return Math.max(0, Math.min(43_200, Math.ceil(ms / 1000)));
}

function jobOf(message: Message): Job | undefined {
  try {
    const body = JSON.parse(message.Body ?? '') as Partial<JobBody>;
    if (typeof body.jobId !== 'string' || typeof body.incidentId !== 'string' || typeof body.priority !== 'number') return undefined;
    return {
      id: body.jobId,
      incidentId: body.incidentId,
      priority: body.priority,
      attempts: Number(message.Attributes?.ApproximateReceiveCount ?? 1),
      enqueuedAt: body.enqueuedAt ?? new Date(Number(message.Attributes?.SentTimestamp ?? 0)).toISOString(),
    };
  } catch {
    return undefined;
  }
}
