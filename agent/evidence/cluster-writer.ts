/**
 * The writes remediation makes, through the kit's one Kubernetes adapter (lib/kubernetes): delete a
 * pod, evict it (the Eviction API, which honours PodDisruptionBudgets), patch a deployment (merge,
 * strategic-merge or JSON patch), scale it, patch a node (cordon/uncordon), plus the reads a plan
 * needs. Every write takes `dryRun`, sent as the API's `dryRun=All`: the server validates and admits
 * the change and returns the object it would store, without storing it, which is the exact change we
 * show for approval.
 *
 * Writes are not retried on 5xx (a write may have landed); only throttling (429) and unreachable
 * servers are, which is where a retry cannot double an effect. An eviction refused because of a
 * disruption budget (429) surfaces as `DisruptionBudgetBlocked` so a drain can wait and try again.
 */
import type { Sleep } from '../../core/clock.js';
import { KubernetesClient, type KubernetesRetryPolicy } from '../../lib/kubernetes/client.js';
import type { KubeApis, KubeConnection } from '../../lib/kubernetes/connection.js';
import { KubernetesApiError } from '../../lib/kubernetes/errors.js';
import type { ClusterWriter } from '../ports.js';
import { AGENT_USER_AGENT, kubernetesUnavailable } from './kubernetes.js';

export class DisruptionBudgetBlocked extends Error {
  constructor(
    readonly pod: string,
    message: string,
  ) {
    super(message);
    this.name = 'DisruptionBudgetBlocked';
  }
}

/** A write the API refused (validation, conflict, not found, forbidden): not retried, the message says why. */
export class ClusterWriteRejected extends Error {
  constructor(
    readonly status: number | undefined,
    message: string,
  ) {
    super(message);
    this.name = 'ClusterWriteRejected';
  }
}

export interface ClusterWriterOptions extends KubeConnection {
  apis?: KubeApis;
  retry?: Partial<KubernetesRetryPolicy>;
  sleep?: Sleep;
  /** Field manager recorded on every change (managedFields), so writes are attributable. */
  fieldManager?: string;
}

export class KubernetesClusterWriter implements ClusterWriter {
  private readonly client: KubernetesClient;

  constructor(options: ClusterWriterOptions = {}) {
    this.client = new KubernetesClient({ ...options, rateLimit: { ratePerSecond: 10, burst: 10 }, fieldManager: options.fieldManager ?? 'devops-agent', userAgent: AGENT_USER_AGENT });
  }

  deletePod(namespace: string, name: string, options: { dryRun: boolean; gracePeriodSeconds?: number }): Promise<unknown> {
    return write(this.client.deletePod(namespace, name, options));
  }

  async evictPod(namespace: string, name: string, options: { dryRun: boolean }): Promise<unknown> {
    try {
      return await this.client.evictPod(namespace, name, options);
    } catch (error) {
      // A 429 here is the disruption budget, not throttling: the caller decides when to try again.
      if (error instanceof KubernetesApiError && error.status === 429) throw new DisruptionBudgetBlocked(name, error.failure.detail);
      throw rejected(error);
    }
  }

  patchDeployment(namespace: string, name: string, patch: unknown, options: { dryRun: boolean; patchType: 'merge' | 'strategic' | 'json' }): Promise<unknown> {
    return write(this.client.patchDeployment(namespace, name, patch, options));
  }

  scaleDeployment(namespace: string, name: string, replicas: number, options: { dryRun: boolean }): Promise<unknown> {
    return write(this.client.scaleDeployment(namespace, name, replicas, options));
  }

  patchNode(name: string, patch: unknown, options: { dryRun: boolean }): Promise<unknown> {
    return write(this.client.patchNode(name, patch, options));
  }

  readDeployment(namespace: string, name: string): Promise<unknown> {
    return read(this.client.readDeployment(namespace, name));
  }

  readNode(name: string): Promise<unknown> {
    return read(this.client.readNode(name));
  }

  listReplicaSets(namespace: string, selector: string): Promise<unknown[]> {
    return read(this.client.listReplicaSets(namespace, selector));
  }

  listPods(namespace: string | undefined, options: { labelSelector?: string; fieldSelector?: string }): Promise<unknown[]> {
    return read(this.client.podObjects(namespace, options));
  }

  listPodDisruptionBudgets(namespace: string): Promise<unknown[]> {
    return read(this.client.listPodDisruptionBudgets(namespace));
  }
}

async function read<T>(call: Promise<T>): Promise<T> {
  try {
    return await call;
  } catch (error) {
    throw kubernetesUnavailable(error);
  }
}

async function write<T>(call: Promise<T>): Promise<T> {
  try {
    return await call;
  } catch (error) {
    throw rejected(error);
  }
}

function rejected(error: unknown): Error {
  if (error instanceof KubernetesApiError) return new ClusterWriteRejected(error.status, error.message);
  return error as Error;
}
