/**
 * The HTTP transport's API key, on loopback over a fake backend: no key or a wrong key is 401 with a
 * JSON-RPC error and WWW-Authenticate, the right key in either header form opens a session, /healthz
 * stays open; and the CLI takes the key from a file or from Secrets Manager, never both.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { memoryLogger } from '../../core/log.js';
import { FakeBackend } from '../../test/support/mcp/tools/fake-backend.js';
import { runPrometheusMcp } from './cli.js';
import { startHttpServer } from './http.js';

const apiKey = 'Xq3vLm8RtZp2Nw7KcJ4hFd9BsY6gTa1UeVo5WiQxHyMn0PkR';
const headers = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
const initialize = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'aws-devops-agent', version: '1' } } });

async function post(url: string, extra: Record<string, string>) {
  const res = await fetch(url, { method: 'POST', headers: { ...headers, ...extra }, body: initialize });
  const text = await res.text();
  return { status: res.status, challenge: res.headers.get('www-authenticate'), session: res.headers.get('mcp-session-id'), text };
}

test('with an API key: 401 without it or with a wrong one, a session with it (Bearer or X-API-Key), /healthz open', async () => {
  const server = await startHttpServer({ backend: new FakeBackend(), logger: memoryLogger(), apiKey });
  try {
    const none = await post(server.url, {});
    assert.is(none.status, 401);
    assert.is(none.challenge, 'Bearer realm="prometheus-mcp"');
    assert.equal(JSON.parse(none.text), { jsonrpc: '2.0', error: { code: -32000, message: 'Unauthorized: this MCP server needs its API key, as Authorization: Bearer <key> or X-API-Key: <key>' }, id: null });
    assert.is(none.session, null, 'no session was opened');
    for (const wrong of <Record<string, string>[]>[{ authorization: `Bearer ${apiKey.slice(0, -1)}x` }, { 'x-api-key': 'not-the-key' }, { authorization: `Basic ${Buffer.from(`user:${apiKey}`).toString('base64')}` }, { authorization: `Bearer ${apiKey}${apiKey}` }]) {
      const answer = await post(server.url, wrong);
      assert.is(answer.status, 401, JSON.stringify(wrong));
      assert.match(answer.text, /"code":-32000/);
      assert.match(answer.challenge ?? '', /^Bearer realm="prometheus-mcp"/);
    }
    assert.match((await post(server.url, { 'x-api-key': 'wrong' })).challenge!, /error="invalid_token"/);
    assert.is(server.sessions(), 0);

    for (const form of <Record<string, string>[]>[{ authorization: `Bearer ${apiKey}` }, { authorization: `bearer ${apiKey}` }, { 'x-api-key': apiKey }]) {
      const answer = await post(server.url, form);
      assert.is(answer.status, 200, `${JSON.stringify(Object.keys(form))}: ${answer.text}`);
      assert.ok(answer.session, 'initialize opened a session');
      assert.match(answer.text, /"serverInfo"/);
      // Every later request of the session needs the key too.
      const unkeyed = await fetch(server.url, { method: 'POST', headers: { ...headers, 'mcp-session-id': answer.session! }, body: JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/list' }) });
      assert.is(unkeyed.status, 401);
      await unkeyed.text();
    }

    // The MCP SDK's own client, as an MCP client registered with the key would connect.
    const client = new Client({ name: 'aws-devops-agent', version: '1' });
    await client.connect(new StreamableHTTPClientTransport(new URL(server.url), { requestInit: { headers: { 'X-API-Key': apiKey } } }));
    assert.ok((await client.listTools()).tools.some((t) => t.name === 'execute_query'));
    await client.close();

    const health = await fetch(server.url.replace(/\/mcp$/, '/healthz'));
    assert.is(health.status, 200, 'the kubelet probes /healthz without a key');
    assert.is(((await health.json()) as { status: string }).status, 'ok');
  } finally {
    await server.close();
  }
});

test('without an API key the endpoint stays as it was (loopback, no credential)', async () => {
  const server = await startHttpServer({ backend: new FakeBackend(), logger: memoryLogger() });
  try {
    assert.is((await post(server.url, {})).status, 200);
  } finally {
    await server.close();
  }
});

async function serveWith(argv: string[], options: { readSecret?: (arn: string) => Promise<string> } = {}) {
  let stderr = '';
  let stop!: (why: string) => void;
  let listening!: (url: string) => void;
  const url = new Promise<string>((resolve) => (listening = resolve));
  const exit = runPrometheusMcp(['--transport', 'http', '--port', '0', '--prometheus-url', 'http://127.0.0.1:9', ...argv], {
    stdout: () => undefined,
    stderr: (t) => (stderr += t),
    env: { HOME: mkdtempSync(join(tmpdir(), 'pm-home-')) },
    stopSignal: new Promise((resolve) => (stop = resolve)),
    onListening: (server) => listening(server.url),
    ...(options.readSecret ? { readSecret: options.readSecret } : {}),
  });
  const first = await Promise.race([url, exit.then((code) => ({ code, stderr }))]);
  return { first, stop: async () => (stop('SIGTERM'), exit), stderr: () => stderr };
}

test('the CLI: --api-key-file and --api-key-secret (Secrets Manager) protect the endpoint; bad combinations exit 2', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pm-key-'));
  writeFileSync(join(dir, 'mcp.key'), `${apiKey}\n`, { mode: 0o600 });
  const fromFile = await serveWith(['--api-key-file', join(dir, 'mcp.key')]);
  assert.type(fromFile.first, 'string', fromFile.stderr());
  assert.is((await post(fromFile.first as string, {})).status, 401);
  assert.is((await post(fromFile.first as string, { authorization: `Bearer ${apiKey}` })).status, 200);
  assert.is(await fromFile.stop(), 0);

  const arn = 'arn:aws:secretsmanager:us-west-2:123456789012:secret:EksIncidentKit-McpApiKeySecret-Ab12Cd';
  const sm = mockClient(SecretsManagerClient);
  sm.on(GetSecretValueCommand, { SecretId: arn }).resolves({ ARN: arn, Name: 'EksIncidentKit-McpApiKeySecret', VersionId: 'a1b2c3d4-5678-90ab-cdef-EXAMPLE11111', SecretString: apiKey, VersionStages: ['AWSCURRENT'], CreatedDate: new Date('2026-11-20T14:03:12.000Z'), $metadata: { httpStatusCode: 200 } });
  try {
    const fromSecret = await serveWith(['--api-key-secret', arn]);
    assert.type(fromSecret.first, 'string', fromSecret.stderr());
    assert.is((await post(fromSecret.first as string, { 'x-api-key': apiKey })).status, 200);
    assert.is((await post(fromSecret.first as string, { 'x-api-key': 'guess' })).status, 401);
    assert.is(await fromSecret.stop(), 0);
    assert.equal(sm.commandCalls(GetSecretValueCommand).map((c) => c.args[0].input.SecretId), [arn]);
  } finally {
    sm.restore();
  }

  const refused: [string[], RegExp][] = [
    [['--api-key-file', join(dir, 'mcp.key'), '--api-key-secret', arn], /--api-key-file and --api-key-secret both give the API key; give one of them/],
    [['--api-key-file', join(dir, 'nope')], /--api-key-file: cannot read .*nope \(ENOENT\)/],
  ];
  for (const [argv, message] of refused) {
    const run = await serveWith(argv);
    assert.equal(typeof run.first === 'object' && run.first.code, 2, run.stderr());
    assert.match(run.stderr(), message);
  }
  const secretFails = await serveWith(['--api-key-secret', arn], { readSecret: async (id) => Promise.reject(new Error(`cannot read secret ${id}: User is not authorized to perform: secretsmanager:GetSecretValue`)) });
  assert.equal(typeof secretFails.first === 'object' && secretFails.first.code, 2);
  assert.match(secretFails.stderr(), /--api-key-secret: cannot read secret arn:aws:secretsmanager:us-west-2:123456789012:secret:EksIncidentKit-McpApiKeySecret-Ab12Cd: User is not authorized/);
  let stdio = '';
  assert.is(await runPrometheusMcp(['--api-key-file', join(dir, 'mcp.key'), '--prometheus-url', 'http://127.0.0.1:9'], { stdout: () => undefined, stderr: (t) => (stdio += t), env: {} }), 2);
  assert.match(stdio, /--api-key-file protects the HTTP transport; add --transport http/);
});

test.run();
