/**
 * Remediation: the action library (registry.ts, one file per action in actions/), the safety checks,
 * dry-run diffs, verification of the symptom, and the planner from root causes to actions.
 * docs/safety-model.md describes the whole.
 */
export type { ActionEnv, Check, Outcome, Plan, PlannedChange, ProposalSituation, Reconciliation, RemediationAction, Remedy } from './action.js';
export { defineAction, enforce, failed, maxRisk, needsApproval, SafetyRefusal } from './action.js';
export { symptomChecks } from './symptoms.js';
export { remediationActions, actionOf } from './registry.js';
export { proposalsFor, type Proposal } from './planner.js';
export { verifyConditions, describeCondition, type VerificationCondition, type VerifyEnv, type VerifyOptions } from './verification.js';
export { objectDiff } from './diff.js';
export { namespaceAllowed, replicasWithinBounds, podsWithinLimit, PROTECTED_NAMESPACES } from './safety.js';
