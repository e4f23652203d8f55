import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync } from 'node:fs';
import { phaseWorld } from '../../test/support/runner/phase-kit.js';
import { FakeFis } from '../../test/support/runner/stubs.js';
import { writeMarker } from '../injection.js';
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

test('eks: the experiment of a run killed with kill -9 (its marker) is stopped before anything else', async () => {
  const fis = new FakeFis();
  const aws = { region: 'eu-west-1', accountId: '123456789012', stackName: 'eks-incident-kit' };
  const w = phaseWorld({ overrides: { manual: true } });
  w.run.connections = undefined;
  w.run.record.spec = null;
  Object.assign(w.run.options, { target: { name: 'eks', prepare: async () => ({ ...w.endpoints, aws }) } });
  Object.assign(w.run.deps, { fis: () => fis });
  await fis.start('EXT6oWVA1WrLNy4XS', { clientToken: 'memory-leak-killed', tags: {} });
  fis.log.length = 0;
  // pid 2^22 + 1 is above Linux's pid_max: no process has it.
  writeMarker(w.run.markerPath, { runId: 'killed', scenario: 'memory-leak', pid: 4_194_305, startedAt: '2026-12-06T15:00:00Z', kubeconfig: w.endpoints.kubeconfig, fault: { method: 'fis', templateId: 'EXT6oWVA1WrLNy4XS', clientToken: 'memory-leak-killed', region: 'eu-west-1', experimentId: 'EXPhjAXCGY78HV2a4A' } });
  await w.enter(preflight);
  assert.equal(fis.log, ['get EXPhjAXCGY78HV2a4A', 'stop EXPhjAXCGY78HV2a4A']);
  assert.ok(w.run.timeline.events.some((e) => e.summary === 'run killed of memory-leak ended without cleaning up; finishing its cleanup: stopped FIS experiment EXPhjAXCGY78HV2a4A (StopExperiment: stopping)'));
  assert.not.ok(existsSync(w.run.markerPath));
});

test.run();
