/**
 * How the simulation applies each effect primitive of lib/chaos-mesh/effects.ts to one injected target
 * (a pod, or a container of it), keeps it in place, and undoes it. A new Chaos Mesh kind whose effect is
 * an existing primitive needs nothing here; a new primitive is one entry of `primitives`.
 */
import { isoTime } from '../../../../core/clock.js';
import { parseDuration } from '../../../../core/duration.js';
import { parseQuantity } from '../../../../core/quantity.js';
import type { ChaosEffect, ChaosPrimitive } from '../../../../lib/chaos-mesh/effects.js';
import type { ControllerContext } from '../cluster/controllers/context.js';
import type { Node, Pod } from '../cluster/objects.js';
import { NODE, POD } from '../cluster/resources.js';
import type { ContainerRuntimeModel } from '../workload/runtime.js';
import type { NetworkFaults } from './network-faults.js';

/** One injected target: a container (stress, container-kill) or a pod (network, pod-kill, pod-failure). */
export interface InjectionTarget {
  id: string;
  podUid: string;
  namespace: string;
  pod: string;
  container?: string;
}

export interface PrimitiveWorld {
  ctx: ControllerContext;
  runtime: ContainerRuntimeModel;
  network: NetworkFaults;
}

interface PrimitiveHandler<E extends ChaosEffect> {
  apply(world: PrimitiveWorld, effect: E, target: InjectionTarget, source: string, now: number): void;
  /** Re-applies what a restart of the target lost (a new container instance has no stressor). */
  keep?(world: PrimitiveWorld, effect: E, target: InjectionTarget, source: string, now: number): void;
  recover(world: PrimitiveWorld, effect: E, target: InjectionTarget, source: string, now: number): void;
}

type EffectOf<P extends ChaosPrimitive> = Extract<ChaosEffect, { primitive: P }>;
type Handlers = { [P in ChaosPrimitive]: PrimitiveHandler<EffectOf<P>> };

const stressOf = (world: PrimitiveWorld, target: InjectionTarget) => world.runtime.get(target.podUid, target.container!);

export const primitives: Handlers = {
  stress: {
    apply({ ctx, runtime }, effect, target, source, now) {
      const rt = runtime.get(target.podUid, target.container!);
      if (!rt) return;
      if (effect.memory) {
        const node = ctx.store.get<Node>(NODE, undefined, rt.node);
        const total = rt.limits.memoryBytes ?? (node ? parseQuantity(node.status.allocatable.memory!) : 0);
        const targetBytes = effect.memory.size.bytes ?? (effect.memory.size.fraction ?? 0) * total;
        rt.memoryStress = { targetBytes, rampMs: effect.memory.rampMs ?? parseDuration(ctx.profile.defaultLeakRamp), startedAt: now, source };
      }
      if (effect.cpu) rt.cpuStress = { cores: effect.cpu.cores, source };
    },
    keep(world, effect, target, source, now) {
      const rt = stressOf(world, target);
      if (rt && ((effect.memory && !rt.memoryStress) || (effect.cpu && !rt.cpuStress))) primitives.stress.apply(world, effect, target, source, now);
    },
    recover(world, _effect, target, source) {
      const rt = stressOf(world, target);
      if (rt?.memoryStress?.source === source) rt.memoryStress = undefined;
      if (rt?.cpuStress?.source === source) rt.cpuStress = undefined;
    },
  },
  network: {
    apply({ network }, effect, target, source) {
      network.add(target.podUid, { delaySeconds: effect.delaySeconds, jitterSeconds: effect.jitterSeconds, lossFraction: effect.lossFraction, source });
    },
    recover({ network }, _effect, target, source) {
      network.remove(target.podUid, source);
    },
  },
  'pod-kill': {
    apply({ ctx }, effect, target, _source, now) {
      const pod = ctx.store.get<Pod>(POD, target.namespace, target.pod);
      if (!pod || pod.metadata.uid !== target.podUid) return;
      ctx.store.mutate<Pod>(POD, target.namespace, target.pod, (p) => {
        p.metadata.deletionTimestamp = isoTime(now);
        p.metadata.deletionGracePeriodSeconds = effect.gracePeriodSeconds;
      });
    },
    recover: () => undefined,
  },
  'pod-failure': {
    apply({ ctx, runtime }, _effect, target, _source, now) {
      const pod = ctx.store.get<Pod>(POD, target.namespace, target.pod);
      if (!pod || pod.metadata.uid !== target.podUid) return;
      for (const rt of runtime.ofPod(target.podUid)) {
        rt.paused = true;
        if (rt.running) rt.plannedExit = { at: now, exitCode: 137, reason: 'Error', message: 'container image replaced by chaos-mesh pod-failure (gcr.io/google-containers/pause:latest)' };
      }
    },
    recover({ runtime }, _effect, target, _source, now) {
      for (const rt of runtime.ofPod(target.podUid)) {
        if (!rt.paused) continue;
        rt.paused = false;
        // The original image comes back: one more restart, as with Chaos Mesh.
        if (rt.running) rt.plannedExit = { at: now, exitCode: 0, reason: 'Completed', message: 'original image restored by chaos-mesh' };
      }
    },
  },
  'container-kill': {
    apply({ ctx, runtime }, _effect, target, _source, now) {
      const pod = ctx.store.get<Pod>(POD, target.namespace, target.pod);
      if (!pod || pod.metadata.uid !== target.podUid) return;
      const rt = runtime.get(target.podUid, target.container!);
      if (rt?.running) rt.plannedExit = { at: now, exitCode: 137, reason: 'Error', message: 'killed by chaos-mesh container-kill' };
    },
    recover: () => undefined,
  },
};

/** The handler of an effect's primitive, typed for that effect. */
export function handlerOf<P extends ChaosPrimitive>(effect: EffectOf<P>): PrimitiveHandler<EffectOf<P>> {
  return primitives[effect.primitive as P];
}
