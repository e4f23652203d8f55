import { createHash } from 'node:crypto';
import { isoTime } from '../../../../../core/clock.js';
import { deepEqual } from '../../../../../core/equal.js';
import { formatMemory, parseQuantity } from '../../../../../core/quantity.js';
import type { ContainerRuntime, ContainerRuntimeModel } from '../../workload/runtime.js';
import { serviceByName } from '../../../../../lib/petadoption/catalog.js';
import type { Container, ContainerStatus, Node, Pod, Taint } from '../objects.js';
import { NODE, POD } from '../resources.js';
import type { Controller, ControllerContext } from './context.js';
import { isTerminated, qosClass, setCondition } from './podutil.js';

const MiB = 2 ** 20;
/** kubelet --eviction-hard memory.available<100Mi, the EKS AMI default. */
export const EVICTION_HARD_MEMORY_BYTES = 100 * MiB;
/** Memory the OS, kubelet and containerd use outside pods on a t3.large. */
export const NODE_SYSTEM_OVERHEAD_BYTES = 760 * MiB;
const BACKOFF_INITIAL_SECONDS = 10;
const BACKOFF_MAX_SECONDS = 300;

/** Things the kubelet does that other parts of the simulation (logs, traces) react to. */
export interface ContainerLifecycleListener {
  started?(runtime: ContainerRuntime, pod: Pod): void;
  exited?(runtime: ContainerRuntime, pod: Pod, how: { exitCode: number; reason: string; message?: string }): void;
  stopping?(runtime: ContainerRuntime, pod: Pod): void;
  podRemoved?(pod: Pod): void;
}

interface Backoff {
  /** Wait applied after the next failure. */
  delaySeconds: number;
  /** Wait being served now. */
  waitSeconds: number;
  restartAt: number;
}

interface NodeMemoryState {
  pressure: boolean;
  lastPressureSeenAt: number;
  lastEvictionAt: number;
  lastHeartbeatAt: number;
}

/**
 * The kubelets of all nodes: pod sandbox and container lifecycle (image pulls, starts, readiness,
 * exits, OOM kills, restart back-off), graceful termination, node conditions (memory pressure with
 * its transition period), cordon taints, and eviction ranked the way the eviction manager ranks.
 */
export class Kubelet implements Controller {
  readonly name = 'kubelet';
  private readonly backoff = new Map<string, Backoff>();
  private readonly sandboxReadyAt = new Map<string, number>();
  private readonly terminatingSince = new Map<string, number>();
  private readonly nodeState = new Map<string, NodeMemoryState>();
  private readonly pulledImages = new Map<string, Set<string>>();
  private readonly podIps = new Map<string, Set<string>>();
  private readonly listeners: ContainerLifecycleListener[] = [];

  constructor(
    private readonly ctx: ControllerContext,
    private readonly runtime: ContainerRuntimeModel,
  ) {}

  addListener(listener: ContainerLifecycleListener): void {
    this.listeners.push(listener);
  }

  /** Node memory as the kernel sees it: total, used by pods and system, and available. */
  nodeMemory(node: Node): { total: number; used: number; available: number } {
    const total = parseQuantity(node.status.capacity.memory!);
    const pods = this.runtime.onNode(node.metadata.name).reduce((sum, c) => sum + c.usage.memoryWorkingSetBytes, 0);
    const used = NODE_SYSTEM_OVERHEAD_BYTES + pods;
    return { total, used, available: total - used };
  }

  reconcile(): void {
    const now = this.ctx.clock.now();
    for (const pod of this.ctx.store.list<Pod>(POD)) {
      if (!pod.spec.nodeName) continue;
      this.syncPod(pod, now);
    }
    for (const node of this.ctx.store.list<Node>(NODE)) this.syncNode(node, now);
  }

