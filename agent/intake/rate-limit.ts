/**
 * Per-sender rate limits on new alerts: a token bucket per sender principal, refilled continuously.
 * Duplicates cost nothing (Alertmanager re-sends a whole group on every change), so only news counts.
 * Unauthenticated senders (an agent run without credentials, a dev setup) get a smaller bucket.
 *
 * Hand-written rather than lib/platform/rate-limit.ts (Bottleneck): that one makes callers wait their
 * turn on the wall clock, which is right for our calls to AWS; here an excess must be refused at once
 * with a Retry-After, on the agent's injected clock, so tests need no sleeping.
 */
import type { Clock } from '../../core/clock.js';

export interface Sender {
  /** The principal's name (a token name, a queue, "anonymous"). */
  name: string;
  authenticated: boolean;
}

export interface RatePolicy {
  /** Alerts a sender may send at once after a quiet spell. */
  burst: number;
  /** Sustained rate, alerts per minute. */
  perMinute: number;
}

export interface SenderRatePolicies {
  authenticated: RatePolicy;
  unauthenticated: RatePolicy;
}

/**
 * An alert storm of a whole cluster is a few hundred alerts; a sender with a credential may send that
 * at once and ten a second after. Without a credential, a tenth of it.
 */
export const defaultRatePolicies: SenderRatePolicies = {
  authenticated: { burst: 600, perMinute: 600 },
  unauthenticated: { burst: 60, perMinute: 60 },
};

/** `perMinute` (and bursts of as many) for authenticated senders, a tenth for the others (`--alert-rate`). */
export function ratePoliciesFor(perMinute: number): SenderRatePolicies {
  const tenth = Math.max(1, Math.round(perMinute / 10));
  return { authenticated: { burst: perMinute, perMinute }, unauthenticated: { burst: tenth, perMinute: tenth } };
}

interface Bucket {
  tokens: number;
  at: number;
}

export class SenderRateLimits {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly clock: Clock,
    private readonly policies: SenderRatePolicies = defaultRatePolicies,
    /** Buckets kept at most; full ones are forgotten first (a forgotten bucket is a full one). */
    private readonly maxSenders = 10_000,
  ) {}

  /** Takes one alert's token, or says in how many milliseconds the sender may send again. */
  take(sender: Sender): { ok: true } | { ok: false; retryAfterMs: number } {
    const policy = sender.authenticated ? this.policies.authenticated : this.policies.unauthenticated;
    const key = `${sender.authenticated ? 'authenticated' : 'unauthenticated'}:${sender.name}`;
    const now = this.clock.now();
    const perMs = policy.perMinute / 60_000;
    const bucket = this.buckets.get(key) ?? { tokens: policy.burst, at: now };
    bucket.tokens = Math.min(policy.burst, bucket.tokens + Math.max(0, now - bucket.at) * perMs);
    bucket.at = now;
    if (!this.buckets.has(key)) this.remember(key, bucket, policy);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { ok: true };
    }
    return { ok: false, retryAfterMs: Math.ceil((1 - bucket.tokens) / perMs) };
  }

  private remember(key: string, bucket: Bucket, policy: RatePolicy): void {
    if (this.buckets.size >= this.maxSenders) {
      const now = this.clock.now();
      const refill = policy.perMinute / 60_000;
      for (const [k, b] of this.buckets) if (b.tokens + (now - b.at) * refill >= policy.burst) this.buckets.delete(k);
      // Still full of busy senders: the oldest goes (Map keeps insertion order).
      if (this.buckets.size >= this.maxSenders) this.buckets.delete(this.buckets.keys().next().value!);
    }
    this.buckets.set(key, bucket);
  }
}
