/**
 * Sensitivity: one knob for how eager detection is. Every detector reports evidence as *surprise*
 * (-log10 of how rare the observation is for the series, see calibration.ts), so a single alert level
 * on that scale means the same thing for every detector and every series.
 */
import type { Sensitivity, Severity } from './types.js';

export const sensitivityLevels = { low: 0.25, medium: 0.5, high: 0.75 } as const;

/**
 * Surprise at which medium sensitivity raises an anomaly. Chosen on the NAB benchmark (see README):
 * the corpus-optimal threshold of the ensemble lands at about this level.
 */
export const MEDIUM_ALERT_SURPRISE = 1.8;

/** Sensitivity as a number in [0, 1]; throws on anything else with the accepted forms. */
export function resolveSensitivity(value: Sensitivity | string | undefined): number {
  if (value === undefined) return sensitivityLevels.medium;
  if (typeof value === 'string' && value in sensitivityLevels) return sensitivityLevels[value as keyof typeof sensitivityLevels];
  const n = typeof value === 'number' ? value : value.trim() === '' ? NaN : Number(value);
  if (Number.isFinite(n) && n >= 0 && n <= 1) return n;
  throw new RangeError(`sensitivity must be low, medium, high or a number between 0 and 1 (got "${value}")`);
}

/**
 * Surprise needed to raise an anomaly at a given sensitivity: halves the required rarity's exponent
 * from 0 to 1 (sensitivity 0 asks for surprise 3.6, medium 1.8, 1 asks for 0.9).
 */
export function alertSurprise(sensitivity: number): number {
  return MEDIUM_ALERT_SURPRISE * 2 ** (1 - 2 * sensitivity);
}

/**
 * Severity of evidence relative to the alert level: twice the alert's exponent is a warning (at
 * medium, rarer than ~1 in 4,000 samples), four times is critical (~1 in 16 million: not chance).
 */
export function severityOf(surprise: number, alert: number): Severity {
  if (surprise >= alert * 4) return 'critical';
  if (surprise >= alert * 2) return 'warning';
  return 'info';
}

/** Maps surprise to an anomaly score in [0, 1): 0.5 exactly at the medium alert level. */
export function scoreOf(surprise: number): number {
  return surprise > 0 ? surprise / (surprise + MEDIUM_ALERT_SURPRISE) : 0;
}

/** Inverse of scoreOf: the surprise a score stands for. */
export function surpriseOf(score: number): number {
  if (score <= 0) return 0;
  if (score >= 1) return Infinity;
  return (score * MEDIUM_ALERT_SURPRISE) / (1 - score);
}

/** "about 1 in 3,200 samples" style rarity for explanations (two significant digits). */
export function rarity(surprise: number): string {
  if (surprise >= 6) return 'rarer than 1 in a million samples';
  const n = 10 ** surprise;
  const rounded = n < 100 ? Math.round(n) : Number(n.toPrecision(2));
  return `about 1 in ${rounded.toLocaleString('en-US')} samples`;
}