  private syncPod(pod: Pod, now: number): void {
    const uid = pod.metadata.uid!;
    if (pod.metadata.deletionTimestamp) return this.terminate(pod, now);
    if (isTerminated(pod)) return;
    if (!pod.status.startTime) return this.createSandbox(pod, now);
    if (now < (this.sandboxReadyAt.get(uid) ?? 0)) return;

    const statuses: ContainerStatus[] = [];
    for (const spec of pod.spec.containers) {
      const previous = pod.status.containerStatuses?.find((s) => s.name === spec.name) ?? initialStatus(spec);
      statuses.push(this.syncContainer(pod, spec, previous, now));
    }
    const allReady = statuses.every((s) => s.ready);
    const anyStarted = statuses.some((s) => s.state.running || s.restartCount > 0 || s.lastState.terminated);
    const time = isoTime(now);
    let conditions = pod.status.conditions ?? [];
    conditions = setCondition(conditions, { type: 'PodReadyToStartContainers', status: 'True', lastProbeTime: null, lastTransitionTime: time });
    conditions = setCondition(conditions, { type: 'Initialized', status: 'True', lastProbeTime: null, lastTransitionTime: time });
    const notReady = statuses.filter((s) => !s.ready).map((s) => s.name);
    const readyCondition = allReady
      ? { status: 'True' as const }
      : { status: 'False' as const, reason: 'ContainersNotReady', message: `containers with unready status: [${notReady.join(' ')}]` };
    conditions = setCondition(conditions, { type: 'Ready', lastProbeTime: null, lastTransitionTime: time, ...readyCondition });
    conditions = setCondition(conditions, { type: 'ContainersReady', lastProbeTime: null, lastTransitionTime: time, ...readyCondition });
    conditions = setCondition(conditions, { type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: time });
    const phase = anyStarted ? 'Running' : 'Pending';
    this.writeStatus(pod, (p) => {
      p.status.phase = phase;
      p.status.containerStatuses = statuses;
      p.status.conditions = conditions;
    });
  }

  private createSandbox(pod: Pod, now: number): void {
    const node = this.ctx.store.get<Node>(NODE, undefined, pod.spec.nodeName!);
    if (!node) return;
    const hostIP = node.status.addresses.find((a) => a.type === 'InternalIP')!.address;
    const podIP = this.allocateIp(hostIP);
    // The sandbox (pause container) owns the pod's network namespace from here on.
    this.runtime.network(pod.metadata.uid!, now, node.metadata.name);
    const cached = this.pulledImages.get(node.metadata.name) ?? new Set();
    const needsPull = pod.spec.containers.some((c) => !cached.has(c.image));
    this.sandboxReadyAt.set(pod.metadata.uid!, now + (needsPull ? this.ctx.random.between(1500, 3500) : this.ctx.random.between(600, 1200)));
    const time = isoTime(now);
    this.writeStatus(pod, (p) => {
      p.status.phase = 'Pending';
      p.status.hostIP = hostIP;
      p.status.hostIPs = [{ ip: hostIP }];
      p.status.podIP = podIP;
      p.status.podIPs = [{ ip: podIP }];
      p.status.startTime = time;
      p.status.qosClass = qosClass(pod);
      p.status.conditions = setCondition(p.status.conditions ?? [], { type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: time });
      p.status.conditions = setCondition(p.status.conditions, { type: 'Ready', status: 'False', lastProbeTime: null, lastTransitionTime: time, reason: 'ContainersNotReady', message: `containers with unready status: [${pod.spec.containers.map((c) => c.name).join(' ')}]` });
      p.status.containerStatuses = pod.spec.containers.map(initialStatus);
    });
  }

