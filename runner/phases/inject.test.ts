import { existsSync, readFileSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { phaseWorld } from '../../test/support/runner/phase-kit.js';
import type { AppliedFault } from '../injection.js';
import { describeFault, inject, manualRemoval } from './inject.js';

test('the marker names the fault before it goes in; then the fault is applied and recorded', async () => {
  const w = phaseWorld();
  let markerWhenCreated: string | undefined;
  const create = w.cluster.createChaos.bind(w.cluster);
  w.cluster.createChaos = async (manifest) => {
    markerWhenCreated = existsSync(w.run.markerPath) ? readFileSync(w.run.markerPath, 'utf8') : undefined;
    return create(manifest);
  };
  await w.enter(inject);
  assert.ok(markerWhenCreated?.includes('"name": "memory-leak-test-run"'), 'the marker was written first');
  assert.equal(w.cluster.chaos.map((c) => `${c.kind} ${c.namespace}/${c.name}`), ['StressChaos petadoptions/memory-leak-test-run']);
  assert.is(w.run.record.injectedAt, new Date(w.run.injectedMs).toISOString());
  assert.equal([w.run.record.fault?.method, w.run.record.fault?.description], ['chaos-mesh', 'StressChaos petadoptions/memory-leak-test-run']);
  assert.equal(w.progress.calls[0], ['phase', 'inject', 'injecting memory-leak (service=petlistadoptions, size=150%, ramp=60s)']);
  assert.equal(w.progress.notes(), ['fault injected: StressChaos petadoptions/memory-leak-test-run (Chaos Mesh removes it by itself after 30 min at the latest)']);
});

test('a bad rollout keeps the template it replaces, to roll back to', async () => {
  const w = phaseWorld({ scenario: 'crash-loop', params: { service: 'petsearch', setting: 'PETS_TABLE_NAME', value: '' } });
  const before = structuredClone(w.cluster.deployments.find((d) => d.name === 'petsearch')!.template);
  await w.enter(inject);
  const fault = w.run.fault as Extract<AppliedFault, { method: 'deployment-patch' }>;
  assert.equal(fault.previousTemplate, before);
  assert.ok(w.cluster.log.some((l) => l.startsWith('patch strategic petsearch') && l.includes('PETS_TABLE_NAME')));
  assert.match(w.progress.notes()[0]!, /\(rolled back at cleanup, or by the next run if this one dies\)$/);
});

test('faults in words, and the command that removes one by hand', () => {
  const chaos: AppliedFault = { method: 'chaos-mesh', ref: { kind: 'NetworkChaos', namespace: 'petadoptions', name: 'lag' }, manifest: {} };
  const rollout: AppliedFault = { method: 'deployment-patch', namespace: 'petadoptions', name: 'petsite', patch: {}, previousTemplate: {}, previousRevision: '4', setting: 'SEARCH_API_URL' };
  assert.is(describeFault(chaos), 'NetworkChaos petadoptions/lag');
  assert.is(describeFault(rollout), 'bad rollout of deployment petadoptions/petsite (SEARCH_API_URL)');
  assert.is(manualRemoval(chaos), 'kubectl delete networkchaos -n petadoptions lag');
  assert.is(manualRemoval(rollout), 'kubectl rollout undo deployment/petsite -n petadoptions --to-revision=4');
});

test.run();
