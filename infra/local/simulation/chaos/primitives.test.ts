/**
 * The effect primitives the simulation applies for the Chaos Mesh kinds of lib/chaos-mesh, through the
 * controller: the ones simulation.test.ts does not drive (pod-failure, container-kill), and a pause.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createChaos } from '../../../../test/support/simulation/chaos.js';
import { profiles } from '../../profiles.js';
import type { ChaosObject, Pod } from '../cluster/objects.js';
import { chaosKey, POD } from '../cluster/resources.js';
import { Simulation } from '../simulation.js';

const START = Date.UTC(2026, 10, 25, 14, 0, 0);

function cluster(): Simulation {
  const sim = new Simulation({ start: START, profile: profiles.fast, seed: 7 });
  sim.run(90);
  return sim;
}

const pod = (sim: Simulation, name: string) => sim.store.get<Pod>(POD, 'petadoptions', name)!;
const firstOf = (sim: Simulation, app: string) => sim.store.list<Pod>(POD, 'petadoptions').find((p) => p.metadata.labels?.app === app)!;
const restarts = (p: Pod) => p.status.containerStatuses?.[0]?.restartCount ?? 0;
const ready = (p: Pod) => p.status.containerStatuses?.[0]?.ready === true;

test('pod-failure: the pod\'s containers run pause (never ready) until the experiment ends, then restart once more', () => {
  const sim = cluster();
  const target = firstOf(sim, 'petsearch').metadata.name;
  const before = restarts(pod(sim, target));
  createChaos(sim.store, { kind: 'PodChaos', metadata: { name: 'fail', namespace: 'petadoptions' }, spec: { action: 'pod-failure', mode: 'one', selector: { pods: { petadoptions: [target] } }, duration: '30s' } });
  sim.run(20);
  assert.not.ok(ready(pod(sim, target)), 'paused containers are not ready');
  assert.ok(restarts(pod(sim, target)) > before);
  sim.run(40);
  const status = sim.store.get<ChaosObject>(chaosKey('PodChaos'), 'petadoptions', 'fail')!.status!;
  assert.ok(status.conditions?.some((c) => c.type === 'AllRecovered' && c.status === 'True'));
  sim.run(30);
  assert.ok(ready(pod(sim, target)), 'the original image is back');
});

test('container-kill: the named container is killed once and the kubelet restarts it', () => {
  const sim = cluster();
  const target = firstOf(sim, 'pethistory');
  const before = restarts(target);
  createChaos(sim.store, { kind: 'PodChaos', metadata: { name: 'kill', namespace: 'petadoptions' }, spec: { action: 'container-kill', mode: 'one', containerNames: ['pethistory'], selector: { pods: { petadoptions: [target.metadata.name] } } } });
  sim.run(30);
  const after = pod(sim, target.metadata.name);
  assert.is(restarts(after), before + 1);
  assert.is(after.status.containerStatuses?.[0]?.lastState?.terminated?.exitCode, 137);
  const record = sim.store.get<ChaosObject>(chaosKey('PodChaos'), 'petadoptions', 'kill')!.status!.experiment!.containerRecords![0]!;
  assert.is(record.id, `petadoptions/${target.metadata.name}/pethistory`, 'container-kill records containers');
});

test('a paused stress recovers its targets, and resuming applies the effect again', () => {
  const sim = cluster();
  const target = firstOf(sim, 'payforadoption');
  const runtime = () => sim.runtime.get(target.metadata.uid!, 'payforadoption')!;
  createChaos(sim.store, { kind: 'StressChaos', metadata: { name: 'burn', namespace: 'petadoptions' }, spec: { mode: 'one', selector: { pods: { petadoptions: [target.metadata.name] } }, stressors: { cpu: { workers: 2, load: 50 } } } });
  sim.run(5);
  assert.equal(runtime().cpuStress, { cores: 1, source: 'petadoptions/burn' });
  const pause = (value: string | undefined) =>
    sim.store.mutate<ChaosObject>(chaosKey('StressChaos'), 'petadoptions', 'burn', (c) => {
      c.metadata.annotations = value ? { 'experiment.chaos-mesh.org/pause': value } : {};
    });
  pause('true');
  sim.run(5);
  assert.is(runtime().cpuStress, undefined);
  pause(undefined);
  sim.run(5);
  assert.equal(runtime().cpuStress, { cores: 1, source: 'petadoptions/burn' });
});

test.run();
