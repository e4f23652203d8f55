import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { anomaliesOf } from './anomalies.js';
import type { ScoredSample } from './ensemble.js';
import type { AnomalyFinding } from './types.js';

const finding = (severity: AnomalyFinding['severity'], explanation: string): AnomalyFinding => ({
  detector: 'spike',
  kind: 'spike',
  severity,
  explanation,
  evidence: {},
  direction: 1,
  followUpQueries: [],
});

/** Samples one minute apart (Unix seconds); `marks` places anomalies (A), repeats (r) and elevated evidence (e). */
function scored(marks: string): ScoredSample[] {
  return [...marks].map((m, i) => ({
    t: i * 60,
    v: i,
    score: m === 'A' ? 0.7 : 0.1,
    surprise: m === 'A' ? 4 : m === 'r' ? 5 : m === 'e' ? 1.5 : 0.1,
    isAnomaly: m === 'A',
    repeat: m === 'r',
    ...(m === 'A' ? { finding: finding('warning', `raised at ${i}`) } : m === 'r' ? { finding: finding('critical', `worse at ${i}`) } : {}),
  }));
}

test('an anomaly and its repeats and elevated neighbours are one episode', () => {
  const [episode, ...rest] = anomaliesOf(scored('..Ae.r..e.......'), 1.8);
  assert.is(rest.length, 0);
  assert.is(episode!.start, 2 * 60);
  assert.is(episode!.end, 8 * 60);
  assert.equal(episode!.peak, { t: 5 * 60, v: 5 }); // the repeat was more surprising
  assert.is(episode!.severity, 'critical'); // ...and more severe, so it explains the episode
  assert.is(episode!.explanation, 'worse at 5');
  assert.is(episode!.ongoing, false);
});

test('quiet gaps longer than the tolerance split episodes; the last may be ongoing', () => {
  const found = anomaliesOf(scored('A.....A.e'), 1.8);
  assert.is(found.length, 2);
  assert.is(found[0]!.explanation, 'raised at 0');
  assert.is(found[1]!.ongoing, true);
});

test('a jump that the series stays at is explained as a shift, not a spike', () => {
  const marks = scored('..Arr...');
  const shift: AnomalyFinding = { ...finding('warning', 'shifted'), detector: 'level-shift', kind: 'level-shift' };
  marks[3] = { ...marks[3]!, surprise: 3, finding: shift };
  marks[4] = { ...marks[4]!, surprise: 3, finding: { ...shift, kind: 'outlier', direction: -1, explanation: 'other way' } };
  const [episode] = anomaliesOf(marks, 1.8);
  assert.is(episode!.kind, 'level-shift');
  assert.is(episode!.explanation, 'shifted');
  assert.equal(episode!.peak, { t: 2 * 60, v: 2 }); // the peak is still the jump
});

test('no anomaly, no episode', () => {
  assert.equal(anomaliesOf(scored('..e.r..'), 1.8), []);
});

test.run();
