import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { backoffDelay, defaultRetryPolicy, parseRetryAfter } from './retry.js';

test('back-off is full jitter under an exponential ceiling', () => {
  const policy = { ...defaultRetryPolicy, baseDelayMs: 100, maxDelayMs: 1_000 };
  assert.is(backoffDelay(1, policy, () => 0.999999), 99);
  assert.is(backoffDelay(2, policy, () => 0.999999), 199);
  assert.is(backoffDelay(3, policy, () => 0.5), 200);
  assert.is(backoffDelay(10, policy, () => 0.999999), 999, 'capped at maxDelayMs');
  assert.is(backoffDelay(4, policy, () => 0), 0, 'full jitter reaches zero');
});

test('Retry-After is read as seconds or as an HTTP date', () => {
  const now = Date.UTC(2026, 10, 25, 9, 0, 0);
  assert.is(parseRetryAfter('2', now), 2_000);
  assert.is(parseRetryAfter(' 0.5 ', now), 500);
  assert.is(parseRetryAfter('Wed, 25 Nov 2026 09:00:30 GMT', now), 30_000);
  assert.is(parseRetryAfter('Wed, 25 Nov 2026 08:00:00 GMT', now), 0, 'a date in the past means now');
  assert.is(parseRetryAfter('soon', now), undefined);
  assert.is(parseRetryAfter(null, now), undefined);
});

test.run();
