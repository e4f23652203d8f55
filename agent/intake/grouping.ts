/**
 * Which open incident an alert belongs to. Alerts are related when they are about the same target
 * (`target:Deployment/petadoptions/petsite`) or the same workload of a namespace, whatever the rule
 * names it (`workload:petadoptions/petsite` from a `service`, `deployment` or pod label): a latency alert
 * on service petsite and a memory alert on a petsite pod are one incident, not two pages.
 */
import { isFinal } from '../../core/incident-lifecycle.js';
import type { Alert, Incident } from '../../core/types.js';
import { workloadOf } from './target.js';

export function groupKeysOf(alert: Alert): string[] {
  const keys: string[] = [];
  const t = alert.target;
  if (t) keys.push(`target:${t.kind}/${t.namespace ?? ''}/${t.name}`);
  const namespace = alert.labels.namespace;
  const workload = workloadOf(alert.labels);
  if (namespace && workload) keys.push(`workload:${namespace}/${workload}`);
  // Nothing to say what it is about: repeats of the same alert name still belong together.
  if (keys.length === 0) keys.push(`alert:${alert.source}/${alert.name}`);
  return keys;
}

/**
 * An incident takes new related alerts while it is open and has seen activity within the window: a
 * related alert an hour after the last word on an incident is a new problem, not the same page again.
 */
export function acceptsAlerts(incident: Incident, now: number, windowMs: number): boolean {
  return !isFinal(incident.status) && now - Date.parse(incident.updatedAt) <= windowMs;
}
