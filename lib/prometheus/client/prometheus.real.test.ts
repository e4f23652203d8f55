/**
 * The Prometheus adapter against the real Prometheus binary: started on 127.0.0.1 at a free port with
 * a temporary data directory and backfilled pet-adoption history, stopped after the suite (and by an
 * exit hook if the run dies). Values are known in advance, so results are checked exactly.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { memoryLogger } from '../../../core/log.js';
import { BackendError } from './errors.js';
import type { VectorData } from './port.js';
import { PrometheusBackend } from './prometheus.js';
import { kitOpenMetrics, kitPods, kitWindowEnd, memoryAt, windowSeconds } from '../../../test/support/prometheus/kit-metrics.js';
import { startPrometheus, type RunningPrometheus } from '../../../test/support/prometheus/real-prometheus.js';

interface Context {
  server?: RunningPrometheus;
  startError?: unknown;
  backend?: PrometheusBackend;
  end: number;
}

const real = suite<Context>('real Prometheus', { end: kitWindowEnd(Date.now()) });

real.before(async (context) => {
  // A failing before-hook would be swallowed by uvu; keep the error and fail each test with it instead.
  try {
    context.server = await startPrometheus({ backfill: kitOpenMetrics(context.end) });
    context.backend = new PrometheusBackend({ url: context.server.url, logger: memoryLogger(), retry: { maxAttempts: 2, baseDelayMs: 10 } });
  } catch (error) {
    context.startError = error;
  }
});

real.after(async (context) => {
  await context.server?.stop();
});

function backendOf(context: Context): PrometheusBackend {
  if (!context.backend) throw context.startError ?? new Error('Prometheus did not start');
  return context.backend;
}

const close = (actual: number, expected: number) => assert.ok(Math.abs(actual - expected) < 1e-9, `${actual} != ${expected}`);

real('instant query returns the backfilled working sets exactly', async (context) => {
  const answer = await backendOf(context).query('container_memory_working_set_bytes{namespace="petadoptions"}', { time: context.end });
  const data = answer.data as VectorData;
  assert.is(data.resultType, 'vector');
  assert.is(data.result.length, kitPods.length);
  for (const pod of kitPods) {
    const sample = data.result.find((s) => s.metric.pod === pod.pod);
    assert.ok(sample, pod.pod);
    assert.equal(sample!.value, [context.end, String(memoryAt(pod, windowSeconds))]);
  }
});

real('range query returns one series per service with exact rates', async (context) => {
  const answer = await backendOf(context).queryRange('sum by (service) (rate(http_requests_total[1m]))', {
    start: context.end - 300,
    end: context.end,
    step: '60s',
  });
  assert.is(answer.data.result.length, 2);
  const petsite = answer.data.result.find((s) => s.metric.service === 'petsite')!;
  assert.is(petsite.values!.length, 6);
  for (const [, value] of petsite.values!) close(Number(value), 10.2);
  const pay = answer.data.result.find((s) => s.metric.service === 'payforadoption')!;
  close(Number(pay.values!.at(-1)![1]), 2);
});

real('series, label names and label values', async (context) => {
  const backend = backendOf(context);
  const series = await backend.series(['http_requests_total{service="petsite"}'], { start: context.end - 600, end: context.end });
  assert.equal(series.data.map((s) => s.code).sort(), ['200', '500']);
  const names = await backend.labelNames({ match: ['container_memory_working_set_bytes'], start: context.end - 600, end: context.end });
  assert.equal(names.data, ['__name__', 'container', 'namespace', 'node', 'pod']);
  const pods = await backend.labelValues('pod', { start: context.end - 600, end: context.end });
  assert.equal(pods.data, kitPods.map((p) => p.pod).sort());
});

real('PromQL errors come back typed, with Prometheus\' message', async (context) => {
  const backend = backendOf(context);
  const parse = await backend.query('sum(rate(http_requests_total[5m])').catch((e: unknown) => e);
  assert.instance(parse, BackendError);
  assert.is((parse as BackendError).kind, 'bad_data');
  assert.match((parse as BackendError).message, /parse error/);
  assert.is((parse as BackendError).attempts, 1);
  const execution = await backend
    .query('http_requests_total * on() container_memory_working_set_bytes', { time: context.end })
    .catch((e: unknown) => e as BackendError);
  assert.is((execution as BackendError).kind, 'execution');
  assert.is((execution as BackendError).status, 422);
});

real('server info and rules', async (context) => {
  const backend = backendOf(context);
  const info = await backend.buildInfo();
  assert.match(info.data.version, /^2\./);
  const rules = await backend.rules();
  assert.ok(rules.data.groups.some((g) => g.name === 'petadoptions'));
});

real('once stopped: connection refused, retried, with the URL in the hint', async (context) => {
  const backend = backendOf(context);
  await context.server!.stop();
  const error = (await backend.query('up').catch((e: unknown) => e)) as BackendError;
  assert.instance(error, BackendError);
  assert.is(error.kind, 'unavailable');
  assert.is(error.errorType, 'ECONNREFUSED');
  assert.is(error.attempts, 2);
  assert.match(error.hint, new RegExp(`connection refused at ${context.server!.url.replace(/\./g, '\\.')}`));
});

real.run();
