/**
 * Time phrases, read relative to the fixture's instant (2026-11-24 11:00 UTC): windows, anchors,
 * periods, instants and comparison baselines, plus a time zone.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseTime } from './time.js';

const now = Date.UTC(2026, 10, 24, 11, 0, 0);
const M = 60_000;
const H = 60 * M;

const cases: [phrase: string, kind: string, windowMs: number, offsetMs: number, compareMs?: number][] = [
  ['memory in the last 15 minutes', 'window', 15 * M, 0],
  ['cpu over the past 2h', 'window', 2 * H, 0],
  ['requests over the last day', 'window', 24 * H, 0],
  ['errors in the past half hour', 'window', 30 * M, 0],
  ['latency last 1h30m', 'window', 90 * M, 0],
  ['restarts for the past 3 days', 'window', 72 * H, 0],
  ['load in the last few minutes', 'window', 3 * M, 0],
  ['error rate since 9am', 'since', 2 * H, 0],
  ['requests since 10:30', 'since', 30 * M, 0],
  ['restarts since yesterday', 'since', 35 * H, 0],
  ['restarts since midnight', 'since', 11 * H, 0],
  ['since 2 hours ago', 'since', 2 * H, 0],
  ['latency between 9 and 10 am', 'between', H, H],
  ['latency between 2 and 3 pm', 'between', H, 20 * H],
  ['from 9:30 to 10:15', 'between', 45 * M, 45 * M],
  ['cpu yesterday', 'period', 24 * H, 11 * H],
  ['requests today', 'period', 11 * H, 0],
  ['memory this morning', 'period', 5 * H, 0],
  ['memory an hour ago', 'point', 0, H],
  ['memory 90 minutes ago', 'point', 0, 90 * M],
  ['latency at 10:30', 'point', 0, 30 * M],
  ['latency at 9:30 yesterday', 'point', 0, 25.5 * H],
  ['same time yesterday', 'point', 0, 24 * H],
  ['latency compared to an hour ago', 'none', 0, 0, H],
  ['request rate vs yesterday', 'none', 0, 0, 24 * H],
  ['cpu compared with 2 hours ago', 'none', 0, 0, 2 * H],
  ['requests day over day', 'none', 0, 0, 24 * H],
  ['memory in the last hour compared to the previous hour', 'window', H, 0, H],
  ['how much has memory grown since an hour ago', 'none', 0, 0, H],
  ['top 5 pods on node 2', 'none', 0, 0],
];

for (const [phrase, kind, windowMs, offsetMs, compareMs] of cases) {
  test(phrase, () => {
    const t = parseTime(phrase, now);
    assert.is(t.kind, kind);
    assert.is(t.windowMs, windowMs);
    assert.is(t.offsetMs, offsetMs);
    assert.is(t.compareMs, compareMs);
  });
}

test('the phrase is marked so it is not read as a name', () => {
  const t = parseTime('p95 of petsite over the last 15 minutes', now);
  assert.is('p95 of petsite over the last 15 minutes'.slice(t.spans[0]!.from, t.spans[0]!.to), 'over the last 15 minutes');
  assert.is(t.description, 'last 15 minutes');
});

test('clock times follow the time zone', () => {
  // 11:00 UTC is 12:00 in Paris (CET): "since 9am" there is 3 hours.
  assert.is(parseTime('since 9am', now, 'Europe/Paris').windowMs, 3 * H);
  // 11:00 UTC is 03:00 in Los Angeles: the last 9am there was yesterday's, 18 hours ago.
  assert.is(parseTime('since 9am', now, 'America/Los_Angeles').windowMs, 18 * H);
  assert.is(parseTime('since 9am', now).description, 'since 09:00');
});

test.run();
