/**
 * From scored samples to anomalies a human reads: consecutive unusual samples are one episode (one
 * anomaly) with a start, an end, a peak and the explanation of the strongest evidence in it.
 */
import type { ScoredSample } from './ensemble.js';
import type { AnomalyKind, AnomalyFinding, Sample, Severity } from './types.js';

export interface Anomaly {
  /** Unix seconds of the first and last sample of the episode. */
  start: number;
  end: number;
  /** The most unusual sample of the episode. */
  peak: Sample;
  /** Anomaly score of the raised sample (in [0, 1)). */
  score: number;
  /** Strongest evidence in the episode (-log10 p). */
  surprise: number;
  severity: Severity;
  kind: AnomalyKind;
  detector: string;
  explanation: string;
  evidence: Record<string, number>;
  followUpQueries: string[];
  /** True when the episode is still going on at the last sample. */
  ongoing: boolean;
}

const severityRank: Record<Severity, number> = { info: 0, warning: 1, critical: 2 };

/**
 * Groups anomalies and their damped repeats into episodes. An episode starts at a raised anomaly and
 * runs on through repeats and samples still at least half as surprising as the alert level, tolerating
 * up to `gap` quiet samples in between.
 */
export function anomaliesOf(scored: readonly ScoredSample[], alertLevel: number, gap = 3): Anomaly[] {
  const out: Anomaly[] = [];
  let current: { anomaly: Anomaly; strongest: AnomalyFinding; lastBusy: number } | undefined;
  const close = () => {
    if (current) out.push({ ...current.anomaly, ...describe(current.strongest) });
    current = undefined;
  };
  scored.forEach((s, i) => {
    const busy = s.isAnomaly || s.repeat || s.surprise >= alertLevel / 2;
    if (current && (s.isAnomaly || i - current.lastBusy > gap)) close();
    if (!current && s.isAnomaly && s.finding) {
      current = {
        anomaly: { start: s.t, end: s.t, peak: { t: s.t, v: s.v }, score: s.score, surprise: s.surprise, ongoing: false, ...describe(s.finding) },
        strongest: s.finding,
        lastBusy: i,
      };
      return;
    }
    if (!current || !busy) return;
    current.lastBusy = i;
    current.anomaly.end = s.t;
    if (s.surprise > current.anomaly.surprise) {
      current.anomaly.surprise = s.surprise;
      current.anomaly.peak = { t: s.t, v: s.v };
      if (s.finding) current.strongest = strongerOf(current.strongest, s.finding);
    } else if (s.finding && persists(current.strongest, s.finding)) {
      current.strongest = s.finding;
    }
  });
  if (current) {
    current.anomaly.ongoing = scored.length - 1 - current.lastBusy <= gap;
    close();
  }
  return out;
}

function strongerOf(a: AnomalyFinding, b: AnomalyFinding): AnomalyFinding {
  return severityRank[b.severity] > severityRank[a.severity] ? b : a;
}

const sudden = new Set<AnomalyKind>(['spike', 'drop']);

/**
 * A jump that the series stays at is a shift, not a spike: while the episode goes on, a finding of
 * a lasting kind (level shift, outlier run, new range...) in the same direction and at least as
 * severe explains it better than the sudden change that opened it.
 */
function persists(current: AnomalyFinding, later: AnomalyFinding): boolean {
  return sudden.has(current.kind) && !sudden.has(later.kind) && later.direction === current.direction && severityRank[later.severity] >= severityRank[current.severity];
}

function describe(f: AnomalyFinding): Pick<Anomaly, 'severity' | 'kind' | 'detector' | 'explanation' | 'evidence' | 'followUpQueries'> {
  return { severity: f.severity, kind: f.kind, detector: f.detector, explanation: f.explanation, evidence: f.evidence, followUpQueries: f.followUpQueries };
}
