/**
 * cAdvisor as the kubelet serves it on /metrics/cadvisor (containerd, cgroup v2 with the systemd
 * driver, as on the EKS AL2023 AMI). Families, HELP texts and labels follow google/cadvisor
 * metrics/prometheus.go (docs/storage/prometheus.md) with the kubelet's metric set
 * (pkg/kubelet/server/server.go: cpu, memory, cpuLoad, diskIO, diskUsage, network, app, process, oom):
 *
 * - one row per cgroup: `id` its path, `image` and `name` (the containerd id) for containers,
 *   `container`/`pod`/`namespace` from the CRI labels, empty where a cgroup has none;
 * - containers (`container="<name>"`), each pod's sandbox (`container=""`, the pause image, which owns
 *   the pod's network namespace), each pod's own cgroup (`container=""`, `image=""`, which outlives
 *   container restarts), the QoS slices, `/kubepods.slice`, the kubelet and containerd services and the
 *   root cgroup (`id="/"`): so a query that forgets `container!=""` double-counts here as on EKS;
 * - network families only where a network namespace is (sandboxes and the root), with `interface`;
 * - the `node` label is not cAdvisor's: the scrape adds it (prometheus-operator's relabelling).
 */
import { parseQuantity } from '../../../../core/quantity.js';
import type { Pod } from '../cluster/objects.js';
import { POD } from '../cluster/resources.js';
import { memoryCacheBytes, memoryUsageBytes, type ContainerCounters, type ContainerRuntime } from '../workload/runtime.js';
import { FamilyBuilder, type FamilyFilter, type MetricFamily } from './families.js';
import type { ExpositionSource } from './source.js';

const MiB = 2 ** 20;
const PAUSE_IMAGE = '602401143452.dkr.ecr.us-west-2.amazonaws.com/eks/pause:3.10';
const ROOT_DEVICE = '/dev/nvme0n1';
const CFS_PERIOD_US = 100_000;

/** What one cgroup reports; gauges now, counters since the cgroup was created. */
interface CgroupRow {
  labels: { container: string; id: string; image: string; name: string; namespace: string; pod: string };
  cpuSeconds: number;
  counters: ContainerCounters;
  workingSet: number;
  rss: number;
  cache: number;
  usage: number;
  oomEvents: number;
  startTime: number;
  processes: number;
  threads: number;
  fileDescriptors: number;
  sockets: number;
  spec: { cpuShares: number; cpuQuotaUs?: number; memoryLimit: number; memoryReservation: number };
  /** Whether cAdvisor reports CFS statistics (a quota is set on the cgroup). */
  cfs: boolean;
  network?: { interface: string; rxBytes: number; txBytes: number; rxPackets: number; txPackets: number; rxDropped: number; txDropped: number }[];
  fsUsage?: { usage: number; limit: number; inodes: number; inodesFree: number };
}

const sharesOf = (cores: number) => Math.max(2, Math.round(cores * 1024));

function containerRow(c: ContainerRuntime): CgroupRow {
  const cache = memoryCacheBytes(c);
  const threads = c.service?.runtime === 'java' ? 38 : c.service?.runtime === 'dotnet' ? 24 : 9;
  return {
    labels: { container: c.container, id: c.cgroup.id, image: c.image, name: c.containerId.replace('containerd://', ''), namespace: c.namespace, pod: c.pod },
    cpuSeconds: c.counters.cpuSecondsTotal,
    counters: c.counters,
    workingSet: c.usage.memoryWorkingSetBytes,
    rss: c.usage.memoryRssBytes,
    cache,
    usage: memoryUsageBytes(c),
    oomEvents: 0,
    startTime: c.startedAt / 1000,
    processes: c.service?.runtime === 'python' ? 3 : 1,
    threads,
    fileDescriptors: threads + 14,
    sockets: 6,
    spec: {
      cpuShares: sharesOf(c.requests.cpuCores),
      cpuQuotaUs: c.limits.cpuCores !== undefined ? Math.round(c.limits.cpuCores * CFS_PERIOD_US) : undefined,
      memoryLimit: c.limits.memoryBytes ?? 0,
      memoryReservation: 0,
    },
    cfs: c.limits.cpuCores !== undefined,
  };
}

