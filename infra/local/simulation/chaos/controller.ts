import { isoTime } from '../../../../core/clock.js';
import { parseDuration } from '../../../../core/duration.js';
import type { ChaosEffect } from '../../../../lib/chaos-mesh/effects.js';
import type { AnyChaosKind } from '../../../../lib/chaos-mesh/kind.js';
import { chaosKinds } from '../../../../lib/chaos-mesh/registry.js';
import { chaosConditions, type ChaosStatus } from '../../../../lib/chaos-mesh/status.js';
import type { Controller, ControllerContext } from '../cluster/controllers/context.js';
import type { ChaosObject } from '../cluster/objects.js';
import { keyOf } from '../cluster/resources.js';
import type { ContainerRuntimeModel } from '../workload/runtime.js';
import type { NetworkFaults } from './network-faults.js';
import { handlerOf, type InjectionTarget, type PrimitiveWorld } from './primitives.js';
import { selectPods } from './selection.js';

interface Injection {
  uid: string;
  key: string;
  namespace: string;
  name: string;
  kind: ChaosObject['kind'];
  /** What the experiment does to each target, from its spec when last applied. */
  effect: ChaosEffect;
  startedAt: number;
  endsAt?: number;
  targets: InjectionTarget[];
  recovered: boolean;
}

const PAUSE_ANNOTATION = 'experiment.chaos-mesh.org/pause';

/**
 * Chaos Mesh's controller for every kind of the registry (lib/chaos-mesh), acting on the simulation
 * instead of on containers: creating an experiment selects pods once (as Chaos Mesh records them) and
 * applies the kind's effect to each; its `duration` elapsing, the pause annotation, or its deletion
 * recovers. Status and events follow Chaos Mesh 2.x (conditions Selected/AllInjected/AllRecovered/Paused,
 * containerRecords).
 */
export class ChaosController implements Controller {
  readonly name = 'chaos-controller-manager';
  private readonly injections = new Map<string, Injection>();
  private readonly world: PrimitiveWorld;

  constructor(
    private readonly ctx: ControllerContext,
    runtime: ContainerRuntimeModel,
    network: NetworkFaults,
  ) {
    this.world = { ctx, runtime, network };
  }

  /** Experiments currently injected (for status pages and preflight checks). */
  active(): { kind: string; namespace: string; name: string; startedAt: number; targets: string[] }[] {
    return [...this.injections.values()].filter((i) => !i.recovered).map((i) => ({ kind: i.kind, namespace: i.namespace, name: i.name, startedAt: i.startedAt, targets: i.targets.map((r) => r.id) }));
  }

