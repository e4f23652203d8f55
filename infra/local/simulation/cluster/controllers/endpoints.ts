import { isoTime } from '../../../../../core/clock.js';
import { deepEqual } from '../../../../../core/equal.js';
import type { KubeObject, Node, Pod } from '../objects.js';
import { ENDPOINTS, ENDPOINTSLICE, NODE, POD, SERVICE } from '../resources.js';
import { selectorFromSpec } from '../selectors.js';
import type { Controller, ControllerContext } from './context.js';
import { isReady, isTerminated } from './podutil.js';

interface ServicePort {
  name?: string;
  port: number;
  protocol?: string;
  targetPort?: number | string;
}

interface Service extends KubeObject {
  spec: { selector?: Record<string, string>; ports?: ServicePort[]; publishNotReadyAddresses?: boolean };
}

interface EndpointAddress {
  ip: string;
  nodeName?: string;
  targetRef: { kind: 'Pod'; name: string; namespace: string; uid: string };
}

interface Endpoints extends KubeObject {
  subsets?: { addresses?: EndpointAddress[]; notReadyAddresses?: EndpointAddress[]; ports: { name?: string; port: number; protocol: string }[] }[];
}

interface EndpointSlice extends KubeObject {
  addressType: 'IPv4';
  endpoints: { addresses: string[]; conditions: { ready: boolean; serving: boolean; terminating: boolean }; nodeName?: string; zone?: string; targetRef: EndpointAddress['targetRef'] }[] | null;
  ports: { name: string; port: number; protocol: string }[] | null;
}

const MANAGED_BY = 'endpointslice-controller.k8s.io';

/**
 * The endpoints and endpointslice controllers: for every Service with a selector, the addresses of the
 * pods it selects (ready ones in `addresses`, the others in `notReadyAddresses`; in the slice, each
 * endpoint with its ready/serving/terminating conditions), ports resolved from the pods' named ports,
 * kept in step with pod readiness. Written only when something changed, as the controllers do.
 */
export class EndpointsController implements Controller {
  readonly name = 'endpoint-controller';
  /** Like the real controllers' informers: work only after a pod or service changed. */
  private dirty = true;

  constructor(private readonly ctx: ControllerContext) {
    const changed = () => (this.dirty = true);
    ctx.store.watch({ key: POD }, changed);
    ctx.store.watch({ key: SERVICE }, changed);
  }

  reconcile(): void {
    if (!this.dirty) return;
    this.dirty = false;
    const { store } = this.ctx;
    const zones = new Map(store.list<Node>(NODE).map((n) => [n.metadata.name, n.metadata.labels?.['topology.kubernetes.io/zone']]));
    const podsByNamespace = new Map<string, Pod[]>();
    for (const pod of store.list<Pod>(POD)) {
      if (!pod.status.podIP || isTerminated(pod)) continue;
      const list = podsByNamespace.get(pod.metadata.namespace!) ?? [];
      list.push(pod);
      podsByNamespace.set(pod.metadata.namespace!, list);
    }
    for (const service of store.list<Service>(SERVICE)) {
      if (!service.spec.selector || service.metadata.deletionTimestamp) continue;
      const namespace = service.metadata.namespace!;
      const selector = selectorFromSpec({ matchLabels: service.spec.selector });
      const pods = (podsByNamespace.get(namespace) ?? [])
        .filter((p) => selector(p.metadata.labels))
        .sort((a, b) => a.status.podIP!.localeCompare(b.status.podIP!, undefined, { numeric: true }));
      this.syncEndpoints(service, pods);
      this.syncSlice(service, pods, zones);
    }
  }

