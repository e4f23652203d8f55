/**
 * An evidence source as a registry entry (k8sgpt style: one interface, one registry): which slot of
 * EvidenceSources it fills, the EvidenceConfig keys it reads, how it is built, and the step kinds that
 * read it. An entry lives beside its adapter; agent/evidence/registry.ts lists them, and
 * `createEvidenceSources` builds whatever the configuration asks for. A source that is not configured
 * is absent, and the steps that read it record the gap.
 */
import type { Clock } from '../../core/clock.js';
import type { Logger } from '../../core/log.js';
import type { EvidenceConfig } from '../config.js';
import type { EvidenceSources } from '../ports.js';

/** What the factories receive: the agent's evidence configuration, its clock and logger. */
export interface EvidenceOptions extends Partial<EvidenceConfig> {
  clock?: Clock;
  log?: Logger;
  /** In a pod on EKS: use the service account instead of a kubeconfig. */
  inCluster?: boolean;
}

export type EvidenceSourceId = keyof EvidenceSources;

export interface EvidenceSourceEntry<K extends EvidenceSourceId = EvidenceSourceId> {
  id: K;
  description: string;
  /** The configuration it reads; with none of these set it builds nothing. */
  configKeys: readonly (keyof EvidenceConfig)[];
  /** Step kinds that read it (each records a gap when it is absent). */
  readBy: readonly string[];
  /** The adapter, or undefined when the configuration does not ask for this source. */
  create(options: EvidenceOptions): EvidenceSources[K] | undefined;
}

/** Identity, for type inference: `create` must return the adapter type of the slot `id` names. */
export function defineEvidenceSource<K extends EvidenceSourceId>(entry: EvidenceSourceEntry<K>): EvidenceSourceEntry<K> {
  return entry;
}
