/**
 * What serving costs, made real so that faults act on real symptoms: CPU spent per request (the
 * catalog's cpuPerRequest; a CPU stressor or a low limit makes the CFS quota throttle it and latency
 * grow), the rest of a route's own time spent waiting like I/O (its log-normal median and spread), and
 * the role's steady memory held resident (memoryBaselineBytes; a memory stressor adds to it until the
 * container's limit).
 */
import type { Random } from '../core/random.js';
import type { RouteProfile } from '../lib/petadoption/catalog.js';

const MiB = 2 ** 20;
/** Where the busy loop's arithmetic goes, so the compiler cannot drop it as unused. */
let busyWork = 0;

/** CPU time this process has used, in microseconds (user + system). */
export function processCpuMicros(): number {
  const usage = process.cpuUsage();
  return usage.user + usage.system;
}

/**
 * Keeps the CPU busy until `seconds` of CPU time are spent, measured as CPU time (not wall time): when
 * the container is throttled, the same work takes longer on the clock, which is the symptom.
 * Returns the CPU microseconds spent.
 */
export function spendCpu(seconds: number, cpuMicros: () => number = processCpuMicros): number {
  const start = cpuMicros();
  const target = seconds * 1e6;
  let spent = 0;
  while (spent < target) {
    // A slice of arithmetic between clock reads: reading the clock is a syscall.
    for (let i = 0; i < 2_000; i++) busyWork = (busyWork + Math.sqrt(i + busyWork)) % 1e6;
    spent = cpuMicros() - start;
  }
  return spent;
}

/** One draw of a route's own processing time (seconds): log-normal with the catalog's median and spread. */
export function ownSeconds(route: Pick<RouteProfile, 'medianSeconds' | 'sigma'>, random: Random): number {
  return route.medianSeconds * Math.exp(route.sigma * random.normal());
}

/**
 * Bytes to hold so the process's resident memory reaches the role's steady working set: the target
 * (memoryBaselineBytes times `scale`) less what Node itself already uses; never negative.
 */
export function ballastBytes(memoryBaselineBytes: number, scale: number, residentBytes: number): number {
  return Math.max(0, Math.round(memoryBaselineBytes * scale - residentBytes));
}

/**
 * Memory held for the life of the process, written once so every page is resident (an untouched
 * allocation would only reserve address space, and the working set would not show it).
 */
export class MemoryBallast {
  private readonly chunks: Buffer[] = [];

  constructor(readonly bytes: number) {
    for (let left = bytes; left > 0; left -= 16 * MiB) this.chunks.push(Buffer.allocUnsafeSlow(Math.min(left, 16 * MiB)).fill(0x5a));
  }

  get held(): number {
    return this.chunks.reduce((sum, chunk) => sum + chunk.length, 0);
  }
}
