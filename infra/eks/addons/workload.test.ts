import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { workloadManifests } from '../../../workload/manifests.js';
import { workloadRoles } from '../lib/kit-sources.js';
import { readCommandLines } from '../test/command-lines.js';
import { defaultKit, objectsOfKind } from '../test/kit.js';
import { PetAdoptionWorkloadAddOn } from './workload.js';
import { xrayCollector, xrayDaemonAddress } from './xray-collector.js';

type Container = { image: string; command: string[]; ports: { name: string; containerPort: number }[]; resources: unknown; securityContext: Record<string, unknown>; env: { name: string; value?: string }[] };
type Deployment = { metadata: { name: string; namespace: string }; spec: { replicas: number; template: { metadata: { annotations: Record<string, string> }; spec: { automountServiceAccountToken?: boolean; securityContext: Record<string, unknown>; containers: Container[] } } } };
type Service = { metadata: { name: string; namespace: string }; spec: { type: string; ports: { port: number; targetPort: string; protocol: string }[] } };

/** aws-cdk-lib labels what it applies for pruning (`aws.cdk.eks/prune-<id>`): the only label the add-on does not take from the workload. */
function withoutPruneLabel(object: Record<string, unknown>): Record<string, unknown> {
  const metadata = object.metadata as { labels?: Record<string, string> };
  const labels = Object.fromEntries(Object.entries(metadata.labels ?? {}).filter(([key]) => !key.startsWith('aws.cdk.eks/prune-')));
  return { ...object, metadata: { ...metadata, labels } };
}

const inNamespace = <T extends { metadata: { namespace?: string } }>(objects: T[]) => objects.filter((o) => o.metadata.namespace === 'petadoptions');

test("six roles, each a Deployment and a ClusterIP Service in petadoptions, with the simulation's envelope", async () => {
  const { template } = await defaultKit();
  const deployments = inNamespace(objectsOfKind<Deployment>(template, 'Deployment'));
  const services = inNamespace(objectsOfKind<Service>(template, 'Service'));
  for (const role of workloadRoles()) {
    const deployment = deployments.find((d) => d.metadata.name === role.name);
    assert.ok(deployment, `Deployment ${role.name}`);
    const container = deployment!.spec.template.spec.containers[0]!;
    assert.is(deployment!.spec.replicas, role.replicas);
    assert.equal(container.resources, { requests: role.requests, limits: role.limits });
    assert.equal(deployment!.spec.template.metadata.annotations['prometheus.io/scrape'], 'true');
    const service = services.find((s) => s.metadata.name === role.name)!;
    assert.is(service.spec.type, 'ClusterIP');
  }
  assert.is(deployments.length, 6);
});

test("the objects are the workload's own (workload/manifests.ts), with the stack's image, collector and cluster filled in", async () => {
  const { template } = await defaultKit();
  const applied = objectsOfKind<Record<string, unknown>>(template, 'Deployment').concat(objectsOfKind(template, 'Service'), objectsOfKind(template, 'Namespace'));
  const image = inNamespace(objectsOfKind<Deployment>(template, 'Deployment'))[0]!.spec.template.spec.containers[0]!.image;
  const cluster = inNamespace(objectsOfKind<Deployment>(template, 'Deployment'))[0]!.spec.template.spec.containers[0]!.env.find((e) => e.name === 'CLUSTER_NAME')!.value!;
  assert.match(cluster, /«Ref:/, "the cluster's name, from the cluster");
  for (const expected of workloadManifests({ image, xrayDaemonAddress, clusterName: cluster, trafficScale: 0.25 })) {
    const actual = applied.find((o) => o.kind === expected.kind && (o.metadata as { name: string }).name === expected.metadata.name && (o.metadata as { namespace?: string }).namespace === expected.metadata.namespace);
    assert.ok(actual, `${expected.kind} ${expected.metadata.name}`);
    if (expected.kind === 'Namespace') {
      // The kit adds its Pod Security labels (FIS's ephemeral containers need `privileged`).
      assert.equal({ ...(actual!.metadata as { labels: object }).labels, ...expected.metadata.labels }, (actual!.metadata as { labels: object }).labels);
      assert.is((actual!.metadata as { labels: Record<string, string> }).labels['pod-security.kubernetes.io/enforce'], 'privileged');
    } else {
      assert.equal(withoutPruneLabel(actual!), JSON.parse(JSON.stringify(expected)), `${expected.kind} ${expected.metadata.name}`);
    }
  }
});

