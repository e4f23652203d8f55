/**
 * One remediation action (k8sgpt style: one interface, one file per kind, one registry). An action
 * knows the root causes it addresses and how it proposes itself for each, its preconditions and safety
 * checks, how risky it is, how to show the exact change before it is made (a server-side dry run where
 * the API has one, and the diff of the object before and after), how to make it, how to tell it
 * worked, how to undo it, and how to tell from the live cluster whether its change landed (after the
 * agent was killed between the write and its outcome). Adding an action is its file (written with
 * `defineAction`) and one line in registry.ts.
 */
import type { z, ZodType } from 'zod';
import type { Sleep } from '../../core/clock.js';
import type { Logger } from '../../core/log.js';
import type { Action, ActionKind, DryRun, Finding, ResourceRef, RiskLevel, RootCause, RootCauseKind } from '../../core/types.js';
import type { ChangeMark } from '../analysis/agent-changes.js';
import type { ClusterWriter, MetricsEvidence } from '../ports.js';
import type { SafetyPolicy } from '../workflow/step.js';
import type { VerificationCondition } from './verification.js';

/** What an action may use: the cluster (reads, dry runs, writes), the policy, time. */
export interface ActionEnv {
  cluster: ClusterWriter;
  safety: SafetyPolicy;
  now: () => number;
  sleep: Sleep;
  log: Logger;
  signal?: AbortSignal;
  metrics?: MetricsEvidence;
  /** Who is making the change (incident, action): every write carries it as annotations (agent/analysis/agent-changes.ts). */
  change?: ChangeMark;
  /**
   * Saves what the action is about to change (in its execution claim) before its first write: execute()
   * calls it right before writing, so a restarted agent can reconcile with the live object.
   */
  recordPlan?(planned: PlannedChange): Promise<void>;
}

/**
 * What execute() is about to change, in the action's own terms (the expected `after`, or its evidence:
 * an annotation value, a replica count, a pod's uid). Saved before the write; read back by reconcile().
 */
export type PlannedChange = Record<string, unknown>;

/** What the live cluster says of a change after a crash: there (succeeded) or not (failed). */
export interface Reconciliation {
  landed: boolean;
  message: string;
  before?: unknown;
  after?: unknown;
}

export interface Check {
  name: string;
  ok: boolean;
  detail: string;
}

/** The exact change, shown for approval: checks, dry run, objects before and after. */
export interface Plan {
  checks: Check[];
  risk: RiskLevel;
  dryRun: DryRun;
  before?: unknown;
  after?: unknown;
  /** Words for the approver: what will happen. */
  description: string;
}

export interface Outcome {
  ok: boolean;
  message: string;
  before?: unknown;
  after?: unknown;
}

/** What the planner knows when it asks an action to propose itself. */
export interface ProposalSituation {
  rootCause: RootCause;
  /** The root cause's target, which the action is proposed on. */
  target: ResourceRef;
  /** The target for people: `namespace/name`, or `name` when it has no namespace. */
  where: string;
  findings: readonly Finding[];
}

/** How an action addresses one kind of root cause. */
export interface Remedy<I = Record<string, unknown>> {
  rootCause: RootCauseKind;
  /**
   * Its place among the actions addressing this root cause, most direct first (1 = the mitigation
   * itself); the recommend step plans and proposes them in this order.
   */
  order: number;
  /** A follow-up (after the primary action), not the mitigation itself; `followUps: false` leaves it out. */
  followUp?: boolean;
  /** The params and the reason to propose it; undefined when the evidence gives no ground for it. */
  propose(situation: ProposalSituation): { params: I; rationale: string } | undefined;
}

/** `P` is the params as the action reads them (defaults applied), `I` as a proposal writes them. */
export interface RemediationAction<P = Record<string, unknown>, I = Record<string, unknown>> {
  kind: ActionKind;
  description: string;
  targetKind: ResourceRef['kind'];
  params: ZodType<P, I>;
  /** The root causes it addresses (none: it is only proposed as another action's inverse, or by a playbook). */
  addresses: readonly Remedy<I>[];
  /** Checks preconditions and safety, dry-runs the change and computes its diff. Never changes anything. */
  plan(env: ActionEnv, target: ResourceRef, params: P): Promise<Plan>;
  /** Makes the change (the plan's checks are run again first, since time has passed). */
  execute(env: ActionEnv, target: ResourceRef, params: P): Promise<Outcome>;
  /**
   * Whether the change `planned` (saved before the write; undefined when the agent stopped before saving
   * it) is on the live object. Reads only: it never writes, so a change is never applied twice.
   */
  reconcile(env: ActionEnv, target: ResourceRef, params: P, planned: PlannedChange | undefined): Promise<Reconciliation>;
  /** What must hold afterwards, for how long, to call the symptom gone. */
  verification(target: ResourceRef, params: P): VerificationCondition[];
  /** How to undo it, in words and as the inverse action where there is one. */
  rollback(target: ResourceRef, params: P, before: unknown): Action['rollback'];
}

type ParamsSchema = ZodType<Record<string, unknown>, Record<string, unknown>>;

/** Identity, for type inference: params, proposals and handlers are typed from the action's zod schema. */
export function defineAction<S extends ParamsSchema>(action: RemediationAction<z.output<S>, z.input<S>> & { params: S }): RemediationAction<z.output<S>, z.input<S>> {
  return action;
}

export class SafetyRefusal extends Error {
  constructor(readonly checks: Check[]) {
    super(`refused by safety checks: ${checks.filter((c) => !c.ok).map((c) => `${c.name} (${c.detail})`).join('; ')}`);
    this.name = 'SafetyRefusal';
  }
}

export function failed(checks: Check[]): Check[] {
  return checks.filter((c) => !c.ok);
}

/** Throws SafetyRefusal when any check failed (execute() calls it before any write). */
export function enforce(checks: Check[]): void {
  if (failed(checks).length) throw new SafetyRefusal(checks);
}

/** Saves the planned change before the write (see ActionEnv.recordPlan). */
export async function recordPlan(env: ActionEnv, planned: PlannedChange): Promise<void> {
  await env.recordPlan?.(planned);
}

/** A reconciliation that cannot tell: no plan was saved, so nothing says what to look for. */
export function unknownPlan(what: string): Reconciliation {
  return { landed: false, message: `no plan of ${what} was saved before the agent stopped, so whether it landed cannot be told from the live object` };
}

/**
 * Whether `actual` holds everything `expected` says (objects: each key of `expected`; arrays: the same
 * length, item by item). The API server adds defaults to what it stores, so equality would be too strict.
 */
export function holds(expected: unknown, actual: unknown): boolean {
  if (Array.isArray(expected)) return Array.isArray(actual) && actual.length === expected.length && expected.every((item, i) => holds(item, actual[i]));
  if (expected !== null && typeof expected === 'object') {
    if (actual === null || typeof actual !== 'object' || Array.isArray(actual)) return false;
    return Object.entries(expected).every(([key, value]) => value === undefined || holds(value, (actual as Record<string, unknown>)[key]));
  }
  return expected === actual;
}

const riskRank: Record<RiskLevel, number> = { low: 0, medium: 1, high: 2 };

/** Whether a human must approve an action of this risk under the policy. */
export function needsApproval(risk: RiskLevel, policy: SafetyPolicy): boolean {
  return riskRank[risk] >= riskRank[policy.approvalRequiredFrom];
}

export function maxRisk(a: RiskLevel, b: RiskLevel): RiskLevel {
  return riskRank[a] >= riskRank[b] ? a : b;
}
