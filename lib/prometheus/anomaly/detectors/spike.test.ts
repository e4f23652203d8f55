import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Random } from '../../../../core/random.js';
import { levelShift, spike as blip } from '../../../../test/support/anomaly/synthetic.js';
import { gapFactor } from './common.js';
import { Ar1, spike } from './spike.js';
import { runDetector } from '../../../../test/support/anomaly/run-detector.js';

test('a sudden jump is a spike, a sudden fall a drop', () => {
  const up = runDetector(spike, levelShift({ length: 500, at: 400, shift: 15 }).samples, { metric: 'http_request_duration_seconds' });
  assert.is(up.strongest, 400);
  assert.is(up.top.finding?.kind, 'spike');
  assert.match(up.top.finding!.explanation, /^Http_request_duration_seconds jumped from [\d.]+ s to [\d.]+ s \(\+[\d.]+ s\) in 60 s/);
  const down = runDetector(spike, levelShift({ length: 500, at: 400, shift: -15 }).samples);
  assert.is(down.strongest, 400);
  assert.is(down.top.finding?.kind, 'drop');
});

test('changes across a gap are scaled by the square root of the time that passed', () => {
  assert.is(gapFactor(60_000, 60_000), 1);
  assert.is(gapFactor(100 * 60_000, 60_000), 10);
  assert.is(gapFactor(30_000, undefined), 1);
  // A series that wanders: after a 4-hour gap it is 10 units away, which is ordinary for 4 hours.
  const samples = levelShift({ length: 500, at: 10_000, shift: 0 }).samples;
  const gapped = samples.map((s, i) => (i < 400 ? s : { t: s.t + 4 * 3_600, v: s.v + 10 }));
  const { verdicts } = runDetector(spike, gapped);
  const ungapped = runDetector(spike, samples.map((s, i) => (i < 400 ? s : { t: s.t, v: s.v + 10 }))).verdicts;
  assert.ok(verdicts[400]!.surprise < ungapped[400]!.surprise, `${verdicts[400]!.surprise} vs ${ungapped[400]!.surprise}`);
});

test('the forecast is the previous sample for a wandering series and the level for a noisy one', () => {
  const random = new Random(5);
  const walk = new Ar1();
  const noise = new Ar1();
  let x = 0;
  for (let i = 0; i < 2000; i++) {
    x += random.normal(0, 1);
    walk.push(x);
    noise.push(50 + random.normal(0, 1));
  }
  assert.ok(walk.phi > 0.9, `random walk phi ${walk.phi}`);
  assert.ok(Math.abs(walk.forecast() - x) < 0.1 * Math.abs(x - walk.mean) + 1);
  assert.ok(noise.phi < 0.15, `white noise phi ${noise.phi}`);
  assert.ok(Math.abs(noise.forecast() - 50) < 0.5);
});

test('on a series that keeps returning to its level, the return after a blip is not another spike', () => {
  const series = blip({ length: 600, at: 400, height: 12 });
  const { verdicts, strongest } = runDetector(spike, series.samples);
  assert.is(strongest, 400);
  assert.is(verdicts[400]!.finding?.kind, 'spike');
  // A sample-to-sample change would see a 12-unit fall at 401; against the forecast it is ordinary.
  assert.ok(verdicts[401]!.surprise < 1, `return to normal: surprise ${verdicts[401]!.surprise}`);
  assert.is(verdicts[401]!.finding, undefined);
});

test.run();
