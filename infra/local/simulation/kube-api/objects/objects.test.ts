import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Deployment, Pod, ReplicaSet } from '../../cluster/objects.js';
import { DEPLOYMENT, POD, REPLICASET, STRESSCHAOS } from '../../cluster/resources.js';
import { NAMESPACE_NAME, NOW, startSampleApi, stressChaosManifest } from '../../../../../test/support/simulation/sample-cluster.js';

const PODS = `/api/v1/namespaces/${NAMESPACE_NAME}/pods`;
const DEPLOYMENTS = `/apis/apps/v1/namespaces/${NAMESPACE_NAME}/deployments`;
const CHAOS = `/apis/chaos-mesh.org/v1alpha1/namespaces/${NAMESPACE_NAME}/stresschaos`;
const TABLE = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json';
const names = (list: { items: { metadata: { name: string } }[] }) => list.items.map((i) => i.metadata.name);

test('lists filter by label and field selectors, in one namespace or all', async () => {
  const api = await startSampleApi();
  try {
    const petsite = (await api.call('GET', `${PODS}?labelSelector=app%3Dpetsite`)).json;
    assert.is(petsite.kind, 'PodList');
    assert.is(petsite.metadata.resourceVersion, api.store.resourceVersion);
    assert.is(names(petsite).length, 2);
    assert.ok(names(petsite).every((n: string) => n.startsWith('petsite-')));
    const notPetsite = (await api.call('GET', `${PODS}?labelSelector=app%20notin%20(petsite,petsearch)`)).json;
    assert.equal(names(notPetsite).map((n: string) => n.split('-')[0]), ['payforadoption']);
    const node = 'ip-192-168-27-114.us-west-2.compute.internal';
    const onNode = (await api.call('GET', `/api/v1/pods?fieldSelector=spec.nodeName%3D${node}`)).json;
    assert.ok(onNode.items.length >= 2);
    assert.ok(onNode.items.every((p: Pod) => p.spec.nodeName === node));
    assert.ok(onNode.items.some((p: Pod) => p.metadata.namespace === 'kube-system'));
    const notRunning = (await api.call('GET', `/api/v1/pods?fieldSelector=status.phase!%3DRunning`)).json;
    assert.is(notRunning.items.length, 0);
    const crashing = names((await api.call('GET', PODS)).json).find((n: string) => n.startsWith('payforadoption'))!;
    const events = (await api.call('GET', `/api/v1/namespaces/${NAMESPACE_NAME}/events?fieldSelector=involvedObject.name%3D${crashing},involvedObject.kind%3DPod`)).json;
    assert.equal(events.items.map((e: { reason: string }) => e.reason), ['BackOff']);
  } finally {
    await api.close();
  }
});

test('limit and continue page through a list at the first page resourceVersion', async () => {
  const api = await startSampleApi();
  try {
    const all = names((await api.call('GET', '/api/v1/pods')).json);
    const first = (await api.call('GET', '/api/v1/pods?limit=3')).json;
    assert.is(first.items.length, 3);
    assert.is(first.metadata.remainingItemCount, all.length - 3);
    const seen = names(first);
    let token = first.metadata.continue as string | undefined;
    while (token) {
      const page = (await api.call('GET', `/api/v1/pods?limit=3&continue=${encodeURIComponent(token)}`)).json;
      assert.is(page.metadata.resourceVersion, first.metadata.resourceVersion);
      seen.push(...names(page));
      token = page.metadata.continue;
    }
    assert.equal(seen, all);
    assert.is((await api.call('GET', '/api/v1/pods?limit=3&continue=garbage')).status, 400);
  } finally {
    await api.close();
  }
});

