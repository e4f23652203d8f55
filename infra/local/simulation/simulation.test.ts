import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { ChaosObject, Deployment, KubeEvent, Node, Pod } from './cluster/objects.js';
import { DEPLOYMENT, EVENT, NETWORKCHAOS, NODE, POD, PODCHAOS, STRESSCHAOS } from './cluster/resources.js';
import { profiles } from '../profiles.js';
import { Simulation } from './simulation.js';
import { collectKubeState } from './exposition/collectors.js';
import { quantile } from './workload/distributions.js';

const START = Date.UTC(2026, 10, 25, 14, 0, 0);
const MiB = 2 ** 20;

function healthyCluster(): Simulation {
  const sim = new Simulation({ start: START, profile: profiles.fast, seed: 7 });
  sim.run(90);
  return sim;
}

const pods = (sim: Simulation, app: string) => sim.store.list<Pod>(POD, 'petadoptions').filter((p) => p.metadata.labels?.app === app && !p.metadata.deletionTimestamp);
const container = (sim: Simulation, pod: Pod) => sim.runtime.get(pod.metadata.uid!, pod.spec.containers[0]!.name)!;
const events = (sim: Simulation, reason: string) => sim.store.list<KubeEvent>(EVENT).filter((e) => e.reason === reason);

function chaos(sim: Simulation, key: string, object: Omit<ChaosObject, 'apiVersion' | 'metadata'> & { metadata?: { name: string } }): ChaosObject {
  return sim.store.create(key, { apiVersion: 'chaos-mesh.org/v1alpha1', metadata: { name: `${object.kind.toLowerCase()}-test`, namespace: 'petadoptions' }, ...object } as ChaosObject);
}

function p99(sim: Simulation, service: string, route: string): number {
  const samples = sim.latestTraffic!.pods.filter((p) => p.service === service).flatMap((p) => p.routes.filter((r) => r.route === route));
  return Math.max(...samples.map((r) => quantile(r.latency, 0.99)));
}

test('a new cluster settles: 3 ready nodes, every deployment available, pods spread over nodes', () => {
  const sim = healthyCluster();
  const nodes = sim.store.list<Node>(NODE);
  assert.is(nodes.length, 3);
  for (const d of sim.store.list<Deployment>(DEPLOYMENT)) {
    assert.is(d.status.availableReplicas, d.spec.replicas, `${d.metadata.name} available`);
  }
  const app = sim.store.list<Pod>(POD, 'petadoptions');
  assert.is(app.length, 10);
  assert.ok(app.every((p) => p.status.phase === 'Running' && p.status.podIP?.startsWith('192.168.')));
  const petsite = pods(sim, 'petsite');
  assert.is.not(petsite[0]!.spec.nodeName, petsite[1]!.spec.nodeName, 'replicas spread across nodes');
  assert.ok(events(sim, 'Scheduled').length >= 20);
  assert.ok(sim.latestTraffic!.entryRps > 5, 'traffic flows');
});

test('the same seed replays the same cluster', () => {
  const a = new Simulation({ start: START, profile: profiles.fast, seed: 3 });
  const b = new Simulation({ start: START, profile: profiles.fast, seed: 3 });
  a.run(30);
  b.run(30);
  assert.equal(a.store.list<Pod>(POD).map((p) => p.metadata.name), b.store.list<Pod>(POD).map((p) => p.metadata.name));
});

