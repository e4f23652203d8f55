/**
 * Honest evaluation on top of the NAB scorer: a corpus-wide threshold chosen on the same files it is
 * scored on flatters a detector, more so on a corpus of 7 files. These helpers give the numbers we
 * decide on:
 *
 * - `leaveOneOut`: for each file, the threshold is chosen (NAB's sweep) on all the *other* files and
 *   the file is scored at it; the held-out scores are summed and normalised like a corpus score.
 * - `leaveOneGroupOut`: the same with whole groups (NAB categories) held out: how the threshold
 *   chosen on the categories we have transfers to a category we have not seen.
 * - `scoreByGroup`: one threshold for the whole corpus (the NAB way), and the normalised score of
 *   each group of files (a NAB category) at that threshold.
 */
import {
  nullDetectorScore,
  normalize,
  optimizeThreshold,
  profiles,
  scoreAtThreshold,
  scoreCorpus,
  sweepFile,
  type CorpusResult,
  type CostMatrix,
  type LabelledFile,
} from './scoring.js';

export interface ScoredFile<F extends LabelledFile = LabelledFile> {
  file: F;
  scores: readonly number[];
}

export interface HeldOutFile {
  name: string;
  /** Threshold chosen on the other files. */
  threshold: number;
  score: number;
  windows: number;
}

export interface LeaveOneOutResult {
  rawScore: number;
  nullScore: number;
  perfectScore: number;
  normalizedScore: number;
  files: HeldOutFile[];
}

export function leaveOneOut(scored: readonly ScoredFile[], cost: CostMatrix = profiles.standard): LeaveOneOutResult {
  const swept = scored.map(({ file, scores }) => sweepFile(file, scores, cost));
  const files = scored.map(({ file }, i) => {
    const others = swept.flatMap((points, j) => (j === i ? [] : points));
    const { threshold } = optimizeThreshold(others, cost);
    return { name: file.name, threshold, score: scoreAtThreshold(swept[i]!, cost, threshold).score, windows: file.windows.length };
  });
  const rawScore = files.reduce((s, f) => s + f.score, 0);
  const nullScore = nullDetectorScore(
    scored.map((s) => s.file),
    cost,
  );
  const perfectScore = scored.reduce((s, f) => s + f.file.windows.length, 0) * cost.tpWeight;
  return { rawScore, nullScore, perfectScore, normalizedScore: normalize(rawScore, nullScore, perfectScore), files };
}

export interface HeldOutGroup {
  group: string;
  /** Threshold chosen on the other groups. */
  threshold: number;
  rawScore: number;
  windows: number;
  /** NaN for a group without windows. */
  normalizedScore: number;
}

export function leaveOneGroupOut<F extends LabelledFile>(
  scored: readonly ScoredFile<F>[],
  groupOf: (file: F) => string,
  cost: CostMatrix = profiles.standard,
): { rawScore: number; normalizedScore: number; groups: HeldOutGroup[] } {
  const swept = scored.map(({ file, scores }) => ({ file, group: groupOf(file), points: sweepFile(file, scores, cost) }));
  const names = [...new Set(swept.map((s) => s.group))];
  const groups = names.map((group) => {
    const others = swept.filter((s) => s.group !== group).flatMap((s) => s.points);
    const members = swept.filter((s) => s.group === group);
    // With a single group there is nothing else to choose on: fall back to its own optimum.
    const { threshold } = optimizeThreshold(others.length ? others : members.flatMap((m) => m.points), cost);
    const rawScore = members.reduce((sum, m) => sum + scoreAtThreshold(m.points, cost, threshold).score, 0);
    const windows = members.reduce((sum, m) => sum + m.file.windows.length, 0);
    const nullScore = nullDetectorScore(
      members.map((m) => m.file),
      cost,
    );
    return { group, threshold, rawScore, windows, normalizedScore: windows ? normalize(rawScore, nullScore, windows * cost.tpWeight) : NaN };
  });
  const rawScore = groups.reduce((sum, g) => sum + g.rawScore, 0);
  const nullScore = nullDetectorScore(
    scored.map((s) => s.file),
    cost,
  );
  const perfect = scored.reduce((sum, s) => sum + s.file.windows.length, 0) * cost.tpWeight;
  return { rawScore, normalizedScore: normalize(rawScore, nullScore, perfect), groups };
}

export interface GroupScore {
  group: string;
  files: number;
  windows: number;
  rawScore: number;
  /** Normalised at the corpus threshold; NaN for a group without windows (its raw score is its false-positive cost). */
  normalizedScore: number;
  falsePositives: number;
}

/** The corpus score (one threshold, NAB's sweep) and each group's share of it at that threshold. */
export function scoreByGroup<F extends LabelledFile>(
  scored: readonly ScoredFile<F>[],
  groupOf: (file: F) => string,
  cost: CostMatrix = profiles.standard,
): { corpus: CorpusResult; groups: GroupScore[] } {
  const corpus = scoreCorpus(scored, cost);
  return { corpus, groups: groupsAt(scored, groupOf, corpus.threshold, cost) };
}

/** Each group's score at a given threshold (e.g. one chosen on another corpus). */
export function groupsAt<F extends LabelledFile>(
  scored: readonly ScoredFile<F>[],
  groupOf: (file: F) => string,
  threshold: number,
  cost: CostMatrix = profiles.standard,
): GroupScore[] {
  const names = [...new Set(scored.map((s) => groupOf(s.file)))];
  return names.map((group) => {
    const members = scored.filter((s) => groupOf(s.file) === group);
    let rawScore = 0;
    let falsePositives = 0;
    for (const { file, scores } of members) {
      const row = scoreAtThreshold(sweepFile(file, scores, cost), cost, threshold);
      rawScore += row.score;
      falsePositives += row.fp;
    }
    const windows = members.reduce((s, m) => s + m.file.windows.length, 0);
    const nullScore = nullDetectorScore(
      members.map((m) => m.file),
      cost,
    );
    const perfect = windows * cost.tpWeight;
    return {
      group,
      files: members.length,
      windows,
      rawScore,
      normalizedScore: windows ? normalize(rawScore, nullScore, perfect) : NaN,
      falsePositives,
    };
  });
}

/** The corpus score at a fixed threshold (chosen elsewhere), normalised. */
export function scoreAt(scored: readonly ScoredFile[], threshold: number, cost: CostMatrix = profiles.standard): { rawScore: number; normalizedScore: number } {
  let rawScore = 0;
  for (const { file, scores } of scored) rawScore += scoreAtThreshold(sweepFile(file, scores, cost), cost, threshold).score;
  const nullScore = nullDetectorScore(
    scored.map((s) => s.file),
    cost,
  );
  const perfect = scored.reduce((s, f) => s + f.file.windows.length, 0) * cost.tpWeight;
  return { rawScore, normalizedScore: normalize(rawScore, nullScore, perfect) };
}
