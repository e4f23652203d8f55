import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { ChaosObject, Deployment } from '../../infra/local/simulation/cluster/objects.js';
import { DEPLOYMENT, STRESSCHAOS } from '../../infra/local/simulation/cluster/resources.js';
import { profiles } from '../../infra/local/profiles.js';
import { Simulation } from '../../infra/local/simulation/simulation.js';
import { EvidenceUnavailable } from '../ports.js';
import { serveLocalApis } from '../../test/support/agent/local-apis.js';
import { KubernetesClusterWriter } from './cluster-writer.js';
import { involvedObjectSelector, KubernetesApiEvidence } from './kubernetes.js';

const START = Date.UTC(2026, 10, 25, 14, 0, 0);
const noSleep = async () => undefined;

function leakingCluster(): Simulation {
  const sim = new Simulation({ start: START, profile: profiles.fast, seed: 11 });
  sim.run(90);
  sim.store.create(STRESSCHAOS, {
    apiVersion: 'chaos-mesh.org/v1alpha1',
    kind: 'StressChaos',
    metadata: { name: 'leak', namespace: 'petadoptions' },
    spec: { mode: 'one', selector: { labelSelectors: { app: 'pethistory' } }, stressors: { memory: { workers: 1, size: '600MB', time: '20s' } } },
  } as unknown as ChaosObject);
  sim.run(60);
  return sim;
}

test('reads pods, OOM kills, events, previous logs and nodes from the local Kubernetes API', async () => {
  const sim = leakingCluster();
  const apis = await serveLocalApis(sim);
  try {
    const k8s = new KubernetesApiEvidence({ kubeconfig: apis.kubeconfig, now: () => sim.now, sleep: noSleep });
    const pods = await k8s.pods('petadoptions', { labelSelector: 'app=pethistory' });
    assert.is(pods.length, 1);
    const pod = pods[0]!;
    assert.is(pod.deployment, 'pethistory');
    assert.ok(pod.restarts >= 1, `restarts ${pod.restarts}`);
    assert.is(pod.lastTermination?.reason, 'OOMKilled');
    assert.is(pod.lastTermination?.exitCode, 137);
    assert.ok(pod.containers[0]!.limits.memory, 'limits read');

    const events = await k8s.events('petadoptions', { involvedObject: `Pod/${pod.name}` });
    assert.ok(events.every((e) => e.object.name === pod.name));
    assert.ok(events.some((e) => e.reason === 'Started'));
    const nodeEvents = await k8s.events(undefined, { involvedObject: `Node/${pod.node}`, sinceSeconds: 120 });
    assert.ok(nodeEvents.some((e) => e.reason === 'OOMKilling'), 'kernel OOM events on the node');

    const previous = await k8s.logs('petadoptions', pod.name, { previous: true, tailLines: 50 });
    assert.match(previous, /memory|heap|SIGKILL/i);

    const nodes = await k8s.nodes();
    assert.is(nodes.length, 3);
    assert.ok(nodes.every((n) => n.ready && n.conditions.MemoryPressure === 'False'));
    assert.ok(nodes.reduce((s, n) => s + (n.pods ?? 0), 0) >= 10);

    const deployment = await k8s.deployment('petadoptions', 'pethistory');
    assert.is(deployment?.replicas, 1);
    assert.equal(deployment?.selector, { app: 'pethistory' });
    assert.is(await k8s.deployment('petadoptions', 'nope'), undefined);
  } finally {
    await apis.close();
  }
});

test('rollouts list revisions with what changed between them', async () => {
  const sim = new Simulation({ start: START, profile: profiles.fast, seed: 12 });
  sim.run(30);
  sim.store.mutate<Deployment>(DEPLOYMENT, 'petadoptions', 'petsearch', (d) => {
    const c = d.spec.template.spec.containers[0]!;
    c.resources = { ...c.resources, limits: { ...c.resources?.limits, cpu: '50m' } };
    c.env = [...(c.env ?? []), { name: 'FEATURE_FLAG', value: 'on' }];
    d.metadata.annotations = { ...d.metadata.annotations, 'kubernetes.io/change-cause': 'tune search' };
  });
  sim.run(30);
  const apis = await serveLocalApis(sim);
  try {
    const k8s = new KubernetesApiEvidence({ kubeconfig: apis.kubeconfig, now: () => sim.now });
    const history = await k8s.rollouts('petadoptions', 'petsearch');
    assert.ok(history.length >= 2, `revisions ${history.length}`);
    const latest = history[history.length - 1]!;
    assert.is(latest.revision, history[history.length - 2]!.revision + 1);
    assert.ok(latest.changes.some((c) => /^limits\.cpu petsearch: .* -> 50m$/.test(c)), latest.changes.join('; '));
    assert.ok(latest.changes.includes('env FEATURE_FLAG added (petsearch)'), latest.changes.join('; '));
    assert.is(latest.changeCause, 'tune search');
  } finally {
    await apis.close();
  }
});

