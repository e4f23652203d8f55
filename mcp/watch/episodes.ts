/**
 * Anomaly episodes of one watch, across runs: which the agent has been told about, which are still
 * going on, which ended. The detectors re-learn the baseline window on every run, so the same episode
 * comes back each time, its start possibly moved by a sample or two, its kind possibly refined (a
 * spike that turns out to be a level shift, which keeps the spike's start). A detection is therefore
 * a known episode of its series when it starts within a few steps of it, or when it is of the same
 * kind and overlaps it in time (an escalation, a start that drifted); the first detection fixes the
 * identity (query + series + start, and the kind the agent keys on), and it is pushed once. A
 * detection of another kind that starts later (the detectors saw a new episode, e.g. a leak first
 * raised as an outlier and then recognised as growth towards the limit) is a new episode: the agent
 * groups both on the same workload, and the growth reaches its memory-leak playbook.
 *
 * Rules, per run and series:
 * - a detection matching no known episode is a new episode. It is pushed when it is fresh: still
 *   going on at the newest sample, or ended after `cutoff` (the data already judged by the previous
 *   run; on the first run, `recent` before now). Older ones are history: remembered, never pushed.
 * - an episode below the watch's `minSeverity` is tracked silently, and pushed if it escalates while
 *   it is still going on.
 * - a pushed episode is resolved (pushed again with `status: resolved`) when the detectors say it is
 *   no longer going on, when it has not been detected for `missedRunsToResolve` runs, or when its
 *   series stopped reporting; never in the run that pushed it, so the agent sees it firing first.
 * - ended episodes are forgotten once they slid out of the baseline window (they cannot come back).
 */
import type { AnomalyReport } from '../../lib/prometheus/anomaly/detect-anomalies.js';
import type { AnomalyKind, Severity } from '../../lib/prometheus/anomaly/index.js';
import { firingPayload, iso, resolvedPayload, type AnomalyAlertPayload, type Origin } from './payload.js';
import type { Watch } from './watch-list.js';

export interface Episode {
  /** Dedup key: query + series + start. */
  key: string;
  seriesKey: string;
  labels: Record<string, string>;
  /** Kind as pushed (the detectors may refine it later; the agent keys on this one). */
  kind: AnomalyKind;
  startMs: number;
  /** Last anomalous sample seen so far (epoch ms). */
  endMs: number;
  state: 'open' | 'ended';
  /** The firing payload, once pushed. */
  firing?: AnomalyAlertPayload;
  pushedRun?: number;
  missedRuns: number;
}

export interface SeriesDetections {
  key: string;
  labels: Record<string, string>;
  /** The series has samples at the newest steps. */
  fresh: boolean;
  hasLimit: boolean;
  anomalies: readonly AnomalyReport[];
}

export interface RunInput {
  run: number;
  now: number;
  /** Detections ending at or after this (epoch ms) involve data not judged before. */
  cutoff: number;
  /** Start of the baseline window (epoch ms): ended episodes before it are forgotten. */
  windowStart: number;
  origin: Origin;
  series: readonly SeriesDetections[];
}

export type EpisodeEvent = { type: 'opened' | 'resolved'; episode: Episode; payload: AnomalyAlertPayload; reason?: string };

export interface EpisodeOptions {
  /** A detection starting this close to a known episode is that episode (default 2 steps). */
  startToleranceMs?: number;
  /** A detection of the same kind overlapping a known episode within this is that episode (default 4 steps). */
  toleranceMs?: number;
  /** An open episode not detected for this many runs is over (default 2). */
  missedRunsToResolve?: number;
}

const severityRank: Record<Severity, number> = { info: 0, warning: 1, critical: 2 };

export class EpisodeTracker {
  private readonly bySeries = new Map<string, Episode[]>();
  private readonly startToleranceMs: number;
  private readonly toleranceMs: number;

  constructor(
    private readonly watch: Watch,
    private readonly options: EpisodeOptions = {},
  ) {
    this.startToleranceMs = options.startToleranceMs ?? 2 * watch.stepMs;
    this.toleranceMs = options.toleranceMs ?? 4 * watch.stepMs;
  }

  /** Episodes pushed and not yet resolved. */
  open(): number {
    let n = 0;
    for (const list of this.bySeries.values()) for (const e of list) if (e.state === 'open' && e.firing) n++;
    return n;
  }

