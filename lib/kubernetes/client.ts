/**
 * The kit's one Kubernetes adapter (@kubernetes/client-node 1.4): the reads the agent's investigation
 * and the runner need (pods, events, logs, rollouts, nodes, deployments, network policies), the writes
 * remediation and the runner make (each with the API's server-side dry run), and custom objects
 * (Chaos Mesh). Every call goes through one client-side rate limit, a per-attempt timeout and one retry
 * layer (lib/platform/retry), and fails as a KubernetesApiError naming the operation.
 */
import { PatchStrategy, type CoreV1Event, type V1Deployment, type V1Node, type V1Pod, type V1PodDisruptionBudget, type V1ReplicaSet } from '@kubernetes/client-node';
import type { Sleep } from '../../core/clock.js';
import { RateLimit } from '../platform/rate-limit.js';
import { retry, type RetryPolicy } from '../platform/retry.js';
import { kubeApis, loadKubeConfig, requestOptions, type KubeApis, type KubeConnection } from './connection.js';
import { classifyKubeError, KubernetesApiError, retryableAs, type CallKind, type KubernetesFailure } from './errors.js';
import {
  CHANGE_CAUSE_ANNOTATION,
  deploymentSummary,
  eventSummary,
  involvedObjectSelector,
  nodeSummary,
  podSummary,
  REVISION_ANNOTATION,
  rolloutHistory,
  type DeploymentObject,
  type DeploymentSummary,
  type KubeEventSummary,
  type NetworkPolicySummary,
  type NodeSummary,
  type PodSummary,
  type RolloutSummary,
} from './summaries.js';

export interface KubernetesRetryPolicy extends RetryPolicy {
  /** Each attempt is abandoned after this long (the API may be hanging, not slow). */
  attemptTimeoutMs: number;
}

export const defaultKubernetesRetryPolicy: KubernetesRetryPolicy = {
  maxAttempts: 3,
  baseDelayMs: 200,
  maxDelayMs: 3_000,
  maxRetryAfterMs: 10_000,
  attemptTimeoutMs: 10_000,
};

export interface KubernetesClientOptions extends KubeConnection {
  /** Already-built API clients (tests); otherwise made from the connection. */
  apis?: KubeApis;
  retry?: Partial<KubernetesRetryPolicy>;
  /** The wait between attempts (tests pass one that returns at once). */
  sleep?: Sleep;
  random?: () => number;
  /** Calls per second on average, in bursts of `burst` (client-go's default is 5 QPS, bursts of 10). */
  rateLimit?: { ratePerSecond: number; burst: number };
  /** "Now" for `sinceSeconds` filters: the simulated clock on the local target, Date.now otherwise. */
  now?: () => number;
  /** Recorded on every change (managedFields), so writes are attributable. */
  fieldManager?: string;
  userAgent?: string;
}

/** A resource of a custom (or any) API group, addressed as the custom-objects API does. */
export interface CustomResource {
  group: string;
  version: string;
  plural: string;
  /** For messages ("create StressChaos petadoptions/leak"); the plural when absent. */
  kind?: string;
}

/** An object as the custom-objects API returns it: the API's JSON, untouched. */
export interface KubeObjectJson {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string>; creationTimestamp?: string | Date; uid?: string };
  spec?: Record<string, unknown>;
  status?: Record<string, unknown>;
}

export type PatchType = 'merge' | 'strategic' | 'json';

const patchContentType: Record<PatchType, string> = { merge: PatchStrategy.MergePatch, strategic: PatchStrategy.StrategicMergePatch, json: PatchStrategy.JsonPatch };

interface Selectors {
  labelSelector?: string;
  fieldSelector?: string;
}

interface CallOptions {
  signal?: AbortSignal;
}

interface DryRun {
  dryRun?: boolean;
}

const selectorsOf = (options: Selectors) => ({ ...(options.labelSelector ? { labelSelector: options.labelSelector } : {}), ...(options.fieldSelector ? { fieldSelector: options.fieldSelector } : {}) });
const dry = (options: DryRun): { dryRun?: string } => (options.dryRun ? { dryRun: 'All' } : {});

