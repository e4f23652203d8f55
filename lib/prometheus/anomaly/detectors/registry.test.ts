import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { detectorKind, detectorKinds } from './registry.js';

test('every detector kind is registered under its own name and can be built', () => {
  assert.equal(Object.keys(detectorKinds).sort(), ['growth', 'level-shift', 'out-of-range', 'robust-zscore', 'seasonal', 'spike']);
  for (const [name, kind] of Object.entries(detectorKinds)) {
    assert.is(kind.name, name);
    assert.ok(kind.description.length > 20);
    const detector = kind.create({ sensitivity: 0.5, context: {} });
    assert.is(detector.name, name);
    assert.equal(detector.observe({ t: 0, v: 1 }).surprise, 0);
  }
  assert.throws(() => detectorKind('prophet'), /unknown detector "prophet" \(known: robust-zscore, spike/);
});

test.run();
