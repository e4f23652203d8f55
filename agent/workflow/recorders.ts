/**
 * What a step reports through its context, turned into changes of the incident (findings, hypotheses,
 * gaps, timeline, root cause, actions, verification), audit entries and milestones. The same recorders
 * serve every step kind; the engine only adds the control flow around them.
 *
 * Recording is idempotent where a re-run could repeat it (a step interrupted by a crash runs again):
 * the same finding, hypothesis, gap or proposed action is not recorded twice.
 */
import { randomBytes } from 'node:crypto';
import type { Logger } from '../../core/log.js';
import type { Action, Finding, Hypothesis, Incident, InvestigationGap, RootCause, TimelineEntry, Verification } from '../../core/types.js';
import type { AgentMetrics } from '../metrics.js';
import type { IncidentLedger } from './ledger.js';
import type { SafetyPolicy } from './step.js';

const shortId = (prefix: string) => `${prefix}-${randomBytes(4).toString('hex')}`;

export type RecordedEvent = { type: 'root-cause'; rootCause: RootCause } | { type: 'action'; action: Action; previous: Action['status'] | undefined };

export interface Recorders {
  finding(finding: Omit<Finding, 'id'>): Finding;
  hypothesis(hypothesis: Omit<Hypothesis, 'id'>): Hypothesis;
  gap(gap: InvestigationGap): void;
  timeline(entry: Omit<TimelineEntry, 'at'> & { at?: string }): void;
  setRootCause(rootCause: RootCause): void;
  proposeAction(action: Omit<Action, 'id' | 'status' | 'createdAt' | 'expiresAt'>): Action;
  updateAction(id: string, change: Partial<Action>): Action;
  setVerification(verification: Verification): void;
}

export interface RecorderOptions {
  ledger: IncidentLedger;
  now: () => number;
  safety: SafetyPolicy;
  metrics: AgentMetrics;
  log: Logger;
  /** Who the audit log says acted ("agent", or "agent/step:<id>"). */
  actor: string;
  /** Told after each root cause / action change, for notifications and execution claims. */
  onEvent(event: RecordedEvent): void;
  /** False once the step has ended (timed out): late calls are dropped, not recorded. */
  isOpen(): boolean;
}

const sameSubject = (a: Finding['subject'], b: Finding['subject']) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

