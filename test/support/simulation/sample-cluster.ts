import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { isoTime, ManualClock } from '../../../core/clock.js';
import { Random } from '../../../core/random.js';
import type { ClusterBackend, LogQuery, NodeUsage, PodUsage } from '../../../infra/local/simulation/cluster/backend.js';
import { errors } from '../../../infra/local/simulation/cluster/errors.js';
import { EventRecorder } from '../../../infra/local/simulation/cluster/events.js';
import type { Condition, ContainerStatus, DaemonSet, Deployment, Namespace, Node, Pod, PodDisruptionBudget, PodTemplateSpec, ReplicaSet, StressChaos } from '../../../infra/local/simulation/cluster/objects.js';
import { DAEMONSET, DEPLOYMENT, NAMESPACE, NODE, PDB, POD, REPLICASET } from '../../../infra/local/simulation/cluster/resources.js';
import { ObjectStore } from '../../../infra/local/simulation/cluster/store.js';
import { createLogger } from '../../../core/log.js';
import type { KubeApiHandler, KubeApiOptions } from '../../../infra/local/simulation/kube-api/server.js';
import type { ServingCertificate } from '../../../lib/platform/tls.js';
import { createKubeApi } from '../../../infra/local/simulation/kube-api/server.js';

/**
 * A small, real-shaped pet-adoption cluster for the API's tests: three EKS nodes, the petadoptions
 * deployments with their ReplicaSets and pods (one crash-looping after an OOM kill), an aws-node
 * DaemonSet, a PodDisruptionBudget, an event, and fake log and usage sources. No controller runs.
 */
export const NOW = Date.UTC(2026, 10, 25, 9, 0, 0);
const MINUTE = 60_000;
const DAY = 86_400_000;

export const NODE_NAMES = ['ip-192-168-27-114.us-west-2.compute.internal', 'ip-192-168-74-31.us-west-2.compute.internal', 'ip-192-168-139-205.us-west-2.compute.internal'];
export const NAMESPACE_NAME = 'petadoptions';

export interface SampleCluster {
  backend: ClusterBackend;
  clock: ManualClock;
  store: ObjectStore;
}

const ready = (type: string, at: string): Condition => ({ type, status: 'True', lastProbeTime: null, lastTransitionTime: at });

function node(name: string, i: number): Node {
  const created = isoTime(NOW - 12 * DAY - i * 3600_000);
  const ip = name.slice(3, name.indexOf('.')).replaceAll('-', '.');
  const zone = ['us-west-2a', 'us-west-2b', 'us-west-2c'][i]!;
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      creationTimestamp: created,
      labels: {
        'kubernetes.io/hostname': name,
        'kubernetes.io/os': 'linux',
        'node.kubernetes.io/instance-type': 't3.large',
        'topology.kubernetes.io/zone': zone,
        'eks.amazonaws.com/nodegroup': 'petadoptions-ng',
      },
    },
    spec: { providerID: `aws:///${zone}/i-0${(i + 1) * 1234567}abcdef` },
    status: {
      capacity: { cpu: '2', memory: '8047564Ki', pods: '35' },
      allocatable: { cpu: '1930m', memory: '7308236Ki', pods: '35' },
      conditions: [
        { type: 'MemoryPressure', status: 'False', reason: 'KubeletHasSufficientMemory', lastHeartbeatTime: created, lastTransitionTime: created },
        { type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status', lastHeartbeatTime: created, lastTransitionTime: created },
      ],
      addresses: [
        { type: 'InternalIP', address: ip },
        { type: 'Hostname', address: name },
      ],
      nodeInfo: {
        kubeletVersion: 'v1.31.4-eks-aeac579',
        osImage: 'Amazon Linux 2023.6.20250107',
        kernelVersion: '6.1.119-129.201.amzn2023.x86_64',
        containerRuntimeVersion: 'containerd://1.7.23',
        operatingSystem: 'linux',
        architecture: 'amd64',
      },
    },
  };
}

function template(app: string, image: string, annotations?: Record<string, string>): PodTemplateSpec {
  return {
    metadata: { labels: { app }, ...(annotations ? { annotations } : {}) },
    spec: {
      containers: [
        {
          name: app,
          image,
          ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }],
          env: [{ name: 'AWS_REGION', value: 'us-west-2' }],
          resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '256Mi' } },
        },
      ],
      restartPolicy: 'Always',
      terminationGracePeriodSeconds: 30,
    },
  };
}

