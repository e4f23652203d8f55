import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { phaseWorld } from '../../test/support/runner/phase-kit.js';
import { preflight } from './preflight.js';

test('preflight connects to the prepared target, resolves parameters against the cluster and renders the scenario', async () => {
  // Manual mode: the checks need bash and kubectl on PATH, not promtool (no Prometheus install for unit tests).
  const w = phaseWorld({ scenario: 'node-pressure', params: { node: 'auto' }, overrides: { manual: true } });
  w.run.connections = undefined;
  w.run.record.spec = null;
  await w.enter(preflight);
  assert.equal(w.run.target.endpoints, w.endpoints);
  assert.equal([w.run.record.targetDescription, w.run.record.agentUrl], ['stub target', 'http://agent.test']);
  assert.is(w.run.record.params.node, 'node-b', 'the busiest schedulable node');
  assert.is(w.run.spec.expected.rootCause.target.name, 'node-b');
  assert.is(w.run.vars.chaosName, 'node-pressure-test-run');
  assert.ok(w.run.timeline.events.some((e) => e.phase === 'preflight' && e.summary.startsWith('preflight ok: 3 nodes')));
});

test.run();
