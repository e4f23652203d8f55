/**
 * Where the cluster's trace segments go: an ADOT collector (the ADOT operator's OpenTelemetryCollector,
 * as Blueprints' XrayAdotAddOn deploys one) whose `awsxray` receiver takes X-Ray segment documents over
 * UDP 2000, the X-Ray daemon's protocol, and whose `awsxray` exporter writes them to X-Ray. The
 * pet-adoption workload sends its segments that way (workload/xray-emitter.ts: AWS_XRAY_DAEMON_ADDRESS);
 * Blueprints' XrayAdotAddOn receives OTLP only, so the kit brings this one instead. OTLP (4317 gRPC,
 * 4318 HTTP) is received too, for anything instrumented with OpenTelemetry.
 *
 * Pods reach it through a ClusterIP Service of its own (`xray-daemon`, UDP 2000), not the Service the
 * operator derives from the config: the operator's port for `awsxray` has been TCP in some of its
 * versions. Its service account has its own IRSA role that may only write segments and telemetry
 * (the `adot-collector` account of the ADOT add-on also writes metrics and logs).
 */
import { AdotCollectorAddOn, utils, type ClusterAddOn, type ClusterInfo } from '@aws-quickstart/eks-blueprints';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import { stringify } from 'yaml';
import { apply, managedBy, type Manifest } from '../lib/kubernetes.js';

export const xrayCollector = {
  /** The OpenTelemetryCollector's name (the operator names its Deployment `<name>-collector`). */
  name: 'otel-collector-xray',
  namespace: 'default',
  serviceAccount: 'xray-collector',
  /** The Service pods send segments to. */
  service: 'xray-daemon',
  udpPort: 2000,
} as const;

/** AWS_XRAY_DAEMON_ADDRESS of the workload's pods: the collector's Service, by its cluster DNS name. */
export const xrayDaemonAddress = `${xrayCollector.service}.${xrayCollector.namespace}.svc.cluster.local:${xrayCollector.udpPort}`;

/** What the collector's awsxray exporter calls (PutTraceSegments for segments, PutTelemetryRecords for its own health). */
export const xrayWriteActions = ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'];

/** Labels the ADOT operator puts on a collector's pods (its own Service selects them the same way). */
export const collectorPodSelector = { 'app.kubernetes.io/component': 'opentelemetry-collector', 'app.kubernetes.io/instance': `${xrayCollector.namespace}.${xrayCollector.name}` };

/** The collector's pipeline: X-Ray segments (UDP) and OTLP in, X-Ray out. */
export function collectorConfig(region: string): Record<string, unknown> {
  return {
    receivers: {
      awsxray: { endpoint: `0.0.0.0:${xrayCollector.udpPort}`, transport: 'udp' },
      otlp: { protocols: { grpc: { endpoint: '0.0.0.0:4317' }, http: { endpoint: '0.0.0.0:4318' } } },
    },
    processors: { batch: {} },
    exporters: { awsxray: { region } },
    service: { pipelines: { traces: { receivers: ['awsxray', 'otlp'], processors: ['batch'], exporters: ['awsxray'] } } },
  };
}

export class XrayCollectorAddOn implements ClusterAddOn {
  // The ADOT operator (the ADOT add-on) owns the OpenTelemetryCollector resource type.
  @utils.dependable(AdotCollectorAddOn.name)
  deploy(clusterInfo: ClusterInfo): Promise<Construct> {
    const cluster = clusterInfo.cluster;
    const serviceAccount = cluster.addServiceAccount('xray-collector-sa', { name: xrayCollector.serviceAccount, namespace: xrayCollector.namespace });
    // X-Ray's write actions have no resource-level permissions (lib/policy-exceptions.ts).
    serviceAccount.role.addToPrincipalPolicy(new iam.PolicyStatement({ sid: 'WriteTraces', actions: xrayWriteActions, resources: ['*'] }));

    const collector: Manifest = {
      apiVersion: 'opentelemetry.io/v1alpha1',
      kind: 'OpenTelemetryCollector',
      metadata: { name: xrayCollector.name, namespace: xrayCollector.namespace, labels: managedBy },
      spec: {
        mode: 'deployment',
        replicas: 1,
        serviceAccount: xrayCollector.serviceAccount,
        resources: { requests: { cpu: '50m', memory: '128Mi' }, limits: { cpu: '500m', memory: '512Mi' } },
        config: stringify(collectorConfig(cluster.stack.region)),
      },
    };
    const service: Manifest = {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: xrayCollector.service, namespace: xrayCollector.namespace, labels: managedBy },
      spec: { type: 'ClusterIP', selector: collectorPodSelector, ports: [{ name: 'xray-udp', port: xrayCollector.udpPort, targetPort: xrayCollector.udpPort, protocol: 'UDP' }] },
    };
    const objects = apply(clusterInfo, 'xray-collector', collector, service);
    objects.node.addDependency(serviceAccount);
    return Promise.resolve(objects);
  }
}
