import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { RateLimit } from './rate-limit.js';

test('a burst passes at once; callers beyond it wait for the rate', async () => {
  const limit = new RateLimit(20, 2);
  const started = performance.now();
  const at: number[] = [];
  await Promise.all([1, 2, 3, 4].map(() => limit.take().then(() => at.push(performance.now() - started))));
  assert.ok(at[1]! < 40, `the burst of 2 went at once (${at.map(Math.round)})`);
  assert.ok(at[3]! >= 80, `the 4th call waited about two tokens (50 ms each): ${at.map(Math.round)}`);
});

test('a caller whose signal aborts stops waiting with its reason', async () => {
  const limit = new RateLimit(1, 1);
  await limit.take();
  const controller = new AbortController();
  const waiting = limit.take(controller.signal);
  controller.abort(new Error('investigation stopped'));
  await waiting.then(
    () => assert.unreachable('should reject'),
    (error: Error) => assert.is(error.message, 'investigation stopped'),
  );
});

test('nonsense limits are refused', () => {
  assert.throws(() => new RateLimit(0, 1), /positive rate/);
  assert.throws(() => new RateLimit(5, 0), /burst of at least 1/);
});

test.run();
