/**
 * Which requests become traces. The head decision follows the X-Ray SDK's default rule: the first
 * request each second per service (the reservoir) plus 5% of the rest. Faults, errors and slow
 * requests are additionally kept at a bounded rate (a few per second plus a share of the rest), the
 * way a tail-sampling collector would, so an incident always leaves findable traces without letting
 * an outage flood the store.
 */
import type { Random } from '../../../../core/random.js';

export type Anomaly = 'fault' | 'error' | 'slow';

export interface KeepRule {
  /** Kept per second before the rate applies. */
  perSecond: number;
  /** Share of the rest kept. */
  rate: number;
}

export interface SamplingRules {
  /** X-Ray default rule: reservoir of 1/s, fixed rate 5%. */
  head: KeepRule;
  /** Extra keeping of requests the head sampler passed over, by what went wrong. */
  anomalies: Record<Anomaly, KeepRule>;
  /** A response time above this makes a request `slow` (seconds). */
  slowSeconds: number;
}

export const DEFAULT_SAMPLING: SamplingRules = {
  head: { perSecond: 1, rate: 0.05 },
  anomalies: {
    fault: { perSecond: 3, rate: 0.1 },
    error: { perSecond: 1, rate: 0.02 },
    slow: { perSecond: 3, rate: 0.05 },
  },
  slowSeconds: 0.5,
};

/** A per-second quota, refilled whenever a new second starts. */
class Reservoir {
  private second = Number.NaN;
  private left = 0;

  constructor(private readonly rule: KeepRule) {}

  take(epochSeconds: number, random: Random): boolean {
    const second = Math.floor(epochSeconds);
    if (second !== this.second) {
      this.second = second;
      this.left = this.rule.perSecond;
    }
    if (this.left >= 1) {
      this.left -= 1;
      return true;
    }
    return random.next() < this.rule.rate;
  }
}

export class Sampler {
  private readonly head = new Map<string, Reservoir>();
  private readonly anomalies = new Map<string, Reservoir>();

  constructor(
    readonly rules: SamplingRules,
    private readonly random: Random,
  ) {}

  /** The SDK's decision at the entry service for a request arriving at `epochSeconds`. */
  sampleHead(service: string, epochSeconds: number): boolean {
    return this.reservoir(this.head, service, this.rules.head).take(epochSeconds, this.random);
  }

  /** Whether to keep an unsampled request that went wrong. */
  keepAnomaly(service: string, anomaly: Anomaly, epochSeconds: number): boolean {
    return this.reservoir(this.anomalies, `${service}/${anomaly}`, this.rules.anomalies[anomaly]).take(epochSeconds, this.random);
  }

  private reservoir(map: Map<string, Reservoir>, key: string, rule: KeepRule): Reservoir {
    let reservoir = map.get(key);
    if (!reservoir) map.set(key, (reservoir = new Reservoir(rule)));
    return reservoir;
  }
}

/** What went wrong with a request, if anything worth keeping (fault before error before slow). */
export function anomalyOf(status: number, responseTimeSeconds: number | undefined, slowSeconds: number): Anomaly | undefined {
  if (status >= 500) return 'fault';
  if (status >= 400) return 'error';
  if (responseTimeSeconds !== undefined && responseTimeSeconds > slowSeconds) return 'slow';
  return undefined;
}
