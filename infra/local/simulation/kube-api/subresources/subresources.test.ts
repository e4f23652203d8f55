import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Deployment, Pod } from '../../cluster/objects.js';
import { DEPLOYMENT, POD } from '../../cluster/resources.js';
import { NAMESPACE_NAME, NODE_NAMES, startSampleApi } from '../../../../../test/support/simulation/sample-cluster.js';

const PODS = `/api/v1/namespaces/${NAMESPACE_NAME}/pods`;
const DEPLOYMENTS = `/apis/apps/v1/namespaces/${NAMESPACE_NAME}/deployments`;
const eviction = (name: string) => ({ apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name, namespace: NAMESPACE_NAME } });

test('evictions respect PodDisruptionBudgets with the 429 kubectl drain retries on', async () => {
  const api = await startSampleApi();
  try {
    const [a, b] = api.store.list<Pod>(POD, NAMESPACE_NAME).filter((p) => p.metadata.labels?.app === 'petsite');
    const first = await api.call('POST', `${PODS}/${a!.metadata.name}/eviction`, { body: eviction(a!.metadata.name) });
    assert.equal(first.json, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 });
    assert.is(first.status, 201);
    assert.ok(api.store.get<Pod>(POD, NAMESPACE_NAME, a!.metadata.name)!.metadata.deletionTimestamp);
    const second = await api.call('POST', `${PODS}/${b!.metadata.name}/eviction`, { body: eviction(b!.metadata.name) });
    assert.is(second.status, 429);
    assert.equal(second.json, {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: "Cannot evict pod as it would violate the pod's disruption budget.",
      reason: 'TooManyRequests',
      details: { causes: [{ reason: 'DisruptionBudget', message: 'The disruption budget petsite-pdb needs 1 healthy pods and has 1 currently' }] },
      code: 429,
    });
    assert.is(api.store.get<Pod>(POD, NAMESPACE_NAME, b!.metadata.name)!.metadata.deletionTimestamp, undefined);
    const crashing = api.store.list<Pod>(POD, NAMESPACE_NAME).find((p) => p.metadata.labels?.app === 'payforadoption')!;
    assert.is((await api.call('POST', `${PODS}/${crashing.metadata.name}/eviction?dryRun=All`, { body: eviction(crashing.metadata.name) })).status, 201);
    assert.is(api.store.get<Pod>(POD, NAMESPACE_NAME, crashing.metadata.name)!.metadata.deletionTimestamp, undefined);
    assert.is((await api.call('POST', `${PODS}/${crashing.metadata.name}/eviction`, { body: eviction('other') })).status, 400);
    assert.is((await api.call('POST', `${PODS}/ghost/eviction`, { body: eviction('ghost') })).status, 404);
    assert.is((await api.call('GET', `${PODS}/${crashing.metadata.name}/eviction`)).status, 405);
  } finally {
    await api.close();
  }
});

test('the scale subresource reads and writes spec.replicas through autoscaling/v1 Scale', async () => {
  const api = await startSampleApi();
  try {
    const scale = (await api.call('GET', `${DEPLOYMENTS}/petsite/scale`)).json;
    assert.equal([scale.kind, scale.apiVersion, scale.spec.replicas, scale.status.replicas, scale.status.selector], ['Scale', 'autoscaling/v1', 2, 2, 'app=petsite']);
    const patched = await api.call('PATCH', `${DEPLOYMENTS}/petsite/scale`, { contentType: 'application/merge-patch+json', body: { spec: { replicas: 3 } } });
    assert.is(patched.json.spec.replicas, 3);
    assert.is(api.store.get<Deployment>(DEPLOYMENT, NAMESPACE_NAME, 'petsite')!.spec.replicas, 3);
    const put = await api.call('PUT', `${DEPLOYMENTS}/petsite/scale`, { body: { ...scale, spec: { replicas: 1 } } });
    assert.is(put.status, 409, 'the Scale carried the old resourceVersion');
    const negative = await api.call('PATCH', `${DEPLOYMENTS}/petsite/scale`, { contentType: 'application/merge-patch+json', body: { spec: { replicas: -2 } } });
    assert.equal([negative.status, negative.json.details.causes[0].field], [422, 'spec.replicas']);
    const rs = (await api.call('GET', `/apis/apps/v1/namespaces/${NAMESPACE_NAME}/replicasets?labelSelector=app%3Dpetsearch`)).json.items[0];
    assert.is((await api.call('GET', `/apis/apps/v1/namespaces/${NAMESPACE_NAME}/replicasets/${rs.metadata.name}/scale`)).json.spec.replicas, 2);
  } finally {
    await api.close();
  }
});

