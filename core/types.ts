/**
 * The shared vocabulary of the kit: what flows from an alarm to a report.
 *
 *   event -> Alert -> Incident -> Investigation (Findings, Hypotheses, TimelineEntries, Gaps)
 *         -> RootCause -> Actions -> Approval -> Remediation -> Verification -> Report
 *
 * Every part (agent, MCP server, runner) imports these; nothing re-declares them. Each value is plain
 * JSON, so it can be printed, stored, audited and replayed.
 */

export type Severity = 'critical' | 'warning' | 'info';

/** A Kubernetes object an alert, finding or action is about. */
export interface ResourceRef {
  kind: 'Deployment' | 'Pod' | 'Node' | 'Service' | 'Namespace' | 'ReplicaSet' | 'DaemonSet' | 'Container';
  namespace?: string;
  name: string;
  /** For container-level subjects (a pod's container). */
  container?: string;
}

// ---------------------------------------------------------------------------------------------
// Intake
// ---------------------------------------------------------------------------------------------

export type AlertSource = 'alertmanager' | 'cloudwatch' | 'anomaly' | 'manual';

/** One alarm, normalised from whichever system raised it. */
export interface Alert {
  /** Stable id: source + fingerprint. */
  id: string;
  /** Identity of the alerting condition (Alertmanager fingerprint, alarm ARN, anomaly key). */
  fingerprint: string;
  source: AlertSource;
  /** alertname / AlarmName / anomaly detector. */
  name: string;
  status: 'firing' | 'resolved';
  severity: Severity;
  summary: string;
  description?: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  /** ISO 8601. */
  startsAt: string;
  endsAt?: string;
  receivedAt: string;
  /** The workload the alert points at, when its labels say so. */
  target?: ResourceRef;
  generatorUrl?: string;
  /** The payload as received, kept for the audit trail. */
  raw?: unknown;
  /**
   * Who delivered it: the principal of the webhook or queue it came through. An unauthenticated
   * sender's severity does not order the work queue. Absent for alerts made in-process.
   */
  sender?: { name: string; authenticated: boolean };
  /**
   * Target labels (namespace, pod, deployment, node...) set aside at intake because a value is not a
   * valid Kubernetes name: the alert then names no target. Values shortened, kept for the record only.
   */
  setAsideLabels?: Record<string, string>;
}

// ---------------------------------------------------------------------------------------------
// Investigation
// ---------------------------------------------------------------------------------------------

export type EvidenceSource = 'prometheus' | 'kubernetes' | 'events' | 'logs' | 'traces' | 'cloudwatch' | 'cloudwatch-logs' | 'alert';

/** A fact observed in one source, with the query or call that produced it. */
export interface Finding {
  id: string;
  source: EvidenceSource;
  /** Machine-readable kind, e.g. "memory-near-limit", "oom-killed", "cpu-throttled", "recent-rollout". */
  kind: string;
  summary: string;
  subject?: ResourceRef;
  severity: Severity;
  /** When the observed thing happened (not when it was fetched). */
  observedAt: string;
  /** What was asked (PromQL, API path, filter expression) so it can be re-run. */
  query?: string;
  data?: Record<string, unknown>;
}

export type RootCauseKind = 'memory-leak' | 'cpu-throttling' | 'node-pressure' | 'crash-loop' | 'network-latency' | 'bad-deployment' | 'unknown';

export const ROOT_CAUSE_KINDS: readonly RootCauseKind[] = ['memory-leak', 'cpu-throttling', 'node-pressure', 'crash-loop', 'network-latency', 'bad-deployment', 'unknown'];

/** A candidate explanation, kept apart from the facts that support or contradict it. */
export interface Hypothesis {
  id: string;
  kind: RootCauseKind;
  target: ResourceRef;
  confidence: number;
  summary: string;
  supportingFindings: string[];
  contradictingFindings: string[];
}

export interface Evidence {
  source: EvidenceSource;
  summary: string;
  findingId?: string;
  query?: string;
  at?: string;
}

export interface RootCause {
  kind: RootCauseKind;
  target: { kind: ResourceRef['kind']; namespace?: string; name: string };
  /** 0..1, calibrated (docs/confidence.md). */
  confidence: number;
  summary: string;
  evidence: Evidence[];
}

export type TimelineEntryType = 'observation' | 'finding' | 'hypothesis' | 'root-cause' | 'action' | 'approval' | 'remediation' | 'verification' | 'notification' | 'gap';

export interface TimelineEntry {
  at: string;
  type: TimelineEntryType;
  source: EvidenceSource | 'agent' | 'human';
  summary: string;
  refs?: string[];
}

/** Data the investigation could not reach, and what that means for the conclusion. */
export interface InvestigationGap {
  source: EvidenceSource;
  reason: string;
  impact: string;
}

