/**
 * The self-metrics of the cluster's other scrape targets, enough for the kubernetes-mixin dashboards
 * and alerts (kubelet.json, apiserver.json, proxy.json; KubeletDown, KubeAPIDown, KubeProxyDown,
 * KubeletTooManyPods, KubeletPlegDurationHigh, KubeAPIErrorBudgetBurn) and the common CoreDNS and VPC
 * CNI panels to read real shapes: names, HELP texts, labels and bucket bounds from kubernetes/kubernetes
 * (pkg/kubelet/metrics, staging/src/k8s.io/apiserver/pkg/endpoints/metrics), coredns/coredns
 * (plugin/metrics, plugin/cache, plugin/forward) and aws/amazon-vpc-cni-k8s (pkg/ipamd, pkg/awsutils).
 * Values follow the model: pod and container counts from the runtime, API traffic from the object
 * count, DNS queries from the application's request rate.
 */
import type { Node, Pod } from '../cluster/objects.js';
import { NODE, POD } from '../cluster/resources.js';
import { FamilyBuilder, type FamilyFilter, type MetricFamily } from './families.js';
import { goRuntime, histogram, logNormalShare, processMetrics } from './self-metrics.js';
import type { ExpositionSource } from './source.js';

const MiB = 2 ** 20;
const KUBE_VERSION = { git_version: 'v1.31.4-eks-aeac579', git_commit: '8f5d3a4c1c6d0b1e7ab1f8f2b6b0f7c3d2e1a0b9', git_tree_state: 'clean', build_date: '2024-12-12T00:00:00Z', go_version: 'go1.22.9', compiler: 'gc', platform: 'linux/amd64', major: '1', minor: '31' };
/** kubelet and client-go default histogram bounds (prometheus.DefBuckets and the kubelet's own). */
const DEF_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const POD_START_BUCKETS = [0.5, 1, 2, 3, 4, 5, 6, 8, 10, 20, 30, 45, 60, 120, 180, 240, 300, 360, 480, 600, 900, 1200, 1800, 2700, 3600];

function kubernetesBuildInfo(b: FamilyBuilder): void {
  b.family('kubernetes_build_info', 'gauge', 'A metric with a constant \'1\' value labeled by major, minor, git version, git commit, git tree state, build date, Go version, and compiler from which Kubernetes was built, and platform on which it is running.')(KUBE_VERSION, 1);
}

const uptimeOf = (source: ExpositionSource, startedAt: number) => Math.max(1, source.now / 1000 - startedAt);

