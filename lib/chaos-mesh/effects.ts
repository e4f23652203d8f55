/**
 * What a Chaos Mesh experiment does, as data: the primitives the simulation knows how to apply to a
 * selected pod or container and how to undo. A kind's `effect` maps its spec to one of these; a new kind
 * whose effect is an existing primitive needs nothing in the simulation, a new primitive needs its
 * handler there (infra/local/simulation/chaos/primitives.ts).
 */
import type { parseStressSize } from '../../core/quantity.js';

export type StressSize = ReturnType<typeof parseStressSize>;

/** Stressors in the container: memory grows to `size` over `rampMs` (the profile's leak ramp when absent), CPU burns `cores`. */
export interface StressEffect {
  primitive: 'stress';
  targets: 'containers';
  memory?: { size: StressSize; rampMs?: number };
  cpu?: { cores: number };
}

/** What the pod sends is delayed, jittered and lost (losses compound, delays add up across faults). */
export interface NetworkEffect {
  primitive: 'network';
  targets: 'pods';
  delaySeconds: number;
  jitterSeconds: number;
  lossFraction: number;
}

/** The pod is deleted (its controller replaces it). */
export interface PodKillEffect {
  primitive: 'pod-kill';
  targets: 'pods';
  gracePeriodSeconds: number;
}

/** The pod's containers run the pause image until the experiment ends: never ready, one more restart at recovery. */
export interface PodFailureEffect {
  primitive: 'pod-failure';
  targets: 'pods';
}

/** The container is killed once (exit 137); the kubelet restarts it. */
export interface ContainerKillEffect {
  primitive: 'container-kill';
  targets: 'containers';
}

export type ChaosEffect = StressEffect | NetworkEffect | PodKillEffect | PodFailureEffect | ContainerKillEffect;
export type ChaosPrimitive = ChaosEffect['primitive'];
