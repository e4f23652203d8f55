/**
 * How the MCP client classes HTTP failures of the server, from the status the MCP SDK reports: 5xx and
 * 429 are retried (the server restarts, a proxy sheds load), 401/403 are not and say which key to give.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { EvidenceUnavailable } from '../ports.js';
import { McpMetrics } from './metrics-mcp.js';

async function answering(status: number) {
  let requests = 0;
  const server = createServer((req, res) => {
    requests++;
    req.resume();
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ jsonrpc: '2.0', error: { code: -32000, message: `HTTP ${status} from a proxy` }, id: null }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp`, requests: () => requests, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

test('a 503 is retried and then a retryable gap; a 401 is not retried and names the key flags', async () => {
  for (const [status, retryable, reason] of [
    [503, true, /MCP server answered HTTP 503/],
    [429, true, /MCP server answered HTTP 429/],
    [401, false, /HTTP 401: it requires its API key; give the agent --mcp-api-key-file or --mcp-api-key-secret/],
  ] as const) {
    const server = await answering(status);
    try {
      const metrics = new McpMetrics({ url: server.url, retry: { maxAttempts: 3 }, sleep: async () => undefined });
      const error = await metrics.instant('sum(up)').catch((e: unknown) => e);
      assert.instance(error, EvidenceUnavailable);
      assert.is((error as EvidenceUnavailable).retryable, retryable, String(status));
      assert.match((error as EvidenceUnavailable).reason, reason);
      assert.is(server.requests(), retryable ? 3 : 1, `${status}: attempts`);
    } finally {
      await server.close();
    }
  }
});

test.run();
