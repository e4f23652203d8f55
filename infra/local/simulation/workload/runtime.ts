/**
 * The container runtime of the simulated nodes (containerd + cgroups): which containers run where,
 * how much memory and CPU each uses, and the cumulative counters cAdvisor reports. Kubernetes state
 * (pod status) lives in the object store; this is what the kernel would know.
 */
import { createHash } from 'node:crypto';
import type { Random } from '../../../../core/random.js';
import { parseQuantity } from '../../../../core/quantity.js';
import type { Container, Pod } from '../cluster/objects.js';
import { serviceByName, type ServiceProfile } from '../../../../lib/petadoption/catalog.js';
import { systemWorkloads } from './system.js';
import { qosClass } from '../cluster/controllers/podutil.js';

const MiB = 2 ** 20;
/** CFS period: 100 ms, so 10 periods per second of runnable time. */
const CFS_PERIODS_PER_SECOND = 10;

export interface MemoryStress {
  /** Target bytes (absolute), reached linearly over `rampMs` from `startedAt`. */
  targetBytes: number;
  rampMs: number;
  startedAt: number;
  source: string;
}

export interface CpuStress {
  cores: number;
  source: string;
}

export interface ContainerRuntime {
  key: string;
  namespace: string;
  pod: string;
  podUid: string;
  container: string;
  node: string;
  service?: ServiceProfile;
  image: string;
  /** Number of times this container was (re)started in this pod, 0 for the first run. */
  instance: number;
  startedAt: number;
  running: boolean;
  containerId: string;
  /** cgroup v2 paths (systemd driver, as on the EKS AL2023 AMI): the container's own and its parents, innermost first. */
  cgroup: { id: string; pod: string; parents: string[] };
  pid: number;
  memoryBaselineBytes: number;
  cpuIdleCores: number;
  limits: { cpuCores?: number; memoryBytes?: number };
  requests: { cpuCores: number; memoryBytes: number };
  /** Application CPU demand from traffic (cores), set by the traffic model each tick. */
  appCpuDemand: number;
  /** Load factor (0..2) used for memory wobble; 1 = nominal traffic. */
  load: number;
  memoryStress?: MemoryStress;
  cpuStress?: CpuStress;
  /** Chaos Mesh pod-failure: the container runs the pause image, serves nothing and is never ready. */
  paused?: boolean;
  /** Outcome of the last tick. */
  usage: { cpuCores: number; memoryWorkingSetBytes: number; memoryRssBytes: number; throttledFraction: number; slowdown: number };
  counters: ContainerCounters;
  /** Set when the process will exit by itself (bad configuration, crash) at `at`. */
  plannedExit?: { at: number; exitCode: number; reason: string; message: string };
}

/** What the kernel counts for one container's cgroup (cAdvisor reads them; a restart starts a new cgroup at zero). */
export interface ContainerCounters {
  cpuSecondsTotal: number;
  cfsPeriodsTotal: number;
  cfsThrottledPeriodsTotal: number;
  /** Time runnable but held back by the quota (cpu.stat throttled_usec). */
  cfsThrottledSecondsTotal: number;
  /** memory.stat pgfault / pgmajfault. */
  pageFaultsTotal: number;
  majorPageFaultsTotal: number;
  /** io.stat rbytes/wbytes/rios/wios on the node's root disk. */
  fsReadBytesTotal: number;
  fsWriteBytesTotal: number;
  fsReadsTotal: number;
  fsWritesTotal: number;
  /** Highest memory.current seen (container_memory_max_usage_bytes). */
  memoryMaxUsageBytes: number;
}

/** The pod sandbox's network namespace (eth0), counted as /proc/net/dev counts it. */
export interface PodNetwork {
  rxBytesTotal: number;
  txBytesTotal: number;
  rxPacketsTotal: number;
  txPacketsTotal: number;
  /** Packets dropped on the way out: NetworkChaos loss (netem on the pod's eth0) counts here. */
  txDroppedTotal: number;
  rxDroppedTotal: number;
  /** Sandbox (pause container) id and when it started: network series hang off it. */
  sandboxId: string;
  sandboxStartedAt: number;
  node?: string;
}

/** Traffic through a node's primary interface (the VPC CNI routes pod IPs through it); outlives its pods. */
export interface NodeTraffic {
  rxBytesTotal: number;
  txBytesTotal: number;
  rxPacketsTotal: number;
  txPacketsTotal: number;
  txDroppedTotal: number;
}

/** Mean frame sizes that turn byte counters into packet counters (HTTP over TCP, ACKs included). */
const RX_BYTES_PER_PACKET = 820;
const TX_BYTES_PER_PACKET = 610;

