import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parse } from 'yaml';
import { defaultKit, objectsOfKind, resourcesOf, synthesise } from '../test/kit.js';
import { collectorPodSelector, xrayCollector, xrayDaemonAddress, xrayWriteActions } from './xray-collector.js';

type Collector = { metadata: { name: string; namespace: string }; spec: { mode: string; serviceAccount: string; config: string } };
type Service = { metadata: { name: string; namespace: string }; spec: { type: string; selector: Record<string, string>; ports: { port: number; targetPort: number; protocol: string }[] } };
type Config = { receivers: Record<string, { endpoint?: string; transport?: string }>; exporters: Record<string, { region?: string }>; service: { pipelines: { traces: { receivers: string[]; exporters: string[] } } } };

test("an ADOT collector receives X-Ray segments over UDP 2000 (the workload's emitter) and OTLP, and exports to X-Ray", async () => {
  const { template } = await defaultKit();
  const [collector] = objectsOfKind<Collector>(template, 'OpenTelemetryCollector', xrayCollector.name);
  assert.ok(collector, 'the OpenTelemetryCollector');
  assert.is(collector!.metadata.namespace, xrayCollector.namespace);
  assert.is(collector!.spec.mode, 'deployment');
  assert.is(collector!.spec.serviceAccount, xrayCollector.serviceAccount);
  const config = parse(collector!.spec.config) as Config;
  assert.equal(config.receivers.awsxray, { endpoint: '0.0.0.0:2000', transport: 'udp' });
  assert.ok(config.receivers.otlp);
  assert.equal(config.service.pipelines.traces.receivers.sort(), ['awsxray', 'otlp']);
  assert.equal(config.service.pipelines.traces.exporters, ['awsxray']);
  assert.is(config.exporters.awsxray!.region, 'us-west-2');
});

test('pods reach it through a ClusterIP Service on UDP 2000 that selects the collector pods', async () => {
  const { template } = await defaultKit();
  const [service] = objectsOfKind<Service>(template, 'Service', xrayCollector.service);
  assert.is(service!.metadata.namespace, xrayCollector.namespace);
  assert.is(service!.spec.type, 'ClusterIP');
  assert.equal(service!.spec.ports.map((p) => [p.port, p.targetPort, p.protocol]), [[2000, 2000, 'UDP']]);
  // The ADOT operator labels a collector's pods app.kubernetes.io/instance=<namespace>.<name>.
  assert.equal(service!.spec.selector, { 'app.kubernetes.io/component': 'opentelemetry-collector', 'app.kubernetes.io/instance': 'default.otel-collector-xray' });
  assert.equal(collectorPodSelector, service!.spec.selector);
  assert.is(xrayDaemonAddress, 'xray-daemon.default.svc.cluster.local:2000');
});

test("its service account's IRSA role may write traces and nothing else", async () => {
  const { template } = await defaultKit();
  const policies = Object.values(resourcesOf(template, 'AWS::IAM::Policy')).filter((p) => /xraycollectorsaRole/.test(JSON.stringify(p.Properties!.Roles)));
  assert.is(policies.length, 1);
  const statements = (policies[0]!.Properties!.PolicyDocument as { Statement: { Action: string[]; Resource: string; Effect: string }[] }).Statement;
  assert.equal(statements, [{ Sid: 'WriteTraces', Action: xrayWriteActions, Effect: 'Allow', Resource: '*' }] as unknown as typeof statements);
  assert.equal(xrayWriteActions, ['xray:PutTraceSegments', 'xray:PutTelemetryRecords']);
  const accounts = objectsOfKind<{ metadata: { name: string; namespace: string; annotations: Record<string, string> } }>(template, 'ServiceAccount', xrayCollector.serviceAccount);
  assert.is(accounts.length, 1);
  assert.is(accounts[0]!.metadata.namespace, xrayCollector.namespace);
  assert.match(accounts[0]!.metadata.annotations['eks.amazonaws.com/role-arn']!, /xraycollectorsaRole/);
});

test('with skipAddOns=xray there is no collector and the workload sends its segments nowhere', async () => {
  const { template } = await synthesise({ region: 'us-west-2', skipAddOns: 'xray' }, { nag: false });
  assert.is(objectsOfKind(template, 'OpenTelemetryCollector', xrayCollector.name).length, 0);
  const [petsite] = objectsOfKind<{ spec: { template: { spec: { containers: { env: { name: string; value?: string }[] }[] } } } }>(template, 'Deployment', 'petsite');
  assert.is(petsite!.spec.template.spec.containers[0]!.env.find((e) => e.name === 'AWS_XRAY_DAEMON_ADDRESS')!.value, '127.0.0.1:2000');
});

test.run();
