import Database from 'better-sqlite3';
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ManualClock } from '../../core/clock.js';
import type { Incident } from '../../core/types.js';
import { memoryAlert, tempDir } from '../../test/support/agent/workflow-testkit.js';
import { GENESIS } from './audit-chain.js';
import { IncidentConflict, StateDirectoryError } from './errors.js';
import { mutateIncident, nextUpdatedAt } from './mutate.js';
import { InvalidCursor, openSqlite, SqliteStateStore, verifySqliteAudit } from './sqlite-store.js';

function incident(id: string, overrides: Partial<Incident> = {}): Incident {
  return {
    id,
    title: `incident ${id}`,
    status: 'open',
    severity: 'warning',
    createdAt: '2026-11-25T09:00:00.000Z',
    updatedAt: '2026-11-25T09:00:00.000Z',
    alertIds: [],
    groupKeys: [`workload:petadoptions/${id}`],
    target: { kind: 'Deployment', namespace: 'petadoptions', name: id },
    findings: [],
    hypotheses: [],
    actions: [],
    timeline: [],
    gaps: [],
    milestones: {},
    ...overrides,
  };
}

test('an alert is news once per status and start; the same notification again is a duplicate', async () => {
  const store = new SqliteStateStore(':memory:');
  const alert = memoryAlert();
  assert.equal(await store.saveAlert(alert), { duplicate: false });
  assert.equal(await store.saveAlert({ ...alert, receivedAt: '2026-11-25T09:05:00.000Z' }), { duplicate: true });
  assert.equal(await store.saveAlert({ ...alert, status: 'resolved' }), { duplicate: false });
  assert.equal(await store.saveAlert({ ...alert, status: 'resolved' }), { duplicate: true });
  assert.equal(await store.saveAlert({ ...alert, startsAt: '2026-11-25T11:00:00.000Z' }), { duplicate: false }, 'fired again later');
  const [stored] = await store.getAlerts([alert.id, 'missing']);
  assert.is(stored!.startsAt, '2026-11-25T11:00:00.000Z');
});

test('conditional incident writes detect a concurrent change', async () => {
  const store = new SqliteStateStore(':memory:');
  await store.putIncident(incident('a'));
  await store.putIncident({ ...incident('a'), status: 'investigating', updatedAt: '2026-11-25T09:00:01.000Z' }, { expectedUpdatedAt: '2026-11-25T09:00:00.000Z' });
  try {
    await store.putIncident({ ...incident('a'), status: 'resolved', updatedAt: '2026-11-25T09:00:02.000Z' }, { expectedUpdatedAt: '2026-11-25T09:00:00.000Z' });
    assert.unreachable('stale write accepted');
  } catch (error) {
    assert.instance(error, IncidentConflict);
  }
  assert.is((await store.getIncident('a'))!.status, 'investigating');
});

test('mutateIncident re-applies a change on the fresh copy after a conflict', async () => {
  const store = new SqliteStateStore(':memory:');
  const clock = new ManualClock();
  await store.putIncident(incident('a'));
  const stale = (await store.getIncident('a'))!;
  await mutateIncident(store, 'a', (i) => void i.timeline.push({ at: 'x', type: 'observation', source: 'agent', summary: 'first writer' }), { clock });
  const result = await mutateIncident(store, 'a', (i) => void i.timeline.push({ at: 'y', type: 'observation', source: 'agent', summary: 'second writer' }), { clock, initial: stale });
  assert.equal(result.timeline.map((t) => t.summary), ['first writer', 'second writer']);
  assert.ok(result.updatedAt > stale.updatedAt);
  assert.is(nextUpdatedAt('2026-11-25T09:00:00.000Z', Date.parse('2026-11-25T09:00:00.000Z')), '2026-11-25T09:00:00.001Z', 'strictly increasing under a frozen clock');
});

test('incidents list newest first, filter, and page with a cursor', async () => {
  const store = new SqliteStateStore(':memory:');
  for (let i = 0; i < 7; i++) {
    await store.putIncident(incident(`i${i}`, { createdAt: `2026-11-25T09:0${i}:00.000Z`, status: i % 2 ? 'resolved' : 'investigating', severity: i === 3 ? 'critical' : 'warning' }));
  }
  const first = await store.listIncidents({ limit: 3 });
  assert.equal(first.items.map((i) => i.id), ['i6', 'i5', 'i4']);
  assert.ok(first.cursor);
  const second = await store.listIncidents({ limit: 3, cursor: first.cursor! });
  assert.equal(second.items.map((i) => i.id), ['i3', 'i2', 'i1']);
  const third = await store.listIncidents({ limit: 3, cursor: second.cursor! });
  assert.equal(third.items.map((i) => i.id), ['i0']);
  assert.is(third.cursor, undefined);
  assert.equal((await store.listIncidents({ status: ['resolved'] })).items.map((i) => i.id), ['i5', 'i3', 'i1']);
  assert.equal((await store.listIncidents({ severity: ['critical'] })).items.map((i) => i.id), ['i3']);
  assert.equal((await store.listIncidents({ namespace: 'elsewhere' })).items, []);
  await store.listIncidents({ cursor: 'garbage' }).then(
    () => assert.unreachable(),
    (error) => assert.instance(error, InvalidCursor),
  );
});