/** kubelet /metrics: running pods and containers, PLEG, pod workers, runtime operations, its API client. */
export function collectKubelet(source: ExpositionSource, node: string, bootTime: number, keep?: FamilyFilter): MetricFamily[] {
  const b = new FamilyBuilder(keep);
  const uptime = uptimeOf(source, bootTime + 20);
  const running = source.runtime.onNode(node);
  const pods = new Set(running.map((c) => c.podUid));
  const onNode = source.store.list<Pod>(POD).filter((p) => p.spec.nodeName === node);
  b.family('kubelet_node_name', 'gauge', '[ALPHA] The node\'s name. The count is always 1.')({ node }, 1);
  b.family('kubelet_running_pods', 'gauge', '[ALPHA] Number of pods that have a running pod sandbox')({}, pods.size);
  const containers = b.family('kubelet_running_containers', 'gauge', '[ALPHA] Number of containers currently running');
  containers({ container_state: 'running' }, running.length);
  containers({ container_state: 'exited' }, onNode.reduce((s, p) => s + (p.status.containerStatuses ?? []).filter((c) => c.lastState.terminated).length, 0));
  containers({ container_state: 'created' }, 0);
  containers({ container_state: 'unknown' }, 0);
  b.family('kubelet_desired_pods', 'gauge', '[ALPHA] The number of pods the kubelet is being instructed to run. static is true if the pod is not from the apiserver.')({ static: '' }, onNode.length);
  b.family('kubelet_node_config_error', 'gauge', '[ALPHA] This metric is true (1) if the node is experiencing a configuration-related error, false (0) otherwise.')({}, 0);
  b.family('kubelet_certificate_manager_client_ttl_seconds', 'gauge', '[ALPHA] Gauge of the TTL (time-to-live) of the Kubelet\'s client certificate. The value is in seconds until certificate expiry (negative if already expired). If client certificate is invalid or unused, the value will be +INF.')({}, 31_536_000 - (uptime % 31_536_000));
  b.family('kubelet_certificate_manager_client_expiration_renew_errors', 'counter', '[ALPHA] Counter of certificate renewal errors.')({}, 0);
  b.family('kubelet_server_expiration_renew_errors', 'counter', '[ALPHA] Counter of certificate renewal errors.')({}, 0);
  b.family('volume_manager_total_volumes', 'gauge', '[ALPHA] Number of volumes in Volume Manager')({ plugin_name: 'kubernetes.io/projected', state: 'actual_state_of_world' }, onNode.length);
  const pleg = b.family('kubelet_pleg_relist_duration_seconds', 'histogram', '[ALPHA] Duration in seconds for relisting pods in PLEG.');
  histogram(pleg, 'kubelet_pleg_relist_duration_seconds', {}, DEF_BUCKETS, uptime, 0.012, logNormalShare(0.011, 0.4));
  const plegInterval = b.family('kubelet_pleg_relist_interval_seconds', 'histogram', '[ALPHA] Interval in seconds between relisting in PLEG.');
  histogram(plegInterval, 'kubelet_pleg_relist_interval_seconds', {}, DEF_BUCKETS, uptime, 1.01, logNormalShare(1.01, 0.01));
  b.family('kubelet_pleg_last_seen_seconds', 'gauge', '[ALPHA] Timestamp in seconds when PLEG was last seen active.')({}, Math.floor(source.now / 1000));
  const worker = b.family('kubelet_pod_worker_duration_seconds', 'histogram', '[ALPHA] Duration in seconds to sync a single pod. Broken down by operation type: create, update, or sync');
  for (const [operation_type, share] of [['create', 0.002], ['sync', 1], ['update', 0.01]] as const) histogram(worker, 'kubelet_pod_worker_duration_seconds', { operation_type }, [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10], uptime * pods.size * share / 10, 0.02, logNormalShare(operation_type === 'create' ? 0.9 : 0.015, 0.7));
  const podStart = b.family('kubelet_pod_start_duration_seconds', 'histogram', '[ALPHA] Duration in seconds from kubelet seeing a pod for the first time to the pod starting to run');
  histogram(podStart, 'kubelet_pod_start_duration_seconds', {}, POD_START_BUCKETS, onNode.length, 2.4, logNormalShare(2.2, 0.5));
  const runtimeOps = b.family('kubelet_runtime_operations_total', 'counter', '[ALPHA] Cumulative number of runtime operations by operation type.');
  const runtimeDuration = b.family('kubelet_runtime_operations_duration_seconds', 'histogram', '[ALPHA] Duration in seconds of runtime operations. Broken down by operation type.');
  for (const [operation_type, perSecond] of [['container_status', 0.4 * running.length], ['list_containers', 1], ['list_podsandbox', 1], ['podsandbox_status', 0.1 * pods.size], ['exec_sync', 0], ['version', 0.1]] as const) {
    runtimeOps({ operation_type }, Math.floor(uptime * perSecond));
    histogram(runtimeDuration, 'kubelet_runtime_operations_duration_seconds', { operation_type }, [0.005, 0.0125, 0.03125, 0.078125, 0.1953125, 0.48828125, 1.220703125, 3.0517578125, 7.62939453125, 19.073486328125, 47.6837158203125, 119.20928955078125, 298.0232238769531, 745.0580596923828], uptime * perSecond, 0.003, logNormalShare(0.0025, 0.5));
  }
  b.family('kubelet_runtime_operations_errors_total', 'counter', '[ALPHA] Cumulative number of runtime operation errors by operation type.')({ operation_type: 'container_status' }, 0);
  const cgroup = b.family('kubelet_cgroup_manager_duration_seconds', 'histogram', '[ALPHA] Duration in seconds for cgroup manager operations. Broken down by method.');
  for (const operation_type of ['create', 'destroy', 'update']) histogram(cgroup, 'kubelet_cgroup_manager_duration_seconds', { operation_type }, DEF_BUCKETS, operation_type === 'update' ? uptime / 60 : onNode.length, 0.004, logNormalShare(0.004, 0.5));
  b.family('kubelet_evictions', 'counter', '[ALPHA] Cumulative number of pod evictions by eviction signal')({ eviction_signal: 'memory.available' }, onNode.filter((p) => p.status.reason === 'Evicted').length);
  restClient(b, uptime, 0.9);
  const storage = b.family('storage_operation_duration_seconds', 'histogram', '[BETA] Storage operation duration');
  histogram(storage, 'storage_operation_duration_seconds', { migrated: 'false', operation_name: 'volume_mount', status: 'success', volume_plugin: 'kubernetes.io/projected' }, [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15, 25, 50, 120, 300, 600], onNode.length, 0.02, logNormalShare(0.02, 0.4));
  kubernetesBuildInfo(b);
  processMetrics(b, { startTime: bootTime + 20, cpuSeconds: uptime * 0.024, residentBytes: 78 * MiB, virtualBytes: 2_040 * MiB, openFds: 38, maxFds: 1_000_000 });
  goRuntime(b, { goroutines: 310 + 12 * pods.size, version: KUBE_VERSION.go_version, heapBytes: 31 * MiB, gcCount: Math.floor(uptime / 40) });
  return b.build();
}

