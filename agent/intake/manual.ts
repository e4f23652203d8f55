/**
 * A hand-written alert for `devops-agent investigate --event FILE`: the shape Alertmanager's own API
 * takes (`POST /api/v2/alerts`, what `amtool alert add` sends), one object or an array of them. Handy for
 * rehearsals: `{"labels": {"alertname": "PodCrashLooping", "namespace": "petadoptions", "pod": "..."}}`.
 */
import { z } from 'zod';
import type { Alert } from '../../core/types.js';
import { fingerprintOf, stringLabels } from './labels.js';
import { severityOf } from './severity.js';
import { resolveTarget } from './target.js';

const time = z.string().refine((value) => !Number.isNaN(Date.parse(value)), 'expected an RFC 3339 time');

export const postableAlertSchema = z.object({
  labels: z
    .record(z.string(), z.union([z.string(), z.number(), z.boolean()]))
    .refine((labels) => typeof labels.alertname === 'string' && labels.alertname.length > 0, 'labels.alertname is required'),
  annotations: z.record(z.string(), z.string()).default({}),
  startsAt: time.optional(),
  endsAt: time.optional(),
  generatorURL: z.string().optional(),
  status: z.enum(['firing', 'resolved']).optional(),
});

export const manualEventSchema = z.union([postableAlertSchema, z.array(postableAlertSchema).min(1)]);

export type ManualEvent = z.infer<typeof manualEventSchema>;

export function looksLikeManual(payload: unknown): boolean {
  const first = Array.isArray(payload) ? payload[0] : payload;
  return typeof first === 'object' && first !== null && 'labels' in first;
}

export function alertsFromManual(event: ManualEvent, receivedAt: string): Alert[] {
  const items = Array.isArray(event) ? event : [event];
  return items.map((item) => {
    const labels = stringLabels(item.labels);
    const fingerprint = fingerprintOf(labels);
    const status = item.status ?? (item.endsAt && Date.parse(item.endsAt) <= Date.parse(receivedAt) ? 'resolved' : 'firing');
    const target = resolveTarget(labels);
    return {
      id: `manual:${fingerprint}`,
      fingerprint,
      source: 'manual',
      name: labels.alertname!,
      status,
      severity: severityOf(labels.severity),
      summary: item.annotations.summary || item.annotations.description || labels.alertname!,
      ...(item.annotations.description ? { description: item.annotations.description } : {}),
      labels,
      annotations: item.annotations,
      startsAt: new Date(item.startsAt ?? receivedAt).toISOString(),
      ...(status === 'resolved' && item.endsAt ? { endsAt: new Date(item.endsAt).toISOString() } : {}),
      receivedAt,
      ...(target ? { target } : {}),
      ...(item.generatorURL ? { generatorUrl: item.generatorURL } : {}),
      raw: item,
    } satisfies Alert;
  });
}
