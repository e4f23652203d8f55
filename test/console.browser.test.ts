/**
 * The web console in a real browser (headless Debian chromium, driven by playwright-core) on the local
 * target: `local-cluster up --fast` in a state folder of its own, a log-in with the approver's token,
 * then `run-scenario memory-leak --fast` (no --auto-approve: it waits for a human). The incident must
 * appear on the open list without a reload (server-sent events), be approved in its page, resolve, and
 * the audit and the run's report must show the session's user as the approver, and the incident must
 * name the run that caused it and link its report. Screenshots of every page go to
 * test-output/console/ (printed). Under CI=true a missing chromium fails the test; elsewhere it is said
 * and the test does not run.
 */
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { ScenarioReport } from '../core/types.js';
import { freeStackPorts } from './support/deploy/ports.js';

const run = promisify(execFile);
const root = new URL('..', import.meta.url).pathname;
const chromiumPath = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((path) => existsSync(path));
const shots = join(root, 'test-output', 'console');
const stateDir = mkdtempSync(join(tmpdir(), 'console-browser-'));
const env: NodeJS.ProcessEnv = { ...process.env, LOCAL_CLUSTER_STATE_DIR: join(stateDir, 'stack'), XDG_STATE_HOME: join(stateDir, 'xdg'), LOG_LEVEL: 'warn' };

