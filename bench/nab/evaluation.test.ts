import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { leaveOneGroupOut, leaveOneOut, scoreAt, scoreByGroup } from './evaluation.js';
import { scoreCorpus, type LabelledFile } from './scoring.js';

const MIN = 60_000;
/** 100 rows; one window over rows 40..59; detections (score 1) at the given rows, 0 elsewhere. */
function file(name: string, ...rows: number[]) {
  const f: LabelledFile & { group: string } = {
    name,
    group: name.split('/')[0]!,
    timestamps: Array.from({ length: 100 }, (_, i) => i * MIN),
    windows: [[40 * MIN, 59 * MIN]],
  };
  return { file: f, scores: f.timestamps.map((_, i) => (rows.includes(i) ? 0.9 : i === 70 ? 0.6 : 0.1)) };
}

test('leave-one-out scores each file at the threshold chosen on the others', () => {
  const scored = [file('a/1.csv', 40), file('a/2.csv', 41), file('b/3.csv', 42)];
  const loo = leaveOneOut(scored);
  assert.is(loo.files.length, 3);
  for (const f of loo.files) assert.ok(f.threshold > 0.6 && f.threshold <= 0.9, `${f.name} threshold ${f.threshold}`);
  // Every file is caught early in its window at the others' threshold: the same as the corpus score.
  const corpus = scoreCorpus(scored);
  assert.ok(Math.abs(loo.rawScore - corpus.rawScore) < 1e-9);
  assert.ok(Math.abs(loo.normalizedScore - corpus.normalizedScore) < 1e-9);
});

test('a threshold chosen elsewhere can miss: held-out scores are not the in-sample ones', () => {
  // Two files detect only with the weak 0.6 score, after their windows; one detects at 0.9 in its window.
  const scored = [file('a/1.csv', 45), { ...file('b/2.csv'), scores: file('b/2.csv').scores.map((s, i) => (i === 50 ? 0.6 : s === 0.6 ? 0.1 : s)) }];
  const groups = leaveOneGroupOut(scored, (f) => f.group);
  assert.equal(
    groups.groups.map((g) => g.group),
    ['a', 'b'],
  );
  const b = groups.groups[1]!;
  assert.is(b.threshold, 0.9); // chosen on group a
  assert.ok(b.rawScore < 0, 'group b misses its window at group a\'s threshold');
  assert.ok(scoreAt(scored, 0.6).rawScore > scoreAt(scored, 0.95).rawScore);
});

test('group scores at the corpus threshold add up to the corpus score', () => {
  const scored = [file('a/1.csv', 40), file('a/2.csv'), file('b/3.csv', 55)];
  const { corpus, groups } = scoreByGroup(scored, (f) => f.group);
  assert.equal(
    groups.map((g) => [g.group, g.files, g.windows]),
    [
      ['a', 2, 2],
      ['b', 1, 1],
    ],
  );
  assert.ok(Math.abs(groups.reduce((s, g) => s + g.rawScore, 0) - corpus.rawScore) < 1e-9);
});

test.run();
