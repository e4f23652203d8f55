import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { RangeSeries } from '../../lib/prometheus/client/index.js';
import { BaselineWindow, seriesKey } from './baseline-window.js';

const step = 30_000;
const hour = 3_600_000;
const T = Date.UTC(2026, 10, 24, 10, 0, 0);

/** Series `pod` sampled every step over [start, end] with value = minutes since T (or `f`). */
function range(pod: string, start: number, end: number, f: (t: number) => number = (t) => (t - T) / 60_000): RangeSeries {
  const values: [number, string][] = [];
  for (let t = start; t <= end; t += step) values.push([t / 1000, String(f(t))]);
  return { metric: { pod }, values };
}

test('first run fetches the whole window, aligned to the step', () => {
  const w = new BaselineWindow(2 * hour, step);
  const plan = w.plan(T + 12_345)!;
  assert.equal(plan, { start: T - 2 * hour, end: T, full: true });
  w.merge(plan, [range('a', plan.start, plan.end)]);
  assert.is(w.size, 1);
  assert.is(w.samples(), 241);
  assert.is(w.series()[0]!.fresh, true);
});

test('later runs fetch only the new steps plus an overlap, which replaces what was there', () => {
  const w = new BaselineWindow(2 * hour, step);
  const first = w.plan(T)!;
  // The newest sample was still incomplete when first fetched (value 999).
  w.merge(first, [range('a', first.start, first.end, (t) => (t === T ? 999 : (t - T) / 60_000))]);
  assert.is(w.plan(T + 10_000), undefined, 'no new step yet: nothing to fetch');
  const next = w.plan(T + 60_000)!;
  assert.equal(next, { start: T - 60_000, end: T + 60_000, full: false }, 'overlap of a minute (two steps, at least 60 s)');
  w.merge(next, [range('a', next.start, next.end)]);
  const values = w.series()[0]!.values;
  assert.is(values.length, 241, 'two new steps in, two old ones out: the window slid');
  assert.equal(values.at(-3), [T / 1000, '0'], 'the refetched sample replaced the incomplete one');
  assert.is(values[0]![0], (T + 60_000 - 2 * hour) / 1000, 'samples before the window were dropped');
  for (let i = 1; i < values.length; i++) assert.ok(values[i]![0] - values[i - 1]![0] === 30, 'no duplicates, no holes');
});

test('series that stop reporting go stale, then leave the window; new series join', () => {
  const w = new BaselineWindow(2 * hour, step);
  const first = w.plan(T)!;
  w.merge(first, [range('old', first.start, first.end), range('kept', first.start, first.end)]);
  const next = w.plan(T + 5 * 60_000)!;
  w.merge(next, [range('kept', next.start, next.end), range('new', T + 4 * 60_000, next.end)]);
  const byPod = new Map(w.series().map((s) => [s.metric.pod, s]));
  assert.is(byPod.get('old')!.fresh, false, 'no samples at the newest steps');
  assert.is(byPod.get('old')!.values.at(-1)![0], (T - 90_000) / 1000, 'its refetched steps are gone (the query has no samples there)');
  assert.is(byPod.get('new')!.values.length, 3);
  const later = w.plan(T + 2 * hour)!;
  w.merge(later, [range('kept', later.start, later.end)]);
  assert.equal(w.series().map((s) => s.metric.pod), ['kept'], 'gone once its samples slid out of the window');
});

test('after a gap longer than the window, everything is fetched again', () => {
  const w = new BaselineWindow(2 * hour, step);
  const first = w.plan(T)!;
  w.merge(first, [range('a', first.start, first.end)]);
  assert.equal(w.plan(T + 3 * hour), { start: T + hour, end: T + 3 * hour, full: true });
});

test('a runaway query is capped by series, the first by key kept', () => {
  const w = new BaselineWindow(2 * hour, step, undefined, 2);
  const plan = w.plan(T)!;
  const dropped = w.merge(plan, ['c', 'a', 'b'].map((p) => range(p, plan.start, plan.end)));
  assert.is(dropped, 1);
  assert.equal(w.series().map((s) => s.metric.pod), ['a', 'b']);
});

test('series keys do not depend on label order', () => {
  assert.is(seriesKey({ a: '1', b: '2' }), seriesKey({ b: '2', a: '1' }));
  assert.is.not(seriesKey({ a: '1' }), seriesKey({ a: '2' }));
});

test.run();
