import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseAllDocuments } from 'yaml';
import { APP_NAMESPACE, services } from '../lib/petadoption/catalog.js';
import { manifestsJson, manifestsYaml, workloadManifests, WORKLOAD_PORT } from './manifests.js';

const options = { image: '123456789012.dkr.ecr.us-west-2.amazonaws.com/kit:abc', xrayDaemonAddress: '$(HOST_IP):2000', clusterName: 'demo', trafficScale: 0.25 };
const objects = workloadManifests(options);
type Container = { name: string; image: string; command: string[]; env: { name: string; value?: string; valueFrom?: unknown }[]; ports: { name: string; containerPort: number }[]; resources: unknown; readinessProbe: { httpGet: { path: string; port: string } }; livenessProbe: { httpGet: { path: string } }; securityContext: Record<string, unknown> };
const deployment = (name: string) => objects.find((o) => o.kind === 'Deployment' && o.metadata.name === name) as unknown as { metadata: { namespace: string; labels: Record<string, string> }; spec: { replicas: number; selector: { matchLabels: Record<string, string> }; template: { metadata: { labels: Record<string, string>; annotations: Record<string, string> }; spec: { containers: Container[]; securityContext: Record<string, unknown> } } } };

test('namespace petadoptions, then a Deployment and a Service per role, named after the role', () => {
  assert.equal(objects.map((o) => `${o.kind}/${o.metadata.name}`), ['Namespace/petadoptions', ...services.flatMap((s) => [`Deployment/${s.name}`, `Service/${s.name}`])]);
  assert.ok(objects.slice(1).every((o) => o.metadata.namespace === APP_NAMESPACE));
});

test("each Deployment runs its role from the kit's image with the catalog's replicas, resources and settings", () => {
  for (const profile of services) {
    const d = deployment(profile.name);
    const container = d.spec.template.spec.containers[0]!;
    assert.is(d.spec.template.spec.containers.length, 1);
    assert.is(container.name, profile.name, 'container name = role (the scenarios target it)');
    assert.is(container.image, options.image);
    assert.equal(container.command, ['node', 'dist/workload/main.js']);
    assert.is(d.spec.replicas, profile.replicas);
    assert.equal(d.spec.selector.matchLabels, { app: profile.name });
    assert.is(d.spec.template.metadata.labels.app, profile.name);
    assert.equal(container.resources, { requests: profile.requests, limits: profile.limits });
    const env = Object.fromEntries(container.env.map((e) => [e.name, e.value ?? e.valueFrom]));
    assert.is(env.ROLE, profile.name);
    assert.is(env.PORT, String(WORKLOAD_PORT));
    for (const e of profile.env) assert.is(env[e.name], e.value, `${profile.name} ${e.name}`);
    const names = container.env.map((e) => e.name);
    assert.ok(names.indexOf('HOST_IP') < names.indexOf('AWS_XRAY_DAEMON_ADDRESS'), 'HOST_IP is defined before it is referenced');
    assert.is(env.AWS_XRAY_DAEMON_ADDRESS, '$(HOST_IP):2000');
    assert.is(env.TRAFFIC_SCALE, profile.drives ? '0.25' : undefined);
  }
});

test('Prometheus scrapes every pod on its port; probes read /readyz and /healthz', () => {
  for (const profile of services) {
    const d = deployment(profile.name);
    assert.equal(d.spec.template.metadata.annotations, { 'prometheus.io/scrape': 'true', 'prometheus.io/port': String(WORKLOAD_PORT), 'prometheus.io/path': '/metrics' });
    const container = d.spec.template.spec.containers[0]!;
    assert.equal(container.ports, [{ name: 'http', containerPort: WORKLOAD_PORT, protocol: 'TCP' }]);
    assert.equal([container.readinessProbe.httpGet.path, container.livenessProbe.httpGet.path], ['/readyz', '/healthz']);
  }
});

test("containers run as non-root on a read-only root filesystem; the pod's context leaves FIS's ephemeral container free to be root", () => {
  for (const profile of services) {
    const d = deployment(profile.name);
    assert.equal(d.spec.template.spec.containers[0]!.securityContext, { runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
    assert.equal(d.spec.template.spec.securityContext, { seccompProfile: { type: 'RuntimeDefault' } });
  }
});

test("Services listen on port 80, where the catalog's URLs point, and reach the pods' http port", () => {
  for (const profile of services) {
    const service = objects.find((o) => o.kind === 'Service' && o.metadata.name === profile.name) as unknown as { spec: { selector: unknown; ports: unknown } };
    assert.equal(service.spec.selector, { app: profile.name });
    assert.equal(service.spec.ports, [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }]);
  }
  for (const url of services.flatMap((s) => s.env).filter((e) => e.value.includes('.svc.cluster.local'))) assert.match(url.value, /^http:\/\/[a-z]+\.petadoptions\.svc\.cluster\.local\//, url.name);
});

test('YAML is one document per object; JSON is one List; both read back the same objects', () => {
  const documents = parseAllDocuments(manifestsYaml(objects)).map((d) => d.toJSON());
  assert.equal(documents, JSON.parse(JSON.stringify(objects)));
  assert.equal(JSON.parse(manifestsJson(objects)).items, JSON.parse(JSON.stringify(objects)));
});

test.run();
