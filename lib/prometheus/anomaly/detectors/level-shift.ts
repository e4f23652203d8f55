/**
 * Sustained level shift: the mean of the latest k samples against the mean of the k before them, at
 * several scales (k = 4, 16, 64). A step that is small next to the noise of single samples is clear
 * in a mean of many, and comparing adjacent windows (rather than an all-time baseline) tells "moved
 * just now" from "has always been different".
 */
import { TailCalibrator } from '../calibration.js';
import { capitalise, formatSpan, formatValue, percentChange, subjectOf, unitOf } from '../format.js';
import { rarity } from '../sensitivity.js';
import { Cadence } from '../seasonal.js';
import type { Detector, DetectorKind, DetectorOptions, Sample, Verdict } from '../types.js';
import { Range, RecentSamples, bestOf, gapFactor, quiet, verdictOf, onDetectorClock } from './common.js';

const SCALES = [4, 16, 64] as const;

class LevelShift implements Detector {
  readonly name = 'level-shift';
  private readonly recent = new RecentSamples(2 * Math.max(...SCALES));
  private readonly calibrators = SCALES.map(() => new TailCalibrator());
  private readonly cadence = new Cadence();
  private readonly range = new Range();

  constructor(private readonly options: DetectorOptions) {}

  observe(input: Sample): Verdict {
    const sample = onDetectorClock(input);
    this.recent.push(sample.t, sample.value);
    this.range.push(sample.value);
    const shifts: { before: number; after: number; k: number }[] = [];
    const surprises: number[] = [];
    SCALES.forEach((k, i) => {
      if (this.recent.size < 2 * k) return;
      const after = this.recent.mean(k);
      const before = this.recent.mean(k, k);
      // The two windows should each span about k steps; a gap inside them inflates the difference.
      const factor = gapFactor(sample.t - this.recent.time(k), k * (this.cadence.stepMs ?? 0));
      surprises.push(this.calibrators[i]!.observe(Math.abs(after - before) / factor, this.range.resolution));
      shifts.push({ before, after, k });
    });
    this.cadence.push(sample.t);
    if (!surprises.length) return quiet;
    const best = bestOf(surprises);
    return verdictOf(this.name, best.surprise, this.options, () => {
      const { before, after, k } = shifts[best.index]!;
      const unit = unitOf(this.options.context);
      const span = formatSpan(sample.t - this.recent.time(k - 1));
      return {
        kind: 'level-shift',
        direction: after >= before ? 1 : -1,
        explanation: `${capitalise(subjectOf(this.options.context))} shifted from a mean of ${formatValue(before, unit)} to ${formatValue(after, unit)} (${percentChange(before, after)}) over the last ${span} (${k} samples); a shift this large is ${rarity(best.surprise)} for this series.`,
        evidence: { before, after, samples: k },
      };
    });
  }
}

export const levelShift: DetectorKind = {
  name: 'level-shift',
  description: 'Mean of the latest samples moved away from the mean just before them (two-window shift at 3 scales).',
  create: (options) => new LevelShift(options),
};
