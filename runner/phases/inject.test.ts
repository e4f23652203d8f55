import { existsSync, readFileSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { phaseWorld, type PhaseWorld } from '../../test/support/runner/phase-kit.js';
import { FakeFis } from '../../test/support/runner/stubs.js';
import type { AppliedFault } from '../injection.js';
import { PhaseFailed } from './context.js';
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

/** The run on eks with --injector fis: the stack's template of the scenario, FIS in memory. */
function onFis(w: PhaseWorld): FakeFis {
  const fis = new FakeFis();
  w.run.connections = { ...w.run.target, endpoints: { ...w.endpoints, aws: { region: 'eu-west-1', accountId: '123456789012', stackName: 'eks-incident-kit', fisTemplateId: 'EXT6oWVA1WrLNy4XS' } }, fis };
  return fis;
}

test('fis: the marker, then StartExperiment with the run\'s client token, GetExperiment until it runs, its state in the progress line', async () => {
  const w = phaseWorld();
  const fis = onFis(w);
  let markerWhenStarted: string | undefined;
  const start = fis.start.bind(fis);
  fis.start = async (templateId, options) => {
    markerWhenStarted = readFileSync(w.run.markerPath, 'utf8');
    return start(templateId, options);
  };
  fis.next = ['initiating', 'initiating', 'running'];
  await w.enter(inject);
  assert.match(markerWhenStarted!, /"method": "fis"[\s\S]*"templateId": "EXT6oWVA1WrLNy4XS"[\s\S]*"clientToken": "memory-leak-test-run"/);
  assert.match(readFileSync(w.run.markerPath, 'utf8'), /"experimentId": "EXPhjAXCGY78HV2a4A"/, 'the marker names the experiment for the next run');
  assert.equal(fis.log, ['start EXT6oWVA1WrLNy4XS memory-leak-test-run', 'get EXPhjAXCGY78HV2a4A', 'get EXPhjAXCGY78HV2a4A', 'get EXPhjAXCGY78HV2a4A']);
  assert.equal(w.cluster.chaos, [], 'nothing through the kubeconfig');
  assert.ok(w.progress.calls.some((c) => c[0] === 'status' && c[1] === 'FIS experiment EXPhjAXCGY78HV2a4A: initiating'));
  assert.equal([w.run.record.fault?.method, w.run.record.fault?.description], ['fis', 'AWS FIS experiment EXPhjAXCGY78HV2a4A of template EXT6oWVA1WrLNy4XS']);
  assert.match(w.run.record.fault!.manifest, /"experimentId": "EXPhjAXCGY78HV2a4A"[\s\S]*# what the template injects/);
  assert.ok(w.run.record.injectedAt);
});

test('fis: an experiment that fails before it runs, or never starts, fails the inject phase with its reason and what to look at', async () => {
  const w = phaseWorld();
  const fis = onFis(w);
  fis.next = ['initiating', 'failed'];
  fis.reason = 'Target resolution failed for target LeakingPod: no pods matched app=petlistadoptions.';
  const error = await w.enter(inject).then(() => undefined, (e: unknown) => e);
  assert.instance(error, PhaseFailed);
  assert.match((error as Error).message, /^FIS experiment EXPhjAXCGY78HV2a4A is failed before it ran: Target resolution failed .*; see aws fis get-experiment --id EXPhjAXCGY78HV2a4A --region eu-west-1/);
  assert.is(w.run.record.injectedAt, null);

  const v = phaseWorld();
  const refused = onFis(v);
  refused.startError = new Error('fis StartExperiment failed: ServiceQuotaExceededException: You have reached the maximum number of running experiments.');
  const startError = await v.enter(inject).then(() => undefined, (e: unknown) => e as Error);
  assert.match(startError!.message, /^FIS did not start an experiment from template EXT6oWVA1WrLNy4XS: fis StartExperiment failed: ServiceQuotaExceededException: .*; check the template \(aws fis get-experiment-template --id EXT6oWVA1WrLNy4XS --region eu-west-1\)/);
  assert.equal((v.run.fault as Extract<AppliedFault, { method: 'fis' }>).experimentId, '', 'nothing to stop at cleanup');
});

test('a FIS experiment in words, and the command that stops it by hand', () => {
  const fault: AppliedFault = { method: 'fis', templateId: 'EXT6oWVA1WrLNy4XS', clientToken: 'memory-leak-r1', region: 'eu-west-1', experimentId: 'EXPhjAXCGY78HV2a4A' };
  assert.is(describeFault(fault), 'AWS FIS experiment EXPhjAXCGY78HV2a4A of template EXT6oWVA1WrLNy4XS');
  assert.is(manualRemoval(fault), 'aws fis stop-experiment --id EXPhjAXCGY78HV2a4A --region eu-west-1');
  assert.match(manualRemoval({ ...fault, experimentId: '' }), /^aws fis list-experiments --region eu-west-1/);
});

test.run();
