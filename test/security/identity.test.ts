/**
 * Issue 11, part A: identity on every decision, and the attack surface of the local stack. One test per
 * finding, named after it; each failed on the base commit (19fd891) and passes now.
 *
 * The agent's API is tested in-process, configured as `local-cluster up` configures it (a webhook token
 * and the approver's operator token, from files); the stack's findings against a real `up` (the real
 * Prometheus, Alertmanager, agent and MCP server; the stand-in simulation). Only modules that existed at
 * the base commit are imported, and new files are found by their documented paths, so this file runs
 * (and fails) there too.
 */
import { request as httpRequest } from 'node:http';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createLogger } from '../../core/log.js';
import { createAgent, type Agent } from '../../agent/app.js';
import { resolveAgentConfig } from '../../agent/config.js';
import type { AgentConfig } from '../../agent/config.js';
import { runLocalCluster } from '../../infra/local/deploy/cli.js';
import { down, up } from '../../infra/local/deploy/commands.js';
import { resolveStackConfig, type StackConfig } from '../../infra/local/deploy/config.js';
import { loadState } from '../../infra/local/deploy/state.js';
import { FakeCluster, RecordingNotifier, StubWorld, stubHandlers, testConfig } from '../support/agent/workflow-testkit.js';
import { freeStackPorts } from '../support/deploy/ports.js';
import { startSampleApi } from '../support/simulation/sample-cluster.js';

const fixture = readFileSync(fileURLToPath(new URL('../../agent/intake/fixtures/alertmanager-memory-near-limit.json', import.meta.url)), 'utf8');
const approverToken = 'approver-token-0123456789abcdefghijkl';
const webhookToken = 'webhook-token-0123456789abcdefghijklm';
const asApprover = { authorization: `Bearer ${approverToken}` };
const asWebhook = { authorization: `Bearer ${webhookToken}` };
/** What `local-cluster up` gives the agent: the approver's operator token and Alertmanager's webhook token. */
const stackCredentials = { operators: [{ name: 'local:alice', token: approverToken }], webhook: [{ name: 'webhook', token: webhookToken }] };

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json?: { error?: string } & Record<string, unknown>;
}

/** A raw HTTP request: any Host, any header, any path, as an attacker (or a browser) sends them. */
function send(url: string, method: string, path: string, headers: Record<string, string> = {}, body?: string | Buffer): Promise<Answer> {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: target.hostname, port: target.port, method, path, headers: { ...(body !== undefined ? { 'content-length': String(Buffer.byteLength(body)) } : {}), ...headers }, setHost: !('host' in headers) }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json: Answer['json'];
        try {
          json = JSON.parse(text) as Answer['json'];
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
      });
    });
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

interface Running {
  agent: Agent;
  notifier: RecordingNotifier;
}

async function startAgent(config: Partial<AgentConfig> & Record<string, unknown>): Promise<Running> {
  const notifier = new RecordingNotifier();
  const agent = await createAgent(testConfig(config as Partial<AgentConfig>), {
    log: createLogger('test', { sink: () => undefined }),
    stepHandlers: stubHandlers(new StubWorld()),
    evidence: {},
    cluster: new FakeCluster(),
    notifier,
    pollIntervalMs: 20,
  });
  await agent.start();
  return { agent, notifier };
}

/** An incident waiting for a decision, opened through the webhook as Alertmanager would. */
async function pendingAction(running: Running): Promise<{ incidentId: string; actionId: string; path: string }> {
  const posted = await send(running.agent.url, 'POST', '/webhooks/alertmanager', { 'content-type': 'application/json', ...asWebhook }, fixture);
  assert.is(posted.status, 202, posted.text);
  const request = await running.notifier.next((n) => n.kind === 'approval-requested');
  const incidentId = request.incident.id;
  const actionId = request.action!.id;
  return { incidentId, actionId, path: `/incidents/${incidentId}/actions/${actionId}` };
}

const actionStatus = async (running: Running, incidentId: string, actionId: string) => (await running.agent.store.getIncident(incidentId))!.actions.find((a) => a.id === actionId)!.status;

// ---- H1: anyone, including any web page, can approve a remediation ----------------------------------

