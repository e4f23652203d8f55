/**
 * Part B of the hardening (issue 11): nothing lost, and actions that run exactly once.
 *
 * Real agent processes (test/support/agent-durable-child.ts: the real composition and the real
 * remediate step, stub evidence and analysis) act on a simulated cluster this test serves over the
 * Kubernetes API, which counts every real write. They are killed with SIGKILL at each workflow step and
 * started again on the same data directory. The H2 reproduction runs the real local stack
 * (`local-cluster up --fast`). Each test is named after the finding it proves fixed.
 */
import { execFile, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Incident } from '../../core/types.js';
import type { Deployment } from '../../infra/local/simulation/cluster/objects.js';
import { DEPLOYMENT } from '../../infra/local/simulation/cluster/resources.js';
import { profiles } from '../../infra/local/profiles.js';
import { Simulation } from '../../infra/local/simulation/simulation.js';
import { serveLocalApis, type LocalApis } from '../support/agent/local-apis.js';
import { memoryLeakPlaybook, playbookDir } from '../support/agent/workflow-testkit.js';
import { repoRoot, startAgentProcess, type AgentProcess } from '../support/agent-process.js';
import { bearerOf } from '../support/agent/test-credentials.js';
import { freePort } from '../support/free-port.js';

const run = promisify(execFile);
const child = join(repoRoot, 'test/support/agent-durable-child.ts');
const fixture = readFileSync(join(repoRoot, 'agent/intake/fixtures/alertmanager-memory-near-limit.json'), 'utf8');
const isRoot = process.getuid?.() === 0;

type Stored = Incident & { workflow: { status: string; runs: number; executions: Record<string, { planned?: unknown; interrupted?: string }> } | null };

interface Cluster {
  sim: Simulation;
  apis: LocalApis;
  kubeconfig: string;
  /** Real (not dry-run) writes to petsite so far. */
  writes(): string[];
  close(): Promise<void>;
}

async function simulatedCluster(): Promise<Cluster> {
  const sim = new Simulation({ start: Date.UTC(2026, 10, 25, 9, 0, 0), profile: profiles.fast, seed: 11 });
  sim.run(60);
  const apis = await serveLocalApis(sim);
  const kubeconfig = join(mkdtempSync(join(tmpdir(), 'durability-kube-')), 'kubeconfig');
  writeFileSync(kubeconfig, apis.kubeconfig);
  return {
    sim,
    apis,
    kubeconfig,
    writes: () => apis.requests.filter((r) => /^(PATCH|PUT|DELETE|POST) \/apis\/apps\/v1\/namespaces\/petadoptions\/deployments\/petsite\b/.test(r) && !/dryRun=All/.test(r)),
    close: () => apis.close(),
  };
}

/** Every agent process a test started: whatever the outcome, none outlives its test. */
const started = new Set<AgentProcess>();
test.after.each(async () => {
  for (const agent of started) await agent.kill();
  started.clear();
});

function startChild(dataDir: string, cluster: Cluster, env: Record<string, string> = {}): AgentProcess {
  const playbooks = playbookDir({ 'memory-leak.yaml': memoryLeakPlaybook });
  const agent = startAgentProcess(child, [dataDir, playbooks, cluster.kubeconfig], env);
  started.add(agent);
  return agent;
}

const urlOf = async (agent: AgentProcess) => (await agent.waitFor(/^listening /)).split(' ')[1]!;

async function postAlert(url: string, body = fixture): Promise<Response> {
  return fetch(`${url}/webhooks/alertmanager`, { method: 'POST', headers: { 'content-type': 'application/json', ...bearerOf('webhook') }, body });
}

async function openIncident(url: string): Promise<string> {
  const posted = await postAlert(url);
  assert.is(posted.status, 202, await posted.clone().text());
  return ((await posted.json()) as { results: { incidentId: string }[] }).results[0]!.incidentId;
}

async function incidentOf(url: string, id: string): Promise<Stored> {
  const response = await fetch(`${url}/incidents/${id}`, { headers: bearerOf('alice') });
  assert.is(response.status, 200, `GET /incidents/${id}: ${response.status}`);
  return (await response.json()) as Stored;
}

