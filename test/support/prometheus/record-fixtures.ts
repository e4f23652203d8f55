/**
 * Records the Prometheus fixtures in ../fixtures from the real Prometheus binary:
 *   node --import tsx test/support/prometheus/record-fixtures.ts
 * Each file holds the request made and the status, content type and body that came back. The AMP
 * and proxy fixtures are written by hand (see fixtures/README.md): there is no AMP to record here.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { encodeParams, type Param } from '../../../lib/prometheus/client/request.js';
import { kitOpenMetrics, kitWindowEnd } from './kit-metrics.js';
import { startPrometheus, waitForSeries } from './real-prometheus.js';

const fixtures = fileURLToPath(new URL('../../../lib/prometheus/client/fixtures/', import.meta.url));
const version = execFileSync('prometheus', ['--version'], { encoding: 'utf8' }).split('\n')[0]!.trim();

async function record(file: string, method: 'GET' | 'POST', url: string, path: string, params: Param[]): Promise<void> {
  const target = new URL(path, url);
  const init: RequestInit = { method };
  if (method === 'GET') target.search = encodeParams(params);
  else {
    init.body = encodeParams(params);
    init.headers = { 'content-type': 'application/x-www-form-urlencoded' };
  }
  const response = await fetch(target, init);
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // non-JSON bodies (e.g. "404 page not found") are kept as text
  }
  const exchange = {
    source: `recorded from ${version}`,
    request: { method, path, params },
    status: response.status,
    headers: { 'content-type': response.headers.get('content-type') ?? '' },
    body,
  };
  writeFileSync(join(fixtures, file), JSON.stringify(exchange, null, 2) + '\n');
  console.log(`${file}: ${response.status}`);
}

let starting: { status: number; contentType: string; body: string } | undefined;
const end = kitWindowEnd(Date.now());
const prometheus = await startPrometheus({
  backfill: kitOpenMetrics(end),
  onProbe: async (response) => {
    if (response.status === 503 && !starting) {
      starting = { status: 503, contentType: response.headers.get('content-type') ?? '', body: await response.text() };
    }
  },
});
try {
  // Service discovery hands over targets after ~5 s; the targets, up and metadata fixtures need a scrape.
  await waitForSeries(prometheus.url, 'up', 1, 15_000);
  await new Promise((resolve) => setTimeout(resolve, 2_000));
  const url = prometheus.url;
  const now = Date.now() / 1000;
  const at: Param = ['time', String(end)];
  const range: Param[] = [['start', String(end - 300)], ['end', String(end)], ['step', '60']];

  await record('query-vector.json', 'POST', url, '/api/v1/query', [['query', 'container_memory_working_set_bytes{namespace="petadoptions"}'], at]);
  await record('query-up.json', 'POST', url, '/api/v1/query', [['query', 'up']]);
  await record('query-matrix.json', 'POST', url, '/api/v1/query_range', [['query', 'sum by (service, code) (rate(http_requests_total[1m]))'], ...range]);
  await record('query-scalar.json', 'POST', url, '/api/v1/query', [['query', 'scalar(sum(up))']]);
  await record('query-string.json', 'POST', url, '/api/v1/query', [['query', '"petadoptions"']]);
  await record('query-range-selector.json', 'POST', url, '/api/v1/query', [['query', 'up[3s]']]);
  await record('error-bad-data.json', 'POST', url, '/api/v1/query', [['query', 'sum(rate(http_requests_total[5m])']]);
  await record('error-bad-range.json', 'POST', url, '/api/v1/query_range', [['query', 'up'], ['start', String(now)], ['end', String(now - 60)], ['step', '15']]);
  await record('error-execution.json', 'POST', url, '/api/v1/query', [['query', 'prometheus_http_requests_total * on() prometheus_build_info']]);
  await record('error-timeout.json', 'POST', url, '/api/v1/query', [['query', 'count_over_time({__name__=~".+"}[1h])'], ['timeout', '0.000001']]);
  await record('error-not-found.json', 'GET', url, '/api/v1/quey', []);
  await record('series.json', 'GET', url, '/api/v1/series', [['match[]', 'container_memory_working_set_bytes'], ['match[]', 'up'], ['start', String(end - 600)]]);
  await record('labels.json', 'GET', url, '/api/v1/labels', []);
  await record('label-values.json', 'GET', url, '/api/v1/label/pod/values', [['start', String(end - 600)]]);
  await record('metadata.json', 'GET', url, '/api/v1/metadata', [['limit', '3']]);
  await record('targets.json', 'GET', url, '/api/v1/targets', []);
  await record('rules.json', 'GET', url, '/api/v1/rules', []);
  await record('alerts.json', 'GET', url, '/api/v1/alerts', []);
  await record('buildinfo.json', 'GET', url, '/api/v1/status/buildinfo', []);
  if (starting) {
    const exchange = {
      source: `recorded from ${version} while its TSDB was opening`,
      request: { method: 'GET', path: '/api/v1/status/buildinfo', params: [] },
      status: starting.status,
      headers: { 'content-type': starting.contentType },
      body: starting.body,
    };
    writeFileSync(join(fixtures, 'error-starting-503.json'), JSON.stringify(exchange, null, 2) + '\n');
    console.log('error-starting-503.json: 503');
  } else {
    console.log('no 503 seen during start-up; error-starting-503.json left as it was');
  }
} finally {
  await prometheus.stop();
}