export function createRecorders(options: RecorderOptions): Recorders {
  const { ledger, safety, metrics, log, actor } = options;
  const iso = () => new Date(options.now()).toISOString();
  const open = (what: string) => {
    if (options.isOpen()) return true;
    log.warn(`ignored ${what} recorded after the step ended (it timed out or was interrupted)`);
    return false;
  };
  const incident = (): Incident => ledger.incident;

  return {
    finding(input) {
      const existing = incident().findings.find((f) => f.source === input.source && f.kind === input.kind && f.summary === input.summary && f.observedAt === input.observedAt && sameSubject(f.subject, input.subject));
      if (existing) return structuredClone(existing);
      const finding: Finding = { id: shortId('f'), ...structuredClone(input) };
      if (!open('a finding')) return finding;
      ledger.apply((i) => {
        i.findings.push(structuredClone(finding));
        // "Records a fact (also a timeline observation)": the timeline shows when it happened.
        i.timeline.push({ at: finding.observedAt, type: 'observation', source: finding.source, summary: finding.summary, refs: [finding.id] });
      });
      return finding;
    },

    hypothesis(input) {
      const existing = incident().hypotheses.find((h) => h.kind === input.kind && h.summary === input.summary && JSON.stringify(h.target) === JSON.stringify(input.target));
      if (existing) return structuredClone(existing);
      const hypothesis: Hypothesis = { id: shortId('h'), ...structuredClone(input) };
      if (!open('a hypothesis')) return hypothesis;
      ledger.apply((i) => {
        i.hypotheses.push(structuredClone(hypothesis));
        i.timeline.push({ at: iso(), type: 'hypothesis', source: 'agent', summary: `${hypothesis.kind} (${Math.round(hypothesis.confidence * 100)}%): ${hypothesis.summary}`, refs: [hypothesis.id, ...hypothesis.supportingFindings] });
      });
      return hypothesis;
    },

    gap(gap) {
      if (!open('a gap')) return;
      if (incident().gaps.some((g) => g.source === gap.source && g.reason === gap.reason)) return;
      const at = iso();
      ledger.apply((i) => {
        if (i.gaps.some((g) => g.source === gap.source && g.reason === gap.reason)) return;
        i.gaps.push({ ...gap });
        i.timeline.push({ at, type: 'gap', source: gap.source, summary: `${gap.source} unavailable: ${gap.reason} (${gap.impact})` });
      });
    },

    timeline(entry) {
      if (!open('a timeline entry')) return;
      const full: TimelineEntry = { ...structuredClone(entry), at: entry.at ?? iso() };
      ledger.apply((i) => void i.timeline.push(structuredClone(full)));
    },

    setRootCause(rootCause) {
      if (!open('a root cause')) return;
      const at = iso();
      const copy = structuredClone(rootCause);
      ledger.apply((i) => {
        i.rootCause = structuredClone(copy);
        i.milestones.rootCauseAt ??= at;
        i.timeline.push({ at, type: 'root-cause', source: 'agent', summary: `${copy.kind} of ${copy.target.kind} ${copy.target.namespace ? `${copy.target.namespace}/` : ''}${copy.target.name} (confidence ${Math.round(copy.confidence * 100)}%): ${copy.summary}` });
      });
      ledger.audit({ actor, action: 'root-cause.identified', detail: { kind: copy.kind, target: copy.target, confidence: copy.confidence } });
      options.onEvent({ type: 'root-cause', rootCause: copy });
    },

    proposeAction(input) {
      const existing = incident().actions.find((a) => a.status === 'proposed' && a.kind === input.kind && JSON.stringify(a.target) === JSON.stringify(input.target) && JSON.stringify(a.params) === JSON.stringify(input.params));
      if (existing) return structuredClone(existing);
      const now = options.now();
      const action: Action = {
        ...structuredClone(input),
        id: shortId('act'),
        status: 'proposed',
        createdAt: new Date(now).toISOString(),
        expiresAt: new Date(now + safety.approvalTtlSeconds * 1000).toISOString(),
      };
      if (!open('a proposed action')) return action;
      ledger.apply((i) => {
        i.actions.push(structuredClone(action));
        i.timeline.push({ at: action.createdAt, type: 'action', source: 'agent', summary: `proposed ${action.kind} of ${action.target.kind} ${action.target.namespace ? `${action.target.namespace}/` : ''}${action.target.name} (risk ${action.risk}${action.requiresApproval ? ', needs approval' : ''}): ${action.rationale}`, refs: [action.id] });
      });
      ledger.audit({ actor, action: 'action.proposed', detail: { actionId: action.id, kind: action.kind, target: action.target, params: action.params, risk: action.risk, requiresApproval: action.requiresApproval, dryRun: action.dryRun ?? null } });
      metrics.actions.inc({ kind: action.kind, status: 'proposed' });
      options.onEvent({ type: 'action', action: structuredClone(action), previous: undefined });
      return action;
    },

    updateAction(id, change) {
      const current = incident().actions.find((a) => a.id === id);
      if (!current) throw new Error(`no action ${id} in incident ${ledger.id} (actions: ${incident().actions.map((a) => a.id).join(', ') || 'none'})`);
      const { id: _ignored, ...patch } = structuredClone(change);
      const previous = current.status;
      const updated: Action = { ...structuredClone(current), ...patch };
      if (!open(`an update of action ${id}`)) return updated;
      const at = iso();
      ledger.apply((i) => {
        const action = i.actions.find((a) => a.id === id);
        if (!action) return;
        Object.assign(action, structuredClone(patch));
        if (patch.status && patch.status !== previous) {
          if (patch.status === 'approved') i.milestones.remediationApprovedAt ??= action.approval?.at ?? at;
          if (patch.status === 'succeeded') i.milestones.remediatedAt ??= action.executedAt ?? at;
          const executing = ['executing', 'succeeded', 'failed', 'rolled-back'].includes(patch.status);
          i.timeline.push({ at, type: executing ? 'remediation' : 'action', source: 'agent', summary: `${action.kind} ${patch.status}${action.result?.message ? `: ${action.result.message}` : ''}`, refs: [id] });
        }
      });
      if (patch.status && patch.status !== previous) {
        ledger.audit({ actor, action: `action.${patch.status}`, detail: { actionId: id, kind: updated.kind, target: updated.target, params: updated.params, ...(updated.result ? { result: updated.result } : {}) } });
        metrics.actions.inc({ kind: updated.kind, status: patch.status });
      }
      // `executing` is told even when it repeats: it names the action the next cluster write belongs to.
      if (patch.status && (patch.status !== previous || patch.status === 'executing')) options.onEvent({ type: 'action', action: structuredClone(updated), previous });
      return updated;
    },

    setVerification(verification) {
      if (!open('a verification')) return;
      const copy = structuredClone(verification);
      const at = iso();
      ledger.apply((i) => {
        i.verification = structuredClone(copy);
        if (copy.outcome !== 'pending') i.timeline.push({ at: copy.passedAt ?? at, type: 'verification', source: 'agent', summary: `verification ${copy.outcome}: ${copy.check}${copy.detail ? ` (${copy.detail})` : ''}` });
      });
      if (copy.outcome !== 'pending') ledger.audit({ actor, action: `verification.${copy.outcome}`, detail: { check: copy.check, holdSeconds: copy.holdSeconds, detail: copy.detail ?? null } });
    },
  };
}