async function until(url: string, id: string, done: (incident: Stored) => boolean, what: string, ms = 30_000): Promise<Stored> {
  const deadline = Date.now() + ms;
  for (;;) {
    const incident = await incidentOf(url, id);
    if (done(incident)) return incident;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${incident.status}, workflow ${incident.workflow?.status}, actions ${incident.actions.map((a) => a.status).join(',')}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const completed = (i: Stored) => i.workflow?.status === 'completed';

/** `devops-agent audit verify` as a person runs it (the compiled command). */
async function verifyAudit(dataDir: string): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [join(repoRoot, 'bin/devops-agent.js'), 'audit', 'verify', '--data-dir', dataDir], { cwd: repoRoot });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

function auditActions(dataDir: string, incidentId: string): string[] {
  const db = new Database(join(dataDir, 'agent.sqlite'), { readonly: true });
  try {
    return (db.prepare('SELECT actor, action FROM audit WHERE incident_id = ? ORDER BY seq').all(incidentId) as { actor: string; action: string }[]).map((r) => `${r.actor}:${r.action}`);
  } finally {
    db.close();
  }
}

/** What must hold after any crash: one restart executed, resolved, the audit intact and verified. */
async function assertIntact(cluster: Cluster, dataDir: string, incident: Stored, before: { findings: number; audit: string[] }): Promise<void> {
  assert.is(incident.status, 'resolved');
  assert.is(incident.findings.length, before.findings, 'the evidence gathered before the crash is kept');
  assert.equal(incident.actions.map((a) => `${a.kind}:${a.status}`), ['rollout-restart:succeeded']);
  assert.equal(cluster.writes().length, 1, `executed exactly once: ${cluster.writes().join(', ')}`);
  const audit = auditActions(dataDir, incident.id);
  for (const entry of before.audit) assert.ok(audit.includes(entry), `${entry} (written before the crash) is still in the audit log`);
  assert.is(audit.filter((a) => a.endsWith(':action.succeeded')).length, 1);
  assert.is(audit.filter((a) => a.endsWith(':action.proposed')).length, 1, 'proposed once');
  const verified = await verifyAudit(dataDir);
  assert.is(verified.code, 0, verified.stdout + verified.stderr);
  assert.match(verified.stdout, /^audit log intact: \d+ entries/);
}

// ---------------------------------------------------------------------------------------------
// kill -9 at each workflow step, then the agent started again on the same data directory
// ---------------------------------------------------------------------------------------------

test('H2/acceptance: killed while investigating: incident, audit intact; the action executed once; the chain verifies', async () => {
  const cluster = await simulatedCluster();
  const dataDir = mkdtempSync(join(tmpdir(), 'durability-'));
  try {
    const first = startChild(dataDir, cluster, { HANG_IN: 'analyse', AUTO_APPROVE: '1' });
    const url = await urlOf(first);
    const id = await openIncident(url);
    await first.waitFor(/^entered analyse$/);
    const before = await incidentOf(url, id);
    await first.kill();
    const second = startChild(dataDir, cluster, { AUTO_APPROVE: '1' });
    const done = await until(await urlOf(second), id, completed, 'the resumed investigation');
    await second.stop();
    assert.is(done.workflow!.runs, 2, 'resumed by the second process');
    await assertIntact(cluster, dataDir, done, { findings: before.findings.length, audit: ['agent:incident.opened', 'agent:investigation.started'] });
  } finally {
    await cluster.close();
  }
});

test('H2/acceptance: killed while awaiting approval: the approval request survives, the approval executes once', async () => {
  const cluster = await simulatedCluster();
  const dataDir = mkdtempSync(join(tmpdir(), 'durability-'));
  try {
    const first = startChild(dataDir, cluster);
    const url = await urlOf(first);
    const id = await openIncident(url);
    const waiting = await until(url, id, (i) => i.status === 'awaiting-approval', 'the approval request');
    await first.kill();
    const second = startChild(dataDir, cluster);
    const url2 = await urlOf(second);
    const kept = await incidentOf(url2, id);
    assert.is(kept.status, 'awaiting-approval');
    assert.equal(kept.actions.map((a) => a.status), ['proposed']);
    const approved = await fetch(`${url2}/incidents/${id}/actions/${kept.actions[0]!.id}/approve`, { method: 'POST', headers: { 'content-type': 'application/json', ...bearerOf('alice') }, body: JSON.stringify({ comment: 'go' }) });
    assert.is(approved.status, 200, await approved.text());
    const done = await until(url2, id, completed, 'remediation after the approval');
    await second.stop();
    assert.is(done.actions[0]!.approval!.by, 'alice');
    await assertIntact(cluster, dataDir, done, { findings: waiting.findings.length, audit: ['agent:approval.requested', 'agent/recommend:action.proposed'] });
    assert.ok(auditActions(dataDir, id).includes('alice:action.approved'));
  } finally {
    await cluster.close();
  }
});

test('kill -9 right after the cluster write: the resumed agent reads the outcome from the live object (succeeded, before/after), never writes again', async () => {
  const cluster = await simulatedCluster();
  const dataDir = mkdtempSync(join(tmpdir(), 'durability-'));
  try {
    const first = startChild(dataDir, cluster, { AUTO_APPROVE: '1', HANG_AFTER_WRITE: '1' });
    const url = await urlOf(first);
    const id = await openIncident(url);
    await first.waitFor(/^wrote petadoptions\/petsite$/);
    const before = await incidentOf(url, id);
    assert.equal(before.actions.map((a) => a.status), ['executing'], 'the write happened, its outcome is not recorded');
    const claim = before.workflow!.executions[before.actions[0]!.id]!;
    assert.ok((claim.planned as { restartedAt?: string }).restartedAt, 'the planned change was on disk before the write');
    await first.kill();
    assert.is(cluster.writes().length, 1);

    const second = startChild(dataDir, cluster, { AUTO_APPROVE: '1' });
    const done = await until(await urlOf(second), id, completed, 'the resumed remediation');
    await second.stop();
    const action = done.actions[0]!;
    assert.is(action.status, 'succeeded', action.result?.message);
    assert.match(action.result!.message, /rolling restart of petadoptions\/petsite started .*read back from the cluster after the agent stopped mid-action/);
    const live = cluster.sim.store.get<Deployment>(DEPLOYMENT, 'petadoptions', 'petsite')!;
    const restartedAt = (claim.planned as { restartedAt: string }).restartedAt;
    assert.is((action.result!.after as { spec: { template: { metadata: { annotations: Record<string, string> } } } }).spec.template.metadata.annotations['kubectl.kubernetes.io/restartedAt'], restartedAt);
    assert.ok((action.result!.before as { spec: unknown }).spec, 'the object before the change is recorded');
    assert.is(live.spec.template.metadata?.annotations?.['kubectl.kubernetes.io/restartedAt'], restartedAt, 'the live object carries the change once');
    await assertIntact(cluster, dataDir, done, { findings: before.findings.length, audit: ['agent/remediate:action.executing'] });
    const audit = auditActions(dataDir, id);
    assert.ok(audit.includes('agent:action.interrupted'));
    const db = new Database(join(dataDir, 'agent.sqlite'), { readonly: true });
    const succeeded = db.prepare("SELECT detail FROM audit WHERE incident_id = ? AND action = 'action.succeeded'").get(id) as { detail: string };
    db.close();
    const result = (JSON.parse(succeeded.detail) as { result: { before?: unknown; after?: unknown } }).result;
    assert.ok(result.before && result.after, 'the audit records the object before and after');
  } finally {
    await cluster.close();
  }
});

test('H2/acceptance: killed while verifying: verification runs again, nothing is executed twice', async () => {
  const cluster = await simulatedCluster();
  const dataDir = mkdtempSync(join(tmpdir(), 'durability-'));
  try {
    const first = startChild(dataDir, cluster, { HANG_IN: 'verify', AUTO_APPROVE: '1' });
    const url = await urlOf(first);
    const id = await openIncident(url);
    await first.waitFor(/^entered verify$/);
    const before = await incidentOf(url, id);
    await first.kill();
    const second = startChild(dataDir, cluster, { AUTO_APPROVE: '1' });
    const done = await until(await urlOf(second), id, completed, 'the resumed verification');
    await second.stop();
    await assertIntact(cluster, dataDir, done, { findings: before.findings.length, audit: ['agent/remediate:action.succeeded'] });
  } finally {
    await cluster.close();
  }
});

// ---------------------------------------------------------------------------------------------
// policy-approved actions
// ---------------------------------------------------------------------------------------------

test('policy-approved low-risk actions run when approved, and still run (once) after the others are rejected', async () => {
  const cluster = await simulatedCluster();
  const dataDir = mkdtempSync(join(tmpdir(), 'durability-'));
  try {
    const agent = startChild(dataDir, cluster, { TWO_ACTIONS: '1' });
    const url = await urlOf(agent);
    const id = await openIncident(url);
    const waiting = await until(url, id, (i) => i.status === 'awaiting-approval' && i.actions[0]?.status === 'succeeded', 'the restart approved by policy, before any human decision');
    assert.equal(waiting.actions.map((a) => `${a.kind}:${a.status}:${a.approval?.by ?? '-'}`), ['rollout-restart:succeeded:policy', 'raise-limits:proposed:-']);
    const rejected = await fetch(`${url}/incidents/${id}/actions/${waiting.actions[1]!.id}/reject`, { method: 'POST', headers: { 'content-type': 'application/json', ...bearerOf('bob') }, body: JSON.stringify({ comment: 'not now' }) });
    assert.is(rejected.status, 200, await rejected.text());
    const done = await until(url, id, completed, 'the workflow after the reject');
    await agent.stop();
    assert.equal(done.actions.map((a) => `${a.kind}:${a.status}`), ['rollout-restart:succeeded', 'raise-limits:rejected']);
    assert.is(done.status, 'resolved', 'the executed restart was verified, not abandoned by the reject');
    assert.is(cluster.writes().length, 1, 'executed exactly once');
  } finally {
    await cluster.close();
  }
});

// ---------------------------------------------------------------------------------------------
// the audit log, the data files, the state directory, a full disk
// ---------------------------------------------------------------------------------------------

test('the audit log is append-only by construction: UPDATE and DELETE are refused, tampering is found by audit verify', async () => {
  const cluster = await simulatedCluster();
  const dataDir = mkdtempSync(join(tmpdir(), 'durability-'));
  try {
    const agent = startChild(dataDir, cluster, { AUTO_APPROVE: '1' });
    const url = await urlOf(agent);
    const id = await openIncident(url);
    await until(url, id, completed, 'the workflow');
    await agent.stop();
    const db = new Database(join(dataDir, 'agent.sqlite'));
    assert.throws(() => db.prepare("UPDATE audit SET actor = 'mallory' WHERE action = 'action.approved'").run(), /append-only/);
    assert.throws(() => db.prepare("DELETE FROM audit WHERE action = 'action.succeeded'").run(), /append-only/);
    assert.is((await verifyAudit(dataDir)).code, 0);
    // Someone with the file drops the triggers and rewrites who approved.
    db.exec('DROP TRIGGER audit_refuses_update');
    const approvedSeq = (db.prepare("SELECT seq FROM audit WHERE action = 'action.approved'").get() as { seq: number }).seq;
    db.prepare("UPDATE audit SET actor = 'mallory' WHERE seq = ?").run(approvedSeq);
    db.close();
    const broken = await verifyAudit(dataDir);
    assert.is(broken.code, 1);
    assert.match(broken.stdout, new RegExp(`audit log broken at entry ${approvedSeq} \\(action.approved at .*\\) in .*: its content does not match its hash`), broken.stdout);
  } finally {
    await cluster.close();
  }
});

test('data files are created 0600 and the data directory 0700', async () => {
  const cluster = await simulatedCluster();
  const dataDir = join(mkdtempSync(join(tmpdir(), 'durability-')), 'agent');
  try {
    const agent = startChild(dataDir, cluster, { AUTO_APPROVE: '1' });
    const url = await urlOf(agent);
    const id = await openIncident(url);
    await until(url, id, completed, 'the workflow');
    const mode = (path: string) => (statSync(path).mode & 0o777).toString(8);
    assert.is(mode(dataDir), '700');
    for (const suffix of ['', '-wal', '-shm']) assert.is(mode(join(dataDir, `agent.sqlite${suffix}`)), '600', `agent.sqlite${suffix}`);
    await agent.stop();
  } finally {
    await cluster.close();
  }
});

/** A directory nobody can write: a read-only mount as root (root ignores permissions), else chmod. */
function readOnlyDirectory(): { dir: string; release(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'durability-ro-'));
  if (isRoot) {
    const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'ro,size=1m', 'tmpfs', dir]);
    if (mounted.status === 0) return { dir, release: () => void spawnSync('umount', [dir]) };
  }
  chmodSync(dir, 0o500);
  return { dir, release: () => chmodSync(dir, 0o700) };
}

