import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spike } from '../../../../test/support/anomaly/synthetic.js';
import { outOfRange } from './out-of-range.js';
import { runDetector } from '../../../../test/support/anomaly/run-detector.js';

test('a value above everything seen is a new all-time high', () => {
  const { strongest, top } = runDetector(outOfRange, spike({ length: 500, at: 450, height: 30 }).samples, { metric: 'node_load1' });
  assert.is(strongest, 450);
  assert.is(top.finding?.kind, 'out-of-range');
  assert.match(top.finding!.explanation, /^Node_load1 1[23]\d is a new all-time high, [\d.]+ above the previous maximum 10\d/);
});

test('values inside the range carry no evidence', () => {
  const { verdicts } = runDetector(outOfRange, spike({ length: 500, at: 450, height: 0 }).samples);
  assert.ok(verdicts.slice(300).filter((v) => v.surprise > 0).length < 10);
});

test.run();