const emptyCounters = (): ContainerCounters => ({
  cpuSecondsTotal: 0, cfsPeriodsTotal: 0, cfsThrottledPeriodsTotal: 0, cfsThrottledSecondsTotal: 0,
  pageFaultsTotal: 0, majorPageFaultsTotal: 0, fsReadBytesTotal: 0, fsWriteBytesTotal: 0, fsReadsTotal: 0, fsWritesTotal: 0, memoryMaxUsageBytes: 0,
});

export class ContainerRuntimeModel {
  private readonly containers = new Map<string, ContainerRuntime>();
  private readonly networks = new Map<string, PodNetwork>();
  /** OOM kills per pod cgroup (memory.events oom_kill is hierarchical: the pod's cgroup outlives its containers). */
  private readonly nodeTraffics = new Map<string, NodeTraffic>();
  /** Counters of the pod, QoS and kubepods cgroups, which outlive the containers in them. */
  private readonly cgroupCounters = new Map<string, ContainerCounters>();
  private readonly podCgroups = new Map<string, string>();
  private readonly podOomKills = new Map<string, number>();
  /** OOM kills per node since boot (/proc/vmstat oom_kill). */
  private readonly nodeOomKills = new Map<string, number>();
  private nextPid = 4100;

  constructor(private readonly random: Random) {}

  static key(podUid: string, container: string): string {
    return `${podUid}/${container}`;
  }

  get(podUid: string, container: string): ContainerRuntime | undefined {
    return this.containers.get(ContainerRuntimeModel.key(podUid, container));
  }

  all(): ContainerRuntime[] {
    return [...this.containers.values()];
  }

  running(): ContainerRuntime[] {
    return this.all().filter((c) => c.running);
  }

  ofPod(podUid: string): ContainerRuntime[] {
    return this.all().filter((c) => c.podUid === podUid);
  }

  onNode(node: string): ContainerRuntime[] {
    return this.all().filter((c) => c.node === node && c.running);
  }

  network(podUid: string, now = 0, node?: string): PodNetwork {
    let net = this.networks.get(podUid);
    // The sandbox id derives from the pod's uid: drawing it would shift every later draw of the seeded
    // random stream (pod names and IPs the fixtures name).
    if (!net) this.networks.set(podUid, (net = { rxBytesTotal: 0, txBytesTotal: 0, rxPacketsTotal: 0, txPacketsTotal: 0, txDroppedTotal: 0, rxDroppedTotal: 0, sandboxId: createHash('sha256').update(`sandbox/${podUid}`).digest('hex'), sandboxStartedAt: now, node }));
    return net;
  }

  /** The pod's sandbox, if the kubelet created one (its network namespace and cgroup exist). */
  sandboxOf(podUid: string): PodNetwork | undefined {
    return this.networks.get(podUid);
  }

  /** The pod's cgroup path, once a container of it has started. */
  podCgroupOf(podUid: string): string | undefined {
    return this.podCgroups.get(podUid);
  }

  nodeTraffic(node: string): NodeTraffic {
    let traffic = this.nodeTraffics.get(node);
    if (!traffic) this.nodeTraffics.set(node, (traffic = { rxBytesTotal: 0, txBytesTotal: 0, rxPacketsTotal: 0, txPacketsTotal: 0, txDroppedTotal: 0 }));
    return traffic;
  }

  /** Counts traffic on a pod's eth0; `lossFraction` of what it sends is dropped by a netem qdisc. */
  countTraffic(podUid: string, rxBytes: number, txBytes: number, lossFraction = 0): void {
    const net = this.network(podUid);
    net.rxBytesTotal += rxBytes;
    net.txBytesTotal += txBytes;
    net.rxPacketsTotal += rxBytes / RX_BYTES_PER_PACKET;
    const sent = txBytes / TX_BYTES_PER_PACKET;
    net.txPacketsTotal += sent;
    net.txDroppedTotal += sent * lossFraction;
    const node = net.node ?? this.ofPod(podUid)[0]?.node;
    if (!node) return;
    net.node = node;
    const traffic = this.nodeTraffic(node);
    traffic.rxBytesTotal += rxBytes;
    traffic.txBytesTotal += txBytes;
    traffic.rxPacketsTotal += rxBytes / RX_BYTES_PER_PACKET;
    traffic.txPacketsTotal += sent * (1 - lossFraction);
  }

  /** The kernel OOM-killed a container: counted on its pod's cgroup and its node. */
  recordOomKill(runtime: ContainerRuntime): void {
    this.podOomKills.set(runtime.podUid, (this.podOomKills.get(runtime.podUid) ?? 0) + 1);
    this.nodeOomKills.set(runtime.node, (this.nodeOomKills.get(runtime.node) ?? 0) + 1);
  }

  oomKillsOfPod(podUid: string): number {
    return this.podOomKills.get(podUid) ?? 0;
  }