test("each container's command and environment are what the workload's command line accepts, for its own role", async () => {
  const { template } = await defaultKit();
  const workload = readCommandLines(template).filter(({ container }) => container.deployment.startsWith('petadoptions/'));
  assert.is(workload.length, 6);
  for (const { container, reading } of workload) {
    const role = container.deployment.split('/')[1]!;
    assert.equal(reading.problems, [], `${container.deployment}: ${container.program} ${container.argv.join(' ')}`);
    assert.is(container.program, 'dist/workload/main.js', 'the compiled workload/main.ts in the image');
    assert.is(reading.command, undefined, 'the service itself, not `manifests`');
    assert.is(reading.values['--role'], role);
    assert.equal(reading.values['--xray-daemon-address'], { host: `${xrayCollector.service}.${xrayCollector.namespace}.svc.cluster.local`, port: xrayCollector.udpPort });
  }
});

test("every role runs the kit's one image, hardened, sending traces to the X-Ray collector", async () => {
  const { template } = await defaultKit();
  const images = new Set<string>();
  for (const deployment of inNamespace(objectsOfKind<Deployment>(template, 'Deployment'))) {
    const pod = deployment.spec.template.spec;
    const container = pod.containers[0]!;
    images.add(container.image);
    assert.equal(
      { ...container.securityContext, runAsUser: undefined, runAsGroup: undefined },
      { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true, capabilities: { drop: ['ALL'] }, runAsUser: undefined, runAsGroup: undefined },
    );
    assert.equal(pod.securityContext, { seccompProfile: { type: 'RuntimeDefault' } });
    assert.is(pod.automountServiceAccountToken, false, 'the services do not talk to the Kubernetes API');
    assert.ok(container.env.some((e) => e.name === 'AWS_XRAY_DAEMON_ADDRESS' && e.value === xrayDaemonAddress));
  }
  assert.is(images.size, 1);
  assert.match([...images][0]!, /dkr\.ecr/, 'the image asset of the stack');
});

test("roles listen on one unprivileged port; each Service serves the port the callers' URLs use", async () => {
  const { template } = await defaultKit();
  const deployments = inNamespace(objectsOfKind<Deployment>(template, 'Deployment'));
  const ports = new Set(deployments.map((d) => d.spec.template.spec.containers[0]!.ports[0]!.containerPort));
  assert.is(ports.size, 1);
  assert.ok([...ports][0]! >= 1024, 'non-root cannot bind below 1024');
  const services = inNamespace(objectsOfKind<Service>(template, 'Service'));
  const urls = deployments.flatMap((d) => d.spec.template.spec.containers[0]!.env.flatMap((e) => (e.value && /^https?:\/\/[a-z]+\.petadoptions\.svc/.test(e.value) ? [new URL(e.value)] : [])));
  assert.ok(urls.length >= 4, 'the call graph is wired by URLs');
  for (const url of urls) {
    const service = services.find((s) => s.metadata.name === url.hostname.split('.')[0])!;
    assert.ok(service, url.href);
    assert.is(service.spec.ports[0]!.port, Number(url.port || 80), url.href);
  }
});

test('the add-on refuses a traffic scale the workload would refuse', () => {
  assert.throws(() => new PetAdoptionWorkloadAddOn({ trafficScale: 2 }), /from 0 to 1/);
});

test.run();