/** client-go's request metrics, as every Kubernetes component that talks to the API server exposes them. */
function restClient(b: FamilyBuilder, uptime: number, perSecond: number): void {
  const host = 'A3F8C2D1E4B5A6C7D8E9F0A1B2C3D4E5.gr7.us-west-2.eks.amazonaws.com';
  const requests = b.family('rest_client_requests_total', 'counter', '[ALPHA] Number of HTTP requests, partitioned by status code, method, and host.');
  requests({ code: '200', host, method: 'GET' }, Math.floor(uptime * perSecond * 0.6));
  requests({ code: '200', host, method: 'PATCH' }, Math.floor(uptime * perSecond * 0.25));
  requests({ code: '201', host, method: 'POST' }, Math.floor(uptime * perSecond * 0.1));
  requests({ code: '404', host, method: 'GET' }, Math.floor(uptime * perSecond * 0.002));
  const duration = b.family('rest_client_request_duration_seconds', 'histogram', '[ALPHA] Request latency in seconds. Broken down by verb, and host.');
  for (const verb of ['GET', 'PATCH', 'POST']) histogram(duration, 'rest_client_request_duration_seconds', { host, verb }, [0.005, 0.025, 0.1, 0.25, 0.5, 1, 2, 4, 8, 15, 30, 60], uptime * perSecond * (verb === 'GET' ? 0.6 : 0.2), 0.012, logNormalShare(0.01, 0.6));
}