function sumRows(labels: CgroupRow['labels'], rows: CgroupRow[], counters: ContainerCounters, extra: { startTime: number; oomEvents: number; spec: CgroupRow['spec']; cfs: boolean }): CgroupRow {
  const total = (pick: (r: CgroupRow) => number) => rows.reduce((s, r) => s + pick(r), 0);
  return {
    labels,
    cpuSeconds: counters.cpuSecondsTotal,
    counters,
    workingSet: total((r) => r.workingSet),
    rss: total((r) => r.rss),
    cache: total((r) => r.cache),
    usage: total((r) => r.usage),
    processes: total((r) => r.processes),
    threads: total((r) => r.threads),
    fileDescriptors: total((r) => r.fileDescriptors),
    sockets: total((r) => r.sockets),
    ...extra,
  };
}

const noCounters = (cpuSeconds: number): ContainerCounters => ({
  cpuSecondsTotal: cpuSeconds, cfsPeriodsTotal: 0, cfsThrottledPeriodsTotal: 0, cfsThrottledSecondsTotal: 0,
  pageFaultsTotal: cpuSeconds * 42_000, majorPageFaultsTotal: cpuSeconds * 0.8, fsReadBytesTotal: cpuSeconds * 18_000, fsWriteBytesTotal: cpuSeconds * 52_000,
  fsReadsTotal: cpuSeconds * 4, fsWritesTotal: cpuSeconds * 11, memoryMaxUsageBytes: 0,
});

