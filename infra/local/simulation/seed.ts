/**
 * The initial state of the simulated EKS cluster: three managed-node-group nodes, the petadoptions
 * namespace with its six deployments (and their ReplicaSet history), services and disruption budgets,
 * and the EKS system workloads. Pods are not seeded: the controllers create and schedule them, so the
 * cluster's history starts exactly as a real one would.
 */
import { isoTime } from '../../../core/clock.js';
import type { Random } from '../../../core/random.js';
import type { Container, DaemonSet, Deployment, Namespace, Node, Pod, PodDisruptionBudget, PodTemplateSpec, ReplicaSet } from './cluster/objects.js';
import { controllerRef, REVISION_ANNOTATION, templateHash } from './cluster/naming.js';
import { DAEMONSET, DEPLOYMENT, NAMESPACE, NODE, PDB, POD, REPLICASET, SERVICE, SERVICEACCOUNT } from './cluster/resources.js';
import type { ObjectStore } from './cluster/store.js';
import { APP_NAMESPACE, services, type ServiceProfile } from '../../../lib/petadoption/catalog.js';
import { systemWorkloads, type SystemWorkload } from './workload/system.js';
import { bootstrapCluster } from './cluster/bootstrap.js';

const DAY = 86_400_000;

export interface NodeSpec {
  name: string;
  zone: string;
  ip: string;
  instanceId: string;
}

export const CLUSTER_NAME = 'petadoptions-local';

export function nodeSpecs(random: Random): NodeSpec[] {
  const zones = ['us-west-2a', 'us-west-2b', 'us-west-2c'];
  return zones.map((zone, i) => {
    const ip = `192.168.${[27, 74, 139][i]}.${random.int(10, 250)}`;
    return { name: `ip-${ip.replaceAll('.', '-')}.us-west-2.compute.internal`, zone, ip, instanceId: `i-0${random.hex(16)}` };
  });
}

/** t3.large as EKS reports it: 2 vCPU, 8 GiB, 35 pods with the VPC CNI. */
export const NODE_CAPACITY = { cpu: '2', memory: '8047564Ki', pods: '35', 'ephemeral-storage': '20893676Ki' };
export const NODE_ALLOCATABLE = { cpu: '1930m', memory: '7308236Ki', pods: '35', 'ephemeral-storage': '18181869946' };

/** The deployment whose latest release rolls out during the simulated history ("a recent rollout"). */
export const RECENT_ROLLOUT = { service: 'petsite', hoursAgo: 2 };

/**
 * A container that crashed once during the history, as EKS agents do now and then (Fluent Bit exiting
 * on a CloudWatch Logs throttling error): the cluster's past is not spotless, and kube-state-metrics
 * has a last-terminated reason to report from the start.
 */
export const PAST_CRASH = { namespace: 'amazon-cloudwatch', app: 'fluent-bit', hoursAgo: 6, exitCode: 1, reason: 'Error', message: 'output:cloudwatch_logs: ThrottlingException: Rate exceeded' };

export function seedCluster(store: ObjectStore, random: Random, now: number): { nodes: NodeSpec[] } {
  for (const name of ['default', 'kube-system', 'kube-public', 'kube-node-lease', 'amazon-cloudwatch', APP_NAMESPACE, 'chaos-mesh']) createNamespace(store, name, now);
  const nodes = nodeSpecs(random);
  const nodeObjects = nodes.map((spec) => store.create<Node>(NODE, nodeObject(spec, now - 12 * DAY - random.int(0, 3600_000))));
  // After the nodes, so adding it left the seeded node names (and the fixtures naming them) as they were.
  createNamespace(store, 'monitoring', now);
  bootstrapCluster(store, now - 47 * DAY, nodeObjects);
  seedServiceAccounts(store, now);

  for (const service of services) seedDeployment(store, random, service, now);
  for (const workload of systemWorkloads) seedSystemWorkload(store, workload, now);

  for (const [name, minAvailable] of [['petsite', 1], ['petsearch', 1]] as const) {
    store.create<PodDisruptionBudget>(PDB, {
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: { name: `${name}-pdb`, namespace: APP_NAMESPACE, creationTimestamp: isoTime(now - 41 * DAY) },
      spec: { minAvailable, selector: { matchLabels: { app: name } } },
    });
  }
  store.create<PodDisruptionBudget>(PDB, {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: { name: 'coredns', namespace: 'kube-system', labels: { 'eks.amazonaws.com/component': 'coredns' }, creationTimestamp: isoTime(now - 47 * DAY) },
    spec: { maxUnavailable: 1, selector: { matchLabels: { 'eks.amazonaws.com/component': 'coredns', 'k8s-app': 'kube-dns' } } },
  });
  return { nodes };
}