test('memory leak: working set grows to the limit, the container is OOMKilled and restarted, deleting the chaos stops it', () => {
  const sim = healthyCluster();
  const target = pods(sim, 'petlistadoptions')[0]!;
  const before = container(sim, target).usage.memoryWorkingSetBytes;
  chaos(sim, STRESSCHAOS, {
    kind: 'StressChaos',
    spec: { mode: 'one', selector: { namespaces: ['petadoptions'], pods: { petadoptions: [target.metadata.name] } }, stressors: { memory: { workers: 1, size: '512MB', time: '40s' } } },
  } as never);
  sim.run(8);
  const growing = container(sim, target).usage.memoryWorkingSetBytes;
  assert.ok(growing > before + 60 * MiB, `working set grew (${(before / MiB).toFixed(0)} -> ${(growing / MiB).toFixed(0)} MiB)`);
  sim.run(10);
  const pod = sim.store.get<Pod>(POD, 'petadoptions', target.metadata.name)!;
  const status = pod.status.containerStatuses![0]!;
  assert.is(status.lastState.terminated?.reason, 'OOMKilled');
  assert.is(status.lastState.terminated?.exitCode, 137);
  assert.ok(status.restartCount >= 1);
  assert.ok(events(sim, 'OOMKilling').some((e) => e.message.includes('Memory cgroup out of memory')));
  assert.match(sim.logs.read('petadoptions', target.metadata.name, { previous: true }), /memory|heap/i);
  const ksm = collectKubeState(sim).find((f) => f.name === 'kube_pod_container_status_last_terminated_reason')!;
  assert.ok(ksm.samples.some((s) => s.labels.pod === target.metadata.name && s.labels.reason === 'OOMKilled'));
  // The leak persists in this pod: it loops into CrashLoopBackOff.
  sim.run(150);
  const looping = sim.store.get<Pod>(POD, 'petadoptions', target.metadata.name)!.status.containerStatuses![0]!;
  assert.ok(looping.restartCount >= 3, `restarts ${looping.restartCount}`);
  assert.ok(events(sim, 'BackOff').some((e) => e.involvedObject.name === target.metadata.name));
  sim.store.delete(STRESSCHAOS, 'petadoptions', 'stresschaos-test');
  sim.run(60);
  const after = container(sim, sim.store.get<Pod>(POD, 'petadoptions', target.metadata.name)!);
  sim.run(60);
  assert.ok(after.usage.memoryWorkingSetBytes < 150 * MiB, `memory back to baseline (${(after.usage.memoryWorkingSetBytes / MiB).toFixed(0)} MiB)`);
});

test('deleting the leaking pod replaces it with a healthy one (restart remediation)', () => {
  const sim = healthyCluster();
  const target = pods(sim, 'petlistadoptions')[0]!;
  chaos(sim, STRESSCHAOS, { kind: 'StressChaos', spec: { mode: 'all', selector: { labelSelectors: { app: 'petlistadoptions' } }, stressors: { memory: { size: '512MB', time: '60s' } } } } as never);
  sim.run(30);
  sim.store.mutate<Pod>(POD, 'petadoptions', target.metadata.name, (p) => {
    p.metadata.deletionTimestamp = new Date(sim.now).toISOString();
    p.metadata.deletionGracePeriodSeconds = 30;
  });
  sim.run(30);
  assert.not.ok(sim.store.get(POD, 'petadoptions', target.metadata.name), 'old pod gone');
  const replacement = pods(sim, 'petlistadoptions').find((p) => p.metadata.name !== target.metadata.name && container(sim, p)?.memoryStress === undefined);
  assert.ok(replacement, 'a fresh replica without the injected leak');
  assert.ok(events(sim, 'Killing').some((e) => e.involvedObject.name === target.metadata.name));
});

