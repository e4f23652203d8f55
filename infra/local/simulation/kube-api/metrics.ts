import { isoTime } from '../../../../core/clock.js';
import type { NodeUsage, PodUsage } from '../cluster/backend.js';
import { errors } from '../cluster/errors.js';
import type { KubeObject, Node, Pod } from '../cluster/objects.js';
import { NODE, POD } from '../cluster/resources.js';
import type { ApiContext, ApiRequest } from './context.js';
import type { Reply } from './http.js';
import { reply } from './http.js';
import { filterFromQuery } from './list.js';
import { negotiateOutput, renderList, renderObject } from './output.js';
import type { ResourceTarget } from './routes.js';

/**
 * metrics.k8s.io/v1beta1 as metrics-server serves it (what `kubectl top` reads): usage computed by the
 * simulation, CPU in nanocores and memory in KiB, labels copied from the pod or node.
 */
const API_VERSION = 'metrics.k8s.io/v1beta1';

const cpu = (cores: number) => `${Math.max(0, Math.round(cores * 1e9))}n`;
const memory = (bytes: number) => `${Math.max(0, Math.round(bytes / 1024))}Ki`;

function podMetrics(usage: PodUsage, pod: Pod | undefined): KubeObject {
  return {
    kind: 'PodMetrics',
    apiVersion: API_VERSION,
    metadata: {
      name: usage.name,
      namespace: usage.namespace,
      creationTimestamp: isoTime(usage.timestamp),
      ...(pod?.metadata.labels ? { labels: pod.metadata.labels } : {}),
    },
    timestamp: isoTime(usage.timestamp),
    window: `${usage.windowSeconds}s`,
    containers: usage.containers.map((c) => ({ name: c.name, usage: { cpu: cpu(c.cpuCores), memory: memory(c.memoryBytes) } })),
  } as KubeObject;
}

function nodeMetrics(usage: NodeUsage, node: Node | undefined): KubeObject {
  return {
    kind: 'NodeMetrics',
    apiVersion: API_VERSION,
    metadata: { name: usage.name, creationTimestamp: isoTime(usage.timestamp), ...(node?.metadata.labels ? { labels: node.metadata.labels } : {}) },
    timestamp: isoTime(usage.timestamp),
    window: `${usage.windowSeconds}s`,
    usage: { cpu: cpu(usage.cpuCores), memory: memory(usage.memoryBytes) },
  } as KubeObject;
}

export function serveMetrics(ctx: ApiContext, req: ApiRequest, target: ResourceTarget): Reply {
  const { backend } = ctx;
  if (req.method !== 'GET') throw errors.methodNotAllowed();
  if (req.query.get('watch') === 'true' || req.query.get('watch') === '1') throw errors.methodNotAllowed('watch is not supported on metrics.k8s.io resources');
  const output = negotiateOutput(req.headers.accept, req.query);
  const items =
    target.type.kind === 'PodMetrics'
      ? backend.usage.pods(target.namespace).map((u) => podMetrics(u, backend.store.get<Pod>(POD, u.namespace, u.name)))
      : backend.usage.nodes().map((u) => nodeMetrics(u, backend.store.get<Node>(NODE, undefined, u.name)));
  if (target.name) {
    const found = items.find((m) => m.metadata.name === target.name);
    if (!found) {
      const pods = target.type.kind === 'PodMetrics';
      throw errors.notFound(pods ? 'podmetrics' : 'nodemetrics', pods ? `${target.namespace}/${target.name}` : target.name, 'metrics.k8s.io');
    }
    return reply(200, renderObject(backend, target.type, found, output));
  }
  const filter = filterFromQuery(target.type.kind, req.query);
  const selected = items.filter((m) => filter.matches(m)).sort((a, b) => (a.metadata.namespace ?? '').localeCompare(b.metadata.namespace ?? '') || a.metadata.name.localeCompare(b.metadata.name));
  return reply(200, renderList(backend, target.type, selected, { resourceVersion: '' }, output));
}