// ---------------------------------------------------------------------------------------------
// Remediation
// ---------------------------------------------------------------------------------------------

export type ActionKind = 'delete-pod' | 'rollout-restart' | 'scale-deployment' | 'raise-limits' | 'rollback' | 'cordon-node' | 'drain-node' | 'uncordon-node';

export type ActionStatus = 'proposed' | 'approved' | 'rejected' | 'expired' | 'executing' | 'succeeded' | 'failed' | 'rolled-back';

export type RiskLevel = 'low' | 'medium' | 'high';

export interface DryRun {
  /** Server-side dry run when the API supports it; a computed diff otherwise. */
  method: 'server-side' | 'computed';
  /** Unified-diff-like lines of the change (before/after). */
  diff: string[];
  warnings: string[];
}

export interface Approval {
  actionId: string;
  decision: 'approved' | 'rejected';
  by: string;
  at: string;
  comment?: string;
}

export interface Action {
  id: string;
  kind: ActionKind;
  target: ResourceRef;
  params: Record<string, unknown>;
  rationale: string;
  risk: RiskLevel;
  requiresApproval: boolean;
  status: ActionStatus;
  dryRun?: DryRun;
  /** How to undo it, in words and as the inverse action where one exists. */
  rollback: { description: string; action?: { kind: ActionKind; target: ResourceRef; params: Record<string, unknown> } };
  approval?: Approval;
  createdAt: string;
  expiresAt: string;
  executedAt?: string;
  result?: { ok: boolean; message: string; before?: unknown; after?: unknown };
}

export interface Verification {
  /** The check (PromQL or API condition) that must hold for `holdSeconds`. */
  check: string;
  holdSeconds: number;
  startedAt: string;
  passedAt?: string;
  outcome: 'passed' | 'failed' | 'pending';
  detail?: string;
}

// ---------------------------------------------------------------------------------------------
// Incident
// ---------------------------------------------------------------------------------------------

export type IncidentStatus = 'open' | 'investigating' | 'awaiting-approval' | 'remediating' | 'verifying' | 'resolved' | 'unresolved' | 'closed';

export interface Incident {
  id: string;
  title: string;
  status: IncidentStatus;
  severity: Severity;
  createdAt: string;
  updatedAt: string;
  /** Alert ids grouped into this incident. */
  alertIds: string[];
  /**
   * Keys that related alerts share (same target, or same namespace + service), by which later alerts
   * join this incident while it is open (agent/intake/grouping.ts). Optional: older records lack it.
   */
  groupKeys?: string[];
  target?: ResourceRef;
  playbook?: string;
  findings: Finding[];
  hypotheses: Hypothesis[];
  rootCause?: RootCause;
  actions: Action[];
  verification?: Verification;
  timeline: TimelineEntry[];
  gaps: InvestigationGap[];
  /** The scenario run that caused it, when run-scenario started it and recorded itself (PUT /incidents/:id/run). */
  run?: IncidentRun;
  /** Milestones for MTTR (ISO 8601). */
  milestones: {
    detectedAt?: string;
    investigationStartedAt?: string;
    rootCauseAt?: string;
    remediationApprovedAt?: string;
    remediatedAt?: string;
    resolvedAt?: string;
  };
}

/** A run of `run-scenario` recorded on the incident it caused (the runner's report is in `reportDir`, on the runner's machine). */
export interface IncidentRun {
  runId: string;
  scenario: string;
  /** Absolute path of the run's report folder (report.html, report.md) where run-scenario wrote it. */
  reportDir: string;
  /** The operator token that recorded it, and when. */
  recordedBy: string;
  recordedAt: string;
}

// ---------------------------------------------------------------------------------------------
// Report (report.json of one scenario run; DESIGN.md contract)
// ---------------------------------------------------------------------------------------------

export interface ScenarioReport {
  scenario: string;
  target: 'local' | 'eks';
  params: Record<string, string>;
  startedAt: string;
  injectedAt: string;
  detectedAt: string | null;
  investigationStartedAt: string | null;
  rootCauseAt: string | null;
  remediationApprovedAt: string | null;
  resolvedAt: string | null;
  /** Seconds per phase. */
  phases: { detect: number | null; investigate: number | null; approve: number | null; remediate: number | null; verify: number | null };
  mttr: { agentSeconds: number | null; manualBaselineSeconds: number | null; reductionPct: number | null; manualModel: string };
  rootCause: RootCause | null;
  remediation: { action: ActionKind | null; target: ResourceRef | null; dryRun: DryRun | null; approvedBy: string | null; result: string | null; rollback: string | null } | null;
  outcome: 'resolved' | 'unresolved';
}
