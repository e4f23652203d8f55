/**
 * What each exporter of an EKS cluster would report, computed from the simulation: cAdvisor (per
 * node, from the container runtime), kube-state-metrics (from the object store), node-exporter (per
 * node) and each service's own /metrics. Names and labels are DESIGN.md's.
 */
import { parseQuantity } from '../../../../core/quantity.js';
import type { Deployment, Node, Pod } from '../cluster/objects.js';
import { DEPLOYMENT, NODE, POD } from '../cluster/resources.js';
import { controllerOf } from '../cluster/naming.js';
import type { ObjectStore } from '../cluster/store.js';
import type { ContainerRuntimeModel } from '../workload/runtime.js';
import { LATENCY_BUCKETS, type TrafficModel } from '../workload/traffic.js';
import { FamilyBuilder, type MetricFamily } from './families.js';

export interface NodeCounters {
  cpuSecondsByMode: Record<string, number>[];
  load1: number;
  filesystemAvailBytes: number;
  filesystemSizeBytes: number;
  memoryTotalBytes: number;
  memoryAvailableBytes: number;
  memoryFreeBytes: number;
  memoryCachedBytes: number;
}

export interface ExpositionSource {
  store: ObjectStore;
  runtime: ContainerRuntimeModel;
  traffic: TrafficModel;
  nodeCounters(node: string): NodeCounters | undefined;
}

export function collectCadvisor(source: ExpositionSource, node: string): MetricFamily[] {
  const b = new FamilyBuilder();
  const cpu = b.family('container_cpu_usage_seconds_total', 'counter', 'Cumulative cpu time consumed in seconds.');
  const ws = b.family('container_memory_working_set_bytes', 'gauge', 'Current working set in bytes.');
  const rss = b.family('container_memory_rss', 'gauge', 'Size of RSS in bytes.');
  const periods = b.family('container_cpu_cfs_periods_total', 'counter', 'Number of elapsed enforcement period intervals.');
  const throttled = b.family('container_cpu_cfs_throttled_periods_total', 'counter', 'Number of throttled period intervals.');
  const rx = b.family('container_network_receive_bytes_total', 'counter', 'Cumulative count of bytes received');
  const tx = b.family('container_network_transmit_bytes_total', 'counter', 'Cumulative count of bytes transmitted');
  const pods = new Map<string, { namespace: string; pod: string }>();
  for (const c of source.runtime.onNode(node)) {
    const labels = { namespace: c.namespace, pod: c.pod, container: c.container, node };
    cpu(labels, c.counters.cpuSecondsTotal);
    ws(labels, Math.round(c.usage.memoryWorkingSetBytes));
    rss(labels, Math.round(c.usage.memoryRssBytes));
    if (c.limits.cpuCores !== undefined) {
      periods(labels, Math.floor(c.counters.cfsPeriodsTotal));
      throttled(labels, Math.floor(c.counters.cfsThrottledPeriodsTotal));
    }
    pods.set(c.podUid, { namespace: c.namespace, pod: c.pod });
  }
  for (const [uid, p] of pods) {
    const net = source.runtime.network(uid);
    const labels = { namespace: p.namespace, pod: p.pod, container: 'POD', node };
    rx(labels, Math.floor(net.rxBytesTotal));
    tx(labels, Math.floor(net.txBytesTotal));
  }
  return b.build();
}

const PHASES = ['Pending', 'Running', 'Succeeded', 'Failed', 'Unknown'] as const;
const POD_REASONS = ['Evicted', 'NodeAffinity', 'NodeLost', 'Shutdown', 'UnexpectedAdmissionError'];
const TERMINATED_REASONS = ['OOMKilled', 'Error', 'Completed', 'ContainerCannotRun', 'DeadlineExceeded', 'Evicted'];

