/**
 * The web console over HTTP, in-process: login into a session, the pages, and every refused path of a
 * decision (no session, a bad token, CSRF missing or wrong, expired, reused, plan changed, cross-origin),
 * each audited. The browser test (test/console.browser.test.ts) drives the same pages in Chromium.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ManualClock } from '../../core/clock.js';
import { createLogger } from '../../core/log.js';
import type { Incident } from '../../core/types.js';
import { createAgent, type Agent } from '../app.js';
import { mutateIncident } from '../store/mutate.js';
import { FakeCluster, memoryAlert, RecordingNotifier, StubWorld, stubHandlers, testConfig } from '../../test/support/agent/workflow-testkit.js';

const aliceToken = 'alice-token-0123456789abcdefghij';
const webhookToken = 'webhook-token-0123456789abcdefghij';
const credentials = { operators: [{ name: 'alice', token: aliceToken }], webhook: [{ name: 'alertmanager', token: webhookToken }] };

interface World {
  agent: Agent;
  clock: ManualClock;
  notifier: RecordingNotifier;
}

async function start(config: Parameters<typeof testConfig>[0] = {}): Promise<World> {
  const clock = new ManualClock(Date.now());
  const notifier = new RecordingNotifier();
  const agent = await createAgent(testConfig({ concurrency: 1, credentials, ...config }), { clock, log: createLogger('test', { sink: () => undefined }), stepHandlers: stubHandlers(new StubWorld()), evidence: {}, cluster: new FakeCluster(), notifier, pollIntervalMs: 20, sleep: async () => undefined });
  await agent.start();
  return { agent, clock, notifier };
}

/** A browser of one: keeps the console's cookie, sends forms. */
class Browser {
  cookie = '';
  constructor(private readonly agent: Agent) {}

  async request(method: 'GET' | 'POST', path: string, form?: Record<string, string>, headers: Record<string, string> = {}) {
    const response = await fetch(`${this.agent.url}${path}`, {
      method,
      redirect: 'manual',
      headers: { ...(this.cookie ? { cookie: this.cookie } : {}), ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}), ...headers },
      ...(form ? { body: new URLSearchParams(form).toString() } : {}),
    });
    const set = response.headers.get('set-cookie');
    if (set) this.cookie = set.split(';')[0]!;
    return { status: response.status, location: response.headers.get('location') ?? '', setCookie: set ?? '', headers: response.headers, text: await response.text() };
  }

  /** The CSRF token of the last page with a form. */
  static csrf(html: string): string {
    return /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';
  }

  async login(token = aliceToken) {
    const page = await this.request('GET', '/console/login');
    return this.request('POST', '/console/login', { _csrf: Browser.csrf(page.text), token, next: '/console/' });
  }
}

async function awaitingIncident(world: World, alert = memoryAlert()): Promise<Incident> {
  const [result] = await world.agent.accept([alert]);
  const request = await world.notifier.next((n) => n.kind === 'approval-requested' && n.incident.id === result!.incidentId);
  return (await world.agent.store.getIncident(request.incident.id))!;
}

const refusals = async (world: World, id: string) => (await world.agent.store.listAudit({ incidentId: id, limit: 200 })).filter((e) => e.action === 'approval.refused').map((e) => `${e.actor}:${e.detail.status}:${String(e.detail.reason)}`);