interface AppSpec {
  name: string;
  replicas: number;
  images: string[];
}

const APPS: AppSpec[] = [
  { name: 'petsite', replicas: 2, images: ['public.ecr.aws/petadoptions/petsite:1.4.1', 'public.ecr.aws/petadoptions/petsite:1.5.0'] },
  { name: 'petsearch', replicas: 2, images: ['public.ecr.aws/petadoptions/petsearch:2.1.0'] },
  { name: 'payforadoption', replicas: 1, images: ['public.ecr.aws/petadoptions/payforadoption:0.9.3'] },
];

export function sampleCluster(): SampleCluster {
  const clock = new ManualClock(NOW);
  const random = new Random(7);
  const store = new ObjectStore(clock, random);
  const events = new EventRecorder(store, clock, random);
  for (const ns of ['default', 'kube-system', NAMESPACE_NAME, 'chaos-mesh']) {
    store.create<Namespace>(NAMESPACE, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns, creationTimestamp: isoTime(NOW - 40 * DAY) }, spec: { finalizers: ['kubernetes'] }, status: { phase: 'Active' } });
  }
  NODE_NAMES.forEach((name, i) => store.create(NODE, node(name, i)));

  let podIndex = 0;
  for (const app of APPS) {
    const created = isoTime(NOW - 30 * DAY);
    const revision = app.images.length;
    const deployment = store.create<Deployment>(DEPLOYMENT, {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: app.name, namespace: NAMESPACE_NAME, labels: { app: app.name }, annotations: { 'deployment.kubernetes.io/revision': String(revision) }, creationTimestamp: created },
      spec: {
        replicas: app.replicas,
        selector: { matchLabels: { app: app.name } },
        template: template(app.name, app.images.at(-1)!),
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
        revisionHistoryLimit: 10,
        progressDeadlineSeconds: 600,
      },
      status: {},
    });
    let current: ReplicaSet | undefined;
    app.images.forEach((image, i) => {
      const hash = ['7d9f8c6b5d', '5c8d7f9b6c', '6f7b9d8c5f', '8b6c5d7f9d', '9c5f6b8d7b'][(podIndex + i) % 5]!;
      const latest = i === app.images.length - 1;
      const rsTemplate = template(app.name, image);
      rsTemplate.metadata!.labels!['pod-template-hash'] = hash;
      current = store.create<ReplicaSet>(REPLICASET, {
        apiVersion: 'apps/v1',
        kind: 'ReplicaSet',
        metadata: {
          name: `${app.name}-${hash}`,
          namespace: NAMESPACE_NAME,
          labels: { app: app.name, 'pod-template-hash': hash },
          annotations: { 'deployment.kubernetes.io/revision': String(i + 1), 'deployment.kubernetes.io/desired-replicas': String(app.replicas) },
          ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: app.name, uid: deployment.metadata.uid!, controller: true, blockOwnerDeletion: true }],
          creationTimestamp: isoTime(NOW - (latest ? 2 : 20) * DAY),
        },
        spec: { replicas: latest ? app.replicas : 0, selector: { matchLabels: { app: app.name, 'pod-template-hash': hash } }, template: rsTemplate },
        status: { replicas: latest ? app.replicas : 0, readyReplicas: latest ? app.replicas : 0, availableReplicas: latest ? app.replicas : 0 },
      });
    });
    const rs = current!;
    let readyCount = 0;
    for (let r = 0; r < app.replicas; r++) {
      const crashing = app.name === 'payforadoption';
      const pod = samplePod(app.name, rs, NODE_NAMES[podIndex % 3]!, podIndex, random, crashing);
      podIndex++;
      const created = store.create(POD, pod);
      if (!crashing) readyCount++;
      if (crashing) {
        events.warning(created, 'BackOff', `Back-off restarting failed container ${app.name} in pod ${pod.metadata.name}_${NAMESPACE_NAME}(${created.metadata.uid})`, { component: 'kubelet', host: pod.spec.nodeName });
      }
    }
    store.mutate<Deployment>(DEPLOYMENT, NAMESPACE_NAME, app.name, (d) => {
      d.status = { observedGeneration: 1, replicas: app.replicas, updatedReplicas: app.replicas, readyReplicas: readyCount, availableReplicas: readyCount, unavailableReplicas: app.replicas - readyCount };
    });
  }

  const awsNode = store.create<DaemonSet>(DAEMONSET, {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name: 'aws-node', namespace: 'kube-system', labels: { 'k8s-app': 'aws-node' }, creationTimestamp: isoTime(NOW - 40 * DAY) },
    spec: { selector: { matchLabels: { 'k8s-app': 'aws-node' } }, template: { metadata: { labels: { 'k8s-app': 'aws-node' } }, spec: { containers: [{ name: 'aws-node', image: '602401143452.dkr.ecr.us-west-2.amazonaws.com/amazon-k8s-cni:v1.19.2-eksbuild.1' }] } } },
    status: { currentNumberScheduled: 3, desiredNumberScheduled: 3, numberMisscheduled: 0, numberReady: 3, numberAvailable: 3, updatedNumberScheduled: 3 },
  });
  NODE_NAMES.forEach((nodeName, i) => {
    const started = isoTime(NOW - 12 * DAY);
    store.create<Pod>(POD, {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: `aws-node-${['x7k2p', 'b4n9q', 'm2c8t'][i]}`,
        namespace: 'kube-system',
        labels: { 'k8s-app': 'aws-node' },
        ownerReferences: [{ apiVersion: 'apps/v1', kind: 'DaemonSet', name: 'aws-node', uid: awsNode.metadata.uid!, controller: true, blockOwnerDeletion: true }],
        creationTimestamp: started,
      },
      spec: { nodeName, containers: [{ name: 'aws-node', image: awsNode.spec.template.spec.containers[0]!.image }], terminationGracePeriodSeconds: 10 },
      status: {
        phase: 'Running',
        podIP: node(nodeName, i).status.addresses[0]!.address,
        startTime: started,
        conditions: [ready('Ready', started)],
        containerStatuses: [{ name: 'aws-node', ready: true, started: true, restartCount: 0, image: 'amazon-k8s-cni:v1.19.2', imageID: '', state: { running: { startedAt: started } }, lastState: {} }],
      },
    });
  });

  store.create<PodDisruptionBudget>(PDB, {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: { name: 'petsite-pdb', namespace: NAMESPACE_NAME, creationTimestamp: isoTime(NOW - 30 * DAY) },
    spec: { minAvailable: 1, selector: { matchLabels: { app: 'petsite' } } },
  });

  const backend: ClusterBackend = { clock, random, store, events, logs: sampleLogs(store), usage: sampleUsage(store, clock) };
  return { backend, clock, store };
}