/** Verb x resource traffic the controllers, kubelets and add-ons keep up against an idle EKS API server. */
const API_TRAFFIC: { verb: string; resource: string; group: string; scope: string; perSecond: number; median: number }[] = [
  { verb: 'GET', resource: 'pods', group: '', scope: 'resource', perSecond: 0.9, median: 0.006 },
  { verb: 'LIST', resource: 'pods', group: '', scope: 'cluster', perSecond: 0.05, median: 0.03 },
  { verb: 'WATCH', resource: 'pods', group: '', scope: 'cluster', perSecond: 0.02, median: 60 },
  { verb: 'PATCH', resource: 'pods', group: '', scope: 'resource', perSecond: 0.3, median: 0.012 },
  { verb: 'GET', resource: 'nodes', group: '', scope: 'resource', perSecond: 0.4, median: 0.005 },
  { verb: 'PATCH', resource: 'nodes', group: '', scope: 'resource', perSecond: 0.05, median: 0.013 },
  { verb: 'PUT', resource: 'leases', group: 'coordination.k8s.io', scope: 'resource', perSecond: 1.1, median: 0.009 },
  { verb: 'GET', resource: 'leases', group: 'coordination.k8s.io', scope: 'resource', perSecond: 1.1, median: 0.004 },
  { verb: 'LIST', resource: 'deployments', group: 'apps', scope: 'cluster', perSecond: 0.01, median: 0.02 },
  { verb: 'GET', resource: 'configmaps', group: '', scope: 'resource', perSecond: 0.2, median: 0.005 },
  { verb: 'POST', resource: 'events', group: '', scope: 'resource', perSecond: 0.08, median: 0.011 },
  { verb: 'LIST', resource: 'namespaces', group: '', scope: 'cluster', perSecond: 0.01, median: 0.01 },
];
/** apiserver_request_duration_seconds bounds as kube-prometheus keeps them (its ServiceMonitor drops the others). */
const APISERVER_BUCKETS = [0.005, 0.025, 0.05, 0.1, 0.2, 0.4, 0.6, 0.8, 1, 1.25, 1.5, 2, 3, 4, 5, 6, 8, 10, 15, 20, 30, 45, 60];
const SLI_BUCKETS = [0.05, 0.1, 0.2, 0.4, 0.6, 0.8, 1, 1.25, 1.5, 2, 3, 4, 5, 6, 8, 10, 15, 20, 30, 45, 60];

/** One EKS API server endpoint (EKS runs two behind the `kubernetes` Service). */
export function collectApiServer(source: ExpositionSource, startedAt: number, share: number, keep?: FamilyFilter): MetricFamily[] {
  const b = new FamilyBuilder(keep);
  const uptime = uptimeOf(source, startedAt);
  const objects = source.store.list<Pod>(POD).length;
  const load = share * (1 + objects / 100);
  const total = b.family('apiserver_request_total', 'counter', '[STABLE] Counter of apiserver requests broken out for each verb, dry run value, group, version, resource, scope, component, and HTTP response code.');
  const duration = b.family('apiserver_request_duration_seconds', 'histogram', '[STABLE] Response latency distribution in seconds for each verb, dry run value, group, version, resource, subresource, scope and component.');
  const sli = b.family('apiserver_request_sli_duration_seconds', 'histogram', '[ALPHA] Response latency distribution (not counting webhook duration and priority & fairness queue wait times) in seconds for each verb, group, version, resource, subresource, scope and component.');
  for (const t of API_TRAFFIC) {
    const count = uptime * t.perSecond * load;
    const labels = { component: 'apiserver', dry_run: '', group: t.group, resource: t.resource, scope: t.scope, subresource: '', verb: t.verb, version: 'v1' };
    total({ code: t.verb === 'POST' ? '201' : '200', component: 'apiserver', dry_run: '', group: t.group, resource: t.resource, scope: t.scope, subresource: '', verb: t.verb, version: 'v1' }, Math.floor(count));
    if (t.verb === 'GET') total({ code: '404', component: 'apiserver', dry_run: '', group: t.group, resource: t.resource, scope: t.scope, subresource: '', verb: t.verb, version: 'v1' }, Math.floor(count * 0.003));
    histogram(duration, 'apiserver_request_duration_seconds', labels, APISERVER_BUCKETS, count, t.median * 1.1, logNormalShare(t.median, 0.5));
    const { dry_run: _dryRun, ...sliLabels } = labels;
    if (t.verb !== 'WATCH') histogram(sli, 'apiserver_request_sli_duration_seconds', sliLabels, SLI_BUCKETS, count, t.median, logNormalShare(t.median, 0.5));
  }
  const inflight = b.family('apiserver_current_inflight_requests', 'gauge', '[STABLE] Maximal number of currently used inflight request limit of this apiserver per request kind in last second.');
  inflight({ request_kind: 'mutating' }, 0);
  inflight({ request_kind: 'readOnly' }, 1);
  const storage = b.family('apiserver_storage_objects', 'gauge', '[STABLE] Number of stored objects at the time of last check split by kind. In case of a fetching error, the value will be -1.');
  storage({ resource: 'pods' }, objects);
  storage({ resource: 'nodes' }, source.store.list<Node>(NODE).length);
  b.family('apiserver_storage_size_bytes', 'gauge', '[STABLE] Size of the storage database file physically allocated in bytes.')({ storage_cluster_id: 'etcd-0' }, 31 * MiB);
  b.family('aggregator_unavailable_apiservice', 'gauge', '[ALPHA] Gauge of APIServices which are marked as unavailable broken down by APIService name.')({ name: 'v1beta1.metrics.k8s.io' }, 0);
  const certs = b.family('apiserver_client_certificate_expiration_seconds', 'histogram', '[ALPHA] Distribution of the remaining lifetime on the certificate used to authenticate a request.');
  histogram(certs, 'apiserver_client_certificate_expiration_seconds', {}, [0, 1800, 3600, 7200, 21600, 43200, 86400, 172800, 345600, 604800, 2592000, 7776000, 15552000, 31104000], 0, 0, () => 0);
  kubernetesBuildInfo(b);
  processMetrics(b, { startTime: startedAt, cpuSeconds: uptime * 0.09, residentBytes: 610 * MiB, virtualBytes: 2_900 * MiB, openFds: 260, maxFds: 1_048_576 });
  goRuntime(b, { goroutines: 3_400, version: KUBE_VERSION.go_version, heapBytes: 280 * MiB, gcCount: Math.floor(uptime / 20) });
  return b.build();
}