/** Every cgroup cAdvisor reports on one node, innermost last so the root comes at the end as in a real scrape. */
export function cgroupRows(source: ExpositionSource, node: string): CgroupRow[] {
  const { runtime } = source;
  const now = source.now;
  const rows: CgroupRow[] = [];
  const podRows: { row: CgroupRow; parents: string[] }[] = [];
  // Every pod with a sandbox on the node has its cgroup, running containers or not (a crash-looping
  // pod's cgroup, and its OOM count, stay while the kubelet backs off).
  const onNode = source.store.list<Pod>(POD).filter((p) => p.spec.nodeName === node && runtime.sandboxOf(p.metadata.uid!) && runtime.podCgroupOf(p.metadata.uid!) && p.status.phase !== 'Failed' && p.status.phase !== 'Succeeded');
  for (const pod of onNode) {
    const uid = pod.metadata.uid!;
    const containers = runtime.ofPod(uid).filter((c) => c.running);
    const net = runtime.sandboxOf(uid)!;
    const podCgroup = runtime.podCgroupOf(uid)!;
    const namespace = pod.metadata.namespace!;
    const podName = pod.metadata.name;
    const own = containers.map(containerRow);
    const sandbox: CgroupRow = {
      labels: { container: '', id: `${podCgroup}/cri-containerd-${net.sandboxId}.scope`, image: PAUSE_IMAGE, name: net.sandboxId, namespace, pod: podName },
      cpuSeconds: 0.04 + (now - net.sandboxStartedAt) / 1000 * 0.000002,
      counters: noCounters(0.04),
      workingSet: 0.4 * MiB, rss: 0.1 * MiB, cache: 0, usage: 0.45 * MiB, oomEvents: 0,
      startTime: net.sandboxStartedAt / 1000, processes: 1, threads: 1, fileDescriptors: 5, sockets: 0,
      spec: { cpuShares: 2, memoryLimit: 0, memoryReservation: 0 }, cfs: false,
      network: [{ interface: 'eth0', rxBytes: net.rxBytesTotal, txBytes: net.txBytesTotal, rxPackets: net.rxPacketsTotal, txPackets: net.txPacketsTotal, rxDropped: net.rxDroppedTotal, txDropped: net.txDroppedTotal }],
    };
    const specs = pod.spec.containers.map((c) => c.resources ?? {});
    const quantity = (v: string | undefined) => (v === undefined ? undefined : parseQuantity(v));
    const cpuLimits = specs.map((r) => quantity(r.limits?.cpu));
    const memoryLimits = specs.map((r) => quantity(r.limits?.memory));
    const podRow = sumRows(
      { container: '', id: podCgroup, image: '', name: '', namespace, pod: podName },
      [...own, sandbox],
      runtime.countersOfCgroup(podCgroup),
      {
        startTime: pod.status.startTime ? Date.parse(pod.status.startTime) / 1000 : net.sandboxStartedAt / 1000,
        oomEvents: runtime.oomKillsOfPod(uid),
        spec: {
          cpuShares: sharesOf(specs.reduce((sum, r) => sum + (quantity(r.requests?.cpu) ?? quantity(r.limits?.cpu) ?? 0), 0)),
          cpuQuotaUs: cpuLimits.every((l) => l !== undefined) ? Math.round(cpuLimits.reduce((sum, l) => sum! + l!, 0)! * CFS_PERIOD_US) : undefined,
          memoryLimit: memoryLimits.every((l) => l !== undefined) ? memoryLimits.reduce((sum, l) => sum! + l!, 0)! : 0,
          memoryReservation: 0,
        },
        cfs: cpuLimits.every((l) => l !== undefined),
      },
    );
    rows.push(...own, sandbox, podRow);
    // The pod's parents: its QoS slice (Burstable, BestEffort) and /kubepods.slice.
    const parents = podCgroup.split('/').slice(1, -1).map((_, i, parts) => `/${parts.slice(0, i + 1).join('/')}`).reverse();
    podRows.push({ row: podRow, parents });
  }
  const slices = new Map<string, CgroupRow[]>();
  const rowLabels = (id: string) => ({ container: '', id, image: '', name: '', namespace: '', pod: '' });
  for (const { row, parents } of podRows) for (const parent of parents) slices.set(parent, [...(slices.get(parent) ?? []), row]);
  const nodeStats = source.nodeCounters(node);
  const bootTime = nodeStats?.bootTime ?? now / 1000;
  for (const id of ['/kubepods.slice/kubepods-besteffort.slice', '/kubepods.slice/kubepods-burstable.slice', '/kubepods.slice']) {
    const members = slices.get(id) ?? [];
    const oomEvents = members.reduce((s, r) => s + r.oomEvents, 0);
    rows.push(sumRows(rowLabels(id), members, runtime.countersOfCgroup(id), { startTime: bootTime + 12, oomEvents, spec: { cpuShares: id === '/kubepods.slice' ? 1976 : 2, memoryLimit: 0, memoryReservation: 0 }, cfs: false }));
  }
  const uptime = now / 1000 - bootTime;
  for (const [id, memory, cores] of [['/system.slice/containerd.service', 58 * MiB, 0.011], ['/system.slice/kubelet.service', 86 * MiB, 0.024]] as const) {
    const cpu = uptime * cores;
    rows.push({
      labels: rowLabels(id), cpuSeconds: cpu, counters: noCounters(cpu), workingSet: memory, rss: memory * 0.8, cache: memory * 0.3, usage: memory * 1.2, oomEvents: 0,
      startTime: bootTime + 9, processes: id.includes('containerd') ? 1 + onNode.length : 1, threads: id.includes('containerd') ? 14 + 11 * onNode.length : 17, fileDescriptors: 60, sockets: 24,
      spec: { cpuShares: 1024, memoryLimit: 0, memoryReservation: 0 }, cfs: false,
    });
  }
  if (nodeStats) {
    const busy = nodeStats.cpuSecondsByMode.reduce((s, m) => s + (m.user ?? 0) + (m.system ?? 0) + (m.softirq ?? 0) + (m.irq ?? 0) + (m.nice ?? 0), 0);
    const used = nodeStats.memoryTotalBytes - nodeStats.memoryAvailableBytes;
    const traffic = nodeStats.podTraffic;
    rows.push({
      labels: rowLabels('/'), cpuSeconds: busy,
      counters: { ...noCounters(busy), pageFaultsTotal: nodeStats.pageFaultsTotal, majorPageFaultsTotal: nodeStats.majorPageFaultsTotal, fsReadBytesTotal: nodeStats.diskReadBytesTotal, fsWriteBytesTotal: nodeStats.diskWrittenBytesTotal, fsReadsTotal: nodeStats.diskReadsTotal, fsWritesTotal: nodeStats.diskWritesTotal },
      workingSet: used, rss: used * 0.78, cache: nodeStats.memoryCachedBytes, usage: nodeStats.memoryTotalBytes - nodeStats.memoryFreeBytes, oomEvents: nodeStats.oomKillsTotal,
      startTime: bootTime, processes: 180 + 3 * onNode.length, threads: 610 + 30 * onNode.length, fileDescriptors: 4_200, sockets: 900,
      spec: { cpuShares: 1024, memoryLimit: 0, memoryReservation: 0 }, cfs: false,
      network: [{
        interface: 'eth0',
        rxBytes: nodeStats.networkRxBytesTotal + traffic.rxBytesTotal, txBytes: nodeStats.networkTxBytesTotal + traffic.txBytesTotal,
        rxPackets: nodeStats.networkRxPacketsTotal + traffic.rxPacketsTotal, txPackets: nodeStats.networkTxPacketsTotal + traffic.txPacketsTotal,
        rxDropped: 0, txDropped: traffic.txDroppedTotal,
      }],
      fsUsage: { usage: nodeStats.filesystemSizeBytes - nodeStats.filesystemAvailBytes, limit: nodeStats.filesystemSizeBytes, inodes: nodeStats.filesystemFiles, inodesFree: nodeStats.filesystemFilesFree },
    });
  }
  return rows;
}

