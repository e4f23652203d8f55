/**
 * Delivery of anomaly alerts to the agent's webhook: one POST per payload, in order (an episode's
 * end never overtakes its start), retried with exponential back-off and jitter on network errors,
 * timeouts, 408, 429 and 5xx (honouring Retry-After), given up after a few attempts. A 4xx is not
 * retried: the agent refused the payload and will refuse it again. Nothing here throws; every outcome
 * is a counter and a JSON log line.
 */
import { systemSleep, type Sleep } from '../../core/clock.js';
import type { Logger } from '../../core/log.js';
import { parseRetryAfter } from '../../lib/platform/retry.js';
import type { AnomalyAlertPayload } from './payload.js';

export interface WebhookPolicy {
  /** Attempts per payload, the first included (default 6). */
  maxAttempts: number;
  /** First retry waits about this long (default 1 s), doubling each time up to maxDelayMs (default 30 s). */
  baseDelayMs: number;
  maxDelayMs: number;
  /** Per attempt (default 10 s). */
  timeoutMs: number;
  /** Payloads waiting beyond this are dropped, oldest first (default 1000). */
  maxQueue: number;
}

export const defaultWebhookPolicy: WebhookPolicy = { maxAttempts: 6, baseDelayMs: 1000, maxDelayMs: 30_000, timeoutMs: 10_000, maxQueue: 1000 };

export interface WebhookOptions {
  url: string;
  /** Sent as `Authorization: Bearer` (the agent's webhook credential). */
  token?: string;
  logger: Logger;
  policy?: Partial<WebhookPolicy>;
  /** Injected for tests; the global fetch otherwise. */
  fetch?: typeof fetch;
  sleep?: Sleep;
  random?: () => number;
  now?: () => number;
}

export interface WebhookStats {
  /** Payloads the agent accepted (2xx). */
  pushed: number;
  /** Payloads given up on: refused (4xx), out of attempts, or dropped. */
  failed: number;
  /** Attempts repeated after a retryable failure. */
  retries: number;
  /** Payloads waiting or in flight. */
  pending: number;
  lastError?: string;
}

interface Delivery {
  payload: AnomalyAlertPayload;
  fields: Record<string, unknown>;
}

/** The URL without credentials or query string, for logs and get_server_info. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}${u.search ? '?…' : ''}`;
  } catch {
    return '(invalid URL)';
  }
}

/**
 * Delay before retry `retry` (1 = first): half of the exponential ceiling fixed, half jittered.
 * Not lib/platform's retry(): a delivery is a queue entry that must not be lost, so it waits out a
 * long Retry-After (capped at maxDelayMs) where retry() hands the call back, and one sender pushing
 * to one agent keeps at least half the ceiling between attempts rather than full jitter's zero.
 */
export function retryDelay(retry: number, policy: Pick<WebhookPolicy, 'baseDelayMs' | 'maxDelayMs'>, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (retry - 1));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

export class AnomalyWebhook {
  private readonly policy: WebhookPolicy;
  private readonly queue: Delivery[] = [];
  private readonly closing = new AbortController();
  private draining: Promise<void> | undefined;
  private readonly counters = { pushed: 0, failed: 0, retries: 0 };
  private lastError: string | undefined;
  readonly shownUrl: string;

  constructor(private readonly options: WebhookOptions) {
    this.policy = { ...defaultWebhookPolicy, ...options.policy };
    this.shownUrl = redactUrl(options.url);
  }

  /** Queues a payload; delivery runs in the background, in order. */
  send(payload: AnomalyAlertPayload, fields: Record<string, unknown> = {}): void {
    if (this.closing.signal.aborted) {
      this.giveUp({ payload, fields }, 'the watcher is stopping', 'warn');
      return;
    }
    this.queue.push({ payload, fields });
    while (this.queue.length > this.policy.maxQueue) {
      // The head may be in flight: drop the oldest one waiting behind it.
      const [dropped] = this.queue.splice(this.draining ? 1 : 0, 1);
      this.giveUp(dropped!, `more than ${this.policy.maxQueue} alerts waiting (is the agent down?)`, 'warn');
    }
    this.kick();
  }

