/**
 * Spike / drop: the sample against its one-step forecast. Catches the first sample of a latency
 * spike, a traffic cliff or a crash to zero, before any window-based baseline has moved.
 *
 * The forecast is AR(1): the recent level plus the share of the last deviation that usually carries
 * over to the next sample (phi, the lag-1 autocorrelation, estimated online over ~300 samples). For
 * a series that wanders (phi near 1: temperatures, queue depths, memory) the forecast is the previous
 * sample, so the statistic is the step from one sample to the next; for a noisy series that keeps
 * returning to its level (phi near 0: request counts, CPU, prices) it is the level, so the return to
 * normal after a blip, or two ordinary samples on either side of the mean, are not mistaken for
 * sudden changes. In between, the forecast is what an AR(1) model would predict.
 *
 * Two statistics, each calibrated against its own history: the forecast error of the sample (across
 * a gap, divided by sqrt(elapsed / usual step): more time, more room to move), and the median error
 * of the last 8 samples (a short run away from the forecast when no single sample is extreme; the
 * median, so one blip does not make a run).
 */
import { TailCalibrator } from '../calibration.js';
import { capitalise, formatSpan, formatValue, subjectOf, unitOf } from '../format.js';
import { rarity } from '../sensitivity.js';
import { Cadence } from '../seasonal.js';
import { median } from '../stats.js';
import type { AnomalyFinding, Detector, DetectorKind, DetectorOptions, Sample, Verdict } from '../types.js';
import { Range, RecentSamples, bestOf, gapFactor, quiet, verdictOf, onDetectorClock, type TimedValue } from './common.js';
import { MIN_BASELINE } from './robust-zscore.js';

/** Memory of the level, variance and autocorrelation estimates, in samples. */
export const FORECAST_MEMORY = 300;
/** Length of the run of forecast errors judged besides the single sample. */
const RUN = 8;

type FindingDescription = Omit<AnomalyFinding, 'detector' | 'severity' | 'followUpQueries'>;

/** Exponentially weighted mean, variance and lag-1 autocovariance: an online AR(1) fit. */
export class Ar1 {
  count = 0;
  mean = 0;
  variance = 0;
  private covariance = 0;
  private previous = NaN;

  constructor(readonly memory = FORECAST_MEMORY) {}

  /** Lag-1 autocorrelation, clamped to [0, 1] (alternating series are forecast by their level). */
  get phi(): number {
    return this.variance > 0 ? Math.min(1, Math.max(0, this.covariance / this.variance)) : 0;
  }

  /** Forecast `steps` samples after the latest one. */
  forecast(steps = 1): number {
    return this.mean + this.phi ** Math.max(1, steps) * (this.previous - this.mean);
  }

  push(value: number): void {
    this.count++;
    if (this.count === 1) {
      this.mean = value;
    } else {
      const alpha = Math.max(1 / this.memory, 1 / this.count);
      const d = value - this.mean;
      const dPrevious = this.previous - this.mean;
      this.mean += alpha * d;
      this.variance = (1 - alpha) * (this.variance + alpha * d * d);
      this.covariance = (1 - alpha) * (this.covariance + alpha * d * dPrevious);
    }
    this.previous = value;
  }
}

class Spike implements Detector {
  readonly name = 'spike';
  private readonly calibrators = [new TailCalibrator(), new TailCalibrator()];
  private readonly model = new Ar1();
  private readonly errors = new RecentSamples(RUN);
  private readonly cadence = new Cadence();
  private readonly range = new Range();
  private previous: TimedValue | undefined;

  constructor(private readonly options: DetectorOptions) {}

  observe(input: Sample): Verdict {
    const sample = onDetectorClock(input);
    let verdict = quiet;
    const previous = this.previous;
    if (previous && this.model.count >= MIN_BASELINE) {
      const elapsed = sample.t - previous.t;
      const step = this.cadence.stepMs;
      const forecast = this.model.forecast(step && elapsed > step ? elapsed / step : 1);
      const error = sample.value - forecast;
      this.errors.push(sample.t, error);
      const run = this.errors.size >= RUN ? medianOfRecent(this.errors, RUN) : 0;
      const surprises = [
        this.calibrators[0]!.observe(Math.abs(error) / gapFactor(elapsed, step), this.range.resolution),
        this.calibrators[1]!.observe(Math.abs(run), this.range.resolution),
      ];
      const best = bestOf(surprises);
      verdict = verdictOf(this.name, best.surprise, this.options, (): FindingDescription => {
        const unit = unitOf(this.options.context);
        const subject = capitalise(subjectOf(this.options.context));
        const up = (best.index === 0 ? error : run) > 0;
        if (best.index === 1) {
          return {
            kind: 'level-shift',
            direction: up ? 1 : -1,
            explanation: `${subject} has run ${up ? 'above' : 'below'} its one-step forecast for the last ${RUN} samples, by ${formatValue(Math.abs(run), unit)} (median error); a run this far off is ${rarity(best.surprise)} for this series.`,
            evidence: { value: sample.value, forecast, medianError: run, samples: RUN },
          };
        }
        const change = sample.value - previous.value;
        const lead =
          change !== 0 && change > 0 === up
            ? `${subject} ${up ? 'jumped' : 'fell'} from ${formatValue(previous.value, unit)} to ${formatValue(sample.value, unit)} (${up ? '+' : '-'}${formatValue(Math.abs(change), unit)}) in ${formatSpan(Math.max(elapsed, 0))}`
            : `${subject} ${formatValue(sample.value, unit)} is ${up ? 'above' : 'below'} its one-step forecast (the previous sample was ${formatValue(previous.value, unit)})`;
        return {
          kind: up ? 'spike' : 'drop',
          direction: up ? 1 : -1,
          explanation: `${lead}, against a forecast of ${formatValue(forecast, unit)}; a change this sudden is ${rarity(best.surprise)} for this series.`,
          evidence: { previous: previous.value, value: sample.value, change, forecast, elapsedMs: elapsed },
        };
      });
    }
    this.model.push(sample.value);
    this.cadence.push(sample.t);
    this.range.push(sample.value);
    this.previous = sample;
    return verdict;
  }
}

export const spike: DetectorKind = {
  name: 'spike',
  description: 'Sudden jump or fall against the one-step (AR(1)) forecast, relative to how much the series usually moves.',
  create: (options) => new Spike(options),
};

/** Median of the latest `n` values. */
function medianOfRecent(recent: RecentSamples, n: number): number {
  const values: number[] = [];
  for (let k = 0; k < n; k++) values.push(recent.value(k));
  return median(values);
}