test('500s and hanging requests become EvidenceUnavailable after retries, with the reason', async () => {
  const sim = new Simulation({ start: START, profile: profiles.fast, seed: 13 });
  sim.run(20);
  const apis = await serveLocalApis(sim);
  try {
    apis.setFaults(() => 'error');
    const k8s = new KubernetesApiEvidence({ kubeconfig: apis.kubeconfig, sleep: noSleep, retry: { maxAttempts: 3 } });
    const before = apis.requests.length;
    const error = await k8s.pods('petadoptions').catch((e: unknown) => e);
    assert.instance(error, EvidenceUnavailable);
    assert.is((error as EvidenceUnavailable).source, 'kubernetes');
    assert.match((error as EvidenceUnavailable).reason, /HTTP 500 .*etcdserver: request timed out.*3 attempts/);
    assert.is(apis.requests.length - before, 3, 'retried');

    apis.setFaults(() => 'hang');
    const slow = new KubernetesApiEvidence({ kubeconfig: apis.kubeconfig, sleep: noSleep, retry: { maxAttempts: 2, attemptTimeoutMs: 150 } });
    const started = Date.now();
    const timeout = await slow.nodes().catch((e: unknown) => e);
    assert.instance(timeout, EvidenceUnavailable);
    assert.match((timeout as EvidenceUnavailable).reason, /no answer within 150 ms/);
    assert.ok(Date.now() - started < 2000);

    // Fails once then recovers: the retry hides it.
    let calls = 0;
    apis.setFaults(() => (calls++ === 0 ? 'error' : undefined));
    const pods = await k8s.pods('petadoptions');
    assert.ok(pods.length >= 10);
  } finally {
    await apis.close();
  }
});

test('the writer dry-runs on the server (nothing changes) and then applies', async () => {
  const sim = new Simulation({ start: START, profile: profiles.fast, seed: 14 });
  sim.run(30);
  const apis = await serveLocalApis(sim);
  try {
    const writer = new KubernetesClusterWriter({ kubeconfig: apis.kubeconfig, sleep: noSleep });
    const dry = (await writer.scaleDeployment('petadoptions', 'petsearch', 4, { dryRun: true })) as { spec: { replicas: number } };
    assert.is(dry.spec.replicas, 4);
    assert.is(sim.store.get<Deployment>(DEPLOYMENT, 'petadoptions', 'petsearch')!.spec.replicas, 2, 'dry run stored nothing');
    const patched = (await writer.patchDeployment('petadoptions', 'petsearch', { spec: { template: { metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': '2026-11-25T14:01:00Z' } } } } }, { dryRun: false, patchType: 'strategic' })) as Deployment;
    assert.is(patched.spec.template.metadata?.annotations?.['kubectl.kubernetes.io/restartedAt'], '2026-11-25T14:01:00Z');
    const json = (await writer.patchDeployment('petadoptions', 'petsearch', [{ op: 'replace', path: '/spec/replicas', value: 3 }], { dryRun: true, patchType: 'json' })) as Deployment;
    assert.is(json.spec.replicas, 3);
    const pdbs = await writer.listPodDisruptionBudgets('petadoptions');
    assert.is(pdbs.length, 2);
    const cordoned = (await writer.patchNode(sim.store.list('/nodes')[0]!.metadata.name, { spec: { unschedulable: true } }, { dryRun: true })) as { spec: { unschedulable?: boolean } };
    assert.is(cordoned.spec.unschedulable, true);
  } finally {
    await apis.close();
  }
});

test('involved objects become field selectors', () => {
  assert.is(involvedObjectSelector('Pod/petsite-1'), 'involvedObject.kind=Pod,involvedObject.name=petsite-1');
  assert.is(involvedObjectSelector('petsite-1'), 'involvedObject.name=petsite-1');
  assert.is(involvedObjectSelector(undefined), undefined);
});

test.run();
