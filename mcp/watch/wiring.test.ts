import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { anomalyAlertSchema } from '../../agent/intake/anomaly.js';
import { ManualClock } from '../../core/clock.js';
import { memoryLogger } from '../../core/log.js';
import { parseCommandLine, type OptionSpec } from '../../lib/platform/cli.js';
import { anomalyWatchOf, runPrometheusMcp } from '../server/cli.js';
import { startHttpServer } from '../server/http.js';
import { petAdoptionWatchList } from './default-watch-list.js';
import { fakeReceiver } from '../../test/support/mcp/watch/receiver.js';
import { noise, syntheticBackend } from '../../test/support/mcp/watch/synthetic-backend.js';
import { parseWatchList } from './watch-list.js';

const T1 = Date.UTC(2026, 10, 24, 11, 0, 0);

async function cli(argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await runPrometheusMcp(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), env: { HOME: mkdtempSync(join(tmpdir(), 'pm-home-')) } });
  return { code, stdout, stderr };
}

/** The anomaly flags as the serve command parses them. */
function serveFlags(argv: string[]) {
  const options = (['--anomaly-webhook', '--anomaly-webhook-token-file', '--watch', '--watch-interval'] as const).map((flag): OptionSpec => ({ flag, value: 'X', describe: '' }));
  return parseCommandLine({ name: 'prometheus-mcp', summary: '', options }, argv).flags;
}

test('--help shows the anomaly flags with their environment variables', async () => {
  const r = await cli(['--help']);
  assert.is(r.code, 0);
  assert.match(r.stdout, /--anomaly-webhook URL .*\/webhooks\/anomaly.*off when absent \[env PROMETHEUS_MCP_ANOMALY_WEBHOOK\]/);
  assert.match(r.stdout, /--watch FILE .*\[env PROMETHEUS_MCP_WATCH\]/);
  assert.match(r.stdout, /--watch-interval SECONDS .*\[env PROMETHEUS_MCP_WATCH_INTERVAL\]/);
});

