import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ManualClock, isoTime } from './clock.js';
import { durationOr, formatDuration, parseDuration } from './duration.js';
import { parseQuantity, formatCpu, formatMemory, parseStressSize } from './quantity.js';
import { Random } from './random.js';

test('manual clock advances and refuses to go backwards', () => {
  const clock = new ManualClock(1_000);
  clock.advance(500);
  assert.is(clock.now(), 1_500);
  assert.throws(() => clock.advance(-1), /backwards/);
  assert.is(isoTime(Date.UTC(2026, 10, 25, 9, 0, 0, 999)), '2026-11-25T09:00:00Z');
});

test('durations parse and format like Go and Prometheus', () => {
  assert.is(parseDuration('1m30s'), 90_000);
  assert.is(parseDuration('250ms'), 250);
  assert.is(parseDuration('2h'), 7_200_000);
  assert.throws(() => parseDuration('5 minutes'), /invalid duration/);
  assert.is(formatDuration(90_000), '1m30s');
  assert.is(formatDuration(3_600_000), '1h');
  assert.is(durationOr('30s', 120_000), 30_000);
  assert.is(durationOr('soon', 120_000), 120_000);
  assert.is(durationOr(undefined, 120_000), 120_000);
});

test('quantities parse like Kubernetes', () => {
  assert.is(parseQuantity('250m'), 0.25);
  assert.is(parseQuantity('512Mi'), 512 * 2 ** 20);
  assert.is(parseQuantity('1e3'), 1000);
  assert.is(parseQuantity('2'), 2);
  assert.throws(() => parseQuantity('12 Mi'), /quantities must match/);
  assert.is(formatCpu(0.25), '250m');
  assert.is(formatMemory(512 * 2 ** 20), '512Mi');
  assert.equal(parseStressSize('256MB'), { bytes: 256 * 2 ** 20 });
  assert.equal(parseStressSize('80%'), { fraction: 0.8 });
});

test('seeded random is reproducible', () => {
  const a = new Random(7);
  const b = new Random(7);
  assert.equal([a.next(), a.next(), a.suffix()], [b.next(), b.next(), b.suffix()]);
  const r = new Random(1);
  const draws = Array.from({ length: 2000 }, () => r.poisson(4));
  const mean = draws.reduce((s, x) => s + x, 0) / draws.length;
  assert.ok(Math.abs(mean - 4) < 0.3, `poisson mean ${mean}`);
});

test.run();
