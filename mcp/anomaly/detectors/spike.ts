/**
 * Spike / drop: a sudden change from one sample to the next, judged against how much this series
 * usually moves per sample. Catches the first sample of a latency spike, a traffic cliff or a crash
 * to zero, before any window-based baseline has moved.
 */
import { TailCalibrator } from '../calibration.js';
import { capitalise, formatSpan, formatValue, subjectOf, unitOf } from '../format.js';
import { rarity } from '../sensitivity.js';
import { Cadence } from '../seasonal.js';
import type { Detector, DetectorKind, DetectorOptions, Sample, Verdict } from '../types.js';
import { Range, gapFactor, quiet, verdictOf } from './common.js';

class Spike implements Detector {
  readonly name = 'spike';
  private readonly calibrator = new TailCalibrator();
  private readonly cadence = new Cadence();
  private readonly range = new Range();
  private previous: Sample | undefined;

  constructor(private readonly options: DetectorOptions) {}

  observe(sample: Sample): Verdict {
    let verdict = quiet;
    const previous = this.previous;
    if (previous) {
      const change = sample.value - previous.value;
      const elapsed = sample.t - previous.t;
      const statistic = Math.abs(change) / gapFactor(elapsed, this.cadence.stepMs);
      const surprise = this.calibrator.observe(statistic, this.range.resolution);
      verdict = verdictOf(this.name, surprise, this.options, () => {
        const unit = unitOf(this.options.context);
        const sign = change > 0 ? '+' : '-';
        return {
          kind: change > 0 ? 'spike' : 'drop',
          direction: change > 0 ? 1 : -1,
          explanation: `${capitalise(subjectOf(this.options.context))} ${change > 0 ? 'jumped' : 'fell'} from ${formatValue(previous.value, unit)} to ${formatValue(sample.value, unit)} (${sign}${formatValue(Math.abs(change), unit)}) in ${formatSpan(Math.max(elapsed, 0))}; a change this sudden is ${rarity(surprise)} for this series.`,
          evidence: { previous: previous.value, value: sample.value, change, elapsedMs: elapsed },
        };
      });
    }
    this.cadence.push(sample.t);
    this.range.push(sample.value);
    this.previous = sample;
    return verdict;
  }
}

export const spike: DetectorKind = {
  name: 'spike',
  description: 'Sudden jump or fall from one sample to the next, relative to how much the series usually moves.',
  create: (options) => new Spike(options),
};
