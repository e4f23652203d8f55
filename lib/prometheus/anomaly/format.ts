/**
 * Numbers in the words an on-call engineer uses: "256 MiB", "4.1 MiB/min", "~6 min", "working set".
 */
import type { SeriesContext, Unit } from './types.js';

const MINUTE_MS = 60_000;

/** Unit of a metric, from Prometheus naming conventions. */
export function unitOf(context: SeriesContext): Unit {
  if (context.unit) return context.unit;
  const name = context.metric ?? '';
  if (/_bytes(_total)?$/.test(name)) return 'bytes';
  if (/_seconds(_total)?$/.test(name)) return 'seconds';
  if (/_ratio$/.test(name)) return 'ratio';
  if (/_percent(age)?$|utili[sz]ation/.test(name)) return 'percent';
  return 'none';
}

/** Friendly names of the metrics the kit talks about most. */
const metricNames: Record<string, string> = {
  container_memory_working_set_bytes: 'working set',
  container_memory_rss: 'RSS',
  container_cpu_usage_seconds_total: 'CPU usage',
  node_memory_MemAvailable_bytes: 'available node memory',
  node_filesystem_avail_bytes: 'free disk space',
  kube_pod_container_status_restarts_total: 'restart count',
  http_request_duration_seconds_bucket: 'request latency',
  http_requests_total: 'request count',
};

export function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** What to call the series in a sentence. */
export function subjectOf(context: SeriesContext): string {
  const metric = context.metric;
  if (!metric) return 'value';
  return metricNames[metric] ?? metric;
}

export function formatValue(value: number, unit: Unit): string {
  if (!Number.isFinite(value)) return String(value);
  switch (unit) {
    case 'bytes':
      return formatBytes(value);
    case 'seconds':
      return Math.abs(value) < 1 ? `${significant(value * 1000)} ms` : `${significant(value)} s`;
    case 'percent':
      return `${significant(value)}%`;
    case 'ratio':
      return `${significant(value * 100)}%`;
    case 'cores':
      return `${significant(value)} cores`;
    default:
      return compact(value);
  }
}

/** A change per minute in the series' unit: "4.1 MiB/min". */
export function formatRate(perMs: number, unit: Unit): string {
  const perMinute = perMs * MINUTE_MS;
  if (unit === 'ratio') return `${significant(perMinute * 100)} pp/min`;
  if (unit === 'percent') return `${significant(perMinute)} pp/min`;
  return `${formatValue(perMinute, unit)}/min`;
}

export function formatBytes(bytes: number): string {
  const sign = bytes < 0 ? '-' : '';
  let v = Math.abs(bytes);
  for (const unit of ['B', 'KiB', 'MiB', 'GiB', 'TiB']) {
    if (v < 1024 || unit === 'TiB') return `${sign}${unit === 'B' ? Math.round(v) : significant(v)} ${unit}`;
    v /= 1024;
  }
  return `${bytes} B`;
}

/** "40 s", "12 min", "2 h 5 min", "3 d 4 h". */
export function formatSpan(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 90) return `${s} s`;
  const m = Math.round(s / 60);
  if (m < 120) return `${m} min`;
  const h = Math.floor(m / 60);
  if (h < 48) return m % 60 ? `${h} h ${m % 60} min` : `${h} h`;
  const d = Math.floor(h / 24);
  return h % 24 ? `${d} d ${h % 24} h` : `${d} d`;
}

/** 3 significant digits, without a trailing ".0". */
export function significant(v: number): string {
  if (v === 0) return '0';
  const digits = Math.abs(v) >= 100 ? 0 : Math.abs(v) >= 10 ? 1 : 2;
  return String(Number(v.toFixed(digits)));
}

/** 1234 -> "1,234", 1234567 -> "1.23M", 0.00123 -> "0.00123". */
export function compact(v: number): string {
  const a = Math.abs(v);
  if (a >= 1e9) return `${significant(v / 1e9)}G`;
  if (a >= 1e6) return `${significant(v / 1e6)}M`;
  if (a >= 1000) return Math.round(v).toLocaleString('en-US');
  if (a >= 0.01 || a === 0) return significant(v);
  return v.toPrecision(3);
}

export function percentChange(from: number, to: number): string {
  if (from === 0) return to === 0 ? '0%' : 'from zero';
  const pct = ((to - from) / Math.abs(from)) * 100;
  return `${pct >= 0 ? '+' : ''}${significant(pct)}%`;
}
