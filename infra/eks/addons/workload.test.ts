import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { workloadRoles } from '../lib/kit-sources.js';
import { defaultKit, objectsOfKind } from '../test/kit.js';
import { PetAdoptionWorkloadAddOn, workloadCommand, workloadContainerPort } from './workload.js';

type Deployment = { metadata: { name: string; namespace: string }; spec: { replicas: number; template: { metadata: { annotations: Record<string, string> }; spec: { automountServiceAccountToken?: boolean; securityContext: Record<string, unknown>; containers: { image: string; command: string[]; resources: unknown; securityContext: Record<string, unknown>; env: { name: string; value: string }[] }[] } } } };
type Service = { metadata: { name: string; namespace: string }; spec: { type: string; ports: { port: number; targetPort: string }[] } };

test("six roles, each a Deployment and a ClusterIP Service in petadoptions, with the simulation's envelope", async () => {
  const { template } = await defaultKit();
  const deployments = objectsOfKind<Deployment>(template, 'Deployment').filter((d) => d.metadata.namespace === 'petadoptions');
  const services = objectsOfKind<Service>(template, 'Service').filter((s) => s.metadata.namespace === 'petadoptions');
  for (const role of workloadRoles()) {
    const deployment = deployments.find((d) => d.metadata.name === role.name);
    assert.ok(deployment, `Deployment ${role.name}`);
    const container = deployment!.spec.template.spec.containers[0]!;
    assert.is(deployment!.spec.replicas, role.replicas);
    assert.equal(container.resources, { requests: role.requests, limits: role.limits });
    assert.equal(container.command, workloadCommand(role.name));
    assert.equal(deployment!.spec.template.metadata.annotations['prometheus.io/scrape'], 'true');
    const service = services.find((s) => s.metadata.name === role.name)!;
    assert.is(service.spec.type, 'ClusterIP');
    assert.is(service.spec.ports[0]!.port, role.port);
  }
  assert.is(deployments.length, 6);
});

test("every role runs the kit's one image, hardened, sending traces to the X-Ray collector", async () => {
  const { template } = await defaultKit();
  const images = new Set<string>();
  for (const deployment of objectsOfKind<Deployment>(template, 'Deployment').filter((d) => d.metadata.namespace === 'petadoptions')) {
    const pod = deployment.spec.template.spec;
    const container = pod.containers[0]!;
    images.add(container.image);
    assert.equal(container.securityContext, { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true, capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' } });
    assert.is(pod.automountServiceAccountToken, false, 'the services do not talk to the Kubernetes API');
    assert.ok(container.env.some((e) => e.name === 'OTEL_EXPORTER_OTLP_ENDPOINT' && e.value.includes('otel-collector-xray')));
  }
  assert.is(images.size, 1);
  assert.match([...images][0]!, /dkr\.ecr/, 'the image asset of the stack');
});

test("roles listen on one unprivileged port; the Service maps each role's port to it", () => {
  assert.ok(workloadContainerPort >= 1024);
});

test('the add-on refuses to deploy nothing', () => {
  assert.throws(() => new PetAdoptionWorkloadAddOn({ roles: [] }), /needs the roles/);
});

test.run();
