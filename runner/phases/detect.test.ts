import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { phaseWorld, type PhaseWorld } from '../../test/support/runner/phase-kit.js';
import { FakeAlarms, newIncident } from '../../test/support/runner/stubs.js';
import { PhaseFailed } from './context.js';
import { detectAlert, detectIncident } from './detect.js';

const iso = (ms: number) => new Date(ms).toISOString();

function world(detectSeconds?: number): PhaseWorld & { manualStarts: number[] } {
  const w = phaseWorld(detectSeconds ? { overrides: { timings: { detectSeconds } } } : {});
  const manualStarts: number[] = [];
  // The manual runbook runs real commands; here it is enough to know when it would start.
  w.run.startManualBaseline = () => void manualStarts.push(w.clock.now());
  w.run.injectedMs = w.clock.now();
  return Object.assign(w, { manualStarts });
}

const oom = (at: number) => ({ name: 'ContainerOOMKilled', state: 'firing' as const, labels: { alertname: 'ContainerOOMKilled', namespace: 'petadoptions', deployment: 'petlistadoptions', pod: 'petlistadoptions-abc' }, activeAt: iso(at) });

test('the incident about the scenario\'s target is the run\'s; another is noted and left alone; the runbook starts at the alert', async () => {
  const w = world();
  const start = w.clock.now();
  w.clock.listeners.push((now) => {
    if (now - start >= 5_000 && !w.metrics.firing.length) w.metrics.firing = [oom(now)];
    if (now - start >= 8_000 && !w.agent.incidents.size) {
      w.agent.incidents.set('inc-0', newIncident('inc-0', iso(now), { target: { kind: 'Deployment', namespace: 'petadoptions', name: 'payforadoption' } }));
      w.agent.incidents.set('inc-1', newIncident('inc-1', iso(now), { title: 'OOM', target: { kind: 'Deployment', namespace: 'petadoptions', name: 'petlistadoptions' } }));
    }
  });
  await w.enter(detectIncident);
  assert.is(w.run.agentIncident.id, 'inc-1');
  assert.is(w.run.record.alert?.name, 'ContainerOOMKilled');
  assert.equal(w.manualStarts, [start + 5_000]);
  assert.is(w.run.record.detectedAt, iso(start + 8_000));
  assert.equal(w.run.timeline.events.map((e) => `${e.source}: ${e.summary}`), [
    'prometheus: alert ContainerOOMKilled firing for petlistadoptions-abc',
    "agent: incident inc-0 opened about Deployment payforadoption, not this scenario's (petlistadoptions); left alone",
    'agent: incident inc-1 opened: OOM',
  ]);
  assert.ok(w.progress.notes().includes('(incident inc-0 about payforadoption is not this run\'s; ignored)'));
});

