// The tests of metrics.test.ts that need the real Prometheus tools (npm test runs them; npm run test:unit does not).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { PrometheusBackend } from '../../lib/prometheus/client/index.js';
import { startHttpServer, type RunningHttpServer } from '../../mcp/server/http.js';
import { prometheusHistory } from '../../test/support/prometheus-history.js';
import { freePort } from '../../test/support/free-port.js';
import { createLogger } from '../../core/log.js';
import { EvidenceUnavailable } from '../ports.js';
import { FallbackMetrics } from './metrics-fallback.js';
import { McpMetrics } from './metrics-mcp.js';
import { PrometheusMetrics } from './metrics-prometheus.js';

const noSleep = async () => undefined;
const throttledRatio =
  'sum by (pod) (rate(container_cpu_cfs_throttled_periods_total{namespace="petadoptions", container="payforadoption"}[5m])) / sum by (pod) (rate(container_cpu_cfs_periods_total{namespace="petadoptions", container="payforadoption"}[5m]))';
const memory = 'max by (pod) (container_memory_working_set_bytes{namespace="petadoptions", container="petlistadoptions"})';

let mcp: RunningHttpServer | undefined;

async function mcpServer(url: string): Promise<RunningHttpServer> {
  mcp ??= await startHttpServer({ backend: new PrometheusBackend({ url }), port: 0, logger: createLogger('mcp', { level: 'error' }) });
  return mcp;
}

test('direct Prometheus: instant and range queries, anomalies found by the MCP detectors', async () => {
  const { url, at } = await prometheusHistory();
  const metrics = new PrometheusMetrics(new PrometheusBackend({ url }));
  const rows = await metrics.instant(throttledRatio, { at: at / 1000 });
  assert.is(rows.length, 2);
  assert.ok(rows.every((r) => r.value > 0.25 && r.labels.pod?.startsWith('payforadoption-')));
  const end = at / 1000;
  const series = await metrics.range(memory, { start: end - 3600, end, stepSeconds: 30 });
  assert.ok(series.length >= 1);
  assert.ok(series[0]!.samples.length > 100);
  const anomalies = await metrics.anomalies(memory, { start: end - 7200, end, stepSeconds: 30 });
  assert.ok(anomalies.length > 0, 'the leak is anomalous');
  assert.ok(anomalies.every((a) => a.at <= end && a.at > end - 7200));
  const bad = await metrics.instant('sum(', { at: end }).catch((e: unknown) => e);
  assert.instance(bad, EvidenceUnavailable);
  assert.not.ok((bad as EvidenceUnavailable).retryable, 'a PromQL error is not retried');
  assert.match((bad as EvidenceUnavailable).reason, /bad_data/);
});

test('through our MCP server (streamable HTTP): the same answers as Prometheus directly', async () => {
  const { url, at } = await prometheusHistory();
  const server = await mcpServer(url);
  const viaMcp = new McpMetrics({ url: server.url });
  const direct = new PrometheusMetrics(new PrometheusBackend({ url }));
  try {
    const end = at / 1000;
    const a = await viaMcp.instant(throttledRatio, { at: end });
    const b = await direct.instant(throttledRatio, { at: end });
    assert.equal(a.map((r) => r.labels.pod).sort(), b.map((r) => r.labels.pod).sort());
    for (const row of a) assert.ok(Math.abs(row.value - b.find((x) => x.labels.pod === row.labels.pod)!.value) < 1e-3);
    const range = await viaMcp.range(memory, { start: end - 1800, end, stepSeconds: 60 });
    assert.ok(range.length >= 1 && range[0]!.samples.length > 10, 'points come back (downsampled by the server)');
    assert.ok(range[0]!.samples.every((s) => s.t >= end - 1800 - 1 && s.t <= end + 1));
    const anomalies = await viaMcp.anomalies(memory, { start: end - 7200, end, stepSeconds: 30 });
    assert.ok(anomalies.length > 0);
    const bad = await viaMcp.instant('sum(', { at: end }).catch((e: unknown) => e);
    assert.instance(bad, EvidenceUnavailable);
    assert.not.ok((bad as EvidenceUnavailable).retryable);
  } finally {
    await viaMcp.close();
  }
});

test('MCP server down: a retryable gap, and the fallback answers from Prometheus', async () => {
  const { url, at } = await prometheusHistory();
  const port = await freePort();
  const down = new McpMetrics({ url: `http://127.0.0.1:${port}/mcp`, sleep: noSleep, retry: { maxAttempts: 2 } });
  const error = await down.instant('up', { at: at / 1000 }).catch((e: unknown) => e);
  assert.instance(error, EvidenceUnavailable);
  assert.is((error as EvidenceUnavailable).source, 'prometheus');
  assert.ok((error as EvidenceUnavailable).retryable);
  assert.match((error as EvidenceUnavailable).reason, /MCP server unreachable/);
  const fallback = new FallbackMetrics(down, new PrometheusMetrics(new PrometheusBackend({ url })));
  const rows = await fallback.instant(throttledRatio, { at: at / 1000 });
  assert.is(rows.length, 2);
});

test.after(async () => {
  await mcp?.close();
});

test.run();