test('H1: a cross-origin text/plain POST (no preflight) cannot approve', async () => {
  const running = await startAgent({ credentials: stackCredentials });
  try {
    const { incidentId, actionId, path } = await pendingAction(running);
    // What a page on another origin sends: a simple request, no credentials it could know.
    const page = await send(running.agent.url, 'POST', `${path}/approve`, { origin: 'http://evil.example', 'content-type': 'text/plain', 'sec-fetch-site': 'cross-site' }, '{"by":"mallory"}');
    assert.is(page.status, 403, page.text);
    assert.is(page.headers['access-control-allow-origin'], undefined, 'no CORS grant');
    // The same body without a browser's headers: still no credential, and not JSON.
    assert.is((await send(running.agent.url, 'POST', `${path}/approve`, { 'content-type': 'text/plain' }, '{"by":"mallory"}')).status, 401);
    assert.is((await send(running.agent.url, 'POST', `${path}/approve`, { 'content-type': 'text/plain', ...asApprover }, '{}')).status, 415);
    assert.is((await send(running.agent.url, 'POST', `${path}/approve`, { 'content-type': 'application/x-www-form-urlencoded', ...asApprover }, 'by=mallory')).status, 415);
    assert.is((await send(running.agent.url, 'POST', `${path}/approve`, { 'content-type': 'multipart/form-data; boundary=x', ...asApprover }, '--x--')).status, 415);
    // A preflight gets no grant either.
    const preflight = await send(running.agent.url, 'OPTIONS', `${path}/approve`, { origin: 'http://evil.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' });
    assert.ok(preflight.status >= 400, `preflight answered ${preflight.status}`);
    assert.is(preflight.headers['access-control-allow-origin'], undefined);
    assert.is(await actionStatus(running, incidentId, actionId), 'proposed');
  } finally {
    await running.agent.stop({ graceMs: 0 });
  }
});

test('H1: "by": "policy" in the body is not recorded as the policy; the approver is the credential', async () => {
  const running = await startAgent({ credentials: stackCredentials });
  try {
    const { incidentId, actionId, path } = await pendingAction(running);
    const approved = await send(running.agent.url, 'POST', `${path}/approve`, { 'content-type': 'application/json', ...asApprover }, '{"by":"policy","comment":"forged"}');
    assert.is(approved.status, 200, approved.text);
    const incident = (await running.agent.store.getIncident(incidentId))!;
    const action = incident.actions.find((a) => a.id === actionId)!;
    assert.is(action.approval?.by, 'local:alice');
    const entry = incident.timeline.find((t) => t.type === 'approval' && t.refs?.includes(actionId) && /approved by/.test(t.summary))!;
    assert.is(entry.source, 'human');
    const audit = await running.agent.store.listAudit({ incidentId });
    const decision = audit.find((e) => e.action === 'action.approved')!;
    assert.is(decision.actor, 'local:alice');
    assert.is(decision.detail.claimedBy, 'policy', 'the claim is kept, never believed');
  } finally {
    await running.agent.stop({ graceMs: 0 });
  }
});

test('H1: the webhook credential cannot approve (webhooks and approvals take different credentials)', async () => {
  const running = await startAgent({ credentials: stackCredentials });
  try {
    const { incidentId, actionId, path } = await pendingAction(running);
    for (const decision of ['approve', 'reject']) {
      const answer = await send(running.agent.url, 'POST', `${path}/${decision}`, { 'content-type': 'application/json', ...asWebhook }, '{"by":"alice"}');
      assert.is(answer.status, 403, answer.text);
    }
    assert.is((await send(running.agent.url, 'GET', '/incidents', asWebhook)).status, 403, 'nor read incidents');
    assert.is((await send(running.agent.url, 'POST', '/webhooks/alertmanager', { 'content-type': 'application/json', ...asApprover }, fixture)).status, 403, 'and an operator token delivers no alert');
    assert.is(await actionStatus(running, incidentId, actionId), 'proposed');
    // A token the agent does not know, and an X-Api-Key with the webhook token, are refused too.
    assert.is((await send(running.agent.url, 'POST', `${path}/approve`, { authorization: `Bearer ${approverToken}x` })).status, 401);
    assert.is((await send(running.agent.url, 'POST', `${path}/approve`, { 'x-api-key': webhookToken })).status, 403);
  } finally {
    await running.agent.stop({ graceMs: 0 });
  }
});

