/**
 * How the evidence adapters call a remote API: a client-side rate limit (lib/platform/rate-limit.ts), a
 * timeout per attempt, retries on the kit's one retry policy (lib/platform/retry.ts: p-retry, full
 * jitter, Retry-After) for what the adapter's classifier calls retryable, and one typed failure at the
 * end (`EvidenceUnavailable`) that the workflow turns into an investigation gap.
 *
 * One layer retries, never two: an adapter over a client that retries by itself (the Prometheus client,
 * the AWS SDK in its standard retry mode) calls with `maxAttempts: 1`, keeping the rate limit and the
 * mapping to EvidenceUnavailable.
 */
import type { Sleep } from '../../core/clock.js';
import type { EvidenceSource } from '../../core/types.js';
import { RateLimit } from '../../lib/platform/rate-limit.js';
import { retry, type RetryPolicy as PlatformRetryPolicy } from '../../lib/platform/retry.js';
import { EvidenceUnavailable } from '../ports.js';

export type { Sleep } from '../../core/clock.js';
export { networkErrorCode } from '../../lib/platform/retry.js';

export interface RetryPolicy extends PlatformRetryPolicy {
  /** Each attempt is abandoned after this long (the API may be hanging, not slow); 0: the client times out its own requests. */
  attemptTimeoutMs: number;
}

/** The evidence adapters' policy: a few quick retries, an investigation should not wait on one source. */
export const evidenceRetryPolicy: RetryPolicy = {
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

export interface ResilienceOptions {
  source: EvidenceSource;
  policy?: Partial<RetryPolicy>;
  classify: Classify;
  limiter?: RateLimit;
  sleep?: Sleep;
  random?: () => number;
}

/** A failed attempt as the classifier saw it, carried through the retry loop. */
class AttemptFailed extends Error {
  constructor(readonly failure: AttemptFailure) {
    super(failure.reason);
  }
}

/**
 * Runs `call` with the rate limit, per-attempt timeout and retries of `options`. `operation` names the
 * call in the failure ("list pods in petadoptions"). Resolves with the result or rejects with
 * EvidenceUnavailable, never anything else.
 */
export async function resilientCall<T>(operation: string, call: (signal: AbortSignal) => Promise<T>, options: ResilienceOptions, stepSignal?: AbortSignal): Promise<T> {
  const policy = { ...evidenceRetryPolicy, ...options.policy };
  // A signal of the call's own, following the step's: the many parallel calls of one step wait on
  // theirs, instead of piling listeners onto the step's signal.
  const signal = stepSignal && AbortSignal.any([stepSignal]);
  const cancelled = () => new EvidenceUnavailable(options.source, `${operation}: cancelled`, false);
  let attempts = 0;
  let last: AttemptFailure = { retryable: false, reason: 'not attempted' };
  const attempt = async (n: number): Promise<T> => {
    attempts = n;
    if (signal?.aborted) throw cancelled();
    try {
      await options.limiter?.take(signal);
    } catch {
      throw new EvidenceUnavailable(options.source, `${operation}: cancelled while waiting for the rate limit`, false);
    }
    const timeout = policy.attemptTimeoutMs > 0 ? AbortSignal.timeout(policy.attemptTimeoutMs) : undefined;
    const attemptSignal = AbortSignal.any([signal, timeout].filter((s): s is AbortSignal => s !== undefined));
    try {
      return await call(attemptSignal);
    } catch (error) {
      if (error instanceof EvidenceUnavailable) throw error;
      if (signal?.aborted) throw cancelled();
      last = timeout?.aborted ? { retryable: true, reason: `no answer within ${policy.attemptTimeoutMs} ms` } : options.classify(error);
      throw new AttemptFailed(last);
    }
  };
  try {
    return await retry(attempt, {
      policy,
      classify: (error) => (error instanceof AttemptFailed ? error.failure : { retryable: false }),
      ...(signal ? { signal } : {}),
      ...(options.sleep ? { sleep: options.sleep } : {}),
      ...(options.random ? { random: options.random } : {}),
    });
  } catch (error) {
    if (error instanceof EvidenceUnavailable) throw error;
    if (signal?.aborted) throw cancelled();
    const gaveUp = attempts > 1 && last.retryable ? ` (gave up after ${attempts} attempts)` : '';
    throw new EvidenceUnavailable(options.source, `${operation}: ${last.reason}${gaveUp}`, last.retryable);
  }
}

/** A short message for any thrown value. */
export function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message.split('\n')[0]!.slice(0, 300);
  return String(error).slice(0, 300);
}
