import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { AgentHttpClient } from './agent-client.js';

test('the client sends the operator token from its file (read at each request), or the token given', async () => {
  const seen: (string | undefined)[] = [];
  const server = createServer((req, res) => {
    seen.push(req.headers.authorization);
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"items":[]}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const dir = mkdtempSync(join(tmpdir(), 'agent-client-'));
  try {
    const file = join(dir, 'approver.token');
    writeFileSync(file, 'first-token\n', { mode: 0o600 });
    const client = new AgentHttpClient(url, { tokenFile: file });
    await client.listIncidents();
    writeFileSync(file, 'second-token\n');
    await client.decide('inc-1', 'act-1', 'approve', 'run-scenario');
    await new AgentHttpClient(url, { token: 'given-token', tokenFile: file }).listIncidents();
    await new AgentHttpClient(url).listIncidents();
    assert.equal(seen, ['Bearer first-token', 'Bearer second-token', 'Bearer given-token', undefined]);
    const missing = await new AgentHttpClient(url, { tokenFile: join(dir, 'missing') }).listIncidents().then(() => undefined, (error: Error) => error.message);
    assert.match(missing ?? '', /cannot read the agent token file .*missing \(ENOENT\)/);
  } finally {
    server.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('recordRun: PUT /incidents/:id/run with the token and the run as JSON; a refusal is an error that says so', async () => {
  const seen: { method?: string; url?: string; type?: string; auth?: string; body: string }[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      seen.push({ method: req.method, url: req.url, type: req.headers['content-type'], auth: req.headers.authorization, body });
      if (req.url?.includes('inc-old')) return void res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"no route PUT /incidents/inc-old/run"}');
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"incidentId":"inc 1","run":{}}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    const client = new AgentHttpClient(url, 'operator-token');
    const run = { runId: 'r-1', scenario: 'memory-leak', reportDir: '/tmp/reports/r-1' };
    await client.recordRun('inc 1', run);
    assert.equal(seen, [{ method: 'PUT', url: '/incidents/inc%201/run', type: 'application/json', auth: 'Bearer operator-token', body: JSON.stringify(run) }]);
    const refused = await client.recordRun('inc-old', run).then(() => undefined, (error: Error) => error.message);
    assert.is(refused, 'PUT /incidents/inc-old/run answered 404: no route PUT /incidents/inc-old/run');
  } finally {
    server.close();
  }
});

test.run();