  private kick(): void {
    if (this.draining) return;
    this.draining = this.drain().finally(() => {
      this.draining = undefined;
      // A payload queued between the loop's last check and this line still gets delivered.
      if (this.queue.length) this.kick();
    });
  }

  /** Resolves when everything queued so far was delivered or given up. */
  async idle(): Promise<void> {
    while (this.draining) await this.draining;
  }

  /** Waits up to `graceMs` for the queue to drain, then abandons what is left. */
  async close(graceMs = 5000): Promise<void> {
    if (this.queue.length) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([this.idle(), new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs)))]);
      clearTimeout(timer);
    }
    this.closing.abort();
    await this.idle();
  }

  stats(): WebhookStats {
    return { ...this.counters, pending: this.queue.length, ...(this.lastError ? { lastError: this.lastError } : {}) };
  }

  private async drain(): Promise<void> {
    while (this.queue.length) {
      const delivery = this.queue[0]!;
      try {
        await this.deliver(delivery);
      } catch (error) {
        // deliver() handles its own failures; this is a bug guard so the queue never stalls.
        this.giveUp(delivery, `unexpected error: ${(error as Error).message}`, 'error');
      }
      if (this.queue[0] === delivery) this.queue.shift();
    }
  }

  private async deliver(delivery: Delivery): Promise<void> {
    const { logger } = this.options;
    const doFetch = this.options.fetch ?? fetch;
    const sleep = this.options.sleep ?? systemSleep;
    const body = JSON.stringify(delivery.payload);
    for (let attempt = 1; ; attempt++) {
      if (this.closing.signal.aborted) return this.giveUp(delivery, 'the watcher stopped before it could be delivered', 'warn');
      let reason: string;
      let retryAfterMs: number | undefined;
      try {
        const response = await doFetch(this.options.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'user-agent': 'prometheus-mcp anomaly-watch', ...(this.options.token ? { authorization: `Bearer ${this.options.token}` } : {}) },
          body,
          signal: AbortSignal.any([this.closing.signal, AbortSignal.timeout(this.policy.timeoutMs)]),
        });
        const text = await response.text().catch(() => '');
        if (response.ok) {
          this.counters.pushed++;
          logger.info('anomaly alert pushed', { ...delivery.fields, httpStatus: response.status, attempt });
          return;
        }
        reason = `HTTP ${response.status}${text ? `: ${text.replace(/\s+/g, ' ').slice(0, 300)}` : ''}`;
        const retryable = response.status >= 500 || response.status === 408 || response.status === 429;
        if (!retryable) {
          return this.giveUp(delivery, `the agent refused it (${reason}); check that ${this.shownUrl} is the agent's /webhooks/anomaly and that both speak payload version 1`, 'error');
        }
        retryAfterMs = parseRetryAfter(response.headers.get('retry-after'), this.options.now?.() ?? Date.now());
      } catch (error) {
        if (this.closing.signal.aborted) return this.giveUp(delivery, 'the watcher stopped while it was being delivered', 'warn');
        reason = describeFetchError(error);
      }
      if (attempt >= this.policy.maxAttempts) {
        return this.giveUp(delivery, `${reason}, after ${attempt} attempts; is the agent running at ${this.shownUrl}?`, 'error');
      }
      const delayMs = Math.min(this.policy.maxDelayMs, retryAfterMs ?? retryDelay(attempt, this.policy, this.options.random));
      this.counters.retries++;
      this.lastError = reason;
      logger.warn('anomaly alert push failed; retrying', { ...delivery.fields, attempt, error: reason, retryInMs: delayMs });
      try {
        await sleep(delayMs, this.closing.signal);
      } catch {
        // Aborted: the loop's first check gives up.
      }
    }
  }

  private giveUp(delivery: Delivery, why: string, level: 'warn' | 'error'): void {
    this.counters.failed++;
    this.lastError = why;
    this.options.logger[level]('anomaly alert not delivered', { ...delivery.fields, error: why });
  }
}

function describeFetchError(error: unknown): string {
  const e = error as Error & { cause?: { code?: string; message?: string } };
  if (e?.name === 'TimeoutError') return 'no answer in time (timeout)';
  const cause = e?.cause?.code ?? e?.cause?.message;
  return `network error: ${e?.message ?? String(error)}${cause ? ` (${cause})` : ''}`;
}
