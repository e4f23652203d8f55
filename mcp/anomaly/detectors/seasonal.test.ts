import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { daily, steady } from '../synthetic.js';
import { seasonal } from './seasonal.js';
import { runDetector } from './testing.js';

const DAY = 288; // 5-minute samples

test('a day whose cycle is flattened stands out against the same time yesterday', () => {
  const series = daily({ length: 11 * DAY, stepMs: 300_000, level: 1000, amplitude: 400, noise: 20, at: 10 * DAY + 100, duration: 60, factor: 0.4 });
  const { strongest, top } = runDetector(seasonal, series.samples);
  assert.ok(strongest >= series.anomalyAt && strongest < series.anomalyAt + 60, `strongest at ${strongest}`);
  assert.is(top.finding?.kind, 'seasonal-deviation');
  assert.match(top.finding!.explanation, /same time yesterday/);
  assert.match(top.finding!.explanation, /usual for this hour of the day is about/);
});

test('without a cycle (or before a day of history) it stays out of the way', () => {
  const { verdicts } = runDetector(seasonal, steady({ length: 3 * DAY, stepMs: 300_000 }).samples);
  assert.ok(verdicts.every((v) => v.surprise === 0));
  const young = runDetector(seasonal, daily({ length: DAY, stepMs: 300_000, level: 1000, amplitude: 400 }).samples);
  assert.ok(young.verdicts.every((v) => v.surprise === 0));
});

test.run();
