/**
 * The ensemble: every detector watches the same stream; their evidence (already calibrated to the
 * series, see calibration.ts) is combined into one anomaly score per sample and one decision.
 *
 * - Combination: the strongest detector's surprise, Bonferroni-corrected for the number of detectors
 *   asked (looking in five places makes a one-in-a-hundred finding five times as likely by chance).
 * - One alert per episode: after an anomaly is raised, samples in the next `refractory` samples are
 *   damped unless they are at least twice as surprising (in orders of magnitude) as the one raised.
 *   An incident is one alert, not fifty; a real escalation still gets through. (The NAB benchmark
 *   rewards the same: only the first detection in an anomaly window counts, every other costs.)
 *   Growth towards a known limit after another kind of alert is raised again: the deadline is new.
 * - Score: surprise mapped to [0, 1) with 0.5 at the medium alert level.
 *
 * Everything is streaming: a sample's score depends only on the samples before it and itself.
 */
import { detectorKind, detectorKinds } from './detectors/registry.js';
import { bestOf } from './detectors/common.js';
import { followUpQueries } from './promql.js';
import { MEDIUM_ALERT_SURPRISE, alertSurprise, rarity, resolveSensitivity, scoreOf, severityOf, surpriseOf } from './sensitivity.js';
import type { Detector, AnomalyFinding, AnomalyKind, Sample, SeriesContext, Sensitivity } from './types.js';

export interface EnsembleOptions {
  sensitivity?: Sensitivity;
  /** Score in [0, 1] from which a sample is an anomaly; overrides the sensitivity's level. */
  threshold?: number;
  context?: SeriesContext;
  /** Detector names (see detectors/registry.ts); all of them by default. */
  detectors?: readonly string[];
  /** Samples after an anomaly during which the same episode is not raised again. */
  refractory?: number;
}

export interface ScoredSample extends Sample {
  /** Anomaly score in [0, 1): 0.5 at the medium alert level; repeats within an episode are damped. */
  score: number;
  /** Combined evidence before damping: -log10 of the estimated chance of a sample this unusual. */
  surprise: number;
  isAnomaly: boolean;
  /** True when the sample was damped as a repeat of an anomaly raised shortly before. */
  repeat: boolean;
  /** The strongest detector's explanation, when the sample is an anomaly or a damped repeat of one. */
  finding?: AnomalyFinding;
}

export const DEFAULT_REFRACTORY = 150;
/** A repeat gets through when its surprise is this many times that of the anomaly raised. */
const ESCALATION = 2;
/** Damping of repeats within the refractory period, and the highest a repeat may reach (x alert level). */
const REPEAT_DAMPING = 0.2;
const REPEAT_CEILING = 0.5;

export class Ensemble {
  readonly detectors: Detector[];
  /** Surprise from which a sample is an anomaly. */
  readonly alertLevel: number;
  private readonly refractory: number;
  private readonly context: SeriesContext;
  /** Indexes of the detectors that contribute evidence (not only notes). */
  private readonly judging: number[];
  private index = 0;
  private lastAlert: { index: number; surprise: number; kind?: AnomalyKind } = { index: -Infinity, surprise: 0 };
  private latestT = -Infinity;

  constructor(options: EnsembleOptions = {}) {
    if (options.threshold !== undefined && !(options.threshold > 0 && options.threshold < 1)) {
      throw new RangeError(`threshold must be a score between 0 and 1 exclusive (got ${options.threshold})`);
    }
    this.alertLevel = options.threshold !== undefined ? surpriseOf(options.threshold) : alertSurprise(resolveSensitivity(options.sensitivity));
    // Detectors raise their own findings at the same level, so an anomaly always has an explanation.
    const sensitivity = Math.min(1, Math.max(0, (1 - Math.log2(this.alertLevel / MEDIUM_ALERT_SURPRISE)) / 2));
    const names = options.detectors ?? Object.keys(detectorKinds);
    this.detectors = names.map((name) => detectorKind(name).create({ sensitivity, context: options.context ?? {} }));
    this.refractory = options.refractory ?? DEFAULT_REFRACTORY;
    this.context = options.context ?? {};
    this.judging = this.detectors.flatMap((d, i) => (d.advisory ? [] : [i]));
  }

  observe(sample: Sample): ScoredSample {
    if (!Number.isFinite(sample.v) || !Number.isFinite(sample.t)) {
      return { ...sample, score: 0, surprise: 0, isAnomaly: false, repeat: false };
    }
    // Out-of-order timestamps are judged as if they arrived right after the previous sample.
    this.latestT = Math.max(this.latestT, sample.t);
    const ordered = sample.t === this.latestT ? sample : { t: this.latestT, v: sample.v };
    const verdicts = this.detectors.map((d) => d.observe(ordered));
    const best = bestOf(this.judging.map((i) => verdicts[i]!.surprise));
    const strongest = verdicts[this.judging[best.index]!];
    const i = this.index++;

    const surprise = best.surprise;
    let damped = surprise;
    let repeat = false;
    const kind = strongest?.finding?.kind;
    // Growth towards a limit (evidence only when a limit is known) after another kind of alert is
    // new information, a deadline: e.g. a leak first raised as a jump, then as growth to the limit.
    const deadline = kind === 'growth' && this.lastAlert.kind !== 'growth';
    if (i - this.lastAlert.index <= this.refractory && surprise < this.lastAlert.surprise * ESCALATION && !deadline) {
      repeat = surprise >= this.alertLevel;
      // Damped below the alert level however strong: the episode has been raised already.
      damped = Math.min(surprise * REPEAT_DAMPING, this.alertLevel * REPEAT_CEILING);
    } else if (surprise >= this.alertLevel) {
      this.lastAlert = { index: i, surprise, kind };
    }
    const isAnomaly = !repeat && surprise >= this.alertLevel;
    const scored: ScoredSample = { ...sample, score: scoreOf(damped), surprise, isAnomaly, repeat };
    if (isAnomaly || repeat) {
      const finding = strongest?.finding ?? this.genericFinding(surprise);
      // Notes agreeing with the finding's direction add context ("growing steadily by 4 MiB/min").
      const notes = verdicts.filter((v) => v !== strongest && v.note?.direction === finding.direction).map((v) => v.note!.text);
      scored.finding = notes.length ? { ...finding, explanation: `${finding.explanation} ${notes.join(' ')}` } : finding;
    }
    return scored;
  }

  private genericFinding(surprise: number): AnomalyFinding {
    return {
      detector: 'ensemble',
      kind: 'outlier',
      severity: severityOf(surprise, this.alertLevel),
      explanation: `Unusual sample: the detectors' combined evidence puts it at ${rarity(surprise)}.`,
      evidence: { surprise },
      direction: 1,
      followUpQueries: followUpQueries('outlier', this.context),
    };
  }
}

/** Scores a whole series offline, sample by sample, exactly as a stream would (no look-ahead). */
export function scoreSeries(samples: Iterable<Sample>, options: EnsembleOptions = {}): ScoredSample[] {
  const ensemble = new Ensemble(options);
  const out: ScoredSample[] = [];
  for (const sample of samples) out.push(ensemble.observe(sample));
  return out;
}
