/**
 * The Numenta Anomaly Benchmark (NAB) scoring, reproduced from NAB's own code (numenta/NAB, v1.1:
 * nab/sweeper.py, nab/optimizer.py, nab/scorer.py, nab/runner.py normalize(), config/profiles.json),
 * so our numbers compare with the published scoreboard:
 *
 * - Each labelled anomaly window earns the scaled sigmoid of the position of its *first* detection
 *   (earliest = ~1, at the right edge = 0), divided by the sigmoid's maximum so an early detection is
 *   worth exactly tpWeight; a window with no detection costs fnWeight.
 * - Every detection outside a window costs fpWeight times the sigmoid of its distance past the
 *   preceding window (a detection right after a window is almost free; before any window, full cost).
 * - The probationary period, min(floor(15% of rows), 750 rows), is not scored.
 * - One threshold for the whole corpus is chosen by sweeping every distinct anomaly score (a point is
 *   a detection when its score >= threshold) and keeping the best total.
 * - The total is normalised so the null detector (never detects anything useful) scores 0 and the
 *   perfect detector (each window detected at its very start, nothing else) scores 100. As in NAB's
 *   run.py, "perfect" counts the windows of combined_windows.json (two labels can share one window).
 */

export interface CostMatrix {
  tpWeight: number;
  fpWeight: number;
  fnWeight: number;
  tnWeight: number;
}

/** NAB's profiles (config/profiles.json). */
export const profiles = {
  standard: { tpWeight: 1.0, fpWeight: 0.11, fnWeight: 1.0, tnWeight: 1.0 },
  reward_low_FP_rate: { tpWeight: 1.0, fpWeight: 0.22, fnWeight: 1.0, tnWeight: 1.0 },
  reward_low_FN_rate: { tpWeight: 1.0, fpWeight: 0.11, fnWeight: 2.0, tnWeight: 1.0 },
} as const satisfies Record<string, CostMatrix>;

export const PROBATION_PERCENT = 0.15;

/** One data file of the corpus: its timestamps (epoch ms, file order) and anomaly windows. */
export interface LabelledFile {
  name: string;
  timestamps: readonly number[];
  /** [start, end] epoch ms, inclusive, in time order. */
  windows: readonly (readonly [number, number])[];
}

/** What the sweep knows about one row (NAB's AnomalyPoint). */
export interface SweepPoint {
  anomalyScore: number;
  /** The row's contribution if it were a detection. */
  sweepScore: number;
  /** `file|windowStart` inside a window, null outside, 'probationary' when not scored. */
  windowName: string | null;
}

export interface ThresholdScore {
  threshold: number;
  score: number;
  tp: number;
  tn: number;
  fp: number;
  fn: number;
  total: number;
}

export function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

/**
 * NAB's scaled sigmoid of a relative position: -1 (left edge of a window) -> 0.98661, 0 (right edge)
 * -> 0, 1 (one window length past it) -> -0.98661; beyond 3 it is -1.
 */
export function scaledSigmoid(relativePosition: number): number {
  if (relativePosition > 3.0) return -1.0;
  return 2 * sigmoid(-5 * relativePosition) - 1.0;
}

/** Rows at the start of a file that are not scored: NAB's min(floor(15% of rows), 15% of 5000). */
export function probationaryLength(rows: number, percent = PROBATION_PERCENT): number {
  return Math.min(Math.floor(percent * rows), percent * 5000);
}

/** Window edges as row indices (NAB enters a window at the row whose timestamp equals its start). */
export function windowIndices(file: LabelledFile): { start: number; end: number; name: string }[] {
  const out: { start: number; end: number; name: string }[] = [];
  let from = 0;
  for (const [startT, endT] of file.windows) {
    let start = -1;
    for (let i = from; i < file.timestamps.length; i++) {
      if (file.timestamps[i]! === startT) {
        start = i;
        break;
      }
    }
    // NAB's labels always sit on data timestamps; tolerate hand-made windows that do not.
    if (start < 0) start = firstIndex(file.timestamps, from, (t) => t >= startT);
    if (start < 0) continue;
    let end = firstIndex(file.timestamps, start, (t) => t === endT);
    if (end < 0) end = lastIndex(file.timestamps, start, (t) => t <= endT);
    if (end < start) continue;
    out.push({ start, end, name: `${file.name}|${startT}` });
    from = end + 1;
  }
  return out;
}

/** NAB's Sweeper.calcSweepScore: each row's would-be contribution and its window. */
export function sweepFile(file: LabelledFile, anomalyScores: readonly number[], cost: CostMatrix, probationPercent = PROBATION_PERCENT): SweepPoint[] {
  if (anomalyScores.length !== file.timestamps.length) {
    throw new RangeError(`${file.name}: ${anomalyScores.length} anomaly scores for ${file.timestamps.length} rows`);
  }
  const maxTP = scaledSigmoid(-1.0);
  const probation = probationaryLength(file.timestamps.length, probationPercent);
  const windows = windowIndices(file);
  const points: SweepPoint[] = [];
  let next = 0;
  let current: (typeof windows)[number] | undefined;
  let previous: { end: number; width: number } | undefined;
  for (let i = 0; i < anomalyScores.length; i++) {
    if (!current && next < windows.length && i === windows[next]!.start) current = windows[next++];
    let sweepScore: number;
    if (current) {
      const width = current.end - current.start + 1;
      const position = -(current.end - i + 1) / width;
      sweepScore = (scaledSigmoid(position) * cost.tpWeight) / maxTP;
    } else if (!previous) {
      sweepScore = -1.0 * cost.fpWeight;
    } else {
      sweepScore = scaledSigmoid(Math.abs(previous.end - i) / (previous.width - 1)) * cost.fpWeight;
    }
    const windowName = i >= probation ? (current?.name ?? null) : 'probationary';
    points.push({ anomalyScore: anomalyScores[i]!, sweepScore, windowName });
    if (current && i === current.end) {
      previous = { end: current.end, width: current.end - current.start + 1 };
      current = undefined;
    }
  }
  return points;
}

