/**
 * One entry point per payload kind, and auto-detection for `investigate --event FILE`: each kind is
 * validated against its schema and normalised to `Alert`s, or refused with the reason.
 */
import type { ZodType } from 'zod';
import type { Alert, AlertSource } from '../../core/types.js';
import { alertmanagerWebhookSchema, alertsFromAlertmanager, looksLikeAlertmanager } from './alertmanager.js';
import { alertsFromAnomaly, anomalyAlertSchema, looksLikeAnomaly } from './anomaly.js';
import { alarmStateChangeSchema, alertsFromAlarmEvent, looksLikeEventBridge } from './cloudwatch.js';
import { describeIssues, PayloadRejected } from './errors.js';
import { ALERT_LIMITS, checkAlertLimits, checkPayloadSize, readableText } from './limits.js';
import { alertsFromManual, looksLikeManual, manualEventSchema } from './manual.js';
import { setAsideTargetLabels } from './names.js';

export type EventKind = 'alertmanager' | 'eventbridge' | 'anomaly' | 'manual';

interface EventFormat<T> {
  kind: EventKind;
  source: AlertSource;
  /** How people call it, in error messages. */
  title: string;
  schema: ZodType<T>;
  looksLike(payload: unknown): boolean;
  normalise(payload: T, receivedAt: string): Alert[];
}

/** A format typed by its schema, listed with the others (its `normalise` only ever gets what its schema parsed). */
const format = <T>(f: EventFormat<T>): EventFormat<unknown> => f;

export const eventFormats: Record<EventKind, EventFormat<unknown>> = {
  alertmanager: format({ kind: 'alertmanager', source: 'alertmanager', title: 'Alertmanager webhook (v4)', schema: alertmanagerWebhookSchema, looksLike: looksLikeAlertmanager, normalise: alertsFromAlertmanager }),
  eventbridge: format({ kind: 'eventbridge', source: 'cloudwatch', title: 'CloudWatch Alarm State Change event', schema: alarmStateChangeSchema, looksLike: looksLikeEventBridge, normalise: alertsFromAlarmEvent }),
  anomaly: format({ kind: 'anomaly', source: 'anomaly', title: 'MCP anomaly alert', schema: anomalyAlertSchema, looksLike: looksLikeAnomaly, normalise: alertsFromAnomaly }),
  manual: format({ kind: 'manual', source: 'manual', title: 'Alertmanager API alert (labels/annotations)', schema: manualEventSchema, looksLike: looksLikeManual, normalise: alertsFromManual }),
};

/**
 * Validates a payload of a known kind; throws PayloadRejected with the schema's reasons, or with the
 * limit it broke (413). Every alert is then taken as a claim (claimOf): readable text, and no target
 * when its target labels are not valid Kubernetes names.
 */
export function parseEvent(kind: EventKind, payload: unknown, receivedAt: string): Alert[] {
  checkPayloadSize(payload);
  const f = eventFormats[kind];
  const parsed = f.schema.safeParse(payload);
  if (!parsed.success) throw new PayloadRejected('invalid-payload', `not a valid ${f.title}: ${describeIssues(parsed.error)}`);
  const alerts = f.normalise(parsed.data, receivedAt);
  checkAlertLimits(alerts);
  return alerts.map(claimOf);
}

/**
 * An alert as the agent keeps it. Its identity (id, fingerprint) stays the sender's. Its summary and
 * description become readable, bounded text. When a target label (namespace, pod, deployment, node,
 * container, service) is not a valid Kubernetes name, every target label is set aside (kept apart,
 * shortened, for the record) and the alert names no target: it is still taken (something sent it, and
 * people should see that) but nothing it says aims a query, a playbook or a fix.
 */
export function claimOf(alert: Alert): Alert {
  const { labels, setAside } = setAsideTargetLabels(alert.labels);
  const claim: Alert = {
    ...alert,
    summary: readableText(alert.summary, ALERT_LIMITS.summaryLength),
    ...(alert.description !== undefined ? { description: readableText(alert.description, ALERT_LIMITS.descriptionLength, { multiline: true }) } : {}),
  };
  if (Object.keys(setAside).length === 0) return claim;
  const { target: _target, ...untargeted } = claim;
  return { ...untargeted, labels, setAsideLabels: setAside };
}

/** Which kind a payload is, from its shape (an SQS message body wrapping an event is unwrapped first). */
export function detectEventKind(payload: unknown): EventKind {
  for (const f of Object.values(eventFormats)) if (f.looksLike(payload)) return f.kind;
  throw new PayloadRejected(
    'unsupported-event',
    'unrecognised event: expected an Alertmanager webhook (alerts + groupKey), a CloudWatch Alarm State Change event (detail-type + detail), ' +
      'an MCP anomaly alert (kind: "anomaly") or an alert with labels.alertname',
  );
}

/** Auto-detects and parses; an SQS message (`{"Body": "<event JSON>"}`) is unwrapped. */
export function parseAnyEvent(payload: unknown, receivedAt: string): { kind: EventKind; alerts: Alert[] } {
  const unwrapped = unwrapSqsMessage(payload);
  const kind = detectEventKind(unwrapped);
  return { kind, alerts: parseEvent(kind, unwrapped, receivedAt) };
}

function unwrapSqsMessage(payload: unknown): unknown {
  if (typeof payload === 'object' && payload !== null && 'Body' in payload && typeof (payload as { Body: unknown }).Body === 'string') {
    try {
      return JSON.parse((payload as { Body: string }).Body);
    } catch {
      throw new PayloadRejected('malformed-json', 'the SQS message Body is not JSON');
    }
  }
  return payload;
}
