import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { Deployment, Node, Pod } from '../cluster/objects.js';
import { DEPLOYMENT, NODE, POD, STRESSCHAOS } from '../cluster/resources.js';
import { renderKubeconfig } from '../../../../lib/kubernetes/kubeconfig.js';
import type { SampleApi } from '../../../../test/support/simulation/sample-cluster.js';
import { NAMESPACE_NAME, NODE_NAMES, startSampleApi, stressChaosManifest } from '../../../../test/support/simulation/sample-cluster.js';

/** @kubernetes/client-node 1.4 (what the agent uses) against the API, authenticated with the kubeconfig's token. */
interface Context {
  api: SampleApi;
  dir: string;
  kc: k8s.KubeConfig;
}

const TOKEN = 'local-cluster-token';
const client = suite<Context>('client-node');

client.before(async (context) => {
  context.api = await startSampleApi({ token: TOKEN });
  context.dir = mkdtempSync(join(tmpdir(), 'kube-api-client-'));
  const file = join(context.dir, 'kubeconfig');
  writeFileSync(file, renderKubeconfig({ server: context.api.url, token: TOKEN, clusterName: 'petadoptions-local', namespace: NAMESPACE_NAME }));
  context.kc = new k8s.KubeConfig();
  context.kc.loadFromFile(file);
});

client.after(async (context) => {
  await context.api.close();
  rmSync(context.dir, { recursive: true, force: true });
});

client('the kubeconfig names the cluster like aws eks update-kubeconfig', ({ kc }) => {
  assert.is(kc.getCurrentContext(), 'arn:aws:eks:us-west-2:123456789012:cluster/petadoptions-local');
  assert.is(kc.getContextObject(kc.getCurrentContext())!.namespace, NAMESPACE_NAME);
  assert.is(kc.getCurrentUser()!.token, TOKEN);
});

client('CoreV1Api lists and deletes pods, reads logs, patches a node; errors carry Status bodies', async ({ kc, api }) => {
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const pods = await core.listNamespacedPod({ namespace: NAMESPACE_NAME, labelSelector: 'app=petsite' });
  assert.is(pods.items.length, 2);
  assert.ok(pods.items[0]!.metadata!.creationTimestamp instanceof Date);
  const name = pods.items[0]!.metadata!.name!;
  const log = await core.readNamespacedPodLog({ name, namespace: NAMESPACE_NAME, container: 'petsite', tailLines: 1 });
  assert.is(log, '{"level":"info","msg":"GET /health 200","request":3,"container":"petsite"}\n');
  const deleted = await core.deleteNamespacedPod({ name, namespace: NAMESPACE_NAME });
  assert.ok(deleted.metadata!.deletionTimestamp instanceof Date);
  assert.is(api.store.get<Pod>(POD, NAMESPACE_NAME, name)!.metadata.deletionGracePeriodSeconds, 30);
  const node = await core.patchNode({ name: NODE_NAMES[1]!, body: { spec: { unschedulable: true } } }, k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.StrategicMergePatch));
  assert.is(node.spec!.unschedulable, true);
  assert.is(api.store.get<Node>(NODE, undefined, NODE_NAMES[1]!)!.spec.unschedulable, true);
  try {
    await core.readNamespacedPod({ name: 'ghost', namespace: NAMESPACE_NAME });
    assert.unreachable('a missing pod must be a 404');
  } catch (error) {
    const apiError = error as k8s.ApiException<string>;
    assert.is(apiError.code, 404);
    assert.is(JSON.parse(apiError.body).message, 'pods "ghost" not found');
  }
});

client('AppsV1Api scales through the scale subresource with a merge patch', async ({ kc, api }) => {
  const apps = kc.makeApiClient(k8s.AppsV1Api);
  const scale = await apps.patchNamespacedDeploymentScale({ name: 'petsearch', namespace: NAMESPACE_NAME, body: { spec: { replicas: 4 } } }, k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch));
  assert.equal([scale.spec!.replicas, scale.status!.selector], [4, 'app=petsearch']);
  assert.is(api.store.get<Deployment>(DEPLOYMENT, NAMESPACE_NAME, 'petsearch')!.spec.replicas, 4);
  const dryRun = await apps.patchNamespacedDeployment(
    { name: 'petsearch', namespace: NAMESPACE_NAME, body: { spec: { replicas: 1 } }, dryRun: 'All', fieldManager: 'devops-agent' },
    k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
  );
  assert.is(dryRun.spec!.replicas, 1);
  assert.is(api.store.get<Deployment>(DEPLOYMENT, NAMESPACE_NAME, 'petsearch')!.spec.replicas, 4);
});

client('CustomObjectsApi creates and deletes a StressChaos', async ({ kc, api }) => {
  const custom = kc.makeApiClient(k8s.CustomObjectsApi);
  const target = { group: 'chaos-mesh.org', version: 'v1alpha1', namespace: NAMESPACE_NAME, plural: 'stresschaos' };
  const created = await custom.createNamespacedCustomObject({ ...target, body: stressChaosManifest('client-leak') });
  assert.is(created.metadata.name, 'client-leak');
  assert.ok(api.store.get(STRESSCHAOS, NAMESPACE_NAME, 'client-leak'));
  const listed = await custom.listNamespacedCustomObject(target);
  assert.equal(listed.items.map((i: { metadata: { name: string } }) => i.metadata.name), ['client-leak']);
  await custom.deleteNamespacedCustomObject({ ...target, name: 'client-leak' });
  assert.is(api.store.get(STRESSCHAOS, NAMESPACE_NAME, 'client-leak'), undefined);
});

client('Watch streams changes and an informer lists then watches', async ({ kc, api }) => {
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const list = await core.listNamespacedPod({ namespace: NAMESPACE_NAME });
  const seen: string[] = [];
  let controller: AbortController | undefined;
  const done = new Promise<unknown>((resolve) => {
    void new k8s.Watch(kc)
      .watch(`/api/v1/namespaces/${NAMESPACE_NAME}/pods`, { resourceVersion: list.metadata!.resourceVersion, labelSelector: 'app=petsearch' }, (type, object: Pod) => {
        seen.push(`${type} ${object.metadata.name}`);
        if (seen.length === 1) controller!.abort();
      }, resolve)
      .then((c) => {
        controller = c;
        const pod = api.store.list<Pod>(POD, NAMESPACE_NAME).find((p) => p.metadata.labels?.app === 'petsearch')!;
        api.store.mutate<Pod>(POD, NAMESPACE_NAME, pod.metadata.name, (p) => (p.metadata.labels = { ...p.metadata.labels, tier: 'search' }));
      });
  });
  await done;
  assert.is(seen.length, 1);
  assert.match(seen[0]!, /^MODIFIED petsearch-/);

  const informer = k8s.makeInformer(kc, `/api/v1/namespaces/${NAMESPACE_NAME}/pods`, () => core.listNamespacedPod({ namespace: NAMESPACE_NAME }));
  const added: string[] = [];
  const deleted = new Promise<string>((resolve) => informer.on('delete', (pod) => resolve(pod.metadata!.name!)));
  informer.on('add', (pod) => {
    added.push(pod.metadata!.name!);
    if (added.length === 5) setImmediate(() => api.store.delete(POD, NAMESPACE_NAME, pod.metadata!.name!));
  });
  await informer.start();
  const gone = await deleted;
  await informer.stop();
  assert.is(added.length, 5);
  assert.is(gone, added[4]);
});

client.run();