test('CPU stress: throttling rises and latency rises for the service and its caller', () => {
  const sim = healthyCluster();
  const baseline = p99(sim, 'petsite', '/Adoption/TakeMeHome');
  const baseOwn = p99(sim, 'payforadoption', '/api/completeadoption');
  chaos(sim, STRESSCHAOS, { kind: 'StressChaos', spec: { mode: 'all', selector: { labelSelectors: { app: 'payforadoption' } }, stressors: { cpu: { workers: 2, load: 80 } } } } as never);
  sim.run(30);
  const rt = container(sim, pods(sim, 'payforadoption')[0]!);
  assert.ok(rt.usage.throttledFraction > 0.5, `throttled ${rt.usage.throttledFraction}`);
  assert.ok(rt.counters.cfsThrottledPeriodsTotal > 100);
  const stressed = p99(sim, 'petsite', '/Adoption/TakeMeHome');
  assert.ok(stressed > baseline * 3, `petsite p99 ${baseline.toFixed(3)}s -> ${stressed.toFixed(3)}s`);
  assert.ok(p99(sim, 'payforadoption', '/api/completeadoption') > baseOwn * 3);
  // Scaling out adds unstressed replicas and spreads the load: the caller's latency improves.
  sim.store.mutate<Deployment>(DEPLOYMENT, 'petadoptions', 'payforadoption', (d) => {
    d.spec.replicas = 4;
  });
  sim.run(30);
  assert.is(pods(sim, 'payforadoption').length, 4);
});

test('raising the CPU limit rolls out new pods and stops the throttling', () => {
  const sim = healthyCluster();
  chaos(sim, STRESSCHAOS, { kind: 'StressChaos', spec: { mode: 'all', selector: { labelSelectors: { app: 'payforadoption' } }, stressors: { cpu: { workers: 1, load: 30 } } } } as never);
  sim.run(20);
  assert.ok(container(sim, pods(sim, 'payforadoption')[0]!).usage.throttledFraction > 0.3);
  sim.store.mutate<Deployment>(DEPLOYMENT, 'petadoptions', 'payforadoption', (d) => {
    d.spec.template.spec.containers[0]!.resources!.limits!.cpu = '1';
  });
  sim.run(60);
  const fresh = pods(sim, 'payforadoption');
  assert.ok(fresh.every((p) => p.spec.containers[0]!.resources!.limits!.cpu === '1'));
  assert.ok(fresh.every((p) => container(sim, p).usage.throttledFraction < 0.05));
});

test('node memory pressure: a hog on one node sets MemoryPressure, taints it, evicts pods that reschedule elsewhere', () => {
  const sim = healthyCluster();
  const node = sim.store.list<Node>(NODE)[0]!.metadata.name;
  const victims = sim.store.list<Pod>(POD, 'petadoptions').filter((p) => p.spec.nodeName === node).map((p) => p.metadata.name);
  assert.ok(victims.length > 0);
  chaos(sim, STRESSCHAOS, {
    kind: 'StressChaos',
    spec: { mode: 'one', selector: { namespaces: ['kube-system'], labelSelectors: { 'k8s-app': 'kube-proxy' }, nodes: [node] }, stressors: { memory: { size: '100%', time: '20s' } } },
  } as never);
  sim.run(40);
  const pressured = sim.store.get<Node>(NODE, undefined, node)!;
  assert.is(pressured.status.conditions.find((c) => c.type === 'MemoryPressure')?.status, 'True');
  assert.ok(pressured.spec.taints?.some((t) => t.key === 'node.kubernetes.io/memory-pressure'));
  assert.ok(events(sim, 'Evicted').length >= 1);
  assert.ok(events(sim, 'NodeHasInsufficientMemory').length >= 1);
  const evicted = sim.store.list<Pod>(POD, 'petadoptions').filter((p) => p.status.reason === 'Evicted');
  assert.ok(evicted.length >= 1);
  assert.ok(evicted.every((p) => p.spec.nodeName === node));
  const newPods = sim.store.list<Pod>(POD, 'petadoptions').filter((p) => p.status.phase !== 'Failed' && !victims.includes(p.metadata.name) && p.spec.nodeName);
  assert.ok(newPods.every((p) => p.spec.nodeName !== node), 'replacements avoid the tainted node');
  // The hog goes away; after the transition period the condition clears.
  sim.store.delete(STRESSCHAOS, 'petadoptions', 'stresschaos-test');
  sim.run(40);
  assert.is(sim.store.get<Node>(NODE, undefined, node)!.status.conditions.find((c) => c.type === 'MemoryPressure')?.status, 'False');
});

