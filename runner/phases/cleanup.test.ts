import { existsSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { phaseWorld, type PhaseWorld } from '../../test/support/runner/phase-kit.js';
import { FakeFis, newIncident, proposedAction } from '../../test/support/runner/stubs.js';
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

test('fis: a running experiment is stopped, one that ended by itself is left; either way the marker goes', async () => {
  for (const [ending, action, log] of [
    ['running', 'stopped FIS experiment EXPhjAXCGY78HV2a4A (StopExperiment: stopping)', ['get EXPhjAXCGY78HV2a4A', 'stop EXPhjAXCGY78HV2a4A']],
    ['completed', 'FIS experiment EXPhjAXCGY78HV2a4A had already ended (completed)', ['get EXPhjAXCGY78HV2a4A']],
  ] as const) {
    const w = phaseWorld();
    const fis = new FakeFis();
    w.run.connections = { ...w.run.target, endpoints: { ...w.endpoints, aws: { region: 'eu-west-1', accountId: '123456789012', stackName: 'eks-incident-kit', fisTemplateId: 'EXT6oWVA1WrLNy4XS' } }, fis };
    await injected(w);
    fis.log.length = 0;
    fis.answer(ending);
    await w.enter(cleanup);
    assert.equal(fis.log, log);
    assert.is(w.run.record.cleanup.actions[0], action);
    assert.not.ok(existsSync(w.run.markerPath));
  }
});

test('fis: StopExperiment failing three times leaves the command to stop it by hand, and the marker for the next run', async () => {
  const w = phaseWorld();
  const fis = new FakeFis();
  w.run.connections = { ...w.run.target, endpoints: { ...w.endpoints, aws: { region: 'eu-west-1', accountId: '123456789012', stackName: 'eks-incident-kit', fisTemplateId: 'EXT6oWVA1WrLNy4XS' } }, fis };
  await injected(w);
  fis.stop = async () => {
    throw new Error('cannot reach AWS for fis StopExperiment (ECONNRESET); check the network and the region');
  };
  await w.enter(cleanup);
  assert.equal(w.run.record.cleanup.errors.slice(0, 1), ['could not remove the fault: cannot reach AWS for fis StopExperiment (ECONNRESET); check the network and the region; remove it by hand: aws fis stop-experiment --id EXPhjAXCGY78HV2a4A --region eu-west-1']);
  assert.ok(existsSync(w.run.markerPath));
});

test.run();
