/**
 * The simulation scraped by a real Prometheus with the local target's scrape pools (kube-prometheus's
 * jobs, instances and metrics_path): a sample of public queries returns data, the "target down" alerts
 * of kubernetes-mixin stay quiet, and a query that forgets `container!=""` double-counts as on EKS.
 *
 * The queries are copied from kubernetes-monitoring/kubernetes-mixin (rules/*.libsonnet as rendered in
 * prometheus-operator/kube-prometheus manifests/*-prometheusRule.yaml, Apache-2.0) and
 * prometheus/node_exporter docs/node-mixin (Apache-2.0), thresholds removed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { stringify } from 'yaml';
import { memoryLogger } from '../core/log.js';
import { simulationScrapePools } from '../infra/local/deploy/prometheus-config.js';
import { profiles } from '../infra/local/profiles.js';
import { createLocalClusterServer } from '../infra/local/simulation/server.js';
import { Simulation } from '../infra/local/simulation/simulation.js';
import { freePort } from './support/free-port.js';

const PUBLIC_QUERIES: Record<string, string> = {
  // kubernetes-mixin k8s.rules (the cAdvisor recording rules' expressions)
  'node_namespace_pod_container:container_cpu_usage_seconds_total:sum_irate': 'sum by (cluster, namespace, pod, container) (irate(container_cpu_usage_seconds_total{job="kubelet", metrics_path="/metrics/cadvisor", image!=""}[5m])) * on (cluster, namespace, pod) group_left(node) topk by (cluster, namespace, pod) (1, max by (cluster, namespace, pod, node) (kube_pod_info{node!=""}))',
  'node_namespace_pod_container:container_memory_working_set_bytes': 'container_memory_working_set_bytes{job="kubelet", metrics_path="/metrics/cadvisor", image!=""} * on (cluster, namespace, pod) group_left(node) topk by (cluster, namespace, pod) (1, max by (cluster, namespace, pod, node) (kube_pod_info{node!=""}))',
  'node_namespace_pod_container:container_memory_cache': 'container_memory_cache{job="kubelet", metrics_path="/metrics/cadvisor", image!=""}',
  'node_namespace_pod_container:container_memory_swap': 'container_memory_swap{job="kubelet", metrics_path="/metrics/cadvisor", image!=""}',
  'namespace_workload_pod:kube_pod_owner:relabel (deployment)': 'max by (cluster, namespace, workload, pod) (label_replace(label_replace(kube_pod_owner{job="kube-state-metrics", owner_kind="ReplicaSet"}, "replicaset", "$1", "owner_name", "(.*)") * on (replicaset, namespace) group_left(owner_name) topk by (replicaset, namespace) (1, max by (replicaset, namespace, owner_name) (kube_replicaset_owner{job="kube-state-metrics"})), "workload", "$1", "owner_name", "(.*)"))',
  'namespace_workload_pod:kube_pod_owner:relabel (daemonset)': 'max by (cluster, namespace, workload, pod) (label_replace(kube_pod_owner{job="kube-state-metrics", owner_kind="DaemonSet"}, "workload", "$1", "owner_name", "(.*)"))',
  'node:node_num_cpu:sum': 'count by (cluster, node) (node_cpu_seconds_total{mode="idle",job="node-exporter"} * on (namespace, pod) group_left(node) topk by (namespace, pod) (1, max by (node, namespace, pod) (label_replace(kube_pod_info{job="kube-state-metrics",node!=""}, "pod", "$1", "pod", "(.*)"))))',
  // kubernetes-mixin alerts (thresholds removed)
  KubeContainerWaiting: 'sum by (namespace, pod, container, cluster) (kube_pod_container_status_waiting_reason{job="kube-state-metrics"}) >= 0 or vector(0)',
  KubeDeploymentRolloutStuck: 'kube_deployment_status_condition{condition="Progressing", status="false",job="kube-state-metrics"} >= 0',
  KubeDaemonSetRolloutStuck: 'kube_daemonset_status_current_number_scheduled{job="kube-state-metrics"} != 0 and kube_daemonset_status_desired_number_scheduled{job="kube-state-metrics"} > 0',
  KubePdbNotEnoughHealthyPods: 'kube_poddisruptionbudget_status_desired_healthy{job="kube-state-metrics"} - kube_poddisruptionbudget_status_current_healthy{job="kube-state-metrics"}',
  CPUThrottlingHigh: 'sum(increase(container_cpu_cfs_throttled_periods_total{container!="", job="kubelet", metrics_path="/metrics/cadvisor"}[5m])) without (id, metrics_path, name, image, endpoint, job, node) / sum(increase(container_cpu_cfs_periods_total{job="kubelet", metrics_path="/metrics/cadvisor"}[5m])) without (id, metrics_path, name, image, endpoint, job, node)',
  KubeletTooManyPods: 'count by (cluster, node) ((kube_pod_status_phase{job="kube-state-metrics", phase="Running"} == 1) * on (cluster, namespace, pod) group_left (node) topk by (cluster, namespace, pod) (1, kube_pod_info{job="kube-state-metrics"})) / max by (cluster, node) (kube_node_status_capacity{job="kube-state-metrics", resource="pods"} != 1)',
  KubeletPlegDurationHigh: 'histogram_quantile(0.99, sum by (cluster, instance, le) (rate(kubelet_pleg_relist_duration_seconds_bucket{job="kubelet", metrics_path="/metrics"}[5m])))',
  KubeStateMetricsListErrors: 'sum by (cluster) (rate(kube_state_metrics_list_total{job="kube-state-metrics",result="error"}[5m])) / sum by (cluster) (rate(kube_state_metrics_list_total{job="kube-state-metrics"}[5m]))',
  KubeNodeNotReady: 'kube_node_status_condition{job="kube-state-metrics",condition="Ready",status="true"} == 1',
  KubeNamespacePhase: 'kube_namespace_status_phase{job="kube-state-metrics", phase="Active"} == 1',
  'apiserver request rate': 'sum by (code) (rate(apiserver_request_total{job="apiserver"}[5m]))',
  'apiserver SLI histogram': 'sum by (le) (rate(apiserver_request_sli_duration_seconds_bucket{job="apiserver", verb=~"GET|LIST"}[5m]))',
  // node-mixin
  'instance:node_vmstat_pgmajfault:rate5m': 'rate(node_vmstat_pgmajfault{job="node-exporter"}[5m])',
  'instance_device:node_disk_io_time_seconds:rate5m': 'rate(node_disk_io_time_seconds_total{job="node-exporter", device=~"(/dev/)?(mmcblk.p.+|nvme.+|rbd.+|sd.+|vd.+|xvd.+|dm-.+|md.+|dasd.+)"}[5m])',
  NodeFilesystemSpaceFillingUp: 'node_filesystem_avail_bytes{job="node-exporter",fstype!="",mountpoint!=""} / node_filesystem_size_bytes{job="node-exporter",fstype!="",mountpoint!=""} and node_filesystem_readonly{job="node-exporter",fstype!="",mountpoint!=""} == 0',
  NodeFilesystemFilesFillingUp: 'node_filesystem_files_free{job="node-exporter",fstype!="",mountpoint!=""} / node_filesystem_files{job="node-exporter",fstype!="",mountpoint!=""}',
  NodeNetworkReceiveErrs: 'rate(node_network_receive_errs_total{job="node-exporter"}[2m]) / rate(node_network_receive_packets_total{job="node-exporter"}[2m])',
  NodeClockNotSynchronising: 'min_over_time(node_timex_sync_status{job="node-exporter"}[5m])',
  'node uname (dashboard variable)': 'node_uname_info{job="node-exporter", sysname!="Darwin"}',
  'node load15': 'node_load15{job="node-exporter"}',
  // pod network panels (kubernetes-mixin namespace/pod dashboards)
  'pod receive packets': 'sum by (pod) (irate(container_network_receive_packets_total{job="kubelet", metrics_path="/metrics/cadvisor", namespace="petadoptions"}[5m]))',
  'pod transmit drops': 'sum by (pod) (irate(container_network_transmit_packets_dropped_total{job="kubelet", metrics_path="/metrics/cadvisor", namespace="petadoptions"}[5m]))',
  'coredns requests': 'sum(rate(coredns_dns_requests_total{job="coredns"}[5m])) by (type)',
  'kube-proxy sync': 'histogram_quantile(0.99, rate(kubeproxy_sync_proxy_rules_duration_seconds_bucket{job="kube-proxy"}[5m]))',
  'VPC CNI IPs': 'awscni_assigned_ip_addresses{job="aws-node"}',
};

/** kubernetes-mixin's "target down" alerts: each must return nothing in steady state. */
const SILENT_ALERTS: Record<string, string> = {
  KubeletDown: 'absent(up{job="kubelet", metrics_path="/metrics"} == 1)',
  KubeAPIDown: 'absent(up{job="apiserver"} == 1)',
  KubeStateMetricsDown: 'absent(up{job="kube-state-metrics"} == 1)',
  NodeExporterDown: 'absent(up{job="node-exporter"} == 1)',
  KubeProxyDown: 'absent(up{job="kube-proxy"} == 1)',
  CoreDNSDown: 'absent(up{job="coredns"} == 1)',
};