test('tables are negotiated with Accept, honour includeObject, and page like lists', async () => {
  const api = await startSampleApi();
  try {
    const table = (await api.call('GET', PODS, { accept: TABLE })).json;
    assert.is(table.kind, 'Table');
    assert.is(table.apiVersion, 'meta.k8s.io/v1');
    const crash = table.rows.find((r: { cells: string[] }) => r.cells[0]!.startsWith('payforadoption'));
    assert.equal(crash.cells.slice(1, 4), ['0/1', 'CrashLoopBackOff', '3 (45s ago)']);
    assert.is(crash.object.kind, 'PartialObjectMetadata');
    const full = (await api.call('GET', `${PODS}?includeObject=Object`, { accept: TABLE })).json;
    assert.is(full.rows[0].object.kind, 'Pod');
    const single = (await api.call('GET', `${DEPLOYMENTS}/petsite`, { accept: TABLE })).json;
    assert.equal(single.rows[0].cells.slice(0, 5), ['petsite', '2/2', 2, 2, '30d']);
    const nodes = (await api.call('GET', '/api/v1/nodes', { accept: TABLE })).json;
    assert.equal(nodes.columnDefinitions.filter((c: { priority: number }) => c.priority === 0).map((c: { name: string }) => c.name), ['Name', 'Status', 'Roles', 'Age', 'Version']);
    const paged = (await api.call('GET', '/api/v1/pods?limit=2', { accept: TABLE })).json;
    assert.is(paged.rows.length, 2);
    assert.ok(paged.metadata.continue);
    api.clock.advance(60_000);
    const later = (await api.call('GET', `${DEPLOYMENTS}/petsite`, { accept: TABLE })).json;
    assert.is(later.rows[0].cells[4], '30d');
    const metadataOnly = (await api.call('GET', PODS, { accept: 'application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io' })).json;
    assert.is(metadataOnly.kind, 'PartialObjectMetadataList');
  } finally {
    await api.close();
  }
});

test('create defaults, names and validates like the API server', async () => {
  const api = await startSampleApi();
  try {
    const created = await api.call('POST', PODS, { body: { apiVersion: 'v1', kind: 'Pod', metadata: { generateName: 'debug-' }, spec: { containers: [{ name: 'sh', image: 'busybox' }] } } });
    assert.is(created.status, 201);
    assert.match(created.json.metadata.name, /^debug-[a-z0-9]{5}$/);
    assert.is(created.json.metadata.namespace, NAMESPACE_NAME);
    assert.ok(created.json.metadata.uid && created.json.metadata.resourceVersion);
    assert.is(created.json.metadata.creationTimestamp, '2026-11-25T09:00:00Z');
    assert.equal([created.json.status.phase, created.json.status.qosClass], ['Pending', 'BestEffort']);
    assert.equal([created.json.spec.restartPolicy, created.json.spec.containers[0].imagePullPolicy], ['Always', 'Always']);

    const again = await api.call('POST', PODS, { body: { ...created.json, metadata: { name: created.json.metadata.name } } });
    assert.equal([again.status, again.json.reason, again.json.message], [409, 'AlreadyExists', `pods "${created.json.metadata.name}" already exists`]);

    const invalid = await api.call('POST', DEPLOYMENTS, {
      body: {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'Bad_Name' },
        spec: {
          replicas: -1,
          selector: { matchLabels: { app: 'x' } },
          template: { metadata: { labels: { app: 'y' } }, spec: { containers: [{ name: 'a', image: 'a', resources: { limits: { memory: '12 Mi' } } }, { name: 'a' }] } },
        },
      },
    });
    assert.is(invalid.status, 422);
    assert.is(invalid.json.reason, 'Invalid');
    const fields = invalid.json.details.causes.map((c: { field: string }) => c.field);
    for (const field of ['metadata.name', 'spec.replicas', 'spec.template.metadata.labels', 'spec.template.spec.containers[0].resources.limits[memory]', 'spec.template.spec.containers[1].name', 'spec.template.spec.containers[1].image']) {
      assert.ok(fields.includes(field), field);
    }
    assert.match(invalid.json.message, /^Deployment\.apps "Bad_Name" is invalid: /);
    assert.ok(invalid.json.details.causes.some((c: { reason: string }) => c.reason === 'FieldValueDuplicate'));

    const wrongNamespace = await api.call('POST', PODS, { body: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'x', namespace: 'default' }, spec: { containers: [{ name: 'a', image: 'a' }] } } });
    assert.is(wrongNamespace.status, 400);
    const noNamespace = await api.call('POST', '/api/v1/namespaces/ghost/pods', { body: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'x' }, spec: { containers: [{ name: 'a', image: 'a' }] } } });
    assert.equal([noNamespace.status, noNamespace.json.message], [404, 'namespaces "ghost" not found']);

    const chaos = await api.call('POST', CHAOS, { body: { ...stressChaosManifest(), spec: { mode: 'fixed', selector: { namespaces: [NAMESPACE_NAME] } } } });
    assert.is(chaos.status, 422);
    assert.equal(chaos.json.details.causes.map((c: { field: string }) => c.field), ['spec.value', 'spec.stressors']);
    const network = await api.call('POST', `/apis/chaos-mesh.org/v1alpha1/namespaces/${NAMESPACE_NAME}/networkchaos`, {
      body: { apiVersion: 'chaos-mesh.org/v1alpha1', kind: 'NetworkChaos', metadata: { name: 'lag' }, spec: { action: 'teleport', mode: 'all', selector: {} } },
    });
    assert.is(network.json.details.causes[0].field, 'spec.action');
  } finally {
    await api.close();
  }
});

