import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { admitChaos } from './admission.js';
import { CHAOS_MESH_GROUP, CHAOS_MESH_VERSION } from './kind.js';
import { CHAOS_KIND_NAMES, chaosKindOf, chaosKinds, isChaosKindName } from './registry.js';
import { isRecovered } from './status.js';

test('every registered kind is a chaos-mesh.org/v1alpha1 resource with its own plural', () => {
  assert.equal(CHAOS_KIND_NAMES, ['StressChaos', 'NetworkChaos', 'PodChaos']);
  for (const kind of chaosKinds) {
    assert.is(kind.group, CHAOS_MESH_GROUP);
    assert.is(kind.version, CHAOS_MESH_VERSION);
    assert.is(kind.plural, kind.kind.toLowerCase(), 'Chaos Mesh CRDs use the lower-cased kind as plural');
  }
  assert.is(new Set(chaosKinds.map((k) => k.plural)).size, chaosKinds.length);
});

test('lookups by kind name', () => {
  assert.is(chaosKindOf('NetworkChaos')?.plural, 'networkchaos');
  assert.is(chaosKindOf('IOChaos'), undefined);
  assert.ok(isChaosKindName('PodChaos'));
  assert.not.ok(isChaosKindName('Deployment'));
});

test('the shared admission rules hold for every kind: a spec, a selector, a mode, a parseable duration', () => {
  for (const kind of chaosKinds) {
    assert.equal(admitChaos(kind, undefined).map((c) => c.field), ['spec']);
    const causes = admitChaos(kind, { mode: 'sometimes', duration: 'forever' }).map((c) => c.field);
    assert.equal(causes.slice(0, 3), ['spec.selector', 'spec.mode', 'spec.duration'], kind.kind);
  }
});

test('recovered: the AllRecovered condition is True', () => {
  assert.ok(isRecovered({ conditions: [{ type: 'AllInjected', status: 'False' }, { type: 'AllRecovered', status: 'True' }] }));
  assert.not.ok(isRecovered({ conditions: [{ type: 'AllRecovered', status: 'False' }] }));
  assert.not.ok(isRecovered(undefined));
});

test.run();
