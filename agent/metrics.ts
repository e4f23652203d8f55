/**
 * The agent's own Prometheus metrics (`GET /metrics`). One registry per agent, never prom-client's
 * global one, so two agents in one process (tests, benchmarks) do not share counters. Labels are small,
 * fixed sets (sources, reasons, kinds, statuses) to keep cardinality bounded.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export type RejectReason = 'malformed-json' | 'too-large' | 'invalid-payload' | 'unsupported-event' | 'rate-limited' | 'internal';

export class AgentMetrics {
  readonly registry = new Registry();
  readonly alertsReceived = new Counter({ name: 'agent_alerts_received_total', help: 'Alert notifications accepted, by source and status.', labelNames: ['source', 'status'], registers: [this.registry] });
  readonly alertsRejected = new Counter({ name: 'agent_alerts_rejected_total', help: 'Payloads refused (4xx), by reason.', labelNames: ['reason'], registers: [this.registry] });
  readonly alertsDeduplicated = new Counter({ name: 'agent_alerts_deduplicated_total', help: 'Alert notifications that repeated one already recorded.', labelNames: ['source'], registers: [this.registry] });
  readonly alertsThrottled = new Counter({ name: 'agent_alerts_throttled_total', help: 'New alerts refused (429) because their sender was over its rate, by whether the sender was authenticated.', labelNames: ['authenticated'], registers: [this.registry] });
  readonly alertLabelsSetAside = new Counter({ name: 'agent_alert_labels_set_aside_total', help: 'Alerts taken without a target because a target label was not a valid Kubernetes name, by label.', labelNames: ['label'], registers: [this.registry] });
  readonly alertsOverrideRefused = new Counter({ name: 'agent_alerts_override_refused_total', help: 'Notifications from unauthenticated senders ignored because an authenticated sender raised the alert they would change or resolve.', registers: [this.registry] });
  readonly alertPriorityCapped = new Counter({ name: 'agent_alert_priority_capped_total', help: 'Alerts from unauthenticated senders whose claimed severity was above what orders the queue (warning).', registers: [this.registry] });
  readonly alertsGrouped = new Counter({ name: 'agent_alerts_grouped_total', help: 'Firing alerts that joined an open incident instead of opening one.', registers: [this.registry] });
  readonly incidentsOpened = new Counter({ name: 'agent_incidents_opened_total', help: 'Incidents opened, by severity.', labelNames: ['severity'], registers: [this.registry] });
  private depthOf?: () => Promise<number>;
  readonly queueDepth: Gauge;
  readonly investigationsInFlight = new Gauge({ name: 'agent_investigations_in_flight', help: 'Investigations a worker is running now.', registers: [this.registry] });
  readonly investigationDuration = new Histogram({
    name: 'agent_investigation_duration_seconds',
    help: 'From the start of an investigation to its end (resolved, unresolved) or to the approval point.',
    labelNames: ['playbook', 'outcome'],
    buckets: [0.1, 0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300],
    registers: [this.registry],
  });
  readonly steps = new Counter({ name: 'agent_workflow_steps_total', help: 'Workflow steps run, by kind and final status.', labelNames: ['kind', 'status'], registers: [this.registry] });
  readonly actions = new Counter({ name: 'agent_actions_total', help: 'Remediation action transitions, by kind and status.', labelNames: ['kind', 'status'], registers: [this.registry] });
  readonly approvals = new Counter({ name: 'agent_approvals_total', help: 'Approval decisions, by decision (approved, rejected, expired, auto).', labelNames: ['decision'], registers: [this.registry] });
  readonly notifications = new Counter({ name: 'agent_notifications_total', help: 'Notifications sent, by kind and result.', labelNames: ['kind', 'result'], registers: [this.registry] });
  readonly deadLetters = new Counter({ name: 'agent_jobs_dead_lettered_total', help: 'Jobs given up after their attempt limit.', registers: [this.registry] });

  constructor(options: { defaultMetrics?: boolean } = {}) {
    if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: this.registry });
    const depthOf = () => this.depthOf;
    this.queueDepth = new Gauge({
      name: 'agent_queue_depth',
      help: 'Jobs waiting in the work queue.',
      registers: [this.registry],
      // Read when scraped: the queue is the source of truth, not a counter kept beside it.
      async collect() {
        const read = depthOf();
        if (!read) return;
        try {
          this.set(await read());
        } catch {
          // An unreachable queue shows its last known depth; /readyz reports the outage.
        }
      },
    });
  }

  trackQueueDepth(depth: () => Promise<number>): void {
    this.depthOf = depth;
  }
}