test('updates conflict on stale resourceVersions and keep status; patches of every type apply', async () => {
  const api = await startSampleApi();
  try {
    const current = (await api.call('GET', `${DEPLOYMENTS}/petsite`)).json as Deployment;
    const stale = structuredClone(current);
    current.spec.replicas = 4;
    current.status = { replicas: 99 };
    const updated = await api.call('PUT', `${DEPLOYMENTS}/petsite`, { body: current });
    assert.is(updated.status, 200);
    assert.is(updated.json.spec.replicas, 4);
    assert.is(updated.json.status.replicas, 2, 'status is only written through /status');
    assert.is(updated.json.metadata.generation, 2);
    const conflict = await api.call('PUT', `${DEPLOYMENTS}/petsite`, { body: stale });
    assert.equal([conflict.status, conflict.json.reason], [409, 'Conflict']);
    assert.is(conflict.json.message, 'Operation cannot be fulfilled on deployments.apps "petsite": the object has been modified; please apply your changes to the latest version and try again');
    const renamed = await api.call('PUT', `${DEPLOYMENTS}/petsite`, { body: { ...current, metadata: { ...current.metadata, name: 'other' } } });
    assert.is(renamed.status, 400);

    const strategic = await api.call('PATCH', `${DEPLOYMENTS}/petsite`, {
      contentType: 'application/strategic-merge-patch+json',
      body: { spec: { template: { spec: { containers: [{ name: 'petsite', image: 'petsite:2.0.0' }] } } } },
    });
    assert.equal(strategic.json.spec.template.spec.containers.map((c: { image: string }) => c.image), ['petsite:2.0.0']);
    assert.is(strategic.json.spec.template.spec.containers[0].env.length, 1, 'strategic merge kept the env list');
    const merge = await api.call('PATCH', `${DEPLOYMENTS}/petsite`, { contentType: 'application/merge-patch+json', body: { metadata: { labels: { tier: 'web' } } } });
    assert.equal(merge.json.metadata.labels, { app: 'petsite', tier: 'web' });
    assert.is(merge.json.metadata.generation, 3, 'label changes do not bump generation');
    const json = await api.call('PATCH', `${DEPLOYMENTS}/petsite`, { contentType: 'application/json-patch+json', body: [{ op: 'replace', path: '/spec/replicas', value: 1 }] });
    assert.is(json.json.spec.replicas, 1);
    const failedTest = await api.call('PATCH', `${DEPLOYMENTS}/petsite`, { contentType: 'application/json-patch+json', body: [{ op: 'test', path: '/spec/replicas', value: 9 }] });
    assert.is(failedTest.status, 422);
    const preconditioned = await api.call('PATCH', `${DEPLOYMENTS}/petsite`, { contentType: 'application/merge-patch+json', body: { metadata: { resourceVersion: '3' }, spec: { replicas: 2 } } });
    assert.is(preconditioned.status, 409);
    const chaosSmp = await api.call('PATCH', `${CHAOS}/x`, { contentType: 'application/strategic-merge-patch+json', body: {} });
    assert.is(chaosSmp.status, 415);
    const immutable = await api.call('PATCH', `${DEPLOYMENTS}/petsite`, { contentType: 'application/merge-patch+json', body: { spec: { selector: { matchLabels: { app: 'x' } }, template: { metadata: { labels: { app: 'x' } } } } } });
    assert.ok(immutable.json.details.causes.some((c: { field: string; message: string }) => c.field === 'spec.selector' && /immutable/.test(c.message)));
  } finally {
    await api.close();
  }
});