test('login: the session cookie is HttpOnly, SameSite=Strict, scoped to /console; a bad token or a missing CSRF token is refused; logout ends it', async () => {
  const world = await start();
  const browser = new Browser(world.agent);
  const home = await browser.request('GET', '/console/');
  assert.is(home.status, 303);
  assert.is(home.location, '/console/login?next=%2Fconsole%2F');
  const page = await browser.request('GET', '/console/login');
  assert.is(page.status, 200);
  assert.match(page.setCookie, /^devops-console=[A-Za-z0-9_-]{43}; Path=\/console; HttpOnly; SameSite=Strict$/);
  assert.match(page.headers.get('content-security-policy')!, /default-src 'none'.*form-action 'self'/);
  // Under no-referrer a browser sends Origin: null with a form POST, which the Origin check refuses.
  assert.is(page.headers.get('referrer-policy'), 'same-origin');
  assert.match(page.text, /<label for="token">Operator token<\/label>/);
  const preLogin = browser.cookie;

  const noCsrf = await browser.request('POST', '/console/login', { token: aliceToken });
  assert.is(noCsrf.status, 403);
  const wrong = await browser.request('POST', '/console/login', { _csrf: Browser.csrf(page.text), token: 'not-a-token-of-this-agent-000' });
  assert.is(wrong.status, 401);
  assert.match(wrong.text, /not one of this agent’s operator tokens/);
  const webhook = await browser.request('POST', '/console/login', { _csrf: Browser.csrf(page.text), token: webhookToken });
  assert.is(webhook.status, 401, 'the webhook credential cannot log in');
  const ok = await browser.login();
  assert.is(ok.status, 303);
  assert.is(ok.location, '/console/');
  assert.is.not(browser.cookie, preLogin, 'login rotates the session id');
  const list = await browser.request('GET', '/console/');
  assert.is(list.status, 200);
  assert.match(list.text, /Signed in as <strong data-testid="user">alice<\/strong>/);
  // The pre-login id is worth nothing now.
  const planted = new Browser(world.agent);
  planted.cookie = preLogin;
  assert.is((await planted.request('GET', '/console/')).status, 303);

  const noCsrfLogout = await browser.request('POST', '/console/logout', {});
  assert.is(noCsrfLogout.status, 403);
  const out = await browser.request('POST', '/console/logout', { _csrf: Browser.csrf(list.text) });
  assert.is(out.status, 303);
  assert.match(out.setCookie, /devops-console=;/);
  browser.cookie = preLogin.replace(/=.*/, `=${/=([^;]+)/.exec(ok.setCookie)![1]}`);
  assert.is((await browser.request('GET', '/console/')).status, 303, 'the logged-out session is gone');
  await world.agent.stop();
});

test('sessions expire: idle too long, or too old', async () => {
  const world = await start();
  const browser = new Browser(world.agent);
  await browser.login();
  assert.is((await browser.request('GET', '/console/')).status, 200);
  world.clock.advance(61 * 60_000);
  assert.is((await browser.request('GET', '/console/')).status, 303, 'idle for more than an hour');
  await browser.login();
  for (let i = 0; i < 13; i++) {
    world.clock.advance(59 * 60_000);
    const status = (await browser.request('GET', '/console/')).status;
    if (i < 12) assert.is(status, 200);
    else assert.is(status, 303, 'twelve hours after login, whatever happens');
  }
  await world.agent.stop();
});