/** One CoreDNS replica: queries in proportion to the application's traffic (every call resolves a Service). */
export function collectCoreDns(source: ExpositionSource, startedAt: number, replicas: number, keep?: FamilyFilter): MetricFamily[] {
  const b = new FamilyBuilder(keep);
  const uptime = uptimeOf(source, startedAt);
  // Every running container resolves names now and then; the application's callers resolve Services.
  const queries = (uptime * (1.5 + 0.35 * source.runtime.running().length)) / Math.max(1, replicas);
  const server = { server: 'dns://:53', zone: '.' };
  const requests = b.family('coredns_dns_requests_total', 'counter', 'Counter of DNS requests made per zone, protocol and family.');
  const responses = b.family('coredns_dns_responses_total', 'counter', 'Counter of response status codes.');
  for (const [type, share] of [['A', 0.48], ['AAAA', 0.48], ['other', 0.04]] as const) requests({ ...server, family: '1', proto: 'udp', type, view: '' }, Math.floor(queries * share));
  for (const [rcode, share] of [['NOERROR', 0.62], ['NXDOMAIN', 0.38], ['SERVFAIL', 0]] as const) responses({ ...server, plugin: rcode === 'NXDOMAIN' ? 'kubernetes' : 'cache', rcode, view: '' }, Math.floor(queries * share));
  const duration = b.family('coredns_dns_request_duration_seconds', 'histogram', 'Histogram of the time (in seconds) each request took per zone.');
  histogram(duration, 'coredns_dns_request_duration_seconds', { ...server, type: 'A', view: '' }, [0.00025, 0.0005, 0.001, 0.002, 0.004, 0.008, 0.016, 0.032, 0.064, 0.128, 0.256, 0.512, 1.024, 2.048, 4.096, 8.192], queries * 0.48, 0.0004, logNormalShare(0.00015, 0.9));
  const size = b.family('coredns_dns_request_size_bytes', 'histogram', 'Size of the EDNS0 UDP buffer in bytes (64K for TCP) per zone and protocol.');
  histogram(size, 'coredns_dns_request_size_bytes', { ...server, proto: 'udp', view: '' }, [0, 100, 200, 300, 400, 511, 1023, 2047, 4095, 8291, 16000, 32000, 48000, 64000], queries, 62, logNormalShare(60, 0.2));
  const entries = b.family('coredns_cache_entries', 'gauge', 'The number of elements in the cache.');
  entries({ server: 'dns://:53', type: 'denial', view: '', zones: '.' }, 142);
  entries({ server: 'dns://:53', type: 'success', view: '', zones: '.' }, 61);
  const hits = b.family('coredns_cache_hits_total', 'counter', 'The count of cache hits.');
  hits({ server: 'dns://:53', type: 'denial', view: '', zones: '.' }, Math.floor(queries * 0.33));
  hits({ server: 'dns://:53', type: 'success', view: '', zones: '.' }, Math.floor(queries * 0.45));
  b.family('coredns_cache_misses_total', 'counter', 'The count of cache misses. Deprecated, derive misses from cache hits/requests counters.')({ server: 'dns://:53', view: '', zones: '.' }, Math.floor(queries * 0.22));
  b.family('coredns_cache_requests_total', 'counter', 'The count of cache requests.')({ server: 'dns://:53', view: '', zones: '.' }, Math.floor(queries));
  const upstream = b.family('coredns_proxy_request_duration_seconds', 'histogram', 'Histogram of the time each request took.');
  histogram(upstream, 'coredns_proxy_request_duration_seconds', { proxy_name: 'forward', rcode: 'NOERROR', to: '192.168.0.2:53' }, [0.00025, 0.0005, 0.001, 0.002, 0.004, 0.008, 0.016, 0.032, 0.064, 0.128, 0.256, 0.512, 1.024, 2.048, 4.096, 8.192], queries * 0.05, 0.0011, logNormalShare(0.0009, 0.5));
  b.family('coredns_forward_healthcheck_broken_total', 'counter', 'Counter of the number of complete failures of the healthchecks.')({}, 0);
  b.family('coredns_panics_total', 'counter', 'A metrics that counts the number of panics.')({}, 0);
  b.family('coredns_build_info', 'gauge', 'A metric with a constant \'1\' value labeled by version, revision, and goversion from which CoreDNS was built.')({ goversion: 'go1.22.8', revision: '', version: '1.11.4' }, 1);
  const plugins = b.family('coredns_plugin_enabled', 'gauge', 'A metric that indicates whether a plugin is enabled on per server and zone basis.');
  for (const name of ['cache', 'errors', 'forward', 'health', 'kubernetes', 'loadbalance', 'loop', 'prometheus', 'ready', 'reload']) plugins({ name, server: 'dns://:53', view: '', zone: '.' }, 1);
  processMetrics(b, { startTime: startedAt, cpuSeconds: uptime * 0.002, residentBytes: 18 * MiB, virtualBytes: 1_290 * MiB, openFds: 14, maxFds: 1_048_576 });
  goRuntime(b, { goroutines: 44, version: 'go1.22.8', heapBytes: 5 * MiB, gcCount: Math.floor(uptime / 60) });
  return b.build();
}

