/**
 * From normalised alerts to incidents and jobs: deduplicate (the same notification again changes
 * nothing), group (a related alert joins the open incident), open an incident and queue its
 * investigation, and close the loop on resolved notifications.
 *
 * Alerts are taken one at a time (a promise chain), so two related alerts arriving together cannot both
 * miss the open incident and open two. Several agent replicas sharing one store could still race; the
 * kit runs one agent per cluster.
 */
import { randomBytes } from 'node:crypto';
import type { Clock } from '../../core/clock.js';
import { isFinal, moveIncident } from '../../core/incident-lifecycle.js';
import type { Logger } from '../../core/log.js';
import type { Alert, Incident } from '../../core/types.js';
import type { AgentMetrics } from '../metrics.js';
import type { StateStore, WorkQueue } from '../ports.js';
import { blastRadiusOf, priorityOf } from '../queue/priority.js';
import { mutateIncident } from '../store/mutate.js';
import { PayloadRejected } from './errors.js';
import { parseEvent, type EventKind } from './events.js';
import { acceptsAlerts, groupKeysOf } from './grouping.js';
import { maxSeverity } from './severity.js';
import { describeTarget } from './target.js';

export type IntakeOutcome = 'opened' | 'grouped' | 'duplicate' | 'resolved' | 'ignored';

export interface IntakeResult {
  alertId: string;
  status: Alert['status'];
  outcome: IntakeOutcome;
  incidentId?: string;
}

export interface IntakeOptions {
  store: StateStore;
  queue: WorkQueue;
  clock: Clock;
  log: Logger;
  metrics: AgentMetrics;
  /** How long an incident without activity still takes related alerts (default 30 min). */
  groupWindowMs?: number;
  /** Called after a job is queued, so idle workers start at once instead of at their next poll. */
  onEnqueued?: () => void;
}

export function newIncidentId(now: number): string {
  const stamp = new Date(now).toISOString().slice(0, 19).replace(/[-:]/g, '').replace('T', '-');
  return `inc-${stamp}-${randomBytes(3).toString('hex')}`;
}

export class Intake {
  private chain: Promise<unknown> = Promise.resolve();
  private readonly groupWindowMs: number;

  constructor(private readonly options: IntakeOptions) {
    this.groupWindowMs = options.groupWindowMs ?? 30 * 60_000;
  }

  /**
   * Validates a payload of a known kind and takes its alerts; PayloadRejected is counted and rethrown.
   * `sender` is who delivered it (the API's principal; `authenticated: false` only without credentials),
   * passed through for per-source limits.
   */
  async receive(kind: EventKind, payload: unknown, _sender?: { name: string; authenticated: boolean }): Promise<IntakeResult[]> {
    let alerts: Alert[];
    try {
      alerts = parseEvent(kind, payload, new Date(this.options.clock.now()).toISOString());
    } catch (error) {
      if (error instanceof PayloadRejected) this.options.metrics.alertsRejected.inc({ reason: error.reason });
      throw error;
    }
    return this.accept(alerts);
  }

  accept(alerts: readonly Alert[]): Promise<IntakeResult[]> {
    const run = this.chain.then(async () => {
      const results: IntakeResult[] = [];
      for (const alert of alerts) results.push(await this.acceptOne(alert));
      return results;
    });
    this.chain = run.catch(() => undefined);
    return run;
  }

  private async acceptOne(alert: Alert): Promise<IntakeResult> {
    const { store, metrics, log } = this.options;
    const base = { alertId: alert.id, status: alert.status };
    const { duplicate } = await store.saveAlert(alert);
    if (duplicate) {
      metrics.alertsDeduplicated.inc({ source: alert.source });
      const incident = await this.incidentHolding(alert);
      log.debug('duplicate alert ignored', { alertId: alert.id, incidentId: incident?.id });
      return { ...base, outcome: 'duplicate', ...(incident ? { incidentId: incident.id } : {}) };
    }
    metrics.alertsReceived.inc({ source: alert.source, status: alert.status });
    return alert.status === 'resolved' ? this.resolve(alert) : this.fire(alert);
  }

  private async fire(alert: Alert): Promise<IntakeResult> {
    const { store, clock, log, metrics } = this.options;
    const keys = groupKeysOf(alert);
    const now = clock.now();
    for (const key of keys) {
      const open = await store.findOpenIncident(key);
      if (!open || !acceptsAlerts(open, now, this.groupWindowMs)) continue;
      const joined = await mutateIncident(
        store,
        open.id,
        (incident) => {
          if (isFinal(incident.status)) return false;
          const known = incident.alertIds.includes(alert.id);
          if (!known) incident.alertIds.push(alert.id);
          incident.groupKeys = [...new Set([...(incident.groupKeys ?? []), ...keys])];
          incident.severity = maxSeverity(incident.severity, alert.severity);
          incident.timeline.push({
            at: alert.receivedAt,
            type: 'observation',
            source: 'alert',
            summary: known ? `${alert.name} fired again: ${alert.summary}` : `${alert.name} joined the incident: ${alert.summary}`,
            refs: [alert.id],
          });
        },
        { clock, initial: open },
      );
      if (isFinal(joined.status)) continue;
      metrics.alertsGrouped.inc();
      log.info('alert grouped into open incident', { incidentId: joined.id, alertId: alert.id, groupKey: key });
      await store.appendAudit({ at: new Date(now).toISOString(), incidentId: joined.id, actor: 'agent', action: 'alert.grouped', detail: { alertId: alert.id, groupKey: key } });
      // A queued (not yet started) investigation moves up if the incident grew.
      if (joined.status === 'open') await this.enqueue(joined);
      return { alertId: alert.id, status: alert.status, outcome: 'grouped', incidentId: joined.id };
    }
    return this.open(alert, keys);
  }