test('pages: the list and the incident, escaped; presenter mode; the form carries the CSRF token and the plan hash', async () => {
  const world = await start();
  const incident = await awaitingIncident(world, memoryAlert({ summary: '<script>alert(1)</script> petsite near its limit' }));
  const browser = new Browser(world.agent);
  await browser.login();
  const list = await browser.request('GET', '/console/');
  assert.match(list.text, /&lt;script&gt;alert\(1\)&lt;\/script&gt; petsite near its limit/);
  assert.not.match(list.text, /<script>alert/);
  assert.match(list.text, /awaiting-approval/);
  assert.match(list.text, /1 awaiting approval/);
  const page = await browser.request('GET', `/console/incidents/${incident.id}`);
  assert.is(page.status, 200);
  assert.not.match(page.text, /<script>alert/);
  const action = incident.actions[0]!;
  assert.match(page.text, new RegExp(`action="/console/incidents/${incident.id}/actions/${action.id}/approve"`));
  assert.match(page.text, /name="planHash" value="sha256:[0-9a-f]{32}"/);
  assert.match(page.text, /<label for="comment-[^"]+">Comment/);
  assert.match(page.text, /data-expires="/);
  assert.match(page.text, /<h3>Facts<\/h3>/);
  assert.match(page.text, /Hypotheses and conclusions/);
  assert.match(page.text, /Audit trail/);
  assert.not.match(page.text, /class="presenter"/);
  assert.match((await browser.request('GET', `/console/incidents/${incident.id}?presenter=1`)).text, /<body class="presenter"/);
  assert.match((await browser.request('GET', '/console/')).text, /<body class="presenter"/, 'presenter mode stays for the session');
  assert.is((await browser.request('GET', '/console/incidents/inc-nope')).status, 404);
  assert.is((await browser.request('GET', '/console/static/console.js')).status, 200);
  await world.agent.stop();
});

test('approve: refused without a session, without or with a wrong CSRF token, cross-origin, on a changed plan; then approved once (the session user), reuse refused; all audited', async () => {
  const world = await start();
  const incident = await awaitingIncident(world);
  const action = incident.actions[0]!;
  const browser = new Browser(world.agent);
  await browser.login();
  const page = await browser.request('GET', `/console/incidents/${incident.id}`);
  const csrf = Browser.csrf(page.text);
  const shown = /name="planHash" value="([^"]+)"/.exec(page.text)![1]!;
  const path = `/console/incidents/${incident.id}/actions/${action.id}`;
  const form = { _csrf: csrf, planHash: shown, comment: 'looks right' };

  const anonymous = await new Browser(world.agent).request('POST', `${path}/approve`, form);
  assert.is(anonymous.status, 401);
  assert.match(anonymous.text, /nothing was decided/);
  assert.is((await browser.request('POST', `${path}/approve`, { planHash: shown })).status, 403, 'CSRF missing');
  assert.is((await browser.request('POST', `${path}/approve`, { ...form, _csrf: 'x'.repeat(43) })).status, 403, 'CSRF wrong');
  const foreign = await browser.request('POST', `${path}/approve`, form, { origin: 'http://evil.example' });
  assert.is(foreign.status, 403, 'cross-origin POST');
  assert.is((await browser.request('POST', `${path}/approve`, { _csrf: csrf })).status, 400, 'no plan hash');

  await mutateIncident(world.agent.store, incident.id, (i) => void (i.actions[0]!.dryRun = { method: 'computed', diff: ['+ something else'], warnings: [] }), { clock: world.clock });
  const changed = await browser.request('POST', `${path}/approve`, form);
  assert.is(changed.status, 409);
  assert.match(changed.text, /changed since it was shown/);
  const fresh = /name="planHash" value="([^"]+)"/.exec(changed.text)![1]!;
  assert.is.not(fresh, shown, 'the page shows the new plan');

  const approved = await browser.request('POST', `${path}/approve`, { ...form, planHash: fresh });
  assert.is(approved.status, 303);
  assert.is(approved.location, `/console/incidents/${incident.id}?done=approved#action-${action.id}`);
  const reused = await browser.request('POST', `${path}/approve`, { ...form, planHash: fresh });
  assert.is(reused.status, 409, 'double submit');
  const decided = (await world.agent.store.getIncident(incident.id))!.actions[0]!;
  assert.is(decided.approval!.by, 'alice');
  assert.is(decided.approval!.comment, 'looks right');

  const refused = await refusals(world, incident.id);
  assert.equal(refused.map((r) => r.split(':').slice(0, 2).join(':')), ['anonymous:401', 'alice:403', 'alice:403', 'anonymous:403', 'alice:400', 'alice:409', 'alice:409']);
  const reasons = [/no console session/, /CSRF token missing/, /CSRF token wrong/, /origin http:\/\/evil\.example/, /no planHash/, /changed since it was shown/, /not awaiting a decision/];
  reasons.forEach((reason, i) => assert.match(refused[i]!, reason));
  const audit = await world.agent.store.listAudit({ incidentId: incident.id, limit: 200 });
  const entry = audit.find((e) => e.action === 'action.approved')!;
  assert.equal([entry.actor, entry.detail.via, entry.detail.planHash], ['alice', 'console-session', fresh]);
  const after = await browser.request('GET', `/console/incidents/${incident.id}`);
  assert.match(after.text, /<td data-testid="audit-actor">alice<\/td><td>action\.approved<\/td>/);
  await world.agent.stop();
});

