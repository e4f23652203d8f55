/**
 * The Cluster port over the Kubernetes API with @kubernetes/client-node (the local target's API subset or
 * an EKS cluster, from a kubeconfig). Chaos Mesh objects go through the custom-objects API, exactly as
 * `kubectl apply` would send them.
 */
import * as k8s from '@kubernetes/client-node';
import { CHAOS_KINDS, type ChaosKind, type ChaosObjectSummary, type ChaosRef, type Cluster, type DeploymentSummary, type NodeSummary, type PodSummary } from './ports.js';

const CHAOS_GROUP = 'chaos-mesh.org';
const CHAOS_VERSION = 'v1alpha1';
const plural: Record<ChaosKind, string> = { StressChaos: 'stresschaos', NetworkChaos: 'networkchaos', PodChaos: 'podchaos' };

const contentType = { strategic: k8s.PatchStrategy.StrategicMergePatch, merge: k8s.PatchStrategy.MergePatch, json: k8s.PatchStrategy.JsonPatch } as const;

interface Loose {
  metadata?: { name?: string; namespace?: string; labels?: Record<string, string>; creationTimestamp?: string | Date };
  status?: { conditions?: { type?: string; status?: string }[] };
  kind?: string;
}

export class KubernetesCluster implements Cluster {
  private readonly core: k8s.CoreV1Api;
  private readonly apps: k8s.AppsV1Api;
  private readonly custom: k8s.CustomObjectsApi;

  constructor(kubeconfigPath: string) {
    const config = new k8s.KubeConfig();
    config.loadFromFile(kubeconfigPath);
    this.core = config.makeApiClient(k8s.CoreV1Api);
    this.apps = config.makeApiClient(k8s.AppsV1Api);
    this.custom = config.makeApiClient(k8s.CustomObjectsApi);
  }

  async listChaos(): Promise<ChaosObjectSummary[]> {
    const all: ChaosObjectSummary[] = [];
    for (const kind of CHAOS_KINDS) {
      const list = (await call(`list ${plural[kind]}`, () => this.custom.listClusterCustomObject({ group: CHAOS_GROUP, version: CHAOS_VERSION, plural: plural[kind] }))) as { items?: Loose[] };
      for (const item of list.items ?? []) {
        const created = item.metadata?.creationTimestamp;
        all.push({
          kind,
          namespace: item.metadata?.namespace ?? '',
          name: item.metadata?.name ?? '',
          labels: item.metadata?.labels ?? {},
          createdAt: created instanceof Date ? created.toISOString() : (created ?? ''),
          recovered: (item.status?.conditions ?? []).some((c) => c.type === 'AllRecovered' && c.status === 'True'),
        });
      }
    }
    return all;
  }

  async createChaos(manifest: Record<string, unknown>): Promise<ChaosRef> {
    const body = manifest as Loose;
    const kind = body.kind as ChaosKind;
    if (!CHAOS_KINDS.includes(kind)) throw new Error(`not a Chaos Mesh kind this runner applies: ${String(body.kind)}`);
    const namespace = body.metadata?.namespace ?? 'default';
    await call(`create ${kind} ${namespace}/${body.metadata?.name}`, () => this.custom.createNamespacedCustomObject({ group: CHAOS_GROUP, version: CHAOS_VERSION, namespace, plural: plural[kind], body: manifest }));
    return { kind, namespace, name: body.metadata?.name ?? '' };
  }

  async deleteChaos(ref: ChaosRef): Promise<void> {
    try {
      await this.custom.deleteNamespacedCustomObject({ group: CHAOS_GROUP, version: CHAOS_VERSION, namespace: ref.namespace, plural: plural[ref.kind], name: ref.name });
    } catch (error) {
      if (statusOf(error) === 404) return;
      throw wrap(`delete ${ref.kind} ${ref.namespace}/${ref.name}`, error);
    }
  }

  // Deployments are read through the custom-objects API on purpose: it returns the API's JSON untouched,
  // so a pod template can be written back exactly as it was (the typed client renames fields).
  async listDeployments(namespace: string): Promise<DeploymentSummary[]> {
    const list = (await call(`list deployments in ${namespace}`, () => this.custom.listNamespacedCustomObject({ group: 'apps', version: 'v1', namespace, plural: 'deployments' }))) as { items: RawDeployment[] };
    return list.items.map(deploymentSummary);
  }

  async getDeployment(namespace: string, name: string): Promise<DeploymentSummary | undefined> {
    try {
      return deploymentSummary((await this.custom.getNamespacedCustomObject({ group: 'apps', version: 'v1', namespace, plural: 'deployments', name })) as RawDeployment);
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      throw wrap(`read deployment ${namespace}/${name}`, error);
    }
  }

