import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { defaultKit, resourcesOf } from '../test/kit.js';
import { chaosMeshChart } from './chaos-mesh.js';

test('Chaos Mesh: its Helm chart at the pinned version, with the containerd socket, no dashboard', async () => {
  const { template } = await defaultKit();
  const charts = Object.values(resourcesOf(template, 'Custom::AWSCDK-EKS-HelmChart')).filter((c) => c.Properties?.Chart === 'chaos-mesh');
  assert.is(charts.length, 1);
  const chart = charts[0]!.Properties!;
  assert.is(chart.Version, chaosMeshChart.version);
  assert.match(chaosMeshChart.version, /^\d+\.\d+\.\d+$/, 'an exact version, not a range');
  assert.is(chart.Repository, 'https://charts.chaos-mesh.org');
  assert.is(chart.Namespace, 'chaos-mesh');
  const values = JSON.parse(chart.Values as string) as { chaosDaemon: { runtime: string; socketPath: string }; dashboard: { create: boolean } };
  assert.equal(values.chaosDaemon, { runtime: 'containerd', socketPath: '/run/containerd/containerd.sock' });
  assert.is(values.dashboard.create, false);
});

test.run();
