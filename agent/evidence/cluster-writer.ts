/**
 * The writes remediation makes, through the Kubernetes API: delete a pod, evict it (the Eviction API,
 * which honours PodDisruptionBudgets), patch a deployment (merge, strategic-merge or JSON patch), scale
 * it, patch a node (cordon/uncordon), plus the reads a plan needs. Every write takes `dryRun`, sent as
 * the API's `dryRun=All`: the server validates and admits the change and returns the object it would
 * store, without storing it, which is the exact change we show for approval.
 *
 * Writes are not retried on 5xx (a write may have landed); only throttling (429) and unreachable
 * servers are, which is where a retry cannot double an effect. An eviction refused because of a
 * disruption budget (429) surfaces as `DisruptionBudgetBlocked` so a drain can wait and try again.
 */
import { PatchStrategy } from '@kubernetes/client-node';
import type { ClusterWriter } from '../ports.js';
import { apiMessage, classifyKubeError, kubeApis, loadKubeConfig, requestOptions, statusOf, type KubeApis, type KubeConnection } from './kube-client.js';
import { RateLimiter, resilientCall, type Classify, type RetryPolicy, type Sleep } from './resilience.js';

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
  retry?: Partial<RetryPolicy>;
  sleep?: Sleep;
  /** Field manager recorded on every change (managedFields), so writes are attributable. */
  fieldManager?: string;
}

const patchContentType = { merge: PatchStrategy.MergePatch, strategic: PatchStrategy.StrategicMergePatch, json: PatchStrategy.JsonPatch } as const;

/** Writes: retry only what cannot have taken effect. */
const classifyWrite: Classify = (error) => {
  const status = statusOf(error);
  const failure = classifyKubeError(error);
  if (status !== undefined && status !== 429) return { ...failure, retryable: false };
  return failure;
};

export class KubernetesClusterWriter implements ClusterWriter {
  private readonly apis: KubeApis;
  private readonly limiter: RateLimiter;
  private readonly fieldManager: string;

  constructor(private readonly options: ClusterWriterOptions = {}) {
    this.apis = options.apis ?? kubeApis(loadKubeConfig(options));
    this.limiter = new RateLimiter(10, 10, Date.now, options.sleep);
    this.fieldManager = options.fieldManager ?? 'devops-agent';
  }

  deletePod(namespace: string, name: string, options: { dryRun: boolean; gracePeriodSeconds?: number }): Promise<unknown> {
    return this.write(`delete pod ${namespace}/${name}`, (signal) =>
      this.apis.core.deleteNamespacedPod({ name, namespace, ...dry(options.dryRun), ...(options.gracePeriodSeconds !== undefined ? { gracePeriodSeconds: options.gracePeriodSeconds } : {}) }, requestOptions(signal)),
    );
  }

