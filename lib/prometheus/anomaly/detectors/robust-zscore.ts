/**
 * Robust z-score: how far the value (and the mean of the last few values) sits from the recent
 * median, in MAD-based standard deviations. Median and MAD ignore the very outliers we look for, so
 * one spike does not hide the next. The short mean catches a deviation that is modest per sample but
 * persistent.
 */
import { TailCalibrator } from '../calibration.js';
import { capitalise, formatSpan, formatValue, subjectOf, unitOf } from '../format.js';
import { rarity } from '../sensitivity.js';
import { RollingWindow } from '../stats.js';
import type { Detector, DetectorKind, DetectorOptions, Sample, Verdict } from '../types.js';
import { Range, RecentSamples, bestOf, quiet, verdictOf, onDetectorClock } from './common.js';

/** Samples in the baseline window; long enough to hold a daily cycle at 5-minute resolution (and more). */
export const BASELINE_SAMPLES = 600;
/** The baseline needs this many samples before it judges anything. */
export const MIN_BASELINE = 30;
/** Lengths of the means compared with the baseline: the value itself and a short run. */
const RUNS = [1, 8] as const;

class RobustZScore implements Detector {
  readonly name = 'robust-zscore';
  private readonly baseline = new RollingWindow(BASELINE_SAMPLES);
  private readonly recent = new RecentSamples(Math.max(...RUNS));
  private readonly calibrators = RUNS.map(() => new TailCalibrator());
  private readonly range = new Range();

  constructor(private readonly options: DetectorOptions) {}

  observe(input: Sample): Verdict {
    const sample = onDetectorClock(input);
    this.recent.push(sample.t, sample.value);
    let verdict = quiet;
    if (this.baseline.size >= MIN_BASELINE) {
      const median = this.baseline.median;
      // A flat baseline has MAD 0; a thousandth of the series' range keeps z finite and meaningful.
      const spread = Math.max(this.baseline.robustStd, this.range.width * 1e-3, this.range.resolution);
      const z = RUNS.map((n) => (Math.min(n, this.recent.size) === n ? (this.recent.mean(n) - median) / spread : 0));
      const surprises = z.map((zi, i) => this.calibrators[i]!.observe(Math.abs(zi), 1e-9));
      const best = bestOf(surprises);
      verdict = verdictOf(this.name, best.surprise, this.options, () => {
        const zi = z[best.index]!;
        const run = RUNS[best.index]!;
        const unit = unitOf(this.options.context);
        const span = formatSpan(sample.t - this.baseline.oldestTime);
        const side = zi > 0 ? 'above' : 'below';
        const explanation =
          run === 1
            ? `${capitalise(subjectOf(this.options.context))} ${formatValue(sample.value, unit)} is ${Math.abs(zi).toFixed(1)} robust standard deviations ${side} the median ${formatValue(median, unit)} of the last ${span} (${rarity(best.surprise)}).`
            : `The last ${run} samples average ${formatValue(this.recent.mean(run), unit)}, ${Math.abs(zi).toFixed(1)} robust standard deviations ${side} the median ${formatValue(median, unit)} of the last ${span}; a run this far off is ${rarity(best.surprise)}.`;
        return {
          kind: 'outlier',
          direction: zi >= 0 ? 1 : -1,
          explanation,
          evidence: { value: sample.value, median, robustStd: spread, zScore: zi, run },
        };
      });
    }
    this.baseline.push(sample.value, sample.t);
    this.range.push(sample.value);
    return verdict;
  }
}

export const robustZScore: DetectorKind = {
  name: 'robust-zscore',
  description: 'Value far from the recent median in MAD units (single samples and short runs).',
  create: (options) => new RobustZScore(options),
};
