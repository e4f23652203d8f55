/**
 * The simulated pet-adoption EKS cluster: control plane (object store, controllers, scheduler),
 * kubelets and container runtime, Chaos Mesh, the application's traffic, logs and the exporters' data,
 * all advancing together on one simulated clock. Tests drive it tick by tick; `sim-main.ts` replays the
 * recent past quickly and then follows the wall clock.
 */
import { ManualClock } from '../../../core/clock.js';
import { Random } from '../../../core/random.js';
import type { ClusterBackend, NodeUsage, PodUsage, ResourceUsageSource } from './cluster/backend.js';
import { ChaosController } from './chaos/controller.js';
import { NetworkFaults } from './chaos/network-faults.js';
import type { Controller, ControllerContext } from './cluster/controllers/context.js';
import { DaemonSetController } from './cluster/controllers/daemonset.js';
import { DeploymentController } from './cluster/controllers/deployment.js';
import { EndpointsController } from './cluster/controllers/endpoints.js';
import { NamespaceDefaultsController } from './cluster/controllers/namespace-defaults.js';
import { GarbageCollector } from './cluster/controllers/garbage-collector.js';
import { Kubelet, NODE_SYSTEM_OVERHEAD_BYTES } from './cluster/controllers/kubelet.js';
import { ReplicaSetController } from './cluster/controllers/replicaset.js';
import { Scheduler } from './cluster/controllers/scheduler.js';
import { EventRecorder } from './cluster/events.js';
import type { Deployment, Node, Pod } from './cluster/objects.js';
import { DEPLOYMENT, NODE, POD } from './cluster/resources.js';
import { ObjectStore } from './cluster/store.js';
import type { ExpositionSource, NodeCounters } from './exposition/source.js';
import { scrapeTargets, type ScrapeTarget } from './exposition/targets.js';
import type { TimingProfile } from '../profiles.js';
import { backdateInitialPods, PAST_CRASH, RECENT_ROLLOUT, seedCluster } from './seed.js';
import { serviceByName } from '../../../lib/petadoption/catalog.js';
import { LogStore } from './workload/logs.js';
import { ContainerRuntimeModel } from './workload/runtime.js';
import { TrafficModel, type TrafficTick } from './workload/traffic.js';

export interface SimulationOptions {
  /** Epoch ms the simulated cluster starts at (its history begins here). */
  start: number;
  profile: TimingProfile;
  seed?: number;
  /**
   * End of the simulated history: the seeded past events (a recent rollout, an agent's crash) are placed
   * relative to it. Omit for a cluster without a past (unit tests).
   */
  historyEnd?: number;
}

export type TickListener = (tick: TrafficTick, simulation: Simulation) => void;

export class Simulation implements ClusterBackend, ExpositionSource {
  readonly clock: ManualClock;
  readonly random: Random;
  readonly store: ObjectStore;
  readonly events: EventRecorder;
  readonly runtime: ContainerRuntimeModel;
  readonly network = new NetworkFaults();
  readonly traffic: TrafficModel;
  readonly logs: LogStore;
  readonly kubelet: Kubelet;
  readonly chaos: ChaosController;
  readonly usage: ResourceUsageSource;
  readonly profile: TimingProfile;
  private readonly controllers: Controller[];
  private readonly gc: GarbageCollector;
  private readonly nodeStats = new Map<string, NodeCounters>();
  private readonly tickListeners: TickListener[] = [];
  private readonly timeline: { at: number; name: string; run: () => void }[] = [];
  private ticks = 0;
  private lastTick?: TrafficTick;