  private syncContainer(pod: Pod, spec: Container, status: ContainerStatus, now: number): ContainerStatus {
    const key = `${pod.metadata.uid}/${spec.name}`;
    const rt = this.runtime.get(pod.metadata.uid!, spec.name);
    const source = { component: 'kubelet', host: pod.spec.nodeName };
    const fieldPath = `spec.containers{${spec.name}}`;

    if (rt?.running) {
      const limit = rt.limits.memoryBytes;
      if (limit !== undefined && rt.usage.memoryWorkingSetBytes > limit) {
        this.ctx.events.record(this.nodeRef(pod), 'Warning', 'OOMKilling', `Memory cgroup out of memory: Killed process ${rt.pid} (${processName(rt)}) total-vm:${Math.round(rt.usage.memoryWorkingSetBytes / 1024 * 1.6)}kB, anon-rss:${Math.round(rt.usage.memoryRssBytes / 1024)}kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:${Math.round(rt.usage.memoryWorkingSetBytes / 1024 / 400)}kB oom_score_adj:${qosClass(pod) === 'Guaranteed' ? -997 : 999}`, { component: 'kernel-monitor', host: pod.spec.nodeName });
        this.runtime.recordOomKill(rt);
        return this.exit(pod, spec, status, rt, now, { exitCode: 137, reason: 'OOMKilled' });
      }
      if (rt.plannedExit && now >= rt.plannedExit.at) {
        return this.exit(pod, spec, status, rt, now, { exitCode: rt.plannedExit.exitCode, reason: rt.plannedExit.reason, message: rt.plannedExit.message });
      }
      const startup = (rt.service?.startupSeconds ?? 2) * 1000;
      const ready = !rt.paused && now - rt.startedAt >= startup;
      if (ready !== status.ready && ready === false && status.ready) {
        this.ctx.events.record(pod, 'Warning', 'Unhealthy', `Readiness probe failed: Get "http://${pod.status.podIP}:${rt.service?.port ?? 8080}/health": context deadline exceeded (Client.Timeout exceeded while awaiting headers)`, source, fieldPath);
      }
      return { ...status, ready, started: true };
    }

    // Not running: first start, restart after an exit, or waiting out a back-off / image pull failure.
    const backoff = this.backoff.get(key);
    if (backoff && now < backoff.restartAt) {
      const waiting = status.state.waiting?.reason === 'ErrImagePull' || status.state.waiting?.reason === 'ImagePullBackOff' ? 'ImagePullBackOff' : 'CrashLoopBackOff';
      const message = waiting === 'ImagePullBackOff'
        ? `Back-off pulling image "${spec.image}"`
        : `back-off ${backoff.waitSeconds}s restarting failed container=${spec.name} pod=${pod.metadata.name}_${pod.metadata.namespace}(${pod.metadata.uid})`;
      if (status.state.waiting?.reason !== waiting) {
        this.ctx.events.record(pod, 'Warning', waiting === 'ImagePullBackOff' ? 'Failed' : 'BackOff', waiting === 'ImagePullBackOff' ? `Error: ImagePullBackOff` : `Back-off restarting failed container ${spec.name} in pod ${pod.metadata.name}_${pod.metadata.namespace}(${pod.metadata.uid})`, source, fieldPath);
        if (waiting === 'ImagePullBackOff') this.ctx.events.record(pod, 'Normal', 'BackOff', `Back-off pulling image "${spec.image}"`, source, fieldPath);
      }
      return { ...status, ready: false, started: false, state: { waiting: { reason: waiting, message } } };
    }

    const pullError = this.imagePullError(spec.image);
    const node = pod.spec.nodeName!;
    const cache = this.pulledImages.get(node) ?? new Set<string>();
    this.pulledImages.set(node, cache);
    if (pullError) {
      this.ctx.events.record(pod, 'Normal', 'Pulling', `Pulling image "${spec.image}"`, source, fieldPath);
      this.ctx.events.record(pod, 'Warning', 'Failed', `Failed to pull image "${spec.image}": ${pullError}`, source, fieldPath);
      this.ctx.events.record(pod, 'Warning', 'Failed', 'Error: ErrImagePull', source, fieldPath);
      this.scheduleRestart(key, now, false);
      return { ...status, ready: false, started: false, state: { waiting: { reason: 'ErrImagePull', message: `failed to pull and unpack image "${spec.image}": ${pullError}` } } };
    }
    if (!cache.has(spec.image)) {
      const seconds = this.ctx.random.between(0.8, 4.5);
      this.ctx.events.record(pod, 'Normal', 'Pulling', `Pulling image "${spec.image}"`, source, fieldPath);
      this.ctx.events.record(pod, 'Normal', 'Pulled', `Successfully pulled image "${spec.image}" in ${seconds.toFixed(3)}s (${seconds.toFixed(3)}s including waiting). Image size: ${this.ctx.random.int(40, 260) * 1_000_000 + this.ctx.random.int(0, 999_999)} bytes.`, source, fieldPath);
      cache.add(spec.image);
    } else {
      this.ctx.events.record(pod, 'Normal', 'Pulled', `Container image "${spec.image}" already present on machine`, source, fieldPath);
    }
    this.ctx.events.record(pod, 'Normal', 'Created', `Created container ${spec.name}`, source, fieldPath);
    this.ctx.events.record(pod, 'Normal', 'Started', `Started container ${spec.name}`, source, fieldPath);
    const started = this.runtime.start(pod, spec, now);
    const configError = this.configError(pod, spec);
    if (configError) started.plannedExit = { at: now + this.ctx.random.between(800, 1800), exitCode: 1, reason: 'Error', message: configError };
    for (const l of this.listeners) l.started?.(started, pod);
    return {
      ...status,
      image: spec.image,
      imageID: imageId(spec.image),
      containerID: started.containerId,
      ready: false,
      started: true,
      restartCount: status.restartCount + (started.instance > 0 ? 1 : 0),
      state: { running: { startedAt: isoTime(now) } },
    };
  }

