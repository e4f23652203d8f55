import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Random } from '../../../core/random.js';
import { DecayingStats, RollingWindow, RunningStats, medianAbsoluteDeviation, normalTail, quantileSorted } from './stats.js';

const close = (actual: number, expected: number, tolerance = 1e-9) =>
  assert.ok(Math.abs(actual - expected) <= tolerance * Math.max(1, Math.abs(expected)), `${actual} != ${expected}`);

function naive(values: number[]) {
  const sorted = [...values].sort((a, b) => a - b);
  const mean = values.reduce((s, v) => s + v, 0) / values.length;
  const variance = values.reduce((s, v) => s + (v - mean) ** 2, 0) / (values.length - 1);
  const median = quantileSorted(sorted, 0.5);
  const mad = quantileSorted(
    values.map((v) => Math.abs(v - median)).sort((a, b) => a - b),
    0.5,
  );
  return { mean, variance, median, mad, p90: quantileSorted(sorted, 0.9), min: sorted[0]!, max: sorted[sorted.length - 1]! };
}

test('running stats match a two-pass computation, even on large offsets', () => {
  const random = new Random(3);
  const values = Array.from({ length: 500 }, () => 1e9 + random.normal(0, 5));
  const stats = new RunningStats();
  values.forEach((v) => stats.push(v));
  const expected = naive(values);
  close(stats.mean, expected.mean);
  close(stats.variance, expected.variance, 1e-6);
  assert.is(stats.min, expected.min);
  assert.is(stats.max, expected.max);
});

test('rolling window keeps the last N values with exact order statistics', () => {
  const random = new Random(11);
  const window = new RollingWindow(50);
  const all: number[] = [];
  for (let i = 0; i < 400; i++) {
    const v = Math.round(random.normal(100, 10) * 4) / 4; // ties on purpose
    all.push(v);
    window.push(v, i);
    if (i % 37 !== 0 || i < 2) continue;
    const last = all.slice(-50);
    const expected = naive(last);
    assert.is(window.size, last.length);
    close(window.mean, expected.mean);
    close(window.variance, expected.variance, 1e-6);
    close(window.median, expected.median);
    close(window.mad, expected.mad);
    close(window.percentile(90), expected.p90);
    assert.is(window.min, expected.min);
    assert.is(window.max, expected.max);
    assert.is(window.last, v);
    assert.is(window.at(0), last[0]);
  }
});

test('rolling window evicts by age as well as by count', () => {
  const window = new RollingWindow(100, 10_000);
  for (let t = 0; t <= 30_000; t += 1000) window.push(t / 1000, t);
  assert.is(window.size, 11); // samples from t = 20 s to 30 s
  assert.is(window.oldestTime, 20_000);
  assert.is(window.min, 20);
});

test('tail, rank and excess answer peaks-over-threshold questions', () => {
  const window = new RollingWindow(10);
  for (let v = 1; v <= 10; v++) window.push(v);
  assert.is(window.tail(8), 0.3);
  assert.is(window.rank(8), 0.7);
  assert.equal(window.excessOver(8), { count: 2, excess: 3 });
});

test('MAD by bisection equals the brute-force median of distances (any center)', () => {
  const random = new Random(5);
  for (let trial = 0; trial < 2000; trial++) {
    const n = random.int(1, 25);
    const values = Array.from({ length: n }, () => random.int(0, 9) * (random.next() < 0.5 ? 1 : 2.5)).sort((a, b) => a - b);
    const center = random.next() < 0.5 ? quantileSorted(values, 0.5) : random.between(-5, 30);
    const distances = values.map((v) => Math.abs(v - center)).sort((a, b) => a - b);
    close(medianAbsoluteDeviation(values, center), quantileSorted(distances, 0.5));
  }
});

test('decaying stats converge to the recent level', () => {
  const stats = new DecayingStats(0.1);
  for (let i = 0; i < 200; i++) stats.push(i < 100 ? 0 : 10);
  close(stats.mean, 10, 1e-3);
  assert.throws(() => new DecayingStats(0), /alpha/);
});

test('normal tail matches known values', () => {
  close(normalTail(0), 0.5, 1e-6);
  close(normalTail(1.959964), 0.025, 1e-5);
  close(normalTail(-1.959964), 0.975, 1e-5);
});

test('mean absolute deviation sees a minority mode that the MAD misses', () => {
  const window = new RollingWindow(100);
  for (let i = 0; i < 100; i++) window.push(i % 3 === 0 ? 80 : 20);
  assert.is(window.median, 20);
  assert.is(window.mad, 0);
  close(window.meanAbsDeviation(), (34 * 60) / 100);
  close(window.meanAbsDeviation(0), (34 * 80 + 66 * 20) / 100);
});

test.run();
