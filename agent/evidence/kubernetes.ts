/**
 * Kubernetes evidence through the kit's one Kubernetes adapter (lib/kubernetes): pods, events (by
 * involved object), container logs (current or previous instance), rollouts (ReplicaSets by revision,
 * with what changed), nodes, deployments and network policies. The adapter rate-limits, times out and
 * retries; here its failures become EvidenceUnavailable, which the workflow turns into a gap.
 */
import type { V1Pod } from '@kubernetes/client-node';
import type { Sleep } from '../../core/clock.js';
import { KubernetesClient, type KubernetesRetryPolicy } from '../../lib/kubernetes/client.js';
import type { KubeApis, KubeConnection } from '../../lib/kubernetes/connection.js';
import { KubernetesApiError } from '../../lib/kubernetes/errors.js';
import { involvedObjectSelector } from '../../lib/kubernetes/summaries.js';
import { EvidenceUnavailable, type DeploymentSummary, type KubeEventSummary, type KubernetesEvidence, type NetworkPolicySummary, type NodeSummary, type PodSummary, type RolloutSummary } from '../ports.js';

export { involvedObjectSelector };

export interface KubernetesEvidenceOptions extends KubeConnection {
  /** Already-built API clients (tests); otherwise made from the connection. */
  apis?: KubeApis;
  /** "Now" for `sinceSeconds` filters: the simulated clock on the local target, Date.now otherwise. */
  now?: () => number;
  ratePerSecond?: number;
  retry?: Partial<KubernetesRetryPolicy>;
  sleep?: Sleep;
}

/** The agent's user agent on the API server's audit log. */
export const AGENT_USER_AGENT = 'eks-incident-kit-devops-agent';

export class KubernetesApiEvidence implements KubernetesEvidence {
  private readonly client: KubernetesClient;

  constructor(options: KubernetesEvidenceOptions = {}) {
    const { ratePerSecond, ...rest } = options;
    // client-go's default is 5 QPS with bursts of 10; an investigation reads a few dozen objects.
    this.client = new KubernetesClient({ ...rest, rateLimit: { ratePerSecond: ratePerSecond ?? 20, burst: 20 }, userAgent: AGENT_USER_AGENT });
  }

  pods(namespace: string, options: { labelSelector?: string; fieldSelector?: string; signal?: AbortSignal } = {}): Promise<PodSummary[]> {
    return evidence(this.client.listPods(namespace, options));
  }

  /** Raw pods (for the recorder and the remediation planner, which need the whole object). */
  podObjects(namespace: string | undefined, options: { labelSelector?: string; fieldSelector?: string; signal?: AbortSignal } = {}): Promise<V1Pod[]> {
    return evidence(this.client.podObjects(namespace, options));
  }

  events(namespace: string | undefined, options: { involvedObject?: string; sinceSeconds?: number; signal?: AbortSignal } = {}): Promise<KubeEventSummary[]> {
    return evidence(this.client.listEvents(namespace, options));
  }

  logs(namespace: string, pod: string, options: { container?: string; previous?: boolean; sinceSeconds?: number; tailLines?: number; timestamps?: boolean; signal?: AbortSignal } = {}): Promise<string> {
    return evidence(this.client.readPodLog(namespace, pod, options));
  }

  rollouts(namespace: string, deployment: string, options: { signal?: AbortSignal } = {}): Promise<RolloutSummary[]> {
    return evidence(this.client.rollouts(namespace, deployment, options));
  }

  nodes(options: { signal?: AbortSignal } = {}): Promise<NodeSummary[]> {
    return evidence(this.client.listNodes({ ...options, countPods: true }));
  }

  deployment(namespace: string, name: string, options: { signal?: AbortSignal } = {}): Promise<DeploymentSummary | undefined> {
    return evidence(this.client.getDeployment(namespace, name, options));
  }

  networkPolicies(namespace: string, options: { signal?: AbortSignal } = {}): Promise<NetworkPolicySummary[]> {
    return evidence(this.client.listNetworkPolicies(namespace, options));
  }
}

/** A Kubernetes API failure as the evidence gap it is ("list pods in petadoptions: HTTP 500 from the Kubernetes API: ..."). */
export function kubernetesUnavailable(error: unknown): unknown {
  if (error instanceof KubernetesApiError) return new EvidenceUnavailable('kubernetes', error.message, error.retryable);
  return error;
}

async function evidence<T>(call: Promise<T>): Promise<T> {
  try {
    return await call;
  } catch (error) {
    throw kubernetesUnavailable(error);
  }
}