  private syncEndpoints(service: Service, pods: Pod[]): void {
    const { store } = this.ctx;
    const namespace = service.metadata.namespace!;
    const address = (p: Pod): EndpointAddress => ({ ip: p.status.podIP!, nodeName: p.spec.nodeName, targetRef: targetRef(p) });
    const serving = (p: Pod) => (isReady(p) || service.spec.publishNotReadyAddresses) && !p.metadata.deletionTimestamp;
    const ports = (service.spec.ports ?? []).map((sp) => ({ ...(sp.name ? { name: sp.name } : {}), port: resolveTargetPort(sp, pods[0]), protocol: sp.protocol ?? 'TCP' }));
    const ready = pods.filter(serving).map(address);
    const notReady = pods.filter((p) => !serving(p)).map(address);
    const subsets = pods.length
      ? [{ ...(ready.length ? { addresses: ready } : {}), ...(notReady.length ? { notReadyAddresses: notReady } : {}), ports }]
      : undefined;
    const current = store.get<Endpoints>(ENDPOINTS, namespace, service.metadata.name);
    if (current && deepEqual(current.subsets, subsets)) return;
    const object: Endpoints = {
      apiVersion: 'v1',
      kind: 'Endpoints',
      metadata: {
        name: service.metadata.name,
        namespace,
        labels: { ...(service.metadata.labels ?? {}) },
        annotations: { 'endpoints.kubernetes.io/last-change-trigger-time': isoTime(this.ctx.clock.now()) },
        ...(current ? { resourceVersion: current.metadata.resourceVersion } : { creationTimestamp: service.metadata.creationTimestamp }),
      },
      ...(subsets ? { subsets } : {}),
    };
    if (current) store.update(ENDPOINTS, object);
    else store.create(ENDPOINTS, object);
  }

  private syncSlice(service: Service, pods: Pod[], zones: Map<string, string | undefined>): void {
    const { store } = this.ctx;
    const namespace = service.metadata.namespace!;
    const endpoints = pods.map((p) => {
      const ready = isReady(p) && !p.metadata.deletionTimestamp;
      return {
        addresses: [p.status.podIP!],
        conditions: { ready, serving: isReady(p), terminating: Boolean(p.metadata.deletionTimestamp) },
        nodeName: p.spec.nodeName,
        ...(zones.get(p.spec.nodeName ?? '') ? { zone: zones.get(p.spec.nodeName!) } : {}),
        targetRef: targetRef(p),
      };
    });
    const ports = (service.spec.ports ?? []).map((sp) => ({ name: sp.name ?? '', port: resolveTargetPort(sp, pods[0]), protocol: sp.protocol ?? 'TCP' }));
    const current = store.list<EndpointSlice>(ENDPOINTSLICE, namespace).find((s) => s.metadata.labels?.['kubernetes.io/service-name'] === service.metadata.name && s.metadata.labels?.['endpointslice.kubernetes.io/managed-by'] === MANAGED_BY);
    const body = { endpoints: endpoints.length ? endpoints : null, ports: pods.length ? ports : null };
    if (current && deepEqual({ endpoints: current.endpoints, ports: current.ports }, body)) return;
    const labels = { ...(service.metadata.labels ?? {}), 'endpointslice.kubernetes.io/managed-by': MANAGED_BY, 'kubernetes.io/service-name': service.metadata.name };
    const meta = current
      ? { ...current.metadata, annotations: { ...current.metadata.annotations, 'endpoints.kubernetes.io/last-change-trigger-time': isoTime(this.ctx.clock.now()) } }
      : {
          name: `${service.metadata.name}-${this.ctx.random.suffix(5)}`,
          generateName: `${service.metadata.name}-`,
          namespace,
          labels,
          annotations: { 'endpoints.kubernetes.io/last-change-trigger-time': isoTime(this.ctx.clock.now()) },
          ownerReferences: [{ apiVersion: 'v1', kind: 'Service', name: service.metadata.name, uid: service.metadata.uid!, controller: true, blockOwnerDeletion: true }],
          creationTimestamp: service.metadata.creationTimestamp,
        };
    const slice: EndpointSlice = { apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', metadata: meta, addressType: 'IPv4', ...body };
    if (current) store.update(ENDPOINTSLICE, slice);
    else store.create(ENDPOINTSLICE, slice);
  }
}

function targetRef(p: Pod): EndpointAddress['targetRef'] {
  return { kind: 'Pod', name: p.metadata.name, namespace: p.metadata.namespace!, uid: p.metadata.uid! };
}

/** A numeric targetPort as is; a named one from the pod's container ports (the service port if unset). */
function resolveTargetPort(port: ServicePort, pod: Pod | undefined): number {
  const target = port.targetPort ?? port.port;
  if (typeof target === 'number') return target;
  if (/^\d+$/.test(target)) return Number(target);
  for (const c of pod?.spec.containers ?? []) {
    const named = c.ports?.find((p) => p.name === target);
    if (named) return named.containerPort;
  }
  return port.port;
}
