/**
 * What the node actions share: reading the node and the other nodes (never cordon the last schedulable
 * one), and the cordon/uncordon patch with its server-side dry run.
 */
import type { ResourceRef } from '../../../core/types.js';
import { changeAnnotations } from '../../analysis/agent-changes.js';
import type { ActionEnv, Check, Plan, PlannedChange, Reconciliation } from '../action.js';
import { unknownPlan } from '../action.js';
import { objectDiff } from '../diff.js';
import type { NodeObject, PodObject } from '../objects.js';
import { precondition } from '../safety.js';

export async function readNode(env: ActionEnv, target: ResourceRef): Promise<{ node?: NodeObject; checks: Check[] }> {
  if (target.kind !== 'Node') return { checks: [precondition('target is a node', false, `got ${target.kind}`)] };
  try {
    const node = (await env.cluster.readNode(target.name)) as NodeObject;
    return { node, checks: [precondition('node exists', true, target.name)] };
  } catch (error) {
    return { checks: [precondition('node exists', false, (error as Error).message)] };
  }
}

/** Another node must take the pods: counts nodes that are schedulable, other than `name`. */
export async function otherSchedulableNodes(env: ActionEnv, name: string): Promise<Check> {
  const pods = (await env.cluster.listPods(undefined, { fieldSelector: 'status.phase=Running' }).catch(() => [])) as PodObject[];
  const nodes = new Set(pods.map((p) => p.spec?.nodeName).filter((n): n is string => Boolean(n) && n !== name));
  const schedulable: string[] = [];
  for (const n of nodes) {
    const node = (await env.cluster.readNode(n).catch(() => undefined)) as NodeObject | undefined;
    if (node && !node.spec?.unschedulable) schedulable.push(n);
  }
  return precondition('other schedulable nodes', schedulable.length > 0, `${schedulable.length} other schedulable node(s)`);
}

/** The cordon/uncordon patch, marked as the agent's (agent/analysis/agent-changes.ts). */
export function schedulablePatch(env: Pick<ActionEnv, 'change' | 'now'>, unschedulable: boolean): object {
  return { spec: { unschedulable }, ...(env.change ? { metadata: { annotations: changeAnnotations({ ...env.change, at: new Date(env.now()).toISOString() }) } } : {}) };
}

/** Cordon and uncordon's evidence: the node's `spec.unschedulable` is what they set. */
export async function reconcileSchedulable(env: ActionEnv, target: ResourceRef, planned: PlannedChange | undefined, verb: string): Promise<Reconciliation> {
  const want = (planned?.after as { spec?: { unschedulable?: boolean } } | undefined)?.spec?.unschedulable;
  if (want === undefined) return unknownPlan(`the ${verb} of ${target.name}`);
  const node = (await env.cluster.readNode(target.name)) as NodeObject;
  const now = Boolean(node.spec?.unschedulable);
  return {
    landed: now === want,
    message: now === want ? `${verb}ed ${target.name}` : `the ${verb} of ${target.name} did not land: spec.unschedulable is ${now}`,
    before: planned!.before,
    after: { spec: { unschedulable: now } },
  };
}

export async function planSchedulable(env: ActionEnv, target: ResourceRef, node: NodeObject, unschedulable: boolean, checks: Check[], description: string): Promise<Plan> {
  let after: unknown;
  const warnings: string[] = [];
  if (checks.every((c) => c.ok)) {
    try {
      after = await env.cluster.patchNode(target.name, schedulablePatch(env, unschedulable), { dryRun: true });
    } catch (error) {
      checks.push(precondition('server accepts the change (dry run)', false, (error as Error).message));
    }
  }
  const afterSpec = (after as NodeObject | undefined)?.spec ?? { ...node.spec, unschedulable };
  if (!after) warnings.push('no server-side dry run; the diff is computed');
  return {
    checks,
    risk: 'low',
    dryRun: { method: after ? 'server-side' : 'computed', diff: objectDiff({ spec: { unschedulable: Boolean(node.spec?.unschedulable) } }, { spec: { unschedulable: Boolean(afterSpec.unschedulable) } }, `node ${target.name}`), warnings },
    before: { spec: { unschedulable: Boolean(node.spec?.unschedulable) } },
    after: { spec: { unschedulable } },
    description,
  };
}