test('the status subresource writes status only', async () => {
  const api = await startSampleApi();
  try {
    const current = (await api.call('GET', `${DEPLOYMENTS}/petsite/status`)).json;
    const written = await api.call('PUT', `${DEPLOYMENTS}/petsite/status`, { body: { ...current, spec: { ...current.spec, replicas: 9 }, status: { ...current.status, readyReplicas: 1 } } });
    assert.equal([written.json.spec.replicas, written.json.status.readyReplicas], [2, 1]);
    const patched = await api.call('PATCH', `${DEPLOYMENTS}/petsite/status`, { contentType: 'application/merge-patch+json', body: { status: { availableReplicas: 0 } } });
    assert.is(patched.json.status.availableReplicas, 0);
    assert.is(patched.json.metadata.generation, 1);
  } finally {
    await api.close();
  }
});

test('pod logs resolve the container like the API server and pass the options through', async () => {
  const api = await startSampleApi();
  try {
    const crashing = api.store.list<Pod>(POD, NAMESPACE_NAME).find((p) => p.metadata.labels?.app === 'payforadoption')!;
    const logs = await api.call('GET', `${PODS}/${crashing.metadata.name}/log?previous=true`);
    assert.equal([logs.status, logs.contentType], [200, 'text/plain']);
    assert.match(logs.text, /OutOfMemoryError/);
    const petsite = api.store.list<Pod>(POD, NAMESPACE_NAME).find((p) => p.metadata.labels?.app === 'petsite')!;
    const tail = await api.call('GET', `${PODS}/${petsite.metadata.name}/log?tailLines=1&timestamps=true`);
    assert.is(tail.text, '2026-11-25T09:00:00Z {"level":"info","msg":"GET /health 200","request":3,"container":"petsite"}\n');
    const sidecar = structuredClone(petsite);
    sidecar.metadata = { name: 'petsite-with-xray', namespace: NAMESPACE_NAME };
    sidecar.spec.containers.push({ name: 'xray-daemon', image: 'amazon/aws-xray-daemon:3.3.13' });
    api.store.create(POD, sidecar);
    const ambiguous = await api.call('GET', `${PODS}/petsite-with-xray/log`);
    assert.equal([ambiguous.status, ambiguous.json.message], [400, 'a container name must be specified for pod petsite-with-xray, choose one of: [petsite xray-daemon]']);
    assert.is((await api.call('GET', `${PODS}/petsite-with-xray/log?container=nginx`)).json.message, 'container nginx is not valid for pod petsite-with-xray');
    assert.is((await api.call('GET', `${PODS}/petsite-with-xray/log?container=xray-daemon`)).json.message, 'container "xray-daemon" in pod "petsite-with-xray" is waiting to start: ContainerCreating');
    assert.is((await api.call('GET', `${PODS}/${petsite.metadata.name}/log?previous=true`)).status, 400);
    assert.is((await api.call('GET', `${PODS}/${petsite.metadata.name}/log?sinceSeconds=10&sinceTime=2026-11-25T08:00:00Z`)).status, 400);
    assert.is((await api.call('GET', `${PODS}/ghost/log`)).status, 404);
  } finally {
    await api.close();
  }
});

test('metrics.k8s.io serves PodMetrics and NodeMetrics as metrics-server does', async () => {
  const api = await startSampleApi();
  try {
    const pods = (await api.call('GET', `/apis/metrics.k8s.io/v1beta1/namespaces/${NAMESPACE_NAME}/pods`)).json;
    assert.equal([pods.kind, pods.apiVersion], ['PodMetricsList', 'metrics.k8s.io/v1beta1']);
    assert.is(pods.items.length, 5);
    const first = pods.items[0];
    assert.equal([first.window, first.timestamp, first.containers[0].usage], ['30s', '2026-11-25T08:59:50Z', { cpu: '12000000n', memory: '98304Ki' }]);
    assert.is((await api.call('GET', '/apis/metrics.k8s.io/v1beta1/pods')).json.items.length, 8);
    const selected = (await api.call('GET', `/apis/metrics.k8s.io/v1beta1/namespaces/${NAMESPACE_NAME}/pods?labelSelector=app%3Dpetsite`)).json;
    assert.is(selected.items.length, 2);
    const one = await api.call('GET', `/apis/metrics.k8s.io/v1beta1/namespaces/${NAMESPACE_NAME}/pods/${first.metadata.name}`);
    assert.is(one.json.kind, 'PodMetrics');
    const missing = await api.call('GET', `/apis/metrics.k8s.io/v1beta1/namespaces/${NAMESPACE_NAME}/pods/ghost`);
    assert.equal([missing.status, missing.json.message], [404, `podmetrics.metrics.k8s.io "${NAMESPACE_NAME}/ghost" not found`]);
    const nodes = (await api.call('GET', '/apis/metrics.k8s.io/v1beta1/nodes')).json;
    assert.equal(nodes.items.map((n: { metadata: { name: string } }) => n.metadata.name).sort(), [...NODE_NAMES].sort());
    assert.match(nodes.items[0].usage.cpu, /^\d+n$/);
    assert.match(nodes.items[0].usage.memory, /^\d+Ki$/);
    assert.is((await api.call('POST', '/apis/metrics.k8s.io/v1beta1/nodes', { body: {} })).status, 405);
  } finally {
    await api.close();
  }
});

test.run();
