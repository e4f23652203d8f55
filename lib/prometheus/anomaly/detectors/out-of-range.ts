/**
 * Out of range: a value beyond anything the series has ever shown (a new all-time high or low),
 * measured as a fraction of the range seen so far. Windowed baselines forget; this one does not, so
 * a slow climb to a record is still noticed when it breaks through.
 */
import { TailCalibrator } from '../calibration.js';
import { capitalise, formatValue, subjectOf, unitOf } from '../format.js';
import { rarity } from '../sensitivity.js';
import type { Detector, DetectorKind, DetectorOptions, Sample, Verdict } from '../types.js';
import { Range, quiet, verdictOf, onDetectorClock } from './common.js';
import { MIN_BASELINE } from './robust-zscore.js';

class OutOfRange implements Detector {
  readonly name = 'out-of-range';
  private readonly range = new Range();
  private readonly calibrator = new TailCalibrator();
  private count = 0;

  constructor(private readonly options: DetectorOptions) {}

  observe(input: Sample): Verdict {
    const sample = onDetectorClock(input);
    let verdict = quiet;
    const { min, max } = this.range;
    if (this.count >= MIN_BASELINE) {
      const width = Math.max(this.range.width, this.range.resolution);
      const beyond = Math.max(0, sample.value - max, min - sample.value);
      const surprise = this.calibrator.observe(beyond / width, 1e-9);
      verdict = verdictOf(this.name, surprise, this.options, () => {
        const unit = unitOf(this.options.context);
        const high = sample.value > max;
        return {
          kind: 'out-of-range',
          direction: high ? 1 : -1,
          explanation: `${capitalise(subjectOf(this.options.context))} ${formatValue(sample.value, unit)} is a new all-time ${high ? 'high' : 'low'}, ${formatValue(beyond, unit)} ${high ? 'above the previous maximum' : 'below the previous minimum'} ${formatValue(high ? max : min, unit)} (${rarity(surprise)}).`,
          evidence: { value: sample.value, previousMin: min, previousMax: max },
        };
      });
    }
    this.range.push(sample.value);
    this.count++;
    return verdict;
  }
}

export const outOfRange: DetectorKind = {
  name: 'out-of-range',
  description: 'Value beyond the all-time minimum or maximum of the series.',
  create: (options) => new OutOfRange(options),
};
