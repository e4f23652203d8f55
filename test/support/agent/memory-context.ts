/**
 * An in-memory StepContext: what the workflow engine gives a step, without the engine (no store, no
 * queue, no persistence). Replay cases, the case recorder and the integration tests drive the steps
 * through it; the recorders behave like the engine's (one finding per fact, a timeline observation per
 * finding, actions with ids and expiry), so conclusions reached here are the ones the agent reaches.
 */
import { systemSleep, type Sleep } from '../../../core/clock.js';
import type { Logger } from '../../../core/log.js';
import { createLogger } from '../../../core/log.js';
import type { Action, Alert, Finding, Hypothesis, Incident, ResourceRef, RootCause, TimelineEntry, Verification } from '../../../core/types.js';
import type { ClusterWriter, EvidenceSources, Notification, Notifier } from '../../../agent/ports.js';
import type { SafetyPolicy, StepContext } from '../../../agent/workflow/step.js';

export const testSafety: SafetyPolicy = {
  allowedNamespaces: ['petadoptions'],
  maxReplicas: 10,
  minReplicas: 1,
  maxPodsPerAction: 3,
  approvalRequiredFrom: 'medium',
  approvalTtlSeconds: 900,
};

export interface MemoryContextOptions {
  alerts: Alert[];
  evidence: EvidenceSources;
  now: () => number;
  /** What `context.sleep` does (default: really wait). */
  sleep?: Sleep;
  cluster?: ClusterWriter;
  safety?: SafetyPolicy;
  log?: Logger;
  signal?: AbortSignal;
  target?: ResourceRef;
  vars?: Record<string, unknown>;
}

export interface MemoryContext extends StepContext {
  readonly incident: Incident;
  readonly notifications: Notification[];
  /** Template variables, updated as steps finish (steps.<id>). */
  readonly vars: Record<string, unknown>;
}

export function newIncident(alerts: readonly Alert[], now: number, target?: ResourceRef): Incident {
  const at = new Date(now).toISOString();
  const first = alerts[0];
  return {
    id: `inc-${(first?.fingerprint ?? 'manual').slice(0, 12)}`,
    title: first ? `${first.name}: ${first.summary}` : 'manual investigation',
    status: 'investigating',
    severity: first?.severity ?? 'warning',
    createdAt: at,
    updatedAt: at,
    alertIds: alerts.map((a) => a.id),
    ...(target ? { target } : {}),
    findings: [],
    hypotheses: [],
    actions: [],
    timeline: [],
    gaps: [],
    milestones: { detectedAt: first?.startsAt ?? at, investigationStartedAt: at },
  };
}

export function memoryContext(options: MemoryContextOptions): MemoryContext {
  const target = options.target ?? options.alerts[0]?.target;
  const incident = newIncident(options.alerts, options.now(), target);
  const safety = options.safety ?? testSafety;
  const notifications: Notification[] = [];
  const iso = () => new Date(options.now()).toISOString();
  let counter = 0;
  const id = (prefix: string) => `${prefix}-${String(++counter).padStart(4, '0')}`;
  const notifier: Notifier = { notify: async (n) => void notifications.push(n) };
  const controller = new AbortController();
  const context: MemoryContext = {
    incident,
    alerts: options.alerts,
    ...(target ? { target } : {}),
    vars: { target: target ?? {}, alert: options.alerts[0] ?? {}, labels: options.alerts[0]?.labels ?? {}, steps: {}, ...options.vars },
    now: options.now,
    sleep: options.sleep ?? systemSleep,
    signal: options.signal ?? controller.signal,
    log: options.log ?? createLogger('agent-test', { level: 'error' }),
    evidence: options.evidence,
    ...(options.cluster ? { cluster: options.cluster } : {}),
    notifier,
    safety,
    notifications,
    finding(input: Omit<Finding, 'id'>): Finding {
      const existing = incident.findings.find((f) => f.source === input.source && f.kind === input.kind && f.summary === input.summary && f.observedAt === input.observedAt);
      if (existing) return existing;
      const finding: Finding = { id: id('f'), ...structuredClone(input) };
      incident.findings.push(finding);
      incident.timeline.push({ at: finding.observedAt, type: 'observation', source: finding.source, summary: finding.summary, refs: [finding.id] });
      return finding;
    },
    hypothesis(input: Omit<Hypothesis, 'id'>): Hypothesis {
      const hypothesis: Hypothesis = { id: id('h'), ...structuredClone(input) };
      incident.hypotheses.push(hypothesis);
      return hypothesis;
    },
    gap(gap) {
      if (incident.gaps.some((g) => g.source === gap.source && g.reason === gap.reason)) return;
      incident.gaps.push({ ...gap });
      incident.timeline.push({ at: iso(), type: 'gap', source: gap.source, summary: `${gap.source} unavailable: ${gap.reason}` });
    },
    timeline(entry: Omit<TimelineEntry, 'at'> & { at?: string }) {
      incident.timeline.push({ ...entry, at: entry.at ?? iso() });
    },
    setRootCause(rootCause: RootCause) {
      incident.rootCause = structuredClone(rootCause);
      incident.milestones.rootCauseAt ??= iso();
    },
    proposeAction(input): Action {
      const now = options.now();
      const action: Action = { ...structuredClone(input), id: id('act'), status: 'proposed', createdAt: new Date(now).toISOString(), expiresAt: new Date(now + safety.approvalTtlSeconds * 1000).toISOString() };
      incident.actions.push(action);
      incident.timeline.push({ at: action.createdAt, type: 'action', source: 'agent', summary: `proposed ${action.kind} of ${action.target.name} (risk ${action.risk})`, refs: [action.id] });
      return structuredClone(action);
    },
    updateAction(actionId: string, change: Partial<Action>): Action {
      const action = incident.actions.find((a) => a.id === actionId);
      if (!action) throw new Error(`no action ${actionId}`);
      Object.assign(action, structuredClone(change));
      if (change.status) incident.timeline.push({ at: iso(), type: ['executing', 'succeeded', 'failed', 'rolled-back'].includes(change.status) ? 'remediation' : 'action', source: 'agent', summary: `${action.kind} ${change.status}`, refs: [actionId] });
      return structuredClone(action);
    },
    setVerification(verification: Verification) {
      incident.verification = structuredClone(verification);
    },
  };
  return context;
}

/** Approves every proposed action, as a human (or --auto-approve) would through the API. */
export function approveAll(context: MemoryContext, by = 'tester'): void {
  const at = new Date(context.now()).toISOString();
  for (const action of context.incident.actions) {
    if (action.status !== 'proposed') continue;
    action.status = 'approved';
    action.approval = { actionId: action.id, decision: 'approved', by, at };
  }
}
