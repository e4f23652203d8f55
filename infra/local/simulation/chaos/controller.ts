import { isoTime } from '../../../../core/clock.js';
import { parseDuration } from '../../../../core/duration.js';
import { parseQuantity, parseStressSize } from '../../../../core/quantity.js';
import type { Controller, ControllerContext } from '../cluster/controllers/context.js';
import type { ChaosObject, ChaosStatus, Node, NetworkChaos, Pod, PodChaos, StressChaos } from '../cluster/objects.js';
import { CHAOS_KEYS, NODE, POD } from '../cluster/resources.js';
import type { ContainerRuntimeModel } from '../workload/runtime.js';
import type { NetworkFaults } from './network-faults.js';
import { selectPods } from './selection.js';

/** One injected target: a container (stress, container-kill) or a pod (network, pod chaos). */
interface Record {
  id: string;
  podUid: string;
  namespace: string;
  pod: string;
  container?: string;
}

interface Injection {
  uid: string;
  key: string;
  namespace: string;
  name: string;
  kind: ChaosObject['kind'];
  startedAt: number;
  endsAt?: number;
  records: Record[];
  recovered: boolean;
}

const PAUSE_ANNOTATION = 'experiment.chaos-mesh.org/pause';

/**
 * Chaos Mesh's controller for StressChaos, NetworkChaos and PodChaos, acting on the simulation instead
 * of on containers: creating an experiment selects pods once (as Chaos Mesh records them) and injects;
 * its `duration` elapsing, the pause annotation, or its deletion recovers. Status and events follow
 * Chaos Mesh 2.x (conditions Selected/AllInjected/AllRecovered/Paused, containerRecords).
 */
export class ChaosController implements Controller {
  readonly name = 'chaos-controller-manager';
  private readonly injections = new Map<string, Injection>();

  constructor(
    private readonly ctx: ControllerContext,
    private readonly runtime: ContainerRuntimeModel,
    private readonly network: NetworkFaults,
  ) {}

  /** Experiments currently injected (for status pages and preflight checks). */
  active(): { kind: string; namespace: string; name: string; startedAt: number; targets: string[] }[] {
    return [...this.injections.values()].filter((i) => !i.recovered).map((i) => ({ kind: i.kind, namespace: i.namespace, name: i.name, startedAt: i.startedAt, targets: i.records.map((r) => r.id) }));
  }

  reconcile(): void {
    const now = this.ctx.clock.now();
    const seen = new Set<string>();
    for (const key of CHAOS_KEYS) {
      for (const chaos of this.ctx.store.list<ChaosObject>(key)) {
        const uid = chaos.metadata.uid!;
        seen.add(uid);
        const paused = chaos.metadata.annotations?.[PAUSE_ANNOTATION] === 'true';
        let injection = this.injections.get(uid);
        if (!injection) {
          if (chaos.status?.experiment?.desiredPhase === 'Stop') continue;
          if (paused) continue;
          injection = this.inject(key, chaos, now);
          if (injection) this.injections.set(uid, injection);
          continue;
        }
        if (injection.recovered) {
          if (!paused && !injection.endsAt) {
            // Resumed after a pause: inject again into the recorded targets.
            this.applyEffects(chaos, injection, now);
            injection.recovered = false;
            this.writeStatus(injection, 'Run');
          }
          continue;
        }
        if (injection.endsAt !== undefined && now >= injection.endsAt) {
          this.ctx.events.normal(chaos, 'TimeUp', 'Time up according to the duration', { component: 'chaos-controller-manager' });
          this.recover(chaos, injection);
          this.writeStatus(injection, 'Stop');
        } else if (paused) {
          this.recover(chaos, injection);
          this.writeStatus(injection, 'Run', true);
        } else {
          this.reapply(chaos, injection, now);
        }
      }
    }
    for (const [uid, injection] of this.injections) {
      if (seen.has(uid)) continue;
      if (!injection.recovered) this.recover(undefined, injection);
      this.injections.delete(uid);
    }
  }