  episodes(): Episode[] {
    return [...this.bySeries.values()].flat();
  }

  update(input: RunInput): EpisodeEvent[] {
    const events: EpisodeEvent[] = [];
    const present = new Set<string>();
    for (const series of input.series) {
      present.add(series.key);
      events.push(...this.updateSeries(series, input));
    }
    // Series gone from the whole window: whatever was open there is over.
    for (const [key, list] of this.bySeries) {
      if (present.has(key)) continue;
      for (const e of list) if (e.state === 'open') events.push(...this.end(e, input, 'the series has no samples in the baseline window any more'));
      this.bySeries.delete(key);
    }
    this.forget(input.windowStart);
    return events;
  }

  private updateSeries(series: SeriesDetections, input: RunInput): EpisodeEvent[] {
    const tol = this.toleranceMs;
    const list = this.bySeries.get(series.key) ?? [];
    const matched = new Map<Episode, AnomalyReport[]>();
    const created = new Set<Episode>();
    const ordered = [...series.anomalies].sort((a, b) => Date.parse(a.start) - Date.parse(b.start));
    for (const report of ordered) {
      const start = Date.parse(report.start);
      const end = Date.parse(report.end);
      // The same episode: it starts where a known one started, or it is of the same kind and overlaps it.
      const hits = list.filter((e) => Math.abs(start - e.startMs) <= this.startToleranceMs || (report.kind === e.kind && start <= e.endMs + tol && end >= e.startMs - tol));
      if (hits.length === 0) {
        const e: Episode = { key: `${this.watch.query}\u0000${series.key}\u0000${report.start}`, seriesKey: series.key, labels: series.labels, kind: report.kind, startMs: start, endMs: end, state: 'open', missedRuns: 0 };
        list.push(e);
        created.add(e);
        hits.push(e);
      }
      for (const e of hits) {
        e.endMs = Math.max(e.endMs, end);
        matched.set(e, [...(matched.get(e) ?? []), report]);
      }
    }
    if (list.length) this.bySeries.set(series.key, list);

    const events: EpisodeEvent[] = [];
    for (const e of list) {
      if (e.state !== 'open') continue;
      const reports = matched.get(e);
      if (!reports) {
        e.missedRuns++;
        if (e.missedRuns >= (this.options.missedRunsToResolve ?? 2)) events.push(...this.end(e, input, `not detected for ${e.missedRuns} runs`));
        continue;
      }
      e.missedRuns = 0;
      const ongoing = series.fresh && reports.some((r) => r.ongoing);
      if (!e.firing) {
        const best = strongest(reports);
        const severe = severityRank[best.severity] >= severityRank[this.watch.minSeverity];
        const fresh = ongoing || (created.has(e) && e.endMs >= input.cutoff);
        if (severe && fresh) {
          const report = { ...best, start: iso(e.startMs), end: iso(e.endMs), ongoing };
          e.firing = firingPayload(this.watch, series.labels, report, { detectedAt: input.now, origin: input.origin, hasLimit: series.hasLimit });
          e.kind = best.kind;
          e.pushedRun = input.run;
          events.push({ type: 'opened', episode: e, payload: e.firing });
        } else if (!ongoing) {
          // History (it ended before we looked) or below the severity to push: remembered, not pushed.
          e.state = 'ended';
        }
        continue;
      }
      if (!ongoing && input.run > (e.pushedRun ?? input.run)) events.push(...this.end(e, input, series.fresh ? 'the detectors no longer see it going on' : 'the series stopped reporting'));
    }
    return events;
  }

  private end(e: Episode, input: RunInput, reason: string): EpisodeEvent[] {
    e.state = 'ended';
    if (!e.firing) return [];
    return [{ type: 'resolved', episode: e, payload: resolvedPayload(e.firing, e.endMs, input.now), reason }];
  }

  private forget(windowStart: number): void {
    for (const [key, list] of this.bySeries) {
      const kept = list.filter((e) => e.state === 'open' || e.endMs >= windowStart - this.toleranceMs);
      if (kept.length) this.bySeries.set(key, kept);
      else this.bySeries.delete(key);
    }
  }
}

function strongest(reports: readonly AnomalyReport[]): AnomalyReport {
  return reports.reduce((best, r) => (severityRank[r.severity] > severityRank[best.severity] || (r.severity === best.severity && r.score > best.score) ? r : best));
}

