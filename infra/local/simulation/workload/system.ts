/**
 * EKS system workloads that run beside the application (VPC CNI, kube-proxy, CoreDNS, metrics-server,
 * the Container Insights agents, and the kube-prometheus exporters node-exporter and
 * kube-state-metrics that the local Prometheus scrapes), with the requests/limits of the EKS add-ons
 * and of kube-prometheus's manifests, and typical usage.
 */
import type { Container } from '../cluster/objects.js';

const MiB = 2 ** 20;

export interface SystemContainerProfile {
  container: Container;
  memoryBaselineBytes: number;
  cpuIdleCores: number;
}

export interface SystemWorkload {
  kind: 'DaemonSet' | 'Deployment';
  namespace: 'kube-system' | 'amazon-cloudwatch' | 'monitoring';
  name: string;
  replicas?: number;
  priorityClassName?: 'system-node-critical' | 'system-cluster-critical';
  labels: Record<string, string>;
  containers: SystemContainerProfile[];
}

const container = (name: string, image: string, requests: Record<string, string>, limits: Record<string, string>, memoryMiB: number, cpu: number): SystemContainerProfile => ({
  container: { name, image, resources: { requests, limits } },
  memoryBaselineBytes: memoryMiB * MiB,
  cpuIdleCores: cpu,
});

export const systemWorkloads: SystemWorkload[] = [
  {
    kind: 'DaemonSet', namespace: 'kube-system', name: 'aws-node', priorityClassName: 'system-node-critical',
    labels: { 'k8s-app': 'aws-node', 'app.kubernetes.io/name': 'aws-node' },
    containers: [
      container('aws-node', '602401143452.dkr.ecr.us-west-2.amazonaws.com/amazon-k8s-cni:v1.19.2-eksbuild.1', { cpu: '25m' }, {}, 46, 0.004),
      container('aws-eks-nodeagent', '602401143452.dkr.ecr.us-west-2.amazonaws.com/amazon/aws-network-policy-agent:v1.1.6-eksbuild.1', { cpu: '25m' }, {}, 21, 0.001),
    ],
  },
  {
    // No memory limit, as the EKS add-on ships it: a stressor injected here grows the node's usage.
    kind: 'DaemonSet', namespace: 'kube-system', name: 'kube-proxy', priorityClassName: 'system-node-critical',
    labels: { 'k8s-app': 'kube-proxy' },
    containers: [container('kube-proxy', '602401143452.dkr.ecr.us-west-2.amazonaws.com/eks/kube-proxy:v1.31.3-minimal-eksbuild.2', { cpu: '100m' }, {}, 24, 0.002)],
  },
  {
    kind: 'Deployment', namespace: 'kube-system', name: 'coredns', replicas: 2, priorityClassName: 'system-cluster-critical',
    labels: { 'k8s-app': 'kube-dns', 'eks.amazonaws.com/component': 'coredns' },
    containers: [container('coredns', '602401143452.dkr.ecr.us-west-2.amazonaws.com/eks/coredns:v1.11.4-eksbuild.2', { cpu: '100m', memory: '70Mi' }, { memory: '170Mi' }, 18, 0.002)],
  },
  {
    kind: 'Deployment', namespace: 'kube-system', name: 'metrics-server', replicas: 1, priorityClassName: 'system-cluster-critical',
    labels: { 'app.kubernetes.io/name': 'metrics-server' },
    containers: [container('metrics-server', '602401143452.dkr.ecr.us-west-2.amazonaws.com/eks/metrics-server:v0.7.2-eksbuild.1', { cpu: '100m', memory: '200Mi' }, {}, 27, 0.003)],
  },
  {
    kind: 'DaemonSet', namespace: 'amazon-cloudwatch', name: 'cloudwatch-agent', priorityClassName: 'system-node-critical',
    labels: { 'app.kubernetes.io/name': 'cloudwatch-agent', 'app.kubernetes.io/component': 'amazon-cloudwatch-agent' },
    containers: [container('cloudwatch-agent', 'public.ecr.aws/cloudwatch-agent/cloudwatch-agent:1.300051.0b992', { cpu: '250m', memory: '128Mi' }, { cpu: '500m', memory: '512Mi' }, 92, 0.012)],
  },
  {
    kind: 'DaemonSet', namespace: 'amazon-cloudwatch', name: 'fluent-bit', priorityClassName: 'system-node-critical',
    labels: { 'k8s-app': 'fluent-bit' },
    containers: [container('fluent-bit', 'public.ecr.aws/aws-observability/aws-for-fluent-bit:2.32.5', { cpu: '50m', memory: '25Mi' }, { cpu: '500m', memory: '250Mi' }, 38, 0.006)],
  },
  {
    // kube-prometheus manifests/nodeExporter-daemonset.yaml (v0.14): the exporter behind kube-rbac-proxy.
    kind: 'DaemonSet', namespace: 'monitoring', name: 'node-exporter',
    labels: { 'app.kubernetes.io/component': 'exporter', 'app.kubernetes.io/name': 'node-exporter', 'app.kubernetes.io/part-of': 'kube-prometheus' },
    containers: [
      container('node-exporter', 'quay.io/prometheus/node-exporter:v1.8.2', { cpu: '102m', memory: '180Mi' }, { cpu: '250m', memory: '180Mi' }, 17, 0.004),
      container('kube-rbac-proxy', 'quay.io/brancz/kube-rbac-proxy:v0.18.1', { cpu: '10m', memory: '20Mi' }, { cpu: '20m', memory: '40Mi' }, 13, 0.001),
    ],
  },
  {
    // kube-prometheus manifests/kubeStateMetrics-deployment.yaml (v0.14).
    kind: 'Deployment', namespace: 'monitoring', name: 'kube-state-metrics', replicas: 1,
    labels: { 'app.kubernetes.io/component': 'exporter', 'app.kubernetes.io/name': 'kube-state-metrics', 'app.kubernetes.io/part-of': 'kube-prometheus' },
    containers: [
      container('kube-state-metrics', 'registry.k8s.io/kube-state-metrics/kube-state-metrics:v2.13.0', { cpu: '10m', memory: '190Mi' }, { cpu: '100m', memory: '250Mi' }, 41, 0.003),
      container('kube-rbac-proxy-main', 'quay.io/brancz/kube-rbac-proxy:v0.18.1', { cpu: '20m', memory: '20Mi' }, { cpu: '40m', memory: '40Mi' }, 14, 0.001),
      container('kube-rbac-proxy-self', 'quay.io/brancz/kube-rbac-proxy:v0.18.1', { cpu: '10m', memory: '20Mi' }, { cpu: '20m', memory: '40Mi' }, 12, 0.0005),
    ],
  },
];
