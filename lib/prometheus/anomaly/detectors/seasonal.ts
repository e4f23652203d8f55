/**
 * Seasonal deviation: the value against the same moment yesterday or last week. Traffic and business
 * metrics repeat daily and weekly, so "low for a Tuesday 09:00" is the question, not "low overall".
 *
 * The detector decides for itself whether, and with which period, the series is seasonal: it keeps
 * the spread of the day-over-day and week-over-week differences and uses the period whose difference
 * is tightest, only when that is clearly tighter (less than half) than the series' own spread around
 * its recent median. A series without a cycle (or without a day of history yet) is left to the other
 * detectors instead of adding noise. Both the single value and the mean of the last few differences
 * are judged, so a holiday's sustained dip stands out even when no single sample is extreme.
 */
import { TailCalibrator } from '../calibration.js';
import { capitalise, formatValue, percentChange, subjectOf, unitOf } from '../format.js';
import { rarity } from '../sensitivity.js';
import { Cadence, DAY_MS, SeasonalProfile, SeriesHistory, WEEK_MS } from '../seasonal.js';
import { RollingWindow } from '../stats.js';
import type { Detector, DetectorKind, DetectorOptions, Sample, Verdict } from '../types.js';
import { Range, bestOf, quiet, verdictOf, onDetectorClock, type TimedValue } from './common.js';
import { BASELINE_SAMPLES, MIN_BASELINE } from './robust-zscore.js';

interface Period {
  /** "yesterday" / "last week": how the explanation names the previous cycle. */
  previous: string;
  ms: number;
  /** What is usual at this hour of the day / of the week, for the explanation. */
  profile: SeasonalProfile;
  /** Spread of the differences with the previous cycle, to choose the period that fits. */
  differences: RollingWindow;
  /** Latest differences while this period is in use, newest last. */
  recent: number[];
  calibrators: TailCalibrator[];
}

/** Lengths of the runs of differences judged: the sample itself and a short run (a few hours at 30 min). */
const RUNS = [1, 6] as const;
/** The cycle must explain the series this much better than its spread around the median. */
const FIT_RATIO = 0.5;
/** Differences needed before a period's fit is trusted. */
const MIN_DIFFERENCES = 100;
/** Samples between re-evaluations of which period fits. */
const CHOOSE_EVERY = 8;

class SeasonalDeviation implements Detector {
  readonly name = 'seasonal';
  private readonly history = new SeriesHistory(WEEK_MS + DAY_MS);
  private readonly cadence = new Cadence();
  private readonly level = new RollingWindow(BASELINE_SAMPLES);
  private readonly range = new Range();
  private readonly periods: Period[] = [
    { previous: 'yesterday', ms: DAY_MS, profile: new SeasonalProfile('hour-of-day', 32), ...this.fresh() },
    { previous: 'last week', ms: WEEK_MS, profile: new SeasonalProfile('hour-of-week', 16), ...this.fresh() },
  ];
  private sinceChoice = 0;
  private chosen: Period | undefined;

  constructor(private readonly options: DetectorOptions) {}

  observe(input: Sample): Verdict {
    const sample = onDetectorClock(input);
    const verdict = this.level.size >= MIN_BASELINE ? this.judge(sample) : quiet;
    this.history.push(sample.t, sample.value);
    this.cadence.push(sample.t);
    this.level.push(sample.value);
    this.range.push(sample.value);
    for (const period of this.periods) period.profile.push(sample.t, sample.value);
    return verdict;
  }

  private fresh(): Pick<Period, 'differences' | 'recent' | 'calibrators'> {
    return { differences: new RollingWindow(BASELINE_SAMPLES), recent: [], calibrators: RUNS.map(() => new TailCalibrator()) };
  }

  private judge(sample: TimedValue): Verdict {
    const tolerance = (this.cadence.stepMs ?? 0) / 2;
    const oldest = this.history.oldest;
    const references = this.periods.map((period) =>
      oldest !== undefined && oldest <= sample.t - period.ms ? this.history.around(sample.t - period.ms, tolerance) : undefined,
    );
    const active = this.fittingPeriod();
    let verdict = quiet;
    this.periods.forEach((period, i) => {
      const reference = references[i];
      if (reference === undefined) return;
      period.differences.push(sample.value - reference);
      if (period !== active) return;
      period.recent.push(sample.value - reference);
      if (period.recent.length > Math.max(...RUNS)) period.recent.shift();
      const means = RUNS.map((n) => mean(period.recent.slice(-n)));
      const surprises = means.map((m, j) => period.calibrators[j]!.observe(Math.abs(m), this.range.resolution));
      const best = bestOf(surprises);
      verdict = verdictOf(this.name, best.surprise, this.options, () => {
        const unit = unitOf(this.options.context);
        const usual = period.profile.expected(sample.t, 3);
        const run = RUNS[best.index]!;
        const subject = subjectOf(this.options.context);
        const lead =
          run === 1
            ? `${capitalise(subject)} ${formatValue(sample.value, unit)} is ${percentChange(reference, sample.value)} against the same time ${period.previous} (${formatValue(reference, unit)})`
            : `${capitalise(subject)} has run ${means[best.index]! > 0 ? 'above' : 'below'} the same time ${period.previous} for the last ${run} samples (by ${formatValue(Math.abs(means[best.index]!), unit)} on average)`;
        const slot = period.ms === DAY_MS ? 'this hour of the day' : 'this hour of the week';
        const typical = usual ? `; usual for ${slot} is about ${formatValue(usual.median, unit)}` : '';
        return {
          kind: 'seasonal-deviation',
          direction: means[best.index]! >= 0 ? 1 : -1,
          explanation: `${lead}${typical} (${rarity(best.surprise)}).`,
          evidence: { value: sample.value, reference, periodMs: period.ms, difference: means[best.index]!, run },
        };
      });
    });
    return verdict;
  }

  /**
   * The period whose previous cycle predicts the series best, if it predicts it well. The answer
   * changes slowly, so it is re-evaluated every few samples rather than every sample.
   */
  private fittingPeriod(): Period | undefined {
    if (this.sinceChoice++ % CHOOSE_EVERY !== 0) return this.chosen;
    this.chosen = this.choosePeriod();
    return this.chosen;
  }

  private choosePeriod(): Period | undefined {
    let best: Period | undefined;
    for (const period of this.periods) {
      if (period.differences.size < MIN_DIFFERENCES) continue;
      if (!best || period.differences.meanAbsDeviation(0) < best.differences.meanAbsDeviation(0)) best = period;
    }
    // Mean absolute deviations, not MADs: a daily square wave spends most of the day at its low
    // level, so the MAD of the level sees only the noise around it and misses the cycle itself.
    if (best && best.differences.meanAbsDeviation(0) < FIT_RATIO * this.level.meanAbsDeviation()) return best;
    return undefined;
  }
}

function mean(values: number[]): number {
  return values.reduce((s, v) => s + v, 0) / values.length;
}

export const seasonal: DetectorKind = {
  name: 'seasonal',
  description: 'Value or recent run far from the same time yesterday / last week, when the series has such a cycle.',
  create: (options) => new SeasonalDeviation(options),
};