test('updates never add defaults the stored object lacked, so scaling is not a rollout', async () => {
  const api = await startSampleApi();
  try {
    const before = api.store.get<Deployment>(DEPLOYMENT, NAMESPACE_NAME, 'petsite')!;
    assert.is(before.spec.template.spec.dnsPolicy, undefined);
    const labelled = await api.call('PATCH', `${DEPLOYMENTS}/petsite`, { contentType: 'application/merge-patch+json', body: { spec: { replicas: 5 } } });
    assert.equal(labelled.json.spec.template, before.spec.template);
    const pod = api.store.list<Pod>(POD, NAMESPACE_NAME)[0]!;
    const annotated = await api.call('PATCH', `${PODS}/${pod.metadata.name}`, { contentType: 'application/strategic-merge-patch+json', body: { metadata: { annotations: { note: 'x' } } } });
    assert.is(annotated.status, 200);
    const resized = await api.call('PATCH', `${PODS}/${pod.metadata.name}`, {
      contentType: 'application/strategic-merge-patch+json',
      body: { spec: { containers: [{ name: pod.spec.containers[0]!.name, resources: { limits: { memory: '1Gi' } } }] } },
    });
    assert.is(resized.status, 422);
    assert.match(resized.json.message, /pod updates may not change fields/);
  } finally {
    await api.close();
  }
});

test('dryRun=All computes every write and stores nothing', async () => {
  const api = await startSampleApi();
  try {
    const version = api.store.resourceVersion;
    const created = await api.call('POST', `${CHAOS}?dryRun=All`, { body: stressChaosManifest() });
    assert.is(created.status, 201);
    assert.is(created.json.metadata.name, 'petsite-memory-leak');
    assert.is(api.store.get(STRESSCHAOS, NAMESPACE_NAME, 'petsite-memory-leak'), undefined);
    const scaled = await api.call('PATCH', `${DEPLOYMENTS}/petsite?dryRun=All&fieldManager=devops-agent`, { contentType: 'application/merge-patch+json', body: { spec: { replicas: 6 } } });
    assert.equal([scaled.status, scaled.json.spec.replicas, scaled.json.metadata.generation], [200, 6, 2]);
    const current = (await api.call('GET', `${DEPLOYMENTS}/petsite`)).json;
    const replaced = await api.call('PUT', `${DEPLOYMENTS}/petsite?dryRun=All`, { body: { ...current, spec: { ...current.spec, replicas: 0 } } });
    assert.is(replaced.json.spec.replicas, 0);
    const pod = api.store.list<Pod>(POD, NAMESPACE_NAME)[0]!;
    const deleted = await api.call('DELETE', `${PODS}/${pod.metadata.name}?dryRun=All`);
    assert.ok(deleted.json.metadata.deletionTimestamp);
    const rs = api.store.list<ReplicaSet>(REPLICASET, NAMESPACE_NAME)[0]!;
    assert.is((await api.call('DELETE', `/apis/apps/v1/namespaces/${NAMESPACE_NAME}/replicasets/${rs.metadata.name}?dryRun=All`)).status, 200);
    assert.is((await api.call('POST', `${PODS}?dryRun=Some`, { body: pod })).status, 422);
    assert.is(api.store.resourceVersion, version);
    assert.is(api.store.get<Deployment>(DEPLOYMENT, NAMESPACE_NAME, 'petsite')!.spec.replicas, 2);
    assert.is(api.store.get<Pod>(POD, NAMESPACE_NAME, pod.metadata.name)!.metadata.deletionTimestamp, undefined);
  } finally {
    await api.close();
  }
});

