/**
 * The Kubernetes shape of the workload on EKS: namespace petadoptions and, per role, a Deployment and a
 * Service named after the role (the names the scenarios target: deployment = container = role, label
 * app=<role>), with the catalog's replicas, requests, limits and environment. The CDK add-on reads
 * these (`petadoption-workload manifests`); nothing here knows CDK.
 *
 * Every role listens on WORKLOAD_PORT (unprivileged: the container runs as a non-root user) behind a
 * Service on port 80, which is where the catalog's URLs point. Non-root, read-only root filesystem and
 * no capabilities are set on the container, not the pod: FIS's aws:eks:pod-network-* actions run an
 * ephemeral container that inherits the pod's security context and needs root.
 */
import { stringify } from 'yaml';
import { APP_NAMESPACE, services, type ServiceProfile } from '../lib/petadoption/catalog.js';

export const WORKLOAD_PORT = 8080;
/** The image's non-root user (the node image's `node` user). */
export const WORKLOAD_USER_ID = 1000;

export interface ManifestOptions {
  /** The kit's image (root Dockerfile); the CDK app passes its image asset's URI. */
  image: string;
  /** AWS_XRAY_DAEMON_ADDRESS of the pods; may refer to HOST_IP, the node's address. */
  xrayDaemonAddress: string;
  clusterName: string;
  trafficScale: number;
}

type KubernetesObject = Record<string, unknown> & { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; labels?: Record<string, string> } };

export function workloadManifests(options: ManifestOptions): KubernetesObject[] {
  return [namespaceManifest(), ...services.flatMap((profile) => [deploymentManifest(profile, options), serviceManifest(profile)])];
}

export function namespaceManifest(): KubernetesObject {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name: APP_NAMESPACE, labels: { 'app.kubernetes.io/part-of': 'petadoptions' } } };
}

function labels(profile: ServiceProfile): Record<string, string> {
  return { app: profile.name, 'app.kubernetes.io/name': profile.name, 'app.kubernetes.io/part-of': 'petadoptions', 'app.kubernetes.io/managed-by': 'eks-incident-kit' };
}

export function deploymentManifest(profile: ServiceProfile, options: ManifestOptions): KubernetesObject {
  const env = [
    { name: 'ROLE', value: profile.name },
    { name: 'PORT', value: String(WORKLOAD_PORT) },
    { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
    // Declared before AWS_XRAY_DAEMON_ADDRESS so that "$(HOST_IP)" in it expands.
    { name: 'HOST_IP', valueFrom: { fieldRef: { fieldPath: 'status.hostIP' } } },
    { name: 'AWS_XRAY_DAEMON_ADDRESS', value: options.xrayDaemonAddress },
    { name: 'CLUSTER_NAME', value: options.clusterName },
    ...(profile.drives ? [{ name: 'TRAFFIC_SCALE', value: String(options.trafficScale) }] : []),
    ...profile.env.map((e) => ({ name: e.name, value: e.value })),
  ];
  const probe = (path: string, extra: Record<string, number>) => ({ httpGet: { path, port: 'http', scheme: 'HTTP' }, periodSeconds: 10, timeoutSeconds: 1, successThreshold: 1, failureThreshold: 3, ...extra });
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: profile.name, namespace: APP_NAMESPACE, labels: labels(profile) },
    spec: {
      replicas: profile.replicas,
      revisionHistoryLimit: 10,
      progressDeadlineSeconds: 600,
      selector: { matchLabels: { app: profile.name } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
      template: {
        metadata: {
          labels: labels(profile),
          annotations: { 'prometheus.io/scrape': 'true', 'prometheus.io/port': String(WORKLOAD_PORT), 'prometheus.io/path': '/metrics' },
        },
        spec: {
          automountServiceAccountToken: false,
          terminationGracePeriodSeconds: 30,
          securityContext: { seccompProfile: { type: 'RuntimeDefault' } },
          containers: [
            {
              name: profile.name,
              image: options.image,
              imagePullPolicy: 'IfNotPresent',
              command: ['node', 'dist/workload/main.js'],
              ports: [{ name: 'http', containerPort: WORKLOAD_PORT, protocol: 'TCP' }],
              env,
              resources: { requests: { ...profile.requests }, limits: { ...profile.limits } },
              readinessProbe: probe('/readyz', { initialDelaySeconds: Math.min(5, profile.startupSeconds) }),
              livenessProbe: probe('/healthz', { initialDelaySeconds: Math.max(30, profile.startupSeconds * 2) }),
              // Endpoints are removed while the pod still serves: requests routed to it meanwhile still get answers.
              lifecycle: { preStop: { exec: { command: ['sleep', '5'] } } },
              securityContext: {
                runAsNonRoot: true,
                runAsUser: WORKLOAD_USER_ID,
                runAsGroup: WORKLOAD_USER_ID,
                allowPrivilegeEscalation: false,
                readOnlyRootFilesystem: true,
                capabilities: { drop: ['ALL'] },
              },
              volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
            },
          ],
          volumes: [{ name: 'tmp', emptyDir: { sizeLimit: '64Mi' } }],
        },
      },
    },
  };
}

export function serviceManifest(profile: ServiceProfile): KubernetesObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: profile.name, namespace: APP_NAMESPACE, labels: labels(profile) },
    spec: { type: 'ClusterIP', selector: { app: profile.name }, ports: [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }] },
  };
}

/** YAML documents separated by `---`, as `kubectl apply -f` and CDK's `addManifest` take them. */
export function manifestsYaml(objects: readonly KubernetesObject[]): string {
  return objects.map((object) => stringify(object, { lineWidth: 0 })).join('---\n');
}

/** One `List`, for tools that want JSON. */
export function manifestsJson(objects: readonly KubernetesObject[]): string {
  return `${JSON.stringify({ apiVersion: 'v1', kind: 'List', items: objects }, null, 2)}\n`;
}