  async evictPod(namespace: string, name: string, options: { dryRun: boolean }): Promise<unknown> {
    try {
      return await resilientCall(
        `evict pod ${namespace}/${name}`,
        (signal) =>
          this.apis.core.createNamespacedPodEviction(
            { name, namespace, ...dry(options.dryRun), body: { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name, namespace }, ...(options.dryRun ? { deleteOptions: { dryRun: ['All'] } } : {}) } },
            requestOptions(signal),
          ),
        // A 429 here is the disruption budget, not throttling: the caller decides when to try again.
        { source: 'kubernetes', classify: (e) => (statusOf(e) === 429 ? { retryable: false, reason: `budget:${apiMessage(e)}` } : classifyWrite(e)), limiter: this.limiter, sleep: this.options.sleep, policy: this.options.retry },
      );
    } catch (error) {
      const reason = (error as { reason?: string }).reason ?? '';
      const budget = /: budget:(.*)$/.exec(reason);
      if (budget) throw new DisruptionBudgetBlocked(name, budget[1]!.trim());
      throw rejected(error);
    }
  }

  patchDeployment(namespace: string, name: string, patch: unknown, options: { dryRun: boolean; patchType: 'merge' | 'strategic' | 'json' }): Promise<unknown> {
    return this.write(`patch deployment ${namespace}/${name}`, (signal) =>
      this.apis.apps.patchNamespacedDeployment({ name, namespace, body: patch, fieldManager: this.fieldManager, ...dry(options.dryRun) }, requestOptions(signal, patchContentType[options.patchType])),
    );
  }

  scaleDeployment(namespace: string, name: string, replicas: number, options: { dryRun: boolean }): Promise<unknown> {
    return this.write(`scale deployment ${namespace}/${name} to ${replicas}`, (signal) =>
      this.apis.apps.patchNamespacedDeploymentScale({ name, namespace, body: { spec: { replicas } }, fieldManager: this.fieldManager, ...dry(options.dryRun) }, requestOptions(signal, PatchStrategy.MergePatch)),
    );
  }

  patchNode(name: string, patch: unknown, options: { dryRun: boolean }): Promise<unknown> {
    return this.write(`patch node ${name}`, (signal) => this.apis.core.patchNode({ name, body: patch, fieldManager: this.fieldManager, ...dry(options.dryRun) }, requestOptions(signal, PatchStrategy.StrategicMergePatch)));
  }

  readDeployment(namespace: string, name: string): Promise<unknown> {
    return this.read(`read deployment ${namespace}/${name}`, (signal) => this.apis.apps.readNamespacedDeployment({ name, namespace }, requestOptions(signal)));
  }

  readNode(name: string): Promise<unknown> {
    return this.read(`read node ${name}`, (signal) => this.apis.core.readNode({ name }, requestOptions(signal)));
  }

  async listReplicaSets(namespace: string, selector: string): Promise<unknown[]> {
    const list = await this.read(`list replicasets in ${namespace}`, (signal) => this.apis.apps.listNamespacedReplicaSet({ namespace, ...(selector ? { labelSelector: selector } : {}) }, requestOptions(signal)));
    return list.items;
  }

  async listPods(namespace: string | undefined, options: { labelSelector?: string; fieldSelector?: string }): Promise<unknown[]> {
    const selectors = { ...(options.labelSelector ? { labelSelector: options.labelSelector } : {}), ...(options.fieldSelector ? { fieldSelector: options.fieldSelector } : {}) };
    const list = await this.read(`list pods in ${namespace ?? 'all namespaces'}`, (signal) =>
      namespace ? this.apis.core.listNamespacedPod({ namespace, ...selectors }, requestOptions(signal)) : this.apis.core.listPodForAllNamespaces(selectors, requestOptions(signal)),
    );
    return list.items;
  }

  async listPodDisruptionBudgets(namespace: string): Promise<unknown[]> {
    const list = await this.read(`list pod disruption budgets in ${namespace}`, (signal) => this.apis.policy.listNamespacedPodDisruptionBudget({ namespace }, requestOptions(signal)));
    return list.items;
  }

  private read<T>(operation: string, call: (signal: AbortSignal) => Promise<T>): Promise<T> {
    return resilientCall(operation, call, { source: 'kubernetes', classify: classifyKubeError, limiter: this.limiter, sleep: this.options.sleep, policy: this.options.retry });
  }

  private async write<T>(operation: string, call: (signal: AbortSignal) => Promise<T>): Promise<T> {
    try {
      return await resilientCall(operation, call, { source: 'kubernetes', classify: classifyWrite, limiter: this.limiter, sleep: this.options.sleep, policy: this.options.retry });
    } catch (error) {
      throw rejected(error);
    }
  }
}

function dry(dryRun: boolean): { dryRun?: string } {
  return dryRun ? { dryRun: 'All' } : {};
}

function rejected(error: unknown): Error {
  const reason = (error as { reason?: string }).reason ?? (error as Error).message;
  const status = /HTTP (\d{3})/.exec(reason)?.[1];
  return new ClusterWriteRejected(status ? Number(status) : undefined, reason);
}
