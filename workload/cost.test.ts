import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Random } from '../core/random.js';
import { ballastBytes, MemoryBallast, ownSeconds, spendCpu } from './cost.js';

test('spending CPU stops once the CPU clock (not the wall clock) has advanced by the amount asked', () => {
  let micros = 0;
  // A CPU clock that advances 700 µs per read, whatever the wall clock does.
  const spent = spendCpu(0.005, () => (micros += 700));
  assert.is(spent, 5_600);
  assert.ok(spendCpu(0.002) >= 2_000, 'the real process clock too');
});

test("own processing time is log-normal around the route's median", () => {
  const random = new Random(7);
  const draws = Array.from({ length: 4001 }, () => ownSeconds({ medianSeconds: 0.02, sigma: 0.4 }, random)).sort((a, b) => a - b);
  assert.ok(Math.abs(draws[2000]! - 0.02) < 0.002, `median ${draws[2000]}`);
  assert.ok(draws.every((d) => d > 0));
  assert.ok(draws[3960]! > 0.04, 'a tail above twice the median (sigma 0.4: p99 is about 2.5x)');
});

test("the ballast tops the process up to the role's steady memory, scaled, and never below nothing", () => {
  const MiB = 2 ** 20;
  assert.is(ballastBytes(236 * MiB, 1, 60 * MiB), 176 * MiB);
  assert.is(ballastBytes(236 * MiB, 0.5, 60 * MiB), 58 * MiB);
  assert.is(ballastBytes(38 * MiB, 1, 60 * MiB), 0);
});

test('the ballast is resident: written once, in chunks that add up to what was asked', () => {
  const before = process.memoryUsage().rss;
  const ballast = new MemoryBallast(40 * 2 ** 20 + 123);
  assert.is(ballast.held, 40 * 2 ** 20 + 123);
  assert.ok(process.memoryUsage().rss - before > 30 * 2 ** 20, 'touched pages count in the resident set');
});

test.run();
