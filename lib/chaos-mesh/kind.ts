/**
 * What the kit knows of one Chaos Mesh kind, in one value: its identity on the API (group, version,
 * kind, plural), the spec fields we support (a zod schema), its admission (the kind's own webhook rules
 * and defaults) and its effect on the pods it selects (a declarative value the simulation applies).
 * The simulation, the runner and the test kits read kinds from the registry (registry.ts), so adding a
 * kind is one file in kinds/ and one registry line.
 */
import { z } from 'zod';
import type { FieldCause, Loose } from './admission.js';
import { CHAOS_MODES } from './admission.js';
import type { ChaosEffect } from './effects.js';

export const CHAOS_MESH_GROUP = 'chaos-mesh.org';
export const CHAOS_MESH_VERSION = 'v1alpha1';
export const CHAOS_MESH_API_VERSION = `${CHAOS_MESH_GROUP}/${CHAOS_MESH_VERSION}`;

const stringMap = z.record(z.string(), z.string());

/** Chaos Mesh's PodSelectorSpec: the fields the simulation honours. */
export const chaosSelectorSchema = z.looseObject({
  namespaces: z.array(z.string()).optional(),
  labelSelectors: stringMap.optional(),
  expressionSelectors: z.array(z.object({ key: z.string(), operator: z.enum(['In', 'NotIn', 'Exists', 'DoesNotExist']), values: z.array(z.string()).optional() })).optional(),
  annotationSelectors: stringMap.optional(),
  fieldSelectors: stringMap.optional(),
  nodes: z.array(z.string()).optional(),
  nodeSelectors: stringMap.optional(),
  pods: z.record(z.string(), z.array(z.string())).optional(),
  podPhaseSelectors: z.array(z.string()).optional(),
});
export type ChaosSelector = z.infer<typeof chaosSelectorSchema>;

export const chaosModeSchema = z.enum(CHAOS_MODES);
export type ChaosMode = z.infer<typeof chaosModeSchema>;

/** The spec fields every kind has (selector and mode, how long, which containers), for kinds' schemas to extend. */
export const commonSpecFields = {
  selector: chaosSelectorSchema,
  mode: chaosModeSchema,
  value: z.string().optional(),
  duration: z.string().optional(),
  containerNames: z.array(z.string()).optional(),
};
export type ChaosSpecBase = { selector: ChaosSelector; mode: ChaosMode; value?: string | undefined; duration?: string | undefined; containerNames?: string[] | undefined } & Loose;

export interface ChaosAdmission {
  /** The kind's own rules (the shared selector/mode/duration rules run first, see admitChaos). */
  validate(spec: Loose): FieldCause[];
  /** Defaults Chaos Mesh's mutating webhook writes into the stored object (none of today's kinds has any). */
  default?(spec: Loose): void;
}

export interface ChaosKind<Kind extends string = string, Spec extends ChaosSpecBase = ChaosSpecBase, Effect extends ChaosEffect = ChaosEffect> {
  readonly kind: Kind;
  readonly group: typeof CHAOS_MESH_GROUP;
  readonly version: typeof CHAOS_MESH_VERSION;
  /** The resource name in URLs (`/apis/chaos-mesh.org/v1alpha1/namespaces/<ns>/<plural>`); also the singular. */
  readonly plural: string;
  readonly schema: z.ZodType<Spec>;
  readonly admission: ChaosAdmission;
  /** What the experiment does to each pod (or container) it selects. A method, so kinds share one registry type. */
  effect(spec: Spec): Effect;
}

/** Any registered kind, seen through the shared registry type. */
export type AnyChaosKind = ChaosKind;

/** The spec type of a kind. */
export type ChaosSpecOf<K> = K extends ChaosKind<string, infer Spec, ChaosEffect> ? Spec : never;

export function defineChaosKind<const Kind extends string, Spec extends ChaosSpecBase, Effect extends ChaosEffect>(descriptor: {
  kind: Kind;
  plural: string;
  schema: z.ZodType<Spec>;
  admission: ChaosAdmission;
  effect(spec: Spec): Effect;
}): ChaosKind<Kind, Spec, Effect> {
  return { group: CHAOS_MESH_GROUP, version: CHAOS_MESH_VERSION, ...descriptor };
}
