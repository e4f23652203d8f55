import type { Clock } from '../../../../core/clock.js';
import type { Random } from '../../../../core/random.js';
import type { EventRecorder } from './events.js';
import type { ObjectStore } from './store.js';

/**
 * What the HTTP faces of the local cluster (Kubernetes API, metrics, X-Ray) read from the simulation.
 * The simulation implements it; the API layer never reaches into the model's internals.
 */
export interface ClusterBackend {
  readonly clock: Clock;
  readonly random: Random;
  readonly store: ObjectStore;
  readonly events: EventRecorder;
  readonly logs: PodLogSource;
  readonly usage: ResourceUsageSource;
}

export interface LogQuery {
  container?: string;
  previous?: boolean;
  sinceSeconds?: number;
  /** RFC3339 */
  sinceTime?: string;
  tailLines?: number;
  timestamps?: boolean;
  limitBytes?: number;
  /** Only lines written after this time (epoch ms, exclusive): what a following reader has not seen yet. */
  afterTime?: number;
}

export interface PodLogSource {
  /**
   * The container's log as kubelet would stream it (lines joined with "\n", trailing newline).
   * Throws ApiError 400 when the container is ambiguous/unknown or has no previous instance.
   */
  read(namespace: string, pod: string, query: LogQuery): string;
  /** Time of the newest line of the container's current instance (epoch ms), where a follower resumes. */
  newestLineTime?(namespace: string, pod: string, container: string): number | undefined;
}

export interface ContainerUsage {
  name: string;
  cpuCores: number;
  memoryBytes: number;
}

export interface PodUsage {
  namespace: string;
  name: string;
  /** Epoch ms of the sample and the averaging window, as metrics-server reports them. */
  timestamp: number;
  windowSeconds: number;
  containers: ContainerUsage[];
}

export interface NodeUsage {
  name: string;
  timestamp: number;
  windowSeconds: number;
  cpuCores: number;
  memoryBytes: number;
}

export interface ResourceUsageSource {
  /** Running pods only (metrics-server has no samples for pending or terminated pods). */
  pods(namespace?: string): PodUsage[];
  nodes(): NodeUsage[];
}
