import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ManualClock } from '../../core/clock.js';
import { backoffDelay, defaultRetryPolicy, networkErrorCode, parseRetryAfter, retry } from './retry.js';

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

test('retry: retryable failures are tried again after the jittered wait, on the injected clock', async () => {
  const clock = new ManualClock();
  const start = clock.now();
  const waits: number[] = [];
  let calls = 0;
  const result = await retry(
    async (attempt) => {
      calls++;
      if (attempt < 3) throw new TypeError('fetch failed');
      return 'ok';
    },
    { classify: () => ({ retryable: true }), sleep: clock.sleep, random: () => 0.5, policy: { baseDelayMs: 100, maxAttempts: 3 }, onRetry: ({ delayMs }) => waits.push(delayMs) },
  );
  assert.is(result, 'ok');
  assert.is(calls, 3, 'a TypeError the classifier calls retryable is retried too');
  assert.equal(waits, [50, 100]);
  assert.is(clock.now() - start, 150);
});

test('retry: a failure that is not retryable, or the last attempt, rejects with the caller\'s own error', async () => {
  const clock = new ManualClock();
  const notRetryable = new Error('bad query');
  let calls = 0;
  await retry(
    async () => {
      calls++;
      throw notRetryable;
    },
    { classify: () => ({ retryable: false }), sleep: clock.sleep },
  ).then(
    () => assert.unreachable('should reject'),
    (error) => assert.is(error, notRetryable),
  );
  assert.is(calls, 1);
  const flaky = { status: 503 };
  calls = 0;
  await retry(
    async () => {
      calls++;
      throw flaky;
    },
    { classify: () => ({ retryable: true }), sleep: clock.sleep, policy: { maxAttempts: 2 } },
  ).then(
    () => assert.unreachable('should reject'),
    (error) => assert.is(error, flaky, 'a thrown non-Error comes back as it was'),
  );
  assert.is(calls, 2);
});

test('retry: Retry-After wins over the back-off, and one longer than allowed is not waited for', async () => {
  const clock = new ManualClock();
  const waits: number[] = [];
  let calls = 0;
  await retry(
    async (attempt) => {
      calls++;
      if (attempt === 1) throw new Error('429');
      return 'ok';
    },
    { classify: () => ({ retryable: true, retryAfterMs: 2_000 }), sleep: clock.sleep, random: () => 0, onRetry: ({ delayMs }) => waits.push(delayMs) },
  );
  assert.equal(waits, [2_000]);
  calls = 0;
  await retry(
    async () => {
      calls++;
      throw new Error('come back in an hour');
    },
    { classify: () => ({ retryable: true, retryAfterMs: 3_600_000 }), sleep: clock.sleep },
  ).catch(() => undefined);
  assert.is(calls, 1);
});

test('retry: an aborted signal stops waiting and trying', async () => {
  const controller = new AbortController();
  let calls = 0;
  const error = await retry(
    async () => {
      calls++;
      controller.abort(new Error('stopped by the caller'));
      throw new Error('unavailable');
    },
    { classify: () => ({ retryable: true }), signal: controller.signal },
  ).catch((e: Error) => e);
  assert.is(calls, 1);
  assert.match((error as Error).message, /unavailable|stopped by the caller/);
});

test('networkErrorCode finds the code in a fetch failure\'s cause, undici\'s own codes, and happy-eyeballs AggregateErrors', () => {
  const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9090'), { code: 'ECONNREFUSED' });
  assert.is(networkErrorCode(new TypeError('fetch failed', { cause: refused })), 'ECONNREFUSED');
  const closed = Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' });
  assert.is(networkErrorCode(new TypeError('fetch failed', { cause: closed })), 'UND_ERR_SOCKET');
  const both = new AggregateError([Object.assign(new Error('connect ECONNREFUSED ::1:9090'), { code: 'ECONNREFUSED' }), refused]);
  assert.is(networkErrorCode(new TypeError('fetch failed', { cause: both })), 'ECONNREFUSED');
  assert.is(networkErrorCode(new Error('bad query')), undefined);
  assert.is(networkErrorCode(Object.assign(new Error('throttled'), { code: 429 })), undefined);
});

test.run();