let dir: string;
let server: Server;
let prometheus: ChildProcess;
let url: string;
let ticker: NodeJS.Timeout;

test.before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kube-prometheus-scrape-'));
  const sim = new Simulation({ start: Date.now() - 600_000, profile: profiles.fast, seed: 11 });
  sim.run((Date.now() - sim.now) / 1000, 5);
  ticker = setInterval(() => sim.run(Math.max(0.01, (Date.now() - sim.now) / 1000), 1), 500);
  const simPort = await freePort();
  server = createLocalClusterServer({ simulation: sim, handlers: [], logger: memoryLogger(), advertisedAddress: () => `127.0.0.1:${simPort}`, readiness: () => ({}) });
  await new Promise<void>((resolve) => server.listen(simPort, '127.0.0.1', resolve));
  const port = await freePort();
  url = `http://127.0.0.1:${port}`;
  writeFileSync(join(dir, 'prometheus.yml'), stringify({
    global: { scrape_interval: '1s', scrape_timeout: '1s', external_labels: { cluster: 'petadoptions-local' } },
    scrape_configs: simulationScrapePools.map(({ pool, honorLabels }) => ({ job_name: pool, honor_labels: honorLabels, http_sd_configs: [{ url: `http://127.0.0.1:${simPort}/sd/${pool}`, refresh_interval: '1s' }] })),
  }));
  prometheus = spawn('prometheus', [`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn'], { stdio: 'ignore' });
  const deadline = Date.now() + 60_000;
  for (;;) {
    const targets = await api<{ activeTargets: { scrapePool: string; health: string }[] }>('/api/v1/targets?state=active').catch(() => undefined);
    const up = new Set(targets?.activeTargets.filter((t) => t.health === 'up').map((t) => t.scrapePool));
    if (simulationScrapePools.every((p) => up.has(p.pool))) break;
    if (Date.now() > deadline) throw new Error(`pools not scraped after 60 s: ${simulationScrapePools.filter((p) => !up.has(p.pool)).map((p) => p.pool).join(', ')}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  // A few scrapes, so rate() and irate() have two points.
  await new Promise((r) => setTimeout(r, 4_000));
});

