/**
 * The exporters against what the real ones expose (families, labels, the cgroup rows a kubelet's
 * cAdvisor reports) and against the model: each fault moves the series an SRE would look at.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Deployment, Pod } from '../cluster/objects.js';
import { DEPLOYMENT, POD } from '../cluster/resources.js';
import { profiles } from '../../profiles.js';
import { Simulation } from '../simulation.js';
import { collectCadvisor, collectKubeState, collectKubeStateSelf, collectNodeExporter } from './collectors.js';
import type { MetricFamily, Sample } from './families.js';
import { CORE_FAMILIES, HistoryWriter, storedLabelPairs } from './history.js';
import { SCRAPE_POOL_NAMES, scrapeTargets, serviceDiscovery, storedLabels, type ScrapeTarget } from './targets.js';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const START = Date.UTC(2026, 10, 25, 14, 0, 0);
let shared: Simulation | undefined;
/** One settled cluster for the read-only checks (the fault tests build their own). */
const cluster = () => (shared ??= settled());

function settled(): Simulation {
  const sim = new Simulation({ start: START, profile: profiles.fast, seed: 7 });
  sim.run(120);
  return sim;
}

const samples = (families: MetricFamily[], name: string): Sample[] => families.flatMap((f) => f.samples).filter((s) => s.name === name);
const family = (families: MetricFamily[], name: string) => families.find((f) => f.name === name);
const value = (families: MetricFamily[], name: string, match: Record<string, string>) =>
  samples(families, name).filter((s) => Object.entries(match).every(([k, v]) => s.labels[k] === v)).reduce((sum, s) => sum + s.value, 0);
const appPod = (sim: Simulation, app: string) => sim.store.list<Pod>(POD, 'petadoptions').find((p) => p.metadata.labels?.app === app && p.status.phase === 'Running')!;
const nodes = (sim: Simulation) => [...new Set(sim.store.list<Pod>(POD).map((p) => p.spec.nodeName!).filter(Boolean))];

test('cAdvisor: the families kube-prometheus and the AWS dashboards read, with their HELP and TYPE', () => {
  const sim = cluster();
  const families = collectCadvisor(sim, nodes(sim)[0]!);
  for (const name of [
    'container_cpu_usage_seconds_total', 'container_cpu_cfs_throttled_seconds_total', 'container_memory_working_set_bytes', 'container_memory_cache', 'container_memory_rss',
    'container_memory_swap', 'container_memory_mapped_file', 'container_memory_usage_bytes', 'container_oom_events_total', 'container_network_receive_packets_total',
    'container_network_transmit_packets_dropped_total', 'container_network_receive_packets_dropped_total', 'container_fs_reads_bytes_total', 'container_fs_writes_bytes_total',
    'container_fs_usage_bytes', 'container_spec_cpu_quota', 'container_spec_memory_limit_bytes', 'container_last_seen', 'container_start_time_seconds', 'machine_cpu_cores', 'machine_memory_bytes',
  ]) assert.ok(family(families, name)?.samples.length, `${name} exposed`);
  assert.is(family(families, 'container_cpu_usage_seconds_total')!.help, 'Cumulative cpu time consumed in seconds.');
  assert.is(family(families, 'container_oom_events_total')!.type, 'counter');
});

test('cAdvisor rows: containers with id/image/name, each pod\'s cgroup and sandbox (container=""), slices and the root', () => {
  const sim = cluster();
  const pod = appPod(sim, 'petsite');
  const families = collectCadvisor(sim, pod.spec.nodeName!);
  const ws = samples(families, 'container_memory_working_set_bytes').filter((s) => s.labels.pod === pod.metadata.name);
  const own = ws.find((s) => s.labels.container === 'petsite')!;
  assert.match(own.labels.id!, new RegExp(`^/kubepods\\.slice/kubepods-burstable\\.slice/kubepods-burstable-pod${pod.metadata.uid!.replaceAll('-', '_')}\\.slice/cri-containerd-[0-9a-f]{64}\\.scope$`));
  assert.is(own.labels.image, pod.spec.containers[0]!.image);
  assert.match(own.labels.name!, /^[0-9a-f]{64}$/);
  const podCgroup = ws.find((s) => s.labels.container === '' && s.labels.image === '')!;
  assert.ok(podCgroup, 'the pod-level cgroup');
  const sandbox = ws.find((s) => s.labels.container === '' && s.labels.image!.includes('/eks/pause:'))!;
  assert.ok(sandbox, 'the sandbox');
  // A query that forgets container!="" counts the pod twice, as on EKS.
  assert.ok(podCgroup.value >= own.value + sandbox.value - 1);
  const ids = new Set(samples(families, 'container_memory_working_set_bytes').map((s) => s.labels.id));
  for (const id of ['/', '/kubepods.slice', '/kubepods.slice/kubepods-burstable.slice', '/kubepods.slice/kubepods-besteffort.slice', '/system.slice/kubelet.service']) assert.ok(ids.has(id), id);
  // Every sample of a family carries the same label names (cAdvisor fills missing ones with "").
  for (const s of samples(families, 'container_cpu_usage_seconds_total')) assert.equal(Object.keys(s.labels), ['container', 'id', 'image', 'name', 'namespace', 'pod']);
  // Network only where a network namespace is: sandboxes and the root.
  const rx = samples(families, 'container_network_receive_bytes_total');
  assert.ok(rx.every((s) => s.labels.container === '' && s.labels.interface === 'eth0'));
  assert.ok(rx.some((s) => s.labels.id === '/'));
  assert.ok(rx.some((s) => s.labels.pod === pod.metadata.name && s.value > 0));
});

