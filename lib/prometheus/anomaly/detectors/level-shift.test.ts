import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { levelShift as shiftedSeries } from '../../../../test/support/anomaly/synthetic.js';
import { levelShift } from './level-shift.js';
import { runDetector } from '../../../../test/support/anomaly/run-detector.js';

test('a step of four noise widths is found right after it happens, with both means', () => {
  const { strongest, top } = runDetector(levelShift, shiftedSeries({ length: 600, at: 400, shift: 4 }).samples);
  assert.ok(strongest >= 400 && strongest < 470, `strongest at ${strongest}`);
  assert.is(top.finding?.kind, 'level-shift');
  assert.is(top.finding?.direction, 1);
  assert.match(top.finding!.explanation, /shifted from a mean of 10[01](\.\d+)? to 10[345](\.\d+)? \(\+[\d.]+%\)/);
  assert.ok(top.finding!.evidence.after! - top.finding!.evidence.before! > 2.5);
});

test.run();
