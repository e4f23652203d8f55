import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { phaseWorld } from '../../test/support/runner/phase-kit.js';
import { baseline, formatValue, measure } from './baseline.js';

test('the baseline: each query\'s first value (none, or not finite, is null), and a snapshot of what a run may change', async () => {
  const w = phaseWorld();
  w.metrics.answers.set('container_memory_working_set_bytes', [{ labels: {}, value: 92.456, t: 0 }, { labels: {}, value: 1, t: 0 }]);
  w.metrics.answers.set('kube_pod_container_resource_limits', []);
  w.metrics.answers.set('increase(', [{ labels: {}, value: NaN, t: 0 }]);
  await w.enter(baseline);
  assert.equal(w.run.record.baseline.map((b) => b.value), [92.456, null, null, 1]);
  assert.equal(w.run.snapshot?.schedulableNodes, ['node-a', 'node-b', 'node-c']);
  assert.equal(w.run.snapshot?.deployments.find((d) => d.name === 'petsite'), { name: 'petsite', replicas: 2, resources: { petsite: { limits: { cpu: '250m', memory: '256Mi' } } } });
  assert.equal(w.run.timeline.events.map((e) => e.summary), ['baseline: working set (MiB, max of the pods) 92.46; memory limit (MiB) n/a; restarts in the last 10 minutes n/a; available replicas 1.00']);
});

test('a query that fails measures as null rather than failing the run', async () => {
  const failing = { query: async () => Promise.reject(new Error('down')), queryRange: async () => [], alerts: async () => [] };
  assert.equal(await measure(failing, [{ name: 'x', promql: 'up' }]), [{ name: 'x', promql: 'up', value: null }]);
});

test('values print at a precision that reads well', () => {
  assert.equal([formatValue(null), formatValue(1234.5), formatValue(3.14159), formatValue(0.012345)], ['n/a', '1235', '3.14', '0.012']);
});

test.run();