test('off unless a webhook is given; flags and environment turn it on; bad input exits 2 with one line', async () => {
  assert.is(await anomalyWatchOf({}, {}), undefined);
  assert.equal(await anomalyWatchOf(serveFlags(['--anomaly-webhook', 'http://127.0.0.1:18080/webhooks/anomaly']), {}), { webhookUrl: 'http://127.0.0.1:18080/webhooks/anomaly' });
  const file = join(mkdtempSync(join(tmpdir(), 'watch-')), 'watch.yaml');
  writeFileSync(file, 'interval: 5m\nwatches:\n  - name: up\n    query: sum by (job) (up)\n');
  const fromEnv = (await anomalyWatchOf({}, { PROMETHEUS_MCP_ANOMALY_WEBHOOK: 'http://agent:8080/webhooks/anomaly', PROMETHEUS_MCP_WATCH: file, PROMETHEUS_MCP_WATCH_INTERVAL: '30' }))!;
  assert.is(fromEnv.webhookUrl, 'http://agent:8080/webhooks/anomaly');
  assert.equal(fromEnv.watchList!.watches.map((w) => w.name), ['up']);
  assert.is(fromEnv.watchList!.intervalMs, 300_000);
  assert.is(fromEnv.intervalMs, 30_000, 'the flag (or its env) wins over the file\'s interval');
  // The agent's webhook credential: from a file (never argv) or the environment.
  const tokenFile = join(mkdtempSync(join(tmpdir(), 'watch-token-')), 'webhook.token');
  writeFileSync(tokenFile, 'webhook-token-0123456789abcdef\n', { mode: 0o600 });
  const withFile = (await anomalyWatchOf(serveFlags(['--anomaly-webhook', 'http://127.0.0.1:18080/webhooks/anomaly', '--anomaly-webhook-token-file', tokenFile]), {}))!;
  assert.is(withFile.webhookToken, 'webhook-token-0123456789abcdef');
  assert.is((await anomalyWatchOf({}, { PROMETHEUS_MCP_ANOMALY_WEBHOOK: 'http://agent:8080/webhooks/anomaly', PROMETHEUS_MCP_ANOMALY_WEBHOOK_TOKEN: 'from-env-0123456789abcdefgh' }))!.webhookToken, 'from-env-0123456789abcdefgh');
  await anomalyWatchOf(serveFlags(['--anomaly-webhook', 'http://127.0.0.1:18080/webhooks/anomaly', '--anomaly-webhook-token-file', join(tmpdir(), 'absent.token')]), {}).then(
    () => assert.unreachable('an unreadable token file is an error'),
    (error: Error) => assert.match(error.message, /--anomaly-webhook-token-file: cannot read .*absent\.token \(ENOENT\)/),
  );

  const cases: [string[], RegExp][] = [
    [['--watch', file, '--prometheus-url', 'http://127.0.0.1:1'], /--watch needs --anomaly-webhook URL/],
    [['--watch-interval', '30', '--prometheus-url', 'http://127.0.0.1:1'], /--watch-interval needs --anomaly-webhook URL/],
    [['--anomaly-webhook', 'agent:8080', '--prometheus-url', 'http://127.0.0.1:1'], /--anomaly-webhook must be an http\(s\) URL/],
    [['--anomaly-webhook', 'http://127.0.0.1:1/x', '--watch', '/nonexistent.yaml', '--prometheus-url', 'http://127.0.0.1:1'], /--watch: watch list \/nonexistent.yaml not found/],
    [['--anomaly-webhook', 'http://127.0.0.1:1/x', '--watch-interval', 'often', '--prometheus-url', 'http://127.0.0.1:1'], /--watch-interval must be a whole number/],
  ];
  for (const [argv, message] of cases) {
    const r = await cli(argv);
    assert.is(r.code, 2, `${argv.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message);
    assert.is(r.stderr.trim().split('\n').length, 1, 'one line');
  }
});

test('startHttpServer({ anomalyWatch }) runs the watcher, names itself in payloads, shows counters in get_server_info, and stops it on close', async () => {
  const receiver = await fakeReceiver();
  const labels = { namespace: 'petadoptions', pod: 'leaky-1', container: 'leaky' };
  const backend = syntheticBackend({ series: [{ labels, value: (t) => (t === T1 ? 400 * 2 ** 20 : 100 * 2 ** 20 + 2 ** 21 * noise(t)) }] });
  const watchList = parseWatchList({ watches: [{ name: 'memory', query: 'max by (namespace, pod, container) (container_memory_working_set_bytes)', sensitivity: 'low' }] });
  const server = await startHttpServer({
    backend,
    clock: new ManualClock(T1 + 60_000),
    logger: memoryLogger(),
    services: {},
    anomalyWatch: { webhookUrl: receiver.url, watchList, intervalMs: 3_600_000 },
  });
  try {
    assert.ok(server.anomalyWatch, 'the running server exposes its watcher');
    const deadline = Date.now() + 10_000;
    while (receiver.received.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    const [first] = receiver.accepted().map((b) => anomalyAlertSchema.parse(b));
    assert.ok(first, 'pushed the spike');
    assert.equal(first.origin, { server: 'prometheus-mcp', url: server.url });

    const client = new Client({ name: 'test', version: '1' });
    await client.connect(new StreamableHTTPClientTransport(new URL(server.url)));
    const info = (await client.callTool({ name: 'get_server_info', arguments: {} })) as { structuredContent?: { anomalyWatch: { enabled: boolean; pushed: number; failed: number; episodesOpen: number } } };
    await client.close();
    assert.is(info.structuredContent!.anomalyWatch.enabled, true);
    assert.is(info.structuredContent!.anomalyWatch.pushed, 1);
    assert.is(info.structuredContent!.anomalyWatch.failed, 0);
    assert.is(info.structuredContent!.anomalyWatch.episodesOpen, 1);
  } finally {
    await server.close();
    await receiver.close();
  }
  const runs = server.anomalyWatch!.status().runs;
  await server.anomalyWatch!.runOnce();
  assert.is(server.anomalyWatch!.status().runs, runs, 'stopped with the server');
});

test('the default watch list is the pet-adoption one', async () => {
  const receiver = await fakeReceiver();
  const server = await startHttpServer({ backend: syntheticBackend({ series: [] }), logger: memoryLogger(), services: {}, anomalyWatch: { webhookUrl: receiver.url } });
  try {
    const deadline = Date.now() + 10_000;
    while (server.anomalyWatch!.status().runs === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    const status = server.anomalyWatch!.status();
    assert.equal(status.watches.map((w) => w.name), petAdoptionWatchList.watches.map((w) => w.name));
    assert.is(status.intervalSeconds, 60);
    assert.is(status.errors, 0);
  } finally {
    await server.close();
    await receiver.close();
  }
});

test.run();
