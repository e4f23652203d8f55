import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Random } from '../../../../core/random.js';
import { SYNTHETIC_START, daily, steady } from '../../../../test/support/anomaly/synthetic.js';
import { seasonal } from './seasonal.js';
import { runDetector } from '../../../../test/support/anomaly/run-detector.js';

const DAY = 288; // 5-minute samples

test('a day whose cycle is flattened stands out against the same time yesterday', () => {
  const series = daily({ length: 11 * DAY, stepMs: 300_000, level: 1000, amplitude: 400, noise: 20, at: 10 * DAY + 100, duration: 60, factor: 0.4 });
  const { strongest, top } = runDetector(seasonal, series.samples);
  assert.ok(strongest >= series.anomalyAt && strongest < series.anomalyAt + 60, `strongest at ${strongest}`);
  assert.is(top.finding?.kind, 'seasonal-deviation');
  assert.match(top.finding!.explanation, /same time yesterday/);
  assert.match(top.finding!.explanation, /usual for this hour of the day is about/);
});

test('a square daily cycle (low most of the day) is recognised, and a missing peak stands out', () => {
  // Office hours: 20 for 16 hours, 80 for 8; the MAD of such a series is only its noise.
  const random = new Random(11);
  const missing = 8 * DAY;
  const samples = Array.from({ length: 10 * DAY }, (_, i) => {
    const hour = (i % DAY) / 12;
    const high = hour >= 9 && hour < 17 && !(i >= missing && i < missing + DAY);
    return { t: (SYNTHETIC_START + i * 300_000) / 1000, v: (high ? 80 : 20) + random.normal(0, 1) };
  });
  const { verdicts } = runDetector(seasonal, samples);
  const peak = missing + 9 * 12;
  const first = verdicts.findIndex((v, i) => i >= peak && v.finding);
  assert.ok(first >= peak && first < peak + 12, `first finding at ${first}`);
  assert.is(verdicts[first]!.finding!.kind, 'seasonal-deviation');
  assert.is(verdicts[first]!.finding!.direction, -1);
  assert.ok(verdicts[first]!.surprise > 10, `surprise ${verdicts[first]!.surprise}`);
  // Ordinary days stay at chance level (a finding near the alert level now and then, never this).
  const ordinary = Math.max(...verdicts.slice(7 * DAY, missing).map((v) => v.surprise));
  assert.ok(ordinary < 3, `ordinary days up to ${ordinary}`);
});

test('without a cycle (or before a day of history) it stays out of the way', () => {
  const { verdicts } = runDetector(seasonal, steady({ length: 3 * DAY, stepMs: 300_000 }).samples);
  assert.ok(verdicts.every((v) => v.surprise === 0));
  const young = runDetector(seasonal, daily({ length: DAY, stepMs: 300_000, level: 1000, amplitude: 400 }).samples);
  assert.ok(young.verdicts.every((v) => v.surprise === 0));
});

test.run();
