import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Random } from '../../../core/random.js';
import { RollingRegression } from './trend.js';

test('an exact line is recovered with R^2 = 1, even at epoch times and byte-sized values', () => {
  const line = new RollingRegression(20);
  const t0 = Date.UTC(2026, 10, 25, 9);
  for (let i = 0; i < 100; i++) line.push(t0 + i * 15_000, 200 * 2 ** 20 + i * 1024); // 1 KiB per 15 s
  const fit = line.fit()!;
  assert.ok(Math.abs(fit.slope * 1000 - 1024 / 15) < 1e-6, `slope ${fit.slope}`);
  assert.ok(Math.abs(fit.level - (200 * 2 ** 20 + 99 * 1024)) < 1e-3);
  assert.ok(fit.r2 > 0.999999);
  assert.is(fit.count, 20);
  assert.is(fit.spanMs, 19 * 15_000);
});

test('noise without a trend has low R^2 and an insignificant slope', () => {
  const random = new Random(2);
  const line = new RollingRegression(80);
  for (let i = 0; i < 80; i++) line.push(i * 1000, random.normal(50, 1));
  const fit = line.fit()!;
  assert.ok(fit.r2 < 0.2, `r2 ${fit.r2}`);
  assert.ok(Math.abs(fit.tStat) < 3, `t ${fit.tStat}`);
});

test('no line before three samples or without time spread', () => {
  const line = new RollingRegression(5);
  line.push(0, 1);
  line.push(1000, 2);
  assert.is(line.fit(), undefined);
  const flat = new RollingRegression(5);
  for (let i = 0; i < 5; i++) flat.push(1000, i);
  assert.is(flat.fit(), undefined);
});

test.run();
