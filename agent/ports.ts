/**
 * The agent's ports: everything it talks to, as interfaces. Adapters live beside the concern they serve
 * (evidence/, store/, queue/, notify/, remediation/); the workflow engine and playbooks only see these.
 */
import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/log.js';
import type { Action, Alert, Approval, EvidenceSource, Incident } from '../core/types.js';
import type { DeploymentSummary, KubeEventSummary, NetworkPolicySummary, NodeSummary, PodSummary, RolloutSummary } from '../lib/kubernetes/summaries.js';
import type { Sample, Series } from '../lib/prometheus/series.js';

// ---------------------------------------------------------------------------------------------
// Evidence sources. Each fails with an EvidenceUnavailable error (never a crash); the workflow turns
// that into an InvestigationGap and carries on with the other sources.
// ---------------------------------------------------------------------------------------------

export class EvidenceUnavailable extends Error {
  constructor(
    readonly source: EvidenceSource,
    readonly reason: string,
    readonly retryable: boolean,
  ) {
    super(`${source} unavailable: ${reason}`);
    this.name = 'EvidenceUnavailable';
  }
}

/** Metric data in the kit's one vocabulary (`t` in Unix seconds). */
export type { Sample, Series } from '../lib/prometheus/series.js';

/** Prometheus, reached through our MCP server (or directly in tests). */
export interface MetricsEvidence {
  instant(promql: string, options?: { at?: number; signal?: AbortSignal }): Promise<{ labels: Record<string, string>; value: number }[]>;
  range(promql: string, options: { start: number; end: number; stepSeconds: number; signal?: AbortSignal }): Promise<Series[]>;
  /** Anomalies found by the MCP server's detectors on a range query. */
  anomalies?(promql: string, options: { start: number; end: number; stepSeconds: number; signal?: AbortSignal }): Promise<{ labels: Record<string, string>; kind: string; severity: string; score: number; explanation: string; at: number }[]>;
}

// The Kubernetes summaries are the kit's one set (lib/kubernetes), shared with the runner.
export type { DeploymentSummary, KubeEventSummary, NetworkPolicySummary, NodeSummary, PodSummary, RolloutSummary } from '../lib/kubernetes/summaries.js';

/** What an investigation reads of a deployment (recorded cases carry at least this much). */
export type DeploymentView = Pick<DeploymentSummary, 'replicas' | 'selector'>;

export interface KubernetesEvidence {
  pods(namespace: string, options?: { labelSelector?: string; fieldSelector?: string; signal?: AbortSignal }): Promise<PodSummary[]>;
  events(namespace: string | undefined, options?: { involvedObject?: string; sinceSeconds?: number; signal?: AbortSignal }): Promise<KubeEventSummary[]>;
  /** With `timestamps`, each line starts with its RFC 3339 time, as `kubectl logs --timestamps`. */
  logs(namespace: string, pod: string, options?: { container?: string; previous?: boolean; sinceSeconds?: number; tailLines?: number; timestamps?: boolean; signal?: AbortSignal }): Promise<string>;
  rollouts(namespace: string, deployment: string, options?: { signal?: AbortSignal }): Promise<RolloutSummary[]>;
  nodes(options?: { signal?: AbortSignal }): Promise<NodeSummary[]>;
  deployment(namespace: string, name: string, options?: { signal?: AbortSignal }): Promise<DeploymentView | undefined>;
  networkPolicies?(namespace: string, options?: { signal?: AbortSignal }): Promise<NetworkPolicySummary[]>;
}

export interface TraceSummaryLite {
  id: string;
  durationSeconds: number;
  responseTimeSeconds: number;
  hasFault: boolean;
  hasError: boolean;
  entryPoint?: string;
  /** Where the time or the fault came from (service names), from X-Ray's root-cause fields. */
  responseTimeRootCauses: string[];
  faultRootCauses: string[];
  /**
   * Callees whose client call, not their own segment, held the response time (X-Ray's path ends on a
   * remote entity): time spent on the wire, the signature of network latency.
   */
  responseTimeOnWire?: string[];
  /** Start of the request (Unix seconds). */
  startTime?: number;
  url?: string;
  status?: number;
}

export interface ServiceEdge {
  from: string;
  to: string;
  requests: number;
  errors: number;
  faults: number;
  averageSeconds: number;
}

/** One segment or subsegment of a trace; a callee's segment has the caller's client subsegment as `parent`. */
export interface TraceSegment {
  /** Segment/subsegment id (links a callee segment to the client call that reached it). */
  id?: string;
  service: string;
  name: string;
  start: number;
  end: number;
  parent?: string;
  remote?: boolean;
  fault?: boolean;
  error?: boolean;
}

export interface TraceEvidence {
  summaries(options: { start: number; end: number; filter?: string; limit?: number; signal?: AbortSignal }): Promise<TraceSummaryLite[]>;
  serviceGraph(options: { start: number; end: number; signal?: AbortSignal }): Promise<ServiceEdge[]>;
  /** Per-segment timing of a trace (server segment vs. client subsegment per call). */
  segments?(traceId: string, options?: { signal?: AbortSignal }): Promise<TraceSegment[]>;
}