test('a read-only or unusable state directory is named, with what to do (not a bare ENOENT)', async () => {
  const ro = readOnlyDirectory();
  try {
    for (const dataDir of [ro.dir, join(ro.dir, 'agent')]) {
      const serve = await run(process.execPath, [join(repoRoot, 'bin/devops-agent.js'), 'serve', '--data-dir', dataDir, '--port', '0'], { cwd: repoRoot, timeout: 20_000 }).then(
        () => ({ code: 0, stderr: '' }),
        (error: { code: number; stderr: string }) => ({ code: error.code, stderr: error.stderr }),
      );
      assert.is(serve.code, 2, serve.stderr);
      assert.match(serve.stderr, new RegExp(`devops-agent: the agent's state directory ${dataDir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} (is read-only|does not exist and cannot be created)`));
      assert.match(serve.stderr, /Make it writable by this user .* or choose another with --data-dir DIR/);
      assert.not.match(serve.stderr, /^devops-agent: ENOENT/m);
    }
  } finally {
    ro.release();
  }
});

/** A small file system of its own (a tmpfs as root), so the disk can really fill up. */
function smallDisk(): { dir: string; fill(): void; free(): void; release(): void; real: boolean } {
  const dir = mkdtempSync(join(tmpdir(), 'durability-disk-'));
  const filler = join(dir, 'filler');
  const mounted = isRoot && spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=6m', 'tmpfs', dir]).status === 0;
  return {
    dir,
    real: mounted,
    fill() {
      const chunk = Buffer.alloc(64 * 1024, 1);
      try {
        for (let i = 0; i < 10_000; i++) writeFileSync(filler, chunk, { flag: 'a' });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
      }
    },
    free: () => rmSync(filler, { force: true }),
    release: () => void (mounted ? spawnSync('umount', [dir]) : rmSync(dir, { recursive: true, force: true })),
  };
}