function samplePod(app: string, rs: ReplicaSet, nodeName: string, index: number, random: Random, crashing: boolean): Pod {
  const started = isoTime(NOW - 2 * DAY + index * MINUTE);
  const suffix = random.suffix(5);
  const containerStatus: ContainerStatus = crashing
    ? {
        name: app,
        ready: false,
        started: false,
        restartCount: 3,
        image: rs.spec.template.spec.containers[0]!.image,
        imageID: '',
        state: { waiting: { reason: 'CrashLoopBackOff', message: `back-off 40s restarting failed container=${app}` } },
        lastState: { terminated: { exitCode: 137, reason: 'OOMKilled', startedAt: isoTime(NOW - 2 * MINUTE), finishedAt: isoTime(NOW - 45_000) } },
      }
    : { name: app, ready: true, started: true, restartCount: 0, image: rs.spec.template.spec.containers[0]!.image, imageID: '', state: { running: { startedAt: started } }, lastState: {} };
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: `${rs.metadata.name}-${suffix}`,
      namespace: NAMESPACE_NAME,
      labels: { ...rs.spec.template.metadata!.labels },
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: rs.metadata.name, uid: rs.metadata.uid!, controller: true, blockOwnerDeletion: true }],
      creationTimestamp: started,
    },
    spec: { ...structuredClone(rs.spec.template.spec), nodeName },
    status: {
      phase: 'Running',
      hostIP: nodeName.slice(3, nodeName.indexOf('.')).replaceAll('-', '.'),
      podIP: `192.168.${30 + index}.${10 + index}`,
      podIPs: [{ ip: `192.168.${30 + index}.${10 + index}` }],
      startTime: started,
      qosClass: 'Burstable',
      conditions: [ready('Initialized', started), { type: 'Ready', status: crashing ? 'False' : 'True', lastProbeTime: null, lastTransitionTime: started }, ready('PodScheduled', started)],
      containerStatuses: [containerStatus],
    },
  };
}