test.after(async () => {
  clearInterval(ticker);
  prometheus?.kill('SIGTERM');
  await new Promise((r) => (prometheus?.exitCode === null ? prometheus.once('exit', r) : r(undefined)));
  await new Promise((r) => server?.close(r));
  server?.closeAllConnections();
  rmSync(dir, { recursive: true, force: true });
});

async function api<T>(path: string): Promise<T> {
  const res = await fetch(`${url}${path}`);
  const body = (await res.json()) as { status: string; data: T; error?: string };
  if (body.status !== 'success') throw new Error(`${path}: ${body.error}`);
  return body.data;
}

const query = async (q: string) => (await api<{ result: { metric: Record<string, string>; value: [number, string] }[] }>(`/api/v1/query?query=${encodeURIComponent(q)}`)).result;

test('public kube-prometheus and node-mixin queries return data', async () => {
  const empty: string[] = [];
  for (const [name, q] of Object.entries(PUBLIC_QUERIES)) if ((await query(q)).length === 0) empty.push(name);
  assert.equal(empty, [], `no data for: ${empty.join(', ')}`);
});

test('the "target down" alerts of kubernetes-mixin stay quiet', async () => {
  for (const [name, q] of Object.entries(SILENT_ALERTS)) assert.equal(await query(q), [], `${name} would fire`);
});

test('series carry the kube-prometheus target labels', async () => {
  const [cadvisor] = await query('container_memory_working_set_bytes{namespace="petadoptions", container="petsite"}');
  assert.is(cadvisor!.metric.job, 'kubelet');
  assert.is(cadvisor!.metric.metrics_path, '/metrics/cadvisor');
  assert.match(cadvisor!.metric.instance!, /^192\.168\.\d+\.\d+:10250$/);
  assert.match(cadvisor!.metric.node!, /^ip-192-168-.*\.compute\.internal$/);
  const [root] = await query('container_memory_working_set_bytes{id="/"}');
  assert.not.ok('namespace' in root!.metric, 'cAdvisor\'s empty namespace keeps the target\'s off (honor_labels)');
  const [exporter] = await query('node_load1');
  assert.is(exporter!.metric.instance, exporter!.metric.node);
  assert.is(exporter!.metric.namespace, 'monitoring');
});

test('a query that forgets container!="" double-counts, as on EKS', async () => {
  const all = Number((await query('sum(container_memory_working_set_bytes{namespace="petadoptions"})'))[0]!.value[1]);
  const containers = Number((await query('sum(container_memory_working_set_bytes{namespace="petadoptions", container!=""})'))[0]!.value[1]);
  assert.ok(all > 1.95 * containers, `${all} vs ${containers}`);
});

test.run();