  private async open(alert: Alert, groupKeys: string[]): Promise<IntakeResult> {
    const { store, clock, log, metrics } = this.options;
    const now = clock.now();
    const at = new Date(now).toISOString();
    const incident: Incident = {
      id: newIncidentId(now),
      title: titleOf(alert),
      status: 'open',
      severity: alert.severity,
      createdAt: at,
      updatedAt: at,
      alertIds: [alert.id],
      groupKeys,
      ...(alert.target ? { target: alert.target } : {}),
      findings: [],
      hypotheses: [],
      actions: [],
      timeline: [{ at: alert.startsAt, type: 'observation', source: 'alert', summary: `${alert.name} fired: ${alert.summary}`, refs: [alert.id] }],
      gaps: [],
      // Detection is when the alert reached the agent: Alertmanager's group_wait and EventBridge
      // delivery belong to the detect phase, not to the investigation.
      milestones: { detectedAt: alert.receivedAt },
    };
    await store.putIncident(incident);
    await store.appendAudit({ at, incidentId: incident.id, actor: 'agent', action: 'incident.opened', detail: { alertId: alert.id, severity: incident.severity, target: incident.target ?? null, groupKeys } });
    metrics.incidentsOpened.inc({ severity: incident.severity });
    log.info('incident opened', { incidentId: incident.id, alertId: alert.id, alertname: alert.name, target: describeTarget(alert.target) });
    await this.enqueue(incident);
    return { alertId: alert.id, status: alert.status, outcome: 'opened', incidentId: incident.id };
  }

  /**
   * A resolved notification is recorded on its incident. When every alert of an incident that is
   * verifying a fix has resolved, the symptom is gone: the incident is resolved.
   */
  private async resolve(alert: Alert): Promise<IntakeResult> {
    const { store, clock, log } = this.options;
    const holding = await this.incidentHolding(alert);
    if (!holding) {
      log.debug('resolved alert of no open incident', { alertId: alert.id });
      return { alertId: alert.id, status: alert.status, outcome: 'ignored' };
    }
    const alerts = await store.getAlerts(holding.alertIds);
    const allResolved = alerts.every((a) => a.status === 'resolved');
    const updated = await mutateIncident(
      store,
      holding.id,
      (incident) => {
        const at = new Date(clock.now()).toISOString();
        incident.timeline.push({ at: alert.endsAt ?? alert.receivedAt, type: 'observation', source: 'alert', summary: `${alert.name} resolved`, refs: [alert.id] });
        if (allResolved && incident.status === 'verifying') {
          moveIncident(incident, 'resolved');
          incident.milestones.resolvedAt ??= at;
          incident.timeline.push({ at, type: 'verification', source: 'alert', summary: 'every alert of the incident has resolved: the symptom is gone' });
        }
      },
      { clock, initial: holding },
    );
    if (updated.status === 'resolved' && holding.status !== 'resolved') {
      await store.appendAudit({ at: new Date(clock.now()).toISOString(), incidentId: updated.id, actor: 'agent', action: 'incident.resolved', detail: { by: 'alerts-resolved', alertId: alert.id } });
      log.info('incident resolved: its alerts resolved while verifying', { incidentId: updated.id });
    }
    return { alertId: alert.id, status: alert.status, outcome: 'resolved', incidentId: updated.id };
  }

  /** The open incident an alert already belongs to, found through its group keys. */
  private async incidentHolding(alert: Alert): Promise<Incident | undefined> {
    for (const key of groupKeysOf(alert)) {
      const incident = await this.options.store.findOpenIncident(key);
      if (incident?.alertIds.includes(alert.id)) return incident;
    }
    return undefined;
  }

  private async enqueue(incident: Incident): Promise<void> {
    const alerts = await this.options.store.getAlerts(incident.alertIds);
    const priority = priorityOf(incident.severity, blastRadiusOf(alerts));
    await this.options.queue.enqueue({ incidentId: incident.id, priority, dedupeKey: incident.id });
    this.options.onEnqueued?.();
  }
}

function titleOf(alert: Alert): string {
  if (alert.summary && alert.summary !== alert.name) return alert.summary;
  return `${alert.name} on ${describeTarget(alert.target)}`;
}