/**
 * NAB's Sweeper.calcScoreByThreshold: the score for every distinct threshold, from "detect nothing"
 * (1.1) down to the lowest anomaly score. Row k scores detections = points with score >= threshold.
 */
export function scoresByThreshold(points: readonly SweepPoint[], cost: CostMatrix): ThresholdScore[] {
  const scorable = points.filter((p) => p.windowName !== 'probationary').sort((a, b) => b.anomalyScore - a.anomalyScore);
  const windowParts = new Map<string, number>();
  for (const p of scorable) if (p.windowName !== null) windowParts.set(p.windowName, -cost.fnWeight);
  let fpPart = 0;
  const total = () => {
    let s = fpPart;
    for (const v of windowParts.values()) s += v;
    return s;
  };
  let tn = scorable.filter((p) => p.windowName === null).length;
  let fn = scorable.length - tn;
  let tp = 0;
  let fp = 0;
  let threshold = 1.1;
  const out: ThresholdScore[] = [];
  for (const p of scorable) {
    if (p.anomalyScore !== threshold) {
      out.push({ threshold, score: total(), tp, tn, fp, fn, total: tp + tn + fp + fn });
      threshold = p.anomalyScore;
    }
    if (p.windowName !== null) {
      tp++;
      fn--;
      windowParts.set(p.windowName, Math.max(windowParts.get(p.windowName)!, p.sweepScore));
    } else {
      fp++;
      tn--;
      fpPart += p.sweepScore;
    }
  }
  out.push({ threshold, score: total(), tp, tn, fp, fn, total: tp + tn + fp + fn });
  return out;
}

/** NAB's optimizer: the threshold with the best corpus score (the highest threshold among ties). */
export function optimizeThreshold(points: readonly SweepPoint[], cost: CostMatrix): ThresholdScore {
  const rows = scoresByThreshold(points, cost);
  let best = rows[0]!;
  for (const row of rows) if (row.score > best.score) best = row;
  return best;
}

/** NAB's Sweeper.scoreDataSet: one file's score at a given threshold. */
export function scoreAtThreshold(points: readonly SweepPoint[], cost: CostMatrix, threshold: number): ThresholdScore {
  const rows = scoresByThreshold(points, cost);
  let previous: ThresholdScore | undefined;
  for (const row of rows) {
    if (row.threshold === threshold) return row;
    if (row.threshold < threshold) return previous ?? row;
    previous = row;
  }
  // Every score in the file is above the threshold (NAB would fail here): all rows are detections.
  return rows[rows.length - 1]!;
}

export interface FileResult {
  name: string;
  score: number;
  tp: number;
  fp: number;
  fn: number;
  tn: number;
  windows: number;
}

export interface CorpusResult {
  threshold: number;
  /** Sum of the per-file scores at the chosen threshold. */
  rawScore: number;
  /** The null detector's best raw score (its baseline). */
  nullScore: number;
  /** Number of anomaly windows times tpWeight. */
  perfectScore: number;
  /** 100 * (raw - null) / (perfect - null). */
  normalizedScore: number;
  files: FileResult[];
}

/**
 * Scores a detector over a corpus the NAB way: sweep each file, pick one threshold for the corpus,
 * score each file at it, and normalise against the null and perfect detectors.
 */
export function scoreCorpus(
  corpus: readonly { file: LabelledFile; scores: readonly number[] }[],
  cost: CostMatrix = profiles.standard,
  probationPercent = PROBATION_PERCENT,
): CorpusResult {
  const swept = corpus.map(({ file, scores }) => ({ file, points: sweepFile(file, scores, cost, probationPercent) }));
  const best = optimizeThreshold(
    swept.flatMap((s) => s.points),
    cost,
  );
  const files = swept.map(({ file, points }) => {
    const row = scoreAtThreshold(points, cost, best.threshold);
    return { name: file.name, score: row.score, tp: row.tp, fp: row.fp, fn: row.fn, tn: row.tn, windows: file.windows.length };
  });
  const rawScore = files.reduce((s, f) => s + f.score, 0);
  const nullScore = nullDetectorScore(
    corpus.map((c) => c.file),
    cost,
    probationPercent,
  );
  const perfectScore = corpus.reduce((s, c) => s + c.file.windows.length, 0) * cost.tpWeight;
  return {
    threshold: best.threshold,
    rawScore,
    nullScore,
    perfectScore,
    normalizedScore: normalize(rawScore, nullScore, perfectScore),
    files,
  };
}

/** NAB's null detector reports 0.5 for every row; its optimised raw score is the baseline. */
export function nullDetectorScore(files: readonly LabelledFile[], cost: CostMatrix = profiles.standard, probationPercent = PROBATION_PERCENT): number {
  const points = files.flatMap((file) => sweepFile(file, new Array<number>(file.timestamps.length).fill(0.5), cost, probationPercent));
  return optimizeThreshold(points, cost).score;
}

export function normalize(raw: number, nullScore: number, perfect: number): number {
  return (100 * (raw - nullScore)) / (perfect - nullScore);
}

function firstIndex(values: readonly number[], from: number, test: (v: number) => boolean): number {
  for (let i = from; i < values.length; i++) if (test(values[i]!)) return i;
  return -1;
}

function lastIndex(values: readonly number[], from: number, test: (v: number) => boolean): number {
  let found = -1;
  for (let i = from; i < values.length; i++) {
    if (test(values[i]!)) found = i;
    else if (found >= 0) break;
  }
  return found;
}