/** One attempt's failure, carried through the retry loop to become the KubernetesApiError at the end. */
class AttemptFailed extends Error {
  constructor(
    readonly failure: KubernetesFailure,
    readonly original: unknown,
  ) {
    super(failure.reason);
  }
}

export class KubernetesClient {
  private readonly apis: KubeApis;
  private readonly policy: KubernetesRetryPolicy;
  private readonly limit: RateLimit;
  private readonly now: () => number;
  private readonly fieldManager: string;
  private readonly userAgent: string;

  constructor(private readonly options: KubernetesClientOptions = {}) {
    this.apis = options.apis ?? kubeApis(loadKubeConfig(options));
    this.policy = { ...defaultKubernetesRetryPolicy, ...options.retry };
    const rate = options.rateLimit ?? { ratePerSecond: 20, burst: 20 };
    this.limit = new RateLimit(rate.ratePerSecond, rate.burst);
    this.now = options.now ?? Date.now;
    this.fieldManager = options.fieldManager ?? 'eks-incident-kit';
    this.userAgent = options.userAgent ?? 'eks-incident-kit';
  }

  // -- reads -----------------------------------------------------------------------------------------

  async listPods(namespace: string | undefined, options: Selectors & CallOptions = {}): Promise<PodSummary[]> {
    return (await this.podObjects(namespace, options)).map(podSummary);
  }

  /** Whole pods (for the recorder and the remediation planner, which need the object). */
  async podObjects(namespace: string | undefined, options: Selectors & CallOptions = {}): Promise<V1Pod[]> {
    const selectors = selectorsOf(options);
    const list = await this.read(
      `list pods in ${namespace ?? 'all namespaces'}`,
      (ro) => (namespace ? this.apis.core.listNamespacedPod({ namespace, ...selectors }, ro()) : this.apis.core.listPodForAllNamespaces(selectors, ro())),
      options.signal,
    );
    return list.items;
  }

  /** Events, oldest first; `involvedObject` is "Kind/name" or a name, `sinceSeconds` looks back from `now`. */
  async listEvents(namespace: string | undefined, options: { involvedObject?: string; sinceSeconds?: number } & CallOptions = {}): Promise<KubeEventSummary[]> {
    const fieldSelector = involvedObjectSelector(options.involvedObject);
    const selectors = fieldSelector ? { fieldSelector } : {};
    const list = await this.read(
      `list events${options.involvedObject ? ` of ${options.involvedObject}` : ''} in ${namespace ?? 'all namespaces'}`,
      (ro) => (namespace ? this.apis.core.listNamespacedEvent({ namespace, ...selectors }, ro()) : this.apis.core.listEventForAllNamespaces(selectors, ro())),
      options.signal,
    );
    const since = options.sinceSeconds !== undefined ? this.now() - options.sinceSeconds * 1000 : undefined;
    return list.items
      .map((e: CoreV1Event) => eventSummary(e))
      .filter((e) => since === undefined || Date.parse(e.lastSeen) >= since)
      .sort((a, b) => a.lastSeen.localeCompare(b.lastSeen));
  }

  /** A container's log (the previous instance's with `previous`); with `timestamps`, each line starts with its RFC 3339 time. */
  readPodLog(namespace: string, pod: string, options: { container?: string; previous?: boolean; sinceSeconds?: number; tailLines?: number; timestamps?: boolean } & CallOptions = {}): Promise<string> {
    return this.read(
      `read ${options.previous ? 'previous ' : ''}logs of ${namespace}/${pod}`,
      (ro) =>
        this.apis.core.readNamespacedPodLog(
          {
            name: pod,
            namespace,
            ...(options.container ? { container: options.container } : {}),
            ...(options.previous ? { previous: true } : {}),
            ...(options.sinceSeconds !== undefined ? { sinceSeconds: options.sinceSeconds } : {}),
            ...(options.tailLines !== undefined ? { tailLines: options.tailLines } : {}),
            ...(options.timestamps ? { timestamps: true } : {}),
          },
          ro(),
        ),
      options.signal,
    );
  }

