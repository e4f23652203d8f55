/**
 * The Kubernetes client the agent's readers and writers share: a KubeConfig from a file, a string, the
 * in-cluster service account or the default chain, typed API clients from @kubernetes/client-node 1.4,
 * per-request cancellation, and the mapping of client failures to retry decisions.
 */
import { AppsV1Api, CoreV1Api, KubeConfig, NetworkingV1Api, PolicyV1Api, setHeaderMiddleware, type ConfigurationOptions } from '@kubernetes/client-node';
import type { Classify } from './resilience.js';
import { messageOf, networkErrorCode, retryableStatus } from './resilience.js';

export interface KubeConnection {
  /** Path of a kubeconfig file (local-cluster status --json gives it). */
  kubeconfigPath?: string;
  /** The kubeconfig itself (YAML). */
  kubeconfig?: string;
  /** Use the pod's service account (the agent deployed on EKS). */
  inCluster?: boolean;
  context?: string;
}

export function loadKubeConfig(connection: KubeConnection = {}): KubeConfig {
  const config = new KubeConfig();
  if (connection.kubeconfig) config.loadFromString(connection.kubeconfig);
  else if (connection.kubeconfigPath) config.loadFromFile(connection.kubeconfigPath);
  else if (connection.inCluster) config.loadFromCluster();
  else config.loadFromDefault();
  if (connection.context) config.setCurrentContext(connection.context);
  if (!config.getCurrentCluster()) {
    throw new Error('no Kubernetes cluster in the kubeconfig: pass --kubeconfig (local-cluster status --json prints its path) or run in-cluster');
  }
  return config;
}

export interface KubeApis {
  core: CoreV1Api;
  apps: AppsV1Api;
  policy: PolicyV1Api;
  networking: NetworkingV1Api;
}

export function kubeApis(config: KubeConfig): KubeApis {
  return {
    core: config.makeApiClient(CoreV1Api),
    apps: config.makeApiClient(AppsV1Api),
    policy: config.makeApiClient(PolicyV1Api),
    networking: config.makeApiClient(NetworkingV1Api),
  };
}

/**
 * Per-request options: the abort signal (timeouts and cancellation reach the socket) and, for patches,
 * the content type that selects merge, strategic-merge or JSON patch.
 */
export function requestOptions(signal: AbortSignal, contentType?: string): ConfigurationOptions {
  const userAgent = setHeaderMiddleware('User-Agent', 'eks-incident-kit-devops-agent');
  const middleware = [
    {
      pre: (context: Parameters<typeof userAgent.pre>[0]) => {
        context.setSignal(signal);
        if (contentType) context.setHeaderParam('Content-Type', contentType);
        return userAgent.pre(context);
      },
      post: userAgent.post,
    },
  ];
  return { middleware, middlewareMergeStrategy: 'append' };
}

/** The HTTP status of a client failure (ApiException carries `code`), if any. */
export function statusOf(error: unknown): number | undefined {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'number' ? code : undefined;
}

/** The API server's Status message from an ApiException body. */
export function apiMessage(error: unknown): string {
  const body = (error as { body?: unknown } | undefined)?.body;
  if (typeof body === 'string') {
    try {
      const status = JSON.parse(body) as { message?: string };
      if (status.message) return status.message;
    } catch {
      return body.slice(0, 200);
    }
  }
  if (body && typeof body === 'object' && typeof (body as { message?: unknown }).message === 'string') return (body as { message: string }).message;
  return messageOf(error);
}

export const classifyKubeError: Classify = (error) => {
  const status = statusOf(error);
  if (status !== undefined) {
    const reason = `HTTP ${status} from the Kubernetes API: ${apiMessage(error)}`;
    const retryAfter = Number((error as { headers?: Record<string, string> }).headers?.['retry-after']);
    return { retryable: retryableStatus(status), reason, ...(Number.isFinite(retryAfter) && retryAfter > 0 ? { retryAfterMs: retryAfter * 1000 } : {}) };
  }
  const code = networkErrorCode(error);
  if (code) return { retryable: true, reason: `Kubernetes API unreachable (${code})` };
  const message = messageOf(error);
  if (/abort/i.test(message)) return { retryable: true, reason: 'request aborted (timeout)' };
  return { retryable: /socket|network|ECONN|fetch/i.test(message), reason: `Kubernetes API call failed: ${message}` };
};
