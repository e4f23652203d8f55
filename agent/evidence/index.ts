/**
 * Evidence sources and the cluster writer, built from the agent's configuration (agent/app.ts calls
 * these factories). Metrics go through the MCP server when one is set, with Prometheus directly as the
 * fallback; a source that is not configured is simply absent, and the steps record the gap.
 */
import type { Clock } from '../../core/clock.js';
import type { Logger } from '../../core/log.js';
import { PrometheusBackend } from '../../lib/prometheus/client/index.js';
import type { ClusterWriter, EvidenceSources, MetricsEvidence } from '../ports.js';
import { AwsCloudWatchEvidence } from './cloudwatch.js';
import { KubernetesClusterWriter } from './cluster-writer.js';
import { KubernetesApiEvidence } from './kubernetes.js';
import { FallbackMetrics } from './metrics-fallback.js';
import { McpMetrics } from './metrics-mcp.js';
import { PrometheusMetrics } from './metrics-prometheus.js';
import { XRayEvidence } from './xray.js';

export { AwsCloudWatchEvidence } from './cloudwatch.js';
export { KubernetesClusterWriter, DisruptionBudgetBlocked, ClusterWriteRejected } from './cluster-writer.js';
export { KubernetesApiEvidence } from './kubernetes.js';
export { FallbackMetrics } from './metrics-fallback.js';
export { McpMetrics } from './metrics-mcp.js';
export { PrometheusMetrics, anomaliesOfSeries, type MetricAnomaly } from './metrics-prometheus.js';
export { XRayEvidence } from './xray.js';
export { RateLimiter, resilientCall, type RetryPolicy, type Sleep } from './resilience.js';
export { containerInsightsMetrics } from './container-insights.js';
export { logsInsightsTemplates, renderQuery, logGroupName } from './logs-insights-queries.js';

export interface EvidenceOptions {
  clock?: Clock;
  log?: Logger;
  kubeconfig?: string;
  mcpUrl?: string;
  prometheusUrl?: string;
  xrayEndpoint?: string;
  region?: string;
  clusterName?: string;
  /** In a pod on EKS: use the service account instead of a kubeconfig. */
  inCluster?: boolean;
}

function inCluster(options: EvidenceOptions): boolean {
  return options.inCluster ?? (!options.kubeconfig && Boolean(process.env.KUBERNETES_SERVICE_HOST));
}

export async function createEvidenceSources(options: EvidenceOptions): Promise<EvidenceSources> {
  const sources: EvidenceSources = {};
  const now = options.clock ? () => options.clock!.now() : Date.now;
  const direct = options.prometheusUrl ? new PrometheusMetrics(new PrometheusBackend({ url: options.prometheusUrl })) : undefined;
  let metrics: MetricsEvidence | undefined = direct;
  if (options.mcpUrl) metrics = direct ? new FallbackMetrics(new McpMetrics({ url: options.mcpUrl }), direct, options.log) : new McpMetrics({ url: options.mcpUrl });
  if (metrics) sources.metrics = metrics;
  try {
    if (options.kubeconfig || inCluster(options)) sources.kubernetes = new KubernetesApiEvidence({ ...(options.kubeconfig ? { kubeconfigPath: options.kubeconfig } : { inCluster: true }), now });
  } catch (error) {
    options.log?.warn('kubernetes evidence unavailable', { error: (error as Error).message });
  }
  if (options.xrayEndpoint || options.region) sources.traces = new XRayEvidence({ ...(options.xrayEndpoint ? { endpoint: options.xrayEndpoint } : {}), ...(options.region ? { region: options.region } : {}) });
  if (options.region && options.clusterName) sources.cloudwatch = new AwsCloudWatchEvidence({ region: options.region });
  return sources;
}

export async function createClusterWriter(options: EvidenceOptions): Promise<ClusterWriter | undefined> {
  if (!options.kubeconfig && !inCluster(options)) return undefined;
  try {
    return new KubernetesClusterWriter(options.kubeconfig ? { kubeconfigPath: options.kubeconfig } : { inCluster: true });
  } catch (error) {
    options.log?.warn('cluster writer unavailable', { error: (error as Error).message });
    return undefined;
  }
}
