/**
 * Small builders for the Kubernetes objects the kit's add-ons apply, so every Deployment gets the same
 * hardening (non-root, read-only root filesystem, no privilege escalation, no capabilities,
 * RuntimeDefault seccomp) and every object the same labels.
 */
import type { ClusterInfo } from '@aws-quickstart/eks-blueprints';
import type { KubernetesManifest } from 'aws-cdk-lib/aws-eks';

export type Manifest = Record<string, unknown>;

export const managedBy = { 'app.kubernetes.io/part-of': 'eks-incident-kit', 'app.kubernetes.io/managed-by': 'cdk' };

/**
 * A namespace with a Pod Security Standard enforced: `restricted` by default. The workload's namespace
 * takes `privileged` because FIS's aws:eks:pod-* actions inject ephemeral containers that need
 * capabilities (NET_ADMIN for pod-network-latency); it still warns on anything below `restricted`.
 */
export function namespace(name: string, enforce: 'restricted' | 'privileged' = 'restricted'): Manifest {
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: {
      name,
      labels: { ...managedBy, 'pod-security.kubernetes.io/enforce': enforce, 'pod-security.kubernetes.io/enforce-version': 'latest', 'pod-security.kubernetes.io/warn': 'restricted', 'pod-security.kubernetes.io/warn-version': 'latest' },
    },
  };
}

/** Applies the objects in order (one CloudFormation custom resource through the cluster's kubectl handler). */
export function apply(clusterInfo: ClusterInfo, id: string, ...manifests: Manifest[]): KubernetesManifest {
  return clusterInfo.cluster.addManifest(id, ...manifests);
}

export const hardenedContainer = {
  allowPrivilegeEscalation: false,
  readOnlyRootFilesystem: true,
  runAsNonRoot: true,
  capabilities: { drop: ['ALL'] },
  seccompProfile: { type: 'RuntimeDefault' },
};

export const hardenedPod = { runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000, fsGroup: 1000, seccompProfile: { type: 'RuntimeDefault' } };

export interface DeploymentSpec {
  name: string;
  namespace: string;
  image: string;
  command: string[];
  port: number;
  replicas: number;
  serviceAccountName?: string;
  env: { name: string; value: string }[];
  resources: { requests: { cpu: string; memory: string }; limits: { cpu: string; memory: string } };
  /** Probed with HTTP GET on the port. */
  health: { liveness: string; readiness: string };
  /** Prometheus scrape annotations for /metrics on the port (ADOT scrapes annotated pods into AMP). */
  scrape: boolean;
}

export function deployment(spec: DeploymentSpec): Manifest {
  const labels = { app: spec.name, ...managedBy };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: spec.name, namespace: spec.namespace, labels },
    spec: {
      replicas: spec.replicas,
      selector: { matchLabels: { app: spec.name } },
      template: {
        metadata: {
          labels,
          ...(spec.scrape ? { annotations: { 'prometheus.io/scrape': 'true', 'prometheus.io/port': String(spec.port), 'prometheus.io/path': '/metrics' } } : {}),
        },
        spec: {
          ...(spec.serviceAccountName ? { serviceAccountName: spec.serviceAccountName } : { automountServiceAccountToken: false }),
          securityContext: hardenedPod,
          containers: [
            {
              name: spec.name,
              image: spec.image,
              command: spec.command,
              ports: [{ name: 'http', containerPort: spec.port }],
              env: spec.env,
              resources: spec.resources,
              securityContext: hardenedContainer,
              livenessProbe: { httpGet: { path: spec.health.liveness, port: 'http' }, periodSeconds: 10, failureThreshold: 3 },
              readinessProbe: { httpGet: { path: spec.health.readiness, port: 'http' }, periodSeconds: 5, failureThreshold: 3 },
              // The read-only root filesystem leaves /tmp for Node's and libraries' scratch files.
              volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
            },
          ],
          volumes: [{ name: 'tmp', emptyDir: { medium: 'Memory', sizeLimit: '64Mi' } }],
        },
      },
    },
  };
}

export function clusterIpService(name: string, ns: string, port: number, targetPort: number | string): Manifest {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: ns, labels: { app: name, ...managedBy } },
    spec: { type: 'ClusterIP', selector: { app: name }, ports: [{ name: 'http', port, targetPort, protocol: 'TCP' }] },
  };
}
