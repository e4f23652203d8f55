import { Ajv2020 } from 'ajv/dist/2020.js';
import { readFileSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parse } from 'yaml';
import { createLogger } from '../../core/log.js';
import { createAgent, type Agent } from '../app.js';
import { StoreUnavailable } from '../store/errors.js';
import { SqliteStateStore } from '../store/sqlite-store.js';
import { FakeCluster, RecordingNotifier, StubWorld, stubHandlers, testConfig } from '../../test/support/agent/workflow-testkit.js';

type Spec = { paths: Record<string, Record<string, { responses: Record<string, { $ref?: string; content?: Record<string, unknown> }> }>> };
const spec = parse(readFileSync(new URL('../../docs/api/openapi.yaml', import.meta.url), 'utf8')) as Spec & Record<string, unknown>;
const ajv = new Ajv2020({ strict: false, validateFormats: false, allErrors: true });
ajv.addSchema(spec, 'openapi');
const checked = new Set<string>();
const fixture = (name: string) => readFileSync(new URL(`../intake/fixtures/${name}`, import.meta.url), 'utf8');
const pointer = (text: string) => text.replace(/~/g, '~0').replace(/\//g, '~1');

/** Calls the API and checks the answer's status and body against the OpenAPI document. */
async function call(agent: Agent, method: 'get' | 'post' | 'put', route: string, path: string, body?: string | object, headers: Record<string, string> = {}) {
  const response = await fetch(`${agent.url}${path}`, {
    method: method.toUpperCase(),
    ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
    // JSON unless the test says otherwise: non-JSON bodies get 415 (issue 11).
    headers: body !== undefined ? { 'content-type': 'application/json', ...headers } : headers,
  });
  const text = await response.text();
  const operation = spec.paths[route]?.[method];
  assert.ok(operation, `${method} ${route} is not in the spec`);
  const status = String(response.status);
  let documented = operation!.responses[status];
  assert.ok(documented, `${method.toUpperCase()} ${route} answered ${status}, which the spec does not list (${text.slice(0, 200)})`);
  let base = `#/paths/${pointer(route)}/${method}/responses/${status}`;
  if (documented!.$ref) {
    base = documented!.$ref;
    documented = (spec.components as { responses: Record<string, { content?: Record<string, unknown> }> }).responses[documented!.$ref.split('/').pop()!]!;
  }
  const json = documented!.content?.['application/json'];
  let parsed: unknown = text;
  if (json) {
    assert.match(response.headers.get('content-type') ?? '', /application\/json/);
    parsed = JSON.parse(text);
    const validate = ajv.compile({ $ref: `openapi${base}/content/application~1json/schema` });
    assert.ok(validate(parsed), `${method.toUpperCase()} ${path} ${status} does not match the spec: ${ajv.errorsText(validate.errors)}\n${text.slice(0, 500)}`);
  }
  checked.add(`${method} ${route}`);
  return { status: response.status, body: parsed as Record<string, unknown> & { error?: string }, headers: response.headers };
}

const quiet = () => createLogger('test', { sink: () => undefined });

// Named operator tokens and a webhook token, as the local target generates them.
const aliceToken = 'alice-token-0123456789abcdefghij';
const webhookToken = 'webhook-token-0123456789abcdefghij';
const credentials = { operators: [{ name: 'alice', token: aliceToken }], webhook: [{ name: 'alertmanager', token: webhookToken }] };
const asAlice = { authorization: `Bearer ${aliceToken}` };
const asWebhook = { authorization: `Bearer ${webhookToken}` };

async function startAgent(options: { world?: StubWorld; handlers?: boolean; store?: SqliteStateStore; apiToken?: string; credentials?: typeof credentials } = {}) {
  const world = options.world ?? new StubWorld();
  const notifier = new RecordingNotifier();
  const agent = await createAgent(testConfig({ concurrency: 2, ...(options.handlers === false ? { playbookDirs: [] } : {}), ...(options.apiToken ? { apiToken: options.apiToken } : {}), ...(options.credentials ? { credentials: options.credentials } : {}) }), {
    log: quiet(),
    stepHandlers: options.handlers === false ? [] : stubHandlers(world),
    evidence: {},
    cluster: new FakeCluster(),
    notifier,
    pollIntervalMs: 20,
    ...(options.store ? { store: options.store } : {}),
  });
  await agent.start();
  return { agent, notifier, world };
}

test('health, readiness and metrics', async () => {
  const { agent } = await startAgent();
  assert.equal((await call(agent, 'get', '/healthz', '/healthz')).body, { status: 'ok' });
  const ready = await call(agent, 'get', '/readyz', '/readyz');
  assert.is(ready.status, 200);
  assert.match(String((ready.body.checks as Record<string, string>).handlers), /10 step kinds registered/);
  const metrics = await call(agent, 'get', '/metrics', '/metrics');
  assert.match(metrics.headers.get('content-type')!, /text\/plain/);
  for (const name of ['agent_alerts_received_total', 'agent_queue_depth', 'agent_investigations_in_flight', 'agent_investigation_duration_seconds', 'agent_actions_total', 'agent_approvals_total', 'process_resident_memory_bytes']) {
    assert.ok((metrics.body as unknown as string).includes(name), `${name} missing`);
  }
  await agent.stop();
  const bare = await startAgent({ handlers: false });
  const notReady = await call(bare.agent, 'get', '/readyz', '/readyz');
  assert.is(notReady.status, 503);
  assert.equal(notReady.body.status, 'not-ready');
  await bare.agent.stop();
});

test('an alert goes from webhook to approval to resolution over HTTP', async () => {
  const { agent, notifier } = await startAgent({ credentials });
  const accepted = await call(agent, 'post', '/webhooks/alertmanager', '/webhooks/alertmanager', fixture('alertmanager-memory-near-limit.json'), { 'content-type': 'application/json', ...asWebhook });
  assert.is(accepted.status, 202);
  const incidentId = (accepted.body.results as { incidentId: string }[])[0]!.incidentId;
  const request = await notifier.next((n) => n.kind === 'approval-requested');
  assert.match(request.text, new RegExp(`curl -X POST ${agent.url}/incidents/${incidentId}/actions/`));

  const list = await call(agent, 'get', '/incidents', '/incidents?status=awaiting-approval&limit=10', undefined, asAlice);
  assert.equal((list.body.items as { id: string }[]).map((i) => i.id), [incidentId]);
  const detail = await call(agent, 'get', '/incidents/{id}', `/incidents/${incidentId}`, undefined, asAlice);
  const workflow = detail.body.workflow as { status: string; records: unknown[] };
  assert.is(workflow.status, 'awaiting-approval');
  assert.ok(workflow.records.length >= 8);
  const timeline = await call(agent, 'get', '/incidents/{id}/timeline', `/incidents/${incidentId}/timeline`, undefined, asAlice);
  const at = (timeline.body.items as { at: string }[]).map((t) => t.at);
  assert.equal(at, [...at].sort(), 'oldest first');

  const actionId = request.action!.id;
  // Issue 11: `by` no longer names the approver (the credential does), so it is no longer required; a
  // body that is not JSON (curl -d without a content type) gets 415.
  const unknownField = await call(agent, 'post', '/incidents/{id}/actions/{actionId}/approve', `/incidents/${incidentId}/actions/${actionId}/approve`, { approver: 'alice' }, asAlice);
  assert.is(unknownField.status, 400);
  assert.match(unknownField.body.error!, /approver/);
  const form = await call(agent, 'post', '/incidents/{id}/actions/{actionId}/approve', `/incidents/${incidentId}/actions/${actionId}/approve`, '{"by":"alice","comment":"ok"}', { 'content-type': 'application/x-www-form-urlencoded', ...asAlice });
  assert.is(form.status, 415);
  const approved = await call(agent, 'post', '/incidents/{id}/actions/{actionId}/approve', `/incidents/${incidentId}/actions/${actionId}/approve`, '{"by":"mallory","comment":"ok"}', asAlice);
  assert.is(approved.status, 200);
  assert.is((approved.body.action as { status: string }).status, 'approved');
  assert.is((approved.body.action as { approval: { by: string } }).approval.by, 'alice', 'the approver is the credential, not the body');
  await notifier.next((n) => n.kind === 'incident-resolved' && n.incident.id === incidentId);
  const again = await call(agent, 'post', '/incidents/{id}/actions/{actionId}/reject', `/incidents/${incidentId}/actions/${actionId}/reject`, { by: 'bob' }, asAlice);
  assert.is(again.status, 409);
  const unknownAction = await call(agent, 'post', '/incidents/{id}/actions/{actionId}/approve', `/incidents/${incidentId}/actions/act-nope/approve`, { by: 'bob' }, asAlice);
  assert.is(unknownAction.status, 404);
  const unknownIncident = await call(agent, 'post', '/incidents/{id}/actions/{actionId}/reject', `/incidents/inc-nope/actions/${actionId}/reject`, { by: 'bob' }, asAlice);
  assert.is(unknownIncident.status, 404);

  const resolved = await call(agent, 'get', '/incidents/{id}', `/incidents/${incidentId}`, undefined, asAlice);
  assert.is(resolved.body.status, 'resolved');
  const audit = await call(agent, 'get', '/audit', `/audit?incidentId=${incidentId}`, undefined, asAlice);
  const actions = (audit.body.items as { actor: string; action: string }[]).map((e) => `${e.actor}:${e.action}`);
  assert.ok(actions.includes('alice:action.approved'));
  assert.ok(actions.includes('agent/remediate:action.succeeded'));
  const metrics = (await call(agent, 'get', '/metrics', '/metrics')).body as unknown as string;
  assert.match(metrics, /agent_approvals_total\{decision="approved"\} 1/);
  assert.match(metrics, /agent_actions_total\{kind="rollout-restart",status="succeeded"\} 1/);
  assert.match(metrics, /agent_investigation_duration_seconds_count\{playbook="memory-leak",outcome="resolved"\} 1/);
  await agent.stop();
});

test('EventBridge and anomaly webhooks, deduplication and grouping', async () => {
  const { agent } = await startAgent();
  const alarm = await call(agent, 'post', '/webhooks/eventbridge', '/webhooks/eventbridge', fixture('cloudwatch-alarm-pod-memory.json'));
  assert.equal((alarm.body.results as { outcome: string }[]).map((r) => r.outcome), ['opened']);
  const duplicate = await call(agent, 'post', '/webhooks/eventbridge', '/webhooks/eventbridge', fixture('cloudwatch-alarm-pod-memory.json'));
  assert.equal((duplicate.body.results as { outcome: string }[]).map((r) => r.outcome), ['duplicate']);
  const insufficient = await call(agent, 'post', '/webhooks/eventbridge', '/webhooks/eventbridge', fixture('cloudwatch-alarm-insufficient-data.json'));
  assert.equal(insufficient.body, { accepted: 0, results: [] });
  const anomaly = await call(agent, 'post', '/webhooks/anomaly', '/webhooks/anomaly', fixture('anomaly-memory-growth.json'));
  const result = (anomaly.body.results as { outcome: string; incidentId: string }[])[0]!;
  assert.is(result.outcome, 'grouped', 'same workload as the alarm');
  assert.is(result.incidentId, (alarm.body.results as { incidentId: string }[])[0]!.incidentId);
  const metrics = (await call(agent, 'get', '/metrics', '/metrics')).body as unknown as string;
  assert.match(metrics, /agent_alerts_deduplicated_total\{source="cloudwatch"\} 1/);
  assert.match(metrics, /agent_alerts_grouped_total 1/);
  await agent.stop();
});

test('bad input always gets a 4xx JSON error and is counted; the agent carries on', async () => {
  const { agent } = await startAgent();
  const malformed = await call(agent, 'post', '/webhooks/alertmanager', '/webhooks/alertmanager', '{"version": "4", "alerts": [', { 'content-type': 'application/json' });
  assert.is(malformed.status, 400);
  assert.match(malformed.body.error!, /not valid JSON/);
  const invalid = await call(agent, 'post', '/webhooks/alertmanager', '/webhooks/alertmanager', { version: '4', alerts: [] });
  assert.is(invalid.status, 400);
  assert.match(invalid.body.error!, /alerts must not be empty/);
  const wrongKind = await call(agent, 'post', '/webhooks/eventbridge', '/webhooks/eventbridge', JSON.parse(fixture('alertmanager-cpu-throttling.json')));
  assert.is(wrongKind.status, 400);
  const empty = await call(agent, 'post', '/webhooks/anomaly', '/webhooks/anomaly', '');
  assert.is(empty.status, 400);
  const huge = JSON.stringify({ version: '4', padding: 'x'.repeat(1024 * 1024 + 10) });
  const tooLarge = await call(agent, 'post', '/webhooks/alertmanager', '/webhooks/alertmanager', huge, { 'content-type': 'application/json' });
  assert.is(tooLarge.status, 413);
  assert.match(tooLarge.body.error!, /larger than 1024 KiB/);
  const badQuery = await call(agent, 'get', '/incidents', '/incidents?status=burning');
  assert.is(badQuery.status, 400);
  const badCursor = await call(agent, 'get', '/incidents', '/incidents?cursor=nonsense');
  assert.is(badCursor.status, 400);
  const badLimit = await call(agent, 'get', '/audit', '/audit?limit=0');
  assert.is(badLimit.status, 400);
  const missing = await call(agent, 'get', '/incidents/{id}', '/incidents/inc-nope');
  assert.is(missing.status, 404);
  const missingTimeline = await call(agent, 'get', '/incidents/{id}/timeline', '/incidents/inc-nope/timeline');
  assert.is(missingTimeline.status, 404);
  const noRoute = await fetch(`${agent.url}/nope`);
  assert.is(noRoute.status, 404);
  assert.match(((await noRoute.json()) as { error: string }).error, /no route GET \/nope/);
  const metrics = (await call(agent, 'get', '/metrics', '/metrics')).body as unknown as string;
  assert.match(metrics, /agent_alerts_rejected_total\{reason="malformed-json"\} 1/);
  assert.match(metrics, /agent_alerts_rejected_total\{reason="too-large"\} 1/);
  assert.match(metrics, /agent_alerts_rejected_total\{reason="invalid-payload"\} 3/);
  assert.is((await call(agent, 'get', '/healthz', '/healthz')).status, 200);
  await agent.stop();
});

test('a store outage is a 503, so Alertmanager retries the delivery', async () => {
  const store = new SqliteStateStore(':memory:');
  store.saveAlert = () => Promise.reject(new StoreUnavailable('saving an alert', new Error('ECONNREFUSED')));
  const { agent } = await startAgent({ store });
  const answer = await call(agent, 'post', '/webhooks/alertmanager', '/webhooks/alertmanager', fixture('alertmanager-high-latency.json'), { 'content-type': 'application/json' });
  assert.is(answer.status, 503);
  assert.match(answer.body.error!, /state store unavailable/);
  await agent.stop();
});

test('pagination of incidents', async () => {
  const { agent } = await startAgent({ world: Object.assign(new StubWorld(), { behaviour: { metrics: { mode: 'hang' } } }) });
  for (const name of ['alertmanager-cpu-throttling.json', 'alertmanager-high-latency.json', 'alertmanager-node-memory-pressure.json']) await call(agent, 'post', '/webhooks/alertmanager', '/webhooks/alertmanager', fixture(name), { 'content-type': 'application/json' });
  const first = await call(agent, 'get', '/incidents', '/incidents?limit=2');
  assert.is((first.body.items as unknown[]).length, 2);
  const second = await call(agent, 'get', '/incidents', `/incidents?limit=2&cursor=${first.body.cursor as string}`);
  assert.is((second.body.items as unknown[]).length, 1);
  assert.is(second.body.cursor, undefined);
  const critical = await call(agent, 'get', '/incidents', '/incidents?severity=critical&namespace=petadoptions');
  assert.is((critical.body.items as unknown[]).length, 1);
  await agent.stop({ graceMs: 0 });
});

test('with --api-token, every route but health and metrics needs the token', async () => {
  const { agent, notifier } = await startAgent({ apiToken: 's3cret-token' });
  const anonymous = await call(agent, 'post', '/webhooks/alertmanager', '/webhooks/alertmanager', fixture('alertmanager-memory-near-limit.json'), { 'content-type': 'application/json' });
  assert.is(anonymous.status, 401);
  assert.match(anonymous.body.error!, /missing or wrong API token/);
  assert.is((await call(agent, 'get', '/incidents', '/incidents', undefined, { authorization: 'Bearer wrong' })).status, 401);
  assert.is((await call(agent, 'get', '/healthz', '/healthz')).status, 200);
  assert.is((await call(agent, 'get', '/metrics', '/metrics')).status, 200);
  const accepted = await call(agent, 'post', '/webhooks/alertmanager', '/webhooks/alertmanager', fixture('alertmanager-memory-near-limit.json'), { 'content-type': 'application/json', authorization: 'Bearer s3cret-token' });
  assert.is(accepted.status, 202);
  const request = await notifier.next((n) => n.kind === 'approval-requested');
  assert.match(request.text, /-H "authorization: Bearer \$DEVOPS_AGENT_API_TOKEN"/);
  assert.not.match(request.text, /s3cret-token/, 'the token itself is never printed');
  const incidentId = request.incident.id;
  const approved = await call(agent, 'post', '/incidents/{id}/actions/{actionId}/approve', `/incidents/${incidentId}/actions/${request.action!.id}/approve`, { by: 'alice' }, { 'x-api-key': 's3cret-token' });
  assert.is(approved.status, 200);
  await agent.stop();
});

test('roles: the webhook credential only delivers alerts, operator tokens read and decide; refusals are audited', async () => {
  const { agent, notifier } = await startAgent({ credentials });
  const accepted = await call(agent, 'post', '/webhooks/alertmanager', '/webhooks/alertmanager', fixture('alertmanager-memory-near-limit.json'), asWebhook);
  assert.is(accepted.status, 202);
  const byOperator = await call(agent, 'post', '/webhooks/alertmanager', '/webhooks/alertmanager', fixture('alertmanager-memory-near-limit.json'), asAlice);
  assert.is(byOperator.status, 403, 'an operator token is no webhook credential');
  const request = await notifier.next((n) => n.kind === 'approval-requested');
  const path = `/incidents/${request.incident.id}/actions/${request.action!.id}`;
  assert.is((await call(agent, 'get', '/incidents', '/incidents', undefined, asWebhook)).status, 403);
  assert.is((await call(agent, 'get', '/audit', '/audit', undefined, asWebhook)).status, 403);
  const byWebhook = await call(agent, 'post', '/incidents/{id}/actions/{actionId}/approve', `${path}/approve`, { by: 'alice' }, asWebhook);
  assert.is(byWebhook.status, 403);
  assert.match(byWebhook.body.error!, /webhook credential alertmanager cannot approve or reject/);
  const anonymous = await call(agent, 'post', '/incidents/{id}/actions/{actionId}/reject', `${path}/reject`, { by: 'policy' });
  assert.is(anonymous.status, 401);
  assert.is(anonymous.headers.get('www-authenticate'), 'Bearer realm="devops-agent"');
  const wrong = await call(agent, 'post', '/incidents/{id}/actions/{actionId}/approve', `${path}/approve`, undefined, { authorization: 'Bearer not-a-token-of-this-agent-0123' });
  assert.is(wrong.status, 401);
  const plain = await call(agent, 'post', '/incidents/{id}/actions/{actionId}/approve', `${path}/approve`, '{}', { 'content-type': 'text/plain', ...asAlice });
  assert.is(plain.status, 415);
  const foreign = await call(agent, 'post', '/incidents/{id}/actions/{actionId}/approve', `${path}/approve`, {}, { origin: 'http://evil.example', ...asAlice });
  assert.is(foreign.status, 403);
  assert.is(foreign.headers.get('access-control-allow-origin'), null);
  assert.is((await call(agent, 'get', '/healthz', '/healthz', undefined, { origin: 'http://evil.example' })).status, 403);
  // No body at all: curl -X POST with the token.
  const approved = await call(agent, 'post', '/incidents/{id}/actions/{actionId}/approve', `${path}/approve`, undefined, asAlice);
  assert.is(approved.status, 200);
  const late = await call(agent, 'post', '/incidents/{id}/actions/{actionId}/reject', `${path}/reject`, {}, asAlice);
  assert.is(late.status, 409);
  const audit = (await call(agent, 'get', '/audit', `/audit?incidentId=${request.incident.id}`, undefined, asAlice)).body.items as { actor: string; action: string; detail: { status?: number; reason?: string; remote?: string } }[];
  const refused = audit.filter((e) => e.action === 'approval.refused').map((e) => `${e.actor}:${e.detail.status}`);
  assert.equal(refused, ['alertmanager:403', 'anonymous:401', 'anonymous:401', 'alice:403', 'alice:409']);
  assert.ok(audit.filter((e) => e.action === 'approval.refused').every((e) => e.detail.remote && e.detail.reason), 'who, from where, why');
  assert.equal(audit.filter((e) => e.action === 'action.approved').map((e) => e.actor), ['alice']);
  await agent.stop();
});

test('planHash: the incident shows each action\'s plan hash; a decision bound to another plan gets 409, audited', async () => {
  const { agent, notifier } = await startAgent({ credentials });
  await call(agent, 'post', '/webhooks/alertmanager', '/webhooks/alertmanager', fixture('alertmanager-memory-near-limit.json'), asWebhook);
  const request = await notifier.next((n) => n.kind === 'approval-requested');
  const path = `/incidents/${request.incident.id}/actions/${request.action!.id}`;
  const detail = await call(agent, 'get', '/incidents/{id}', `/incidents/${request.incident.id}`, undefined, asAlice);
  const shown = (detail.body.actions as { id: string; planHash: string }[]).find((a) => a.id === request.action!.id)!.planHash;
  assert.match(shown, /^sha256:[0-9a-f]{32}$/);
  const stale = await call(agent, 'post', '/incidents/{id}/actions/{actionId}/approve', `${path}/approve`, { planHash: 'sha256:00000000000000000000000000000000' }, asAlice);
  assert.is(stale.status, 409);
  assert.match(stale.body.error!, /changed since it was shown/);
  const approved = await call(agent, 'post', '/incidents/{id}/actions/{actionId}/approve', `${path}/approve`, { planHash: shown }, asAlice);
  assert.is(approved.status, 200);
  const audit = (await call(agent, 'get', '/audit', `/audit?incidentId=${request.incident.id}`, undefined, asAlice)).body.items as { actor: string; action: string; detail: { status?: number; via?: string; planHash?: string } }[];
  assert.equal(audit.filter((e) => e.action === 'approval.refused').map((e) => [e.actor, e.detail.status, e.detail.via]), [['alice', 409, 'operator-token']]);
  assert.equal(audit.filter((e) => e.action === 'action.approved').map((e) => [e.actor, e.detail.via, e.detail.planHash]), [['alice', 'operator-token', shown]]);
  await agent.stop();
});

test('without any credential (development): webhooks and reads open, approvals refused', async () => {
  const { agent, notifier } = await startAgent();
  assert.is((await call(agent, 'post', '/webhooks/alertmanager', '/webhooks/alertmanager', fixture('alertmanager-memory-near-limit.json'))).status, 202);
  const request = await notifier.next((n) => n.kind === 'approval-requested');
  assert.match(request.text, /-H "Authorization: Bearer \$\(cat "\$DEVOPS_AGENT_TOKEN_FILE"\)"/);
  const refused = await call(agent, 'post', '/incidents/{id}/actions/{actionId}/approve', `/incidents/${request.incident.id}/actions/${request.action!.id}/approve`, { by: 'alice' });
  assert.is(refused.status, 401);
  assert.match(refused.body.error!, /no operator tokens: start it with --operator-tokens-file/);
  assert.is((await call(agent, 'get', '/incidents/{id}', `/incidents/${request.incident.id}`)).body.status, 'awaiting-approval');
  await agent.stop();
});

test('PUT /incidents/:id/run: run-scenario records its run (operator tokens only, strict body, audited, idempotent)', async () => {
  const { agent, notifier } = await startAgent({ credentials });
  await call(agent, 'post', '/webhooks/alertmanager', '/webhooks/alertmanager', fixture('alertmanager-memory-near-limit.json'), asWebhook);
  const { incident, action } = await notifier.next((n) => n.kind === 'approval-requested');
  const route = '/incidents/{id}/run';
  const path = `/incidents/${incident.id}/run`;
  const run = { runId: '20261125t090030-a1b2', scenario: 'memory-leak', reportDir: '/home/alice/kit/reports/memory-leak-20261125-090030' };
  assert.is((await call(agent, 'put', route, path, run)).status, 401, 'no credential');
  assert.is((await call(agent, 'put', route, path, run, asWebhook)).status, 403, 'the webhook credential cannot');
  assert.is((await call(agent, 'put', route, path, JSON.stringify(run), { 'content-type': 'text/plain', ...asAlice })).status, 415);
  assert.is((await call(agent, 'put', route, path, run, { origin: 'http://evil.example', ...asAlice })).status, 403);
  for (const bad of [
    { ...run, reportDir: 'reports/relative' },
    { ...run, reportDir: '/home/alice/../../etc' },
    { ...run, reportDir: '/home/alice/reports/' },
    { ...run, reportDir: '/home/alice/re\nports' },
    { ...run, runId: '../x' },
    { ...run, scenario: '<script>' },
    { ...run, by: 'mallory' },
    { runId: run.runId, scenario: run.scenario },
  ]) {
    const refused = await call(agent, 'put', route, path, bad, asAlice);
    assert.is(refused.status, 400, JSON.stringify(bad));
  }
  assert.is((await call(agent, 'put', route, '/incidents/inc-nope/run', run, asAlice)).status, 404);

  const recorded = await call(agent, 'put', route, path, run, asAlice);
  assert.is(recorded.status, 200);
  const stored = recorded.body.run as Record<string, string>;
  assert.equal({ ...stored, recordedAt: undefined }, { ...run, recordedBy: 'alice', recordedAt: undefined });
  assert.equal((await call(agent, 'get', '/incidents/{id}', `/incidents/${incident.id}`, undefined, asAlice)).body.run, stored);
  assert.equal((await call(agent, 'put', route, path, run, asAlice)).body.run, stored, 'the same record again changes nothing');
  const next = { ...run, runId: '20261125t091500-c3d4' };
  assert.is(((await call(agent, 'put', route, path, next, asAlice)).body.run as { runId: string }).runId, next.runId);
  const audit = (await call(agent, 'get', '/audit', `/audit?incidentId=${incident.id}`, undefined, asAlice)).body.items as { actor: string; action: string; detail: Record<string, unknown> }[];
  assert.equal(audit.filter((e) => e.action === 'incident.run-recorded').map((e) => [e.actor, e.detail.runId, e.detail.previousRunId]), [['alice', run.runId, undefined], ['alice', next.runId, run.runId]]);
  // The workflow carries on around it: the incident is still the agent's to resolve.
  assert.is((await call(agent, 'post', '/incidents/{id}/actions/{actionId}/approve', `/incidents/${incident.id}/actions/${action!.id}/approve`, undefined, asAlice)).status, 200);
  await notifier.next((n) => n.kind === 'incident-resolved' && n.incident.id === incident.id);
  assert.is(((await call(agent, 'get', '/incidents/{id}', `/incidents/${incident.id}`, undefined, asAlice)).body.run as { runId: string }).runId, next.runId);
  await agent.stop();
});

test('every route of the spec was exercised', () => {
  const all = Object.entries(spec.paths).flatMap(([path, methods]) => Object.keys(methods).map((m) => `${m} ${path}`));
  assert.equal(all.filter((route) => !checked.has(route)), []);
});

test.run();
