/**
 * Alertmanager's webhook payload (version 4, the only version Alertmanager has ever sent:
 * https://prometheus.io/docs/alerting/latest/configuration/#webhook_config), normalised to `Alert`s.
 * One notification carries a group of alerts; each becomes its own `Alert`, so deduplication and
 * grouping work per alert whatever `group_by` the route uses.
 */
import { z } from 'zod';
import type { Alert } from '../../core/types.js';
import { fingerprintOf } from './labels.js';
import { severityOf } from './severity.js';
import { resolveTarget } from './target.js';

const labelSet = z.record(z.string(), z.string());
/** Alertmanager sends Go's zero time ("0001-01-01T00:00:00Z") for an alert that has not ended. */
const goTime = z.string().refine((value) => !Number.isNaN(Date.parse(value)), 'expected an RFC 3339 time');

export const alertmanagerAlertSchema = z.object({
  status: z.enum(['firing', 'resolved']),
  labels: labelSet.refine((labels) => typeof labels.alertname === 'string' && labels.alertname.length > 0, 'labels.alertname is required'),
  annotations: labelSet.default({}),
  startsAt: goTime,
  endsAt: goTime.optional(),
  generatorURL: z.string().optional(),
  fingerprint: z.string().optional(),
});

export const alertmanagerWebhookSchema = z.object({
  version: z.literal('4', { error: 'version must be "4" (Alertmanager webhook payload v4)' }),
  groupKey: z.string(),
  truncatedAlerts: z.number().int().nonnegative().optional(),
  status: z.enum(['firing', 'resolved']),
  receiver: z.string(),
  groupLabels: labelSet.default({}),
  commonLabels: labelSet.default({}),
  commonAnnotations: labelSet.default({}),
  externalURL: z.string().default(''),
  alerts: z.array(alertmanagerAlertSchema).min(1, 'alerts must not be empty'),
});

export type AlertmanagerWebhook = z.infer<typeof alertmanagerWebhookSchema>;
export type AlertmanagerAlert = z.infer<typeof alertmanagerAlertSchema>;

/** Cheap shape test for `investigate --event` auto-detection; the schema gives the reasons. */
export function looksLikeAlertmanager(payload: unknown): boolean {
  return isObject(payload) && 'alerts' in payload && ('groupKey' in payload || 'receiver' in payload);
}

export function alertsFromAlertmanager(webhook: AlertmanagerWebhook, receivedAt: string): Alert[] {
  return webhook.alerts.map((alert) => {
    const fingerprint = alert.fingerprint || fingerprintOf(alert.labels);
    const ended = alert.endsAt && !alert.endsAt.startsWith('0001-') ? alert.endsAt : undefined;
    return {
      id: `alertmanager:${fingerprint}`,
      fingerprint,
      source: 'alertmanager',
      name: alert.labels.alertname!,
      status: alert.status,
      severity: severityOf(alert.labels.severity),
      summary: alert.annotations.summary || alert.annotations.message || alert.annotations.description || alert.labels.alertname!,
      ...(alert.annotations.description ? { description: alert.annotations.description } : {}),
      labels: alert.labels,
      annotations: alert.annotations,
      startsAt: new Date(alert.startsAt).toISOString(),
      ...(alert.status === 'resolved' && ended ? { endsAt: new Date(ended).toISOString() } : {}),
      receivedAt,
      ...optionalTarget(alert.labels),
      ...(alert.generatorURL ? { generatorUrl: alert.generatorURL } : {}),
      raw: { ...alert, groupKey: webhook.groupKey, receiver: webhook.receiver, externalURL: webhook.externalURL },
    } satisfies Alert;
  });
}

function optionalTarget(labels: Record<string, string>): Pick<Alert, 'target'> {
  const target = resolveTarget(labels);
  return target ? { target } : {};
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
