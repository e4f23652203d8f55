/**
 * Client-side rate limits: `ratePerSecond` calls on average, in bursts of up to `burst` (a token bucket
 * on Bottleneck's reservoir). Callers over the limit wait for their turn rather than fail, so an
 * investigation's parallel reads stay under a provider's quota (X-Ray GetTraceSummaries allows 5 TPS,
 * CloudWatch Logs StartQuery 5 TPS per account and region).
 */
import Bottleneck from 'bottleneck';

export class RateLimit {
  private readonly limiter: Bottleneck;

  constructor(
    readonly ratePerSecond: number,
    readonly burst: number,
  ) {
    if (!(ratePerSecond > 0) || !(burst >= 1)) throw new RangeError(`a rate limit needs a positive rate and a burst of at least 1 (got ${ratePerSecond}/s, burst ${burst})`);
    this.limiter = new Bottleneck({
      reservoir: burst,
      reservoirIncreaseAmount: 1,
      reservoirIncreaseInterval: Math.max(1, Math.round(1000 / ratePerSecond)),
      reservoirIncreaseMaximum: burst,
      // Check the reservoir often enough for rates above the default 4 per second.
      heartbeatInterval: Math.max(10, Math.min(250, Math.round(1000 / ratePerSecond))),
    });
  }

  /** Resolves when the caller may make its call; rejects with the signal's reason when it aborts first. */
  async take(signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    const turn = this.limiter.schedule(async () => undefined);
    if (!signal) return turn;
    let onAbort: (() => void) | undefined;
    const aborted = new Promise<never>((_, reject) => {
      onAbort = () => reject(signal.reason);
      signal.addEventListener('abort', onAbort, { once: true });
    });
    try {
      await Promise.race([turn, aborted]);
    } finally {
      signal.removeEventListener('abort', onAbort!);
    }
  }
}