  constructor(options: SimulationOptions) {
    this.profile = options.profile;
    this.clock = new ManualClock(options.start);
    this.random = new Random(options.seed ?? 20261125);
    this.store = new ObjectStore(this.clock, this.random);
    this.events = new EventRecorder(this.store, this.clock, this.random);
    this.runtime = new ContainerRuntimeModel(this.random);
    this.traffic = new TrafficModel(this.random, this.runtime, this.network);
    this.logs = new LogStore(this.store, this.random, this.runtime);
    const ctx: ControllerContext = { store: this.store, clock: this.clock, random: this.random, events: this.events, profile: this.profile };
    this.kubelet = new Kubelet(ctx, this.runtime);
    this.kubelet.addListener(this.logs);
    this.kubelet.addListener({
      started: (rt) => this.traffic.resetCounters(rt.podUid),
      podRemoved: (pod) => this.traffic.forgetPod(pod.metadata.uid!),
    });
    this.chaos = new ChaosController(ctx, this.runtime, this.network);
    this.gc = new GarbageCollector(ctx);
    this.controllers = [this.chaos, new NamespaceDefaultsController(ctx), new DeploymentController(ctx), new ReplicaSetController(ctx), new DaemonSetController(ctx), new Scheduler(ctx), new EndpointsController(ctx)];
    this.usage = {
      pods: (namespace) => this.podUsage(namespace),
      nodes: () => this.nodeUsage(),
    };
    seedCluster(this.store, this.random, options.start);
    if (options.historyEnd !== undefined) {
      // Events older than the replayed history happen once the new cluster has settled.
      const hoursBefore = (hours: number) => Math.max(options.start + 60_000, options.historyEnd! - hours * 3_600_000);
      this.at(hoursBefore(RECENT_ROLLOUT.hoursAgo), `rollout ${RECENT_ROLLOUT.service} ${serviceByName.get(RECENT_ROLLOUT.service)!.currentTag}`, () => this.rollOutLatest(RECENT_ROLLOUT.service));
      this.at(hoursBefore(PAST_CRASH.hoursAgo), `${PAST_CRASH.app} crash`, () => this.crashOne(PAST_CRASH));
      this.at(options.start + 50_000, 'pods born before the simulation', () => backdateInitialPods(this.store, this.random, options.start));
    }
  }

  /** Schedules something to happen at a simulated time (a rollout in the history, a test's action). */
  at(epochMs: number, name: string, run: () => void): void {
    this.timeline.push({ at: epochMs, name, run });
    this.timeline.sort((a, b) => a.at - b.at);
  }

  onTick(listener: TickListener): void {
    this.tickListeners.push(listener);
  }

  get now(): number {
    return this.clock.now();
  }

  get latestTraffic(): TrafficTick | undefined {
    return this.lastTick;
  }

  /** Advances the whole cluster by `dt` simulated seconds. */
  step(dt: number): void {
    this.clock.advance(dt * 1000);
    const now = this.clock.now();
    while (this.timeline.length && this.timeline[0]!.at <= now) this.timeline.shift()!.run();
    for (const controller of this.controllers) controller.reconcile(dt);
    const pods = this.store.list<Pod>(POD);
    const rates = this.traffic.planDemand(pods, now, dt);
    this.runtime.advance(now, dt);
    this.kubelet.reconcile();
    const tick = this.traffic.serve(this.store.list<Pod>(POD), rates, now, dt);
    this.accountNetwork(tick);
    this.updateNodeStats(dt);
    this.logs.observe(tick);
    this.lastTick = tick;
    for (const listener of this.tickListeners) listener(tick, this);
    if (++this.ticks % 15 === 0) this.gc.reconcile();
  }

  /** Runs until `epochMs` in steps of at most `maxStepSeconds`, calling `onStep` after each. */
  async advanceTo(epochMs: number, options: { maxStepSeconds?: number; onStep?: (now: number) => void | Promise<void> } = {}): Promise<void> {
    const maxStep = options.maxStepSeconds ?? this.profile.tickSeconds;
    while (this.clock.now() + 1 <= epochMs) {
      const dt = Math.min(maxStep, (epochMs - this.clock.now()) / 1000);
      if (dt < 0.001) break;
      this.step(dt);
      if (options.onStep) await options.onStep(this.clock.now());
    }
  }

  /** Runs `seconds` of simulated time in ticks (tests). */
  run(seconds: number, stepSeconds = this.profile.tickSeconds): void {
    const end = this.clock.now() + seconds * 1000;
    while (this.clock.now() < end - 1) this.step(Math.min(stepSeconds, (end - this.clock.now()) / 1000));
  }

  scrapeTargets(): ScrapeTarget[] {
    return scrapeTargets(this);
  }

  nodeCounters(node: string): NodeCounters | undefined {
    return this.nodeStats.get(node);
  }

  /** Releases a service's newest image through a rolling update, as `kubectl set image` would. */
  rollOutLatest(serviceName: string): void {
    const service = serviceByName.get(serviceName)!;
    this.store.mutate<Deployment>(DEPLOYMENT, 'petadoptions', serviceName, (d) => {
      const container = d.spec.template.spec.containers.find((c) => c.name === serviceName)!;
      container.image = `${service.image}:${service.currentTag}`;
      d.metadata.annotations = { ...d.metadata.annotations, 'kubernetes.io/change-cause': `kubectl set image deployment/${serviceName} ${serviceName}=${service.image}:${service.currentTag}` };
    });
  }

