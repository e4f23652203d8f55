/**
 * From normalised alerts to incidents and jobs: deduplicate (the same notification again changes
 * nothing), group (a related alert joins the open incident), open an incident and queue its
 * investigation, and close the loop on resolved notifications.
 *
 * Alerts are taken one at a time (a promise chain), so two related alerts arriving together cannot both
 * miss the open incident and open two. Several agent replicas sharing one store could still race; the
 * kit runs one agent per cluster.
 *
 * An alert is a claim from its sender (`receive(kind, payload, sender)`): each sender has a rate of new
 * alerts (429 beyond it), and the severity an unauthenticated sender claims does not order the queue
 * above a warning (queue/priority.ts). Sizes, readable text and target names are checked when the
 * payload is parsed (events.ts).
 */
import { randomBytes } from 'node:crypto';
import type { Clock } from '../../core/clock.js';
import { isFinal, moveIncident } from '../../core/incident-lifecycle.js';
import type { Logger } from '../../core/log.js';
import type { Alert, Incident } from '../../core/types.js';
import type { AgentMetrics } from '../metrics.js';
import type { StateStore, WorkQueue } from '../ports.js';
import { claimsPriority, queuePriorityOf } from '../queue/priority.js';
import { mutateIncident } from '../store/mutate.js';
import { AlertsRateLimited, PayloadRejected } from './errors.js';
import { parseEvent, type EventKind } from './events.js';
import { acceptsAlerts, groupKeysOf } from './grouping.js';
import { ALERT_LIMITS, readableText } from './limits.js';
import { defaultRatePolicies, SenderRateLimits, type Sender, type SenderRatePolicies } from './rate-limit.js';
import { maxSeverity } from './severity.js';
import { describeTarget } from './target.js';

export type { Sender } from './rate-limit.js';

/** Who sent a payload when the caller does not say: nobody vouches for it. */
export const ANONYMOUS: Sender = { name: 'anonymous', authenticated: false };

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
  /** New alerts per sender (default: rate-limit.ts defaultRatePolicies). */
  rateLimits?: SenderRatePolicies;
}

export function newIncidentId(now: number): string {
  const stamp = new Date(now).toISOString().slice(0, 19).replace(/[-:]/g, '').replace('T', '-');
  return `inc-${stamp}-${randomBytes(3).toString('hex')}`;
}

export class Intake {
  private chain: Promise<unknown> = Promise.resolve();
  private readonly groupWindowMs: number;
  private readonly rates: SenderRateLimits;

  constructor(private readonly options: IntakeOptions) {
    this.groupWindowMs = options.groupWindowMs ?? 30 * 60_000;
    this.rates = new SenderRateLimits(options.clock, options.rateLimits ?? defaultRatePolicies);
  }

  /**
   * Validates a payload of a known kind and takes its alerts as claims of `sender` (the principal the
   * HTTP layer or the queue consumer authenticated; anonymous when not given). PayloadRejected (bad
   * payload, over a size limit, over the sender's rate) is counted and rethrown.
   */
  async receive(kind: EventKind, payload: unknown, sender: Sender = ANONYMOUS): Promise<IntakeResult[]> {
    let alerts: Alert[];
    try {
      alerts = parseEvent(kind, payload, new Date(this.options.clock.now()).toISOString());
    } catch (error) {
      if (error instanceof PayloadRejected) this.options.metrics.alertsRejected.inc({ reason: error.reason });
      throw error;
    }
    for (const alert of alerts) {
      for (const label of Object.keys(alert.setAsideLabels ?? {})) this.options.metrics.alertLabelsSetAside.inc({ label });
    }
    const from = { name: sender.name, authenticated: sender.authenticated };
    try {
      return await this.accept(
        alerts.map((alert) => ({ ...alert, sender: from })),
        { sender: from },
      );
    } catch (error) {
      if (error instanceof AlertsRateLimited) {
        this.options.metrics.alertsRejected.inc({ reason: error.reason });
        this.options.metrics.alertsThrottled.inc({ authenticated: String(from.authenticated) }, error.refused);
        this.options.log.warn('alerts refused: sender over its rate', { sender: from.name, authenticated: from.authenticated, taken: error.taken, refused: error.refused });
      }
      throw error;
    }
  }

  /**
   * Takes normalised alerts. With a sender, each new (not duplicate) alert costs one of its tokens;
   * without one (alerts made in-process: tests, benchmarks, `investigate --event`) none is counted.
   */
  accept(alerts: readonly Alert[], options: { sender?: Sender } = {}): Promise<IntakeResult[]> {
    const run = this.chain.then(async () => {
      const results: IntakeResult[] = [];
      for (const [i, alert] of alerts.entries()) {
        if (options.sender && !(await this.isDuplicate(alert))) {
          const turn = this.rates.take(options.sender);
          if (!turn.ok) throw new AlertsRateLimited(options.sender.name, Math.max(1, Math.ceil(turn.retryAfterMs / 1000)), i, alerts.length - i);
        }
        results.push(await this.acceptOne(alert));
      }
      return results;
    });
    this.chain = run.catch(() => undefined);
    return run;
  }

