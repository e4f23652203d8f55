/**
 * Time is injected everywhere so the simulation, the agent and the runner are testable without
 * sleeping. Production code receives `systemClock`; tests drive a `ManualClock`.
 */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

export class ManualClock implements Clock {
  constructor(private current: number = Date.UTC(2026, 10, 25, 9, 0, 0)) {}
  now(): number {
    return this.current;
  }
  advance(ms: number): number {
    if (ms < 0) throw new RangeError(`cannot move a clock backwards (${ms} ms)`);
    this.current += ms;
    return this.current;
  }
  set(epochMs: number): void {
    this.current = epochMs;
  }
}

export function isoTime(epochMs: number): string {
  // Kubernetes timestamps have second precision ("2026-11-25T09:00:00Z").
  return new Date(Math.floor(epochMs / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

export function isoTimeMicro(epochMs: number): string {
  // metav1.MicroTime, used by events.k8s.io and lease renewals.
  return new Date(epochMs).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}