  private exit(pod: Pod, spec: Container, status: ContainerStatus, rt: ContainerRuntime, now: number, how: { exitCode: number; reason: string; message?: string }): ContainerStatus {
    for (const l of this.listeners) l.exited?.(rt, pod, how);
    this.runtime.stop(rt);
    const key = `${pod.metadata.uid}/${spec.name}`;
    const ranFor = now - rt.startedAt;
    if (ranFor > 2 * BACKOFF_MAX_SECONDS * 1000) this.backoff.delete(key);
    const terminated = {
      exitCode: how.exitCode,
      reason: how.reason,
      ...(how.message ? { message: how.message } : {}),
      startedAt: isoTime(rt.startedAt),
      finishedAt: isoTime(now),
      containerID: rt.containerId,
    };
    this.scheduleRestart(key, now, true);
    return { ...status, ready: false, started: false, state: { terminated }, lastState: { terminated } };
  }

  /**
   * kubelet's crash back-off: the first failure restarts at once, then waits double each time
   * (10 s, 20 s, 40 s ... 5 min); a container that ran for 10 minutes starts over.
   */
  private scheduleRestart(key: string, now: number, immediateFirst: boolean): void {
    const entry = this.backoff.get(key);
    if (!entry) {
      this.backoff.set(key, { delaySeconds: BACKOFF_INITIAL_SECONDS, waitSeconds: immediateFirst ? 0 : BACKOFF_INITIAL_SECONDS, restartAt: immediateFirst ? now : now + BACKOFF_INITIAL_SECONDS * 1000 });
      return;
    }
    this.backoff.set(key, { delaySeconds: Math.min(BACKOFF_MAX_SECONDS, entry.delaySeconds * 2), waitSeconds: entry.delaySeconds, restartAt: now + entry.delaySeconds * 1000 });
  }

  private terminate(pod: Pod, now: number): void {
    const uid = pod.metadata.uid!;
    const running = this.runtime.ofPod(uid).filter((c) => c.running);
    if (!this.terminatingSince.has(uid)) {
      this.terminatingSince.set(uid, now);
      for (const c of running) {
        this.ctx.events.record(pod, 'Normal', 'Killing', `Stopping container ${c.container}`, { component: 'kubelet', host: pod.spec.nodeName }, `spec.containers{${c.container}}`);
        for (const l of this.listeners) l.stopping?.(c, pod);
      }
    }
    const grace = (pod.metadata.deletionGracePeriodSeconds ?? 30) * 1000;
    // Applications exit within a couple of seconds of SIGTERM; the grace period only caps it.
    const shutdown = Math.min(grace, 1500);
    if (now - this.terminatingSince.get(uid)! < shutdown && running.length > 0) return;
    for (const c of running) {
      for (const l of this.listeners) l.exited?.(c, pod, { exitCode: 143, reason: 'Error' });
      this.runtime.stop(c);
    }
    if (this.ctx.store.get(POD, pod.metadata.namespace, pod.metadata.name)) this.ctx.store.delete(POD, pod.metadata.namespace, pod.metadata.name);
    this.forget(pod);
  }

