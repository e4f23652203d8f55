/**
 * The scrape targets of the local cluster, as Prometheus discovers them (HTTP SD) and as the backfilled
 * history labels them. One list serves both, so history and live series carry identical label sets.
 *
 * Scrape pools and target labels follow kube-prometheus: prometheus-operator names a pool
 * `serviceMonitor/<namespace>/<name>/<endpoint index>` and gives each target `job` (the Service's name
 * or its jobLabel), `instance` (the endpoint address), `namespace`, `service`, `endpoint` (the port
 * name), `pod` and `container` when the endpoint is a pod, `node` when it is a node; the kubelet
 * ServiceMonitor adds `metrics_path`, the node-exporter one replaces `instance` with the node's name and
 * the kube-state-metrics one drops pod/service/endpoint/namespace (manifests/*-serviceMonitor*.yaml).
 * The discovery answer carries those final labels, so the Prometheus configuration needs no relabelling.
 * One addition to kube-prometheus: node-exporter targets also get `node` (DESIGN.md's contract), as
 * EKS setups commonly relabel it from `__meta_kubernetes_pod_node_name`.
 */
import type { Deployment, Node, Pod } from '../cluster/objects.js';
import { DEPLOYMENT, NODE, POD } from '../cluster/resources.js';
import { APP_NAMESPACE, serviceByName } from '../../../../lib/petadoption/catalog.js';
import { collectApiServer, collectApp, collectAwsNode, collectCadvisor, collectCoreDns, collectKubelet, collectKubeProxy, collectKubeState, collectKubeStateSelf, collectNodeExporter } from './collectors.js';
import type { FamilyFilter, MetricFamily } from './families.js';
import type { ExpositionSource } from './source.js';

/** The scrape pools (one Prometheus scrape config each), with whether the exposition's labels win. */
export const SCRAPE_POOLS = {
  'serviceMonitor/monitoring/kubelet/0': { honorLabels: true },
  'serviceMonitor/monitoring/kubelet/1': { honorLabels: true },
  'serviceMonitor/monitoring/node-exporter/0': { honorLabels: false },
  'serviceMonitor/monitoring/kube-state-metrics/0': { honorLabels: true },
  'serviceMonitor/monitoring/kube-state-metrics/1': { honorLabels: false },
  'serviceMonitor/monitoring/kube-apiserver/0': { honorLabels: false },
  'serviceMonitor/monitoring/coredns/0': { honorLabels: false },
  'podMonitor/monitoring/kube-proxy/0': { honorLabels: false },
  'podMonitor/monitoring/aws-node/0': { honorLabels: false },
  'kubernetes-pods': { honorLabels: true },
} as const;
export type ScrapePool = keyof typeof SCRAPE_POOLS;
export const SCRAPE_POOL_NAMES = Object.keys(SCRAPE_POOLS) as ScrapePool[];

export interface ScrapeTarget {
  pool: ScrapePool;
  /** Path on the simulation's HTTP server. */
  path: string;
  /** Target labels Prometheus attaches (`job`, `instance` and the discovery labels kept by relabelling). */
  labels: Record<string, string> & { job: string; instance: string };
  honorLabels: boolean;
  collect(keep?: FamilyFilter): MetricFamily[];
}

/** The EKS API server endpoints behind the `kubernetes` Service (cross-account ENIs in the cluster's subnets). */
const API_SERVER_ENDPOINTS = ['192.168.101.176:443', '192.168.148.29:443'];