function sampleLogs(store: ObjectStore) {
  return {
    read(namespace: string, name: string, query: LogQuery): string {
      const pod = store.get<Pod>(POD, namespace, name);
      if (!pod) throw errors.notFound('pods', name);
      const container = query.container ?? pod.spec.containers[0]!.name;
      const lines = query.previous
        ? [`{"level":"error","msg":"java.lang.OutOfMemoryError: Java heap space","container":"${container}"}`]
        : [1, 2, 3].map((i) => `{"level":"info","msg":"GET /health 200","request":${i},"container":"${container}"}`);
      const tail = query.tailLines !== undefined ? lines.slice(Math.max(0, lines.length - query.tailLines)) : lines;
      return tail.map((l) => (query.timestamps ? `${isoTime(NOW)} ${l}` : l)).join('\n') + '\n';
    },
  };
}

function sampleUsage(store: ObjectStore, clock: ManualClock) {
  return {
    pods(namespace?: string): PodUsage[] {
      return store
        .list<Pod>(POD, namespace)
        .filter((p) => p.status.phase === 'Running')
        .map((p, i) => ({
          namespace: p.metadata.namespace!,
          name: p.metadata.name,
          timestamp: clock.now() - 10_000,
          windowSeconds: 30,
          containers: p.spec.containers.map((c) => ({ name: c.name, cpuCores: 0.012 + i * 0.001, memoryBytes: (96 + i) * 2 ** 20 })),
        }));
    },
    nodes(): NodeUsage[] {
      return store.list<Node>(NODE).map((n, i) => ({ name: n.metadata.name, timestamp: clock.now() - 10_000, windowSeconds: 20, cpuCores: 0.35 + i * 0.1, memoryBytes: (2200 + i * 100) * 2 ** 20 }));
    },
  };
}

/** A StressChaos manifest as a workshop would apply it (a memory leak in petsite). */
export function stressChaosManifest(name = 'petsite-memory-leak'): StressChaos {
  return {
    apiVersion: 'chaos-mesh.org/v1alpha1',
    kind: 'StressChaos',
    metadata: { name, namespace: NAMESPACE_NAME },
    spec: { mode: 'one', selector: { namespaces: [NAMESPACE_NAME], labelSelectors: { app: 'petsite' } }, stressors: { memory: { workers: 1, size: '256MB', time: '2m' } }, duration: '10m' },
  };
}

/** Serves a handler on 127.0.0.1 with an ephemeral port (https with `tls`); 404s anything it does not claim. */
export async function listenOnLoopback(handler: KubeApiHandler, tls?: ServingCertificate): Promise<{ server: Server; url: string; close(): Promise<void> }> {
  const listener = (req: IncomingMessage, res: ServerResponse) => {
    if (!handler(req, res)) {
      res.writeHead(404, { 'Content-Type': 'text/plain' });
      res.end('not found\n');
    }
  };
  const server: Server = tls ? createTlsServer({ key: tls.key, cert: tls.cert }, listener) : createServer(listener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    server,
    url: `${tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export interface ApiAnswer {
  status: number;
  contentType: string;
  text: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  json: any;
}

/** One HTTP call to a running API, for tests that assert on exact status codes and bodies. */
export async function callApi(
  base: string,
  method: string,
  path: string,
  options: { body?: unknown; contentType?: string; accept?: string; token?: string } = {},
): Promise<ApiAnswer> {
  const headers: Record<string, string> = {};
  if (options.body !== undefined) headers['Content-Type'] = options.contentType ?? 'application/json';
  if (options.accept) headers.Accept = options.accept;
  if (options.token) headers.Authorization = `Bearer ${options.token}`;
  const body = options.body === undefined ? undefined : typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
  const response = await fetch(base + path, { method, headers, body });
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, contentType: response.headers.get('content-type') ?? '', text, json };
}

export interface SampleApi extends SampleCluster {
  url: string;
  call(method: string, path: string, options?: Parameters<typeof callApi>[3]): Promise<ApiAnswer>;
  close(): Promise<void>;
}

/** The sample cluster behind the API on a loopback port. */
export async function startSampleApi(options: KubeApiOptions = {}): Promise<SampleApi> {
  const cluster = sampleCluster();
  const handler = createKubeApi(cluster.backend, { logger: createLogger('kube-api', { level: 'error', sink: () => undefined }), ...options });
  const served = await listenOnLoopback(handler);
  return {
    ...cluster,
    url: served.url,
    call: (method, path, callOptions = {}) => callApi(served.url, method, path, { ...(options.token ? { token: options.token } : {}), ...callOptions }),
    close: served.close,
  };
}
