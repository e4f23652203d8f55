/**
 * Metrics with a fallback: the MCP server first, Prometheus directly when the MCP server cannot be
 * reached. A wrong query fails the same way on both, so only "unreachable"-type failures (retryable)
 * fall through; the switch is logged so the report can say which path answered. `metricsSource` is the
 * registry entry: the MCP server when one is set, Prometheus as the fallback or alone.
 */
import type { Logger } from '../../core/log.js';
import { PrometheusBackend } from '../../lib/prometheus/client/index.js';
import { EvidenceUnavailable, type MetricsEvidence, type Series } from '../ports.js';
import { McpMetrics } from './metrics-mcp.js';
import { PrometheusMetrics, type MetricAnomaly } from './metrics-prometheus.js';
import { defineEvidenceSource } from './source.js';

export const metricsSource = defineEvidenceSource({
  id: 'metrics',
  description: 'Prometheus through the MCP server, with Prometheus directly as the fallback',
  configKeys: ['mcpUrl', 'prometheusUrl'],
  readBy: ['metrics', 'recommend', 'verify'],
  create({ mcpUrl, mcpApiKey, prometheusUrl, log }) {
    const direct = prometheusUrl ? new PrometheusMetrics(new PrometheusBackend({ url: prometheusUrl })) : undefined;
    if (!mcpUrl) return direct;
    const mcp = new McpMetrics({ url: mcpUrl, ...(mcpApiKey ? { headers: { Authorization: `Bearer ${mcpApiKey}` } } : {}) });
    return direct ? new FallbackMetrics(mcp, direct, log) : mcp;
  },
});

export class FallbackMetrics implements MetricsEvidence {
  constructor(
    private readonly primary: MetricsEvidence,
    private readonly fallback: MetricsEvidence,
    private readonly log?: Logger,
  ) {}

  instant(promql: string, options?: { at?: number; signal?: AbortSignal }): Promise<{ labels: Record<string, string>; value: number }[]> {
    return this.attempt('instant', (m) => m.instant(promql, options));
  }

  range(promql: string, options: { start: number; end: number; stepSeconds: number; signal?: AbortSignal }): Promise<Series[]> {
    return this.attempt('range', (m) => m.range(promql, options));
  }

  anomalies(promql: string, options: { start: number; end: number; stepSeconds: number; signal?: AbortSignal }): Promise<MetricAnomaly[]> {
    return this.attempt('anomalies', (m) => {
      if (!m.anomalies) throw new EvidenceUnavailable('prometheus', 'this metrics source has no anomaly detection', false);
      return m.anomalies(promql, options);
    });
  }

  private async attempt<T>(what: string, call: (m: MetricsEvidence) => Promise<T>): Promise<T> {
    try {
      return await call(this.primary);
    } catch (error) {
      if (!(error instanceof EvidenceUnavailable) || !error.retryable) throw error;
      this.log?.warn('metrics primary unavailable, using fallback', { call: what, reason: error.reason });
      try {
        return await call(this.fallback);
      } catch (second) {
        if (second instanceof EvidenceUnavailable) throw new EvidenceUnavailable('prometheus', `${error.reason}; fallback: ${second.reason}`, second.retryable);
        throw second;
      }
    }
  }
}
