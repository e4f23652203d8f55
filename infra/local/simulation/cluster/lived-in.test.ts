import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { ControllerRevision, DaemonSet, Deployment, KubeObject, Namespace, Pod, ReplicaSet } from './objects.js';
import { CONFIGMAP, CONTROLLERREVISION, DAEMONSET, DEPLOYMENT, ENDPOINTS, ENDPOINTSLICE, NAMESPACE, POD, REPLICASET, SERVICE, SERVICEACCOUNT } from './resources.js';
import { profiles } from '../../profiles.js';
import { Simulation } from '../simulation.js';

/**
 * The cluster looks lived-in, as a real one does to kubectl: objects the control plane keeps (endpoints,
 * default service accounts, the root CA), what admission adds to pods, a past (ages, revisions,
 * change-causes), and no leftovers of earlier states.
 */
const START = Date.UTC(2026, 10, 25, 14, 0, 0);
const DAY = 86_400_000;

function cluster(seconds = 120): Simulation {
  const sim = new Simulation({ start: START, profile: profiles.fast, seed: 11, historyEnd: START + 3 * 3_600_000 });
  sim.run(seconds);
  return sim;
}

type Loose = KubeObject & Record<string, unknown>;

test('every Service with a selector has Endpoints and an EndpointSlice of its ready pods, kept in step with readiness', () => {
  const sim = cluster();
  const endpoints = sim.store.get<Loose>(ENDPOINTS, 'petadoptions', 'petsearch')!;
  const subsets = endpoints.subsets as { addresses?: { ip: string; targetRef: { name: string } }[]; notReadyAddresses?: unknown[]; ports: { port: number }[] }[];
  const pods = sim.store.list<Pod>(POD, 'petadoptions').filter((p) => p.metadata.labels?.app === 'petsearch');
  assert.equal(subsets[0]!.addresses!.map((a) => a.targetRef.name).sort(), pods.map((p) => p.metadata.name).sort());
  assert.is(subsets[0]!.notReadyAddresses, undefined);
  assert.is(subsets[0]!.ports[0]!.port, 8080);
  const slice = sim.store.list<Loose>(ENDPOINTSLICE, 'petadoptions').find((s) => s.metadata.labels?.['kubernetes.io/service-name'] === 'petsearch')!;
  assert.match(slice.metadata.name, /^petsearch-[a-z0-9]{5}$/);
  assert.is(slice.metadata.ownerReferences?.[0]?.kind, 'Service');
  assert.ok((slice.endpoints as { conditions: { ready: boolean }; zone?: string }[]).every((e) => e.conditions.ready && e.zone?.startsWith('us-west-2')));

  // A pod that stops being ready moves to notReadyAddresses and its slice endpoint to ready: false.
  const victim = pods[0]!;
  sim.runtime.get(victim.metadata.uid!, 'petsearch')!.paused = true;
  sim.run(3);
  const after = (sim.store.get<Loose>(ENDPOINTS, 'petadoptions', 'petsearch')!.subsets as { notReadyAddresses?: { ip: string }[] }[])[0]!;
  assert.equal(after.notReadyAddresses?.map((a) => a.ip), [victim.status.podIP]);
  const sliceAfter = sim.store.get<Loose>(ENDPOINTSLICE, 'petadoptions', slice.metadata.name)!;
  assert.is((sliceAfter.endpoints as { addresses: string[]; conditions: { ready: boolean } }[]).find((e) => e.addresses[0] === victim.status.podIP)!.conditions.ready, false);
  // The API server's own endpoints and the cluster DNS are there from the start.
  assert.ok(sim.store.get(SERVICE, 'default', 'kubernetes'));
  assert.ok(sim.store.get(ENDPOINTS, 'default', 'kubernetes'));
  assert.ok(((sim.store.get<Loose>(ENDPOINTS, 'kube-system', 'kube-dns')!.subsets as { addresses: unknown[] }[])[0]!.addresses.length) === 2);
});