export function scrapeTargets(source: ExpositionSource): ScrapeTarget[] {
  const targets: ScrapeTarget[] = [];
  const target = (pool: ScrapePool, path: string, labels: ScrapeTarget['labels'], collect: (keep?: FamilyFilter) => MetricFamily[]) =>
    targets.push({ pool, path, labels, honorLabels: SCRAPE_POOLS[pool].honorLabels, collect });
  const pods = source.store.list<Pod>(POD).filter((p) => p.status.phase === 'Running' && p.status.podIP && !p.metadata.deletionTimestamp);
  const podOf = (namespace: string, owner: string, node?: string) => pods.find((p) => p.metadata.namespace === namespace && p.metadata.ownerReferences?.some((o) => o.name.startsWith(owner)) && (node === undefined || p.spec.nodeName === node));
  const startOf = (pod: Pod | undefined, fallback: number) => (pod?.status.startTime ? Date.parse(pod.status.startTime) / 1000 : fallback);

  for (const node of source.store.list<Node>(NODE)) {
    const name = node.metadata.name;
    const ip = node.status.addresses.find((a) => a.type === 'InternalIP')?.address ?? name;
    const bootTime = source.nodeCounters(name)?.bootTime ?? source.now / 1000;
    const kubelet = { instance: `${ip}:10250`, namespace: 'kube-system', node: name, service: 'kubelet', endpoint: 'https-metrics' };
    target('serviceMonitor/monitoring/kubelet/0', `/metrics/kubelet/${name}`, { job: 'kubelet', ...kubelet, metrics_path: '/metrics' }, (keep) => collectKubelet(source, name, bootTime, keep));
    target('serviceMonitor/monitoring/kubelet/1', `/metrics/cadvisor/${name}`, { job: 'kubelet', ...kubelet, metrics_path: '/metrics/cadvisor' }, (keep) => collectCadvisor(source, name, keep));
    const exporterPod = podOf('monitoring', 'node-exporter', name);
    target(
      'serviceMonitor/monitoring/node-exporter/0',
      `/metrics/node-exporter/${name}`,
      { job: 'node-exporter', instance: name, node: name, namespace: 'monitoring', service: 'node-exporter', endpoint: 'https', ...(exporterPod ? { pod: exporterPod.metadata.name, container: 'kube-rbac-proxy' } : {}) },
      (keep) => collectNodeExporter(source, name, keep),
    );
    const proxyPod = podOf('kube-system', 'kube-proxy', name);
    if (proxyPod) target('podMonitor/monitoring/kube-proxy/0', `/metrics/kube-proxy/${name}`, { job: 'kube-proxy', instance: `${ip}:10249`, namespace: 'kube-system', pod: proxyPod.metadata.name, container: 'kube-proxy', endpoint: 'metrics' }, (keep) => collectKubeProxy(source, startOf(proxyPod, bootTime), keep));
    const cniPod = podOf('kube-system', 'aws-node', name);
    if (cniPod) target('podMonitor/monitoring/aws-node/0', `/metrics/aws-node/${name}`, { job: 'aws-node', instance: `${ip}:61678`, namespace: 'kube-system', pod: cniPod.metadata.name, container: 'aws-node', endpoint: 'metrics' }, (keep) => collectAwsNode(source, name, startOf(cniPod, bootTime), keep));
  }

  const ksmPod = podOf('monitoring', 'kube-state-metrics');
  const ksmIp = ksmPod?.status.podIP ?? '127.0.0.1';
  target('serviceMonitor/monitoring/kube-state-metrics/0', '/metrics/kube-state-metrics', { job: 'kube-state-metrics', instance: `${ksmIp}:8443`, container: 'kube-rbac-proxy-main' }, (keep) => collectKubeState(source, keep));
  target(
    'serviceMonitor/monitoring/kube-state-metrics/1',
    '/metrics/kube-state-metrics-self',
    { job: 'kube-state-metrics', instance: `${ksmIp}:9443`, namespace: 'monitoring', service: 'kube-state-metrics', endpoint: 'https-self', container: 'kube-rbac-proxy-self', ...(ksmPod ? { pod: ksmPod.metadata.name } : {}) },
    (keep) => collectKubeStateSelf(source, startOf(ksmPod, source.now / 1000), keep),
  );

  const clusterCreated = Date.parse(source.store.list<Deployment>(DEPLOYMENT, 'kube-system').find((d) => d.metadata.name === 'coredns')?.metadata.creationTimestamp ?? new Date(source.now).toISOString()) / 1000;
  API_SERVER_ENDPOINTS.forEach((instance, i) => {
    // EKS replaces control-plane instances now and then: the API servers are younger than the cluster.
    const startedAt = Math.max(clusterCreated, source.now / 1000 - (5 + i * 3) * 86_400);
    target('serviceMonitor/monitoring/kube-apiserver/0', `/metrics/apiserver/${i}`, { job: 'apiserver', instance, namespace: 'default', service: 'kubernetes', endpoint: 'https' }, (keep) => collectApiServer(source, startedAt, 1 / API_SERVER_ENDPOINTS.length, keep));
  });
  const dnsPods = pods.filter((p) => p.metadata.namespace === 'kube-system' && p.metadata.labels?.['k8s-app'] === 'kube-dns');
  for (const pod of dnsPods) {
    target('serviceMonitor/monitoring/coredns/0', `/metrics/coredns/${pod.metadata.name}`, { job: 'coredns', instance: `${pod.status.podIP}:9153`, namespace: 'kube-system', pod: pod.metadata.name, container: 'coredns', service: 'kube-dns', endpoint: 'metrics' }, (keep) => collectCoreDns(source, startOf(pod, source.now / 1000), dnsPods.length, keep));
  }

  for (const pod of pods) {
    if (pod.metadata.namespace !== APP_NAMESPACE) continue;
    const service = serviceByName.get(pod.spec.containers[0]!.name);
    if (!service) continue;
    target('kubernetes-pods', `/metrics/pods/${APP_NAMESPACE}/${pod.metadata.name}`, { job: 'kubernetes-pods', instance: `${pod.status.podIP}:${service.port}`, namespace: APP_NAMESPACE, pod: pod.metadata.name }, (keep) => collectApp(source, pod.metadata.uid!, keep));
  }
  return targets;
}

/** Prometheus http_sd_configs answer for one scrape pool. */
export function serviceDiscovery(targets: ScrapeTarget[], pool: string, hostPort: string): { targets: string[]; labels: Record<string, string> }[] {
  return targets.filter((t) => t.pool === pool).map((t) => ({ targets: [hostPort], labels: { __metrics_path__: t.path, ...t.labels } }));
}

/**
 * Labels a scraped sample ends up with. With `honor_labels` the exposition's labels win, even empty
 * ones (cAdvisor's `namespace=""` on the root cgroup keeps the target's namespace off); without, the
 * target's win and a clashing exposition label is kept as `exported_<name>`. Empty values are dropped.
 * As Prometheus's scrape loop does (scrape/scrape.go mutateSampleLabels).
 */
export function storedLabels(target: ScrapeTarget, sampleLabels: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(sampleLabels)) if (value !== '') out[!target.honorLabels && key in target.labels ? `exported_${key}` : key] = value;
  for (const [key, value] of Object.entries(target.labels)) if (!(target.honorLabels && key in sampleLabels)) out[key] = value;
  return out;
}