export interface CloudWatchEvidence {
  metric(options: { namespace: string; metricName: string; dimensions: Record<string, string>; stat: string; start: number; end: number; periodSeconds: number; signal?: AbortSignal }): Promise<Sample[]>;
  logsInsights(options: { logGroups: string[]; query: string; start: number; end: number; signal?: AbortSignal }): Promise<Record<string, string>[]>;
}

export interface EvidenceSources {
  metrics?: MetricsEvidence;
  kubernetes?: KubernetesEvidence;
  traces?: TraceEvidence;
  cloudwatch?: CloudWatchEvidence;
}

// ---------------------------------------------------------------------------------------------
// Acting on the cluster.
// ---------------------------------------------------------------------------------------------

/** The Kubernetes writes remediation needs, each with a server-side dry run. */
export interface ClusterWriter {
  deletePod(namespace: string, name: string, options: { dryRun: boolean; gracePeriodSeconds?: number }): Promise<unknown>;
  evictPod(namespace: string, name: string, options: { dryRun: boolean }): Promise<unknown>;
  patchDeployment(namespace: string, name: string, patch: unknown, options: { dryRun: boolean; patchType: 'merge' | 'strategic' | 'json' }): Promise<unknown>;
  scaleDeployment(namespace: string, name: string, replicas: number, options: { dryRun: boolean }): Promise<unknown>;
  patchNode(name: string, patch: unknown, options: { dryRun: boolean }): Promise<unknown>;
  readDeployment(namespace: string, name: string): Promise<unknown>;
  readNode(name: string): Promise<unknown>;
  listReplicaSets(namespace: string, selector: string): Promise<unknown[]>;
  listPods(namespace: string | undefined, options: { labelSelector?: string; fieldSelector?: string }): Promise<unknown[]>;
  listPodDisruptionBudgets(namespace: string): Promise<unknown[]>;
}

// ---------------------------------------------------------------------------------------------
// Persistence and queueing.
// ---------------------------------------------------------------------------------------------

export interface AuditEntry {
  at: string;
  incidentId?: string;
  actor: string;
  action: string;
  detail: Record<string, unknown>;
}

export interface StateStore {
  /**
   * Records an alert notification. A duplicate is the same alert (same id) again with the same status
   * and start: a re-sent group, or a redelivered SQS message. A resolved notification, or the same
   * condition firing again after it resolved, is news.
   */
  saveAlert(alert: Alert): Promise<{ duplicate: boolean }>;
  /** The stored alerts with these ids (unknown ids are skipped), in the order asked. */
  getAlerts(ids: readonly string[]): Promise<Alert[]>;
  getIncident(id: string): Promise<Incident | undefined>;
  /** Creates or replaces; `expectedUpdatedAt` makes it a conditional write (409 on a concurrent change). */
  putIncident(incident: Incident, options?: { expectedUpdatedAt?: string }): Promise<void>;
  /** Newest first. `cursor` is the opaque value a previous page returned. */
  listIncidents(options?: { status?: Incident['status'][]; severity?: Incident['severity'][]; namespace?: string; limit?: number; cursor?: string }): Promise<{ items: Incident[]; cursor?: string }>;
  /** The open incident alerts with this grouping key belong to. */
  findOpenIncident(groupKey: string): Promise<Incident | undefined>;
  saveWorkflowState(incidentId: string, state: unknown): Promise<void>;
  loadWorkflowState(incidentId: string): Promise<unknown | undefined>;
  recordApproval(incidentId: string, approval: Approval): Promise<void>;
  appendAudit(entry: AuditEntry): Promise<void>;
  listAudit(options?: { incidentId?: string; limit?: number }): Promise<AuditEntry[]>;
}

export interface Job {
  id: string;
  incidentId: string;
  priority: number;
  attempts: number;
  enqueuedAt: string;
}

export interface WorkQueue {
  enqueue(job: { incidentId: string; priority: number; dedupeKey?: string }): Promise<Job>;
  /** Takes the highest-priority visible job and hides it for `visibilityMs` (at-least-once). */
  lease(options: { visibilityMs: number; signal?: AbortSignal }): Promise<Job | undefined>;
  ack(jobId: string): Promise<void>;
  /** Makes the job visible again after `delayMs`, or dead-letters it past the attempt limit. */
  release(jobId: string, options: { delayMs: number; reason: string }): Promise<void>;
  /** Keeps a leased job hidden for another `visibilityMs` (heartbeat of a long investigation). */
  extend?(jobId: string, options: { visibilityMs: number }): Promise<void>;
  depth(): Promise<number>;
}

// ---------------------------------------------------------------------------------------------
// Telling people.
// ---------------------------------------------------------------------------------------------

export type NotificationKind = 'incident-opened' | 'root-cause' | 'approval-requested' | 'action-executed' | 'incident-resolved' | 'incident-unresolved';

export interface Notification {
  kind: NotificationKind;
  incident: Incident;
  action?: Action;
  text: string;
  /** How to approve/reject (URLs or commands), for approval requests. */
  approve?: { approveUrl: string; rejectUrl: string; expiresAt: string };
}

export interface Notifier {
  notify(notification: Notification): Promise<void>;
}

export interface AgentRuntime {
  clock: Clock;
  log: Logger;
}
