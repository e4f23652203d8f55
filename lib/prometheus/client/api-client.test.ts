/**
 * Retries, timeouts and cancellation, through the Prometheus adapter with an injected fetch and sleep
 * (no real waiting, no network).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ManualClock } from '../../../core/clock.js';
import { memoryLogger } from '../../../core/log.js';
import { BackendError, CanceledError, type BackendErrorKind } from './errors.js';
import { PrometheusBackend } from './prometheus.js';
import { hangingStep, networkError, recordingSleep, replay, ScriptedFetch, type SentRequest, type Step } from '../../../test/support/prometheus/fake-fetch.js';

function backend(steps: Step[], options: { requestTimeoutMs?: number; maxAttempts?: number } = {}) {
  const scripted = new ScriptedFetch(...steps);
  const sleep = recordingSleep();
  const logger = memoryLogger();
  const prometheus = new PrometheusBackend({
    url: 'http://127.0.0.1:9090',
    fetch: scripted.fetch,
    sleep,
    clock: new ManualClock(),
    random: () => 0.5,
    logger,
    retry: { maxAttempts: options.maxAttempts ?? 3, baseDelayMs: 100, maxDelayMs: 1_000 },
    ...(options.requestTimeoutMs ? { requestTimeoutMs: options.requestTimeoutMs } : {}),
  });
  return { prometheus, scripted, sleep, logger };
}

async function failure(promise: Promise<unknown>): Promise<BackendError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof BackendError) return error;
    throw error;
  }
  throw new Error('expected the call to fail');
}

function expectKind(error: BackendError, kind: BackendErrorKind, attempts: number) {
  assert.is(error.kind, kind, `${error.name}: ${error.message}`);
  assert.is(error.attempts, attempts);
}

test('503 then 200: succeeds on the second attempt after a jittered pause', async () => {
  const { prometheus, scripted, sleep, logger } = backend([replay('error-starting-503.json'), replay('query-vector.json')]);
  const answer = await prometheus.query('container_memory_working_set_bytes');
  assert.is(answer.data.resultType, 'vector');
  assert.is(scripted.calls, 2);
  assert.equal(sleep.delays, [50], 'random 0.5 of the first ceiling (100 ms)');
  const retry = logger.records.find((r) => r.msg === 'retrying Prometheus API request');
  assert.ok(retry, 'the retry is logged');
  assert.is(retry!.status, 503);
  assert.is(retry!.attempt, 1);
});

test('503 every time: gives up after maxAttempts with kind unavailable and the count', async () => {
  const { prometheus, scripted, sleep } = backend([replay('error-starting-503.json'), replay('proxy-502.json'), replay('error-starting-503.json')]);
  const error = await failure(prometheus.query('up'));
  expectKind(error, 'unavailable', 3);
  assert.is(error.status, 503);
  assert.is(error.endpoint, '/api/v1/query');
  assert.match(error.hint, /not serving queries \(HTTP 503\)/);
  assert.is(scripted.calls, 3);
  assert.equal(sleep.delays, [50, 100], 'exponential ceilings 100, 200 ms with jitter 0.5');
});

test('429 with Retry-After: waits what the server asked, then succeeds', async () => {
  const { prometheus, scripted, sleep } = backend([replay('proxy-429-retry-after.json'), replay('query-up.json')]);
  const answer = await prometheus.query('up');
  assert.is(answer.status, 'success');
  assert.is(scripted.calls, 2);
  assert.equal(sleep.delays, [2_000]);
});

test('429 asking for longer than the cap: not waited for, reported with the delay', async () => {
  const { prometheus, scripted } = backend([replay('proxy-429-retry-after.json', { 'retry-after': '600' })]);
  const error = await failure(prometheus.query('up'));
  expectKind(error, 'too_many_requests', 1);
  assert.is(error.retryAfterMs, 600_000);
  assert.match(error.hint, /wait 600s/);
  assert.is(scripted.calls, 1);
});

test('400 bad_data: no retry, the PromQL error verbatim', async () => {
  const { prometheus, scripted, sleep } = backend([replay('error-bad-data.json')]);
  const error = await failure(prometheus.query('sum(rate(http_requests_total[5m])'));
  expectKind(error, 'bad_data', 1);
  assert.is(error.message, 'invalid parameter "query": 1:34: parse error: unclosed left parenthesis');
  assert.is(error.errorType, 'bad_data');
  assert.is(error.status, 400);
  assert.match(error.hint, /not valid PromQL/);
  assert.is(scripted.calls, 1);
  assert.equal(sleep.delays, []);
});

test('the server\'s own query timeout (503 errorType timeout) is not retried', async () => {
  const { prometheus, scripted } = backend([replay('error-timeout.json')]);
  const error = await failure(prometheus.query('count_over_time({__name__=~".+"}[1h])', { timeout: 1 }));
  expectKind(error, 'timeout', 1);
  assert.is(error.message, 'query timed out in expression evaluation');
  assert.match(error.hint, /narrow the time range/);
  assert.is(scripted.calls, 1);
});

test('connection refused: retried, then unavailable with the URL to check', async () => {
  const { prometheus, scripted } = backend([networkError('ECONNREFUSED'), networkError('ECONNREFUSED'), networkError('ECONNREFUSED')]);
  const error = await failure(prometheus.labelNames());
  expectKind(error, 'unavailable', 3);
  assert.is(error.errorType, 'ECONNREFUSED');
  assert.is(error.hint, 'check the URL: connection refused at http://127.0.0.1:9090; is Prometheus running there? (for the local target: `local-cluster status`)');
  assert.is(scripted.calls, 3);
});

test('connection reset then success: attempts=2', async () => {
  const { prometheus, scripted } = backend([networkError('ECONNRESET'), replay('labels.json')]);
  const answer = await prometheus.labelNames();
  assert.ok(answer.data.includes('pod'));
  assert.is(scripted.calls, 2);
});

test('unknown host: not retried (DNS does not fix itself), hint names the URL', async () => {
  const { prometheus, scripted } = backend([networkError('ENOTFOUND', 'getaddrinfo ENOTFOUND promethues')]);
  const error = await failure(prometheus.query('up'));
  expectKind(error, 'unavailable', 1);
  assert.match(error.hint, /does not resolve/);
  assert.is(scripted.calls, 1);
});

test('per-attempt timeout: the attempt is aborted through its signal, retried, then reported', async () => {
  const { prometheus, scripted } = backend([hangingStep(), hangingStep()], { requestTimeoutMs: 20, maxAttempts: 2 });
  const started = Date.now();
  const error = await failure(prometheus.query('up'));
  expectKind(error, 'timeout', 2);
  assert.match(error.message, /no answer within 20 ms/);
  assert.is(error.hint, 'no answer from http://127.0.0.1:9090/ within 20 ms: the query may be too expensive (narrow the range, raise the step, aggregate) or the server is overloaded');
  assert.ok(scripted.requests.every((r) => r.signal?.aborted), 'each attempt was aborted');
  assert.ok(Date.now() - started < 1_000);
});

test('timeout then success', async () => {
  const { prometheus, scripted } = backend([hangingStep(), replay('query-up.json')], { requestTimeoutMs: 20 });
  const answer = await prometheus.query('up');
  assert.is(answer.data.resultType, 'vector');
  assert.is(scripted.calls, 2);
});

test('an evaluation timeout is sent to the server and bounds the attempt with a grace second', async () => {
  const { prometheus, scripted } = backend([replay('query-up.json')]);
  await prometheus.query('up', { timeout: 2_500 });
  assert.match(scripted.requests[0]!.body!, /(^|&)timeout=2\.5(&|$)/);
});

test('caller cancellation during a request: canceled, no further attempts', async () => {
  const controller = new AbortController();
  const hang = hangingStep() as (request: SentRequest) => Promise<Response>;
  const { prometheus, scripted, sleep } = backend([
    (request) => {
      setTimeout(() => controller.abort(new Error('client sent notifications/cancelled')), 5);
      return hang(request);
    },
    replay('query-up.json'),
  ]);
  const error = await failure(prometheus.query('up', { signal: controller.signal }));
  assert.instance(error, CanceledError);
  expectKind(error, 'canceled', 1);
  assert.is(scripted.calls, 1);
  assert.equal(sleep.delays, []);
});

test('caller cancellation during the back-off pause: no further attempts', async () => {
  const controller = new AbortController();
  const { prometheus, scripted, sleep } = backend([
    () => {
      controller.abort();
      return replay('error-starting-503.json');
    },
    replay('query-up.json'),
  ]);
  const error = await failure(prometheus.query('up', { signal: controller.signal }));
  expectKind(error, 'canceled', 1);
  assert.is(scripted.calls, 1, 'the second answer was never asked for');
  assert.ok(sleep.delays.length <= 1);
});

test('an already-aborted signal sends nothing', async () => {
  const { prometheus, scripted } = backend([replay('query-up.json')]);
  const error = await failure(prometheus.query('up', { signal: AbortSignal.abort() }));
  expectKind(error, 'canceled', 0);
  assert.is(scripted.calls, 0);
});

test('errors serialise for structured tool output', async () => {
  const { prometheus } = backend([replay('error-execution.json')]);
  const error = await failure(prometheus.query('prometheus_http_requests_total * on() prometheus_build_info'));
  const json = error.toJSON();
  assert.is(json.kind, 'execution');
  assert.is(json.status, 422);
  assert.is(json.attempts, 1);
  assert.is(json.endpoint, '/api/v1/query');
  assert.match(String(json.hint), /group_left/);
});

test.run();