  async patchDeployment(namespace: string, name: string, patch: unknown, type: 'strategic' | 'merge' | 'json'): Promise<void> {
    await call(`patch deployment ${namespace}/${name}`, () =>
      this.apps.patchNamespacedDeployment({ namespace, name, body: patch as object, fieldManager: 'run-scenario' }, k8s.setHeaderOptions('Content-Type', contentType[type])),
    );
  }

  async listNodes(): Promise<NodeSummary[]> {
    const list = await call('list nodes', () => this.core.listNode());
    return list.items.map((node) => {
      const condition = (type: string) => node.status?.conditions?.find((c) => c.type === type)?.status === 'True';
      return { name: node.metadata?.name ?? '', unschedulable: node.spec?.unschedulable === true, ready: condition('Ready'), memoryPressure: condition('MemoryPressure') };
    });
  }

  async setUnschedulable(node: string, unschedulable: boolean): Promise<void> {
    await call(`${unschedulable ? 'cordon' : 'uncordon'} node ${node}`, () =>
      this.core.patchNode({ name: node, body: { spec: { unschedulable } }, fieldManager: 'run-scenario' }, k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.StrategicMergePatch)),
    );
  }

  async listPods(namespace?: string): Promise<PodSummary[]> {
    const list = await call('list pods', () => (namespace ? this.core.listNamespacedPod({ namespace }) : this.core.listPodForAllNamespaces()));
    return list.items.map((pod) => ({
      namespace: pod.metadata?.namespace ?? '',
      name: pod.metadata?.name ?? '',
      node: pod.spec?.nodeName ?? '',
      phase: pod.status?.phase ?? 'Unknown',
      ready: pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false,
      restarts: (pod.status?.containerStatuses ?? []).reduce((sum, c) => sum + (c.restartCount ?? 0), 0),
      ...(pod.status?.startTime ? { startedAt: new Date(pod.status.startTime).toISOString() } : {}),
      ...(pod.status?.reason ? { reason: pod.status.reason } : {}),
      labels: pod.metadata?.labels ?? {},
    }));
  }

  async deletePod(namespace: string, name: string): Promise<void> {
    try {
      await this.core.deleteNamespacedPod({ namespace, name });
    } catch (error) {
      if (statusOf(error) === 404) return;
      throw wrap(`delete pod ${namespace}/${name}`, error);
    }
  }
}

interface RawDeployment {
  metadata?: { name?: string; namespace?: string; annotations?: Record<string, string>; generation?: number };
  spec?: {
    replicas?: number;
    template?: { spec?: { containers?: { name: string; env?: { name: string; value?: string }[]; resources?: { limits?: Record<string, unknown>; requests?: Record<string, unknown> } }[] } } & Record<string, unknown>;
  };
  status?: { availableReplicas?: number; updatedReplicas?: number; replicas?: number; observedGeneration?: number };
}

function deploymentSummary(d: RawDeployment): DeploymentSummary {
  return {
    namespace: d.metadata?.namespace ?? '',
    name: d.metadata?.name ?? '',
    replicas: d.spec?.replicas ?? 1,
    availableReplicas: d.status?.availableReplicas ?? 0,
    updatedReplicas: d.status?.updatedReplicas ?? 0,
    totalReplicas: d.status?.replicas ?? 0,
    observed: (d.status?.observedGeneration ?? 0) >= (d.metadata?.generation ?? 0),
    revision: d.metadata?.annotations?.['deployment.kubernetes.io/revision'] ?? '',
    template: (d.spec?.template ?? {}) as Record<string, unknown>,
    containers: (d.spec?.template?.spec?.containers ?? []).map((c) => ({
      name: c.name,
      env: (c.env ?? []).map((e) => ({ name: e.name, ...(e.value !== undefined ? { value: e.value } : {}) })),
      resources: { ...(c.resources?.limits ? { limits: stringMap(c.resources.limits) } : {}), ...(c.resources?.requests ? { requests: stringMap(c.resources.requests) } : {}) },
    })),
  };
}

function stringMap(values: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [k, String(v)]));
}

function statusOf(error: unknown): number | undefined {
  const e = error as { code?: number; statusCode?: number };
  return e?.code ?? e?.statusCode;
}

async function call<T>(what: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw wrap(what, error);
  }
}

function wrap(what: string, error: unknown): Error {
  const e = error as { code?: number; body?: unknown; message?: string };
  let detail = e?.message ?? String(error);
  if (typeof e?.body === 'string') {
    try {
      detail = (JSON.parse(e.body) as { message?: string }).message ?? detail;
    } catch {
      detail = e.body.slice(0, 300);
    }
  }
  const hint = e?.code === undefined ? ' (is the cluster reachable? check the kubeconfig and `kubectl get nodes`)' : '';
  return new Error(`Kubernetes API: ${what} failed${e?.code ? ` (HTTP ${e.code})` : ''}: ${detail}${hint}`);
}