test('cordon and drain move pods off a node', () => {
  const sim = healthyCluster();
  const node = sim.store.list<Node>(NODE)[1]!.metadata.name;
  sim.store.mutate<Node>(NODE, undefined, node, (n) => {
    n.spec.unschedulable = true;
  });
  for (const pod of sim.store.list<Pod>(POD, 'petadoptions').filter((p) => p.spec.nodeName === node)) {
    sim.store.mutate<Pod>(POD, 'petadoptions', pod.metadata.name, (p) => {
      p.metadata.deletionTimestamp = new Date(sim.now).toISOString();
    });
  }
  sim.run(40);
  assert.ok(sim.store.get<Node>(NODE, undefined, node)!.spec.taints?.some((t) => t.key === 'node.kubernetes.io/unschedulable'));
  assert.is(sim.store.list<Pod>(POD, 'petadoptions').filter((p) => p.spec.nodeName === node).length, 0);
  assert.ok(events(sim, 'NodeNotSchedulable').length === 1);
  for (const d of sim.store.list<Deployment>(DEPLOYMENT, 'petadoptions')) assert.is(d.status.availableReplicas, d.spec.replicas, d.metadata.name);
});

test('bad configuration in a rollout crash-loops the new pods; rolling back restores the previous ReplicaSet', () => {
  const sim = healthyCluster();
  const oldPods = pods(sim, 'petsearch').map((p) => p.metadata.name);
  const previousTemplate = structuredClone(sim.store.get<Deployment>(DEPLOYMENT, 'petadoptions', 'petsearch')!.spec.template);
  sim.store.mutate<Deployment>(DEPLOYMENT, 'petadoptions', 'petsearch', (d) => {
    d.spec.template.spec.containers[0]!.env = d.spec.template.spec.containers[0]!.env!.filter((e) => e.name !== 'PETS_TABLE_NAME');
  });
  sim.run(60);
  const crashing = pods(sim, 'petsearch').filter((p) => !oldPods.includes(p.metadata.name));
  assert.is(crashing.length, 1, 'rollout stalls at one new pod (maxUnavailable keeps the old ones)');
  const status = crashing[0]!.status.containerStatuses![0]!;
  assert.ok(status.restartCount >= 2, `restarts ${status.restartCount}`);
  assert.is(status.lastState.terminated?.exitCode, 1);
  assert.ok(['CrashLoopBackOff', undefined].includes(status.state.waiting?.reason));
  assert.match(sim.logs.read('petadoptions', crashing[0]!.metadata.name, { previous: true }), /PETS_TABLE_NAME is not set/);
  assert.ok(oldPods.every((name) => sim.store.get(POD, 'petadoptions', name)), 'old replicas keep serving');
  sim.store.mutate<Deployment>(DEPLOYMENT, 'petadoptions', 'petsearch', (d) => {
    d.spec.template = previousTemplate;
  });
  sim.run(30);
  assert.equal(pods(sim, 'petsearch').map((p) => p.metadata.name).sort(), [...oldPods].sort());
  assert.ok(events(sim, 'DeploymentRollback').length === 1);
});

test('an image tag that does not exist ends in ImagePullBackOff', () => {
  const sim = healthyCluster();
  sim.store.mutate<Deployment>(DEPLOYMENT, 'petadoptions', 'pethistory', (d) => {
    d.spec.template.spec.containers[0]!.image = '123456789012.dkr.ecr.us-west-2.amazonaws.com/pethistory:9.9.9';
  });
  sim.run(40);
  const bad = pods(sim, 'pethistory').find((p) => p.spec.containers[0]!.image.endsWith(':9.9.9'))!;
  assert.is(bad.status.containerStatuses![0]!.state.waiting?.reason, 'ImagePullBackOff');
  assert.ok(events(sim, 'Failed').some((e) => e.message.includes('9.9.9') && e.message.includes('not found')));
});

