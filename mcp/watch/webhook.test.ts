import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { memoryLogger } from '../../core/log.js';
import type { AnomalyAlertPayload } from './payload.js';
import { closedUrl, fakeReceiver } from '../../test/support/mcp/watch/receiver.js';
import { AnomalyWebhook, redactUrl, retryDelay } from './webhook.js';

function payload(n: number): AnomalyAlertPayload {
  return {
    version: '1',
    kind: 'anomaly',
    status: 'firing',
    query: 'up',
    series: { pod: `p${n}` },
    anomaly: { kind: 'spike', severity: 'warning', score: 0.7, detector: 'spike', start: '2026-11-24T10:00:00Z', end: '2026-11-24T10:00:00Z', ongoing: true, explanation: 'x', followUpQueries: [] },
  };
}

/** A sleep that records the delays and returns at once. */
function instantSleep() {
  const delays: number[] = [];
  return { delays, sleep: async (ms: number) => void delays.push(ms) };
}

test("pushes carry the agent's webhook credential as a bearer token, when one is given", async () => {
  const receiver = await fakeReceiver();
  try {
    const withToken = new AnomalyWebhook({ url: receiver.url, token: 'webhook-token-0123456789abcdef', logger: memoryLogger() });
    withToken.send(payload(1), { watch: 'w' });
    await withToken.idle();
    const without = new AnomalyWebhook({ url: receiver.url, logger: memoryLogger() });
    without.send(payload(2), { watch: 'w' });
    await without.idle();
    assert.equal(receiver.received.map((r) => r.authorization ?? null), ['Bearer webhook-token-0123456789abcdef', null]);
  } finally {
    await receiver.close();
  }
});

test('5xx and 429 are retried with back-off (Retry-After honoured) until the agent accepts', async () => {
  const receiver = await fakeReceiver();
  const { delays, sleep } = instantSleep();
  const logger = memoryLogger();
  try {
    receiver.respond(503, { status: 429, headers: { 'retry-after': '3' } }, 502);
    const webhook = new AnomalyWebhook({ url: receiver.url, logger, sleep, random: () => 0.5 });
    webhook.send(payload(1), { watch: 'w' });
    await webhook.idle();
    assert.equal(receiver.received.map((r) => r.status), [503, 429, 502, 202]);
    assert.equal(receiver.received.map((r) => r.body), [payload(1), payload(1), payload(1), payload(1)]);
    assert.equal(delays, [750, 3000, 3000], 'back-off 1 s -> 750 ms (half fixed, half jitter), Retry-After 3 s, then 4 s -> 3000 ms');
    assert.equal(webhook.stats(), { pushed: 1, failed: 0, retries: 3, pending: 0, lastError: 'HTTP 502: {"error":"status 502"}' });
    assert.equal(logger.records.map((r) => r.msg), ['anomaly alert push failed; retrying', 'anomaly alert push failed; retrying', 'anomaly alert push failed; retrying', 'anomaly alert pushed']);
    assert.is(logger.records[0]!.watch, 'w', 'log lines carry the episode fields');
  } finally {
    await receiver.close();
  }
});

test('a 4xx is not retried: the agent refused the payload', async () => {
  const receiver = await fakeReceiver();
  const logger = memoryLogger();
  try {
    receiver.respond({ status: 400, body: '{"error":"anomaly.kind: invalid option"}' });
    const webhook = new AnomalyWebhook({ url: receiver.url, logger, sleep: instantSleep().sleep });
    webhook.send(payload(1));
    webhook.send(payload(2));
    await webhook.idle();
    assert.equal(receiver.received.map((r) => r.status), [400, 202], 'the next payload still goes out');
    const stats = webhook.stats();
    assert.is(stats.pushed, 1);
    assert.is(stats.failed, 1);
    assert.is(stats.retries, 0);
    const refused = logger.records.find((r) => r.level === 'error')!;
    assert.match(String(refused.error), /the agent refused it \(HTTP 400: \{"error":"anomaly.kind: invalid option"\}\)/);
  } finally {
    await receiver.close();
  }
});

test('network errors are retried, then given up after maxAttempts with a reason', async () => {
  const url = await closedUrl();
  const { delays, sleep } = instantSleep();
  const logger = memoryLogger();
  const webhook = new AnomalyWebhook({ url, logger, sleep, policy: { maxAttempts: 3 } });
  webhook.send(payload(1));
  await webhook.idle();
  assert.is(delays.length, 2);
  const stats = webhook.stats();
  assert.is(stats.failed, 1);
  assert.is(stats.retries, 2);
  assert.is(stats.pushed, 0);
  const last = logger.records.at(-1)!;
  assert.is(last.level, 'error');
  assert.match(String(last.error), /network error: fetch failed \(ECONNREFUSED\), after 3 attempts; is the agent running at http:\/\/127\.0\.0\.1:\d+\/webhooks\/anomaly\?/);
});

test('payloads go out one at a time, in the order they were queued', async () => {
  const receiver = await fakeReceiver();
  try {
    receiver.respond(500);
    const webhook = new AnomalyWebhook({ url: receiver.url, logger: memoryLogger(), sleep: instantSleep().sleep });
    for (let n = 1; n <= 5; n++) webhook.send(payload(n));
    await webhook.idle();
    assert.equal(receiver.accepted().map((b) => (b as AnomalyAlertPayload).series.pod), ['p1', 'p2', 'p3', 'p4', 'p5']);
  } finally {
    await receiver.close();
  }
});

test('close() lets the queue drain for a while, then abandons what is left', async () => {
  const receiver = await fakeReceiver();
  try {
    receiver.respond(503, 503, 503);
    const webhook = new AnomalyWebhook({ url: receiver.url, logger: memoryLogger(), policy: { baseDelayMs: 60_000, maxDelayMs: 60_000 } });
    webhook.send(payload(1));
    webhook.send(payload(2));
    const started = Date.now();
    await webhook.close(50);
    assert.ok(Date.now() - started < 5000, 'did not wait out the minute of back-off');
    assert.equal(webhook.stats().failed, 2);
    assert.equal(webhook.stats().pending, 0);
    webhook.send(payload(3));
    assert.equal(webhook.stats().failed, 3, 'nothing is sent after close');
  } finally {
    await receiver.close();
  }
});

test('too many waiting: the oldest waiting are dropped and counted', async () => {
  const url = await closedUrl();
  const webhook = new AnomalyWebhook({ url, logger: memoryLogger(), sleep: instantSleep().sleep, policy: { maxQueue: 2, maxAttempts: 1 } });
  for (let n = 1; n <= 4; n++) webhook.send(payload(n));
  assert.is(webhook.stats().pending, 2);
  await webhook.idle();
  assert.is(webhook.stats().failed, 4);
});

test('URLs in logs lose credentials and query strings; delays grow and stay capped', () => {
  assert.is(redactUrl('http://user:secret@agent:8080/webhooks/anomaly?token=abc'), 'http://agent:8080/webhooks/anomaly?…');
  assert.is(redactUrl('not a url'), '(invalid URL)');
  const policy = { baseDelayMs: 1000, maxDelayMs: 30_000 };
  assert.equal([1, 2, 3, 4, 5, 6, 7].map((n) => retryDelay(n, policy, () => 1)), [1000, 2000, 4000, 8000, 16_000, 30_000, 30_000]);
  assert.equal([1, 2, 3].map((n) => retryDelay(n, policy, () => 0)), [500, 1000, 2000]);
});

test.run();
