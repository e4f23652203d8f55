import { existsSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { phaseWorld, type PhaseWorld } from '../../test/support/runner/phase-kit.js';
import { newIncident, proposedAction } from '../../test/support/runner/stubs.js';
import { baseline } from './baseline.js';
import { cleanup } from './cleanup.js';
import { inject } from './inject.js';

async function injected(w: PhaseWorld): Promise<void> {
  await w.enter(baseline);
  await w.enter(inject);
}

test('the fault goes, the agent\'s changes are undone, the target settles, the marker is cleared, the key metric is charted', async () => {
  const w = phaseWorld();
  await injected(w);
  w.cluster.deployments.find((d) => d.name === 'petlistadoptions')!.containers[0]!.resources = { limits: { cpu: '250m', memory: '384Mi' } };
  w.cluster.nodes[1]!.unschedulable = true;
  await w.enter(cleanup);
  const record = w.run.record;
  assert.equal(w.cluster.chaos, []);
  assert.equal(record.cleanup.actions, ['deleted StressChaos petadoptions/memory-leak-test-run', 'uncordoned node node-b', 'restored deployment petlistadoptions resources of petlistadoptions']);
  assert.equal(record.cleanup.errors, []);
  assert.ok(record.cleanup.settled);
  assert.not.ok(existsSync(w.run.markerPath));
  assert.is(record.keyMetric?.series.length, 1);
  assert.ok(record.keyMetric!.series[0]!.samples.length > 10);
  assert.ok(record.endedAt);
  assert.equal(w.progress.calls.at(-1), ['stop']);
});

test('a fault that will not go: three tries, the command to remove it by hand, and the marker stays for the next run', async () => {
  const w = phaseWorld();
  await injected(w);
  let tries = 0;
  w.cluster.deleteChaos = async () => {
    tries++;
    throw new Error('Kubernetes API: delete StressChaos failed (HTTP 500)');
  };
  await w.enter(cleanup);
  assert.is(tries, 3);
  assert.equal(w.run.record.cleanup.errors.slice(0, 1), ['could not remove the fault: Kubernetes API: delete StressChaos failed (HTTP 500); remove it by hand: kubectl delete stresschaos -n petadoptions memory-leak-test-run']);
  assert.ok(existsSync(w.run.markerPath), 'the next run\'s preflight finishes the cleanup');
});

test('pending approvals of the run are withdrawn; --keep-changes leaves the agent\'s fixes', async () => {
  const w = phaseWorld({ overrides: { keepChanges: true } });
  await injected(w);
  const at = new Date(w.clock.now()).toISOString();
  const incident = newIncident('inc-1', at);
  incident.actions = [proposedAction('act-raise', 'raise-limits', 'petlistadoptions', at)];
  w.agent.incidents.set('inc-1', incident);
  w.cluster.nodes[1]!.unschedulable = true;
  await w.enter(cleanup);
  assert.equal(w.agent.decisions.map((d) => `${d.actionId}:${d.decision}:${d.by}`), ['act-raise:reject:run-scenario']);
  assert.ok(w.run.record.cleanup.actions.includes('rejected pending raise-limits of incident inc-1'));
  assert.ok(w.cluster.nodes[1]!.unschedulable, 'the cordon stays');
});

test('a run that never connected cleans up nothing and still closes its record', async () => {
  const w = phaseWorld();
  w.run.connections = undefined;
  await w.enter(cleanup);
  assert.equal(w.run.record.cleanup, { actions: [], errors: [], settled: false });
  assert.is(w.run.record.keyMetric, null);
  assert.ok(w.run.record.endedAt);
});

test.run();