test('pod deletion is graceful on a node and immediate otherwise; other kinds answer a Status', async () => {
  const api = await startSampleApi();
  try {
    const [first, second] = api.store.list<Pod>(POD, NAMESPACE_NAME);
    const graceful = await api.call('DELETE', `${PODS}/${first!.metadata.name}`);
    assert.equal([graceful.status, graceful.json.kind], [200, 'Pod']);
    assert.equal([graceful.json.metadata.deletionTimestamp, graceful.json.metadata.deletionGracePeriodSeconds], [new Date(NOW + 30_000).toISOString().replace('.000Z', 'Z'), 30]);
    assert.ok(api.store.get(POD, NAMESPACE_NAME, first!.metadata.name), 'the kubelet finishes it');
    const table = (await api.call('GET', `${PODS}/${first!.metadata.name}`, { accept: TABLE })).json;
    assert.is(table.rows[0].cells[2], 'Terminating');
    const shorter = await api.call('DELETE', `${PODS}/${first!.metadata.name}`, { body: { kind: 'DeleteOptions', apiVersion: 'v1', gracePeriodSeconds: 5 } });
    assert.is(shorter.json.metadata.deletionGracePeriodSeconds, 5);
    const forced = await api.call('DELETE', `${PODS}/${second!.metadata.name}?gracePeriodSeconds=0`);
    assert.is(forced.json.metadata.name, second!.metadata.name);
    assert.is(api.store.get(POD, NAMESPACE_NAME, second!.metadata.name), undefined);
    const pending = (await api.call('POST', PODS, { body: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'unscheduled' }, spec: { containers: [{ name: 'a', image: 'a' }] } } })).json;
    await api.call('DELETE', `${PODS}/${pending.metadata.name}`);
    assert.is(api.store.get(POD, NAMESPACE_NAME, 'unscheduled'), undefined);
    const precondition = await api.call('DELETE', `${PODS}/${first!.metadata.name}`, { body: { preconditions: { uid: 'other' } } });
    assert.is(precondition.status, 409);

    const deployment = await api.call('DELETE', `${DEPLOYMENTS}/petsearch`, { body: { propagationPolicy: 'Orphan' } });
    assert.equal(deployment.json, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details: { name: 'petsearch', group: 'apps', kind: 'deployments', uid: deployment.json.details.uid }, code: 200 });
    const orphan = api.store.list<ReplicaSet>(REPLICASET, NAMESPACE_NAME).find((rs) => rs.metadata.name.startsWith('petsearch'))!;
    assert.is(orphan.metadata.ownerReferences, undefined);
    assert.is((await api.call('DELETE', `${DEPLOYMENTS}/petsearch`)).status, 404);
  } finally {
    await api.close();
  }
});

test('server-side apply creates, then merges into, the live object', async () => {
  const api = await startSampleApi();
  try {
    const manifest = stressChaosManifest('ssa-leak');
    const noManager = await api.call('PATCH', `${CHAOS}/ssa-leak`, { contentType: 'application/apply-patch+yaml', body: manifest });
    assert.is(noManager.status, 422);
    const created = await api.call('PATCH', `${CHAOS}/ssa-leak?fieldManager=agent`, { contentType: 'application/apply-patch+yaml', body: manifest });
    assert.is(created.status, 201);
    manifest.spec.duration = '5m';
    const updated = await api.call('PATCH', `${CHAOS}/ssa-leak?fieldManager=agent&force=true`, { contentType: 'application/apply-patch+yaml', body: manifest });
    assert.equal([updated.status, updated.json.spec.duration, updated.json.metadata.generation], [200, '5m', 2]);
  } finally {
    await api.close();
  }
});

test.run();
