import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  normalize,
  nullDetectorScore,
  optimizeThreshold,
  probationaryLength,
  profiles,
  scaledSigmoid,
  scoreAtThreshold,
  scoreCorpus,
  scoresByThreshold,
  sweepFile,
  type LabelledFile,
} from './scoring.js';

const MIN = 60_000;
const close = (actual: number, expected: number, tolerance = 1e-4) => assert.ok(Math.abs(actual - expected) <= tolerance, `${actual} != ${expected}`);

/** 100 rows one minute apart; one window over rows 40..59 (20 rows). Probation: rows 0..14. */
const file: LabelledFile = {
  name: 'test/one.csv',
  timestamps: Array.from({ length: 100 }, (_, i) => i * MIN),
  windows: [[40 * MIN, 59 * MIN]],
};
const detectionsAt = (...rows: number[]) => file.timestamps.map((_, i) => (rows.includes(i) ? 1 : 0));
const standard = profiles.standard;

test('the scaled sigmoid and the probationary period are NAB\'s', () => {
  close(scaledSigmoid(-1), 0.98661);
  close(scaledSigmoid(-0.5), 0.84828);
  close(scaledSigmoid(0), 0);
  close(scaledSigmoid(1), -0.98661);
  assert.is(scaledSigmoid(3.5), -1);
  assert.is(probationaryLength(100), 15);
  assert.is(probationaryLength(22_695), 750); // capped at 15% of 5000 rows
  assert.equal(standard, { tpWeight: 1, fpWeight: 0.11, fnWeight: 1, tnWeight: 1 });
});

test('a detection at the very start of the window scores tpWeight', () => {
  const row = scoreAtThreshold(sweepFile(file, detectionsAt(40), standard), standard, 1);
  close(row.score, 1, 1e-12);
  assert.equal([row.tp, row.fp, row.fn], [1, 0, 19]);
});

test('one detection a quarter into the window: scaledSigmoid(-15/20) / scaledSigmoid(-1)', () => {
  // position = -(59 - 45 + 1) / 20 = -0.75; 2 / (1 + e^-3.75) - 1 = 0.954046; / 0.986614 = 0.966995
  const row = scoreAtThreshold(sweepFile(file, detectionsAt(45), standard), standard, 1);
  close(row.score, 0.966995);
});

test('only the first detection in a window counts; a later one adds nothing', () => {
  const row = scoreAtThreshold(sweepFile(file, detectionsAt(45, 50, 58), standard), standard, 1);
  close(row.score, 0.966995);
});

test('false positives: full cost before any window, sigmoid-discounted after one, none in probation', () => {
  // Row 20 precedes every window: -0.11. Row 70 is |59 - 70| / (20 - 1) = 0.5789 windows past the
  // window: 0.11 * (2 / (1 + e^2.8947) - 1) = -0.098475. Row 5 is in probation: ignored.
  // The window is missed: -1.
  const row = scoreAtThreshold(sweepFile(file, detectionsAt(5, 20, 70), standard), standard, 1);
  close(row.score, -1 - 0.11 - 0.098475);
  assert.is(row.fp, 2);
});

test('thresholds sweep from "detect nothing" down; the optimiser keeps the best', () => {
  const scores = file.timestamps.map((_, i) => (i === 45 ? 0.9 : i === 20 ? 0.95 : i === 70 ? 0.5 : 0.1));
  const points = sweepFile(file, scores, standard);
  const rows = scoresByThreshold(points, standard);
  assert.equal(
    rows.slice(0, 4).map((r) => r.threshold),
    [1.1, 0.95, 0.9, 0.5],
  );
  close(rows[0]!.score, -1); // nothing detected: the window is missed
  close(rows[1]!.score, -1.11); // only the false positive
  close(rows[2]!.score, 0.966995 - 0.11);
  const best = optimizeThreshold(points, standard);
  assert.is(best.threshold, 0.9);
  close(scoreAtThreshold(points, standard, 0.92).score, -1.11); // between scores: detections are >= 0.92
});

test('normalisation: the null detector scores 0 and the perfect detector 100', () => {
  const other: LabelledFile = { name: 'test/two.csv', timestamps: Array.from({ length: 200 }, (_, i) => i * MIN), windows: [[60 * MIN, 79 * MIN], [150 * MIN, 169 * MIN]] };
  const files = [file, other];
  const perfect = scoreCorpus(files.map((f) => ({ file: f, scores: f.timestamps.map((t) => (f.windows.some(([s]) => s === t) ? 1 : 0)) })));
  assert.is(perfect.nullScore, -3);
  assert.is(perfect.perfectScore, 3);
  close(perfect.normalizedScore, 100, 1e-9);
  const nothing = scoreCorpus(files.map((f) => ({ file: f, scores: f.timestamps.map(() => 0.5) })));
  close(nothing.normalizedScore, 0, 1e-9);
  assert.is(nullDetectorScore(files), -3);
  assert.is(normalize(0, -3, 3), 50);
});

test.run();
