/**
 * The one Kubernetes adapter against the simulated API server: the summaries both parts read, writes
 * with server-side dry runs, custom objects, and how failures are retried and reported.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { profiles } from '../../infra/local/profiles.js';
import type { Deployment } from '../../infra/local/simulation/cluster/objects.js';
import { DEPLOYMENT, STRESSCHAOS } from '../../infra/local/simulation/cluster/resources.js';
import { Simulation } from '../../infra/local/simulation/simulation.js';
import { serveLocalApis } from '../../test/support/agent/local-apis.js';
import { stressChaos } from '../chaos-mesh/kinds/stress-chaos.js';
import { KubernetesClient } from './client.js';
import { isNotFound, KubernetesApiError } from './errors.js';

const START = Date.UTC(2026, 10, 25, 14, 0, 0);
const noSleep = async () => undefined;

async function world(seed: number) {
  const sim = new Simulation({ start: START, profile: profiles.fast, seed });
  sim.run(30);
  const apis = await serveLocalApis(sim);
  return { sim, apis, client: new KubernetesClient({ kubeconfig: apis.kubeconfig, sleep: noSleep, now: () => sim.now }) };
}

test('pods, nodes and deployments in the one set of summaries', async () => {
  const { sim, apis, client } = await world(21);
  try {
    const pods = await client.listPods('petadoptions', { labelSelector: 'app=petsite' });
    assert.ok(pods.length >= 1);
    const pod = pods[0]!;
    assert.is(pod.deployment, 'petsite');
    assert.is(pod.labels?.app, 'petsite');
    assert.ok(pod.node, 'scheduled on a node');
    assert.ok(pod.startedAt && Date.parse(pod.startedAt) <= sim.now, `started ${pod.startedAt}`);
    assert.ok(pod.containers[0]!.image);
    assert.ok((await client.listPods(undefined)).length > pods.length, 'all namespaces');

    const nodes = await client.listNodes();
    assert.is(nodes.length, 3);
    assert.ok(nodes.every((n) => n.ready && !n.unschedulable && n.pods === undefined && n.conditions.Ready === 'True'));
    assert.ok((await client.listNodes({ countPods: true })).every((n) => (n.pods ?? 0) > 0));

    const deployments = await client.listDeployments('petadoptions');
    const petsite = deployments.find((d) => d.name === 'petsite')!;
    assert.is(petsite.replicas, petsite.availableReplicas);
    const stored = sim.store.get<Deployment>(DEPLOYMENT, 'petadoptions', 'petsite')!;
    assert.is(petsite.revision, stored.metadata.annotations?.['deployment.kubernetes.io/revision']);
    assert.equal(petsite.selector, { app: 'petsite' });
    assert.equal(petsite.template, JSON.parse(JSON.stringify(stored.spec.template)), 'the template as the API has it');
    assert.equal(await client.getDeployment('petadoptions', 'petsite'), petsite);
    assert.is(await client.getDeployment('petadoptions', 'nope'), undefined);
  } finally {
    await apis.close();
  }
});

test('writes dry-run on the server, and apply', async () => {
  const { sim, apis, client } = await world(22);
  try {
    const dry = await client.scaleDeployment('petadoptions', 'petsearch', 4, { dryRun: true });
    assert.is((dry as { spec: { replicas: number } }).spec.replicas, 4);
    assert.is(sim.store.get<Deployment>(DEPLOYMENT, 'petadoptions', 'petsearch')!.spec.replicas, 2, 'nothing stored');
    await client.patchDeployment('petadoptions', 'petsearch', { spec: { replicas: 3 } }, { patchType: 'strategic' });
    assert.is(sim.store.get<Deployment>(DEPLOYMENT, 'petadoptions', 'petsearch')!.spec.replicas, 3);
    const node = (await client.listNodes())[0]!.name;
    await client.patchNode(node, { spec: { unschedulable: true } });
    assert.ok((await client.listNodes()).find((n) => n.name === node)!.unschedulable);
  } finally {
    await apis.close();
  }
});

test('custom objects: create, list cluster-wide, delete (quietly when already gone)', async () => {
  const { sim, apis, client } = await world(23);
  try {
    const manifest = { apiVersion: 'chaos-mesh.org/v1alpha1', kind: 'StressChaos', metadata: { name: 'leak', namespace: 'petadoptions' }, spec: { mode: 'one', selector: { labelSelectors: { app: 'petsite' } }, stressors: { memory: { workers: 1, size: '100MB' } } } };
    await client.createCustomObject(stressChaos, 'petadoptions', manifest);
    assert.ok(sim.store.get(STRESSCHAOS, 'petadoptions', 'leak'));
    const listed = await client.listCustomObjects(stressChaos);
    assert.equal(listed.map((o) => o.metadata?.name), ['leak']);
    assert.is(await client.deleteCustomObject(stressChaos, 'petadoptions', 'leak'), true);
    assert.is(await client.deleteCustomObject(stressChaos, 'petadoptions', 'leak'), false);
    const invalid = await client.createCustomObject(stressChaos, 'petadoptions', { ...manifest, spec: { mode: 'one', selector: {} } }).catch((e: unknown) => e);
    assert.instance(invalid, KubernetesApiError);
    assert.is((invalid as KubernetesApiError).status, 422);
    assert.match((invalid as KubernetesApiError).message, /^create StressChaos petadoptions\/leak: HTTP 422 from the Kubernetes API: .*spec\.stressors/);
  } finally {
    await apis.close();
  }
});

test('reads retry 500s and give up naming the operation and the attempts; writes do not retry what may have landed', async () => {
  const { apis, client } = await world(24);
  try {
    apis.setFaults(() => 'error');
    let before = apis.requests.length;
    const read = (await client.listPods('petadoptions').catch((e: unknown) => e)) as KubernetesApiError;
    assert.instance(read, KubernetesApiError);
    assert.is(read.message, 'list pods in petadoptions: HTTP 500 from the Kubernetes API: etcdserver: request timed out (gave up after 3 attempts)');
    assert.equal([read.status, read.attempts, read.retryable, read.failure.detail], [500, 3, true, 'etcdserver: request timed out']);
    assert.is(apis.requests.length - before, 3);

    before = apis.requests.length;
    const write = (await client.patchNode('x', { spec: {} }).catch((e: unknown) => e)) as KubernetesApiError;
    assert.equal([write.status, write.attempts, write.retryable], [500, 1, false]);
    assert.is(apis.requests.length - before, 1, 'a write that may have landed is not sent again');

    apis.setFaults(() => 'throttle');
    before = apis.requests.length;
    const eviction = (await client.evictPod('petadoptions', 'x').catch((e: unknown) => e)) as KubernetesApiError;
    assert.equal([eviction.status, eviction.attempts], [429, 1], 'an eviction\'s 429 is its disruption budget');
    assert.is(apis.requests.length - before, 1);

    apis.setFaults(() => undefined);
    assert.ok(isNotFound(await client.readNode('no-such-node').catch((e: unknown) => e)));
  } finally {
    await apis.close();
  }
});

test('a hanging server times out per attempt; a cancelled call stops at once', async () => {
  const { apis } = await world(25);
  try {
    apis.setFaults(() => 'hang');
    const client = new KubernetesClient({ kubeconfig: apis.kubeconfig, sleep: noSleep, retry: { maxAttempts: 2, attemptTimeoutMs: 150 } });
    const started = Date.now();
    const timeout = (await client.listNodes().catch((e: unknown) => e)) as KubernetesApiError;
    assert.is(timeout.message, 'list nodes: no answer within 150 ms (gave up after 2 attempts)');
    assert.is(timeout.failure.kind, 'timeout');
    assert.ok(Date.now() - started < 2_000);

    const controller = new AbortController();
    const pending = client.listNodes({ signal: controller.signal }).catch((e: unknown) => e);
    controller.abort();
    const cancelled = (await pending) as KubernetesApiError;
    assert.is(cancelled.message, 'list nodes: cancelled');
    assert.is(cancelled.retryable, false);
  } finally {
    await apis.close();
  }
});

test.run();