  oomKillsOnNode(node: string): number {
    return this.nodeOomKills.get(node) ?? 0;
  }

  /** Starts (or restarts) a container process; counters of the previous instance are gone, as with a new cgroup. */
  start(pod: Pod, spec: Container, now: number): ContainerRuntime {
    const key = ContainerRuntimeModel.key(pod.metadata.uid!, spec.name);
    const previous = this.containers.get(key);
    const service = pod.metadata.namespace === 'petadoptions' ? serviceByName.get(spec.name) : undefined;
    const system = systemWorkloads.flatMap((w) => w.containers).find((c) => c.container.name === spec.name);
    const limits = spec.resources?.limits ?? {};
    const requests = spec.resources?.requests ?? {};
    const containerHex = this.random.hex(64);
    const runtime: ContainerRuntime = {
      key,
      namespace: pod.metadata.namespace!,
      pod: pod.metadata.name,
      podUid: pod.metadata.uid!,
      container: spec.name,
      node: pod.spec.nodeName!,
      service,
      image: spec.image,
      instance: previous ? previous.instance + 1 : 0,
      startedAt: now,
      running: true,
      containerId: `containerd://${containerHex}`,
      cgroup: cgroupOf(pod, containerHex),
      pid: this.nextPid++,
      memoryBaselineBytes: (service?.memoryBaselineBytes ?? system?.memoryBaselineBytes ?? 32 * MiB) * this.random.between(0.95, 1.05),
      cpuIdleCores: service?.cpuIdleCores ?? system?.cpuIdleCores ?? 0.002,
      limits: {
        cpuCores: limits.cpu ? parseQuantity(limits.cpu) : undefined,
        memoryBytes: limits.memory ? parseQuantity(limits.memory) : undefined,
      },
      requests: {
        cpuCores: requests.cpu ? parseQuantity(requests.cpu) : limits.cpu ? parseQuantity(limits.cpu) : 0,
        memoryBytes: requests.memory ? parseQuantity(requests.memory) : limits.memory ? parseQuantity(limits.memory) : 0,
      },
      appCpuDemand: 0,
      load: 1,
      // A stressor injected into this pod keeps running in the restarted container's cgroup.
      memoryStress: previous?.memoryStress ? { ...previous.memoryStress, startedAt: now } : undefined,
      cpuStress: previous?.cpuStress,
      paused: previous?.paused,
      usage: { cpuCores: 0, memoryWorkingSetBytes: 0, memoryRssBytes: 0, throttledFraction: 0, slowdown: 1 },
      counters: emptyCounters(),
    };
    this.containers.set(key, runtime);
    this.podCgroups.set(runtime.podUid, runtime.cgroup.pod);
    return runtime;
  }

  stop(runtime: ContainerRuntime): void {
    runtime.running = false;
    runtime.plannedExit = undefined;
    runtime.usage = { cpuCores: 0, memoryWorkingSetBytes: 0, memoryRssBytes: 0, throttledFraction: 0, slowdown: 1 };
  }

  /** Forgets a pod entirely (its sandbox is gone). */
  removePod(podUid: string): void {
    for (const [key, c] of this.containers) if (c.podUid === podUid) this.containers.delete(key);
    this.networks.delete(podUid);
    this.podOomKills.delete(podUid);
    const podCgroup = this.podCgroups.get(podUid);
    if (podCgroup) this.cgroupCounters.delete(podCgroup);
    this.podCgroups.delete(podUid);
  }

  /** Cumulative counters of a parent cgroup (pod, QoS class, kubepods), zero when it never ran anything. */
  countersOfCgroup(id: string): ContainerCounters {
    return this.cgroupCounters.get(id) ?? emptyCounters();
  }

