/**
 * What playbook templates and `var` conditions see (docs/playbooks/README.md lists it): the incident,
 * its target, the primary alert and all alerts, earlier steps' outputs, the root cause, and the
 * investigation window with a query step fitted to it.
 */
import { formatDuration, parseDuration } from '../../core/duration.js';
import type { Alert } from '../../core/types.js';
import type { ConditionScope } from './conditions.js';
import type { Engine, Run } from './run.js';

const severityRank = { critical: 3, warning: 2, info: 1 } as const;

export function templateVars(engine: Engine, run: Run): Record<string, unknown> {
  const incident = run.ledger.incident;
  const now = engine.clock.now();
  const firing = run.alerts.filter((a) => a.status === 'firing');
  const primary = [...(firing.length ? firing : run.alerts)].sort((a, b) => severityRank[b.severity] - severityRank[a.severity])[0];
  const earliest = Math.min(...run.alerts.map((a) => Date.parse(a.startsAt)).filter(Number.isFinite), now);
  const start = earliest - parseDuration(run.playbook.window);
  const seconds = Math.max(1, Math.round((now - start) / 1000));
  const alertVars = (a: Alert) => ({ name: a.name, source: a.source, status: a.status, severity: a.severity, summary: a.summary, description: a.description, labels: a.labels, annotations: a.annotations, startsAt: a.startsAt, fingerprint: a.fingerprint });
  return {
    incident: { id: incident.id, title: incident.title, severity: incident.severity, status: incident.status, playbook: run.playbook.name },
    target: incident.target ?? {},
    alert: primary ? alertVars(primary) : {},
    alerts: run.alerts.map(alertVars),
    labels: primary?.labels ?? {},
    steps: run.state.outputs,
    rootCause: incident.rootCause ?? null,
    window: {
      start: Math.floor(start / 1000),
      end: Math.floor(now / 1000),
      startIso: new Date(start).toISOString(),
      endIso: new Date(now).toISOString(),
      seconds,
      duration: formatDuration(seconds * 1000),
      // A range-query step giving about 240 points over the window, never below a scrape interval.
      stepSeconds: Math.max(engine.resolution?.minStepSeconds ?? 15, Math.ceil(seconds / 240)),
    },
    rateWindow: engine.resolution?.rateWindow ?? '5m',
    minStepSeconds: engine.resolution?.minStepSeconds ?? 15,
    now: new Date(now).toISOString(),
  };
}

/** What `when` conditions are evaluated against. */
export function conditionScope(engine: Engine, run: Run): ConditionScope {
  return { incident: run.ledger.incident, alerts: run.alerts, vars: templateVars(engine, run) };
}
