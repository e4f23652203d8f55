import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Cadence, DAY_MS, HOUR_MS, SeasonalProfile, SeriesHistory, slotOf } from './seasonal.js';
import { SYNTHETIC_START, daily } from '../../../test/support/anomaly/synthetic.js';

test('slots count from midnight UTC and from Monday 00:00', () => {
  const monday = SYNTHETIC_START; // 2026-11-23, a Monday
  assert.is(slotOf(monday, 'hour-of-week'), 0);
  assert.is(slotOf(monday + 14 * HOUR_MS + 59 * 60_000, 'hour-of-day'), 14);
  assert.is(slotOf(monday + 2 * DAY_MS + 3 * HOUR_MS, 'hour-of-week'), 51);
  assert.is(slotOf(monday - HOUR_MS, 'hour-of-week'), 167); // Sunday 23:00
});

test('an hour-of-day profile learns the daily cycle incrementally', () => {
  const { samples } = daily({ length: 6 * 288, stepMs: 300_000, level: 1000, amplitude: 400, noise: 5 });
  const profile = new SeasonalProfile('hour-of-day');
  for (const s of samples) profile.push(s.t * 1000, s.v);
  assert.is(profile.coverage(), 1);
  const peak = profile.expected(SYNTHETIC_START + 14 * HOUR_MS + 30 * 60_000)!;
  const trough = profile.expected(SYNTHETIC_START + 2 * HOUR_MS + 30 * 60_000)!;
  assert.ok(Math.abs(peak.median - 1400) < 20, `peak ${peak.median}`);
  assert.ok(Math.abs(trough.median - 600) < 20, `trough ${trough.median}`);
  assert.is(new SeasonalProfile('hour-of-week').expected(SYNTHETIC_START), undefined);
});

test('series history answers "the value this time yesterday", tolerating jitter and gaps', () => {
  const history = new SeriesHistory(2 * DAY_MS);
  for (let t = 0; t <= 3 * DAY_MS; t += 60_000) if (t < DAY_MS + HOUR_MS || t > DAY_MS + 2 * HOUR_MS) history.push(t + 1000, t / 60_000);
  const now = 3 * DAY_MS;
  assert.is(history.around(now - DAY_MS, 30_000), (2 * DAY_MS) / 60_000);
  assert.is(history.around(DAY_MS + 90 * 60_000, 30_000), undefined); // inside the gap
  assert.is(history.around(DAY_MS / 2, 30_000), undefined); // forgotten (older than the span)
});

test('cadence is the median step and ignores repeated or backward timestamps', () => {
  const cadence = new Cadence();
  assert.is(cadence.stepMs, undefined);
  for (const t of [0, 60_000, 60_000, 120_000, 100_000, 180_000, 900_000]) cadence.push(t);
  assert.is(cadence.stepMs, 60_000);
});

test.run();
