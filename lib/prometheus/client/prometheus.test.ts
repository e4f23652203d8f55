/**
 * The Prometheus adapter against recorded Prometheus 2.42 answers: how each method builds its request,
 * and how each answer (results, warnings, errors) comes back.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { memoryLogger } from '../../../core/log.js';
import { BackendConfigError, BackendError } from './errors.js';
import type { MatrixData, ScalarData, StringData, VectorData } from './port.js';
import { PrometheusBackend, prometheusRoot } from './prometheus.js';
import { fixture, replay, responseOf, ScriptedFetch, type Step } from '../../../test/support/prometheus/fake-fetch.js';

function backend(url: string, ...steps: Step[]) {
  const scripted = new ScriptedFetch(...steps);
  const prometheus = new PrometheusBackend({ url, fetch: scripted.fetch, logger: memoryLogger(), retry: { maxAttempts: 1 } });
  return { prometheus, scripted };
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

test('instant query: POST form-encoded to /api/v1/query, vector result typed', async () => {
  const { prometheus, scripted } = backend('http://127.0.0.1:9090', replay('query-vector.json'));
  const promql = 'container_memory_working_set_bytes{namespace="petadoptions"}';
  const answer = await prometheus.query(promql, { time: new Date(Date.UTC(2026, 10, 25, 9, 0, 0)) });
  const sent = scripted.requests[0]!;
  assert.is(sent.method, 'POST');
  assert.is(sent.url.href, 'http://127.0.0.1:9090/api/v1/query');
  assert.is(sent.headers['content-type'], 'application/x-www-form-urlencoded');
  assert.is(sent.headers.accept, 'application/json');
  const form = new URLSearchParams(sent.body);
  assert.is(form.get('query'), promql);
  assert.is(form.get('time'), '2026-11-25T09:00:00.000Z');
  assert.not.match(sent.body!, /\+/, 'spaces and plus signs are percent-encoded, never "+"');

  const data = answer.data as VectorData;
  assert.is(data.resultType, 'vector');
  assert.is(data.result.length, 3);
  const leaking = data.result.find((s) => s.metric.pod === 'payforadoption-5c8d7f6b9-q2w8z')!;
  assert.is(leaking.metric.__name__, 'container_memory_working_set_bytes');
  assert.is(typeof leaking.value![0], 'number');
  assert.is(typeof leaking.value![1], 'string');
});

test('range query: start, end, step and a matrix of several series', async () => {
  const { prometheus, scripted } = backend('http://127.0.0.1:9090', replay('query-matrix.json'));
  const answer = await prometheus.queryRange('sum by (service, code) (rate(http_requests_total[1m]))', {
    start: 1_795_625_640,
    end: '2026-11-25T10:00:00Z',
    step: '1m',
  });
  const form = new URLSearchParams(scripted.requests[0]!.body);
  assert.is(scripted.requests[0]!.url.pathname, '/api/v1/query_range');
  assert.equal([form.get('start'), form.get('end'), form.get('step')], ['1795625640', '2026-11-25T10:00:00Z', '1m']);
  const data: MatrixData = answer.data;
  assert.is(data.result.length, 3);
  const errors = data.result.find((s) => s.metric.code === '500')!;
  assert.is(errors.metric.service, 'petsite');
  assert.is(errors.values!.length, 6);
  assert.equal(errors.values![0], [1795625640, '0.2']);
});

test('scalar, string and range-selector answers keep their result types', async () => {
  const { prometheus } = backend(
    'http://127.0.0.1:9090',
    replay('query-scalar.json'),
    replay('query-string.json'),
    replay('query-range-selector.json'),
  );
  const scalar = (await prometheus.query('scalar(sum(up))')).data as ScalarData;
  assert.is(scalar.resultType, 'scalar');
  assert.is(scalar.result[1], '1');
  const text = (await prometheus.query('"petadoptions"')).data as StringData;
  assert.is(text.result[1], 'petadoptions');
  const matrix = (await prometheus.query('up[3s]')).data as MatrixData;
  assert.is(matrix.resultType, 'matrix');
  assert.is(matrix.result[0]!.values!.length, 3);
});

test('warnings and infos are surfaced, not dropped', async () => {
  const body = { ...(fixture('query-up.json').body as object), warnings: ['PromQL info: metric might not be a counter'], infos: ['x'] };
  const { prometheus } = backend('http://127.0.0.1:9090', responseOf({ status: 200, headers: { 'content-type': 'application/json' }, body }));
  const answer = await prometheus.query('rate(up[5m])');
  assert.equal(answer.warnings, ['PromQL info: metric might not be a counter']);
  assert.equal(answer.infos, ['x']);
});

test('series, labels and label values: GET with repeated match[] and RFC 3986 encoding', async () => {
  const { prometheus, scripted } = backend(
    'http://127.0.0.1:9090/',
    replay('series.json'),
    replay('labels.json'),
    replay('label-values.json'),
  );
  const series = await prometheus.series(['container_memory_working_set_bytes', 'up{job="prometheus"}'], { start: 1_795_625_400 });
  const sent = scripted.requests[0]!;
  assert.is(sent.method, 'GET');
  assert.is(sent.body, undefined);
  assert.is(sent.url.pathname, '/api/v1/series');
  assert.equal(sent.url.searchParams.getAll('match[]'), ['container_memory_working_set_bytes', 'up{job="prometheus"}']);
  assert.is(sent.url.search, '?match%5B%5D=container_memory_working_set_bytes&match%5B%5D=up%7Bjob%3D%22prometheus%22%7D&start=1795625400');
  assert.ok(series.data.some((s) => s.pod === 'petsite-6f7c9d8b5-x7k2p'));

  const labels = await prometheus.labelNames({ match: ['http_requests_total'] });
  assert.is(scripted.requests[1]!.url.pathname, '/api/v1/labels');
  assert.ok(labels.data.includes('namespace'));

  const pods = await prometheus.labelValues('pod', { limit: 2 });
  assert.is(scripted.requests[2]!.url.pathname, '/api/v1/label/pod/values');
  assert.is(scripted.requests[2]!.url.searchParams.get('limit'), '2');
  assert.equal(pods.data, ['payforadoption-5c8d7f6b9-q2w8z', 'petsite-6f7c9d8b5-b4n9q'], 'limit enforced for servers that ignore it');
  assert.equal(pods.warnings, ['results truncated to 2 of 3 (limit)']);
});

test('metadata, targets, rules, alerts and build info', async () => {
  const { prometheus, scripted } = backend(
    'http://127.0.0.1:9090',
    replay('metadata.json'),
    replay('targets.json'),
    replay('rules.json'),
    replay('alerts.json'),
    replay('buildinfo.json'),
  );
  const metadata = await prometheus.metadata({ limit: 3 });
  assert.is(metadata.data.prometheus_http_requests_total![0]!.type, 'counter');
  const targets = await prometheus.targets({ state: 'any' });
  assert.is(scripted.requests[1]!.url.search, '?state=any');
  assert.is(targets.data.activeTargets[0]!.health, 'up');
  assert.is(targets.data.droppedTargets.length, 1);
  const rules = await prometheus.rules({ type: 'alert' });
  assert.is(scripted.requests[2]!.url.search, '?type=alert');
  assert.equal(rules.data.groups[0]!.rules.map((r) => r.type), ['recording', 'alerting']);
  const alerts = await prometheus.alerts();
  assert.is(alerts.data.alerts[0]!.labels.alertname, 'PetsiteErrorsSeen');
  assert.is(alerts.data.alerts[0]!.state, 'firing');
  const info = await prometheus.buildInfo();
  assert.is(scripted.requests[4]!.url.pathname, '/api/v1/status/buildinfo');
  assert.is(info.data.version, '2.42.0+ds');
});

test('execution errors (422) carry Prometheus\' message and PromQL advice', async () => {
  const { prometheus } = backend('http://127.0.0.1:9090', replay('error-execution.json'));
  const error = await failure(prometheus.query('prometheus_http_requests_total * on() prometheus_build_info'));
  assert.is(error.kind, 'execution');
  assert.is(error.status, 422);
  assert.is(error.message, 'multiple matches for labels: many-to-one matching must be explicit (group_left/group_right)');
  assert.match(error.hint, /group_left/);
});

test('a bad range is bad_data with advice on the parameters', async () => {
  const { prometheus } = backend('http://127.0.0.1:9090', replay('error-bad-range.json'));
  const error = await failure(prometheus.queryRange('up', { start: 1_795_625_700, end: 1_795_625_640, step: 15 }));
  assert.is(error.kind, 'bad_data');
  assert.match(error.hint, /swap start and end/);
});

test('a wrong path prefix is not_found with the URL to fix', async () => {
  const { prometheus } = backend('http://127.0.0.1:9090/prom', replay('error-not-found.json'));
  const error = await failure(prometheus.query('up'));
  assert.is(error.kind, 'not_found');
  assert.is(error.url, 'http://127.0.0.1:9090/prom/api/v1/query');
  assert.match(error.hint, /^check the URL: http:\/\/127\.0\.0\.1:9090\/prom\/api\/v1\/query does not exist/);
});

test('a 200 that is not the API (a UI page) is bad_response', async () => {
  const page = new Response('<!doctype html><title>Grafana</title>', { status: 200, headers: { 'content-type': 'text/html' } });
  const { prometheus } = backend('http://127.0.0.1:3000', page);
  const error = await failure(prometheus.query('up'));
  assert.is(error.kind, 'bad_response');
  assert.match(error.message, /text\/html/);
  assert.match(error.hint, /not as the Prometheus HTTP API/);
});

test('a success whose data has the wrong shape is bad_response', async () => {
  const odd = responseOf({ status: 200, headers: {}, body: { status: 'success', data: { resultType: 'table', result: {} } } });
  const { prometheus } = backend('http://127.0.0.1:9090', odd);
  assert.is((await failure(prometheus.query('up'))).kind, 'bad_response');
});

test('arguments are checked before any request', async () => {
  const { prometheus, scripted } = backend('http://127.0.0.1:9090');
  assert.match((await failure(prometheus.query('  '))).message, /empty/);
  assert.match((await failure(prometheus.query('up', { time: 1_795_625_640_000 }))).message, /looks like milliseconds/);
  assert.match((await failure(prometheus.queryRange('up', { start: 0, end: 60, step: 0 }))).message, /positive number of seconds/);
  assert.match((await failure(prometheus.series([]))).message, /at least one/);
  assert.match((await failure(prometheus.labelValues('pod', { limit: 1.5 }))).message, /positive integer/);
  assert.match((await failure(prometheus.labelValues(''))).message, /label name is empty/);
  assert.is(scripted.calls, 0);
});

test('basic auth from the URL, bearer token and extra headers; URLs normalised to the API root', async () => {
  const { prometheus, scripted } = backend('https://admin:s%3Acret@prom.example.internal/prometheus/api/v1/', replay('query-up.json'));
  await prometheus.query('up');
  const sent = scripted.requests[0]!;
  assert.is(sent.url.href, 'https://prom.example.internal/prometheus/api/v1/query');
  assert.is(sent.headers.authorization, `Basic ${Buffer.from('admin:s:cret').toString('base64')}`);
  assert.equal(prometheus.describe(), { kind: 'prometheus', url: 'https://prom.example.internal/prometheus/' });

  const scripted2 = new ScriptedFetch(replay('query-up.json'));
  const withToken = new PrometheusBackend({
    url: 'http://127.0.0.1:9090',
    bearerToken: 'tok',
    headers: { 'X-Scope-OrgID': 'petadoptions' },
    fetch: scripted2.fetch,
  });
  await withToken.query('up');
  assert.is(scripted2.requests[0]!.headers.authorization, 'Bearer tok');
  assert.is(scripted2.requests[0]!.headers['x-scope-orgid'], 'petadoptions');

  assert.throws(() => prometheusRoot('localhost:9090'), (e: unknown) => e instanceof BackendConfigError && /not an http\(s\) URL/.test(e.message));
  assert.throws(() => prometheusRoot('not a url'), (e: unknown) => e instanceof BackendConfigError);
  assert.throws(() => new PrometheusBackend({ url: 'http://u:p@h:9090', bearerToken: 't' }), /not both/);
});

test.run();