  /** The store's rule for news (saveAlert): same alert, same status, same start is a repeat. */
  private async isDuplicate(alert: Alert): Promise<boolean> {
    const [stored] = await this.options.store.getAlerts([alert.id]);
    return stored !== undefined && stored.status === alert.status && stored.startsAt === alert.startsAt;
  }

  private async acceptOne(alert: Alert): Promise<IntakeResult> {
    const { store, metrics, log } = this.options;
    const base = { alertId: alert.id, status: alert.status };
    if (alert.sender && !alert.sender.authenticated) {
      // What an authenticated sender raised, nobody unauthenticated may rewrite or resolve (a forged
      // "resolved" would end the verification of a real incident).
      const [stored] = await store.getAlerts([alert.id]);
      if (stored?.sender?.authenticated) {
        metrics.alertsOverrideRefused.inc();
        log.warn('an unauthenticated sender tried to change an alert an authenticated sender raised; ignored', { alertId: alert.id, sender: alert.sender.name, raisedBy: stored.sender.name, status: alert.status });
        const incident = await this.incidentHolding(stored);
        return { ...base, outcome: 'ignored', ...(incident ? { incidentId: incident.id } : {}) };
      }
    }
    const { duplicate } = await store.saveAlert(alert);
    if (duplicate) {
      metrics.alertsDeduplicated.inc({ source: alert.source });
      const incident = await this.incidentHolding(alert);
      log.debug('duplicate alert ignored', { alertId: alert.id, incidentId: incident?.id });
      return { ...base, outcome: 'duplicate', ...(incident ? { incidentId: incident.id } : {}) };
    }
    metrics.alertsReceived.inc({ source: alert.source, status: alert.status });
    if (alert.status === 'firing' && claimsPriority(alert)) {
      metrics.alertPriorityCapped.inc();
      log.info('severity claimed by an unauthenticated sender does not order the queue', { alertId: alert.id, sender: alert.sender?.name, severity: alert.severity });
    }
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
            summary: known ? `${nameOf(alert)} fired again: ${alert.summary}` : `${nameOf(alert)} joined the incident: ${alert.summary}`,
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
      timeline: [{ at: alert.startsAt, type: 'observation', source: 'alert', summary: `${nameOf(alert)} fired: ${alert.summary}`, refs: [alert.id] }, ...setAsideNote(alert)],
      gaps: [],
      // Detection is when the alert reached the agent: Alertmanager's group_wait and EventBridge
      // delivery belong to the detect phase, not to the investigation.
      milestones: { detectedAt: alert.receivedAt },
    };
    await store.putIncident(incident);
    await store.appendAudit({ at, incidentId: incident.id, actor: 'agent', action: 'incident.opened', detail: { alertId: alert.id, severity: incident.severity, target: incident.target ?? null, groupKeys, sender: alert.sender ?? null, ...(alert.setAsideLabels ? { setAsideLabels: alert.setAsideLabels } : {}) } });
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
        incident.timeline.push({ at: alert.endsAt ?? alert.receivedAt, type: 'observation', source: 'alert', summary: `${nameOf(alert)} resolved`, refs: [alert.id] });
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
    const priority = queuePriorityOf(alerts);
    await this.options.queue.enqueue({ incidentId: incident.id, priority, dedupeKey: incident.id });
    this.options.onEnqueued?.();
  }
}

/** An incident's title: the alert's summary, or its name and target; one readable line. */
function titleOf(alert: Alert): string {
  const title = alert.summary && alert.summary !== alert.name ? alert.summary : `${alert.name} on ${describeTarget(alert.target)}`;
  return readableText(title, ALERT_LIMITS.titleLength);
}

function nameOf(alert: Alert): string {
  return readableText(alert.name, ALERT_LIMITS.titleLength);
}

/** Why an alert names no target although it had target labels: on the incident's timeline, for people. */
function setAsideNote(alert: Alert): Incident['timeline'] {
  const labels = Object.keys(alert.setAsideLabels ?? {});
  if (!labels.length) return [];
  return [
    {
      at: alert.receivedAt,
      type: 'observation',
      source: 'agent',
      summary: `the alert's target labels (${labels.join(', ')}) are not all valid Kubernetes names and were set aside: the alert names no target, and nothing it says aims a query or a fix`,
      refs: [alert.id],
    },
  ];
}