test('the run is recorded on its incident (the agent\'s console links the report); an agent that refuses costs the run nothing', async () => {
  const w = world();
  w.agent.incidents.set('inc-1', newIncident('inc-1', iso(w.clock.now()), { target: { kind: 'Deployment', namespace: 'petadoptions', name: 'petlistadoptions' } }));
  await w.enter(detectIncident);
  assert.equal(w.agent.runs, [{ incidentId: 'inc-1', runId: w.run.options.runId, scenario: 'memory-leak', reportDir: w.run.options.outDir }]);
  assert.ok(w.run.options.outDir.startsWith('/'), 'an absolute folder, as the agent requires');

  const older = world();
  older.agent.refuseRuns = new Error('PUT /incidents/inc-1/run answered 404: no route PUT /incidents/inc-1/run (see docs/api/openapi.yaml)');
  older.agent.incidents.set('inc-1', newIncident('inc-1', iso(older.clock.now()), { target: { kind: 'Deployment', namespace: 'petadoptions', name: 'petlistadoptions' } }));
  await older.enter(detectIncident);
  assert.is(older.run.agentIncident.id, 'inc-1');
  assert.ok(older.progress.notes().some((n) => /^\(the agent did not record run .* on incident inc-1: PUT .* answered 404: .*; its console will not link this run's report\)$/.test(n)), older.progress.notes().join('\n'));
});

test('paged before any alert: the manual runbook starts with the incident', async () => {
  const w = world();
  w.agent.incidents.set('inc-1', newIncident('inc-1', iso(w.clock.now()), { title: 'warning first', target: { kind: 'Deployment', namespace: 'petadoptions', name: 'petlistadoptions' } }));
  await w.enter(detectIncident);
  assert.is(w.run.record.alert, null);
  assert.equal(w.manualStarts, [w.clock.now()]);
  assert.ok(w.run.timeline.events.some((e) => e.summary === 'incident inc-1 opened before any of ContainerMemoryGrowingToLimit, ContainerMemoryNearLimit, ContainerOOMKilled, PodCrashLooping fired (warning first); the manual runbook starts now'));
});

test('timeouts say what did not happen and where to look', async () => {
  const silent = world(5);
  const none = (await silent.enter(detectIncident).catch((e: unknown) => e)) as PhaseFailed;
  assert.is(none.phase, 'detect');
  assert.match(none.message, /^no alert of ContainerMemoryGrowingToLimit, .* fired and the agent opened no incident within 5 s; check http:\/\/prometheus\.test\/alerts/);

  const unrouted = world(5);
  unrouted.metrics.firing = [oom(unrouted.clock.now())];
  const noIncident = (await unrouted.enter(detectIncident).catch((e: unknown) => e)) as PhaseFailed;
  assert.match(noIncident.message, /but the agent opened no incident about petlistadoptions within 5 s; is Alertmanager routing to http:\/\/agent\.test\/webhooks\/alertmanager\?/);
});

test('manual mode: the alert firing is the detection', async () => {
  const w = world();
  const start = w.clock.now();
  w.clock.listeners.push((now) => {
    if (now - start >= 3_000 && !w.metrics.firing.length) w.metrics.firing = [oom(now)];
  });
  await w.enter(detectAlert);
  assert.is(w.run.record.detectedAt, iso(start + 3_000));
  assert.equal(w.manualStarts, [], 'in manual mode the presenter is the manual run');
});

test("eks: the scenario's CloudWatch alarm in ALARM pages first; the incident is still the detection", async () => {
  const w = world();
  const alarms = new FakeAlarms();
  alarms.values.set('eks-pod-memory-over-limit', 'OK');
  w.run.connections = { ...w.run.target, endpoints: { ...w.endpoints, aws: { region: 'eu-west-1', accountId: '123456789012', stackName: 'eks-incident-kit', alarmName: 'eks-pod-memory-over-limit' } }, alarms };
  const start = w.clock.now();
  w.clock.listeners.push((now) => {
    if (now - start >= 4_000) alarms.values.set('eks-pod-memory-over-limit', 'ALARM');
    if (now - start >= 6_000 && !w.metrics.firing.length) w.metrics.firing = [oom(now)];
    if (now - start >= 9_000 && !w.agent.incidents.size) w.agent.incidents.set('inc-1', newIncident('inc-1', iso(now), { title: 'OOM', target: { kind: 'Deployment', namespace: 'petadoptions', name: 'petlistadoptions' } }));
  });
  await w.enter(detectIncident);
  assert.is(w.run.record.alert?.name, 'CloudWatch alarm eks-pod-memory-over-limit');
  assert.equal(w.manualStarts, [start + 4_000]);
  assert.is(w.run.record.detectedAt, iso(start + 9_000));
  assert.equal(w.run.timeline.events.map((e) => `${e.source}: ${e.summary}`), [
    'cloudwatch: CloudWatch alarm eks-pod-memory-over-limit in ALARM: Threshold Crossed: 2 out of the last 2 datapoints were greater than the threshold (90.0).',
    'agent: incident inc-1 opened: OOM',
  ]);
});

test.run();
