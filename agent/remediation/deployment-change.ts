/**
 * What the Deployment actions share: reading the object, the namespace check, the server-side dry run
 * of a patch (the API server admits and defaults the change and returns the object it would store) with
 * the diff of its spec, and applying the same patch for real.
 */
import type { DryRun, ResourceRef, RiskLevel } from '../../core/types.js';
import type { ActionEnv, Check, Outcome, Plan, PlannedChange } from './action.js';
import { enforce, recordPlan } from './action.js';
import { objectDiff } from './diff.js';
import { changeAnnotations, isChangeAnnotation } from '../analysis/agent-changes.js';
import type { DeploymentObject, PodTemplate } from './objects.js';
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

/**
 * The patch, marked as the agent's (agent/analysis/agent-changes.ts): the mark goes on the Deployment
 * and on its pod template, whose annotations the revision's ReplicaSet keeps, so the analysis can tell
 * the agent's own rollout from anyone else's and never blames it.
 */
export function markPatch(patch: unknown, patchType: PatchType, deployment: DeploymentObject, env: Pick<ActionEnv, 'change' | 'now'>): unknown {
  if (!env.change) return patch;
  const mark = changeAnnotations({ ...env.change, at: new Date(env.now()).toISOString() });
  if (patchType !== 'json') {
    const object = patch as { metadata?: { annotations?: Record<string, string> }; spec?: { template?: PodTemplate } };
    return { ...object, metadata: { ...object.metadata, annotations: { ...object.metadata?.annotations, ...mark } }, spec: { ...object.spec, template: withMark(object.spec?.template ?? {}, mark) } };
  }
  const ops = (patch as { op: string; path: string; value?: unknown }[]).map((op) => (op.path === '/spec/template' && 'value' in op ? { ...op, value: withMark(op.value as PodTemplate, mark) } : op));
  const templateReplaced = ops.some((op) => op.path === '/spec/template');
  return [
    ...ops,
    ...annotationOps('/metadata/annotations', deployment.metadata?.annotations, mark),
    ...(templateReplaced ? [] : annotationOps('/spec/template/metadata/annotations', deployment.spec?.template?.metadata?.annotations, mark)),
  ];
}

function withMark(template: PodTemplate, mark: Record<string, string>): PodTemplate {
  return { ...template, metadata: { ...template.metadata, annotations: { ...template.metadata?.annotations, ...mark } } };
}

/** JSON Patch adds of each annotation (keys escaped as JSON Pointer), or of the whole map when there is none yet. */
function annotationOps(path: string, existing: Record<string, string> | undefined, mark: Record<string, string>) {
  if (!existing) return [{ op: 'add', path, value: mark }];
  return Object.entries(mark).map(([key, value]) => ({ op: 'add', path: `${path}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`, value }));
}

/** A spec without the agent's marks, for the diff an approver reads: the mark is bookkeeping, not the change. */
function unmarked(spec: DeploymentObject['spec']): DeploymentObject['spec'] {
  const annotations = spec?.template?.metadata?.annotations;
  if (!spec || !annotations) return spec;
  const kept = Object.fromEntries(Object.entries(annotations).filter(([key]) => !isChangeAnnotation(key)));
  const { annotations: _all, ...metadata } = spec.template!.metadata!;
  return { ...spec, template: { ...spec.template, metadata: Object.keys(kept).length ? { ...metadata, annotations: kept } : metadata } };
}

/** Dry-runs `patch` on the server and returns the plan with the diff of before/after. */
export async function planPatch(env: ActionEnv, target: ResourceRef, deployment: DeploymentObject, patch: unknown, patchType: PatchType, checks: Check[], risk: RiskLevel, description: string): Promise<Plan> {
  const warnings: string[] = [];
  let after: unknown;
  let method: DryRun['method'] = 'server-side';
  if (checks.every((c) => c.ok)) {
    try {
      after = await env.cluster.patchDeployment(target.namespace!, target.name, markPatch(patch, patchType, deployment, env), { dryRun: true, patchType });
    } catch (error) {
      checks.push(precondition('server accepts the change (dry run)', false, (error as Error).message));
    }
  }
  if (after === undefined) {
    method = 'computed';
    warnings.push('no server-side dry run (a check failed or the server refused); the diff is not available');
  }
  const diff = after === undefined ? [] : objectDiff({ spec: unmarked(deployment.spec) }, { spec: unmarked((after as DeploymentObject).spec) }, `deployment ${target.namespace}/${target.name}`);
  if (after !== undefined && diff.length === 0) warnings.push('the dry run shows no change to the spec');
  return { checks, risk, dryRun: { method, diff, warnings }, before: { spec: deployment.spec }, after: after === undefined ? undefined : { spec: (after as DeploymentObject).spec }, description };
}

/** Checks, then the plan saved (the `before` spec and what the action will look for), then the write. */
export async function applyPatch(env: ActionEnv, target: ResourceRef, before: DeploymentObject, patch: unknown, patchType: PatchType, checks: Check[], message: string, planned: PlannedChange = {}): Promise<Outcome> {
  enforce(checks);
  await recordPlan(env, { before: { spec: before.spec }, ...planned });
  const after = (await env.cluster.patchDeployment(target.namespace!, target.name, markPatch(patch, patchType, before, env), { dryRun: false, patchType })) as DeploymentObject;
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
