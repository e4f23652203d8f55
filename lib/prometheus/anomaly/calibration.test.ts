import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Random } from '../../../core/random.js';
import { TailCalibrator } from './calibration.js';

function exponentialHistory(n: number, seed = 1): TailCalibrator {
  const random = new Random(seed);
  const calibrator = new TailCalibrator();
  for (let i = 0; i < n; i++) calibrator.observe(-Math.log(1 - random.next()));
  return calibrator;
}

test('no evidence until the history is long enough', () => {
  const calibrator = new TailCalibrator({ minHistory: 50 });
  for (let i = 0; i < 50; i++) assert.is(calibrator.observe(i % 7), 0);
  assert.ok(calibrator.observe(100) > 0);
});

test('surprise matches the tail of the distribution and extrapolates beyond it', () => {
  const calibrator = exponentialHistory(4000);
  // For Exp(1), P(X > x) = e^-x, so surprise = x / ln 10; the fitted tail is deliberately a bit heavier.
  for (const x of [3, 6, 12]) {
    const s = calibrator.surprise(x);
    assert.ok(s <= x / Math.LN10 + 0.1 && s > (x / Math.LN10) * 0.6, `x=${x}: surprise ${s}`);
  }
  assert.ok(calibrator.surprise(20) > calibrator.surprise(12), 'monotone beyond the data');
  assert.is(calibrator.surprise(0), 0);
});

test('a statistic that is almost always zero is not extrapolated from a handful of values', () => {
  const calibrator = new TailCalibrator();
  for (let i = 0; i < 1000; i++) calibrator.observe(i % 400 === 0 ? 0.01 : 0);
  // Only 3 non-zero values so far: a much larger one is "1 in n", not astronomically rare.
  const s = calibrator.surprise(5);
  assert.ok(s <= Math.log10(1001) + 1e-9, `surprise ${s}`);
  assert.ok(s > 2);
});

test('on a short history, a value far beyond a tight body is extrapolated from the body', () => {
  // 120 values of small noise: too few exceedances to fit a tail, but the body has a spread.
  const random = new Random(2);
  const calibrator = new TailCalibrator();
  for (let i = 0; i < 120; i++) calibrator.observe(Math.abs(random.normal(0, 1)));
  assert.ok(calibrator.surprise(40) > 10, `far beyond: ${calibrator.surprise(40)}`);
  assert.ok(calibrator.surprise(3.5) < 3, `just beyond: ${calibrator.surprise(3.5)}`);
});

test('values below the resolution count as zero', () => {
  const calibrator = exponentialHistory(500);
  assert.is(calibrator.observe(1e-12, 1e-9), 0);
});

test.run();
