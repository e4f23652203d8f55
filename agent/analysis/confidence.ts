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
import type { Candidate } from './hypotheses.js';

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

export const defaultCalibration: Calibration = { temperature: 1.5, nullScore: 3, minConfidence: 0.35, sourceMisleads: 0.2, gapWeight: 0 };

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

/** Candidates with their probabilities, best first, and the probability that none of them is it. */
export function rank(candidates: readonly Candidate[], calibration: Pick<Calibration, 'temperature' | 'nullScore' | 'sourceMisleads' | 'gapWeight'> = currentCalibration(), gaps = 0): { ranked: Ranked[]; none: number } {
  const t = calibration.temperature;
  // Each source not reached is a place the real cause may hide: "none of these" gains weight.
  const nullScore = calibration.nullScore + (calibration.gapWeight ?? 0) * gaps;
  const scores = [nullScore, ...candidates.map((c) => c.score)].map((s) => s / t);
  const max = Math.max(...scores);
  const exps = scores.map((s) => Math.exp(s - max));
  const total = exps.reduce((a, b) => a + b, 0);
  const ranked = candidates.map((candidate, i) => ({ candidate, confidence: Math.min(sourceCeiling(sourcesOf(candidate), calibration.sourceMisleads), exps[i + 1]! / total) })).sort((a, b) => b.confidence - a.confidence || b.candidate.score - a.candidate.score);
  return { ranked, none: Math.min(MAX_CONFIDENCE, exps[0]! / total) };
}