  reconcile(): void {
    const now = this.ctx.clock.now();
    const seen = new Set<string>();
    for (const kind of chaosKinds) {
      const key = keyOf(kind);
      for (const chaos of this.ctx.store.list<ChaosObject>(key)) {
        const uid = chaos.metadata.uid!;
        seen.add(uid);
        const paused = chaos.metadata.annotations?.[PAUSE_ANNOTATION] === 'true';
        let injection = this.injections.get(uid);
        if (!injection) {
          if (chaos.status?.experiment?.desiredPhase === 'Stop') continue;
          if (paused) continue;
          injection = this.inject(kind, key, chaos, now);
          if (injection) this.injections.set(uid, injection);
          continue;
        }
        if (injection.recovered) {
          if (!paused && !injection.endsAt) {
            // Resumed after a pause: inject again into the recorded targets.
            this.apply(kind, chaos, injection, now);
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
          this.keep(injection, now);
        }
      }
    }
    for (const [uid, injection] of this.injections) {
      if (seen.has(uid)) continue;
      if (!injection.recovered) this.recover(undefined, injection);
      this.injections.delete(uid);
    }
  }

  private inject(kind: AnyChaosKind, key: string, chaos: ChaosObject, now: number): Injection | undefined {
    const ns = chaos.metadata.namespace!;
    const pods = selectPods(this.ctx.store, this.ctx.random, chaos.spec.selector ?? {}, chaos.spec.mode ?? 'one', chaos.spec.value, ns);
    const source = { component: 'chaos-controller-manager' };
    if (pods.length === 0) {
      this.ctx.events.warning(chaos, 'Failed', 'Failed to select pods: no pod is selected', source);
      this.ctx.store.mutate<ChaosObject>(key, ns, chaos.metadata.name, (c) => {
        c.status = { conditions: chaosConditions({ selected: false, injected: false, recovered: false, paused: false }), experiment: { desiredPhase: 'Run', containerRecords: [] } };
      });
      return undefined;
    }
    const effect = kind.effect(chaos.spec);
    const targets: InjectionTarget[] = [];
    for (const pod of pods) {
      const base = { podUid: pod.metadata.uid!, namespace: pod.metadata.namespace!, pod: pod.metadata.name };
      if (effect.targets === 'containers') {
        const names = chaos.spec.containerNames?.length ? chaos.spec.containerNames : [pod.spec.containers[0]!.name];
        for (const container of names.filter((n) => pod.spec.containers.some((c) => c.name === n))) {
          targets.push({ ...base, container, id: `${pod.metadata.namespace}/${pod.metadata.name}/${container}` });
        }
      } else {
        targets.push({ ...base, id: `${pod.metadata.namespace}/${pod.metadata.name}` });
      }
    }
    const duration = chaos.spec.duration ? parseDuration(chaos.spec.duration) : undefined;
    const injection: Injection = {
      uid: chaos.metadata.uid!,
      key,
      namespace: ns,
      name: chaos.metadata.name,
      kind: chaos.kind,
      effect,
      startedAt: now,
      endsAt: duration !== undefined ? now + duration : undefined,
      targets,
      recovered: false,
    };
    this.ctx.events.normal(chaos, 'Started', 'Experiment has started', source);
    this.apply(kind, chaos, injection, now);
    for (const r of targets) this.ctx.events.normal(chaos, 'Applied', `Successfully apply chaos for ${r.id}`, source);
    this.writeStatus(injection, 'Run');
    return injection;
  }

  private apply(kind: AnyChaosKind, chaos: ChaosObject, injection: Injection, now: number): void {
    injection.effect = kind.effect(chaos.spec);
    const handler = handlerOf(injection.effect);
    for (const target of injection.targets) handler.apply(this.world, injection.effect, target, sourceOf(injection), now);
  }

  /** Keeps an injection in place when a target container was restarted or started late. */
  private keep(injection: Injection, now: number): void {
    const handler = handlerOf(injection.effect);
    for (const target of injection.targets) handler.keep?.(this.world, injection.effect, target, sourceOf(injection), now);
  }

  private recover(chaos: ChaosObject | undefined, injection: Injection): void {
    const now = this.ctx.clock.now();
    const handler = handlerOf(injection.effect);
    for (const target of injection.targets) {
      handler.recover(this.world, injection.effect, target, sourceOf(injection), now);
      if (chaos) this.ctx.events.normal(chaos, 'Recovered', `Successfully recover chaos for ${target.id}`, { component: 'chaos-controller-manager' });
    }
    injection.recovered = true;
  }

  private writeStatus(injection: Injection, desiredPhase: 'Run' | 'Stop', paused = false): void {
    const chaos = this.ctx.store.get<ChaosObject>(injection.key, injection.namespace, injection.name);
    if (!chaos) return;
    const time = isoTime(this.ctx.clock.now());
    const status: ChaosStatus = {
      conditions: chaosConditions({ selected: true, injected: !injection.recovered, recovered: injection.recovered, paused }),
      experiment: {
        desiredPhase,
        containerRecords: injection.targets.map((r) => ({
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

/** Who applied a stressor or network fault: the experiment, so two experiments on one target are told apart. */
function sourceOf(injection: Injection): string {
  return `${injection.namespace}/${injection.name}`;
}
