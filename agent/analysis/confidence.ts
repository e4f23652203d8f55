/**
 * From scores to calibrated probabilities. Each candidate's score is a log-odds sum; the candidates and
 * a "none of these" alternative (the null hypothesis, with a fixed score s0) compete in a softmax with
 * temperature T:
 *
 *     p(candidate i) = exp(s_i / T) / (exp(s0 / T) + sum_j exp(s_j / T))
 *
 * T and s0 are fitted by maximum likelihood on the replay cases (test/cases, with every subset of
 * evidence sources removed) so that the stated confidence matches how often the top candidate is the
 * expected root cause; `calibration.json` holds the fit and its reliability table (docs/confidence.md).
 */
import { join } from 'node:path';
import { packageRoot } from '../../lib/platform/package-root.js';
import { readFileSync } from 'node:fs';
import type { EvidenceSource } from '../../core/types.js';
import type { Candidate } from './hypotheses.js';
import { CAUSE_LEVEL, signatureOf } from './signatures.js';

export interface CalibrationBin {
  from: number;
  to: number;
  count: number;
  meanConfidence: number;
  accuracy: number;
}

export interface Calibration {
  temperature: number;
  nullScore: number;
  /** Below this, the conclusion is `unknown`. */
  minConfidence: number;
  /** How likely one source is to mislead: n independent sources cap the confidence at 1 - this^n. */
  sourceMisleads: number;
  /** Added to the null score per evidence source the investigation could not reach. */
  gapWeight: number;
  /**
   * The most a cause only the alert supports is stated with (no metric, cluster state, log or trace
   * confirms it). Below `minConfidence`, so such a cause is never the conclusion, and never acted on.
   */
  alertOnlyCeiling?: number;
  fittedAt?: string;
  examples?: number;
  cases?: number;
  logLoss?: number;
  brier?: number;
  /** Expected calibration error: mean |confidence - accuracy| weighted by bin size. */
  ece?: number;
  accuracy?: number;
  table?: CalibrationBin[];
}

export const defaultCalibration: Calibration = { temperature: 1.5, nullScore: 3, minConfidence: 0.35, sourceMisleads: 0.2, gapWeight: 0, alertOnlyCeiling: 0.3 };

let loaded: Calibration | undefined;

/** The fitted calibration (agent/analysis/calibration.json), or the defaults before the first fit. */
export function currentCalibration(): Calibration {
  if (loaded) return loaded;
  try {
    loaded = { ...defaultCalibration, ...(JSON.parse(readFileSync(join(packageRoot, 'agent', 'analysis', 'calibration.json'), 'utf8')) as Partial<Calibration>) };
  } catch {
    loaded = defaultCalibration;
  }
  return loaded;
}

export interface Ranked {
  candidate: Candidate;
  confidence: number;
  /** Only the alert supports it: its confidence was capped (alertOnlyCeiling); what it would be otherwise. */
  unconfirmed?: { uncapped: number };
}

/**
 * The most any conclusion claims: the suite is a few dozen cases, so it cannot support stating more
 * (and an engineer reading "100%" stops checking).
 */
export const MAX_CONFIDENCE = 0.99;

/**
 * A cause seen by n independent sources is stated with at most 1 - e^n, e being how likely one source
 * is to mislead (a stale metric, a log line about something else; fitted, see calibration.json). This
 * is why a gap lowers confidence even when the remaining evidence is unambiguous.
 */
export function sourceCeiling(sources: number, misleads: number): number {
  return Math.min(MAX_CONFIDENCE, 1 - misleads ** Math.max(1, sources));
}

/** Independent sources behind a candidate (the alert is not one). */
export function sourcesOf(candidate: Pick<Candidate, 'supporting'>): number {
  return new Set(candidate.supporting.flatMap((t) => t.sources).filter((s) => s !== 'alert')).size;
}

/**
 * The sources that confirm a candidate independently of the alert: they saw cause-level evidence of
 * it (a fact of weight >= CAUSE_LEVEL in its signature), still worth half of that after fading (a
 * rollout two hours before the symptoms confirms nothing). A symptom (latency, errors) does not
 * confirm a cause, and the alert confirms nothing: it is the claim being checked.
 */
export function confirmingSources(candidate: Pick<Candidate, 'kind' | 'supporting'>): EvidenceSource[] {
  const weights = signatureOf.get(candidate.kind)?.supports ?? {};
  const out = new Set<EvidenceSource>();
  for (const term of candidate.supporting) {
    if ((weights[term.kind] ?? 0) < CAUSE_LEVEL || term.weight < CAUSE_LEVEL / 2) continue;
    for (const source of term.sources) if (source !== 'alert') out.add(source);
  }
  return [...out];
}

/**
 * Candidates with their probabilities, best first, and the probability that none of them is it. A
 * candidate no source confirms (only the alert claims it) keeps at most `alertOnlyCeiling`; the rest
 * of its probability goes to "none of these": as far as the evidence goes, nothing was found. It keeps
 * its place in the order, though: when the best explanation of the facts is one only the alert
 * supports, the conclusion is "unknown", not the runner-up promoted by the cap (an OOM alert whose
 * kills were not seen must not turn into a crash loop because the back-off was).
 */
export function rank(candidates: readonly Candidate[], calibration: Pick<Calibration, 'temperature' | 'nullScore' | 'sourceMisleads' | 'gapWeight' | 'alertOnlyCeiling'> = currentCalibration(), gaps = 0): { ranked: Ranked[]; none: number } {
  const t = calibration.temperature;
  // Each source not reached is a place the real cause may hide: "none of these" gains weight.
  const nullScore = calibration.nullScore + (calibration.gapWeight ?? 0) * gaps;
  const scores = [nullScore, ...candidates.map((c) => c.score)].map((s) => s / t);
  const max = Math.max(...scores);
  const exps = scores.map((s) => Math.exp(s - max));
  const total = exps.reduce((a, b) => a + b, 0);
  const ceiling = calibration.alertOnlyCeiling ?? defaultCalibration.alertOnlyCeiling!;
  let none = exps[0]! / total;
  const ranked = candidates.map((candidate, i) => {
    const p = exps[i + 1]! / total;
    const stated = Math.min(sourceCeiling(sourcesOf(candidate), calibration.sourceMisleads), p);
    if (confirmingSources(candidate).length === 0) {
      none += Math.max(0, p - ceiling);
      return { p: stated, entry: { candidate, confidence: Math.min(ceiling, p), unconfirmed: { uncapped: stated } } as Ranked };
    }
    return { p: stated, entry: { candidate, confidence: stated } as Ranked };
  });
  ranked.sort((a, b) => b.p - a.p || b.entry.candidate.score - a.entry.candidate.score);
  return { ranked: ranked.map((r) => r.entry), none: Math.min(MAX_CONFIDENCE, none) };
}
