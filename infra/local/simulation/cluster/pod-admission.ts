import type { Random } from '../../../../core/random.js';
import type { Container, PodSpec } from './objects.js';

/** Where every pod finds its service account's token, the cluster CA and its namespace. */
export const SERVICE_ACCOUNT_MOUNT_PATH = '/var/run/secrets/kubernetes.io/serviceaccount';

/**
 * What the API server's admission adds to every new pod, whoever creates it (a person, a ReplicaSet, a
 * DaemonSet): the `default` service account, the DefaultTolerationSeconds tolerations (5 minutes of
 * not-ready/unreachable before eviction), and the ServiceAccount admission's projected token volume
 * (`kube-api-access-xxxxx`: bound token, kube-root-ca.crt, namespace) mounted in every container.
 */
export function admitNewPodSpec(spec: PodSpec, random: Random): void {
  spec.serviceAccountName ??= 'default';
  spec.serviceAccount ??= spec.serviceAccountName;
  spec.enableServiceLinks ??= true;
  spec.preemptionPolicy ??= 'PreemptLowerPriority';
  spec.priority ??= spec.priorityClassName === 'system-node-critical' ? 2000001000 : spec.priorityClassName === 'system-cluster-critical' ? 2000000000 : 0;
  const tolerations = (spec.tolerations ??= []);
  for (const key of ['node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable']) {
    if (!tolerations.some((t) => t.key === key || (t.operator === 'Exists' && !t.key))) tolerations.push({ key, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 });
  }
  if (spec.automountServiceAccountToken === false) return;
  const volumes = ((spec.volumes as { name: string }[] | undefined) ??= []);
  let volume = volumes.find((v) => v.name.startsWith('kube-api-access-'));
  if (!volume) {
    volume = {
      name: `kube-api-access-${random.suffix(5)}`,
      projected: {
        defaultMode: 420,
        sources: [
          { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
          { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
          { downwardAPI: { items: [{ fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' }, path: 'namespace' }] } },
        ],
      },
    } as { name: string };
    volumes.push(volume);
  }
  for (const container of [...spec.containers, ...((spec.initContainers as Container[] | undefined) ?? [])]) {
    const mounts = ((container.volumeMounts as { name: string; mountPath: string; readOnly?: boolean }[] | undefined) ??= []);
    if (!mounts.some((m) => m.mountPath === SERVICE_ACCOUNT_MOUNT_PATH)) mounts.push({ name: volume.name, mountPath: SERVICE_ACCOUNT_MOUNT_PATH, readOnly: true });
  }
}

/** The tolerations the DaemonSet controller adds to its pods: they stay through node trouble and cordons. */
export function addDaemonSetTolerations(spec: PodSpec): void {
  const tolerations = (spec.tolerations ??= []);
  const add = (key: string, effect: 'NoExecute' | 'NoSchedule') => {
    if (!tolerations.some((t) => t.key === key && t.effect === effect)) tolerations.push({ key, operator: 'Exists', effect });
  };
  add('node.kubernetes.io/not-ready', 'NoExecute');
  add('node.kubernetes.io/unreachable', 'NoExecute');
  add('node.kubernetes.io/disk-pressure', 'NoSchedule');
  add('node.kubernetes.io/memory-pressure', 'NoSchedule');
  add('node.kubernetes.io/pid-pressure', 'NoSchedule');
  add('node.kubernetes.io/unschedulable', 'NoSchedule');
}
