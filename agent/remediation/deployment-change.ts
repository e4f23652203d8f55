/**
 * What the Deployment actions share: reading the object, the namespace check, the server-side dry run
 * of a patch (the API server admits and defaults the change and returns the object it would store) with
 * the diff of its spec, and applying the same patch for real.
 */
import type { DryRun, ResourceRef, RiskLevel } from '../../core/types.js';
import type { ActionEnv, Check, Outcome, Plan, PlannedChange } from './action.js';
import { enforce, recordPlan } from './action.js';
import { objectDiff } from './diff.js';
import type { DeploymentObject } from './objects.js';
import { namespaceAllowed, precondition } from './safety.js';

export type PatchType = 'merge' | 'strategic' | 'json';

export async function readTarget(env: ActionEnv, target: ResourceRef): Promise<{ deployment?: DeploymentObject; checks: Check[] }> {
  const checks = [namespaceAllowed(target.namespace, env.safety)];
  if (target.kind !== 'Deployment') return { checks: [...checks, precondition('target is a deployment', false, `got ${target.kind}`)] };
  if (!checks[0]!.ok) return { checks };
  try {
    const deployment = (await env.cluster.readDeployment(target.namespace!, target.name)) as DeploymentObject;
    return { deployment, checks: [...checks, precondition('deployment exists', true, `${target.namespace}/${target.name}`)] };
  } catch (error) {
    return { checks: [...checks, precondition('deployment exists', false, (error as Error).message)] };
  }
}

/** Dry-runs `patch` on the server and returns the plan with the diff of before/after. */
export async function planPatch(env: ActionEnv, target: ResourceRef, deployment: DeploymentObject, patch: unknown, patchType: PatchType, checks: Check[], risk: RiskLevel, description: string): Promise<Plan> {
  const warnings: string[] = [];
  let after: unknown;
  let method: DryRun['method'] = 'server-side';
  if (checks.every((c) => c.ok)) {
    try {
      after = await env.cluster.patchDeployment(target.namespace!, target.name, patch, { dryRun: true, patchType });
    } catch (error) {
      checks.push(precondition('server accepts the change (dry run)', false, (error as Error).message));
    }
  }
  if (after === undefined) {
    method = 'computed';
    warnings.push('no server-side dry run (a check failed or the server refused); the diff is not available');
  }
  const diff = after === undefined ? [] : objectDiff({ spec: deployment.spec }, { spec: (after as DeploymentObject).spec }, `deployment ${target.namespace}/${target.name}`);
  if (after !== undefined && diff.length === 0) warnings.push('the dry run shows no change to the spec');
  return { checks, risk, dryRun: { method, diff, warnings }, before: { spec: deployment.spec }, after: after === undefined ? undefined : { spec: (after as DeploymentObject).spec }, description };
}

/** Checks, then the plan saved (the `before` spec and what the action will look for), then the write. */
export async function applyPatch(env: ActionEnv, target: ResourceRef, before: DeploymentObject, patch: unknown, patchType: PatchType, checks: Check[], message: string, planned: PlannedChange = {}): Promise<Outcome> {
  enforce(checks);
  await recordPlan(env, { before: { spec: before.spec }, ...planned });
  const after = (await env.cluster.patchDeployment(target.namespace!, target.name, patch, { dryRun: false, patchType })) as DeploymentObject;
  return { ok: true, message, before: { spec: before.spec }, after: { spec: after.spec } };
}

/** The live deployment, for reconciliation (undefined when it is gone). */
export async function liveDeployment(env: ActionEnv, target: ResourceRef): Promise<DeploymentObject | undefined> {
  try {
    return (await env.cluster.readDeployment(target.namespace!, target.name)) as DeploymentObject;
  } catch (error) {
    if ((error as { status?: number }).status === 404 || /not ?found/i.test((error as Error).message)) return undefined;
    throw error;
  }
}

export function replicasOf(deployment: DeploymentObject | undefined): number {
  return deployment?.spec?.replicas ?? 1;
}