const CHANGE_CAUSE = 'kubernetes.io/change-cause';

/** What the release pipeline records on each rollout (`kubectl annotate ... kubernetes.io/change-cause=...`). */
function changeCause(service: ServiceProfile, tag: string, index: number): string {
  return index === 0 ? `initial release ${tag} (kubectl apply -f petadoptions/${service.name}.yaml)` : `kubectl set image deployment/${service.name} ${service.name}=${service.image}:${tag}`;
}

function serviceSpec(service: ServiceProfile, random: Random, exposure: { type: 'ClusterIP' } | { type: 'NodePort'; nodePort: number }): Record<string, unknown> {
  const clusterIP = `10.100.${random.int(1, 254)}.${random.int(1, 254)}`;
  return {
    type: exposure.type,
    selector: { app: service.name },
    ports: [{ name: 'http', port: 80, targetPort: service.port, protocol: 'TCP', ...('nodePort' in exposure ? { nodePort: exposure.nodePort } : {}) }],
    clusterIP,
    clusterIPs: [clusterIP],
    internalTrafficPolicy: 'Cluster',
    ipFamilies: ['IPv4'],
    ipFamilyPolicy: 'SingleStack',
    sessionAffinity: 'None',
    ...(exposure.type === 'NodePort' ? { externalTrafficPolicy: 'Cluster' } : {}),
  };
}

/**
 * The service accounts the workloads run as: the application's own (IRSA: each bound to its IAM role by
 * the eks.amazonaws.com/role-arn annotation) and the EKS add-ons'. Every namespace's `default` one is the
 * serviceaccount controller's.
 */
function seedServiceAccounts(store: ObjectStore, now: number): void {
  const accounts = new Map<string, { namespace: string; created: number; annotations?: Record<string, string> }>();
  for (const service of services) {
    const name = appTemplate(service, service.currentTag).spec.serviceAccountName!;
    if (name !== 'default') accounts.set(name, { namespace: APP_NAMESPACE, created: now - 41 * DAY, annotations: { 'eks.amazonaws.com/role-arn': `arn:aws:iam::123456789012:role/petadoptions-${service.name}` } });
  }
  for (const workload of systemWorkloads) accounts.set(workload.name, { namespace: workload.namespace, created: now - (workload.namespace === 'kube-system' ? 47 * DAY - 240_000 : 40 * DAY) });
  for (const [name, account] of accounts) {
    store.create(SERVICEACCOUNT, {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name, namespace: account.namespace, creationTimestamp: isoTime(account.created), ...(account.annotations ? { annotations: account.annotations } : {}) },
    });
  }
}

/**
 * Pods the controllers created when the simulation started were, in the cluster's story, born long
 * before: DaemonSet pods when their node joined, the others when their ReplicaSet rolled out or, if
 * that is older, when the node group was last replaced. Their creation and start times move back
 * there (containers that restarted since keep their real times), so `kubectl get pods` shows ages as
 * varied as a real cluster's. Runs once, before the guaranteed history begins.
 */
