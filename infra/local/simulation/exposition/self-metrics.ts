/**
 * What every Go component exposes beside its own families (client_golang's process and Go collectors),
 * and a helper for cumulative histograms. HELP texts are client_golang's.
 */
import { cdf, fromMedian } from '../workload/distributions.js';
import type { FamilyBuilder } from './families.js';

export function processMetrics(b: FamilyBuilder, p: { startTime: number; cpuSeconds: number; residentBytes: number; virtualBytes: number; openFds: number; maxFds: number }): void {
  b.family('process_cpu_seconds_total', 'counter', 'Total user and system CPU time spent in seconds.')({}, Math.round(p.cpuSeconds * 100) / 100);
  b.family('process_max_fds', 'gauge', 'Maximum number of open file descriptors.')({}, p.maxFds);
  b.family('process_open_fds', 'gauge', 'Number of open file descriptors.')({}, p.openFds);
  b.family('process_resident_memory_bytes', 'gauge', 'Resident memory size in bytes.')({}, Math.round(p.residentBytes));
  b.family('process_start_time_seconds', 'gauge', 'Start time of the process since unix epoch in seconds.')({}, Math.round(p.startTime * 100) / 100);
  b.family('process_virtual_memory_bytes', 'gauge', 'Virtual memory size in bytes.')({}, Math.round(p.virtualBytes));
  b.family('process_virtual_memory_max_bytes', 'gauge', 'Maximum amount of virtual memory available in bytes.')({}, 2 ** 64);
}

export function goRuntime(b: FamilyBuilder, g: { goroutines: number; version: string; heapBytes: number; gcCount: number }): void {
  const gc = b.family('go_gc_duration_seconds', 'summary', 'A summary of the pause duration of garbage collection cycles.');
  for (const [quantile, seconds] of [['0', 0.000021], ['0.25', 0.000039], ['0.5', 0.000052], ['0.75', 0.000081], ['1', 0.0012]] as const) gc({ quantile }, seconds);
  gc({}, Math.round(g.gcCount * 0.00007 * 1e6) / 1e6, 'go_gc_duration_seconds_sum');
  gc({}, g.gcCount, 'go_gc_duration_seconds_count');
  b.family('go_goroutines', 'gauge', 'Number of goroutines that currently exist.')({}, g.goroutines);
  b.family('go_info', 'gauge', 'Information about the Go environment.')({ version: g.version }, 1);
  b.family('go_memstats_alloc_bytes', 'gauge', 'Number of bytes allocated and still in use.')({}, Math.round(g.heapBytes));
  b.family('go_memstats_heap_inuse_bytes', 'gauge', 'Number of heap bytes that are in use.')({}, Math.round(g.heapBytes * 1.3));
  b.family('go_memstats_sys_bytes', 'gauge', 'Number of bytes obtained from system.')({}, Math.round(g.heapBytes * 3.2));
  b.family('go_threads', 'gauge', 'Number of OS threads created.')({}, 9);
}

/**
 * A cumulative histogram from a count and a latency profile: each bucket holds the share of
 * observations under its bound (`shareUnder(le)`), so `histogram_quantile` reads a plausible shape.
 */
export function histogram(
  add: (labels: Record<string, string>, value: number, sampleName?: string) => void,
  name: string,
  labels: Record<string, string>,
  buckets: readonly number[],
  count: number,
  meanSeconds: number,
  shareUnder: (le: number) => number,
): void {
  for (const le of buckets) add({ ...labels, le: String(le) }, Math.floor(count * Math.min(1, shareUnder(le))), `${name}_bucket`);
  add({ ...labels, le: '+Inf' }, Math.floor(count), `${name}_bucket`);
  add(labels, Math.round(count * meanSeconds * 1e6) / 1e6, `${name}_sum`);
  add(labels, Math.floor(count), `${name}_count`);
}

/** Share of a latency distribution around `median` (log-normal, spread `sigma`) under `le`. */
export function logNormalShare(median: number, sigma = 0.6): (le: number) => number {
  const d = fromMedian(median, sigma);
  return (le) => cdf(d, le);
}