export function collectKubeState(source: ExpositionSource): MetricFamily[] {
  const b = new FamilyBuilder();
  const info = b.family('kube_pod_info', 'gauge', 'Information about pod.');
  const owner = b.family('kube_pod_owner', 'gauge', 'Information about the Pod\'s owner.');
  const phase = b.family('kube_pod_status_phase', 'gauge', 'The pods current phase.');
  const reason = b.family('kube_pod_status_reason', 'gauge', 'The pod status reasons');
  const ready = b.family('kube_pod_status_ready', 'gauge', 'Describes whether the pod is ready to serve requests.');
  const restarts = b.family('kube_pod_container_status_restarts_total', 'counter', 'The number of container restarts per container.');
  const lastTerminated = b.family('kube_pod_container_status_last_terminated_reason', 'gauge', 'Describes the last reason the container was in terminated state.');
  const waitingReason = b.family('kube_pod_container_status_waiting_reason', 'gauge', 'Describes the reason the container is currently in waiting state.');
  const containerReady = b.family('kube_pod_container_status_ready', 'gauge', 'Describes whether the containers readiness check succeeded.');
  const containerRunning = b.family('kube_pod_container_status_running', 'gauge', 'Describes whether the container is currently in running state.');
  const limits = b.family('kube_pod_container_resource_limits', 'gauge', 'The number of requested limit resource by a container.');
  const requests = b.family('kube_pod_container_resource_requests', 'gauge', 'The number of requested request resource by a container.');
  for (const pod of source.store.list<Pod>(POD)) {
    const ns = pod.metadata.namespace!;
    const name = pod.metadata.name;
    const uid = pod.metadata.uid!;
    const node = pod.spec.nodeName ?? '';
    const ctrl = controllerOf(pod);
    info({ namespace: ns, pod: name, uid, host_ip: pod.status.hostIP ?? '', pod_ip: pod.status.podIP ?? '', node, created_by_kind: ctrl?.kind ?? '<none>', created_by_name: ctrl?.name ?? '<none>', priority_class: pod.spec.priorityClassName ?? '', host_network: 'false' }, 1);
    owner({ namespace: ns, pod: name, uid, owner_kind: ctrl?.kind ?? '<none>', owner_name: ctrl?.name ?? '<none>', owner_is_controller: ctrl ? 'true' : '<none>' }, 1);
    for (const p of PHASES) phase({ namespace: ns, pod: name, uid, phase: p }, pod.status.phase === p ? 1 : 0);
    for (const r of POD_REASONS) reason({ namespace: ns, pod: name, uid, reason: r }, pod.status.reason === r ? 1 : 0);
    const isReady = pod.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
    for (const [condition, v] of [['true', isReady], ['false', !isReady], ['unknown', false]] as const) ready({ namespace: ns, pod: name, uid, condition }, v ? 1 : 0);
    for (const spec of pod.spec.containers) {
      const status = pod.status.containerStatuses?.find((s) => s.name === spec.name);
      const labels = { namespace: ns, pod: name, uid, container: spec.name };
      restarts(labels, status?.restartCount ?? 0);
      const last = status?.lastState.terminated?.reason;
      if (last) lastTerminated({ ...labels, reason: TERMINATED_REASONS.includes(last) ? last : 'Error' }, 1);
      const waiting = status?.state.waiting?.reason;
      if (waiting) waitingReason({ ...labels, reason: waiting }, 1);
      containerReady(labels, status?.ready ? 1 : 0);
      containerRunning(labels, status?.state.running ? 1 : 0);
      for (const [kind, family] of [['limits', limits], ['requests', requests]] as const) {
        const res = spec.resources?.[kind] ?? {};
        if (res.cpu) family({ ...labels, node, resource: 'cpu', unit: 'core' }, parseQuantity(res.cpu));
        if (res.memory) family({ ...labels, node, resource: 'memory', unit: 'byte' }, parseQuantity(res.memory));
      }
    }
  }
  const specReplicas = b.family('kube_deployment_spec_replicas', 'gauge', 'Number of desired pods for a deployment.');
  const available = b.family('kube_deployment_status_replicas_available', 'gauge', 'The number of available replicas per deployment.');
  const replicas = b.family('kube_deployment_status_replicas', 'gauge', 'The number of replicas per deployment.');
  const unavailable = b.family('kube_deployment_status_replicas_unavailable', 'gauge', 'The number of unavailable replicas per deployment.');
  const updated = b.family('kube_deployment_status_replicas_updated', 'gauge', 'The number of updated replicas per deployment.');
  const generation = b.family('kube_deployment_metadata_generation', 'gauge', 'Sequence number representing a specific generation of the desired state.');
  const observed = b.family('kube_deployment_status_observed_generation', 'gauge', 'The generation observed by the deployment controller.');
  for (const d of source.store.list<Deployment>(DEPLOYMENT)) {
    const labels = { namespace: d.metadata.namespace!, deployment: d.metadata.name };
    specReplicas(labels, d.spec.replicas ?? 1);
    available(labels, d.status.availableReplicas ?? 0);
    replicas(labels, d.status.replicas ?? 0);
    unavailable(labels, d.status.unavailableReplicas ?? 0);
    updated(labels, d.status.updatedReplicas ?? 0);
    generation(labels, d.metadata.generation ?? 1);
    observed(labels, d.status.observedGeneration ?? 0);
  }
  const condition = b.family('kube_node_status_condition', 'gauge', 'The condition of a cluster node.');
  const unschedulable = b.family('kube_node_spec_unschedulable', 'gauge', 'Whether a node can schedule new pods.');
  const nodeInfo = b.family('kube_node_info', 'gauge', 'Information about a cluster node.');
  const capacity = b.family('kube_node_status_capacity', 'gauge', 'The capacity for different resources of a node.');
  const allocatable = b.family('kube_node_status_allocatable', 'gauge', 'The allocatable for different resources of a node.');
  for (const n of source.store.list<Node>(NODE)) {
    const node = n.metadata.name;
    for (const c of n.status.conditions) {
      for (const s of ['true', 'false', 'unknown']) condition({ node, condition: c.type, status: s }, c.status.toLowerCase() === s ? 1 : 0);
    }
    unschedulable({ node }, n.spec.unschedulable ? 1 : 0);
    const ip = n.status.addresses.find((a) => a.type === 'InternalIP')?.address ?? '';
    nodeInfo({ node, kernel_version: n.status.nodeInfo.kernelVersion ?? '', os_image: n.status.nodeInfo.osImage ?? '', container_runtime_version: n.status.nodeInfo.containerRuntimeVersion ?? '', kubelet_version: n.status.nodeInfo.kubeletVersion ?? '', provider_id: n.spec.providerID ?? '', internal_ip: ip, system_uuid: n.status.nodeInfo.systemUUID ?? '' }, 1);
    for (const [family, values] of [[capacity, n.status.capacity], [allocatable, n.status.allocatable]] as const) {
      family({ node, resource: 'cpu', unit: 'core' }, parseQuantity(values.cpu!));
      family({ node, resource: 'memory', unit: 'byte' }, parseQuantity(values.memory!));
      family({ node, resource: 'pods', unit: 'integer' }, parseQuantity(values.pods!));
    }
  }
  return b.build();
}

