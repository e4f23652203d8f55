/**
 * `cordon-node`: marks a node unschedulable (`kubectl cordon`), so no new pod lands on a node under
 * pressure. Nothing running is touched; undone by `uncordon-node`.
 */
import { z } from 'zod';
import { defineAction, enforce, recordPlan } from '../action.js';
import { precondition } from '../safety.js';
import { otherSchedulableNodes, planSchedulable, readNode, reconcileSchedulable, schedulablePatch } from './node-common.js';

const params = z.object({});

export const cordonNode = defineAction({
  kind: 'cordon-node',
  description: 'Mark a node unschedulable so no new pods land on it',
  targetKind: 'Node',
  params,
  addresses: [{ rootCause: 'node-pressure', order: 1, propose: ({ target }) => ({ params: {}, rationale: `node ${target.name} is short of memory: stop scheduling pods onto it` }) }],
  async plan(env, target) {
    const { node, checks } = await readNode(env, target);
    if (!node) return { checks, risk: 'low', dryRun: { method: 'computed', diff: [], warnings: [] }, description: 'cordon the node' };
    checks.push(precondition('not cordoned yet', !node.spec?.unschedulable, node.spec?.unschedulable ? 'already cordoned' : 'schedulable now'), await otherSchedulableNodes(env, target.name));
    return planSchedulable(env, target, node, true, checks, `cordon node ${target.name}: running pods stay, new pods go to other nodes`);
  },
  async execute(env, target) {
    const { node, checks } = await readNode(env, target);
    checks.push(await otherSchedulableNodes(env, target.name));
    enforce(checks);
    const change = { before: { spec: { unschedulable: Boolean(node?.spec?.unschedulable) } }, after: { spec: { unschedulable: true } } };
    await recordPlan(env, change);
    if (!node?.spec?.unschedulable) await env.cluster.patchNode(target.name, schedulablePatch(env, true), { dryRun: false });
    return { ok: true, message: `cordoned ${target.name}`, ...change };
  },
  reconcile: (env, target, _p, planned) => reconcileSchedulable(env, target, planned, 'cordon'),
  verification: () => [],
  rollback: (target) => ({ description: `Uncordon ${target.name} once the pressure is gone.`, action: { kind: 'uncordon-node', target, params: {} } }),
});
