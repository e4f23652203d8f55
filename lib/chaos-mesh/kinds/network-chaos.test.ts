import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { admitChaos } from '../admission.js';
import { networkChaos } from './network-chaos.js';

const target = { mode: 'all' as const, selector: { labelSelectors: { app: 'petsearch' } } };

test('admission: a known action and direction, a latency for delays, a share for losses, a valid target', () => {
  assert.equal(admitChaos(networkChaos, { ...target, action: 'delay', delay: { latency: '300ms', jitter: '30ms' } }), []);
  assert.equal(admitChaos(networkChaos, { ...target, action: 'teleport' }).map((c) => [c.field, c.reason]), [['spec.action', 'FieldValueNotSupported']]);
  assert.equal(admitChaos(networkChaos, { ...target, action: 'delay', direction: 'sideways' }).map((c) => c.field), ['spec.direction', 'spec.delay.latency']);
  assert.equal(admitChaos(networkChaos, { ...target, action: 'loss' }).map((c) => c.field), ['spec.loss.loss']);
  assert.equal(admitChaos(networkChaos, { ...target, action: 'partition', target: { mode: 'fixed', selector: {} } }).map((c) => c.field), ['spec.target.value']);
});

test('effect: delays add latency and jitter, losses and partitions drop packets, the rest is mild loss', () => {
  assert.equal(networkChaos.effect({ ...target, action: 'delay', delay: { latency: '1.5s', jitter: '100ms' } }), { primitive: 'network', targets: 'pods', delaySeconds: 1.5, jitterSeconds: 0.1, lossFraction: 0 });
  assert.equal(networkChaos.effect({ ...target, action: 'loss', loss: { loss: '25%' } }), { primitive: 'network', targets: 'pods', delaySeconds: 0, jitterSeconds: 0, lossFraction: 0.25 });
  assert.is(networkChaos.effect({ ...target, action: 'partition' }).lossFraction, 1);
  assert.equal(networkChaos.effect({ ...target, action: 'corrupt' }), { primitive: 'network', targets: 'pods', delaySeconds: 0.02, jitterSeconds: 0.01, lossFraction: 0.02 });
});

test.run();