export function backdateInitialPods(store: ObjectStore, random: Random, simulationStart: number): void {
  const shift = (time: string | undefined, by: number) => (time ? isoTime(Date.parse(time) - by) : time);
  for (const pod of store.list<Pod>(POD)) {
    const created = Date.parse(pod.metadata.creationTimestamp ?? '');
    if (!(created < simulationStart + 60_000) || pod.metadata.deletionTimestamp) continue;
    const owner = pod.metadata.ownerReferences?.find((r) => r.controller);
    const node = pod.spec.nodeName ? store.get<Node>(NODE, undefined, pod.spec.nodeName) : undefined;
    if (!owner || !node) continue;
    const nodeJoined = Date.parse(node.metadata.creationTimestamp!);
    let born: number;
    if (owner.kind === 'DaemonSet') born = nodeJoined + random.int(40, 150) * 1000;
    else {
      const rs = store.get<ReplicaSet>(REPLICASET, pod.metadata.namespace, owner.name);
      if (!rs || Date.parse(rs.metadata.creationTimestamp!) >= simulationStart) continue;
      born = Math.max(Date.parse(rs.metadata.creationTimestamp!), nodeJoined + random.int(3, 12) * 60_000) + random.int(5, 90) * 1000;
    }
    const by = created - born;
    store.update<Pod>(
      POD,
      {
        ...pod,
        metadata: { ...pod.metadata, creationTimestamp: isoTime(born) },
        status: {
          ...pod.status,
          startTime: shift(pod.status.startTime, by),
          conditions: pod.status.conditions?.map((c) => ({ ...c, lastTransitionTime: shift(c.lastTransitionTime, by) })),
          containerStatuses: pod.status.containerStatuses?.map((c) =>
            c.restartCount === 0 && c.state.running ? { ...c, state: { running: { startedAt: shift(c.state.running.startedAt, by) } } } : c,
          ),
        },
      },
      { rewriteCreationTimestamp: true },
    );
  }
}

function createNamespace(store: ObjectStore, name: string, now: number): void {
  store.create<Namespace>(NAMESPACE, {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name, labels: { 'kubernetes.io/metadata.name': name }, creationTimestamp: isoTime(now - (name === APP_NAMESPACE ? 41 : 47) * DAY) },
    spec: { finalizers: ['kubernetes'] },
    status: { phase: 'Active' },
  });
}

export function nodeObject(spec: NodeSpec, created: number): Node {
  const createdAt = isoTime(created);
  const condition = (type: string, status: 'True' | 'False', reason: string, message: string) => ({
    type, status, lastHeartbeatTime: createdAt, lastTransitionTime: createdAt, reason, message,
  });
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: spec.name,
      creationTimestamp: createdAt,
      labels: {
        'beta.kubernetes.io/arch': 'amd64',
        'beta.kubernetes.io/instance-type': 't3.large',
        'beta.kubernetes.io/os': 'linux',
        'eks.amazonaws.com/capacityType': 'ON_DEMAND',
        'eks.amazonaws.com/nodegroup': 'petadoptions-ng',
        'eks.amazonaws.com/nodegroup-image': 'ami-0c5b1a88b23bc6e1a',
        'failure-domain.beta.kubernetes.io/region': 'us-west-2',
        'failure-domain.beta.kubernetes.io/zone': spec.zone,
        'k8s.io/cloud-provider-aws': 'a94967527effcefb5f5829f529c0a1b9',
        'kubernetes.io/arch': 'amd64',
        'kubernetes.io/hostname': spec.name,
        'kubernetes.io/os': 'linux',
        'node.kubernetes.io/instance-type': 't3.large',
        'topology.kubernetes.io/region': 'us-west-2',
        'topology.kubernetes.io/zone': spec.zone,
      },
      annotations: { 'alpha.kubernetes.io/provided-node-ip': spec.ip, 'node.alpha.kubernetes.io/ttl': '0', 'volumes.kubernetes.io/controller-managed-attach-detach': 'true' },
    },
    spec: { providerID: `aws:///${spec.zone}/${spec.instanceId}` },
    status: {
      capacity: { ...NODE_CAPACITY },
      allocatable: { ...NODE_ALLOCATABLE },
      conditions: [
        condition('MemoryPressure', 'False', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'),
        condition('DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'),
        condition('PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'),
        condition('Ready', 'True', 'KubeletReady', 'kubelet is posting ready status'),
      ],
      addresses: [
        { type: 'InternalIP', address: spec.ip },
        { type: 'InternalDNS', address: spec.name },
        { type: 'Hostname', address: spec.name },
      ],
      nodeInfo: {
        architecture: 'amd64',
        bootID: '7f3c2a9e-41d7-4c55-9b0e-2e6a1d5c8b40',
        containerRuntimeVersion: 'containerd://1.7.23',
        kernelVersion: '6.1.119-129.201.amzn2023.x86_64',
        kubeProxyVersion: 'v1.31.4-eks-aeac579',
        kubeletVersion: 'v1.31.4-eks-aeac579',
        machineID: 'ec2a8c1f0e7b4d2c9a6f3e1d5b7c9a0e',
        operatingSystem: 'linux',
        osImage: 'Amazon Linux 2023.6.20250107',
        systemUUID: 'ec2a8c1f-0e7b-4d2c-9a6f-3e1d5b7c9a0e',
      },
      daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
    },
  };
}