export function collectNodeExporter(source: ExpositionSource, node: string): MetricFamily[] {
  const counters = source.nodeCounters(node);
  if (!counters) return [];
  const b = new FamilyBuilder();
  const cpu = b.family('node_cpu_seconds_total', 'counter', 'Seconds the CPUs spent in each mode.');
  counters.cpuSecondsByMode.forEach((modes, i) => {
    for (const [mode, seconds] of Object.entries(modes)) cpu({ cpu: String(i), mode, node }, Math.round(seconds * 100) / 100);
  });
  b.family('node_memory_MemTotal_bytes', 'gauge', 'Memory information field MemTotal_bytes.')({ node }, counters.memoryTotalBytes);
  b.family('node_memory_MemAvailable_bytes', 'gauge', 'Memory information field MemAvailable_bytes.')({ node }, Math.max(0, Math.round(counters.memoryAvailableBytes)));
  b.family('node_memory_MemFree_bytes', 'gauge', 'Memory information field MemFree_bytes.')({ node }, Math.max(0, Math.round(counters.memoryFreeBytes)));
  b.family('node_memory_Cached_bytes', 'gauge', 'Memory information field Cached_bytes.')({ node }, Math.round(counters.memoryCachedBytes));
  const fsLabels = { device: '/dev/nvme0n1p1', fstype: 'xfs', mountpoint: '/', node };
  b.family('node_filesystem_avail_bytes', 'gauge', 'Filesystem space available to non-root users in bytes.')(fsLabels, Math.round(counters.filesystemAvailBytes));
  b.family('node_filesystem_size_bytes', 'gauge', 'Filesystem size in bytes.')(fsLabels, counters.filesystemSizeBytes);
  b.family('node_load1', 'gauge', '1m load average.')({ node }, Math.round(counters.load1 * 100) / 100);
  return b.build();
}

export function collectApp(source: ExpositionSource, podUid: string): MetricFamily[] {
  const counters = source.traffic.countersOf(podUid);
  const b = new FamilyBuilder();
  const requests = b.family('http_requests_total', 'counter', 'Total number of HTTP requests by route, method and status code.');
  const histogram = b.family('http_request_duration_seconds', 'histogram', 'HTTP request latency in seconds.');
  if (!counters) return b.build();
  for (const r of counters.requests.values()) requests({ service: counters.service, route: r.route, method: r.method, code: r.code }, Math.round(r.value));
  for (const [route, h] of counters.durations) {
    LATENCY_BUCKETS.forEach((le, i) => histogram({ service: counters.service, route, le: String(le) }, Math.floor(h.buckets[i]!), 'http_request_duration_seconds_bucket'));
    histogram({ service: counters.service, route, le: '+Inf' }, Math.round(h.count), 'http_request_duration_seconds_bucket');
    histogram({ service: counters.service, route }, Math.round(h.sum * 1e6) / 1e6, 'http_request_duration_seconds_sum');
    histogram({ service: counters.service, route }, Math.round(h.count), 'http_request_duration_seconds_count');
  }
  return b.build();
}