  /** Makes one running container of an app exit by itself (the kubelet restarts it). */
  crashOne(crash: { namespace: string; app: string; exitCode: number; reason: string; message: string }): void {
    const pod = this.store.list<Pod>(POD, crash.namespace).find((p) => (p.metadata.labels?.['k8s-app'] ?? p.metadata.labels?.app ?? p.metadata.labels?.['app.kubernetes.io/name']) === crash.app && p.status.phase === 'Running');
    const rt = pod && this.runtime.get(pod.metadata.uid!, pod.spec.containers[0]!.name);
    if (rt?.running) rt.plannedExit = { at: this.clock.now(), exitCode: crash.exitCode, reason: crash.reason, message: crash.message };
  }

  private accountNetwork(tick: TrafficTick): void {
    const service = (name: string) => serviceByName.get(name)!;
    for (const pod of tick.pods) {
      const s = service(pod.service);
      const requests = pod.routes.reduce((sum, r) => sum + r.requests, 0);
      let rx = requests * s.bytesIn * this.random.between(0.9, 1.1);
      let tx = requests * s.bytesOut * this.random.between(0.9, 1.1);
      for (const route of pod.routes) {
        for (const call of route.calls) {
          const callee = service(call.service);
          tx += route.requests * call.perRequest * callee.bytesIn;
          rx += route.requests * call.perRequest * callee.bytesOut;
        }
      }
      this.runtime.countTraffic(pod.podUid, rx, tx, this.network.of(pod.podUid)?.lossFraction ?? 0);
    }
    // Every running pod has some background traffic (DNS, probes, agents shipping data).
    for (const c of this.runtime.running()) {
      const rx = 180 * tick.dt * this.random.between(0.5, 1.5);
      const tx = (c.namespace === 'amazon-cloudwatch' ? 2400 : 120) * tick.dt * this.random.between(0.5, 1.5);
      this.runtime.countTraffic(c.podUid, rx, tx, this.network.of(c.podUid)?.lossFraction ?? 0);
    }
  }