test('kube-state-metrics: workloads, DaemonSets, namespaces, PDBs and pods as v2 exposes them', () => {
  const sim = cluster();
  const ksm = collectKubeState(sim);
  const pod = appPod(sim, 'petsite');
  const rs = samples(ksm, 'kube_replicaset_owner').find((s) => pod.metadata.ownerReferences![0]!.name === s.labels.replicaset)!;
  assert.equal({ owner_kind: rs.labels.owner_kind, owner_name: rs.labels.owner_name, owner_is_controller: rs.labels.owner_is_controller }, { owner_kind: 'Deployment', owner_name: 'petsite', owner_is_controller: 'true' });
  assert.is(value(ksm, 'kube_daemonset_status_desired_number_scheduled', { daemonset: 'aws-node' }), 3);
  assert.is(value(ksm, 'kube_daemonset_status_number_ready', { daemonset: 'kube-proxy' }), 3);
  assert.is(value(ksm, 'kube_daemonset_status_number_ready', { namespace: 'monitoring', daemonset: 'node-exporter' }), 3);
  assert.is(value(ksm, 'kube_namespace_status_phase', { namespace: 'petadoptions', phase: 'Active' }), 1);
  assert.is(value(ksm, 'kube_deployment_status_condition', { deployment: 'petsite', condition: 'Available', status: 'true' }), 1);
  assert.is(value(ksm, 'kube_pod_status_scheduled', { pod: pod.metadata.name, condition: 'true' }), 1);
  assert.ok(value(ksm, 'kube_pod_start_time', { pod: pod.metadata.name }) > START / 1000);
  const info = samples(ksm, 'kube_pod_container_info').find((s) => s.labels.pod === pod.metadata.name)!;
  assert.match(info.labels.image_id!, /@sha256:/);
  assert.match(info.labels.container_id!, /^containerd:\/\//);
  assert.is(value(ksm, 'kube_poddisruptionbudget_status_pod_disruptions_allowed', { poddisruptionbudget: 'coredns' }), 1);
  assert.is(value(ksm, 'kube_node_status_allocatable', { resource: 'cpu' }), 3 * 1.93);
  const self = collectKubeStateSelf(sim, START / 1000);
  assert.is(value(self, 'kube_state_metrics_list_total', { result: 'error' }), 0);
  assert.is(value(self, 'kube_state_metrics_total_shards', {}), 1);
});

test('node-exporter: default-collector families, nodename, per-CPU counters that differ', () => {
  const sim = cluster();
  const node = nodes(sim)[0]!;
  const ne = collectNodeExporter(sim, node);
  assert.is(samples(ne, 'node_uname_info')[0]!.labels.nodename, node);
  const idle = samples(ne, 'node_cpu_seconds_total').filter((s) => s.labels.mode === 'user');
  assert.is(idle.length, 2);
  assert.is.not(idle[0]!.value, idle[1]!.value);
  for (const name of ['node_load5', 'node_load15', 'node_memory_Buffers_bytes', 'node_memory_Cached_bytes', 'node_vmstat_oom_kill', 'node_vmstat_pgmajfault', 'node_disk_io_time_seconds_total', 'node_network_receive_bytes_total', 'node_timex_sync_status']) {
    assert.ok(samples(ne, name).length, name);
  }
  assert.equal(samples(ne, 'node_filesystem_readonly').map((s) => s.labels.mountpoint), ['/', '/boot/efi', '/run', '/tmp']);
  assert.ok(samples(ne, 'node_filesystem_files_free')[0]!.value > 0);
  // The exporter adds no Kubernetes labels: the scrape does.
  assert.ok(ne.every((f) => f.samples.every((s) => !('node' in s.labels) && !('namespace' in s.labels))));
});

test('scrape targets: kube-prometheus pools, jobs, instances and metrics_path', () => {
  const sim = cluster();
  const targets = scrapeTargets(sim);
  assert.equal([...new Set(targets.map((t) => t.pool))].sort(), [...SCRAPE_POOL_NAMES].sort());
  const node = nodes(sim)[0]!;
  const ip = node.replace(/^ip-(\d+)-(\d+)-(\d+)-(\d+)\..*$/, '$1.$2.$3.$4');
  const cadvisor = targets.find((t) => t.path === `/metrics/cadvisor/${node}`)!;
  assert.equal(cadvisor.labels, { job: 'kubelet', instance: `${ip}:10250`, namespace: 'kube-system', node, service: 'kubelet', endpoint: 'https-metrics', metrics_path: '/metrics/cadvisor' });
  const exporter = targets.find((t) => t.path === `/metrics/node-exporter/${node}`)!;
  assert.is(exporter.labels.instance, node);
  const exporterPod = sim.store.get<Pod>(POD, 'monitoring', exporter.labels.pod!)!;
  assert.is(exporterPod.spec.nodeName, node, 'the node-exporter pod of that node, so kube_pod_info joins');
  const jobs = new Set(targets.map((t) => t.labels.job));
  for (const job of ['kubelet', 'node-exporter', 'kube-state-metrics', 'apiserver', 'coredns', 'kube-proxy', 'aws-node', 'kubernetes-pods']) assert.ok(jobs.has(job), job);
  const sd = serviceDiscovery(targets, 'serviceMonitor/monitoring/kubelet/1', '127.0.0.1:9');
  assert.is(sd.length, 3);
  assert.is(sd[0]!.labels.__metrics_path__, `/metrics/cadvisor/${sd[0]!.labels.node}`);
});

test('stored labels follow Prometheus: honor_labels keeps exposition labels (empty ones too), else exported_', () => {
  const honoured = { labels: { job: 'kubelet', instance: '10.0.0.1:10250', namespace: 'kube-system', node: 'n1' }, honorLabels: true } as unknown as ScrapeTarget;
  assert.equal(storedLabels(honoured, { id: '/', namespace: '', pod: '' }), { id: '/', job: 'kubelet', instance: '10.0.0.1:10250', node: 'n1' });
  assert.equal(storedLabels(honoured, { namespace: 'petadoptions', pod: 'p' }), { namespace: 'petadoptions', pod: 'p', job: 'kubelet', instance: '10.0.0.1:10250', node: 'n1' });
  const plain = { labels: { job: 'node-exporter', instance: 'n1', namespace: 'monitoring' }, honorLabels: false } as unknown as ScrapeTarget;
  assert.equal(storedLabels(plain, { namespace: 'x', device: 'eth0' }), { exported_namespace: 'x', device: 'eth0', job: 'node-exporter', instance: 'n1', namespace: 'monitoring' });
  assert.is(storedLabelPairs(honoured, { id: '/', namespace: '', pod: '' }), 'id="/",job="kubelet",instance="10.0.0.1:10250",node="n1"');
});

test('an OOM kill moves container_oom_events_total (pod cgroup) and node_vmstat_oom_kill', () => {
  const sim = settled();
  const pod = appPod(sim, 'petlistadoptions');
  const node = pod.spec.nodeName!;
  const rt = sim.runtime.get(pod.metadata.uid!, 'petlistadoptions')!;
  const before = value(collectNodeExporter(sim, node), 'node_vmstat_oom_kill', {});
  rt.memoryStress = { targetBytes: 2 * rt.limits.memoryBytes!, rampMs: 0, startedAt: sim.now, source: 'test' };
  sim.run(10);
  const cadvisor = collectCadvisor(sim, node);
  const kills = value(cadvisor, 'container_oom_events_total', { pod: pod.metadata.name, container: '', image: '' });
  assert.ok(kills >= 1, 'on the pod cgroup, which outlives the container');
  assert.is(value(cadvisor, 'container_oom_events_total', { id: '/' }), value(collectNodeExporter(sim, node), 'node_vmstat_oom_kill', {}), 'the root cgroup counts what the kernel counts');
  assert.is(value(collectNodeExporter(sim, node), 'node_vmstat_oom_kill', {}), before + kills);
  assert.is(value(collectKubeState(sim), 'kube_pod_container_status_last_terminated_reason', { pod: pod.metadata.name, reason: 'OOMKilled' }), 1);
});

test('a CPU limit under stress throttles: cfs throttled periods and seconds grow', () => {
  const sim = settled();
  const pod = appPod(sim, 'payforadoption');
  const rt = sim.runtime.get(pod.metadata.uid!, 'payforadoption')!;
  const read = () => collectCadvisor(sim, pod.spec.nodeName!);
  const t0 = read();
  const labels = { pod: pod.metadata.name, container: 'payforadoption' };
  rt.cpuStress = { cores: 2, source: 'test' };
  sim.run(60);
  const t1 = read();
  const delta = (name: string) => value(t1, name, labels) - value(t0, name, labels);
  assert.ok(delta('container_cpu_cfs_throttled_periods_total') / delta('container_cpu_cfs_periods_total') > 0.5);
  assert.ok(delta('container_cpu_cfs_throttled_seconds_total') > 5);
  assert.is(value(t1, 'container_spec_cpu_quota', labels), rt.limits.cpuCores! * 100_000);
});

test('NetworkChaos loss shows as transmit drops on the pod\'s sandbox; no loss, no drops', () => {
  const sim = settled();
  const pod = appPod(sim, 'petsearch');
  const read = () => value(collectCadvisor(sim, pod.spec.nodeName!), 'container_network_transmit_packets_dropped_total', { pod: pod.metadata.name });
  sim.run(30);
  assert.is(read(), 0);
  sim.network.add(pod.metadata.uid!, { delaySeconds: 0, jitterSeconds: 0, lossFraction: 0.3, source: 'test' });
  sim.run(30);
  assert.ok(read() > 0);
});

test('a stuck rollout shows in kube_deployment_status_condition (Progressing false, ProgressDeadlineExceeded)', () => {
  const sim = settled();
  sim.store.mutate<Deployment>(DEPLOYMENT, 'petadoptions', 'petsearch', (d) => {
    d.spec.template.spec.containers[0]!.image = `${d.spec.template.spec.containers[0]!.image.split(':')[0]}:does-not-exist`;
    d.spec.progressDeadlineSeconds = 60;
  });
  sim.run(120);
  const ksm = collectKubeState(sim);
  assert.is(value(ksm, 'kube_deployment_status_condition', { deployment: 'petsearch', condition: 'Progressing', status: 'false' }), 1);
  assert.ok(value(ksm, 'kube_pod_container_status_waiting_reason', { container: 'petsearch', reason: 'ImagePullBackOff' }) + value(ksm, 'kube_pod_container_status_waiting_reason', { container: 'petsearch', reason: 'ErrImagePull' }) >= 1);
});

test('history: core families at every step, the rest only on full steps; labels as stored by the scrape', async () => {
  const sim = cluster();
  const dir = mkdtempSync(join(tmpdir(), 'history-'));
  try {
    const writer = new HistoryWriter(join(dir, 'h.om'));
    await writer.scrape(sim.scrapeTargets(), sim.now, (f) => CORE_FAMILIES.has(f));
    await writer.close();
    const lines = readFileSync(join(dir, 'h.om'), 'utf8').split('\n');
    assert.ok(lines.some((l) => l.startsWith('container_memory_working_set_bytes{') && l.includes('job="kubelet"') && l.includes('metrics_path="/metrics/cadvisor"')));
    assert.not.ok(lines.some((l) => l.startsWith('container_memory_cache{')), 'non-core families thinned');
    assert.ok(lines.some((l) => l.startsWith('up{') && l.includes('job="apiserver"')), 'up for every target');
    assert.not.ok(lines.some((l) => /[{,][a-z_]+="",?/.test(l)), 'no empty label values');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('series per scrape stay a real cluster\'s order of magnitude (cAdvisor about 1.5k per node)', () => {
  const sim = cluster();
  const perPool = new Map<string, number>();
  for (const t of sim.scrapeTargets()) perPool.set(t.pool, (perPool.get(t.pool) ?? 0) + t.collect().reduce((s, f) => s + f.samples.length, 0));
  const cadvisorPerNode = perPool.get('serviceMonitor/monitoring/kubelet/1')! / 3;
  assert.ok(cadvisorPerNode > 800 && cadvisorPerNode < 3000, String(cadvisorPerNode));
});

test.run();