  /** A deployment's revisions (its ReplicaSets), oldest first, with what changed at each. */
  async rollouts(namespace: string, deployment: string, options: CallOptions = {}): Promise<RolloutSummary[]> {
    const d = await this.deploymentObject(namespace, deployment, options.signal);
    const selector = Object.entries(d.spec?.selector?.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`).join(',');
    const replicaSets = await this.listReplicaSets(namespace, selector, options);
    const history = rolloutHistory(deployment, replicaSets);
    // Older controllers (and the local target) keep the change cause on the Deployment only.
    const cause = d.metadata?.annotations?.[CHANGE_CAUSE_ANNOTATION];
    const current = history.find((r) => String(r.revision) === d.metadata?.annotations?.[REVISION_ANNOTATION]) ?? history[history.length - 1];
    if (cause && current && !current.changeCause) current.changeCause = cause;
    return history;
  }

  /** Nodes; with `countPods`, how many unfinished pods each runs (a failure to count leaves `pods` out). */
  async listNodes(options: { countPods?: boolean } & CallOptions = {}): Promise<NodeSummary[]> {
    const [nodes, pods] = await Promise.all([
      this.nodeObjects(options),
      options.countPods ? this.podObjects(undefined, { fieldSelector: 'status.phase!=Succeeded,status.phase!=Failed', ...(options.signal ? { signal: options.signal } : {}) }).catch(() => undefined) : Promise.resolve(undefined),
    ]);
    if (!options.countPods) return nodes.map((n) => nodeSummary(n));
    const perNode = new Map<string, number>();
    for (const pod of pods ?? []) if (pod.spec?.nodeName) perNode.set(pod.spec.nodeName, (perNode.get(pod.spec.nodeName) ?? 0) + 1);
    return nodes.map((n) => nodeSummary(n, perNode.get(n.metadata?.name ?? '') ?? 0));
  }

  // Deployments are read through the custom-objects API on purpose: it returns the API's JSON untouched,
  // so a pod template can be written back exactly as it was (the typed client renames fields).
  async listDeployments(namespace: string, options: CallOptions = {}): Promise<DeploymentSummary[]> {
    const list = (await this.read(`list deployments in ${namespace}`, (ro) => this.apis.custom.listNamespacedCustomObject({ group: 'apps', version: 'v1', namespace, plural: 'deployments' }, ro()), options.signal)) as { items: DeploymentObject[] };
    return list.items.map(deploymentSummary);
  }

  /** The deployment, or undefined when there is none of that name. */
  async getDeployment(namespace: string, name: string, options: CallOptions = {}): Promise<DeploymentSummary | undefined> {
    try {
      return deploymentSummary(await this.deploymentObject(namespace, name, options.signal));
    } catch (error) {
      if (error instanceof KubernetesApiError && error.status === 404) return undefined;
      throw error;
    }
  }

  async listNetworkPolicies(namespace: string, options: CallOptions = {}): Promise<NetworkPolicySummary[]> {
    const list = await this.read(`list network policies in ${namespace}`, (ro) => this.apis.networking.listNamespacedNetworkPolicy({ namespace }, ro()), options.signal);
    return list.items.map((p) => ({ name: p.metadata?.name ?? '', podSelector: { ...(p.spec?.podSelector?.matchLabels ?? {}) }, policyTypes: p.spec?.policyTypes ?? [] }));
  }

  /** The typed objects remediation plans from. */
  readDeployment(namespace: string, name: string, options: CallOptions = {}): Promise<V1Deployment> {
    return this.read(`read deployment ${namespace}/${name}`, (ro) => this.apis.apps.readNamespacedDeployment({ name, namespace }, ro()), options.signal);
  }

  readNode(name: string, options: CallOptions = {}): Promise<V1Node> {
    return this.read(`read node ${name}`, (ro) => this.apis.core.readNode({ name }, ro()), options.signal);
  }

  async listReplicaSets(namespace: string, labelSelector: string, options: CallOptions = {}): Promise<V1ReplicaSet[]> {
    const list = await this.read(`list replicasets in ${namespace}`, (ro) => this.apis.apps.listNamespacedReplicaSet({ namespace, ...(labelSelector ? { labelSelector } : {}) }, ro()), options.signal);
    return list.items;
  }

  async listPodDisruptionBudgets(namespace: string, options: CallOptions = {}): Promise<V1PodDisruptionBudget[]> {
    const list = await this.read(`list pod disruption budgets in ${namespace}`, (ro) => this.apis.policy.listNamespacedPodDisruptionBudget({ namespace }, ro()), options.signal);
    return list.items;
  }

  // -- writes (each with `dryRun`: the API's dryRun=All, which admits the change and stores nothing) -------

  deletePod(namespace: string, name: string, options: DryRun & { gracePeriodSeconds?: number } = {}): Promise<V1Pod> {
    return this.write(`delete pod ${namespace}/${name}`, (ro) =>
      this.apis.core.deleteNamespacedPod({ name, namespace, ...dry(options), ...(options.gracePeriodSeconds !== undefined ? { gracePeriodSeconds: options.gracePeriodSeconds } : {}) }, ro()),
    );
  }

  /** The Eviction API, which honours PodDisruptionBudgets: a 429 is the budget refusing (not retried). */
  evictPod(namespace: string, name: string, options: DryRun = {}): Promise<unknown> {
    return this.call(
      'eviction',
      `evict pod ${namespace}/${name}`,
      (ro) =>
        this.apis.core.createNamespacedPodEviction(
          { name, namespace, ...dry(options), body: { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name, namespace }, ...(options.dryRun ? { deleteOptions: { dryRun: ['All'] } } : {}) } },
          ro(),
        ),
    );
  }

  patchDeployment(namespace: string, name: string, patch: unknown, options: DryRun & { patchType: PatchType }): Promise<V1Deployment> {
    return this.write(
      `patch deployment ${namespace}/${name}`,
      (ro) => this.apis.apps.patchNamespacedDeployment({ name, namespace, body: patch, fieldManager: this.fieldManager, ...dry(options) }, ro(patchContentType[options.patchType])),
    );
  }

  scaleDeployment(namespace: string, name: string, replicas: number, options: DryRun = {}): Promise<unknown> {
    return this.write(
      `scale deployment ${namespace}/${name} to ${replicas}`,
      (ro) => this.apis.apps.patchNamespacedDeploymentScale({ name, namespace, body: { spec: { replicas } }, fieldManager: this.fieldManager, ...dry(options) }, ro(PatchStrategy.MergePatch)),
    );
  }

  /** A strategic-merge patch of a node (cordon: `{ spec: { unschedulable: true } }`). */
  patchNode(name: string, patch: unknown, options: DryRun = {}): Promise<V1Node> {
    return this.write(`patch node ${name}`, (ro) => this.apis.core.patchNode({ name, body: patch, fieldManager: this.fieldManager, ...dry(options) }, ro(PatchStrategy.StrategicMergePatch)));
  }

  // -- custom objects ----------------------------------------------------------------------------------

  async listCustomObjects(resource: CustomResource, options: CallOptions = {}): Promise<KubeObjectJson[]> {
    const list = (await this.read(`list ${resource.plural}`, (ro) => this.apis.custom.listClusterCustomObject({ group: resource.group, version: resource.version, plural: resource.plural }, ro()), options.signal)) as { items?: KubeObjectJson[] };
    return list.items ?? [];
  }

  async createCustomObject(resource: CustomResource, namespace: string, body: KubeObjectJson): Promise<KubeObjectJson> {
    return (await this.write(`create ${resource.kind ?? resource.plural} ${namespace}/${body.metadata?.name}`, (ro) =>
      this.apis.custom.createNamespacedCustomObject({ group: resource.group, version: resource.version, namespace, plural: resource.plural, body }, ro()),
    )) as KubeObjectJson;
  }

  /** Deletes the object; false when it was already gone. */
  async deleteCustomObject(resource: CustomResource, namespace: string, name: string): Promise<boolean> {
    try {
      await this.write(`delete ${resource.kind ?? resource.plural} ${namespace}/${name}`, (ro) =>
        this.apis.custom.deleteNamespacedCustomObject({ group: resource.group, version: resource.version, namespace, plural: resource.plural, name }, ro()),
      );
      return true;
    } catch (error) {
      if (error instanceof KubernetesApiError && error.status === 404) return false;
      throw error;
    }
  }

  // -- the call path --------------------------------------------------------------------------------

  private async deploymentObject(namespace: string, name: string, signal?: AbortSignal): Promise<DeploymentObject> {
    return (await this.read(`read deployment ${namespace}/${name}`, (ro) => this.apis.custom.getNamespacedCustomObject({ group: 'apps', version: 'v1', namespace, plural: 'deployments', name }, ro()), signal)) as DeploymentObject;
  }

  private async nodeObjects(options: CallOptions): Promise<V1Node[]> {
    return (await this.read('list nodes', (ro) => this.apis.core.listNode({}, ro()), options.signal)).items;
  }

  private read<T>(operation: string, run: Attempt<T>, signal?: AbortSignal): Promise<T> {
    return this.call('read', operation, run, signal);
  }

  private write<T>(operation: string, run: Attempt<T>, signal?: AbortSignal): Promise<T> {
    return this.call('write', operation, run, signal);
  }

  /**
   * One call: a rate-limit token and a timeout per attempt, retries as `kind` allows, and a
   * KubernetesApiError naming `operation` when it gives up. `run` builds its request options with `ro`,
   * which carries the attempt's signal (and a patch's content type).
   */
  private async call<T>(kind: CallKind, operation: string, run: Attempt<T>, signal?: AbortSignal): Promise<T> {
    let attempts = 0;
    try {
      return await retry(
        async () => {
          attempts++;
          const timeout = AbortSignal.timeout(this.policy.attemptTimeoutMs);
          const attemptSignal = signal ? AbortSignal.any([signal, timeout]) : timeout;
          try {
            await this.limit.take(attemptSignal);
            return await run((contentType) => requestOptions(attemptSignal, { userAgent: this.userAgent, ...(contentType ? { contentType } : {}) }));
          } catch (error) {
            const failure = classifyKubeError(error, { ...(timeout.aborted ? { timedOutAfterMs: this.policy.attemptTimeoutMs } : {}), cancelled: signal?.aborted === true });
            throw new AttemptFailed(failure, error);
          }
        },
        {
          policy: this.policy,
          classify: (error) => (error instanceof AttemptFailed ? { retryable: retryableAs(kind, error.failure), ...(error.failure.retryAfterMs !== undefined ? { retryAfterMs: error.failure.retryAfterMs } : {}) } : { retryable: false }),
          ...(signal ? { signal } : {}),
          ...(this.options.sleep ? { sleep: this.options.sleep } : {}),
          ...(this.options.random ? { random: this.options.random } : {}),
        },
      );
    } catch (error) {
      if (signal?.aborted) throw new KubernetesApiError(operation, classifyKubeError(error, { cancelled: true }), attempts, { cause: error });
      if (error instanceof AttemptFailed) throw new KubernetesApiError(operation, { ...error.failure, retryable: retryableAs(kind, error.failure) }, attempts, { cause: error.original });
      throw new KubernetesApiError(operation, classifyKubeError(error), attempts, { cause: error });
    }
  }
}

/** An attempt: makes its request with the options `ro` builds (the attempt's signal, a patch's content type). */
type Attempt<T> = (ro: (contentType?: string) => ReturnType<typeof requestOptions>) => Promise<T>;