export function collectCadvisor(source: ExpositionSource, node: string, keep?: FamilyFilter): MetricFamily[] {
  const b = new FamilyBuilder(keep);
  const rows = cgroupRows(source, node);
  const now = Math.round(source.now / 1000);
  const each = (name: string, type: 'counter' | 'gauge', help: string, value: (r: CgroupRow) => number | undefined) => {
    const add = b.family(name, type, help);
    for (const r of rows) {
      const v = value(r);
      if (v !== undefined) add(r.labels, v);
    }
  };
  const round = (v: number) => Math.round(v * 1e6) / 1e6;
  const ms = (v: number) => Math.round(v * 1000) / 1000;
  each('container_cpu_usage_seconds_total', 'counter', 'Cumulative cpu time consumed in seconds.', (r) => round(r.cpuSeconds));
  each('container_cpu_user_seconds_total', 'counter', 'Cumulative user cpu time consumed in seconds.', (r) => ms(r.cpuSeconds * 0.78));
  each('container_cpu_system_seconds_total', 'counter', 'Cumulative system cpu time consumed in seconds.', (r) => ms(r.cpuSeconds * 0.22));
  each('container_cpu_cfs_periods_total', 'counter', 'Number of elapsed enforcement period intervals.', (r) => (r.cfs ? Math.floor(r.counters.cfsPeriodsTotal) : undefined));
  each('container_cpu_cfs_throttled_periods_total', 'counter', 'Number of throttled period intervals.', (r) => (r.cfs ? Math.floor(r.counters.cfsThrottledPeriodsTotal) : undefined));
  each('container_cpu_cfs_throttled_seconds_total', 'counter', 'Total time duration the container has been throttled.', (r) => (r.cfs ? ms(r.counters.cfsThrottledSecondsTotal) : undefined));
  each('container_memory_cache', 'gauge', 'Number of bytes of page cache memory.', (r) => Math.round(r.cache));
  each('container_memory_rss', 'gauge', 'Size of RSS in bytes.', (r) => Math.round(r.rss));
  each('container_memory_kernel_usage', 'gauge', 'Size of kernel memory allocated in bytes.', (r) => Math.round(r.workingSet * 0.015));
  each('container_memory_mapped_file', 'gauge', 'Size of memory mapped files in bytes.', (r) => Math.round(r.cache * 0.3));
  // EKS nodes run without swap.
  each('container_memory_swap', 'gauge', 'Container swap usage in bytes.', () => 0);
  each('container_memory_failcnt', 'counter', 'Number of memory usage hits limits', () => 0);
  each('container_memory_usage_bytes', 'gauge', 'Current memory usage in bytes, including all memory regardless of when it was accessed', (r) => Math.round(r.usage));
  each('container_memory_max_usage_bytes', 'gauge', 'Maximum memory usage recorded in bytes', (r) => Math.round(Math.max(r.usage, r.counters.memoryMaxUsageBytes)));
  each('container_memory_working_set_bytes', 'gauge', 'Current working set in bytes.', (r) => Math.round(r.workingSet));
  const failures = b.family('container_memory_failures_total', 'counter', 'Cumulative count of memory allocation failures.');
  for (const r of rows) {
    for (const scope of ['container', 'hierarchy']) {
      failures({ ...r.labels, failure_type: 'pgfault', scope }, Math.floor(r.counters.pageFaultsTotal));
      failures({ ...r.labels, failure_type: 'pgmajfault', scope }, Math.floor(r.counters.majorPageFaultsTotal));
    }
  }
  each('container_oom_events_total', 'counter', 'Count of out of memory events observed for the container', (r) => r.oomEvents);
  const device = (r: CgroupRow) => ({ ...r.labels, device: ROOT_DEVICE });
  const fsCounter = (name: string, help: string, value: (c: ContainerCounters) => number) => {
    const add = b.family(name, 'counter', help);
    for (const r of rows) add(device(r), Math.floor(value(r.counters)));
  };
  fsCounter('container_fs_reads_bytes_total', 'Cumulative count of bytes read', (c) => c.fsReadBytesTotal);
  fsCounter('container_fs_reads_total', 'Cumulative count of reads completed', (c) => c.fsReadsTotal);
  fsCounter('container_fs_writes_bytes_total', 'Cumulative count of bytes written', (c) => c.fsWriteBytesTotal);
  fsCounter('container_fs_writes_total', 'Cumulative count of writes completed', (c) => c.fsWritesTotal);
  // containerd's snapshotter does not report per-container usage to cAdvisor: only the root cgroup has it.
  const fsGauge = (name: string, help: string, value: (f: NonNullable<CgroupRow['fsUsage']>) => number) => {
    const add = b.family(name, 'gauge', help);
    for (const r of rows) if (r.fsUsage) add({ ...r.labels, device: `${ROOT_DEVICE}p1` }, Math.round(value(r.fsUsage)));
  };
  fsGauge('container_fs_inodes_free', 'Number of available Inodes', (f) => f.inodesFree);
  fsGauge('container_fs_inodes_total', 'Number of Inodes', (f) => f.inodes);
  fsGauge('container_fs_limit_bytes', 'Number of bytes that can be consumed by the container on this filesystem.', (f) => f.limit);
  fsGauge('container_fs_usage_bytes', 'Number of bytes that are consumed by the container on this filesystem.', (f) => f.usage);
  const net = (name: string, help: string, value: (n: NonNullable<CgroupRow['network']>[number]) => number) => {
    const add = b.family(name, 'counter', help);
    for (const r of rows) for (const n of r.network ?? []) add({ ...r.labels, interface: n.interface }, Math.floor(value(n)));
  };
  net('container_network_receive_bytes_total', 'Cumulative count of bytes received', (n) => n.rxBytes);
  net('container_network_receive_errors_total', 'Cumulative count of errors encountered while receiving', () => 0);
  net('container_network_receive_packets_dropped_total', 'Cumulative count of packets dropped while receiving', (n) => n.rxDropped);
  net('container_network_receive_packets_total', 'Cumulative count of packets received', (n) => n.rxPackets);
  net('container_network_transmit_bytes_total', 'Cumulative count of bytes transmitted', (n) => n.txBytes);
  net('container_network_transmit_errors_total', 'Cumulative count of errors encountered while transmitting', () => 0);
  net('container_network_transmit_packets_dropped_total', 'Cumulative count of packets dropped while transmitting', (n) => n.txDropped);
  net('container_network_transmit_packets_total', 'Cumulative count of packets transmitted', (n) => n.txPackets);
  each('container_processes', 'gauge', 'Number of processes running inside the container.', (r) => r.processes);
  each('container_threads', 'gauge', 'Number of threads running inside the container', (r) => r.threads);
  each('container_threads_max', 'gauge', 'Maximum number of threads allowed inside the container, infinity if value is zero', (r) => (r.labels.id === '/' ? 0 : 4_915));
  each('container_file_descriptors', 'gauge', 'Number of open file descriptors for the container.', (r) => r.fileDescriptors);
  each('container_sockets', 'gauge', 'Number of open sockets for the container.', (r) => r.sockets);
  const ulimits = b.family('container_ulimits_soft', 'gauge', 'Soft ulimit values for the container root process. Unlimited if -1, except priority and nice');
  for (const r of rows) if (r.labels.image) ulimits({ ...r.labels, ulimit: 'max_open_files' }, 1_048_576);
  each('container_spec_cpu_period', 'gauge', 'CPU period of the container.', (r) => (r.labels.id === '/' ? undefined : CFS_PERIOD_US));
  each('container_spec_cpu_quota', 'gauge', 'CPU quota of the container.', (r) => r.spec.cpuQuotaUs);
  each('container_spec_cpu_shares', 'gauge', 'CPU share of the container.', (r) => r.spec.cpuShares);
  each('container_spec_memory_limit_bytes', 'gauge', 'Memory limit for the container.', (r) => r.spec.memoryLimit);
  each('container_spec_memory_reservation_limit_bytes', 'gauge', 'Memory reservation limit for the container.', (r) => r.spec.memoryReservation);
  each('container_spec_memory_swap_limit_bytes', 'gauge', 'Memory swap limit for the container.', (r) => r.spec.memoryLimit);
  each('container_start_time_seconds', 'gauge', 'Start time of the container since unix epoch in seconds.', (r) => Math.round(r.startTime * 1000) / 1000);
  each('container_last_seen', 'gauge', 'Last time a container was seen by the exporter', () => now);
  const stats = source.nodeCounters(node);
  const cpus = stats?.cpuSecondsByMode.length ?? 2;
  b.family('machine_cpu_cores', 'gauge', 'Number of logical CPU cores.')({ boot_id: '7f3c2a9e-41d7-4c55-9b0e-2e6a1d5c8b40', machine_id: 'ec2a8c1f0e7b4d2c9a6f3e1d5b7c9a0e', system_uuid: 'ec2a8c1f-0e7b-4d2c-9a6f-3e1d5b7c9a0e' }, cpus);
  b.family('machine_cpu_physical_cores', 'gauge', 'Number of physical CPU cores.')({ boot_id: '7f3c2a9e-41d7-4c55-9b0e-2e6a1d5c8b40', machine_id: 'ec2a8c1f0e7b4d2c9a6f3e1d5b7c9a0e', system_uuid: 'ec2a8c1f-0e7b-4d2c-9a6f-3e1d5b7c9a0e' }, Math.max(1, cpus / 2));
  b.family('machine_cpu_sockets', 'gauge', 'Number of CPU sockets.')({ boot_id: '7f3c2a9e-41d7-4c55-9b0e-2e6a1d5c8b40', machine_id: 'ec2a8c1f0e7b4d2c9a6f3e1d5b7c9a0e', system_uuid: 'ec2a8c1f-0e7b-4d2c-9a6f-3e1d5b7c9a0e' }, 1);
  if (stats) b.family('machine_memory_bytes', 'gauge', 'Amount of memory installed on the machine.')({ boot_id: '7f3c2a9e-41d7-4c55-9b0e-2e6a1d5c8b40', machine_id: 'ec2a8c1f0e7b4d2c9a6f3e1d5b7c9a0e', system_uuid: 'ec2a8c1f-0e7b-4d2c-9a6f-3e1d5b7c9a0e' }, stats.memoryTotalBytes);
  b.family('machine_scrape_error', 'gauge', '1 if there was an error while getting machine metrics, 0 otherwise.')({}, 0);
  b.family('container_scrape_error', 'gauge', '1 if there was an error while getting container metrics, 0 otherwise')({}, 0);
  b.family('cadvisor_version_info', 'gauge', "A metric with a constant '1' value labeled by kernel version, OS version, docker version, cadvisor version & cadvisor revision.")(
    { cadvisorRevision: '', cadvisorVersion: '', dockerVersion: '', kernelVersion: '6.1.119-129.201.amzn2023.x86_64', osVersion: 'Amazon Linux 2023.6.20250107' }, 1);
  return b.build();
}
