/**
 * The container runtime of the simulated nodes (containerd + cgroups): which containers run where,
 * how much memory and CPU each uses, and the cumulative counters cAdvisor reports. Kubernetes state
 * (pod status) lives in the object store; this is what the kernel would know.
 */
import type { Random } from '../../../../core/random.js';
import { parseQuantity } from '../../../../core/quantity.js';
import type { Container, Pod } from '../cluster/objects.js';
import { serviceByName, type ServiceProfile } from '../../../../lib/petadoption/catalog.js';
import { systemWorkloads } from './system.js';

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
  counters: { cpuSecondsTotal: number; cfsPeriodsTotal: number; cfsThrottledPeriodsTotal: number };
  /** Set when the process will exit by itself (bad configuration, crash) at `at`. */
  plannedExit?: { at: number; exitCode: number; reason: string; message: string };
}

export interface PodNetwork {
  rxBytesTotal: number;
  txBytesTotal: number;
}

export class ContainerRuntimeModel {
  private readonly containers = new Map<string, ContainerRuntime>();
  private readonly networks = new Map<string, PodNetwork>();
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

  network(podUid: string): PodNetwork {
    let net = this.networks.get(podUid);
    if (!net) this.networks.set(podUid, (net = { rxBytesTotal: 0, txBytesTotal: 0 }));
    return net;
  }

  /** Starts (or restarts) a container process; counters of the previous instance are gone, as with a new cgroup. */
  start(pod: Pod, spec: Container, now: number): ContainerRuntime {
    const key = ContainerRuntimeModel.key(pod.metadata.uid!, spec.name);
    const previous = this.containers.get(key);
    const service = pod.metadata.namespace === 'petadoptions' ? serviceByName.get(spec.name) : undefined;
    const system = systemWorkloads.flatMap((w) => w.containers).find((c) => c.container.name === spec.name);
    const limits = spec.resources?.limits ?? {};
    const requests = spec.resources?.requests ?? {};
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
      containerId: `containerd://${this.random.hex(64)}`,
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
      counters: { cpuSecondsTotal: 0, cfsPeriodsTotal: 0, cfsThrottledPeriodsTotal: 0 },
    };
    this.containers.set(key, runtime);
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
      c.counters.cpuSecondsTotal += c.usage.cpuCores * dt;
      const periods = CFS_PERIODS_PER_SECOND * dt * (limit !== undefined ? 1 : 0);
      c.counters.cfsPeriodsTotal += periods;
      c.counters.cfsThrottledPeriodsTotal += periods * throttled;
    }
  }
}

export function stressBytes(stress: MemoryStress, now: number, limitBytes: number | undefined): number {
  const progress = stress.rampMs <= 0 ? 1 : Math.min(1, Math.max(0, (now - stress.startedAt) / stress.rampMs));
  const bytes = stress.targetBytes * progress;
  // The stressor lives in the container's cgroup: it cannot hold more than the limit (the OOM killer acts first).
  return limitBytes !== undefined ? Math.min(bytes, limitBytes * 1.02) : bytes;
}

export { CFS_PERIODS_PER_SECOND };
