import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { admitChaos } from '../admission.js';
import { podChaos } from './pod-chaos.js';

const target = { mode: 'one' as const, selector: { pods: { petadoptions: ['petsite-1'] } } };

test('admission: a known action; container-kill names its containers', () => {
  assert.equal(admitChaos(podChaos, { ...target, action: 'pod-kill' }), []);
  assert.equal(admitChaos(podChaos, { ...target, action: 'pod-explode' }).map((c) => c.reason), ['FieldValueNotSupported']);
  assert.equal(admitChaos(podChaos, { ...target, action: 'container-kill' }).map((c) => [c.field, c.message]), [['spec.containerNames', 'Required value: container-kill needs at least one container name']]);
  assert.equal(admitChaos(podChaos, { ...target, action: 'container-kill', containerNames: ['petsite'] }), []);
});

test('effect: pod-kill deletes pods (with the grace period), pod-failure pauses them, container-kill kills containers', () => {
  assert.equal(podChaos.effect({ ...target, action: 'pod-kill' }), { primitive: 'pod-kill', targets: 'pods', gracePeriodSeconds: 0 });
  assert.equal(podChaos.effect({ ...target, action: 'pod-kill', gracePeriod: 5 }), { primitive: 'pod-kill', targets: 'pods', gracePeriodSeconds: 5 });
  assert.equal(podChaos.effect({ ...target, action: 'pod-failure' }), { primitive: 'pod-failure', targets: 'pods' });
  assert.equal(podChaos.effect({ ...target, action: 'container-kill', containerNames: ['petsite'] }), { primitive: 'container-kill', targets: 'containers' });
});

test.run();