/** kube-proxy (iptables mode, as the EKS add-on runs it) on one node. */
export function collectKubeProxy(source: ExpositionSource, startedAt: number, keep?: FamilyFilter): MetricFamily[] {
  const b = new FamilyBuilder(keep);
  const uptime = uptimeOf(source, startedAt);
  const syncs = uptime / 30;
  const sync = b.family('kubeproxy_sync_proxy_rules_duration_seconds', 'histogram', '[ALPHA] SyncProxyRules latency in seconds');
  const bounds = [0.001, 0.002, 0.004, 0.008, 0.016, 0.032, 0.064, 0.128, 0.256, 0.512, 1.024, 2.048, 4.096, 8.192, 16.384];
  histogram(sync, 'kubeproxy_sync_proxy_rules_duration_seconds', {}, bounds, syncs, 0.021, logNormalShare(0.018, 0.4));
  const programming = b.family('kubeproxy_network_programming_duration_seconds', 'histogram', '[ALPHA] In Cluster Network Programming Latency in seconds');
  histogram(programming, 'kubeproxy_network_programming_duration_seconds', {}, [0.25, 0.5, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 58, 59, 60, 65, 70, 75, 80, 85, 90, 95, 100, 105, 110, 115, 120, 150, 180, 210, 240, 270, 300], syncs / 4, 0.9, logNormalShare(0.8, 0.4));
  b.family('kubeproxy_sync_proxy_rules_last_timestamp_seconds', 'gauge', '[ALPHA] The last time proxy rules were successfully synced')({}, Math.floor(source.now / 1000 - (uptime % 30)));
  b.family('kubeproxy_sync_proxy_rules_iptables_total', 'gauge', '[ALPHA] Total number of iptables rules owned by kube-proxy')({ table: 'filter' }, 9);
  restClient(b, uptime, 0.05);
  kubernetesBuildInfo(b);
  processMetrics(b, { startTime: startedAt, cpuSeconds: uptime * 0.002, residentBytes: 24 * MiB, virtualBytes: 1_300 * MiB, openFds: 12, maxFds: 1_048_576 });
  goRuntime(b, { goroutines: 52, version: KUBE_VERSION.go_version, heapBytes: 6 * MiB, gcCount: Math.floor(uptime / 60) });
  return b.build();
}

