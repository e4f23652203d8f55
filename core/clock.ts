/**
 * Time is injected everywhere so the simulation, the agent and the runner are testable without
 * sleeping. Production code receives `systemClock`; tests drive a `ManualClock`, whose `sleep` moves
 * time forward at once (a ten-minute wait takes no time at all).
 */
import { setTimeout as delay } from 'node:timers/promises';

/** Waits `ms`; rejects with the signal's reason when `signal` aborts first. */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
  sleep: Sleep;
}

export const systemSleep: Sleep = async (ms, signal) => {
  await delay(Math.max(0, ms), undefined, signal ? { signal } : undefined);
};

export const systemClock: Clock = { now: () => Date.now(), sleep: systemSleep };

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
  /** Moves time forward by `ms` instead of waiting (after a turn of the event loop, so others run). */
  sleep: Sleep = async (ms, signal) => {
    signal?.throwIfAborted();
    await Promise.resolve();
    signal?.throwIfAborted();
    this.advance(Math.max(0, ms));
  };
}

export function isoTime(epochMs: number): string {
  // Kubernetes timestamps have second precision ("2026-11-25T09:00:00Z").
  return new Date(Math.floor(epochMs / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

export function isoTimeMicro(epochMs: number): string {
  // metav1.MicroTime, used by events.k8s.io and lease renewals.
  return new Date(epochMs).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

/** A real-time clock that reads `epochMs` now (a fixture's "now", or `--now`), and advances with real time. */
export function clockAt(epochMs: number, base: Clock = systemClock): Clock {
  const offset = epochMs - base.now();
  return { now: () => base.now() + offset, sleep: base.sleep };
}
