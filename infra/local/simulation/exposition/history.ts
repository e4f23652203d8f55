/**
 * Writes the simulated past as OpenMetrics samples with timestamps, for
 * `promtool tsdb create-blocks-from openmetrics`. Families may interleave across timestamps (promtool
 * accepts it without TYPE lines), so samples stream to disk as the simulation runs.
 */
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { dirname } from 'node:path';
import { escapeLabelValue, formatLabelPairs, formatValue } from './families.js';
import type { ScrapeTarget } from './targets.js';

export class HistoryWriter {
  private readonly stream: WriteStream;
  private buffer: string[] = [];
  private samples = 0;
  private first?: number;
  private last?: number;

  constructor(readonly path: string) {
    mkdirSync(dirname(path), { recursive: true });
    this.stream = createWriteStream(path);
  }

  /**
   * Records one scrape of every target at `at` (epoch ms), as Prometheus would have stored it; with
   * `only`, just the families it keeps (`up` always).
   */
  async scrape(targets: ScrapeTarget[], at: number, only?: (family: string) => boolean): Promise<void> {
    const ts = (at / 1000).toFixed(3);
    for (const target of targets) {
      const targetPairs = formatLabelPairs(target.labels);
      this.buffer.push(`up{${targetPairs}} 1 ${ts}`);
      this.samples++;
      if (only && !CORE_POOLS.has(target.pool)) continue;
      // Thinned steps keep cAdvisor's container rows (and the sandboxes' network counters): the pod,
      // slice and root rows are what the kit's queries leave out with container!="".
      const containersOnly = only !== undefined && target.pool === 'serviceMonitor/monitoring/kubelet/1';
      for (const family of target.collect(only)) {
        for (const sample of family.samples) {
          if (containersOnly && !sample.labels.container && !sample.labels.interface) continue;
          this.buffer.push(`${sample.name}{${storedLabelPairs(target, sample.labels)}} ${formatValue(sample.value)} ${ts}`);
          this.samples++;
        }
      }
    }
    this.first ??= at;
    this.last = at;
    if (this.buffer.length > 20_000) await this.flush();
  }

  private async flush(): Promise<void> {
    const chunk = this.buffer.join('\n') + '\n';
    this.buffer = [];
    if (!this.stream.write(chunk)) await new Promise<void>((resolve) => this.stream.once('drain', () => resolve()));
  }

  async close(): Promise<{ path: string; samples: number; start?: number; end?: number }> {
    if (this.buffer.length) await this.flush();
    await new Promise<void>((resolve, reject) => this.stream.end('# EOF\n', () => resolve()).once('error', reject));
    return { path: this.path, samples: this.samples, start: this.first, end: this.last };
  }
}

/**
 * The families the kit's own rules, checks and templates read (DESIGN.md's metric names and a few
 * neighbours): the history has them at every step. The rest of what the exporters expose (thousands of
 * series a real cluster has, read by dashboards and public rules) is recorded every
 * `THINNED_EVERY`th step (10 minutes at the 30 s history step) and at every step of the last
 * `FULL_RECENT_MS`, which keeps the backfill, and so `local-cluster up`, to about 1.65 M samples
 * instead of 7 M: dashboards and rules over the last 15 minutes see every point, longer views see the
 * thinned past.
 */
export const CORE_FAMILIES = new Set([
  'container_cpu_usage_seconds_total', 'container_memory_working_set_bytes', 'container_memory_rss', 'container_cpu_cfs_periods_total',
  'container_cpu_cfs_throttled_periods_total', 'container_network_receive_bytes_total', 'container_network_transmit_bytes_total',
  'kube_pod_info', 'kube_pod_owner', 'kube_pod_status_phase', 'kube_pod_status_ready', 'kube_pod_status_reason', 'kube_pod_container_status_restarts_total',
  'kube_pod_container_status_last_terminated_reason', 'kube_pod_container_status_waiting_reason', 'kube_pod_container_resource_limits',
  'kube_pod_container_resource_requests', 'kube_deployment_spec_replicas', 'kube_deployment_status_replicas_available', 'kube_node_info',
  'kube_node_spec_unschedulable', 'kube_node_status_condition', 'node_cpu_seconds_total', 'node_memory_MemTotal_bytes',
  'node_memory_MemAvailable_bytes', 'node_filesystem_avail_bytes', 'node_filesystem_size_bytes', 'node_load1', 'http_requests_total', 'http_request_duration_seconds', 'kube_node_labels',
]);
/** The pools that expose core families (the others are skipped on thinned steps, `up` aside). */
const CORE_POOLS = new Set<string>(['serviceMonitor/monitoring/kubelet/1', 'serviceMonitor/monitoring/node-exporter/0', 'serviceMonitor/monitoring/kube-state-metrics/0', 'kubernetes-pods']);
export const THINNED_EVERY = 20;
export const FULL_RECENT_MS = 15 * 60_000;

export interface ReplayOptions {
  /** Epoch ms of the last sample (history covers `simulation.now` .. `end`). */
  end: number;
  stepMs: number;
  /** From here on the simulation ticks at its live resolution (logs and traces need it). */
  fineFrom?: number;
  coarseTickSeconds?: number;
}

/** The part of a simulation the replay needs (keeps this module independent of the whole model). */
export interface Replayable {
  readonly now: number;
  readonly profile: { tickSeconds: number };
  scrapeTargets(): ScrapeTarget[];
  advanceTo(epochMs: number, options: { maxStepSeconds?: number; onStep?: (now: number) => void | Promise<void> }): Promise<void>;
}

/**
 * Runs the simulation to `end`, scraping every target at each history step (aligned to the start), the
 * way Prometheus would have: coarse ticks for the distant past, live ticks for the recent part.
 */
export async function replayHistory(simulation: Replayable, writer: HistoryWriter, options: ReplayOptions): Promise<void> {
  let next = simulation.now + options.stepMs;
  let step = 0;
  const core = (family: string) => CORE_FAMILIES.has(family);
  const sample = async (now: number) => {
    while (now >= next && next <= options.end) {
      const full = step++ % THINNED_EVERY === 0 || next >= options.end - FULL_RECENT_MS;
      await writer.scrape(simulation.scrapeTargets(), next, full ? undefined : core);
      next += options.stepMs;
    }
  };
  const fineFrom = Math.min(options.end, Math.max(simulation.now, options.fineFrom ?? options.end));
  await simulation.advanceTo(fineFrom, { maxStepSeconds: options.coarseTickSeconds ?? 10, onStep: sample });
  await simulation.advanceTo(options.end, { maxStepSeconds: simulation.profile.tickSeconds, onStep: sample });
}

/**
 * `storedLabels` as text, without building the object (the history's hot path): the labels a scrape
 * stores, empty values dropped as Prometheus drops them.
 */
export function storedLabelPairs(target: ScrapeTarget, sampleLabels: Record<string, string>): string {
  let out = '';
  for (const key in sampleLabels) {
    const value = sampleLabels[key]!;
    if (value === '') continue;
    const name = !target.honorLabels && key in target.labels ? `exported_${key}` : key;
    out += `${out ? ',' : ''}${name}="${escapeLabelValue(value)}"`;
  }
  for (const key in target.labels) {
    if (target.honorLabels && key in sampleLabels) continue;
    out += `${out ? ',' : ''}${key}="${escapeLabelValue(target.labels[key as keyof typeof target.labels]!)}"`;
  }
  return out;
}