/** The VPC CNI's ipamd on one node (port 61678): ENIs and IPs in proportion to the node's pods. */
export function collectAwsNode(source: ExpositionSource, node: string, startedAt: number, keep?: FamilyFilter): MetricFamily[] {
  const b = new FamilyBuilder(keep);
  const uptime = uptimeOf(source, startedAt);
  const pods = source.store.list<Pod>(POD).filter((p) => p.spec.nodeName === node && p.status.podIP && !['Succeeded', 'Failed'].includes(p.status.phase ?? '')).length;
  // t3.large: 3 ENIs x 12 IPv4 addresses (one primary each), warm ENI target 1.
  const enis = Math.min(3, 1 + Math.ceil(pods / 11));
  b.family('awscni_eni_allocated', 'gauge', 'The number of ENIs allocated')({}, enis);
  b.family('awscni_eni_max', 'gauge', 'The maximum number of ENIs that can be attached to the instance, accounting for unmanaged ENIs')({}, 3);
  b.family('awscni_ip_max', 'gauge', 'The maximum number of IP addresses that can be allocated to the instance')({}, 33);
  b.family('awscni_total_ip_addresses', 'gauge', 'The total number of IP addresses')({}, enis * 11);
  b.family('awscni_assigned_ip_addresses', 'gauge', 'The number of IP addresses assigned to pods')({}, pods);
  b.family('awscni_add_ip_req_count', 'counter', 'The number of add IP address requests')({}, pods + Math.floor(uptime / 3600));
  b.family('awscni_del_ip_req_count', 'counter', 'The number of delete IP address requests')({ reason: 'PodDeleted' }, Math.floor(uptime / 3600));
  b.family('awscni_force_removed_enis', 'counter', 'The number of ENIs force removed while they had assigned pods')({}, 0);
  b.family('awscni_force_removed_ips', 'counter', 'The number of IPs force removed while they had assigned pods')({}, 0);
  b.family('awscni_ipamd_action_inprogress', 'gauge', 'The number of ipamd actions in progress')({ fn: 'nodeIPPoolReconcile' }, 0);
  b.family('awscni_reconcile_count', 'counter', 'The number of times ipamd reconciles on ENIs and IP/Prefix addresses')({ fn: 'eniDataStorePoolReconcileAdd' }, Math.floor(uptime / 60));
  b.family('awscni_aws_api_error_count', 'counter', 'The number of times AWS API returns an error')({ api: 'DescribeInstances', error: 'RequestLimitExceeded' }, 0);
  const latency = b.family('awscni_aws_api_latency_ms', 'summary', 'AWS API call latency in ms');
  latency({ api: 'DescribeNetworkInterfaces', error: 'false', status: '200' }, Math.floor(uptime / 60) * 120, 'awscni_aws_api_latency_ms_sum');
  latency({ api: 'DescribeNetworkInterfaces', error: 'false', status: '200' }, Math.floor(uptime / 60), 'awscni_aws_api_latency_ms_count');
  b.family('awscni_build_info', 'gauge', 'The CNI build info')({ goversion: 'go1.22.10', version: 'v1.19.2-eksbuild.1' }, 1);
  processMetrics(b, { startTime: startedAt, cpuSeconds: uptime * 0.004, residentBytes: 46 * MiB, virtualBytes: 1_400 * MiB, openFds: 20, maxFds: 1_048_576 });
  goRuntime(b, { goroutines: 60, version: 'go1.22.10', heapBytes: 9 * MiB, gcCount: Math.floor(uptime / 60) });
  return b.build();
}