  private inject(key: string, chaos: ChaosObject, now: number): Injection | undefined {
    const ns = chaos.metadata.namespace!;
    const pods = selectPods(this.ctx.store, this.ctx.random, chaos.spec.selector ?? {}, chaos.spec.mode ?? 'one', chaos.spec.value, ns);
    const source = { component: 'chaos-controller-manager' };
    if (pods.length === 0) {
      this.ctx.events.warning(chaos, 'Failed', 'Failed to select pods: no pod is selected', source);
      this.ctx.store.mutate<ChaosObject>(key, ns, chaos.metadata.name, (c) => {
        c.status = { conditions: conditions({ selected: false, injected: false, recovered: false, paused: false }), experiment: { desiredPhase: 'Run', containerRecords: [] } };
      });
      return undefined;
    }
    const records: Record[] = [];
    for (const pod of pods) {
      const base = { podUid: pod.metadata.uid!, namespace: pod.metadata.namespace!, pod: pod.metadata.name };
      if (chaos.kind === 'StressChaos' || (chaos.kind === 'PodChaos' && chaos.spec.action === 'container-kill')) {
        const names = chaos.spec.containerNames?.length ? chaos.spec.containerNames : [pod.spec.containers[0]!.name];
        for (const container of names.filter((n) => pod.spec.containers.some((c) => c.name === n))) {
          records.push({ ...base, container, id: `${pod.metadata.namespace}/${pod.metadata.name}/${container}` });
        }
      } else {
        records.push({ ...base, id: `${pod.metadata.namespace}/${pod.metadata.name}` });
      }
    }
    const duration = chaos.spec.duration ? parseDuration(chaos.spec.duration) : undefined;
    const injection: Injection = {
      uid: chaos.metadata.uid!,
      key,
      namespace: ns,
      name: chaos.metadata.name,
      kind: chaos.kind,
      startedAt: now,
      endsAt: duration !== undefined ? now + duration : undefined,
      records,
      recovered: false,
    };
    this.ctx.events.normal(chaos, 'Started', 'Experiment has started', source);
    this.applyEffects(chaos, injection, now);
    for (const r of records) this.ctx.events.normal(chaos, 'Applied', `Successfully apply chaos for ${r.id}`, source);
    this.writeStatus(injection, 'Run');
    return injection;
  }

  private applyEffects(chaos: ChaosObject, injection: Injection, now: number): void {
    for (const record of injection.records) {
      switch (chaos.kind) {
        case 'StressChaos':
          this.applyStress(chaos, record, now);
          break;
        case 'NetworkChaos':
          this.applyNetwork(chaos, record);
          break;
        case 'PodChaos':
          this.applyPodChaos(chaos, record, now);
          break;
      }
    }
  }

  /** Keeps an injection in place when a target container was restarted or started late. */
  private reapply(chaos: ChaosObject, injection: Injection, now: number): void {
    if (chaos.kind !== 'StressChaos') return;
    for (const record of injection.records) {
      const rt = this.runtime.get(record.podUid, record.container!);
      if (rt && ((chaos.spec.stressors?.memory && !rt.memoryStress) || (chaos.spec.stressors?.cpu && !rt.cpuStress))) this.applyStress(chaos, record, now);
    }
  }

  private applyStress(chaos: StressChaos, record: Record, now: number): void {
    const rt = this.runtime.get(record.podUid, record.container!);
    if (!rt) return;
    const source = `${chaos.metadata.namespace}/${chaos.metadata.name}`;
    const memory = chaos.spec.stressors?.memory;
    if (memory) {
      const size = parseStressSize(memory.size ?? '256MB');
      const node = this.ctx.store.get<Node>(NODE, undefined, rt.node);
      const total = rt.limits.memoryBytes ?? (node ? parseQuantity(node.status.allocatable.memory!) : 0);
      const targetBytes = size.bytes ?? (size.fraction ?? 0) * total;
      const ramp = parseDuration(memory.time ?? this.ctx.profile.defaultLeakRamp);
      rt.memoryStress = { targetBytes, rampMs: ramp, startedAt: now, source };
    }
    const cpu = chaos.spec.stressors?.cpu;
    if (cpu) rt.cpuStress = { cores: Math.max(0, (cpu.workers ?? 1) * ((cpu.load ?? 100) / 100)), source };
  }

  private applyNetwork(chaos: NetworkChaos, record: Record): void {
    const source = `${chaos.metadata.namespace}/${chaos.metadata.name}`;
    const percent = (v: string | undefined) => (v ? Number(String(v).replace('%', '')) / 100 : 0);
    switch (chaos.spec.action) {
      case 'delay':
        this.network.add(record.podUid, {
          delaySeconds: parseDuration(chaos.spec.delay?.latency ?? '100ms') / 1000,
          jitterSeconds: chaos.spec.delay?.jitter ? parseDuration(chaos.spec.delay.jitter) / 1000 : 0,
          lossFraction: 0,
          source,
        });
        break;
      case 'loss':
        this.network.add(record.podUid, { delaySeconds: 0, jitterSeconds: 0, lossFraction: percent(chaos.spec.loss?.loss), source });
        break;
      case 'partition':
        this.network.add(record.podUid, { delaySeconds: 0, jitterSeconds: 0, lossFraction: 1, source });
        break;
      default:
        // duplicate/corrupt/bandwidth: modelled as mild loss, the visible effect on HTTP services.
        this.network.add(record.podUid, { delaySeconds: 0.02, jitterSeconds: 0.01, lossFraction: 0.02, source });
    }
  }

