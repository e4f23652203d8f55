/**
 * How every evidence adapter talks to a remote API: a client-side rate limit (token bucket), a timeout
 * per attempt, retries with exponential back-off and full jitter on throttling, 5xx and timeouts, and
 * one typed failure at the end (`EvidenceUnavailable`) that the workflow turns into an investigation
 * gap. Sleep and randomness are injected so tests neither wait nor flake.
 */
import { setTimeout as delay } from 'node:timers/promises';
import type { EvidenceSource } from '../../core/types.js';
import { EvidenceUnavailable } from '../ports.js';

export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

export const realSleep: Sleep = async (ms, signal) => {
  await delay(ms, undefined, signal ? { signal } : undefined);
};

export interface RetryPolicy {
  /** Attempts in total, the first included. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** Each attempt is abandoned after this long (the API may be hanging, not slow). */
  attemptTimeoutMs: number;
  /** A server asking to come back later than this is not waited for. */
  maxRetryAfterMs: number;
}

export const defaultRetryPolicy: RetryPolicy = {
  maxAttempts: 3,
  baseDelayMs: 200,
  maxDelayMs: 3_000,
  attemptTimeoutMs: 10_000,
  maxRetryAfterMs: 10_000,
};

/** What went wrong with one attempt, in terms the retry loop can act on. */
export interface AttemptFailure {
  retryable: boolean;
  /** One phrase for the gap: "HTTP 503 from the Kubernetes API", "throttled by X-Ray". */
  reason: string;
  retryAfterMs?: number;
}

export type Classify = (error: unknown) => AttemptFailure;

/**
 * A token bucket: `ratePerSecond` calls on average, bursts of `burst`. Callers over the limit wait
 * for a token rather than fail, so a playbook's parallel reads stay under the provider's quota
 * (X-Ray GetTraceSummaries allows 5 TPS, CloudWatch Logs StartQuery 5 TPS per account and region).
 */
export class RateLimiter {
  private tokens: number;
  private last: number;

  constructor(
    private readonly ratePerSecond: number,
    private readonly burst: number,
    private readonly now: () => number = Date.now,
    private readonly sleep: Sleep = realSleep,
  ) {
    this.tokens = burst;
    this.last = now();
  }

  async take(signal?: AbortSignal): Promise<void> {
    for (;;) {
      const now = this.now();
      this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.ratePerSecond);
      this.last = now;
      if (this.tokens >= 1) {
        this.tokens -= 1;
        return;
      }
      await this.sleep(Math.ceil(((1 - this.tokens) / this.ratePerSecond) * 1000), signal);
    }
  }
}

export interface ResilienceOptions {
  source: EvidenceSource;
  policy?: Partial<RetryPolicy>;
  classify: Classify;
  limiter?: RateLimiter;
  sleep?: Sleep;
  random?: () => number;
}

/** Delay before retry `n` (1 = first retry): full jitter over an exponentially growing ceiling. */
export function backoffDelay(n: number, policy: RetryPolicy, random: () => number = Math.random): number {
  return Math.floor(random() * Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (n - 1)));
}

/**
 * Runs `call` with the rate limit, per-attempt timeout and retries of `options`. `operation` names the
 * call in the failure ("list pods in petadoptions"). Resolves with the result or rejects with
 * EvidenceUnavailable, never anything else.
 */
export async function resilientCall<T>(
  operation: string,
  call: (signal: AbortSignal) => Promise<T>,
  options: ResilienceOptions,
  signal?: AbortSignal,
): Promise<T> {
  const policy = { ...defaultRetryPolicy, ...options.policy };
  const sleep = options.sleep ?? realSleep;
  let last: AttemptFailure = { retryable: false, reason: 'not attempted' };
  for (let attempt = 1; attempt <= policy.maxAttempts; attempt++) {
    if (signal?.aborted) throw new EvidenceUnavailable(options.source, `${operation}: cancelled`, false);
    try {
      await options.limiter?.take(signal);
    } catch {
      throw new EvidenceUnavailable(options.source, `${operation}: cancelled while waiting for the rate limit`, false);
    }
    const timeout = AbortSignal.timeout(policy.attemptTimeoutMs);
    const attemptSignal = signal ? AbortSignal.any([signal, timeout]) : timeout;
    try {
      return await call(attemptSignal);
    } catch (error) {
      if (error instanceof EvidenceUnavailable) throw error;
      if (signal?.aborted) throw new EvidenceUnavailable(options.source, `${operation}: cancelled`, false);
      last = timeout.aborted ? { retryable: true, reason: `no answer within ${policy.attemptTimeoutMs} ms` } : options.classify(error);
    }
    if (!last.retryable || attempt === policy.maxAttempts) break;
    if (last.retryAfterMs !== undefined && last.retryAfterMs > policy.maxRetryAfterMs) break;
    const wait = Math.max(last.retryAfterMs ?? 0, backoffDelay(attempt, policy, options.random));
    try {
      await sleep(wait, signal);
    } catch {
      throw new EvidenceUnavailable(options.source, `${operation}: cancelled`, false);
    }
  }
  const attempts = policy.maxAttempts > 1 && last.retryable ? ` (gave up after ${policy.maxAttempts} attempts)` : '';
  throw new EvidenceUnavailable(options.source, `${operation}: ${last.reason}${attempts}`, last.retryable);
}

/** Statuses worth another try: throttling, and the server-side failure family. */
export function retryableStatus(status: number): boolean {
  return status === 429 || status === 408 || status >= 500;
}

/** Network-level failures (connection refused, reset, DNS) by their Node error codes. */
export function networkErrorCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current && typeof current === 'object'; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && /^E[A-Z_]+$/.test(code)) return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** A short message for any thrown value. */
export function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message.split('\n')[0]!.slice(0, 300);
  return String(error).slice(0, 300);
}