test('an expired approval is refused (409, audited); reject works with a comment', async () => {
  const world = await start();
  const incident = await awaitingIncident(world);
  const browser = new Browser(world.agent);
  await browser.login();
  const page = await browser.request('GET', `/console/incidents/${incident.id}`);
  const form = { _csrf: Browser.csrf(page.text), planHash: /name="planHash" value="([^"]+)"/.exec(page.text)![1]! };
  world.clock.advance(Date.parse(incident.actions[0]!.expiresAt) - world.clock.now() + 1000);
  const late = await browser.request('POST', `/console/incidents/${incident.id}/actions/${incident.actions[0]!.id}/approve`, form);
  assert.is(late.status, 409);
  assert.match(late.text, /expired/);
  assert.equal((await refusals(world, incident.id)).map((r) => r.split(':').slice(0, 2).join(':')), ['alice:409']);

  const second = await awaitingIncident(world, memoryAlert({ pod: 'petsite-other-1', deployment: 'petsearch', fingerprint: 'fp-2' }));
  const page2 = await browser.request('GET', `/console/incidents/${second.id}`);
  const rejected = await browser.request('POST', `/console/incidents/${second.id}/actions/${second.actions[0]!.id}/reject`, { _csrf: Browser.csrf(page2.text), planHash: /name="planHash" value="([^"]+)"/.exec(page2.text)![1]!, comment: 'not during the sale' });
  assert.is(rejected.status, 303);
  const action = (await world.agent.store.getIncident(second.id))!.actions[0]!;
  assert.equal([action.status, action.approval?.by, action.approval?.comment], ['rejected', 'alice', 'not during the sale']);
  await world.agent.stop();
});

