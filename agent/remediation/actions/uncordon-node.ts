/**
 * `uncordon-node`: makes a node schedulable again (`kubectl uncordon`), the inverse of cordon and
 * drain. Pods do not move back by themselves; new ones may land there again.
 */
import { z } from 'zod';
import { defineAction, enforce, recordPlan } from '../action.js';
import { precondition } from '../safety.js';
import { planSchedulable, readNode, reconcileSchedulable, schedulablePatch } from './node-common.js';

const params = z.object({});

export const uncordonNode = defineAction({
  kind: 'uncordon-node',
  description: 'Make a node schedulable again',
  targetKind: 'Node',
  params,
  // Proposed only as the inverse of cordon-node.
  addresses: [],
  async plan(env, target) {
    const { node, checks } = await readNode(env, target);
    if (!node) return { checks, risk: 'low', dryRun: { method: 'computed', diff: [], warnings: [] }, description: 'uncordon the node' };
    checks.push(precondition('cordoned now', Boolean(node.spec?.unschedulable), node.spec?.unschedulable ? 'cordoned' : 'already schedulable'));
    return planSchedulable(env, target, node, false, checks, `uncordon node ${target.name}: new pods may be scheduled there again`);
  },
  async execute(env, target) {
    const { node, checks } = await readNode(env, target);
    enforce(checks);
    const change = { before: { spec: { unschedulable: Boolean(node?.spec?.unschedulable) } }, after: { spec: { unschedulable: false } } };
    await recordPlan(env, change);
    if (node?.spec?.unschedulable) await env.cluster.patchNode(target.name, schedulablePatch(env, false), { dryRun: false });
    return { ok: true, message: `uncordoned ${target.name}`, ...change };
  },
  reconcile: (env, target, _p, planned) => reconcileSchedulable(env, target, planned, 'uncordon'),
  verification: (target) => [{ type: 'node-schedulable', name: target.name }],
  rollback: (target) => ({ description: `Cordon ${target.name} again.`, action: { kind: 'cordon-node', target, params: {} } }),
});
