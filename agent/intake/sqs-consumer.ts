/**
 * CloudWatch alarm events from an SQS queue (CloudWatch alarm -> EventBridge rule -> SQS, on EKS).
 * Long polling keeps it cheap and quick; a message is deleted only after the intake took it, so a crash
 * or a store outage means SQS delivers it again after the visibility timeout. A message that is not a
 * valid event is left alone and counted: after the queue's redrive `maxReceiveCount` it moves to the
 * dead-letter queue, where someone can read it. Redelivered events are duplicates the intake ignores
 * (same alarm, same state timestamp), so at-least-once delivery opens one incident.
 */
import { DeleteMessageCommand, ReceiveMessageCommand, SQSClient, type Message } from '@aws-sdk/client-sqs';
import { systemSleep } from '../../core/clock.js';
import type { Logger } from '../../core/log.js';
import type { AgentMetrics } from '../metrics.js';
import { PayloadRejected } from './errors.js';
import type { Intake } from './intake.js';
import { awsRetry } from '../../lib/platform/retry.js';

export interface SqsEventConsumerOptions {
  queueUrl: string;
  intake: Intake;
  log: Logger;
  metrics?: AgentMetrics;
  client?: SQSClient;
  region?: string;
  /** Long-poll wait, seconds (default 20, SQS's maximum). */
  waitTimeSeconds?: number;
  /** How long a received message stays hidden while it is handled (default 60 s). */
  visibilityTimeoutSeconds?: number;
}

export type MessageOutcome = 'taken' | 'rejected' | 'failed';

export class SqsEventConsumer {
  readonly client: SQSClient;
  private stopping = new AbortController();
  private loop: Promise<void> | undefined;

  constructor(private readonly options: SqsEventConsumerOptions) {
    this.client = options.client ?? new SQSClient({ ...(options.region ? { region: options.region } : {}), ...awsRetry() });
  }

  start(): void {
    if (this.loop) return;
    this.stopping = new AbortController();
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.stopping.abort();
    await this.loop;
    this.loop = undefined;
  }

  /** One receive and the handling of what it brought (the loop's body; tests call it directly). */
  async pollOnce(signal?: AbortSignal): Promise<MessageOutcome[]> {
    const response = await this.client.send(
      new ReceiveMessageCommand({
        QueueUrl: this.options.queueUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: this.options.waitTimeSeconds ?? 20,
        VisibilityTimeout: this.options.visibilityTimeoutSeconds ?? 60,
        MessageSystemAttributeNames: ['ApproximateReceiveCount'],
      }),
      signal ? { abortSignal: signal } : {},
    );
    const outcomes: MessageOutcome[] = [];
    for (const message of response.Messages ?? []) outcomes.push(await this.handle(message));
    return outcomes;
  }

  private async handle(message: Message): Promise<MessageOutcome> {
    const { log, intake, queueUrl } = this.options;
    const fields = { messageId: message.MessageId, receiveCount: message.Attributes?.ApproximateReceiveCount };
    try {
      let event: unknown;
      try {
        event = eventOf(message.Body);
      } catch (error) {
        if (error instanceof PayloadRejected) this.options.metrics?.alertsRejected.inc({ reason: error.reason });
        throw error;
      }
      // Only principals the queue policy allows (EventBridge, through IAM) can put a message there.
      await intake.receive('eventbridge', event, { name: `sqs:${queueUrl.split('/').pop() ?? queueUrl}`, authenticated: true });
      await this.client.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle }));
      return 'taken';
    } catch (error) {
      if (error instanceof PayloadRejected) {
        log.warn('SQS message is not a CloudWatch alarm event; leaving it for the dead-letter queue', { ...fields, error: error.message });
        return 'rejected';
      }
      log.error('could not take an SQS message; SQS will deliver it again', { ...fields, error: (error as Error).message });
      return 'failed';
    }
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (!this.stopping.signal.aborted) {
      try {
        await this.pollOnce(this.stopping.signal);
        failures = 0;
      } catch (error) {
        if (this.stopping.signal.aborted) break;
        failures++;
        const delay = Math.min(30_000, 1_000 * 2 ** (failures - 1));
        this.options.log.warn('SQS receive failed; retrying', { error: (error as Error).message, delayMs: delay });
        // Stopping cuts the wait short.
        await systemSleep(delay, this.stopping.signal).catch(() => undefined);
      }
    }
  }
}

/**
 * EventBridge puts the event itself in the message body. Through SNS (alarm -> SNS -> SQS) it arrives
 * wrapped in an SNS envelope whose `Message` holds the event; both are accepted.
 */
export function eventOf(body: string | undefined): unknown {
  if (!body) throw new PayloadRejected('invalid-payload', 'empty SQS message body');
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw new PayloadRejected('malformed-json', 'SQS message body is not JSON');
  }
  if (typeof parsed === 'object' && parsed !== null && (parsed as { Type?: unknown }).Type === 'Notification' && typeof (parsed as { Message?: unknown }).Message === 'string') {
    try {
      return JSON.parse((parsed as { Message: string }).Message);
    } catch {
      throw new PayloadRejected('malformed-json', 'the SNS Message inside the SQS body is not JSON');
    }
  }
  return parsed;
}
