/**
 * The Chaos Mesh kinds the kit supports: the simulation serves, admits and applies them, the runner
 * injects, lists and removes them. One line per kind.
 */
import type { AnyChaosKind } from './kind.js';
import { networkChaos } from './kinds/network-chaos.js';
import { podChaos } from './kinds/pod-chaos.js';
import { stressChaos } from './kinds/stress-chaos.js';

export const chaosKinds = [
  stressChaos,
  networkChaos,
  podChaos,
] as const;

/** A registered kind's name ("StressChaos" | "NetworkChaos" | ...). */
export type ChaosKindName = (typeof chaosKinds)[number]['kind'];

export const CHAOS_KIND_NAMES: readonly ChaosKindName[] = chaosKinds.map((k) => k.kind);

export function isChaosKindName(kind: unknown): kind is ChaosKindName {
  return (CHAOS_KIND_NAMES as readonly unknown[]).includes(kind);
}

/** The registered kind named `kind` (undefined for a name that is not registered). */
export function chaosKindOf(kind: ChaosKindName): AnyChaosKind;
export function chaosKindOf(kind: string): AnyChaosKind | undefined;
export function chaosKindOf(kind: string): AnyChaosKind | undefined {
  return chaosKinds.find((k) => k.kind === kind);
}