  private applyPodChaos(chaos: PodChaos, record: Record, now: number): void {
    const pod = this.ctx.store.get<Pod>(POD, record.namespace, record.pod);
    if (!pod || pod.metadata.uid !== record.podUid) return;
    switch (chaos.spec.action) {
      case 'pod-kill': {
        const grace = chaos.spec.gracePeriod ?? 0;
        this.ctx.store.mutate<Pod>(POD, record.namespace, record.pod, (p) => {
          p.metadata.deletionTimestamp = isoTime(now);
          p.metadata.deletionGracePeriodSeconds = grace;
        });
        break;
      }
      case 'pod-failure':
        for (const rt of this.runtime.ofPod(record.podUid)) {
          rt.paused = true;
          if (rt.running) rt.plannedExit = { at: now, exitCode: 137, reason: 'Error', message: 'container image replaced by chaos-mesh pod-failure (gcr.io/google-containers/pause:latest)' };
        }
        break;
      case 'container-kill': {
        const rt = this.runtime.get(record.podUid, record.container!);
        if (rt?.running) rt.plannedExit = { at: now, exitCode: 137, reason: 'Error', message: 'killed by chaos-mesh container-kill' };
        break;
      }
    }
  }

  private recover(chaos: ChaosObject | undefined, injection: Injection): void {
    const source = `${injection.namespace}/${injection.name}`;
    const now = this.ctx.clock.now();
    for (const record of injection.records) {
      if (injection.kind === 'StressChaos') {
        const rt = this.runtime.get(record.podUid, record.container!);
        if (rt?.memoryStress?.source === source) rt.memoryStress = undefined;
        if (rt?.cpuStress?.source === source) rt.cpuStress = undefined;
      } else if (injection.kind === 'NetworkChaos') {
        this.network.remove(record.podUid, source);
      } else if (injection.kind === 'PodChaos') {
        for (const rt of this.runtime.ofPod(record.podUid)) {
          if (!rt.paused) continue;
          rt.paused = false;
          // The original image comes back: one more restart, as with Chaos Mesh.
          if (rt.running) rt.plannedExit = { at: now, exitCode: 0, reason: 'Completed', message: 'original image restored by chaos-mesh' };
        }
      }
      if (chaos) this.ctx.events.normal(chaos, 'Recovered', `Successfully recover chaos for ${record.id}`, { component: 'chaos-controller-manager' });
    }
    injection.recovered = true;
  }

  private writeStatus(injection: Injection, desiredPhase: 'Run' | 'Stop', paused = false): void {
    const chaos = this.ctx.store.get<ChaosObject>(injection.key, injection.namespace, injection.name);
    if (!chaos) return;
    const time = isoTime(this.ctx.clock.now());
    const status: ChaosStatus = {
      conditions: conditions({ selected: true, injected: !injection.recovered, recovered: injection.recovered, paused }),
      experiment: {
        desiredPhase,
        containerRecords: injection.records.map((r) => ({
          id: r.id,
          selectorKey: '.',
          phase: injection.recovered ? 'NotInjected' : 'Injected',
          injectedCount: 1,
          recoveredCount: injection.recovered ? 1 : 0,
          events: [
            { type: 'Succeeded', operation: 'Apply', timestamp: isoTime(injection.startedAt) },
            ...(injection.recovered ? [{ type: 'Succeeded', operation: 'Recover', timestamp: time }] : []),
          ],
        })),
      },
    };
    this.ctx.store.mutate<ChaosObject>(injection.key, injection.namespace, injection.name, (c) => {
      c.status = status;
    });
  }
}

function conditions(state: { selected: boolean; injected: boolean; recovered: boolean; paused: boolean }): ChaosStatus['conditions'] {
  const s = (b: boolean) => (b ? 'True' : 'False') as 'True' | 'False';
  return [
    { type: 'Selected', status: s(state.selected) },
    { type: 'AllInjected', status: s(state.injected) },
    { type: 'AllRecovered', status: s(state.recovered) },
    { type: 'Paused', status: s(state.paused) },
  ];
}