export function appContainer(service: ServiceProfile, tag: string): Container {
  return {
    name: service.name,
    image: `${service.image}:${tag}`,
    imagePullPolicy: 'IfNotPresent',
    ports: [{ name: 'http', containerPort: service.port, protocol: 'TCP' }],
    env: service.env.map((e) => ({ ...e })),
    resources: { requests: { ...service.requests }, limits: { ...service.limits } },
    readinessProbe: { httpGet: { path: '/health', port: service.port, scheme: 'HTTP' }, initialDelaySeconds: 5, periodSeconds: 10, timeoutSeconds: 1, successThreshold: 1, failureThreshold: 3 },
    livenessProbe: { httpGet: { path: '/health', port: service.port, scheme: 'HTTP' }, initialDelaySeconds: 30, periodSeconds: 10, timeoutSeconds: 1, successThreshold: 1, failureThreshold: 3 },
    terminationMessagePath: '/dev/termination-log',
    terminationMessagePolicy: 'File',
  };
}

export function appTemplate(service: ServiceProfile, tag: string): PodTemplateSpec {
  return {
    metadata: {
      labels: { app: service.name, 'app.kubernetes.io/name': service.name, 'app.kubernetes.io/part-of': 'petadoptions' },
      annotations: { 'prometheus.io/scrape': 'true', 'prometheus.io/port': String(service.port), 'prometheus.io/path': '/metrics' },
    },
    spec: {
      serviceAccountName: service.name === 'petsite' || service.name === 'trafficgenerator' ? 'default' : `${service.name}-sa`,
      containers: [appContainer(service, tag)],
      restartPolicy: 'Always',
      terminationGracePeriodSeconds: 30,
      dnsPolicy: 'ClusterFirst',
      schedulerName: 'default-scheduler',
    },
  };
}

function seedDeployment(store: ObjectStore, random: Random, service: ServiceProfile, now: number): void {
  const created = now - (30 + random.int(0, 10)) * DAY;
  // Earlier revisions stay as ReplicaSets scaled to zero, so `kubectl rollout history` and rollbacks
  // have something real; the recent-rollout service gets its latest release during the history.
  const tags = service.name === RECENT_ROLLOUT.service ? [...service.previousTags] : [...service.previousTags, service.currentTag];
  const deployment = store.create<Deployment>(DEPLOYMENT, {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: service.name,
      namespace: APP_NAMESPACE,
      labels: { app: service.name, 'app.kubernetes.io/part-of': 'petadoptions' },
      annotations: { [REVISION_ANNOTATION]: String(tags.length), [CHANGE_CAUSE]: changeCause(service, tags.at(-1)!, tags.length - 1) },
      creationTimestamp: isoTime(created),
    },
    spec: {
      replicas: service.replicas,
      selector: { matchLabels: { app: service.name } },
      template: appTemplate(service, tags.at(-1)!),
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
      revisionHistoryLimit: 10,
      progressDeadlineSeconds: 600,
    },
    status: {},
  });
  tags.forEach((tag, i) => {
    const template = appTemplate(service, tag);
    const hash = templateHash(template);
    const current = i === tags.length - 1;
    store.create<ReplicaSet>(REPLICASET, {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: {
        name: `${service.name}-${hash}`,
        namespace: APP_NAMESPACE,
        labels: { ...template.metadata!.labels, 'pod-template-hash': hash },
        annotations: {
          [CHANGE_CAUSE]: changeCause(service, tag, i),
          [REVISION_ANNOTATION]: String(i + 1),
          'deployment.kubernetes.io/desired-replicas': String(service.replicas),
          'deployment.kubernetes.io/max-replicas': String(service.replicas + Math.ceil(service.replicas / 4)),
        },
        ownerReferences: [controllerRef(deployment)],
        creationTimestamp: isoTime(created + i * 9 * DAY),
      },
      spec: {
        replicas: current ? service.replicas : 0,
        selector: { matchLabels: { app: service.name, 'pod-template-hash': hash } },
        template: { ...template, metadata: { ...template.metadata, labels: { ...template.metadata!.labels, 'pod-template-hash': hash } } },
      },
      status: { replicas: 0 },
    });
  });
  if (service.name === 'petsite' || service.name === 'petsearch') {
    store.create(SERVICE, {
      apiVersion: 'v1', kind: 'Service',
      metadata: { name: service.name, namespace: APP_NAMESPACE, labels: { app: service.name }, creationTimestamp: isoTime(created) },
      // The web front end is exposed on every node (the ALB targets the NodePort, as the workshop's ingress does).
      spec: serviceSpec(service, random, service.name === 'petsite' ? { type: 'NodePort', nodePort: 30000 + random.int(0, 2767) } : { type: 'ClusterIP' }),
    });
  } else {
    store.create(SERVICE, {
      apiVersion: 'v1', kind: 'Service',
      metadata: { name: service.name, namespace: APP_NAMESPACE, labels: { app: service.name }, creationTimestamp: isoTime(created) },
      spec: serviceSpec(service, random, { type: 'ClusterIP' }),
    });
  }
}

