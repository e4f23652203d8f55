/**
 * Steady growth towards a limit: the memory-leak shape. Fits straight lines over the last 10 to 160
 * samples and takes the longest run of them that explains the series well at one rate (R^2 >= 0.8,
 * slope clearly not zero, longer windows agreeing on the slope): "grew 4.1 MiB/min for 12 min".
 * With a limit (the container's memory limit, a disk size) it projects when the line reaches it, as
 * predict_linear() would, and the evidence grows as that moment approaches: a leak that hits its
 * limit in minutes is critical even though no single sample is odd. Without a limit it only notes
 * the trend, for other detectors' explanations.
 */
import { capitalise, formatRate, formatSpan, formatValue, subjectOf, unitOf } from '../format.js';
import { MEDIUM_ALERT_SURPRISE } from '../sensitivity.js';
import { RollingRegression, type LineFit } from '../trend.js';
import type { Detector, DetectorKind, DetectorOptions, Sample, Verdict } from '../types.js';
import { quiet, verdictOf, onDetectorClock } from './common.js';

const WINDOWS = [10, 20, 40, 80, 160] as const;
/** A line must explain this much of the variance to count as steady growth. */
const STEADY_R2 = 0.8;
/** ...and its slope must be this many standard errors from zero. */
const MIN_T = 3;
/** Longer windows extend the growth's duration while their slope is within this fraction. */
const SLOPE_AGREEMENT = 0.25;
/** Time to the limit at which a projected breach reaches medium alert level. */
const HORIZON_MS = 6 * 3_600_000;

class Growth implements Detector {
  readonly name = 'growth';
  readonly advisory: boolean;
  private readonly lines = WINDOWS.map((n) => new RollingRegression(n));

  constructor(private readonly options: DetectorOptions) {
    this.advisory = options.context.limit === undefined;
  }

  observe(input: Sample): Verdict {
    const sample = onDetectorClock(input);
    for (const line of this.lines) line.push(sample.t, sample.value);
    const fits = this.lines.map((line) => line.fit());
    const limit = this.options.context.limit;
    return limit === undefined ? this.note(fits) : this.againstLimit(fits, limit);
  }

  private againstLimit(fits: (LineFit | undefined)[], limit: number): Verdict {
    const towards = (fit: LineFit) => (limit >= fit.level ? fit.slope > 0 : fit.slope < 0);
    const fit = longestSteady(fits, towards);
    if (!fit) return quiet;
    const msToLimit = Math.max(0, (limit - fit.level) / fit.slope);
    // Evidence rises with the square root of urgency: medium alert at 6 h to go, ~2.4x at 1 h, 6x at 10 min.
    const surprise = Math.min(30, MEDIUM_ALERT_SURPRISE * Math.sqrt(HORIZON_MS / Math.max(msToLimit, 1000)));
    return verdictOf(this.name, surprise, this.options, () => {
      const unit = unitOf(this.options.context);
      const reach = msToLimit === 0 ? `is at or past the ${formatValue(limit, unit)} limit` : `reaches the ${formatValue(limit, unit)} limit in ~${formatSpan(msToLimit)}`;
      return {
        kind: 'growth',
        direction: fit.slope > 0 ? 1 : -1,
        explanation: `${capitalise(subjectOf(this.options.context))} ${fit.slope > 0 ? 'grew' : 'fell'} ${formatRate(Math.abs(fit.slope), unit)} for ${formatSpan(fit.spanMs)}; ${reach}.`,
        evidence: { slopePerSecond: fit.slope * 1000, spanMs: fit.spanMs, r2: fit.r2, level: fit.level, limit, secondsToLimit: msToLimit / 1000 },
      };
    });
  }

  /**
   * Without a limit, a trend is not an anomaly by itself (slow drifts are everyday behaviour, and on
   * NAB counting them as evidence cost more false alarms than it found anomalies). The detector then
   * only notes a steady trend, which the ensemble adds to another detector's finding.
   */
  private note(fits: (LineFit | undefined)[]): Verdict {
    const fit = longestSteady(fits, () => true);
    if (!fit || fit.count < WINDOWS[1]) return quiet;
    const unit = unitOf(this.options.context);
    const text = `It has been ${fit.slope > 0 ? 'growing' : 'falling'} steadily by ${formatRate(Math.abs(fit.slope), unit)} for ${formatSpan(fit.spanMs)}.`;
    return { score: 0, surprise: 0, note: { text, direction: fit.slope > 0 ? 1 : -1 } };
  }
}

/**
 * How long the series has grown at its current rate: starting from the shortest steady line (R^2,
 * significant slope, heading the way `accept` wants), longer windows extend it while their slope
 * agrees within a quarter. A window reaching back before the leak started has a shallower slope and
 * stops the extension, so "for 12 min" is when the growth began, and the rate is not diluted.
 */
function longestSteady(fits: (LineFit | undefined)[], accept: (fit: LineFit) => boolean): LineFit | undefined {
  const steady = (fit: LineFit | undefined): fit is LineFit =>
    fit !== undefined && fit.r2 >= STEADY_R2 && Math.abs(fit.tStat) >= MIN_T && fit.slope !== 0 && accept(fit);
  let chosen: LineFit | undefined;
  for (const fit of fits) {
    if (!chosen) {
      if (steady(fit)) chosen = fit;
    } else if (steady(fit) && Math.abs(fit.slope - chosen.slope) <= SLOPE_AGREEMENT * Math.abs(chosen.slope)) {
      chosen = fit;
    } else {
      break;
    }
  }
  return chosen;
}

export const growth: DetectorKind = {
  name: 'growth',
  description: 'Steady linear growth (memory-leak shape); with a limit, projects the time to reach it like predict_linear().',
  create: (options) => new Growth(options),
};