  /**
   * Advances usage and counters by `dt` seconds. CPU beyond the limit is throttled by CFS; bursts near
   * the limit already throttle some periods, which is what makes latency rise before usage flat-lines.
   */
  advance(now: number, dt: number): void {
    for (const c of this.containers.values()) {
      if (!c.running) continue;
      const age = (now - c.startedAt) / 1000;
      const startupRamp = c.service ? Math.min(1, 0.45 + 0.55 * (age / Math.max(1, c.service.startupSeconds))) : 1;
      const wobble = 1 + 0.025 * Math.sin((now / 1000 / 97) + c.pid) + this.random.normal(0, 0.004);
      const loadFactor = 1 + 0.04 * (c.load - 1);
      const base = c.memoryBaselineBytes * startupRamp * wobble * loadFactor;
      const stress = c.memoryStress ? stressBytes(c.memoryStress, now, c.limits.memoryBytes) : 0;
      const workingSet = Math.max(4 * MiB, base + stress);
      const demand = c.cpuIdleCores + c.appCpuDemand + (c.cpuStress?.cores ?? 0);
      const limit = c.limits.cpuCores;
      let usage = demand;
      let throttled = 0;
      let slowdown = 1;
      if (limit !== undefined && limit > 0) {
        const utilisation = demand / limit;
        usage = Math.min(demand, limit);
        throttled = utilisation < 0.55 ? 0 : Math.min(1, utilisation >= 1 ? 0.55 + 0.45 * Math.min(1, (utilisation - 1) * 2) : ((utilisation - 0.55) / 0.45) ** 2 * 0.5);
        // The application gets its share of the quota; queueing grows superlinearly beyond saturation.
        slowdown = Math.max(1, utilisation) ** 1.4 * (1 + 0.6 * throttled);
      }
      c.usage = {
        cpuCores: usage * this.random.between(0.97, 1.03),
        memoryWorkingSetBytes: workingSet,
        memoryRssBytes: workingSet * 0.86,
        throttledFraction: throttled,
        slowdown: Math.min(slowdown, 60),
      };
      const before = { ...c.counters };
      c.counters.cpuSecondsTotal += c.usage.cpuCores * dt;
      const periods = CFS_PERIODS_PER_SECOND * dt * (limit !== undefined ? 1 : 0);
      c.counters.cfsPeriodsTotal += periods;
      c.counters.cfsThrottledPeriodsTotal += periods * throttled;
      // A throttled period loses on average the part of the 100 ms the quota did not cover.
      c.counters.cfsThrottledSecondsTotal += periods * throttled * 0.1 * Math.min(0.9, Math.max(0.2, limit ? demand / limit - 0.5 : 0));
      // Page faults follow CPU work (allocations); major faults are rare reads of evicted file pages.
      c.counters.pageFaultsTotal += c.usage.cpuCores * dt * 42_000 + dt * 3;
      c.counters.majorPageFaultsTotal += c.usage.cpuCores * dt * 0.8;
      const io = c.usage.cpuCores * dt;
      c.counters.fsReadBytesTotal += io * 18_000;
      c.counters.fsReadsTotal += io * 4;
      c.counters.fsWriteBytesTotal += io * 52_000 + dt * 120;
      c.counters.fsWritesTotal += io * 11 + dt * 0.03;
      c.counters.memoryMaxUsageBytes = Math.max(c.counters.memoryMaxUsageBytes, memoryUsageBytes(c));
      for (const parent of c.cgroup.parents) {
        let totals = this.cgroupCounters.get(parent);
        if (!totals) this.cgroupCounters.set(parent, (totals = emptyCounters()));
        for (const key of Object.keys(totals) as (keyof ContainerCounters)[]) {
          if (key !== 'memoryMaxUsageBytes') totals[key] += c.counters[key] - before[key];
        }
      }
    }
  }
}

/**
 * The kubelet's cgroup layout with the systemd driver: kubepods.slice, then a slice per QoS class
 * (Guaranteed pods sit directly under kubepods), a slice per pod, a scope per container.
 */
export function cgroupOf(pod: Pod, containerHex: string): { id: string; pod: string; parents: string[] } {
  const uid = pod.metadata.uid!.replaceAll('-', '_');
  const qos = qosClass(pod);
  const kubepods = '/kubepods.slice';
  const qosSlice = qos === 'Guaranteed' ? undefined : `${kubepods}/kubepods-${qos.toLowerCase()}.slice`;
  const podSlice = qosSlice ? `${qosSlice}/kubepods-${qos.toLowerCase()}-pod${uid}.slice` : `${kubepods}/kubepods-pod${uid}.slice`;
  return { id: `${podSlice}/cri-containerd-${containerHex}.scope`, pod: podSlice, parents: [podSlice, ...(qosSlice ? [qosSlice] : []), kubepods] };
}

/** Page cache charged to the container (container_memory_cache): a share of its working set plus its logs. */
export function memoryCacheBytes(c: ContainerRuntime): number {
  return c.usage.memoryWorkingSetBytes * 0.12 + 3 * MiB;
}

/** memory.current (container_memory_usage_bytes): the working set plus the inactive file cache it excludes. */
export function memoryUsageBytes(c: ContainerRuntime): number {
  return c.usage.memoryWorkingSetBytes + memoryCacheBytes(c) * 0.55;
}

export function stressBytes(stress: MemoryStress, now: number, limitBytes: number | undefined): number {
  const progress = stress.rampMs <= 0 ? 1 : Math.min(1, Math.max(0, (now - stress.startedAt) / stress.rampMs));
  const bytes = stress.targetBytes * progress;
  // The stressor lives in the container's cgroup: it cannot hold more than the limit (the OOM killer acts first).
  return limitBytes !== undefined ? Math.min(bytes, limitBytes * 1.02) : bytes;
}

export { CFS_PERIODS_PER_SECOND };
