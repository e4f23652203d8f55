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

test('"and" is never read as "an d(ay)" and a letter after a word is not a unit', () => {
  assert.is(parseTime('memory of petsite and petsearch', now).kind, 'none');
  assert.is(parseTime('cpu for a man page', now).kind, 'none');
});

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
  ['memory an hour and a half ago', 'point', 0, 90 * M],
  ['memory half an hour ago', 'point', 0, 30 * M],
  ['errors in the last quarter hour', 'window', 15 * M, 0],
  ['cpu over the past 1 hour and 30 minutes', 'window', 90 * M, 0],
  ['cpu for the last one and a half hours', 'window', 90 * M, 0],
  ['requests in the last hour and a half', 'window', 90 * M, 0],
  ['latency over the past couple of hours', 'window', 2 * H, 0],
  ['latency in the last 1.5 hours', 'window', 90 * M, 0],
  ['latency last 1h 30m', 'window', 90 * M, 0],
  ['latency in the last hour or so', 'window', H, 0],
  ['p95 since noon', 'since', 23 * H, 0],
  ['requests from 10:00 until now', 'since', H, 0],
  ['errors since 9 o\'clock', 'since', 2 * H, 0],
  ['memory 90 minutes ago', 'point', 0, 90 * M],
  ['latency at 10:30', 'point', 0, 30 * M],
  ['latency at 9:30 yesterday', 'point', 0, 25.5 * H],
  ['same time yesterday', 'point', 0, 24 * H],
  ['latency compared to an hour ago', 'none', 0, 0, H],
  ['request rate vs yesterday', 'none', 0, 0, 24 * H],
  ['cpu compared with 2 hours ago', 'none', 0, 0, 2 * H],
  ['requests day over day', 'none', 0, 0, 24 * H],
  ['memory 2 hours ago vs now', 'none', 0, 0, 2 * H],
  ['how much has memory grown since 10:00', 'none', 0, 0, H],
  ['how has memory changed since 10am', 'since', H, 0],
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