test('the run that caused the incident: named on the page; its report served from the recorded folder only (sandboxed), else its path', async () => {
  const world = await start();
  const incident = await awaitingIncident(world);
  const browser = new Browser(world.agent);
  await browser.login();
  const page = `/console/incidents/${incident.id}`;
  assert.not.match((await browser.request('GET', page)).text, /Started by/, 'no run recorded: nothing said');
  assert.is((await browser.request('GET', `${page}/report`)).status, 404);

  const dir = mkdtempSync(join(tmpdir(), 'console-report-'));
  const reportDir = join(dir, 'reports', 'memory-leak-1');
  const recorded = await fetch(`${world.agent.url}/incidents/${incident.id}/run`, { method: 'PUT', headers: { authorization: `Bearer ${aliceToken}`, 'content-type': 'application/json' }, body: JSON.stringify({ runId: '20261125t090030-a1b2', scenario: 'memory-leak', reportDir }) });
  assert.is(recorded.status, 200);
  const pending = await browser.request('GET', page);
  assert.match(pending.text, /<dd data-testid="run">run-scenario <code>memory-leak<\/code>, run <code>20261125t090030-a1b2<\/code>/);
  assert.match(pending.text, new RegExp(`written when the run ends, in</span> <code>${reportDir.replace(/[.]/g, '\\.')}</code>`));
  assert.not.match(pending.text, /data-testid="run-report"/);
  assert.is((await browser.request('GET', `${page}/report`)).status, 404);

  mkdirSync(reportDir, { recursive: true });
  writeFileSync(join(reportDir, 'report.html'), '<!doctype html><title>run report</title><p>remediation approved by alice');
  writeFileSync(join(reportDir, 'report.md'), '# memory-leak\n');
  writeFileSync(join(reportDir, 'report.json'), '{}');
  const ready = await browser.request('GET', page);
  assert.match(ready.text, new RegExp(`<a href="/console/incidents/${incident.id}/report" data-testid="run-report">Run report</a> · <a href="/console/incidents/${incident.id}/report.md">Markdown</a>`));
  const html = await browser.request('GET', `${page}/report`);
  assert.is(html.status, 200);
  assert.match(html.text, /remediation approved by alice/);
  assert.match(html.headers.get('content-type')!, /^text\/html; charset=utf-8/);
  assert.match(html.headers.get('content-security-policy')!, /^sandbox; default-src 'none'; style-src 'unsafe-inline'/);
  assert.is(html.headers.get('x-content-type-options'), 'nosniff');
  const md = await browser.request('GET', `${page}/report.md`);
  assert.equal([md.status, md.headers.get('content-type'), md.text], [200, 'text/plain; charset=utf-8', '# memory-leak\n']);
  // Nothing else of the folder, and no path from the request.
  for (const path of [`${page}/report.json`, `${page}/report/../report.json`, `${page}/report?file=report.json`]) {
    const other = await browser.request('GET', path);
    assert.ok(other.status === 404 || !other.text.includes('{}'), path);
  }
  // A report that is a symlink (to a file outside, or anywhere) is not served.
  writeFileSync(join(dir, 'secret.txt'), 'not for the console');
  rmSync(join(reportDir, 'report.html'));
  symlinkSync(join(dir, 'secret.txt'), join(reportDir, 'report.html'));
  const linked = await browser.request('GET', `${page}/report`);
  assert.is(linked.status, 404);
  assert.not.match(linked.text, /not for the console/);
  assert.not.match((await browser.request('GET', page)).text, /data-testid="run-report"/);
  // A folder reached through a symlink is fine (macOS /tmp): its own files are served.
  rmSync(join(reportDir, 'report.html'));
  writeFileSync(join(reportDir, 'report.html'), '<p>again');
  symlinkSync(reportDir, join(dir, 'latest'));
  await fetch(`${world.agent.url}/incidents/${incident.id}/run`, { method: 'PUT', headers: { authorization: `Bearer ${aliceToken}`, 'content-type': 'application/json' }, body: JSON.stringify({ runId: 'r-2', scenario: 'memory-leak', reportDir: join(dir, 'latest') }) });
  assert.is((await browser.request('GET', `${page}/report`)).text, '<p>again');
  // Only logged-in users.
  const stranger = await new Browser(world.agent).request('GET', `${page}/report`);
  assert.is(stranger.status, 303);
  rmSync(dir, { recursive: true, force: true });
  await world.agent.stop();
});

test('live updates: server-sent events need a session and tell which incident changed', async () => {
  const world = await start();
  const browser = new Browser(world.agent);
  assert.is((await browser.request('GET', '/console/events')).status, 401);
  await browser.login();
  const controller = new AbortController();
  const response = await fetch(`${world.agent.url}/console/events`, { headers: { cookie: browser.cookie }, signal: controller.signal });
  assert.match(response.headers.get('content-type')!, /^text\/event-stream/);
  const reader = response.body!.getReader();
  let text = '';
  const opened = awaitingIncident(world);
  const incident = await opened;
  while (!text.includes(`"id":"${incident.id}"`)) text += new TextDecoder().decode((await reader.read()).value);
  assert.match(text, /event: incident\ndata: \{"id":"inc-/);
  controller.abort();
  await world.agent.stop();
});

test('the API\'s Host check applies to the console (DNS rebinding: 421)', async () => {
  const world = await start();
  const status = await new Promise<number>((resolve, reject) => {
    const req = request(`${world.agent.url}/console/login`, { headers: { host: 'rebound.evil.example' } }, (res) => {
      res.resume();
      resolve(res.statusCode!);
    });
    req.on('error', reject);
    req.end();
  });
  assert.is(status, 421);
  await world.agent.stop();
});

test('--no-console: nothing at /console', async () => {
  const world = await start({ console: false });
  const response = await fetch(`${world.agent.url}/console/`);
  assert.is(response.status, 404);
  await world.agent.stop();
});

test.run();
