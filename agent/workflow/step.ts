/**
 * The contract between the workflow engine and the steps it runs. A step kind is one small handler
 * (k8sgpt style: one interface, one registry); playbooks name kinds and give params in YAML. The engine
 * owns control flow (sequence, `parallel`, `decide`, `await-approval`), persistence, timeouts, retries
 * and the record of every step; handlers only read evidence and report through the context. What a
 * kind implies for the workflow (the source a failure leaves a gap in, the incident's status while it
 * runs) the handler declares; the engine knows no kind by name but its own control kinds.
 */
import type { z, ZodType } from 'zod';
import type { Sleep } from '../../core/clock.js';
import type { Logger } from '../../core/log.js';
import type { Action, Alert, EvidenceSource, Finding, Hypothesis, Incident, IncidentStatus, InvestigationGap, ResourceRef, RootCause, TimelineEntry, Verification } from '../../core/types.js';
import type { ClusterWriter, EvidenceSources, Notifier } from '../ports.js';
import type { ExecutionClaim } from './state.js';

export interface SafetyPolicy {
  /** Namespaces actions may touch; `kube-system` is refused whatever this says. */
  allowedNamespaces: string[];
  maxReplicas: number;
  minReplicas: number;
  /** At most this many pods deleted/evicted by one action. */
  maxPodsPerAction: number;
  /** Actions at or above this risk need a human approval. */
  approvalRequiredFrom: 'low' | 'medium' | 'high';
  approvalTtlSeconds: number;
}

export interface StepContext {
  readonly incident: Incident;
  readonly alerts: readonly Alert[];
  readonly target?: ResourceRef;
  /** Template variables: `target`, `alert` (labels/annotations of the first alert), `steps.<id>` outputs, `window`. */
  readonly vars: Record<string, unknown>;
  readonly now: () => number;
  /** Waits on the agent's clock (a manual clock in tests moves time instead of waiting). */
  readonly sleep: Sleep;
  readonly signal: AbortSignal;
  readonly log: Logger;
  readonly evidence: EvidenceSources;
  readonly cluster?: ClusterWriter;
  readonly notifier: Notifier;
  readonly safety: SafetyPolicy;
  /** Records a fact (also a timeline observation). */
  finding(finding: Omit<Finding, 'id'>): Finding;
  hypothesis(hypothesis: Omit<Hypothesis, 'id'>): Hypothesis;
  /** Records data the investigation could not reach. */
  gap(gap: InvestigationGap): void;
  timeline(entry: Omit<TimelineEntry, 'at'> & { at?: string }): void;
  setRootCause(rootCause: RootCause): void;
  proposeAction(action: Omit<Action, 'id' | 'status' | 'createdAt' | 'expiresAt'>): Action;
  updateAction(id: string, change: Partial<Action>): Action;
  setVerification(verification: Verification): void;
  /**
   * Persists everything recorded so far before the step goes on. The engine also does this by itself
   * before every real (non dry-run) `cluster` write, so an action marked `executing` is on disk before
   * the change is made: after a crash it is never executed a second time.
   */
  checkpoint?(): Promise<void>;
  /**
   * Saves what an `executing` action is about to change in its execution claim, on disk before the
   * write (so a restarted agent can tell from the live object whether it landed). Refused
   * (ActionAlreadyAttempted) when another attempt or run claimed the action.
   */
  recordPlan?(actionId: string, planned: Record<string, unknown>): Promise<void>;
  /** The action's execution claim: its saved plan, and `interrupted` when the agent stopped after it. */
  executionClaim?(actionId: string): Readonly<ExecutionClaim> | undefined;
}

/** The incident statuses a running step can imply. */
export type StepIncidentStatus = Extract<IncidentStatus, 'investigating' | 'remediating' | 'verifying'>;

export interface StepHandler<P = Record<string, unknown>, O = unknown> {
  kind: string;
  description: string;
  params: ZodType<P>;
  /**
   * An evidence-gathering kind names the source it reads: when the step fails or times out, the
   * engine records a gap in that source and the workflow goes on (unless the playbook says
   * `onError: fail`). Kinds without one fail the workflow when they fail.
   */
  gapSource?: EvidenceSource;
  /** The incident's status while a step of this kind runs (default `investigating`). */
  incidentStatus?: StepIncidentStatus;
  run(context: StepContext, params: P): Promise<O>;
}

type ParamsSchema = ZodType<Record<string, unknown>>;

/** Identity, for type inference: `run` gets its params typed from the zod schema (defaults applied). */
export function defineStep<S extends ParamsSchema, O>(handler: StepHandler<z.output<S>, O> & { params: S }): StepHandler<z.output<S>, O> {
  return handler;
}
