import type { Random } from '../../../../../core/random.js';
import type { Container, KubeObject, PodSpec } from '../../cluster/objects.js';
import { parseQuantity } from '../../../../../core/quantity.js';
import { defaultChaos } from '../../../../../lib/chaos-mesh/admission.js';
import { chaosKindOf } from '../../../../../lib/chaos-mesh/registry.js';
import { isRecord } from '../http.js';
import { admitNewPodSpec } from '../../cluster/pod-admission.js';

/**
 * The API server's defaulting (SetDefaults_* of k8s.io/api), limited to the fields people see in
 * `kubectl get -o yaml` and the simulation reads. Idempotent: runs on every write.
 */
export function applyDefaults(object: KubeObject & Record<string, unknown>, random: Random): void {
  const spec = isRecord(object.spec) ? object.spec : undefined;
  switch (object.kind) {
    case 'Pod':
      if (spec) defaultPodSpec(spec as PodSpec);
      break;
    case 'Deployment':
      if (!spec) break;
      spec.replicas ??= 1;
      spec.revisionHistoryLimit ??= 10;
      spec.progressDeadlineSeconds ??= 600;
      if (!isRecord(spec.strategy)) spec.strategy = {};
      {
        const strategy = spec.strategy as Record<string, unknown>;
        strategy.type ??= 'RollingUpdate';
        if (strategy.type === 'RollingUpdate') {
          const rolling = (isRecord(strategy.rollingUpdate) ? strategy.rollingUpdate : (strategy.rollingUpdate = {})) as Record<string, unknown>;
          rolling.maxSurge ??= '25%';
          rolling.maxUnavailable ??= '25%';
        }
      }
      defaultTemplate(spec.template);
      break;
    case 'ReplicaSet':
      if (!spec) break;
      spec.replicas ??= 1;
      defaultTemplate(spec.template);
      break;
    case 'DaemonSet':
      if (!spec) break;
      spec.revisionHistoryLimit ??= 10;
      if (!isRecord(spec.updateStrategy)) spec.updateStrategy = { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } };
      defaultTemplate(spec.template);
      break;
    case 'Service':
      if (!spec) break;
      spec.type ??= 'ClusterIP';
      spec.sessionAffinity ??= 'None';
      if (spec.type !== 'ExternalName' && spec.clusterIP === undefined) {
        // EKS's default service CIDR.
        spec.clusterIP = `10.100.${random.int(0, 255)}.${random.int(1, 254)}`;
        spec.clusterIPs = [spec.clusterIP];
      }
      for (const port of Array.isArray(spec.ports) ? spec.ports : []) {
        if (!isRecord(port)) continue;
        port.protocol ??= 'TCP';
        port.targetPort ??= port.port;
      }
      break;
    case 'Namespace':
      object.metadata.labels = { ...(object.metadata.labels ?? {}), 'kubernetes.io/metadata.name': object.metadata.name };
      if (!isRecord(object.spec)) object.spec = { finalizers: ['kubernetes'] };
      if (!isRecord(object.status)) object.status = { phase: 'Active' };
      break;
  }
  const chaos = chaosKindOf(object.kind);
  if (chaos) defaultChaos(chaos, spec);
}

function defaultTemplate(template: unknown): void {
  if (!isRecord(template) || !isRecord(template.spec)) return;
  defaultPodSpec(template.spec as PodSpec);
}

export function defaultPodSpec(spec: PodSpec): void {
  spec.restartPolicy ??= 'Always';
  spec.terminationGracePeriodSeconds ??= 30;
  spec.dnsPolicy ??= 'ClusterFirst';
  spec.schedulerName ??= 'default-scheduler';
  spec.securityContext ??= {};
  for (const list of [spec.containers, spec.initContainers as Container[] | undefined]) {
    for (const container of Array.isArray(list) ? list : []) {
      if (!isRecord(container)) continue;
      container.terminationMessagePath ??= '/dev/termination-log';
      container.terminationMessagePolicy ??= 'File';
      container.resources ??= {};
      if (typeof container.image === 'string') container.imagePullPolicy ??= /:latest$|^[^:]*$/.test(container.image.split('/').pop() ?? '') ? 'Always' : 'IfNotPresent';
      for (const port of Array.isArray(container.ports) ? container.ports : []) if (isRecord(port)) port.protocol ??= 'TCP';
    }
  }
}

/** Pod-only defaults applied at creation (admission plugins and PrepareForCreate). */
export function prepareNewPod(pod: KubeObject & Record<string, unknown>, random: Random): void {
  const spec = pod.spec as PodSpec;
  admitNewPodSpec(spec, random);
  pod.status = { phase: 'Pending', qosClass: qosClass(spec) };
}

/** Kubernetes QoS class from requests and limits (pkg/apis/core/v1/helper/qos). */
export function qosClass(spec: PodSpec): 'Guaranteed' | 'Burstable' | 'BestEffort' {
  let any = false;
  let guaranteed = true;
  for (const container of spec.containers ?? []) {
    const requests = container.resources?.requests ?? {};
    const limits = container.resources?.limits ?? {};
    for (const resource of ['cpu', 'memory']) {
      const request = requests[resource] ?? limits[resource];
      const limit = limits[resource];
      if (request !== undefined || limit !== undefined) any = true;
      if (limit === undefined || request === undefined || safeQuantity(request) !== safeQuantity(limit)) guaranteed = false;
    }
  }
  if (!any) return 'BestEffort';
  return guaranteed ? 'Guaranteed' : 'Burstable';
}

function safeQuantity(value: string): number {
  try {
    return parseQuantity(value);
  } catch {
    return Number.NaN;
  }
}