test('H1: DNS rebinding: a request with a foreign Host reads nothing', async () => {
  // With credentials, and without (where reads are open): the Host is checked either way.
  for (const [config, auth] of [[{ credentials: stackCredentials }, asApprover], [{}, {}]] as const) {
    const running = await startAgent(config);
    try {
      const port = new URL(running.agent.url).port;
      for (const host of [`evil.example:${port}`, 'evil.example', `127.0.0.1.evil.example:${port}`, `evil@127.0.0.1:${port}`]) {
        const answer = await send(running.agent.url, 'GET', '/incidents', { host, ...auth });
        assert.is(answer.status, 421, `${host}: ${answer.text}`);
        assert.type(answer.json?.error, 'string');
      }
      assert.is((await send(running.agent.url, 'GET', '/incidents', { host: `127.0.0.1:${port}`, ...auth })).status, 200);
      assert.is((await send(running.agent.url, 'GET', '/incidents', { host: `localhost:${port}`, ...auth })).status, 200);
    } finally {
      await running.agent.stop({ graceMs: 0 });
    }
  }
});

test('H1: without operator tokens (the agent as the base commit started it) nobody can approve', async () => {
  const running = await startAgent({});
  try {
    const posted = await send(running.agent.url, 'POST', '/webhooks/alertmanager', { 'content-type': 'application/json' }, fixture);
    assert.is(posted.status, 202);
    const request = await running.notifier.next((n) => n.kind === 'approval-requested');
    const answer = await send(running.agent.url, 'POST', `/incidents/${request.incident.id}/actions/${request.action!.id}/approve`, { 'content-type': 'application/json' }, '{"by":"alice"}');
    assert.is(answer.status, 401, answer.text);
    assert.is(await actionStatus(running, request.incident.id, request.action!.id), 'proposed');
  } finally {
    await running.agent.stop({ graceMs: 0 });
  }
});

test('H1: refused approvals are audited: who tried, from where, why', async () => {
  const running = await startAgent({ credentials: stackCredentials });
  try {
    const { incidentId, path } = await pendingAction(running);
    await send(running.agent.url, 'POST', `${path}/approve`, { 'content-type': 'application/json' }, '{}');
    await send(running.agent.url, 'POST', `${path}/approve`, { 'content-type': 'application/json', ...asWebhook }, '{}');
    await send(running.agent.url, 'POST', `${path}/reject`, { 'content-type': 'application/json', origin: 'http://evil.example', ...asApprover }, '{}');
    await send(running.agent.url, 'POST', `${path}/approve`, { host: 'evil.example', ...asApprover });
    assert.is((await send(running.agent.url, 'POST', `${path}/approve`, asApprover)).status, 200);
    assert.is((await send(running.agent.url, 'POST', `${path}/reject`, asApprover)).status, 409);
    const refused = (await running.agent.store.listAudit({ incidentId })).filter((e) => e.action === 'approval.refused');
    assert.equal(refused.map((e) => `${e.actor} ${e.detail.decision} ${e.detail.status}`), ['anonymous approved 401', 'webhook approved 403', 'local:alice rejected 403', 'local:alice approved 421', 'local:alice rejected 409']);
    for (const entry of refused) {
      assert.match(String(entry.detail.remote), /127\.0\.0\.1/);
      assert.type(entry.detail.reason, 'string');
    }
    assert.is((refused[2]!.detail.headers as Record<string, string>).origin, 'http://evil.example');
  } finally {
    await running.agent.stop({ graceMs: 0 });
  }
});

test('H1: reserved actors cannot be token names, and tokens are never taken from the command line', () => {
  assert.throws(() => resolveAgentConfig('serve', {}, { DEVOPS_AGENT_OPERATOR_TOKENS: `policy ${approverToken}` }), /reserved/);
  assert.throws(() => resolveAgentConfig('serve', {}, { DEVOPS_AGENT_OPERATOR_TOKENS: `agent/remediate ${approverToken}` }), /reserved/);
  assert.throws(() => resolveAgentConfig('serve', {}, { DEVOPS_AGENT_OPERATOR_TOKENS: `alice ${webhookToken}`, DEVOPS_AGENT_WEBHOOK_TOKEN: webhookToken }), /same token/);
});

// ---- Low: inputs that gave 5xx, and every route with hostile input -------------------------------

