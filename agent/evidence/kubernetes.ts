/**
 * Kubernetes evidence through the API server (@kubernetes/client-node 1.4): pods, events (by involved
 * object), container logs (current or previous instance), rollouts (ReplicaSets by revision, with what
 * changed), nodes, deployments and network policies. Every read goes through the shared rate limit,
 * per-attempt timeout and retry policy, and fails as EvidenceUnavailable.
 */
import type { CoreV1Event, V1Pod } from '@kubernetes/client-node';
import type { KubeEventSummary, KubernetesEvidence, NodeSummary, PodSummary, RolloutSummary } from '../ports.js';
import { classifyKubeError, kubeApis, loadKubeConfig, requestOptions, type KubeApis, type KubeConnection } from './kube-client.js';
import { CHANGE_CAUSE_ANNOTATION, deploymentSummary, eventSummary, nodeSummary, podSummary, REVISION_ANNOTATION, rolloutHistory } from './kubernetes-summaries.js';
import { RateLimiter, resilientCall, type RetryPolicy, type Sleep } from './resilience.js';

export interface KubernetesEvidenceOptions extends KubeConnection {
  /** Already-built API clients (tests); otherwise made from the connection. */
  apis?: KubeApis;
  /** "Now" for `sinceSeconds` filters: the simulated clock on the local target, Date.now otherwise. */
  now?: () => number;
  ratePerSecond?: number;
  retry?: Partial<RetryPolicy>;
  sleep?: Sleep;
}

export class KubernetesApiEvidence implements KubernetesEvidence {
  private readonly apis: KubeApis;
  private readonly limiter: RateLimiter;
  private readonly now: () => number;

  constructor(private readonly options: KubernetesEvidenceOptions = {}) {
    this.apis = options.apis ?? kubeApis(loadKubeConfig(options));
    this.now = options.now ?? Date.now;
    // client-go's default is 5 QPS with bursts of 10; an investigation reads a few dozen objects.
    this.limiter = new RateLimiter(options.ratePerSecond ?? 20, 20, Date.now, options.sleep);
  }

  async pods(namespace: string, options: { labelSelector?: string; fieldSelector?: string; signal?: AbortSignal } = {}): Promise<PodSummary[]> {
    const list = await this.read(`list pods in ${namespace}`, (signal) =>
      this.apis.core.listNamespacedPod({ namespace, ...(options.labelSelector ? { labelSelector: options.labelSelector } : {}), ...(options.fieldSelector ? { fieldSelector: options.fieldSelector } : {}) }, requestOptions(signal)),
    options.signal);
    return list.items.map(podSummary);
  }

  /** Raw pods (for the recorder and the remediation planner, which need the whole object). */
  async podObjects(namespace: string | undefined, options: { labelSelector?: string; fieldSelector?: string; signal?: AbortSignal } = {}): Promise<V1Pod[]> {
    const selectors = { ...(options.labelSelector ? { labelSelector: options.labelSelector } : {}), ...(options.fieldSelector ? { fieldSelector: options.fieldSelector } : {}) };
    const list = await this.read(`list pods in ${namespace ?? 'all namespaces'}`, (signal) =>
      namespace ? this.apis.core.listNamespacedPod({ namespace, ...selectors }, requestOptions(signal)) : this.apis.core.listPodForAllNamespaces(selectors, requestOptions(signal)),
    options.signal);
    return list.items;
  }

  async events(namespace: string | undefined, options: { involvedObject?: string; sinceSeconds?: number; signal?: AbortSignal } = {}): Promise<KubeEventSummary[]> {
    const fieldSelector = involvedObjectSelector(options.involvedObject);
    const what = `list events${options.involvedObject ? ` of ${options.involvedObject}` : ''} in ${namespace ?? 'all namespaces'}`;
    const list = await this.read(what, (signal) =>
      namespace
        ? this.apis.core.listNamespacedEvent({ namespace, ...(fieldSelector ? { fieldSelector } : {}) }, requestOptions(signal))
        : this.apis.core.listEventForAllNamespaces({ ...(fieldSelector ? { fieldSelector } : {}) }, requestOptions(signal)),
    options.signal);
    const since = options.sinceSeconds !== undefined ? this.now() - options.sinceSeconds * 1000 : undefined;
    return list.items
      .map((e: CoreV1Event) => eventSummary(e))
      .filter((e) => since === undefined || Date.parse(e.lastSeen) >= since)
      .sort((a, b) => a.lastSeen.localeCompare(b.lastSeen));
  }

