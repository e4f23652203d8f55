/**
 * Writes the simulated past as OpenMetrics samples with timestamps, for
 * `promtool tsdb create-blocks-from openmetrics`. Families may interleave across timestamps (promtool
 * accepts it without TYPE lines), so samples stream to disk as the simulation runs.
 */
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { dirname } from 'node:path';
import { formatLabelPairs, formatValue } from './families.js';
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

  /** Records one scrape of every target at `at` (epoch ms), as Prometheus would have stored it. */
  async scrape(targets: ScrapeTarget[], at: number): Promise<void> {
    const ts = (at / 1000).toFixed(3);
    for (const target of targets) {
      // honor_labels: true — exposition labels win, target labels fill in the rest.
      const targetLabels = { job: target.job, ...target.labels };
      const targetPairs = formatLabelPairs(targetLabels);
      this.buffer.push(`up{${targetPairs}} 1 ${ts}`);
      this.samples++;
      for (const family of target.collect()) {
        for (const sample of family.samples) {
          const own = formatLabelPairs(sample.labels);
          const rest = formatLabelPairs(targetLabels, sample.labels);
          this.buffer.push(`${sample.name}{${own}${own && rest ? ',' : ''}${rest}} ${formatValue(sample.value)} ${ts}`);
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
  const sample = async (now: number) => {
    while (now >= next && next <= options.end) {
      await writer.scrape(simulation.scrapeTargets(), next);
      next += options.stepMs;
    }
  };
  const fineFrom = Math.min(options.end, Math.max(simulation.now, options.fineFrom ?? options.end));
  await simulation.advanceTo(fineFrom, { maxStepSeconds: options.coarseTickSeconds ?? 10, onStep: sample });
  await simulation.advanceTo(options.end, { maxStepSeconds: simulation.profile.tickSeconds, onStep: sample });
}