test('low: a malformed path (/incidents/%E0%A4%A) and Content-Encoding: br get 4xx JSON, not 5xx', async () => {
  const running = await startAgent({ credentials: stackCredentials });
  try {
    const path = await send(running.agent.url, 'GET', '/incidents/%E0%A4%A', asApprover);
    assert.is(path.status, 400, path.text);
    assert.type(path.json?.error, 'string');
    const brotli = await send(running.agent.url, 'POST', '/webhooks/alertmanager', { 'content-type': 'application/json', 'content-encoding': 'br', ...asWebhook }, Buffer.from('not brotli at all'));
    assert.is(brotli.status, 415, brotli.text);
    assert.type(brotli.json?.error, 'string');
  } finally {
    await running.agent.stop({ graceMs: 0 });
  }
});

test('every route answers hostile input with a 4xx JSON {error}, and the agent carries on', async () => {
  const running = await startAgent({ credentials: stackCredentials });
  try {
    const { path } = await pendingAction(running);
    const url = running.agent.url;
    const json = (headers: Record<string, string> = {}) => ({ 'content-type': 'application/json', ...headers });
    const deep = '['.repeat(200_000) + ']'.repeat(200_000);
    const cases: [string, string, Record<string, string>, (string | Buffer)?][] = [
      ['GET', '/incidents/%E0%A4%A/timeline', asApprover],
      ['GET', '/incidents/%', asApprover],
      ['GET', '/incidents?limit=1e9', asApprover],
      ['GET', '/incidents?status=open&status=resolved', asApprover],
      ['GET', '/incidents?cursor=%00%FF', asApprover],
      ['GET', '/incidents?__proto__[x]=1', asApprover],
      ['GET', `/incidents/${'x'.repeat(4000)}`, asApprover],
      ['GET', '/audit?limit=-1', asApprover],
      ['GET', '/audit?incidentId=', asApprover],
      ['POST', '/incidents', asApprover],
      ['DELETE', path, asApprover],
      ['POST', `${path}/approve`, json(asApprover), '{"__proto__":{"admin":true}}'],
      ['POST', `${path}/approve`, json(asApprover), '{"by":'],
      ['POST', `${path}/approve`, json(asApprover), '"yes"'],
      ['POST', `${path}/approve`, json(asApprover), `{"comment":"${'x'.repeat(70_000)}"}`],
      ['POST', `${path}/approve`, { 'content-type': 'application/json; charset=utf-16', ...asApprover }, '{}'],
      ['POST', `${path}/approve`, { ...json(asApprover), 'content-encoding': 'gzip' }, Buffer.from('not gzip')],
      ['POST', `${path}/approve`, { ...json(asApprover), 'content-encoding': 'gzip, br' }, '{}'],
      ['POST', `${path}/approve`, { ...json(), authorization: 'Basic YWxpY2U6cHc=' }, '{}'],
      ['POST', `${path}/approve`, { ...json(), authorization: 'Bearer' }, '{}'],
      ['POST', '/incidents/%E0%A4%A/actions/x/approve', json(asApprover), '{}'],
      ['POST', '/webhooks/alertmanager', json(asWebhook), deep],
      ['POST', '/webhooks/alertmanager', json(asWebhook), '{"version":"4","alerts":[{"labels":null}]}'],
      ['POST', '/webhooks/alertmanager', json(asWebhook), 'null'],
      ['POST', '/webhooks/alertmanager', json(asWebhook), '[]'],
      ['POST', '/webhooks/eventbridge', json(asWebhook), '{"detail":{"state":{"value":"ALARM"}}}'],
      ['POST', '/webhooks/anomaly', { 'content-type': 'application/zip', ...asWebhook }, 'PK'],
      ['POST', '/webhooks/anomaly', { 'content-type': 'application/json', 'content-encoding': 'zstd', ...asWebhook }, '{}'],
      ['POST', '/webhooks/anomaly', { 'content-type': 'text/html', origin: 'null' }, '<x>'],
      ['GET', '/healthz', { host: 'evil.example' }],
      ['GET', '/metrics', { origin: 'http://evil.example' }],
    ];
    for (const [method, target, headers, body] of cases) {
      const answer = await send(url, method, target, headers, body);
      const label = `${method} ${target.slice(0, 80)} ${JSON.stringify(headers).slice(0, 120)}`;
      assert.ok(answer.status >= 400 && answer.status < 500, `${label} answered ${answer.status}: ${answer.text.slice(0, 200)}`);
      assert.type(answer.json?.error, 'string', `${label}: ${answer.text.slice(0, 200)}`);
      assert.match(String(answer.headers['content-type']), /application\/json/, label);
    }
    assert.is((await send(url, 'GET', '/healthz')).status, 200);
  } finally {
    await running.agent.stop({ graceMs: 0 });
  }
});

