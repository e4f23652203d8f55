/**
 * Anomaly alerts the Prometheus MCP server pushes to `POST /webhooks/anomaly` when its detectors find
 * an unusual episode in a watched series. The shape reuses the MCP server's `detect_anomalies` report
 * (lib/prometheus/anomaly/detect-anomalies.ts: AnomalyReport) so nothing is translated twice; it is documented in
 * docs/api/anomaly-alerts.md and in the OpenAPI spec (components.schemas.AnomalyAlert).
 *
 * Identity: one alert per (query, series labels, anomaly kind). The same episode pushed again is a
 * duplicate; a new episode of the same series (a later `start`) is a new occurrence.
 */
import { z } from 'zod';
import type { Alert } from '../../core/types.js';
import { fingerprintOf } from './labels.js';
import { resolveTarget } from './target.js';

const isoTime = z.iso.datetime({ offset: true, error: 'expected an ISO 8601 time like 2026-11-25T09:00:00Z' });

export const anomalyAlertSchema = z
  .object({
    version: z.literal('1', { error: 'version must be "1"' }),
    kind: z.literal('anomaly', { error: 'kind must be "anomaly"' }),
    status: z.enum(['firing', 'resolved']).default('firing'),
    /** The PromQL of the watched series. */
    query: z.string().min(1),
    /** Labels of the series (including `__name__` when the query selects one metric). */
    series: z.record(z.string(), z.string()),
    anomaly: z.object({
      kind: z.enum(['outlier', 'spike', 'drop', 'seasonal-deviation', 'level-shift', 'growth', 'out-of-range']),
      severity: z.enum(['info', 'warning', 'critical']),
      /** Anomaly score in [0, 1). */
      score: z.number().min(0).max(1),
      detector: z.string().min(1),
      start: isoTime,
      end: isoTime,
      peakAt: isoTime.optional(),
      peakValue: z.number().optional(),
      ongoing: z.boolean().default(true),
      explanation: z.string().min(1),
      followUpQueries: z.array(z.string()).default([]),
    }),
    /** One-line description for people; the explanation is used when absent. */
    summary: z.string().optional(),
    detectedAt: isoTime.optional(),
    /** Who pushed it, e.g. { "server": "prometheus-mcp", "url": "http://127.0.0.1:18081/mcp" }. */
    origin: z.object({ server: z.string(), url: z.string().optional() }).optional(),
  })
  .strict();

export type AnomalyAlert = z.infer<typeof anomalyAlertSchema>;

export function looksLikeAnomaly(payload: unknown): boolean {
  return typeof payload === 'object' && payload !== null && (payload as { kind?: unknown }).kind === 'anomaly';
}

export const anomalyAlertName = 'MetricAnomaly';

export function alertsFromAnomaly(payload: AnomalyAlert, receivedAt: string): Alert[] {
  const { anomaly, series } = payload;
  const fingerprint = fingerprintOf(series, payload.query, anomaly.kind);
  const labels: Record<string, string> = {
    ...Object.fromEntries(Object.entries(series).filter(([key]) => key !== '__name__')),
    alertname: anomalyAlertName,
    anomaly_kind: anomaly.kind,
    detector: anomaly.detector,
    severity: anomaly.severity,
    ...(series.__name__ ? { metric: series.__name__ } : {}),
  };
  const target = resolveTarget(labels);
  return [
    {
      id: `anomaly:${fingerprint}`,
      fingerprint,
      source: 'anomaly',
      name: anomalyAlertName,
      status: payload.status,
      severity: anomaly.severity,
      summary: payload.summary ?? anomaly.explanation,
      description: anomaly.explanation,
      labels,
      annotations: {
        query: payload.query,
        score: String(anomaly.score),
        ...(anomaly.peakValue !== undefined ? { peak_value: String(anomaly.peakValue) } : {}),
        ...(anomaly.followUpQueries.length ? { follow_up_queries: anomaly.followUpQueries.join('\n') } : {}),
      },
      startsAt: new Date(anomaly.start).toISOString(),
      ...(payload.status === 'resolved' ? { endsAt: new Date(anomaly.end).toISOString() } : {}),
      receivedAt,
      ...(target ? { target } : {}),
      raw: payload,
    },
  ];
}