async function localCluster(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [join(root, 'bin/local-cluster.js'), ...args], { env, cwd: root, maxBuffer: 10 * 2 ** 20 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

test('an incident appears live, is approved in the page, resolves, and the audit shows the session user', async () => {
  if (!chromiumPath) {
    // CI installs chromium (.ci/run); there a missing browser is a failure, not a silent skip.
    assert.ok(!process.env.CI, 'no Debian chromium (apt-get install chromium); CI must have it');
    console.log('  (not run: no Debian chromium; apt-get install chromium)');
    return;
  }
  mkdirSync(shots, { recursive: true });
  console.log(`  screenshots: ${shots}`);
  const [ports] = await freeStackPorts(1);
  for (const [name, port] of Object.entries(ports!)) env[`LOCAL_CLUSTER_${name.toUpperCase()}_PORT`] = String(port);

  const up = await localCluster('up', '--fast');
  assert.is(up.code, 0, `up failed:\n${up.stdout}\n${up.stderr}`);
  const status = JSON.parse((await localCluster('status', '--json')).stdout) as { agentUrl: string; agentTokenFile: string; consoleUrl: string };
  assert.is(status.consoleUrl, `${status.agentUrl}/console/`, 'status --json names the console');
  assert.ok((await localCluster('status')).stdout.includes(`web console ${status.consoleUrl}`), 'and so does the status table');
  assert.match(up.stdout, new RegExp(`Web console {5}${status.agentUrl.replace(/[.]/g, '\\.')}/console`), 'up prints the console URL');
  const token = readFileSync(status.agentTokenFile, 'utf8').trim();

  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath: chromiumPath, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'] });
  let scenario: ReturnType<typeof spawn> | undefined;
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const consoleErrors: string[] = [];
    page.on('console', (message) => void (message.type() === 'error' && consoleErrors.push(message.text())));
    await page.goto(`${status.agentUrl}/console/`);
    assert.match(page.url(), /\/console\/login\?next=/);
    await page.screenshot({ path: join(shots, '1-login.png'), fullPage: true });
    // Keyboard only: the token field has focus, Enter submits.
    await page.getByLabel('Operator token').fill(token);
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/console\/$/);
    const user = (await page.getByTestId('user').textContent())!;
    assert.match(user, /^local:/);
    await page.screenshot({ path: join(shots, '2-incidents-empty.png'), fullPage: true });
    await page.evaluate(() => void ((globalThis as unknown as { notReloaded: boolean }).notReloaded = true));

    let stderr = '';
    const out = join(stateDir, 'report');
    scenario = spawn(process.execPath, [join(root, 'bin/run-scenario.js'), 'memory-leak', '--fast', '--json', '--out', out], { cwd: stateDir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    scenario.stdout!.on('data', (c: Buffer) => (stdout += c.toString()));
    scenario.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
    const exited = new Promise<number | null>((resolve) => scenario!.on('close', resolve));

    // Live: the row appears on the page as it is, without a reload.
    const row = page.locator('tr[data-incident]').first();
    await row.waitFor({ timeout: 5 * 60_000 });
    assert.ok(await page.evaluate(() => (globalThis as unknown as { notReloaded?: boolean }).notReloaded), 'the list updated without a reload');
    await page.getByText('awaiting approval').first().waitFor({ timeout: 5 * 60_000 });
    await page.screenshot({ path: join(shots, '3-incidents-live.png'), fullPage: true });
    // run-scenario polls the agent; its instructions follow within a few seconds.
    const told = /approve in the web console: http:\/\/127\.0\.0\.1:\d+\/console\/incidents\//;
    for (let i = 0; i < 120 && !told.test(stderr); i++) await new Promise((r) => setTimeout(r, 500));
    assert.match(stderr, told, 'run-scenario tells the presenter to approve in the console');

    await row.getByRole('link').click();
    await page.waitForURL(/\/console\/incidents\//);
    const approve = page.getByRole('button', { name: /^Approve / }).first();
    await approve.waitFor();
    await page.screenshot({ path: join(shots, '4-incident-awaiting.png'), fullPage: true });
    await page.getByLabel(/Comment/).first().fill('approved in the browser test');
    await approve.click();
    await page.waitForURL(/done=approved/);
    await page.getByText(/Action approved/).waitFor();
    await page.screenshot({ path: join(shots, '5-incident-approved.png'), fullPage: true });

    // Resolution arrives live too (the page is not reloaded by the test).
    await page.locator('[data-testid=status]', { hasText: 'resolved' }).waitFor({ timeout: 5 * 60_000 });
    const approvers = await page.locator('tr', { has: page.getByRole('cell', { name: 'action.approved', exact: true }) }).getByTestId('audit-actor').allTextContents();
    // Low-risk actions are approved by the policy at once; the one that needed a human is the session user's.
    assert.equal(approvers.filter((name) => name !== 'policy'), [user], 'the audit shows the session user as the approver');
    assert.equal((await page.getByTestId('approver').allTextContents()).filter((name) => name !== 'policy'), [user]);
    await page.screenshot({ path: join(shots, '6-incident-resolved.png'), fullPage: true });
    const incidentUrl = page.url().split('?')[0]!;
    await page.goto(`${incidentUrl}?presenter=1`);
    assert.equal(await overflowing(page), [], 'presenter mode: nothing runs off the screen');
    await page.screenshot({ path: join(shots, '7-incident-presenter.png'), fullPage: true });
    await page.goto(`${status.agentUrl}/console/`);
    await page.screenshot({ path: join(shots, '8-incidents-presenter.png'), fullPage: true });
    await page.goto(`${status.agentUrl}/console/?presenter=0`);

    const code = await exited;
    assert.is(code, 0, `run-scenario exited ${code}:\n${stderr.split('\n').slice(-20).join('\n')}`);
    const report = JSON.parse(stdout) as ScenarioReport;
    assert.is(report.outcome, 'resolved');
    // report.remediation names the first action that ran (the restart the policy approved at once), but
    // its approver is the person who approved the action that needed one: the session's user.
    assert.is(report.remediation?.approvedBy, user, 'the report names the console user who approved, not the policy');

    // The incident names the run that caused it and links its report (written when the run ended).
    const runId = /: run (\S+), reports in /.exec(stderr)?.[1];
    assert.ok(runId, 'run-scenario says its run id');
    await page.goto(incidentUrl);
    assert.ok((await page.getByTestId('run').innerText()).startsWith(`run-scenario memory-leak, run ${runId}\n`), 'the page names the run');
    await page.screenshot({ path: join(shots, '10-incident-run.png'), fullPage: true });
    await page.getByTestId('run-report').click();
    await page.waitForURL(/\/console\/incidents\/[^/]+\/report$/);
    const reportText = (await page.locator('body').textContent())!.replace(/\s+/g, ' ');
    assert.match(reportText, new RegExp(`remediation approved by ${user.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    await page.screenshot({ path: join(shots, '11-run-report.png'), fullPage: true });
    assert.equal(consoleErrors, [], 'no errors in the browser console (CSP, scripts)');
  } finally {
    scenario?.kill('SIGTERM');
    await browser.close();
  }
});

/** What is wider than the window (the page scrolls sideways, or an element pokes out of its box). */
async function overflowing(page: import('playwright-core').Page): Promise<string[]> {
  return page.evaluate(() => {
    const d = (globalThis as unknown as { document: { documentElement: { scrollWidth: number; clientWidth: number }; querySelectorAll(s: string): Iterable<{ tagName: string; className: string; textContent: string | null; getBoundingClientRect(): { right: number } }> } }).document;
    const width = d.documentElement.clientWidth;
    const out = [...d.querySelectorAll('main *, header *')].filter((el) => el.getBoundingClientRect().right > width + 1).map((el) => `${el.tagName.toLowerCase()}.${el.className}: ${(el.textContent ?? '').slice(0, 60)}`);
    return d.documentElement.scrollWidth > width ? [`page scrolls sideways (${d.documentElement.scrollWidth} > ${width})`, ...out] : out;
  });
}

test('presenter mode on a projector (1280x720, and 1024x768): long PromQL, diffs and paths wrap; nothing runs off the screen', async () => {
  if (!chromiumPath) {
    assert.ok(!process.env.CI, 'no Debian chromium (apt-get install chromium); CI must have it');
    return;
  }
  mkdirSync(shots, { recursive: true });
  const { createAgent } = await import('../agent/app.js');
  const { createLogger } = await import('../core/log.js');
  const { FakeCluster, RecordingNotifier, StubWorld, stubHandlers, testConfig } = await import('./support/agent/workflow-testkit.js');
  const token = 'presenter-token-0123456789abcdefghij';
  const agent = await createAgent(testConfig({ concurrency: 1, credentials: { operators: [{ name: 'presenter', token }], webhook: [] } }), { log: createLogger('test', { sink: () => undefined }), stepHandlers: stubHandlers(new StubWorld()), evidence: {}, cluster: new FakeCluster(), notifier: new RecordingNotifier(), pollIntervalMs: 20 });
  await agent.start();
  const now = Date.now();
  const at = (s: number) => new Date(now + s * 1000).toISOString();
  const ratio = 'sum by (namespace, pod, container) (container_memory_working_set_bytes{namespace="petadoptions",pod=~"petlistadoptions-[a-z0-9]+-[a-z0-9]+",container!="",container!="POD",job="kubelet",metrics_path="/metrics/cadvisor"}) / on (namespace, pod, container) group_left sum by (namespace, pod, container) (kube_pod_container_resource_limits{resource="memory",unit="byte",namespace="petadoptions",job="kube-state-metrics"}) > 0.9';
  const growth = 'deriv(container_memory_working_set_bytes{namespace="petadoptions",pod=~"petlistadoptions-.*",container="petlistadoptions",job="kubelet",metrics_path="/metrics/cadvisor"}[5m])';
  const target = { kind: 'Deployment' as const, namespace: 'petadoptions', name: 'petlistadoptions' };
  const id = 'inc-presenter-1';
  await agent.store.putIncident({
    id, title: 'Container petadoptions/petlistadoptions-7d9f8c6b5-x2x9q memory working set near its limit (ContainerMemoryNearLimit)', status: 'awaiting-approval', severity: 'critical', createdAt: at(-300), updatedAt: at(-10), alertIds: ['a1'], target, playbook: 'memory-leak',
    findings: [
      { id: 'f1', source: 'prometheus', kind: 'memory-near-limit', summary: 'working set at 96% of the 256 MiB limit', severity: 'critical', observedAt: at(-280), query: ratio },
      { id: 'f2', source: 'prometheus', kind: 'memory-growth', summary: 'working set grows 2 MiB/s since the last rollout', severity: 'warning', observedAt: at(-270), query: growth },
      { id: 'f3', source: 'kubernetes', kind: 'oom-killed', summary: 'pod petlistadoptions-7d9f8c6b5-x2x9q OOMKilled (exit 137), 3 restarts', severity: 'critical', observedAt: at(-260), query: 'GET /api/v1/namespaces/petadoptions/pods?labelSelector=app.kubernetes.io%2Fname%3Dpetlistadoptions%2Capp.kubernetes.io%2Finstance%3Dpetlistadoptions-canary' },
    ],
    hypotheses: [{ id: 'h1', kind: 'memory-leak', target, confidence: 0.93, summary: 'a leak', supportingFindings: ['f1', 'f2', 'f3'], contradictingFindings: [] }],
    rootCause: { kind: 'memory-leak', target, confidence: 0.93, summary: 'The working set grows steadily until the container is OOMKilled; restarts only reset it.', evidence: [{ source: 'prometheus', summary: 'near the limit', findingId: 'f1', query: ratio }, { source: 'prometheus', summary: 'growing', query: growth }] },
    actions: [{ id: 'act-raise', kind: 'raise-limits', target, params: { memory: '384Mi' }, rationale: 'Buys time until the leak is fixed: the working set reaches the limit in about two minutes.', risk: 'medium', requiresApproval: true, status: 'proposed', dryRun: { method: 'server-side', diff: ['- spec.template.spec.containers[name=petlistadoptions].resources.limits.memory: 256Mi', '+ spec.template.spec.containers[name=petlistadoptions].resources.limits.memory: 384Mi', '~ metadata.annotations["kubectl.kubernetes.io/last-applied-configuration"]: {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"petlistadoptions","namespace":"petadoptions"}}'], warnings: [] }, rollback: { description: 'set limits.memory back to 256Mi' }, createdAt: at(-20), expiresAt: at(900) }],
    timeline: [{ at: at(-300), type: 'observation', source: 'alert', summary: `alert ContainerMemoryNearLimit firing: ${ratio}` }, { at: at(-250), type: 'root-cause', source: 'agent', summary: `memory-leak (0.93): ${growth}` }],
    gaps: [{ source: 'traces', reason: 'X-Ray answered 503 for GetServiceGraph(petadoptions, last 15 min)', impact: 'upstream callers not checked' }],
    run: { runId: '20261125t090030-a1b2', scenario: 'memory-leak', reportDir: '/home/presenter/projects/eks-incident-response-kit/reports/memory-leak-20261125-090030-with-a-rather-long-folder-name', recordedBy: 'presenter', recordedAt: at(-290) },
    milestones: { detectedAt: at(-300), rootCauseAt: at(-250) },
  });
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath: chromiumPath, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'] });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
    await page.goto(`${agent.url}/console/login?next=${encodeURIComponent(`/console/incidents/${id}`)}`);
    await page.getByLabel('Operator token').fill(token);
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/console\/incidents\//);
    await page.goto(`${agent.url}/console/incidents/${id}?presenter=1`);
    assert.match((await page.getByTestId('run').textContent())!, /run-scenario memory-leak, run 20261125t090030-a1b2/);
    for (const viewport of [{ width: 1280, height: 720 }, { width: 1024, height: 768 }]) {
      await page.setViewportSize(viewport);
      const file = join(shots, `9-incident-presenter-promql-${viewport.width}.png`);
      await page.screenshot({ path: file, fullPage: true });
      assert.equal(await overflowing(page), [], `presenter mode at ${viewport.width}x${viewport.height} (${file})`);
    }
    await page.goto(`${agent.url}/console/?presenter=1`);
    assert.equal(await overflowing(page), [], 'the list in presenter mode');
  } finally {
    await browser.close();
    await agent.stop();
  }
});

test.after(async () => {
  await localCluster('down');
  rmSync(stateDir, { recursive: true, force: true });
});

test.run();
