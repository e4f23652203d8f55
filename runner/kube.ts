/**
 * The Cluster port over the kit's one Kubernetes adapter (lib/kubernetes): the local target's API subset
 * or an EKS cluster, from a kubeconfig. Chaos Mesh objects go through the custom-objects API, exactly as
 * `kubectl apply` would send them, for every kind of the registry (lib/chaos-mesh).
 */
import { chaosKindOf, chaosKinds, isChaosKindName } from '../lib/chaos-mesh/registry.js';
import { isRecovered } from '../lib/chaos-mesh/status.js';
import { KubernetesClient, type KubeObjectJson } from '../lib/kubernetes/client.js';
import { KubernetesApiError } from '../lib/kubernetes/errors.js';
import type { ChaosObjectSummary, ChaosRef, Cluster, DeploymentSummary, NodeSummary, PodSummary } from './ports.js';

export class KubernetesCluster implements Cluster {
  private readonly client: KubernetesClient;

  constructor(kubeconfigPath: string) {
    // One attempt per call: the runner polls, and its cleanup retries the removal of a fault itself (one retry layer).
    this.client = new KubernetesClient({ kubeconfigPath, retry: { maxAttempts: 1 }, fieldManager: 'run-scenario', userAgent: 'eks-incident-kit-run-scenario' });
  }

  async listChaos(): Promise<ChaosObjectSummary[]> {
    const all: ChaosObjectSummary[] = [];
    for (const kind of chaosKinds) {
      for (const item of await runnerCall(this.client.listCustomObjects(kind))) {
        all.push({ kind: kind.kind, ...chaosIdentity(item), labels: item.metadata?.labels ?? {}, createdAt: timestamp(item.metadata?.creationTimestamp), recovered: isRecovered(item.status) });
      }
    }
    return all;
  }

  async createChaos(manifest: Record<string, unknown>): Promise<ChaosRef> {
    const body = manifest as KubeObjectJson;
    if (!isChaosKindName(body.kind)) throw new Error(`not a Chaos Mesh kind this runner applies: ${String(body.kind)}`);
    const ref: ChaosRef = { kind: body.kind, namespace: body.metadata?.namespace ?? 'default', name: body.metadata?.name ?? '' };
    await runnerCall(this.client.createCustomObject(chaosKindOf(ref.kind), ref.namespace, body));
    return ref;
  }

  async deleteChaos(ref: ChaosRef): Promise<void> {
    const kind = chaosKindOf(ref.kind);
    await runnerCall(this.client.deleteCustomObject(kind, ref.namespace, ref.name));
  }

  listDeployments(namespace: string): Promise<DeploymentSummary[]> {
    return runnerCall(this.client.listDeployments(namespace));
  }

  getDeployment(namespace: string, name: string): Promise<DeploymentSummary | undefined> {
    return runnerCall(this.client.getDeployment(namespace, name));
  }

  async patchDeployment(namespace: string, name: string, patch: unknown, type: 'strategic' | 'merge' | 'json'): Promise<void> {
    await runnerCall(this.client.patchDeployment(namespace, name, patch, { patchType: type }));
  }

  listNodes(): Promise<NodeSummary[]> {
    return runnerCall(this.client.listNodes());
  }

  async setUnschedulable(node: string, unschedulable: boolean): Promise<void> {
    await runnerCall(this.client.patchNode(node, { spec: { unschedulable } }));
  }

  listPods(namespace?: string): Promise<PodSummary[]> {
    return runnerCall(this.client.listPods(namespace));
  }

  async deletePod(namespace: string, name: string): Promise<void> {
    try {
      await this.client.deletePod(namespace, name);
    } catch (error) {
      if (error instanceof KubernetesApiError && error.status === 404) return;
      throw runnerError(error);
    }
  }
}

function chaosIdentity(item: KubeObjectJson): { namespace: string; name: string } {
  return { namespace: item.metadata?.namespace ?? '', name: item.metadata?.name ?? '' };
}

function timestamp(value: string | Date | undefined): string {
  return value instanceof Date ? value.toISOString() : (value ?? '');
}

async function runnerCall<T>(call: Promise<T>): Promise<T> {
  try {
    return await call;
  } catch (error) {
    throw runnerError(error);
  }
}

/** "Kubernetes API: list nodes failed (HTTP 403): ...", with a hint when the server did not answer at all. */
function runnerError(error: unknown): Error {
  if (!(error instanceof KubernetesApiError)) return error as Error;
  const hint = error.status === undefined ? ' (is the cluster reachable? check the kubeconfig and `kubectl get nodes`)' : '';
  return new Error(`Kubernetes API: ${error.operation} failed${error.status ? ` (HTTP ${error.status})` : ''}: ${error.failure.detail}${hint}`, { cause: error });
}
