/**
 * The Kubernetes API as an evidence source (pods, events, logs, rollouts, nodes) and as the cluster
 * writer remediation uses: through a kubeconfig, or the pod's service account when the agent runs on
 * EKS.
 */
import type { ClusterWriter } from '../ports.js';
import { KubernetesClusterWriter } from './cluster-writer.js';
import { KubernetesApiEvidence } from './kubernetes.js';
import { defineEvidenceSource, type EvidenceOptions } from './source.js';

/** In a pod (no kubeconfig given, the service host set): the service account. */
export function inCluster(options: EvidenceOptions): boolean {
  return options.inCluster ?? (!options.kubeconfig && Boolean(process.env.KUBERNETES_SERVICE_HOST));
}

export const kubernetesSource = defineEvidenceSource({
  id: 'kubernetes',
  description: 'the Kubernetes API: pods, events, container logs, rollouts, nodes, network policies',
  configKeys: ['kubeconfig'],
  readBy: ['kubernetes', 'logs'],
  create(options) {
    if (!options.kubeconfig && !inCluster(options)) return undefined;
    const now = options.clock ? () => options.clock!.now() : Date.now;
    return new KubernetesApiEvidence({ ...(options.kubeconfig ? { kubeconfigPath: options.kubeconfig } : { inCluster: true }), now });
  },
});

export async function createClusterWriter(options: EvidenceOptions): Promise<ClusterWriter | undefined> {
  if (!options.kubeconfig && !inCluster(options)) return undefined;
  try {
    return new KubernetesClusterWriter(options.kubeconfig ? { kubeconfigPath: options.kubeconfig } : { inCluster: true });
  } catch (error) {
    options.log?.warn('cluster writer unavailable', { error: (error as Error).message });
    return undefined;
  }
}