test('the open incident of a group key is found; finished ones are not', async () => {
  const store = new SqliteStateStore(':memory:');
  await store.putIncident(incident('old', { status: 'resolved', groupKeys: ['workload:petadoptions/petsite'] }));
  assert.is(await store.findOpenIncident('workload:petadoptions/petsite'), undefined);
  await store.putIncident(incident('new', { groupKeys: ['workload:petadoptions/petsite', 'target:Deployment/petadoptions/petsite'] }));
  assert.is((await store.findOpenIncident('target:Deployment/petadoptions/petsite'))!.id, 'new');
});

test('workflow state, approvals and the audit log persist across reopening the file', async () => {
  const path = `${tempDir()}/agent.sqlite`;
  const store = new SqliteStateStore(path);
  await store.saveWorkflowState('a', { version: 1, cursor: { stepId: 'analyse', visit: 1 } });
  await store.recordApproval('a', { actionId: 'act-1', decision: 'approved', by: 'alice', at: '2026-11-25T09:10:00.000Z' });
  for (let i = 0; i < 5; i++) await store.appendAudit({ at: `2026-11-25T09:1${i}:00.000Z`, incidentId: i < 4 ? 'a' : 'b', actor: 'agent', action: `step.${i}`, detail: { i } });
  store.close();
  const reopened = new SqliteStateStore(path);
  assert.equal(await reopened.loadWorkflowState('a'), { version: 1, cursor: { stepId: 'analyse', visit: 1 } });
  assert.is(await reopened.loadWorkflowState('nope'), undefined);
  assert.is((await reopened.listApprovals('a'))[0]!.by, 'alice');
  assert.equal((await reopened.listAudit({ incidentId: 'a' })).map((e) => e.action), ['step.0', 'step.1', 'step.2', 'step.3']);
  assert.equal((await reopened.listAudit({ limit: 2 })).map((e) => e.action), ['step.3', 'step.4'], 'the latest entries, oldest first');
  reopened.close();
});

const entry = (i: number, incidentId = 'a') => ({ at: `2026-11-25T09:1${i}:00.000Z`, incidentId, actor: i % 2 ? 'alice' : 'agent', action: `step.${i}`, detail: { i, nested: { b: [1, 'two'], a: null } } });
/** The same database through a second connection: what someone with the file could do. */
const raw = (path: string) => new Database(path);

test('the audit log is append-only: UPDATE, DELETE and an entry off the chain are refused by the database itself', async () => {
  const path = `${tempDir()}/agent.sqlite`;
  const store = new SqliteStateStore(path);
  for (let i = 0; i < 3; i++) await store.appendAudit(entry(i));
  const db = raw(path);
  assert.throws(() => db.prepare("UPDATE audit SET actor = 'mallory' WHERE seq = 2").run(), /append-only: an entry cannot be changed/);
  assert.throws(() => db.prepare('DELETE FROM audit WHERE seq = 3').run(), /append-only: an entry cannot be deleted/);
  assert.throws(() => db.prepare("INSERT INTO audit (at, actor, action, detail) VALUES ('2026-11-25T10:00:00.000Z', 'mallory', 'action.approved', '{}')").run(), /extend its hash chain/);
  assert.throws(() => db.prepare("INSERT INTO audit (at, actor, action, detail, prev_hash, hash) VALUES ('2026-11-25T10:00:00.000Z', 'mallory', 'x', '{}', ?, 'ff')").run(GENESIS), /extend its hash chain/, 'a second chain start (a fork) is refused');
  db.close();
  assert.equal((await store.listAudit()).map((e) => e.action), ['step.0', 'step.1', 'step.2']);
  const verified = await store.verifyAudit();
  assert.equal({ ok: verified.ok, entries: verified.entries, chained: verified.chained, legacy: verified.legacy }, { ok: true, entries: 3, chained: 3, legacy: 0 });
  store.close();
});

