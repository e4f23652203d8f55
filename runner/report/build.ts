/**
 * From a RunRecord (real timestamps) to report.json (DESIGN.md's ScenarioReport, exactly) and the richer
 * bundle the Markdown and HTML reports draw: both personas' manual estimates, the runbook steps with
 * their measured durations, the baseline, the evidence and the timeline.
 */
import type { ScenarioReport } from '../../core/types.js';
import { approverOf, primaryAction } from '../incidents.js';
import { DEFAULT_PERSONA, describeModel, estimateManual, personas, type ManualEstimate, type PersonaName } from '../manual-model.js';
import type { RunRecord } from '../run.js';

export interface ReportBundle {
  report: ScenarioReport;
  record: RunRecord;
  /** Manual estimates per persona (agent runs with a measured runbook). */
  manual: Partial<Record<PersonaName, ManualEstimate>>;
  /** The expected root cause was found (kind and target). */
  rootCauseMatches: boolean | null;
}

const seconds = (from: string | null, to: string | null): number | null => {
  if (!from || !to) return null;
  return Math.max(0, Math.round((Date.parse(to) - Date.parse(from)) / 100) / 10);
};

export function buildReport(record: RunRecord): ReportBundle {
  const phases = {
    detect: seconds(record.injectedAt, record.detectedAt),
    investigate: seconds(record.detectedAt, record.rootCauseAt),
    approve: seconds(record.rootCauseAt, record.remediationApprovedAt),
    remediate: seconds(record.remediationApprovedAt, record.remediatedAt),
    verify: seconds(record.remediatedAt, record.resolvedAt),
  };
  const total = record.outcome === 'resolved' ? seconds(record.injectedAt, record.resolvedAt) : null;

  const manual: ReportBundle['manual'] = {};
  if (record.mode === 'agent' && record.manualSteps.length && record.injectedAt) {
    const detectSeconds = seconds(record.injectedAt, record.alert?.firedAt ?? record.detectedAt) ?? phases.detect ?? 0;
    const recoverySeconds = seconds(record.remediatedAt, record.symptomGoneAt) ?? phases.verify ?? 0;
    for (const name of Object.keys(personas) as PersonaName[]) {
      manual[name] = estimateManual(personas[name], { detectSeconds, recoverySeconds, steps: record.manualSteps });
    }
  }
  const baseline = manual[DEFAULT_PERSONA];
  const manualSeconds = record.mode === 'manual' ? total : baseline ? Math.round(baseline.totalSeconds) : null;
  const agentSeconds = record.mode === 'agent' ? total : null;

  const incident = record.incident;
  const action = incident ? primaryAction(incident) : undefined;
  const rootCause = record.mode === 'manual' ? record.manualRootCause : (incident?.rootCause ?? null);
  const expected = record.spec?.expected.rootCause;
  const rootCauseMatches = rootCause && expected ? rootCause.kind === expected.kind && rootCause.target.kind === expected.target.kind && rootCause.target.name === expected.target.name : null;

  const report: ScenarioReport = {
    scenario: record.scenario,
    target: record.target,
    params: record.params,
    startedAt: record.startedAt,
    injectedAt: record.injectedAt ?? record.startedAt,
    detectedAt: record.detectedAt,
    investigationStartedAt: record.investigationStartedAt,
    rootCauseAt: record.rootCauseAt,
    remediationApprovedAt: record.remediationApprovedAt,
    resolvedAt: record.outcome === 'resolved' ? record.resolvedAt : null,
    phases,
    mttr: {
      agentSeconds,
      manualBaselineSeconds: manualSeconds,
      reductionPct: agentSeconds !== null && manualSeconds ? Math.round(((manualSeconds - agentSeconds) / manualSeconds) * 1000) / 10 : null,
      manualModel: record.mode === 'manual' ? 'live:presenter (phases marked by key presses)' : describeModel(DEFAULT_PERSONA),
    },
    rootCause,
    remediation: action
      ? {
          action: action.kind,
          target: action.target,
          dryRun: action.dryRun ?? null,
          // The remediation's approver, not the first action's: a human who approved beats the policy (incidents.ts).
          approvedBy: (incident && approverOf(incident)) ?? record.approvedBy,
          result: action.result?.message ?? action.status,
          rollback: action.rollback.description,
        }
      : null,
    outcome: record.outcome,
  };
  return { report, record, manual, rootCauseMatches };
}

/** timeline.json: the run's events with the phase boundaries the charts mark. */
export function buildTimeline(bundle: ReportBundle) {
  const r = bundle.report;
  return {
    scenario: r.scenario,
    runId: bundle.record.runId,
    mode: bundle.record.mode,
    milestones: {
      startedAt: r.startedAt,
      injectedAt: r.injectedAt,
      alertFiredAt: bundle.record.alert?.firedAt ?? null,
      detectedAt: r.detectedAt,
      investigationStartedAt: r.investigationStartedAt,
      rootCauseAt: r.rootCauseAt,
      remediationApprovedAt: r.remediationApprovedAt,
      remediatedAt: bundle.record.remediatedAt,
      symptomGoneAt: bundle.record.symptomGoneAt,
      resolvedAt: r.resolvedAt,
      endedAt: bundle.record.endedAt,
    },
    phases: r.phases,
    events: bundle.record.timeline,
    agentTimeline: bundle.record.incident?.timeline ?? [],
  };
}
