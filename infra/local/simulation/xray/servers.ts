/**
 * Where segments run: one shared description per pod (service, pod, node, IP, container id as
 * `kubectl get pod -o yaml` shows it, the SDK), so thousands of traces point at a few objects.
 */
import type { ContainerRuntimeModel } from '../workload/runtime.js';
import { serviceByName } from '../../../../lib/petadoption/catalog.js';
import type { PodTraffic } from '../workload/traffic.js';
import { SDKS } from './runtimes.js';
import type { ServerInfo } from './spans.js';

export const EKS_ORIGIN = 'AWS::EKS::Container';
/** Pods come and go; the directory forgets descriptions beyond this many (traces keep theirs). */
const MAX_PODS = 512;

export class ServerDirectory {
  private readonly byPod = new Map<string, ServerInfo>();

  constructor(private readonly runtime: ContainerRuntimeModel) {}

  of(pod: PodTraffic): ServerInfo {
    const known = this.byPod.get(pod.podUid);
    if (known && known.podIP === pod.podIP && known.node === pod.node) return known;
    const profile = serviceByName.get(pod.service);
    const containerId = (this.runtime.get(pod.podUid, pod.service)?.containerId ?? '').replace(/^[a-z]+:\/\//, '');
    const info: ServerInfo = {
      service: pod.service,
      origin: EKS_ORIGIN,
      namespace: pod.namespace,
      pod: pod.pod,
      node: pod.node,
      podIP: pod.podIP,
      containerId,
      sdk: SDKS[profile?.runtime ?? 'go'],
      host: hostOf(pod.service, pod.namespace),
      annotations: Object.freeze({ pod: pod.pod, node: pod.node }),
    };
    if (this.byPod.size >= MAX_PODS) this.byPod.clear();
    this.byPod.set(pod.podUid, info);
    return info;
  }
}

const hosts = new Map<string, string>();

/** In-cluster DNS name of a service (one string per service, however many spans name it). */
export function hostOf(service: string, namespace: string): string {
  const key = `${namespace}/${service}`;
  let host = hosts.get(key);
  if (!host) hosts.set(key, (host = `${service}.${namespace}.svc.cluster.local`));
  return host;
}
