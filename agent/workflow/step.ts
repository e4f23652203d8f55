/**
 * The contract between the workflow engine and the steps it runs. A step kind is one small handler
 * (k8sgpt style: one interface, one registry); playbooks name kinds and give params in YAML. The engine
 * owns control flow (sequence, `parallel`, `decide`, `await-approval`), persistence, timeouts, retries
 * and the record of every step; handlers only read evidence and report through the context.
 */
import type { ZodType } from 'zod';
import type { Logger } from '../../core/log.js';
import type { Action, Alert, Finding, Hypothesis, Incident, InvestigationGap, ResourceRef, RootCause, TimelineEntry, Verification } from '../../core/types.js';
import type { ClusterWriter, EvidenceSources, Notifier } from '../ports.js';

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
}

export interface StepHandler<P = Record<string, unknown>, O = unknown> {
  kind: string;
  description: string;
  params: ZodType<P>;
  run(context: StepContext, params: P): Promise<O>;
}
