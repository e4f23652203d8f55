/**
 * Chaos Mesh experiments put straight into a simulation's store (no API, no admission), the way the
 * agent's fixtures and replay cases inject faults. The store key comes from the kind's descriptor.
 */
import { CHAOS_MESH_API_VERSION } from '../../../lib/chaos-mesh/kind.js';
import type { ChaosObject } from '../../../infra/local/simulation/cluster/objects.js';
import { chaosKey } from '../../../infra/local/simulation/cluster/resources.js';
import type { ObjectStore } from '../../../infra/local/simulation/cluster/store.js';

type WithoutApiVersion<T> = T extends unknown ? Omit<T, 'apiVersion' | 'status'> : never;

/** An experiment as a manifest says it (apiVersion filled in). */
export type ChaosManifest = WithoutApiVersion<ChaosObject>;

export function createChaos(store: ObjectStore, manifest: ChaosManifest): ChaosObject {
  const object: ChaosObject = { apiVersion: CHAOS_MESH_API_VERSION, ...manifest };
  return store.create(chaosKey(manifest.kind), object);
}
