import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { admitChaos } from '../admission.js';
import { stressChaos } from './stress-chaos.js';

const target = { mode: 'one', selector: { labelSelectors: { app: 'petsite' } } };

test('admission: a stressor is required, workers are positive integers, sizes and times parse, load is a percentage', () => {
  assert.equal(admitChaos(stressChaos, { ...target, stressors: { memory: { workers: 1, size: '256MB', time: '30s' } } }), []);
  assert.equal(admitChaos(stressChaos, { ...target, stressngStressors: '--vm 1' }), []);
  assert.equal(admitChaos(stressChaos, target).map((c) => [c.field, c.reason]), [['spec.stressors', 'FieldValueRequired']]);
  const causes = admitChaos(stressChaos, { ...target, stressors: { memory: { workers: 0, size: 'lots', time: 'soon' }, cpu: { load: 150 } } });
  assert.equal(causes.map((c) => c.field), ['spec.stressors.memory.workers', 'spec.stressors.memory.size', 'spec.stressors.memory.time', 'spec.stressors.cpu.workers', 'spec.stressors.cpu.load']);
  assert.is(causes[1]!.message, 'Invalid value: "lots": must be a size like 256MB, 1GB or 80%');
});

test('admission: the shared rules come first (selector, mode and its value), and the schema catches wrong types', () => {
  assert.equal(admitChaos(stressChaos, { mode: 'fixed', selector: {} }).map((c) => c.field), ['spec.value', 'spec.stressors']);
  const typed = admitChaos(stressChaos, { ...target, selector: { labelSelectors: { app: 7 } }, stressors: { cpu: { workers: 1 } } });
  assert.equal(typed.map((c) => [c.field, c.reason]), [['spec.selector.labelSelectors.app', 'FieldValueInvalid']]);
  assert.match(typed[0]!.message, /^Invalid value: 7: /);
});

test('effect: a memory stressor grows to its size over its time (the profile decides without one); CPU burns workers x load', () => {
  assert.equal(stressChaos.effect({ ...target, mode: 'one', stressors: { memory: { workers: 1, size: '512MB', time: '2m' } } }), { primitive: 'stress', targets: 'containers', memory: { size: { bytes: 512 * 2 ** 20 }, rampMs: 120_000 } });
  assert.equal(stressChaos.effect({ ...target, mode: 'one', stressors: { memory: { workers: 1, size: '150%' } } }), { primitive: 'stress', targets: 'containers', memory: { size: { fraction: 1.5 } } });
  assert.equal(stressChaos.effect({ ...target, mode: 'one', stressors: { cpu: { workers: 2, load: 60 } } }), { primitive: 'stress', targets: 'containers', cpu: { cores: 1.2 } });
  assert.equal(stressChaos.effect({ ...target, mode: 'one', stressors: { memory: { workers: 1 } } }).memory?.size, { bytes: 256 * 2 ** 20 }, 'Chaos Mesh stresses 256MB by default');
});

test.run();