test('a full disk: writes answer 503 (not 500), /readyz is not ready until writes succeed again', async () => {
  const cluster = await simulatedCluster();
  const disk = smallDisk();
  // Without the rights to mount a small file system, the database is capped instead (the same SQLITE_FULL).
  const agent = startChild(join(disk.dir, 'agent'), cluster, disk.real ? {} : { CAP_DATABASE: '1' });
  try {
    const url = await urlOf(agent);
    assert.is((await fetch(`${url}/readyz`)).status, 200);
    if (disk.real) disk.fill();
    // As much as one delivery may carry (the intake's size limits: 16 KiB strings, 1 MiB payloads).
    const big = JSON.parse(fixture) as { alerts: { annotations: Record<string, string>; fingerprint: string }[] };
    const template = big.alerts[0]!;
    big.alerts = Array.from({ length: 12 }, (_, i) => ({ ...template, fingerprint: `f00df00df00d${String(i).padStart(4, '0')}`, annotations: { ...template.annotations, description: `${i} ${'x'.repeat(15_000)}` } }));
    const refused = await postAlert(url, JSON.stringify(big));
    assert.is(refused.status, 503, await refused.clone().text());
    assert.match(((await refused.json()) as { error: string }).error, /full/);
    const notReady = await fetch(`${url}/readyz`);
    assert.is(notReady.status, 503);
    assert.match(JSON.stringify(await notReady.json()), /not writable since .*full/);
    if (disk.real) disk.free();
    else agent.child.kill('SIGUSR2');
    await new Promise((r) => setTimeout(r, 200));
    assert.is((await fetch(`${url}/readyz`)).status, 200, 'ready again once there is room');
    assert.is((await postAlert(url, JSON.stringify(big))).status, 202);
  } finally {
    await agent.stop();
    disk.release();
    await cluster.close();
  }
});