  async logs(namespace: string, pod: string, options: { container?: string; previous?: boolean; sinceSeconds?: number; tailLines?: number; timestamps?: boolean; signal?: AbortSignal } = {}): Promise<string> {
    return this.read(`read ${options.previous ? 'previous ' : ''}logs of ${namespace}/${pod}`, (signal) =>
      this.apis.core.readNamespacedPodLog({
        name: pod,
        namespace,
        ...(options.container ? { container: options.container } : {}),
        ...(options.previous ? { previous: true } : {}),
        ...(options.sinceSeconds !== undefined ? { sinceSeconds: options.sinceSeconds } : {}),
        ...(options.tailLines !== undefined ? { tailLines: options.tailLines } : {}),
        ...(options.timestamps ? { timestamps: true } : {}),
      }, requestOptions(signal)),
    options.signal);
  }

  async rollouts(namespace: string, deployment: string, options: { signal?: AbortSignal } = {}): Promise<RolloutSummary[]> {
    const d = await this.read(`read deployment ${namespace}/${deployment}`, (signal) => this.apis.apps.readNamespacedDeployment({ name: deployment, namespace }, requestOptions(signal)), options.signal);
    const selector = Object.entries(d.spec?.selector.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`).join(',');
    const list = await this.read(`list replicasets of ${namespace}/${deployment}`, (signal) =>
      this.apis.apps.listNamespacedReplicaSet({ namespace, ...(selector ? { labelSelector: selector } : {}) }, requestOptions(signal)),
    options.signal);
    const history = rolloutHistory(deployment, list.items);
    // Older controllers (and the local target) keep the change cause on the Deployment only.
    const cause = d.metadata?.annotations?.[CHANGE_CAUSE_ANNOTATION];
    const current = history.find((r) => String(r.revision) === d.metadata?.annotations?.[REVISION_ANNOTATION]) ?? history[history.length - 1];
    if (cause && current && !current.changeCause) current.changeCause = cause;
    return history;
  }

  async nodes(options: { signal?: AbortSignal } = {}): Promise<NodeSummary[]> {
    const [nodes, pods] = await Promise.all([
      this.read('list nodes', (signal) => this.apis.core.listNode({}, requestOptions(signal)), options.signal),
      this.read('list pods in all namespaces', (signal) => this.apis.core.listPodForAllNamespaces({ fieldSelector: 'status.phase!=Succeeded,status.phase!=Failed' }, requestOptions(signal)), options.signal).catch(() => undefined),
    ]);
    const perNode = new Map<string, number>();
    for (const pod of pods?.items ?? []) if (pod.spec?.nodeName) perNode.set(pod.spec.nodeName, (perNode.get(pod.spec.nodeName) ?? 0) + 1);
    return nodes.items.map((n) => nodeSummary(n, perNode.get(n.metadata?.name ?? '') ?? 0));
  }

  async deployment(namespace: string, name: string, options: { signal?: AbortSignal } = {}) {
    try {
      const d = await this.read(`read deployment ${namespace}/${name}`, (signal) => this.apis.apps.readNamespacedDeployment({ name, namespace }, requestOptions(signal)), options.signal);
      return deploymentSummary(d);
    } catch (error) {
      if (/HTTP 404/.test((error as Error).message)) return undefined;
      throw error;
    }
  }

  async networkPolicies(namespace: string, options: { signal?: AbortSignal } = {}): Promise<{ name: string; podSelector: Record<string, string>; policyTypes: string[] }[]> {
    const list = await this.read(`list network policies in ${namespace}`, (signal) => this.apis.networking.listNamespacedNetworkPolicy({ namespace }, requestOptions(signal)), options.signal);
    return list.items.map((p) => ({ name: p.metadata?.name ?? '', podSelector: { ...(p.spec?.podSelector?.matchLabels ?? {}) }, policyTypes: p.spec?.policyTypes ?? [] }));
  }

  private read<T>(operation: string, call: (signal: AbortSignal) => Promise<T>, signal?: AbortSignal): Promise<T> {
    return resilientCall(operation, call, { source: 'kubernetes', classify: classifyKubeError, limiter: this.limiter, sleep: this.options.sleep, policy: this.options.retry }, signal);
  }
}

/** "Pod/name", "Node/name" or a bare name -> an involvedObject field selector. */
export function involvedObjectSelector(involved: string | undefined): string | undefined {
  if (!involved) return undefined;
  const slash = involved.indexOf('/');
  if (slash < 0) return `involvedObject.name=${involved}`;
  return `involvedObject.kind=${involved.slice(0, slash)},involvedObject.name=${involved.slice(slash + 1)}`;
}
