import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spike } from '../../../../test/support/anomaly/synthetic.js';
import { robustZScore } from './robust-zscore.js';
import { runDetector } from '../../../../test/support/anomaly/run-detector.js';

test('a single outlier is the strongest evidence, with the median it departs from', () => {
  const { strongest, top } = runDetector(robustZScore, spike({ length: 500, at: 400, height: 12 }).samples);
  assert.is(strongest, 400);
  assert.is(top.finding?.kind, 'outlier');
  assert.is(top.finding?.severity, 'critical');
  assert.is(top.finding?.direction, 1);
  assert.match(top.finding!.explanation, /Value 11\d is \d+\.\d robust standard deviations above the median 100 of the last \d+ h/);
});

test('a dip is reported below the median', () => {
  const { strongest, top } = runDetector(robustZScore, spike({ length: 500, at: 400, height: -12 }).samples);
  assert.is(strongest, 400);
  assert.is(top.finding?.direction, -1);
  assert.match(top.finding!.explanation, /below the median/);
});

test('nothing is judged before the baseline has samples', () => {
  const { verdicts } = runDetector(robustZScore, spike({ length: 40, at: 10, height: 50 }).samples);
  assert.is(verdicts[10]!.surprise, 0);
});

test.run();
