import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ManualClock } from '../../core/clock.js';
import type { Incident } from '../../core/types.js';
import { memoryAlert, tempDir } from '../../test/support/agent/workflow-testkit.js';
import { IncidentConflict } from './errors.js';
import { mutateIncident, nextUpdatedAt } from './mutate.js';
import { InvalidCursor, SqliteStateStore } from './sqlite-store.js';

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

test.run();
