/**
 * `kubectl port-forward svc/NAME LOCAL:PORT` in-process: a TCP listener on 127.0.0.1 whose every
 * connection is tunnelled to a ready pod behind the Service, through the Kubernetes API's portforward
 * subresource (@kubernetes/client-node's PortForward: a WebSocket, authenticated and authorised like any
 * API call, `pods/portforward`). The pod is looked up again for each connection, so a restarted pod is
 * picked up without restarting the forward.
 */
import { PortForward, type KubeConfig, type V1Pod, type V1Service } from '@kubernetes/client-node';
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { kubeApis } from './connection.js';

export interface ServiceRef {
  namespace: string;
  name: string;
  /** The Service's port (spec.ports[].port), as `kubectl port-forward svc/NAME LOCAL:PORT` takes it. */
  port: number;
}

/** What the forward needs of the API: the Service, its pods, and a tunnel to one pod's port. */
export interface PortForwardApi {
  readService(namespace: string, name: string): Promise<V1Service>;
  listPods(namespace: string, labelSelector: string): Promise<V1Pod[]>;
  tunnel(namespace: string, pod: string, port: number, socket: Socket): Promise<void>;
}

export interface RunningPortForward {
  /** http://127.0.0.1:PORT */
  url: string;
  port: number;
  close(): Promise<void>;
}

export class PortForwardError extends Error {
  override name = 'PortForwardError';
}

/** The API of a kubeconfig: CoreV1 reads and client-node's PortForward. */
export function portForwardApi(config: KubeConfig): PortForwardApi {
  const { core } = kubeApis(config);
  const forward = new PortForward(config);
  return {
    readService: (namespace, name) => core.readNamespacedService({ namespace, name }),
    listPods: async (namespace, labelSelector) => (await core.listNamespacedPod({ namespace, labelSelector })).items,
    async tunnel(namespace, pod, port, socket) {
      const connection = await forward.portForward(namespace, pod, [port], socket, null, socket);
      // The WebSocket outlives the local connection unless closed with it.
      socket.once('close', () => (typeof connection === 'function' ? connection() : connection)?.close());
    },
  };
}

/** Which pod and container port a connection to the Service's `port` reaches: a Running, Ready pod of its selector. */
export async function resolveServiceTarget(api: PortForwardApi, service: ServiceRef): Promise<{ pod: string; port: number }> {
  const what = `service ${service.namespace}/${service.name}`;
  let object: V1Service;
  try {
    object = await api.readService(service.namespace, service.name);
  } catch (error) {
    throw new PortForwardError(`cannot read ${what}: ${(error as Error).message}`);
  }
  const servicePort = object.spec?.ports?.find((p) => p.port === service.port);
  if (!servicePort) throw new PortForwardError(`${what} has no port ${service.port} (it has ${(object.spec?.ports ?? []).map((p) => p.port).join(', ') || 'none'})`);
  const selector = object.spec?.selector ?? {};
  if (!Object.keys(selector).length) throw new PortForwardError(`${what} has no selector: nothing to forward to`);
  const pods = await api.listPods(service.namespace, Object.entries(selector).map(([k, v]) => `${k}=${v}`).join(','));
  const ready = pods.find((p) => p.status?.phase === 'Running' && !p.metadata?.deletionTimestamp && p.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'));
  if (!ready?.metadata?.name) throw new PortForwardError(`${what} has no ready pod (${pods.length} pod(s): ${pods.map((p) => `${p.metadata?.name} ${p.status?.phase}`).join(', ') || 'none'}); kubectl get pods -n ${service.namespace}`);
  const target = servicePort.targetPort ?? service.port;
  if (typeof target === 'number') return { pod: ready.metadata.name, port: target };
  if (/^\d+$/.test(target)) return { pod: ready.metadata.name, port: Number(target) };
  const named = ready.spec?.containers.flatMap((c) => c.ports ?? []).find((p) => p.name === target);
  if (!named) throw new PortForwardError(`${what}'s targetPort "${target}" names no port of pod ${ready.metadata.name}`);
  return { pod: ready.metadata.name, port: named.containerPort };
}

/**
 * Listens on 127.0.0.1 (a free port unless `localPort` is given) and forwards each connection to the
 * Service. Checks the Service and a ready pod once before listening, so a missing agent fails here, with
 * the reason, rather than on the first request.
 */
export async function forwardService(api: PortForwardApi, service: ServiceRef, options: { localPort?: number; onError?: (message: string) => void } = {}): Promise<RunningPortForward> {
  await resolveServiceTarget(api, service);
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    resolveServiceTarget(api, service)
      .then(({ pod, port }) => api.tunnel(service.namespace, pod, port, socket))
      .catch((error: Error) => {
        options.onError?.(`port-forward to ${service.namespace}/${service.name}:${service.port}: ${error.message}`);
        socket.destroy();
      });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.localPort ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