test('every namespace has its default ServiceAccount and kube-root-ca.crt, also one created later', () => {
  const sim = cluster(5);
  sim.store.create<Namespace>(NAMESPACE, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-a' }, status: { phase: 'Active' } });
  sim.run(2);
  for (const ns of sim.store.list<Namespace>(NAMESPACE)) {
    assert.ok(sim.store.get(SERVICEACCOUNT, ns.metadata.name, 'default'), `default SA in ${ns.metadata.name}`);
    const ca = sim.store.get<Loose>(CONFIGMAP, ns.metadata.name, 'kube-root-ca.crt')!;
    assert.match(String((ca.data as Record<string, string>)['ca.crt']), /^-----BEGIN CERTIFICATE-----/);
  }
  // Every service account a pod runs as exists (the application's carry their IAM role, IRSA).
  for (const pod of sim.store.list<Pod>(POD)) assert.ok(sim.store.get(SERVICEACCOUNT, pod.metadata.namespace, pod.spec.serviceAccountName!), `${pod.metadata.name}'s service account`);
  assert.match(sim.store.get<KubeObject>(SERVICEACCOUNT, 'petadoptions', 'petsearch-sa')!.metadata.annotations!['eks.amazonaws.com/role-arn']!, /^arn:aws:iam::\d{12}:role\//);
});

test('pods carry what admission adds: default tolerations, the projected token volume, ready conditions without stale reasons, real-looking digests', () => {
  const sim = cluster();
  const petsite = sim.store.list<Pod>(POD, 'petadoptions').find((p) => p.metadata.labels?.app === 'petsite')!;
  assert.equal(petsite.spec.tolerations, [
    { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
    { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
  ]);
  const volume = (petsite.spec.volumes as { name: string; projected?: { sources: Record<string, unknown>[] } }[])[0]!;
  assert.match(volume.name, /^kube-api-access-[a-z0-9]{5}$/);
  assert.equal(volume.projected!.sources.map((s) => Object.keys(s)[0]), ['serviceAccountToken', 'configMap', 'downwardAPI']);
  assert.equal(petsite.spec.containers[0]!.volumeMounts, [{ name: volume.name, mountPath: '/var/run/secrets/kubernetes.io/serviceaccount', readOnly: true }]);
  const ready = petsite.status.conditions!.find((c) => c.type === 'Ready')!;
  assert.equal([ready.status, ready.reason, ready.message], ['True', undefined, undefined]);
  const digests = sim.store.list<Pod>(POD).flatMap((p) => p.status.containerStatuses ?? []).map((s) => s.imageID.split('@sha256:')[1]);
  assert.ok(digests.every((d) => /^[0-9a-f]{64}$/.test(d ?? '') && !/^(.{8})\1+$/.test(d!)), 'sha256 digests without a repeating pattern');
  const awsNode = sim.store.list<Pod>(POD, 'kube-system').find((p) => p.metadata.labels?.['k8s-app'] === 'aws-node')!;
  assert.ok(awsNode.spec.tolerations!.some((t) => t.key === 'node.kubernetes.io/unschedulable' && t.effect === 'NoSchedule'));
});

test('the cluster has a past: pods born before the simulation, node agents older than applications, change-causes on revisions', () => {
  const sim = cluster();
  const age = (o: KubeObject) => sim.now - Date.parse(o.metadata.creationTimestamp!);
  const pods = sim.store.list<Pod>(POD);
  const daemon = pods.filter((p) => p.metadata.ownerReferences?.[0]?.kind === 'DaemonSet');
  const app = pods.filter((p) => p.metadata.namespace === 'petadoptions' && p.metadata.labels?.app !== 'petsite');
  assert.ok(daemon.every((p) => age(p) > 11 * DAY), 'node agents run since their node joined');
  const agentsOn = (node: string) => daemon.filter((d) => d.spec.nodeName === node).map(age);
  assert.ok(app.every((p) => age(p) > DAY && age(p) < Math.min(...agentsOn(p.spec.nodeName!))), 'application pods are younger than their node agents');
  assert.ok(new Set(app.map((p) => p.metadata.creationTimestamp)).size > 3, 'not all born at once');
  const started = app[0]!.status.containerStatuses![0]!.state.running!.startedAt!;
  assert.ok(Date.parse(started) <= Date.parse(app[0]!.status.startTime!) + 60_000 && Date.parse(started) >= Date.parse(app[0]!.metadata.creationTimestamp!));
  const revisions = sim.store.list<ReplicaSet>(REPLICASET, 'petadoptions').filter((rs) => rs.metadata.name.startsWith('petsearch-'));
  assert.ok(revisions.every((rs) => rs.metadata.annotations?.['kubernetes.io/change-cause']));
  // A release records its change-cause on the deployment; the controller copies it to the new ReplicaSet.
  sim.rollOutLatest('petsite');
  sim.run(1);
  const petsite = sim.store.get<Deployment>(DEPLOYMENT, 'petadoptions', 'petsite')!;
  const latest = sim.store.list<ReplicaSet>(REPLICASET, 'petadoptions').find((rs) => rs.metadata.name.startsWith('petsite-') && rs.metadata.annotations?.['deployment.kubernetes.io/revision'] === petsite.metadata.annotations?.['deployment.kubernetes.io/revision'])!;
  assert.match(latest.metadata.annotations!['kubernetes.io/change-cause']!, /^kubectl set image deployment\/petsite petsite=/);
  const nodePort = (sim.store.get<Loose>(SERVICE, 'petadoptions', 'petsite')!.spec as { ports: { nodePort?: number }[] }).ports[0]!.nodePort!;
  assert.ok(nodePort >= 30000 && nodePort <= 32767);
});

test('container logs read in time order with --timestamps, and a container that failed says why in its previous log', () => {
  const sim = new Simulation({ start: START, profile: profiles.fast, seed: 11, historyEnd: START + 600_000 });
  sim.logs.emitAccessLogsFrom(START);
  sim.run(120);
  const pod = sim.store.list<Pod>(POD, 'petadoptions').find((p) => p.metadata.labels?.app === 'petsite')!;
  const times = sim.logs.read('petadoptions', pod.metadata.name, { timestamps: true }).trim().split('\n').map((line) => line.slice(0, 30));
  assert.ok(times.length > 50);
  assert.equal(times, [...times].sort());
  const crashed = sim.store.list<Pod>(POD, 'amazon-cloudwatch').find((p) => (p.status.containerStatuses?.[0]?.restartCount ?? 0) > 0)!;
  assert.match(sim.logs.read('amazon-cloudwatch', crashed.metadata.name, { previous: true }), /ThrottlingException: Rate exceeded\n$/);
});

test('a DaemonSet keeps its templates as ControllerRevisions and rolls a new one out node by node', () => {
  const sim = cluster(30);
  const revisionsOf = () => sim.store.list<ControllerRevision>(CONTROLLERREVISION, 'kube-system').filter((r) => r.metadata.name.startsWith('kube-proxy-')).sort((a, b) => a.revision - b.revision);
  assert.equal(revisionsOf().map((r) => r.revision), [1]);
  const first = revisionsOf()[0]!;
  const ds = sim.store.get<DaemonSet>(DAEMONSET, 'kube-system', 'kube-proxy')!;
  assert.is(first.metadata.creationTimestamp, ds.metadata.creationTimestamp);
  assert.equal(ds.spec.updateStrategy, { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '10%', maxSurge: 0 } });
  sim.store.mutate<DaemonSet>(DAEMONSET, 'kube-system', 'kube-proxy', (d) => {
    d.spec.template.spec.containers[0]!.image = d.spec.template.spec.containers[0]!.image.replace('eksbuild.2', 'eksbuild.3');
    d.metadata.annotations = { 'kubernetes.io/change-cause': 'EKS add-on update' };
  });
  sim.run(1);
  const second = revisionsOf().at(-1)!;
  assert.equal([second.revision, second.metadata.annotations?.['kubernetes.io/change-cause']], [2, 'EKS add-on update']);
  // One node at a time (10% of 3 nodes rounds up to 1): never more than one kube-proxy unavailable.
  let worst = 0;
  for (let i = 0; i < 60; i++) {
    sim.run(1);
    const status = sim.store.get<DaemonSet>(DAEMONSET, 'kube-system', 'kube-proxy')!.status;
    worst = Math.max(worst, status.numberUnavailable ?? 0);
  }
  const done = sim.store.get<DaemonSet>(DAEMONSET, 'kube-system', 'kube-proxy')!.status;
  assert.equal([done.updatedNumberScheduled, done.numberAvailable, done.observedGeneration], [3, 3, 2]);
  assert.ok(worst <= 1, `at most one unavailable, saw ${worst}`);
  const hash = second.metadata.labels!['controller-revision-hash'];
  assert.ok(sim.store.list<Pod>(POD, 'kube-system').filter((p) => p.metadata.labels?.['k8s-app'] === 'kube-proxy' && !p.metadata.deletionTimestamp).every((p) => p.metadata.labels?.['controller-revision-hash'] === hash));
});

test.run();
