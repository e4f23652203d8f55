/**
 * The anomaly alert the watcher pushes to the agent (`POST /webhooks/anomaly`), exactly as
 * docs/api/anomaly-alerts.md defines it (the agent's zod schema, agent/intake/anomaly.ts, refuses
 * unknown fields; the tests validate every payload against it). It reuses the detect_anomalies
 * report's fields, so nothing is translated twice.
 */
import type { AnomalyReport } from '../../lib/prometheus/anomaly/detect-anomalies.js';
import type { AnomalyKind, Severity } from '../../lib/prometheus/anomaly/index.js';
import type { Watch } from './watch-list.js';

export interface AnomalyAlertPayload {
  version: '1';
  kind: 'anomaly';
  status: 'firing' | 'resolved';
  query: string;
  series: Record<string, string>;
  anomaly: {
    kind: AnomalyKind;
    severity: Severity;
    score: number;
    detector: string;
    start: string;
    end: string;
    peakAt?: string;
    peakValue?: number;
    ongoing: boolean;
    explanation: string;
    followUpQueries: string[];
  };
  summary?: string;
  detectedAt?: string;
  origin?: { server: string; url?: string };
}

export interface Origin {
  server: string;
  url?: string;
}

const phrases: Record<AnomalyKind, string> = {
  outlier: 'is far from its usual level',
  spike: 'spiked',
  drop: 'dropped sharply',
  'seasonal-deviation': 'departs from its usual daily or weekly pattern',
  'level-shift': 'shifted to a new level',
  growth: 'is growing steadily',
  'out-of-range': 'left the range it kept during the baseline',
};

/** The series as people name it: pod (and container when it differs), else service, node, instance... */
export function seriesLabel(labels: Record<string, string>): string {
  const { pod, container, service, node, instance, job, namespace, __name__: name } = labels;
  if (pod) return container && !pod.startsWith(container) ? `${pod} (${container})` : pod;
  const who = service ?? node ?? container ?? instance ?? job;
  if (who) return who;
  const rest = Object.entries(labels).filter(([k]) => k !== '__name__' && k !== 'namespace');
  if (rest.length) return rest.map(([k, v]) => `${k}=${v}`).join(', ');
  return namespace ?? name ?? 'the series';
}

export function summaryOf(watch: Watch, labels: Record<string, string>, report: Pick<AnomalyReport, 'kind' | 'severity'>, hasLimit: boolean): string {
  const series = seriesLabel(labels);
  if (watch.summary) {
    const values: Record<string, string> = { ...labels, kind: report.kind, severity: report.severity, series, description: watch.description };
    return watch.summary.replace(/\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g, (_, key: string) => values[key] ?? '');
  }
  const phrase = report.kind === 'growth' && hasLimit ? 'is growing towards its limit' : phrases[report.kind];
  return `${watch.description}: ${series} ${phrase}`;
}

export function iso(ms: number): string {
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}

/** The firing payload of an episode, from the detect_anomalies report that opened it. */
export function firingPayload(
  watch: Watch,
  labels: Record<string, string>,
  report: AnomalyReport,
  context: { detectedAt: number; origin: Origin; hasLimit: boolean },
): AnomalyAlertPayload {
  const finitePeak = Number.isFinite(report.peakValue);
  return {
    version: '1',
    kind: 'anomaly',
    status: 'firing',
    query: watch.query,
    series: { ...labels },
    anomaly: {
      kind: report.kind,
      severity: report.severity,
      score: Math.min(Math.max(report.score, 0), 1),
      detector: report.detector,
      start: report.start,
      end: report.end,
      ...(finitePeak ? { peakAt: report.peakAt, peakValue: report.peakValue } : {}),
      ongoing: report.ongoing,
      explanation: report.explanation,
      followUpQueries: [...report.followUpQueries],
    },
    summary: summaryOf(watch, labels, report, context.hasLimit),
    detectedAt: iso(context.detectedAt),
    origin: { ...context.origin },
  };
}

/**
 * The end of an episode: the firing payload with `status: resolved`, the episode's last anomalous
 * sample as `end` and `ongoing: false`. Kind and start stay as pushed: they are the agent's identity
 * of the occurrence (query, series, kind, start).
 */
export function resolvedPayload(firing: AnomalyAlertPayload, endMs: number, at: number): AnomalyAlertPayload {
  const end = Math.max(endMs, Date.parse(firing.anomaly.start));
  return { ...firing, status: 'resolved', anomaly: { ...firing.anomaly, end: iso(end), ongoing: false }, detectedAt: iso(at) };
}