  private updateNodeStats(dt: number): void {
    for (const node of this.store.list<Node>(NODE)) {
      const name = node.metadata.name;
      const cpus = Number(node.status.capacity.cpu);
      let stats = this.nodeStats.get(name);
      if (!stats) {
        // Twelve days of uptime (the node's age in the seed); per-CPU counters differ as on a real host.
        stats = {
          bootTime: Date.parse(node.metadata.creationTimestamp ?? new Date(this.clock.now()).toISOString()) / 1000 + 41,
          cpuSecondsByMode: Array.from({ length: cpus }, (_, i) => {
            const skew = this.random.between(0.9, 1.1) * (i === 0 ? 1.06 : 0.97);
            return { idle: 1_036_800 * this.random.between(0.9, 1.1), iowait: 812 * skew, irq: 0, nice: 3.2 * skew, softirq: 410 * skew, steal: 96 * skew, system: 18_420 * skew, user: 52_310 * skew };
          }),
          load1: 0.3,
          load5: 0.3,
          load15: 0.3,
          filesystemSizeBytes: 21_462_233_088,
          filesystemAvailBytes: 13_900_000_000 * this.random.between(0.95, 1.05),
          filesystemFiles: 10_484_672,
          filesystemFilesFree: 10_310_000 - this.random.int(0, 20_000),
          memoryTotalBytes: 0,
          memoryAvailableBytes: 0,
          memoryFreeBytes: 0,
          memoryCachedBytes: 0,
          contextSwitchesTotal: 3.1e9 * this.random.between(0.9, 1.1),
          interruptsTotal: 1.9e9 * this.random.between(0.9, 1.1),
          forksTotal: 2.4e6 * this.random.between(0.9, 1.1),
          pageFaultsTotal: 6.1e9 * this.random.between(0.9, 1.1),
          majorPageFaultsTotal: 41_000 * this.random.between(0.9, 1.1),
          diskReadBytesTotal: 9.4e9 * this.random.between(0.9, 1.1),
          diskWrittenBytesTotal: 38e9 * this.random.between(0.9, 1.1),
          diskReadsTotal: 310_000 * this.random.between(0.9, 1.1),
          diskWritesTotal: 2.9e6 * this.random.between(0.9, 1.1),
          diskIoSecondsTotal: 2_300 * this.random.between(0.9, 1.1),
          networkRxBytesTotal: 61e9 * this.random.between(0.9, 1.1),
          networkTxBytesTotal: 44e9 * this.random.between(0.9, 1.1),
          networkRxPacketsTotal: 74e6 * this.random.between(0.9, 1.1),
          networkTxPacketsTotal: 69e6 * this.random.between(0.9, 1.1),
          oomKillsTotal: 0,
          podTraffic: this.runtime.nodeTraffic(name),
        };
        this.nodeStats.set(name, stats);
      }
      const containers = this.runtime.onNode(name);
      const busy = Math.min(cpus, 0.06 + containers.reduce((s, c) => s + c.usage.cpuCores, 0));
      for (const [i, modes] of stats.cpuSecondsByMode.entries()) {
        // The first CPU takes most interrupts; the others share the rest of the work.
        const share = Math.min(1, (busy / cpus) * (i === 0 ? 1.08 : 0.92));
        modes.user! += share * 0.72 * dt;
        modes.system! += share * 0.22 * dt;
        modes.softirq! += share * 0.03 * dt;
        modes.iowait! += 0.002 * dt;
        modes.steal! += 0.001 * dt;
        modes.idle! += Math.max(0, 1 - share - 0.003) * dt;
      }
      const decay = (minutes: number) => 1 - Math.exp(-dt / (60 * minutes));
      stats.load1 += (busy * 1.1 - stats.load1) * decay(1);
      stats.load5 += (busy * 1.1 - stats.load5) * decay(5);
      stats.load15 += (busy * 1.1 - stats.load15) * decay(15);
      const memory = this.kubelet.nodeMemory(node);
      const cache = Math.max(0, Math.min(900 * 2 ** 20, memory.available * 0.3));
      stats.memoryTotalBytes = memory.total;
      stats.memoryAvailableBytes = memory.available;
      stats.memoryCachedBytes = cache;
      stats.memoryFreeBytes = Math.max(0, memory.available - cache);
      stats.filesystemAvailBytes -= dt * 900 * this.random.between(0, 2);
      stats.contextSwitchesTotal += dt * (1800 + busy * 9000);
      stats.interruptsTotal += dt * (1100 + busy * 5200);
      stats.forksTotal += dt * (0.6 + busy * 2);
      // The memory pressure of a node shows as major faults (file pages evicted, then read back).
      const pressure = memory.available < 400 * 2 ** 20 ? (400 * 2 ** 20 - Math.max(0, memory.available)) / (400 * 2 ** 20) : 0;
      stats.pageFaultsTotal += dt * 1500;
      stats.majorPageFaultsTotal += dt * (0.05 + pressure * 900);
      stats.diskReadBytesTotal += dt * (2_000 + pressure * 40e6);
      stats.diskReadsTotal += dt * (0.1 + pressure * 600);
      stats.diskWrittenBytesTotal += dt * 95_000;
      stats.diskWritesTotal += dt * 6.5;
      stats.diskIoSecondsTotal += dt * (0.004 + pressure * 0.6);
      for (const c of containers) {
        stats.pageFaultsTotal += c.usage.cpuCores * dt * 42_000;
        stats.diskReadBytesTotal += c.usage.cpuCores * dt * 18_000;
        stats.diskWrittenBytesTotal += c.usage.cpuCores * dt * 52_000;
      }
      stats.networkRxBytesTotal += dt * 2_200;
      stats.networkTxBytesTotal += dt * 1_900;
      stats.networkRxPacketsTotal += dt * 9;
      stats.networkTxPacketsTotal += dt * 8;
      stats.oomKillsTotal = this.runtime.oomKillsOnNode(name);
      stats.podTraffic = this.runtime.nodeTraffic(name);
    }
  }

  private podUsage(namespace?: string): PodUsage[] {
    const now = this.clock.now();
    const byPod = new Map<string, PodUsage>();
    for (const c of this.runtime.running()) {
      if (namespace && c.namespace !== namespace) continue;
      const key = `${c.namespace}/${c.pod}`;
      const entry = byPod.get(key) ?? { namespace: c.namespace, name: c.pod, timestamp: now, windowSeconds: 15, containers: [] };
      entry.containers.push({ name: c.container, cpuCores: c.usage.cpuCores, memoryBytes: c.usage.memoryWorkingSetBytes });
      byPod.set(key, entry);
    }
    return [...byPod.values()].sort((a, b) => a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name));
  }

  private nodeUsage(): NodeUsage[] {
    const now = this.clock.now();
    return this.store.list<Node>(NODE).map((node) => {
      const containers = this.runtime.onNode(node.metadata.name);
      return {
        name: node.metadata.name,
        timestamp: now,
        windowSeconds: 20,
        cpuCores: 0.06 + containers.reduce((s, c) => s + c.usage.cpuCores, 0),
        memoryBytes: NODE_SYSTEM_OVERHEAD_BYTES + containers.reduce((s, c) => s + c.usage.memoryWorkingSetBytes, 0),
      };
    });
  }
}