test('low: a body over 3 MiB gets 413 with a Kubernetes Status from the simulated Kubernetes API, not a reset', async () => {
  const api = await startSampleApi();
  try {
    const body = JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'big' }, data: { x: 'x'.repeat(3 * 1024 * 1024 + 1) } });
    const answer = await fetch(`${api.url}/api/v1/namespaces/petadoptions/configmaps`, { method: 'POST', headers: { 'content-type': 'application/json' }, body }).catch((error: Error) => error);
    assert.ok(!(answer instanceof Error), `the connection failed: ${(answer as Error).message}`);
    const response = answer as Response;
    assert.is(response.status, 413);
    const status = (await response.json()) as { kind: string; reason: string; code: number };
    assert.equal([status.kind, status.reason, status.code], ['Status', 'RequestEntityTooLarge', 413]);
  } finally {
    await api.close();
  }
});

// ---- The local stack: credentials, Prometheus, Alertmanager, command lines -------------------------

const fakeSimulation = fileURLToPath(new URL('../support/deploy/fake-sim.ts', import.meta.url));
const stateDir = mkdtempSync(join(tmpdir(), 'security-identity-'));
const credentialsDir = join(stateDir, 'credentials');
let stack: StackConfig;
let stackUp: Promise<void> | undefined;

/** One stack for the tests below, brought up by the first that needs it. */
function ensureStack(): Promise<void> {
  stackUp ??= (async () => {
    const [ports] = await freeStackPorts(1);
    stack = { ...resolveStackConfig({ fast: true, 'state-dir': stateDir }, {}), ports: ports!, install: false, simulationEntry: fakeSimulation };
    const result = await up(stack);
    assert.ok(result.status.healthy, JSON.stringify(result.status.components));
  })();
  return stackUp;
}

test.after(async () => {
  if (stack) await down(stack).catch(() => undefined);
  rmSync(stateDir, { recursive: true, force: true });
});

const readSecret = (name: string) => (existsSync(join(credentialsDir, name)) ? readFileSync(join(credentialsDir, name), 'utf8').trim() : '');
const alertmanagerLogin = () => ({ authorization: `Basic ${Buffer.from(`prometheus:${readSecret('alertmanager.password')}`).toString('base64')}` });

test('H1 on the local target: up generates the credentials (0600) and the agent needs them; status --json reports agentTokenFile', async () => {
  await ensureStack();
  let stdout = '';
  assert.is(await runLocalCluster(['status', '--json'], { stdout: (t) => (stdout += t), stderr: () => undefined, env: { LOCAL_CLUSTER_STATE_DIR: stateDir } }), 0);
  const status = JSON.parse(stdout) as { agentUrl: string; agentTokenFile?: string };
  assert.is(status.agentTokenFile, join(credentialsDir, 'approver.token'));
  for (const name of ['approver.token', 'webhook.token']) {
    assert.ok(existsSync(join(credentialsDir, name)), name);
    assert.is(statSync(join(credentialsDir, name)).mode & 0o777, 0o600, name);
  }
  let table = '';
  await runLocalCluster(['status'], { stdout: (t) => (table += t), stderr: () => undefined, env: { LOCAL_CLUSTER_STATE_DIR: stateDir } });
  assert.ok(table.includes(status.agentTokenFile!), table);
  const approver = { authorization: `Bearer ${readFileSync(status.agentTokenFile!, 'utf8').trim()}` };
  assert.is((await send(status.agentUrl, 'GET', '/incidents')).status, 401, 'no credential, no read');
  assert.is((await send(status.agentUrl, 'GET', '/incidents', approver)).status, 200);
  assert.is((await send(status.agentUrl, 'GET', '/incidents', { authorization: `Bearer ${readSecret('webhook.token')}` })).status, 403);
  // Alertmanager delivers with the webhook token: an alert it is given reaches the agent as an incident.
  const alertmanagerUrl = `http://127.0.0.1:${stack.ports.alertmanager}`;
  const alert = [{ labels: { alertname: 'ContainerMemoryNearLimit', namespace: 'petadoptions', pod: 'petsite-7d4b9c6f8-q7w2e', container: 'petsite', severity: 'warning' }, annotations: { summary: 'test' } }];
  const posted = await fetch(`${alertmanagerUrl}/api/v2/alerts`, { method: 'POST', headers: { 'content-type': 'application/json', ...alertmanagerLogin() }, body: JSON.stringify(alert) });
  assert.is(posted.status, 200, await posted.text());
  const deadline = Date.now() + 30_000;
  let items: unknown[] = [];
  while (!items.length && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 500));
    items = ((await send(status.agentUrl, 'GET', '/incidents', approver)).json?.items as unknown[]) ?? [];
  }
  assert.ok(items.length > 0, "Alertmanager's webhook reached the agent with its token");
});

