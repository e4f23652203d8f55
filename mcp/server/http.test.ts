/**
 * The HTTP transport's limits, in process over a fake backend: sessions are capped (a new one evicts
 * the idlest, never-used first; the evicted client gets the MCP "session not found" error), and bad
 * bodies get JSON-RPC errors, never Express' HTML page.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { memoryLogger } from '../../core/log.js';
import { FakeBackend } from '../../test/support/mcp/tools/fake-backend.js';
import { startHttpServer, type RunningHttpServer } from './http.js';

const headers = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
const initialize = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'x', version: '1' } } });

async function handshake(server: RunningHttpServer): Promise<string> {
  const res = await fetch(server.url, { method: 'POST', headers, body: initialize });
  await res.text();
  return res.headers.get('mcp-session-id')!;
}

async function answer(res: Response): Promise<{ status: number; type: string; body: { jsonrpc: string; error: { code: number; message: string } } }> {
  return { status: res.status, type: res.headers.get('content-type') ?? '', body: JSON.parse(await res.text()) };
}

test('sessions are capped: the never-used go first, then the idlest; the evicted get "session not found"', async () => {
  const server = await startHttpServer({ backend: new FakeBackend(), logger: memoryLogger(), maxSessions: 3 });
  try {
    const client = new Client({ name: 'worker', version: '1' });
    await client.connect(new StreamableHTTPClientTransport(new URL(server.url)));
    await client.listTools();
    const first = await handshake(server);
    for (let i = 0; i < 10; i++) await handshake(server);
    assert.is(server.sessions(), 3);
    const evicted = await answer(await fetch(server.url, { method: 'POST', headers: { ...headers, 'mcp-session-id': first }, body: JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/list' }) }));
    assert.is(evicted.status, 404);
    assert.is(evicted.body.error.code, -32001);
    assert.match(evicted.body.error.message, /Session not found.*at most 3 sessions/);
    assert.ok((await client.listTools()).tools.length > 0, 'the working session was kept');
    await client.close();
  } finally {
    await server.close();
  }
});

test('bad bodies: JSON-RPC errors with the right status, no HTML', async () => {
  const server = await startHttpServer({ backend: new FakeBackend(), logger: memoryLogger(), maxBodyBytes: 1024 });
  try {
    const post = (body: string, extra: Record<string, string> = {}) => fetch(server.url, { method: 'POST', headers: { ...headers, ...extra }, body }).then(answer);
    const cases: [Awaited<ReturnType<typeof post>>, number, number][] = [
      [await post('{"jsonrpc":'), 400, -32700],
      [await post(initialize, { 'content-type': 'text/plain' }), 415, -32600],
      [await post(JSON.stringify({ pad: 'x'.repeat(2000) })), 413, -32600],
      [await post('{}', { 'content-encoding': 'compress' }), 415, -32600],
      [await fetch(server.url.replace(/\/mcp$/, '/nowhere')).then(answer), 404, -32600],
    ];
    for (const [a, status, code] of cases) {
      assert.is(a.status, status, JSON.stringify(a.body));
      assert.match(a.type, /application\/json/);
      assert.is(a.body.jsonrpc, '2.0');
      assert.is(a.body.error.code, code, a.body.error.message);
    }
  } finally {
    await server.close();
  }
});

test.run();
