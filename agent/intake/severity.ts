/**
 * Severity from whatever the alerting system calls it. Prometheus rules use `severity` labels with
 * conventions that vary between teams ("page", "error", "P1"); anything unknown counts as a warning:
 * loud enough to investigate, not enough to jump the queue.
 */
import type { Severity } from '../../core/types.js';

const aliases: Record<string, Severity> = {
  critical: 'critical',
  crit: 'critical',
  page: 'critical',
  error: 'critical',
  high: 'critical',
  p1: 'critical',
  p2: 'critical',
  warning: 'warning',
  warn: 'warning',
  medium: 'warning',
  p3: 'warning',
  info: 'info',
  informational: 'info',
  low: 'info',
  none: 'info',
  p4: 'info',
  p5: 'info',
};

export function severityOf(value: string | undefined, fallback: Severity = 'warning'): Severity {
  if (!value) return fallback;
  return aliases[value.trim().toLowerCase()] ?? fallback;
}

export const severityRank: Record<Severity, number> = { info: 1, warning: 2, critical: 3 };

export function maxSeverity(a: Severity, b: Severity): Severity {
  return severityRank[a] >= severityRank[b] ? a : b;
}
