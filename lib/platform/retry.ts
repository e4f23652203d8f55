/**
 * The kit's one retry policy for calls over the network (Prometheus, AMP, the Kubernetes API, the MCP
 * server, webhooks). `retry` runs the attempt loop on p-retry (attempt budget, cancellation, the
 * retry-or-not decision); the wait between attempts is ours, because p-retry has neither full jitter
 * nor Retry-After: exponential back-off with full jitter (delay drawn uniformly from
 * [0, min(cap, base * 2^n)]) spreads the retries of many clients hitting the same overloaded server
 * instead of returning in lock-step, and a server's Retry-After wins when it asks for longer.
 * Waits run on the injected clock, so tests neither sleep nor flake.
 *
 * One layer retries, never two: a client that retries (lib/prometheus/client) is not wrapped in another
 * retrying caller. AWS SDK clients use the SDK's own standard retry mode instead (awsRetry below).
 */
import pRetry, { AbortError } from 'p-retry';
import { systemSleep, type Sleep } from '../../core/clock.js';

export interface RetryPolicy {
  /** Attempts in total, the first included (1 = never retry). */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** A Retry-After longer than this is not waited for: the error goes back to the caller instead. */
  maxRetryAfterMs: number;
}

export const defaultRetryPolicy: RetryPolicy = {
  maxAttempts: 3,
  baseDelayMs: 250,
  maxDelayMs: 4_000,
  maxRetryAfterMs: 30_000,
};

/** What the caller's classifier says of a failed attempt. */
export interface RetryDecision {
  retryable: boolean;
  /** The server asked to come back after this long (Retry-After, throttling hints). */
  retryAfterMs?: number;
}

export interface RetryOptions {
  policy?: Partial<RetryPolicy>;
  /** Whether a failure is worth another attempt. */
  classify(error: unknown): RetryDecision;
  signal?: AbortSignal;
  sleep?: Sleep;
  /** Uniform [0, 1) source for the jitter. */
  random?: () => number;
  /** Called before each wait (logging, metrics). */
  onRetry?(info: { error: unknown; attempt: number; delayMs: number }): void;
}

/**
 * Runs `attempt` until it succeeds, a failure is not retryable, the attempts are used up or `signal`
 * aborts; rejects with the last failure (or the abort reason). `attempt` gets its 1-based number.
 */
export async function retry<T>(attempt: (attemptNumber: number) => Promise<T>, options: RetryOptions): Promise<T> {
  const policy = { ...defaultRetryPolicy, ...options.policy };
  const sleep = options.sleep ?? systemSleep;
  return pRetry(
    async (attemptNumber) => {
      try {
        return await attempt(attemptNumber);
      } catch (error) {
        const decision = options.signal?.aborted ? { retryable: false } : options.classify(error);
        const tooLate = decision.retryAfterMs !== undefined && decision.retryAfterMs > policy.maxRetryAfterMs;
        if (!decision.retryable || tooLate || attemptNumber >= policy.maxAttempts) throw new AbortError(asError(error));
        const delayMs = Math.max(decision.retryAfterMs ?? 0, backoffDelay(attemptNumber, policy, options.random));
        options.onRetry?.({ error, attempt: attemptNumber, delayMs });
        await sleep(delayMs, options.signal);
        throw new RetryableFailure(error);
      }
    },
    // The wait happened above on the injected clock; p-retry retries at once.
    { retries: Math.max(0, policy.maxAttempts - 1), minTimeout: 0, maxTimeout: 0, factor: 1, ...(options.signal ? { signal: options.signal } : {}) },
  ).catch((error: unknown) => {
    // Hand the caller its own failure back, not our wrappers.
    if (error instanceof RetryableFailure) throw error.failure;
    throw (error as { originalError?: unknown })?.originalError ?? error;
  });
}

/** Delay before retry number `retry` (1 = the first retry): full jitter under an exponential ceiling. */
export function backoffDelay(retryNumber: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (retryNumber - 1));
  return Math.floor(random() * ceiling);
}

/**
 * Retry-After as milliseconds from `nowMs`: either delta-seconds ("120") or an HTTP date
 * ("Wed, 21 Oct 2026 07:28:00 GMT"). Unparseable values are ignored (undefined).
 */
export function parseRetryAfter(value: string | null | undefined, nowMs: number): number | undefined {
  if (value == null) return undefined;
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - nowMs);
}

/** HTTP statuses worth another try: rate limiting and the gateway/overload family. */
export const retryableStatuses: ReadonlySet<number> = new Set([429, 502, 503, 504]);

/**
 * Network-level failures (connection refused, reset, DNS) by their Node error codes, wherever the
 * failure hides it: `TypeError: fetch failed` keeps it in `cause`, undici names its own (UND_ERR_SOCKET:
 * the server closed the connection), and a happy-eyeballs connect (localhost -> ::1 and 127.0.0.1)
 * fails with an AggregateError whose attempts carry the codes.
 */
export function networkErrorCode(error: unknown, depth = 0): string | undefined {
  if (depth > 4 || !error || typeof error !== 'object') return undefined;
  const { code, errors, cause } = error as { code?: unknown; errors?: unknown; cause?: unknown };
  if (typeof code === 'string' && /^(E[A-Z_]+|UND_ERR_[A-Z_]+)$/.test(code)) return code;
  if (Array.isArray(errors)) {
    for (const inner of errors) {
      const found = networkErrorCode(inner, depth + 1);
      if (found) return found;
    }
  }
  return networkErrorCode(cause, depth + 1);
}

/**
 * Retry settings for AWS SDK v3 clients: the SDK's standard mode (exponential back-off with jitter,
 * throttling-aware, a client-side retry quota), so an AWS call is never retried by our loop as well.
 */
export function awsRetry(maxAttempts = defaultRetryPolicy.maxAttempts): { maxAttempts: number; retryMode: 'standard' } {
  return { maxAttempts, retryMode: 'standard' };
}

/** A failure to try again; a class of its own, since p-retry never retries a TypeError it thinks is a bug. */
class RetryableFailure extends Error {
  constructor(readonly failure: unknown) {
    super('retrying');
  }
}

function asError(error: unknown): Error {
  if (error instanceof Error) return error;
  const wrapped = new Error(String(error));
  (wrapped as { originalError?: unknown }).originalError = error;
  return wrapped;
}
