/**
 * Evidence sources and the cluster writer, built from the agent's configuration (agent/app.ts calls
 * these factories). Each source is an entry of the registry (registry.ts): it says which configuration
 * it reads and builds its adapter; a source that is not configured is absent, and the steps that read
 * it record the gap.
 */
import type { EvidenceSources } from '../ports.js';
import { evidenceSourceRegistry } from './registry.js';
import type { EvidenceOptions, EvidenceSourceEntry, EvidenceSourceId } from './source.js';

export { AwsCloudWatchEvidence } from './cloudwatch.js';
export { KubernetesClusterWriter, DisruptionBudgetBlocked, ClusterWriteRejected } from './cluster-writer.js';
export { KubernetesApiEvidence } from './kubernetes.js';
export { createClusterWriter } from './kubernetes-source.js';
export { FallbackMetrics } from './metrics-fallback.js';
export { McpMetrics } from './metrics-mcp.js';
export { PrometheusMetrics, anomaliesOfSeries, type MetricAnomaly } from './metrics-prometheus.js';
export { XRayEvidence } from './xray.js';
export { resilientCall, type RetryPolicy, type Sleep } from './resilience.js';
export { containerInsightsMetrics } from './container-insights.js';
export { logsInsightsTemplates, renderQuery, logGroupName } from './logs-insights-queries.js';
export { evidenceSourceRegistry } from './registry.js';
export type { EvidenceOptions, EvidenceSourceEntry } from './source.js';

export async function createEvidenceSources(options: EvidenceOptions): Promise<EvidenceSources> {
  const sources: EvidenceSources = {};
  for (const entry of evidenceSourceRegistry) build(sources, entry, options);
  return sources;
}

/** A source that cannot be built (an unreadable kubeconfig) is left out, as if not configured. */
function build<K extends EvidenceSourceId>(sources: EvidenceSources, entry: EvidenceSourceEntry<K>, options: EvidenceOptions): void {
  try {
    const source = entry.create(options);
    if (source) sources[entry.id] = source;
    else options.log?.debug(`${entry.id} evidence not configured`, { configKeys: entry.configKeys, readBy: entry.readBy });
  } catch (error) {
    options.log?.warn(`${entry.id} evidence unavailable`, { error: (error as Error).message });
  }
}