function seedSystemWorkload(store: ObjectStore, workload: SystemWorkload, now: number): void {
  const created = isoTime(now - 47 * DAY);
  const template: PodTemplateSpec = {
    metadata: { labels: { ...workload.labels } },
    spec: {
      containers: workload.containers.map((c) => structuredClone(c.container)),
      ...(workload.priorityClassName ? { priorityClassName: workload.priorityClassName } : {}),
      priority: workload.priorityClassName === 'system-node-critical' ? 2000001000 : workload.priorityClassName ? 2000000000 : 0,
      serviceAccountName: workload.name,
      restartPolicy: 'Always',
      terminationGracePeriodSeconds: 30,
      tolerations: workload.kind === 'DaemonSet' ? [{ operator: 'Exists' }] : [{ key: 'CriticalAddonsOnly', operator: 'Exists' }],
    },
  };
  if (workload.kind === 'DaemonSet') {
    store.create<DaemonSet>(DAEMONSET, {
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: { name: workload.name, namespace: workload.namespace, labels: { ...workload.labels }, creationTimestamp: created },
      spec: {
        selector: { matchLabels: { ...workload.labels } },
        template,
        // The EKS add-ons roll node agents 10% of the nodes at a time; the CloudWatch agents one node at a time.
        updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: workload.namespace === 'kube-system' ? '10%' : 1, maxSurge: 0 } },
        revisionHistoryLimit: 10,
      },
      status: { currentNumberScheduled: 0, desiredNumberScheduled: 0, numberMisscheduled: 0, numberReady: 0 },
    });
    return;
  }
  const deployment = store.create<Deployment>(DEPLOYMENT, {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: workload.name, namespace: workload.namespace, labels: { ...workload.labels }, annotations: { [REVISION_ANNOTATION]: '1' }, creationTimestamp: created },
    spec: {
      replicas: workload.replicas ?? 1,
      selector: { matchLabels: { ...workload.labels } },
      template,
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 1 } },
      revisionHistoryLimit: 10,
      progressDeadlineSeconds: 600,
    },
    status: {},
  });
  const hash = templateHash(template);
  store.create<ReplicaSet>(REPLICASET, {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name: `${workload.name}-${hash}`,
      namespace: workload.namespace,
      labels: { ...workload.labels, 'pod-template-hash': hash },
      annotations: { [REVISION_ANNOTATION]: '1' },
      ownerReferences: [controllerRef(deployment)],
      creationTimestamp: created,
    },
    spec: { replicas: workload.replicas ?? 1, selector: { matchLabels: { ...workload.labels, 'pod-template-hash': hash } }, template: { ...template, metadata: { labels: { ...workload.labels, 'pod-template-hash': hash } } } },
    status: { replicas: 0 },
  });
}