test('verification names the first changed, removed or reordered entry, and a cut-off end', async () => {
  const make = async () => {
    const path = `${tempDir()}/agent.sqlite`;
    const store = new SqliteStateStore(path);
    for (let i = 0; i < 5; i++) await store.appendAudit(entry(i));
    store.close();
    const db = raw(path);
    // What an attacker with the file does first: the triggers go.
    db.exec('DROP TRIGGER audit_refuses_update; DROP TRIGGER audit_refuses_delete; DROP TRIGGER audit_extends_the_chain;');
    return db;
  };
  let db = await make();
  db.prepare('UPDATE audit SET detail = ? WHERE seq = 3').run(JSON.stringify({ i: 2, nested: { b: [1, 'two'], a: 'changed' } }));
  let result = verifySqliteAudit(db);
  assert.is(result.ok, false);
  assert.equal([result.broken!.seq, result.broken!.action], [3, 'step.2']);
  assert.match(result.broken!.reason, /content does not match its hash/);
  db = await make();
  db.prepare('DELETE FROM audit WHERE seq = 2').run();
  result = verifySqliteAudit(db);
  assert.is(result.broken!.seq, 3);
  assert.match(result.broken!.reason, /removed, inserted or reordered/);
  db = await make();
  db.prepare('DELETE FROM audit WHERE seq >= 4').run();
  result = verifySqliteAudit(db);
  assert.is(result.ok, false);
  assert.match(result.broken!.reason, /entries 4 to 5 were written and are gone/);
  db = await make();
  db.prepare('UPDATE audit SET prev_hash = NULL, hash = NULL WHERE seq = 4').run();
  assert.match(verifySqliteAudit(db).broken!.reason, /no hash although the chain had started/);
});

test('a file from before the chain: its entries stay as written (legacy) and the chain starts after them', async () => {
  const path = `${tempDir()}/agent.sqlite`;
  const old = new Database(path);
  old.exec('CREATE TABLE audit (seq INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL, incident_id TEXT, actor TEXT NOT NULL, action TEXT NOT NULL, detail TEXT NOT NULL)');
  old.prepare("INSERT INTO audit (at, incident_id, actor, action, detail) VALUES ('2026-11-24T08:00:00.000Z', 'old', 'agent', 'incident.opened', '{}')").run();
  old.prepare("INSERT INTO audit (at, incident_id, actor, action, detail) VALUES ('2026-11-24T08:01:00.000Z', 'old', 'alice', 'action.approved', '{\"actionId\":\"act-1\"}')").run();
  old.close();
  const store = new SqliteStateStore(path);
  await store.appendAudit(entry(0));
  await store.appendAudit(entry(1));
  const verified = await store.verifyAudit();
  assert.equal({ ok: verified.ok, entries: verified.entries, chained: verified.chained, legacy: verified.legacy }, { ok: true, entries: 4, chained: 2, legacy: 2 });
  assert.equal((await store.listAudit()).map((e) => e.action), ['incident.opened', 'action.approved', 'step.0', 'step.1'], 'old entries are still listed, unchanged');
  const db = raw(path);
  assert.throws(() => db.prepare("UPDATE audit SET actor = 'mallory' WHERE seq = 1").run(), /append-only/, 'legacy entries are protected from now on too');
  db.close();
  store.close();
});

test('data files are private: directory 0700, database, WAL and shared memory 0600 (looser old files tightened)', async () => {
  const dir = join(tempDir(), 'state', 'agent');
  const store = new SqliteStateStore(join(dir, 'agent.sqlite'));
  await store.appendAudit(entry(0));
  const mode = (path: string) => statSync(path).mode & 0o777;
  assert.is(mode(dir), 0o700);
  for (const suffix of ['', '-wal', '-shm']) assert.is(mode(join(dir, `agent.sqlite${suffix}`)), 0o600, `agent.sqlite${suffix}`);
  store.close();
  const older = join(tempDir(), 'agent.sqlite');
  writeFileSync(older, '', { mode: 0o644 });
  new SqliteStateStore(older).close();
  assert.is(mode(older), 0o600);
});

test('a state directory that cannot be used is named, with what to do', () => {
  const base = tempDir();
  writeFileSync(join(base, 'not-a-dir'), 'x');
  try {
    openSqlite(join(base, 'not-a-dir', 'agent', 'agent.sqlite'));
    assert.unreachable();
  } catch (error) {
    assert.instance(error, StateDirectoryError);
    assert.match((error as Error).message, new RegExp(`state directory ${join(base, 'not-a-dir', 'agent')} .*\\. Make it writable .*--data-dir`));
    assert.not.match((error as Error).message, /^ENOENT|^ENOTDIR/);
  }
  mkdirSync(join(base, 'empty'));
  assert.throws(() => openSqlite(join(base, 'empty', 'agent.sqlite'), { readonly: true }), /has no database .*Point --data-dir at the agent's data directory/);
});

test('probeWrite commits a small row (the readiness probe of a full disk)', async () => {
  const path = `${tempDir()}/agent.sqlite`;
  const store = new SqliteStateStore(path);
  await store.probeWrite();
  await store.probeWrite();
  const db = raw(path);
  assert.is((db.prepare('SELECT COUNT(*) AS n FROM storage_probe').get() as { n: number }).n, 1);
  db.close();
  store.close();
});

test.run();