test('PodChaos pod-kill removes the pod at once and the ReplicaSet replaces it', () => {
  const sim = healthyCluster();
  const target = pods(sim, 'petsite')[0]!.metadata.name;
  chaos(sim, PODCHAOS, { kind: 'PodChaos', spec: { action: 'pod-kill', mode: 'one', selector: { pods: { petadoptions: [target] } } } } as never);
  sim.run(20);
  assert.not.ok(sim.store.get(POD, 'petadoptions', target));
  assert.is(pods(sim, 'petsite').length, 2);
  const status = sim.store.get<ChaosObject>(PODCHAOS, 'petadoptions', 'podchaos-test')!.status!;
  assert.is(status.experiment?.containerRecords?.[0]?.id, `petadoptions/${target}`);
});

test('NetworkChaos delay on petsearch slows petsite, while petsearch itself serves as fast as before', () => {
  const sim = healthyCluster();
  const before = p99(sim, 'petsite', '/Search');
  const ownBefore = p99(sim, 'petsearch', '/api/search');
  chaos(sim, NETWORKCHAOS, { kind: 'NetworkChaos', spec: { action: 'delay', mode: 'all', selector: { labelSelectors: { app: 'petsearch' } }, delay: { latency: '400ms', jitter: '50ms' }, duration: '30s' } } as never);
  sim.run(10);
  assert.ok(p99(sim, 'petsite', '/Search') > before + 0.3, `petsite p99 ${before.toFixed(3)} -> ${p99(sim, 'petsite', '/Search').toFixed(3)}`);
  assert.ok(p99(sim, 'petsearch', '/api/search') < ownBefore * 1.5);
  // `duration` ends the fault on its own and the status says so.
  sim.run(30);
  assert.ok(p99(sim, 'petsite', '/Search') < before * 1.5);
  const status = sim.store.get<ChaosObject>(NETWORKCHAOS, 'petadoptions', 'networkchaos-test')!.status!;
  assert.is(status.experiment?.desiredPhase, 'Stop');
  assert.ok(status.conditions?.some((c) => c.type === 'AllRecovered' && c.status === 'True'));
});

test('a network partition of petlistadoptions makes petsite time out on that route', () => {
  const sim = healthyCluster();
  chaos(sim, NETWORKCHAOS, { kind: 'NetworkChaos', spec: { action: 'partition', mode: 'all', selector: { labelSelectors: { app: 'petlistadoptions' } }, direction: 'both' } } as never);
  sim.run(10);
  const routes = sim.latestTraffic!.pods.filter((p) => p.service === 'petsite').flatMap((p) => p.routes.filter((r) => r.route === '/PetListAdoptions'));
  const requests = routes.reduce((s, r) => s + r.requests, 0);
  const timeouts = routes.reduce((s, r) => s + (r.codes['504'] ?? 0), 0);
  assert.ok(requests > 0 && timeouts / requests > 0.9, `${timeouts}/${requests} timed out`);
});

test('history: the seeded recent rollout leaves revision history behind, and an agent crashed once', () => {
  const sim = new Simulation({ start: START, profile: profiles.fast, seed: 11, historyEnd: START + 2 * 3_600_000 + 60_000 });
  sim.run(150);
  const restarted = sim.store.list<Pod>(POD, 'amazon-cloudwatch').filter((p) => p.status.containerStatuses?.[0]?.restartCount === 1);
  assert.is(restarted.length, 1, 'one fluent-bit restarted');
  assert.is(restarted[0]!.status.containerStatuses![0]!.lastState.terminated?.reason, 'Error');
  const petsite = sim.store.get<Deployment>(DEPLOYMENT, 'petadoptions', 'petsite')!;
  assert.is(petsite.metadata.annotations?.['deployment.kubernetes.io/revision'], '3');
  assert.ok(pods(sim, 'petsite').every((p) => p.spec.containers[0]!.image.endsWith(':v1.5.0')));
  assert.ok(events(sim, 'ScalingReplicaSet').some((e) => e.message.includes('Scaled down')));
});

test.run();