test('medium: no token on any command line of the stack (ps shows argv to every user)', async () => {
  await ensureStack();
  const state = loadState(join(stateDir, 'state.json'))!;
  const secrets = [state.kubeToken, readSecret('webhook.token'), readSecret('approver.token'), readSecret('alertmanager.password')].filter(Boolean);
  assert.ok(secrets.length >= 1);
  assert.is(Object.keys(state.components).length, 5);
  for (const [name, record] of Object.entries(state.components)) {
    const cmdline = readFileSync(`/proc/${record.pid}/cmdline`, 'utf8');
    for (const secret of secrets) assert.not.ok(cmdline.includes(secret), `${name}'s command line holds a token: ${cmdline.replace(/\0/g, ' ')}`);
  }
  const agentArgs = readFileSync(`/proc/${state.components.agent!.pid}/cmdline`, 'utf8').split('\0');
  assert.ok(agentArgs.includes('--operator-tokens-file') && agentArgs.includes('--webhook-token-file'), 'the agent gets its credentials by file');
  assert.ok(readFileSync(`/proc/${state.components.simulation!.pid}/cmdline`, 'utf8').split('\0').includes('--kube-token-file'));
});

test('medium: Alertmanager accepts no cross-origin silence (no CORS grant, API behind a password)', async () => {
  await ensureStack();
  const url = `http://127.0.0.1:${stack.ports.alertmanager}`;
  const silence = JSON.stringify({ matchers: [{ name: 'alertname', value: 'X', isRegex: false }], startsAt: new Date().toISOString(), endsAt: new Date(Date.now() + 3_600_000).toISOString(), createdBy: 'evil', comment: 'cross-origin' });
  const preflight = await send(url, 'OPTIONS', '/api/v2/silences', { origin: 'http://evil.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' });
  assert.not.ok(preflight.status >= 200 && preflight.status < 300 && preflight.headers['access-control-allow-origin'], `preflight granted: ${preflight.status} ${String(preflight.headers['access-control-allow-origin'])}`);
  // API v1 takes a text/plain body, which a page sends without a preflight.
  for (const [path, type] of [['/api/v1/silences', 'text/plain'], ['/api/v2/silences', 'application/json']]) {
    const answer = await send(url, 'POST', path!, { origin: 'http://evil.example', 'content-type': type! }, silence);
    assert.ok(answer.status === 401 || answer.status === 403, `${path} answered ${answer.status}: ${answer.text.slice(0, 200)}`);
  }
  const silences = (await (await fetch(`${url}/api/v2/silences`, { headers: alertmanagerLogin() })).json()) as { createdBy: string }[];
  assert.equal(silences.filter((s) => s.createdBy === 'evil'), [], 'no silence was created');
});

test('medium: Prometheus has no lifecycle API (POST /-/quit) and grants CORS to no other origin', async () => {
  await ensureStack();
  const url = `http://127.0.0.1:${stack.ports.prometheus}`;
  const cors = await send(url, 'GET', '/api/v1/query?query=up', { origin: 'http://evil.example' });
  assert.is(cors.status, 200);
  assert.is(cors.headers['access-control-allow-origin'], undefined, 'no grant for another origin');
  for (const path of ['/-/reload', '/-/quit']) {
    const answer = await send(url, 'POST', path, { origin: 'http://evil.example', 'content-type': 'text/plain' }, '');
    assert.is(answer.status, 403, `${path}: ${answer.status} ${answer.text}`);
  }
  assert.is((await send(url, 'GET', '/-/ready')).status, 200, 'still running');
});

test.run();