// ---------------------------------------------------------------------------------------------
// H2 on the real local stack: a restart of the agent keeps everything; a new simulation archives
// ---------------------------------------------------------------------------------------------

const stateDir = mkdtempSync(join(tmpdir(), 'durability-stack-'));
const stackEnv = { ...process.env, LOCAL_CLUSTER_STATE_DIR: stateDir };

async function localCluster(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [join(repoRoot, 'bin/local-cluster.js'), ...args], { env: stackEnv, cwd: repoRoot, maxBuffer: 10 * 2 ** 20 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

/** The credential files the local stack may write (the approval and webhook tokens), when present. */
function bearer(name: 'webhook' | 'approver'): Record<string, string> {
  const file = join(stateDir, 'credentials', `${name}.token`);
  return existsSync(file) ? { authorization: `Bearer ${readFileSync(file, 'utf8').trim()}` } : {};
}

test('H2: a fresh up, an incident, an agent restart (kill -9 then up): the incident is still there; down + up archives the audit, never deletes it', async () => {
  const ports: Record<string, number> = {};
  for (const name of ['prometheus', 'alertmanager', 'kube', 'simulation', 'agent', 'mcp']) ports[name] = await freePort();
  const flags = ['--fast', ...Object.entries(ports).flatMap(([name, port]) => [`--${name}-port`, String(port)])];
  try {
    const up = await localCluster('up', ...flags);
    assert.is(up.code, 0, `up failed:\n${up.stdout}\n${up.stderr}`);
    const agentUrl = `http://127.0.0.1:${ports.agent}`;
    const posted = await fetch(`${agentUrl}/webhooks/alertmanager`, { method: 'POST', headers: { 'content-type': 'application/json', ...bearer('webhook') }, body: fixture });
    assert.is(posted.status, 202, await posted.clone().text());
    const id = ((await posted.json()) as { results: { incidentId: string }[] }).results[0]!.incidentId;
    const dataDir = join(stateDir, 'agent');

    const state = JSON.parse(readFileSync(join(stateDir, 'state.json'), 'utf8')) as { components: Record<string, { pid: number }> };
    process.kill(state.components.agent!.pid, 'SIGKILL');
    const again = await localCluster('up', ...flags);
    assert.is(again.code, 0, `up after the kill failed:\n${again.stdout}\n${again.stderr}`);
    const kept = await fetch(`${agentUrl}/incidents/${id}`, { headers: bearer('approver') });
    assert.is(kept.status, 200, `the incident is gone after the agent restarted: ${kept.status}`);
    const before = await verifyAudit(dataDir);
    assert.is(before.code, 0, before.stdout + before.stderr);
    const entries = Number(/(\d+) entries/.exec(before.stdout)![1]);
    assert.ok(entries >= 2);

    assert.is((await localCluster('down')).code, 0);
    const fresh = await localCluster('up', ...flags);
    assert.is(fresh.code, 0, `up after down failed:\n${fresh.stdout}\n${fresh.stderr}`);
    const archives = readdirSync(join(dataDir, 'archive'));
    assert.is(archives.length, 1, 'the previous simulation\'s data was moved aside');
    const archived = join(dataDir, 'archive', archives[0]!);
    const verified = await verifyAudit(archived);
    assert.is(verified.code, 0, verified.stdout + verified.stderr);
    assert.ok(Number(/(\d+) entries/.exec(verified.stdout)![1]) >= entries, 'every audit entry is kept in the archive');
    assert.ok(auditActions(archived, id).includes('agent:incident.opened'));
    assert.is((await fetch(`${agentUrl}/incidents/${id}`, { headers: bearer('approver') })).status, 404, 'the new simulation starts afresh');
    assert.is((statSync(dataDir).mode & 0o777).toString(8), '700');
    for (const suffix of ['', '-wal', '-shm']) assert.is((statSync(join(dataDir, `agent.sqlite${suffix}`)).mode & 0o777).toString(8), '600', `agent.sqlite${suffix}`);
  } finally {
    // The state directory goes only once everything it started is stopped (its records are in it).
    if ((await localCluster('down')).code === 0) rmSync(stateDir, { recursive: true, force: true });
  }
});

test.run();
