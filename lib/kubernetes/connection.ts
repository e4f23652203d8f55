/**
 * Reaching a Kubernetes API server with @kubernetes/client-node 1.4: a KubeConfig from a file, a string,
 * the pod's service account (in-cluster) or the default chain, the typed API clients the kit uses, and
 * the per-request options (cancellation, patch content type, user agent).
 */
import { AppsV1Api, CoreV1Api, CustomObjectsApi, KubeConfig, NetworkingV1Api, PolicyV1Api, setHeaderMiddleware, type ConfigurationOptions } from '@kubernetes/client-node';

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
  /** Custom resources (Chaos Mesh), and built-in kinds read as the API's JSON, untouched. */
  custom: CustomObjectsApi;
}

export function kubeApis(config: KubeConfig): KubeApis {
  return {
    core: config.makeApiClient(CoreV1Api),
    apps: config.makeApiClient(AppsV1Api),
    policy: config.makeApiClient(PolicyV1Api),
    networking: config.makeApiClient(NetworkingV1Api),
    custom: config.makeApiClient(CustomObjectsApi),
  };
}

/**
 * Per-request options: the abort signal (timeouts and cancellation reach the socket), the user agent
 * and, for patches, the content type that selects merge, strategic-merge or JSON patch.
 */
export function requestOptions(signal: AbortSignal, options: { userAgent: string; contentType?: string }): ConfigurationOptions {
  const userAgent = setHeaderMiddleware('User-Agent', options.userAgent);
  const middleware = [
    {
      pre: (context: Parameters<typeof userAgent.pre>[0]) => {
        context.setSignal(signal);
        if (options.contentType) context.setHeaderParam('Content-Type', options.contentType);
        return userAgent.pre(context);
      },
      post: userAgent.post,
    },
  ];
  return { middleware, middlewareMergeStrategy: 'append' };
}
