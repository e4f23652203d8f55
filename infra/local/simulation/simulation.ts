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
import type { ExpositionSource, NodeCounters } from './exposition/collectors.js';
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
      const net = this.runtime.network(pod.podUid);
      net.rxBytesTotal += requests * s.bytesIn * this.random.between(0.9, 1.1);
      net.txBytesTotal += requests * s.bytesOut * this.random.between(0.9, 1.1);
      for (const route of pod.routes) {
        for (const call of route.calls) {
          const callee = service(call.service);
          net.txBytesTotal += route.requests * call.perRequest * callee.bytesIn;
          net.rxBytesTotal += route.requests * call.perRequest * callee.bytesOut;
        }
      }
    }
    // Every running pod has some background traffic (DNS, probes, agents shipping data).
    for (const c of this.runtime.running()) {
      const net = this.runtime.network(c.podUid);
      net.rxBytesTotal += 180 * tick.dt * this.random.between(0.5, 1.5);
      net.txBytesTotal += (c.namespace === 'amazon-cloudwatch' ? 2400 : 120) * tick.dt * this.random.between(0.5, 1.5);
    }
  }

  private updateNodeStats(dt: number): void {
    for (const node of this.store.list<Node>(NODE)) {
      const name = node.metadata.name;
      const cpus = Number(node.status.capacity.cpu);
      let stats = this.nodeStats.get(name);
      if (!stats) {
        stats = {
          cpuSecondsByMode: Array.from({ length: cpus }, () => ({ idle: 1_036_800 * this.random.between(0.9, 1.1), iowait: 812, irq: 0, nice: 3.2, softirq: 410, steal: 96, system: 18_420, user: 52_310 })),
          load1: 0.3,
          filesystemSizeBytes: 21_462_233_088,
          filesystemAvailBytes: 13_900_000_000 * this.random.between(0.95, 1.05),
          memoryTotalBytes: 0,
          memoryAvailableBytes: 0,
          memoryFreeBytes: 0,
          memoryCachedBytes: 0,
        };
        this.nodeStats.set(name, stats);
      }
      const containers = this.runtime.onNode(name);
      const busy = Math.min(cpus, 0.06 + containers.reduce((s, c) => s + c.usage.cpuCores, 0));
      for (const modes of stats.cpuSecondsByMode) {
        const share = busy / cpus;
        modes.user! += share * 0.72 * dt;
        modes.system! += share * 0.22 * dt;
        modes.softirq! += share * 0.03 * dt;
        modes.iowait! += 0.002 * dt;
        modes.steal! += 0.001 * dt;
        modes.idle! += Math.max(0, 1 - share - 0.003) * dt;
      }
      stats.load1 += (busy * 1.1 - stats.load1) * (1 - Math.exp(-dt / 60));
      const memory = this.kubelet.nodeMemory(node);
      const cache = Math.max(0, Math.min(900 * 2 ** 20, memory.available * 0.3));
      stats.memoryTotalBytes = memory.total;
      stats.memoryAvailableBytes = memory.available;
      stats.memoryCachedBytes = cache;
      stats.memoryFreeBytes = Math.max(0, memory.available - cache);
      stats.filesystemAvailBytes -= dt * 900 * this.random.between(0, 2);
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
