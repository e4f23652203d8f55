/**
 * Chaos Mesh, the injector the scenarios' chaos-mesh.yaml manifests (and FIS's
 * aws:eks:inject-kubernetes-custom-resource actions) rely on. Blueprints has no add-on for it.
 * The chart version is pinned: a chart upgrade changes CRDs the scenarios write, so it is a reviewed
 * change, not a side effect of a deploy. EKS nodes run containerd, whose socket the chaos daemon needs
 * to enter the target containers.
 */
import { HelmAddOn, type ClusterInfo, type HelmAddOnUserProps } from '@aws-quickstart/eks-blueprints';
import type { Construct } from 'constructs';

export const chaosMeshChart = {
  name: 'chaos-mesh',
  chart: 'chaos-mesh',
  release: 'chaos-mesh',
  namespace: 'chaos-mesh',
  repository: 'https://charts.chaos-mesh.org',
  version: '2.7.2',
} as const;

export class ChaosMeshAddOn extends HelmAddOn {
  constructor(props: HelmAddOnUserProps = {}) {
    super({ ...chaosMeshChart, ...props });
  }

  deploy(clusterInfo: ClusterInfo): Promise<Construct> {
    const values = {
      chaosDaemon: { runtime: 'containerd', socketPath: '/run/containerd/containerd.sock' },
      // Who may create chaos is decided by Kubernetes RBAC (run-scenario's user, FIS's fis-experiment user).
      controllerManager: { replicaCount: 1 },
      // The dashboard is not part of the demo; without it there is no extra endpoint to secure.
      dashboard: { create: false },
      dnsServer: { create: false },
      ...this.props.values,
    };
    return Promise.resolve(this.addHelmChart(clusterInfo, values, true, true));
  }
}