  private forget(pod: Pod): void {
    const uid = pod.metadata.uid!;
    this.terminatingSince.delete(uid);
    this.sandboxReadyAt.delete(uid);
    for (const key of [...this.backoff.keys()]) if (key.startsWith(`${uid}/`)) this.backoff.delete(key);
    if (pod.status.podIP && pod.status.hostIP) this.podIps.get(pod.status.hostIP)?.delete(pod.status.podIP);
    this.runtime.removePod(uid);
    for (const l of this.listeners) l.podRemoved?.(pod);
  }

  /** Memory pressure, eviction, cordon taints and heartbeats for one node. */
  private syncNode(node: Node, now: number): void {
    const name = node.metadata.name;
    const state = this.nodeState.get(name) ?? { pressure: false, lastPressureSeenAt: 0, lastEvictionAt: 0, lastHeartbeatAt: 0 };
    this.nodeState.set(name, state);
    this.capUnlimitedStress(node);
    const memory = this.nodeMemory(node);
    const underThreshold = memory.available < EVICTION_HARD_MEMORY_BYTES;
    if (underThreshold) state.lastPressureSeenAt = now;
    const source = { component: 'kubelet', host: name };
    if (underThreshold && !state.pressure) {
      state.pressure = true;
      this.ctx.events.normal(node, 'NodeHasInsufficientMemory', `Node ${name} status is now: NodeHasInsufficientMemory`, source);
    } else if (state.pressure && !underThreshold && now - state.lastPressureSeenAt >= this.ctx.profile.evictionPressureTransitionSeconds * 1000) {
      state.pressure = false;
      this.ctx.events.normal(node, 'NodeHasSufficientMemory', `Node ${name} status is now: NodeHasSufficientMemory`, source);
    }
    if (underThreshold && now - state.lastEvictionAt >= this.ctx.profile.evictionIntervalSeconds * 1000) {
      if (this.evictOne(node, memory.available, now)) state.lastEvictionAt = now;
    }

    const time = isoTime(now);
    const heartbeat = now - state.lastHeartbeatAt >= 40_000;
    const pressureCondition = state.pressure
      ? { status: 'True' as const, reason: 'KubeletHasInsufficientMemory', message: 'kubelet has insufficient memory available' }
      : { status: 'False' as const, reason: 'KubeletHasSufficientMemory', message: 'kubelet has sufficient memory available' };
    const wantTaints: Taint[] = (node.spec.taints ?? []).filter((t) => t.key !== 'node.kubernetes.io/memory-pressure' && t.key !== 'node.kubernetes.io/unschedulable');
    const had = (key: string) => node.spec.taints?.find((t) => t.key === key);
    if (state.pressure) wantTaints.push(had('node.kubernetes.io/memory-pressure') ?? { key: 'node.kubernetes.io/memory-pressure', effect: 'NoSchedule', timeAdded: time });
    if (node.spec.unschedulable) wantTaints.push(had('node.kubernetes.io/unschedulable') ?? { key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule', timeAdded: time });
    const cordonChanged = Boolean(had('node.kubernetes.io/unschedulable')) !== Boolean(node.spec.unschedulable);
    if (cordonChanged) {
      this.ctx.events.normal(node, node.spec.unschedulable ? 'NodeNotSchedulable' : 'NodeSchedulable', `Node ${name} status is now: ${node.spec.unschedulable ? 'NodeNotSchedulable' : 'NodeSchedulable'}`, source);
    }
    const current = node.status.conditions.find((c) => c.type === 'MemoryPressure');
    const taintsChanged = JSON.stringify(wantTaints) !== JSON.stringify(node.spec.taints ?? []);
    if (!heartbeat && !taintsChanged && current?.status === pressureCondition.status) return;
    if (heartbeat) state.lastHeartbeatAt = now;
    this.ctx.store.mutate<Node>(NODE, undefined, name, (n) => {
      if (wantTaints.length) n.spec.taints = wantTaints;
      else delete n.spec.taints;
      n.status.conditions = n.status.conditions.map((c) => {
        const next = c.type === 'MemoryPressure' && c.status !== pressureCondition.status ? { ...c, ...pressureCondition, lastTransitionTime: time } : c;
        return heartbeat ? { ...next, lastHeartbeatTime: time } : next;
      });
    });
  }

  /** Stressors in containers without a memory limit (a node hog) stop growing when the node is full. */
  private capUnlimitedStress(node: Node): void {
    const memory = this.nodeMemory(node);
    const floor = 40 * MiB;
    if (memory.available >= floor) return;
    for (const c of this.runtime.onNode(node.metadata.name)) {
      if (c.limits.memoryBytes !== undefined || !c.memoryStress) continue;
      const excess = floor - memory.available;
      c.usage.memoryWorkingSetBytes = Math.max(c.memoryBaselineBytes, c.usage.memoryWorkingSetBytes - excess);
      c.usage.memoryRssBytes = c.usage.memoryWorkingSetBytes * 0.86;
      return;
    }
  }

  private evictOne(node: Node, available: number, now: number): boolean {
    const candidates = this.ctx.store.list<Pod>(POD).filter(
      (p) => p.spec.nodeName === node.metadata.name && !p.metadata.deletionTimestamp && !isTerminated(p) && (p.spec.priority ?? 0) < 2_000_000_000,
    );
    const usage = (p: Pod) => this.runtime.ofPod(p.metadata.uid!).reduce((s, c) => s + c.usage.memoryWorkingSetBytes, 0);
    const request = (p: Pod) => p.spec.containers.reduce((s, c) => s + (c.resources?.requests?.memory ? parseQuantity(c.resources.requests.memory) : 0), 0);
    const ranked = candidates
      .map((p) => ({ pod: p, usage: usage(p), request: request(p) }))
      .filter((r) => r.usage > 0)
      .sort((a, b) => Number(b.usage > b.request) - Number(a.usage > a.request) || (a.pod.spec.priority ?? 0) - (b.pod.spec.priority ?? 0) || (b.usage - b.request) - (a.usage - a.request));
    const victim = ranked[0];
    if (!victim) return false;
    const biggest = this.runtime.ofPod(victim.pod.metadata.uid!).sort((a, b) => b.usage.memoryWorkingSetBytes - a.usage.memoryWorkingSetBytes)[0]!;
    const message = `The node was low on resource: memory. Threshold quantity: 100Mi, available: ${Math.max(0, Math.round(available / 1024))}Ki. Container ${biggest.container} was using ${Math.round(biggest.usage.memoryWorkingSetBytes / 1024)}Ki, request is ${formatMemory(victim.request)}, has larger consumption of memory. `;
    this.ctx.events.warning(node, 'EvictionThresholdMet', 'Attempting to reclaim memory', { component: 'kubelet', host: node.metadata.name });
    this.ctx.events.warning(victim.pod, 'Evicted', message, { component: 'kubelet', host: node.metadata.name });
    const time = isoTime(now);
    for (const c of this.runtime.ofPod(victim.pod.metadata.uid!)) {
      if (!c.running) continue;
      this.ctx.events.record(victim.pod, 'Normal', 'Killing', `Stopping container ${c.container}`, { component: 'kubelet', host: node.metadata.name }, `spec.containers{${c.container}}`);
      for (const l of this.listeners) l.exited?.(c, victim.pod, { exitCode: 137, reason: 'Evicted' });
      this.runtime.stop(c);
    }
    this.writeStatus(victim.pod, (p) => {
      p.status.phase = 'Failed';
      p.status.reason = 'Evicted';
      p.status.message = message;
      p.status.conditions = setCondition(p.status.conditions ?? [], { type: 'DisruptionTarget', status: 'True', lastProbeTime: null, lastTransitionTime: time, reason: 'TerminationByKubelet', message: 'The node was low on resource: memory. ' });
      p.status.conditions = setCondition(p.status.conditions, { type: 'Ready', status: 'False', lastProbeTime: null, lastTransitionTime: time, reason: 'PodFailed' });
      p.status.containerStatuses = (p.status.containerStatuses ?? []).map((s) => ({
        ...s,
        ready: false,
        started: false,
        state: { terminated: { exitCode: 137, reason: 'Evicted', message: 'The node was low on resource: memory.', startedAt: s.state.running?.startedAt, finishedAt: time } },
      }));
    });
    return true;
  }

  private imagePullError(image: string): string | undefined {
    const [repository, tag = 'latest'] = splitImage(image);
    const service = [...serviceByName.values()].find((s) => s.image === repository);
    if (!service) return undefined;
    if (service.imageTags.includes(tag)) return undefined;
    return `rpc error: code = NotFound desc = failed to pull and unpack image "${image}": failed to resolve reference "${image}": ${image}: not found`;
  }

  private configError(pod: Pod, spec: Container): string | undefined {
    if (pod.metadata.namespace !== 'petadoptions') return undefined;
    const service = serviceByName.get(spec.name);
    if (!service) return undefined;
    const env = new Map((spec.env ?? []).map((e) => [e.name, e.value]));
    for (const rule of service.config) {
      const problem = rule.check(env.get(rule.name));
      if (problem && (rule.required || env.has(rule.name))) return problem;
    }
    return undefined;
  }

  private allocateIp(hostIP: string): string {
    const used = this.podIps.get(hostIP) ?? new Set<string>();
    this.podIps.set(hostIP, used);
    const prefix = hostIP.split('.').slice(0, 3).join('.');
    for (let attempt = 0; attempt < 500; attempt++) {
      const ip = `${prefix}.${this.ctx.random.int(2, 254)}`;
      if (ip !== hostIP && !used.has(ip)) {
        used.add(ip);
        return ip;
      }
    }
    throw new Error(`no free pod IPs on ${hostIP}`);
  }

  private nodeRef(pod: Pod) {
    const node = this.ctx.store.get<Node>(NODE, undefined, pod.spec.nodeName!);
    return node ?? { kind: 'Node', name: pod.spec.nodeName!, uid: pod.spec.nodeName! };
  }

  /** Writes a pod's status only when it changed: most ticks change nothing, and writes are what cost. */
  private writeStatus(pod: Pod, change: (pod: Pod) => void): void {
    const current = this.ctx.store.get<Pod>(POD, pod.metadata.namespace, pod.metadata.name);
    if (!current) return;
    const draft = { ...current, status: { ...current.status } } as Pod;
    change(draft);
    if (deepEqual(draft.status, current.status)) return;
    this.ctx.store.mutate<Pod>(POD, pod.metadata.namespace, pod.metadata.name, (p) => {
      p.status = draft.status;
    });
  }
}

function initialStatus(spec: Container): ContainerStatus {
  return {
    name: spec.name,
    state: { waiting: { reason: 'ContainerCreating' } },
    lastState: {},
    ready: false,
    started: false,
    restartCount: 0,
    image: spec.image,
    imageID: '',
  };
}

export function splitImage(image: string): [string, string | undefined] {
  const at = image.lastIndexOf(':');
  const slash = image.lastIndexOf('/');
  return at > slash ? [image.slice(0, at), image.slice(at + 1)] : [image, undefined];
}

/**
 * The digest the registry answers for an image reference, as containerd reports it in imageID: the
 * sha256 of something (here the reference itself), so each image has one stable, unpatterned digest.
 */
function imageId(image: string): string {
  const [repository] = splitImage(image);
  return `${repository}@sha256:${createHash('sha256').update(image).digest('hex')}`;
}

function processName(rt: ContainerRuntime): string {
  switch (rt.service?.runtime) {
    case 'java':
      return 'java';
    case 'dotnet':
      return 'dotnet';
    case 'python':
      return 'gunicorn';
    default:
      return rt.container;
  }
}
