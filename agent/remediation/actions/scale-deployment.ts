/**
 * `scale-deployment`: sets a deployment's replica count (through the scale subresource, as `kubectl
 * scale` does), within the policy's bounds. Scaling out spreads load (CPU-bound services); scaling
 * in is riskier and needs approval.
 */
import { z } from 'zod';
import { defineAction, enforce, recordPlan, unknownPlan } from '../action.js';
import { liveDeployment, readTarget, replicasOf } from '../deployment-change.js';
import { objectDiff } from '../diff.js';
import { precondition, replicasWithinBounds } from '../safety.js';

const params = z.object({
  replicas: z.number().int().min(0).optional().describe('Replica count to set'),
  by: z.number().int().optional().describe('Change relative to the current count (+1, -1)'),
});
type Params = z.infer<typeof params>;

function desired(current: number, p: Params): number {
  return p.replicas ?? current + (p.by ?? 1);
}

export const scaleDeployment = defineAction({
  kind: 'scale-deployment',
  description: 'Set the number of replicas of a deployment',
  targetKind: 'Deployment',
  params,
  addresses: [{ rootCause: 'cpu-throttling', order: 2, followUp: true, propose: ({ where }) => ({ params: { by: 1 }, rationale: `one more replica of ${where} spreads the load` }) }],
  async plan(env, target, p) {
    const { deployment, checks } = await readTarget(env, target);
    const current = replicasOf(deployment);
    const want = desired(current, p);
    checks.push(replicasWithinBounds(want, env.safety), precondition('a change', want !== current, `${current} -> ${want}`));
    const risk = want >= current ? 'low' : 'medium';
    let method: 'server-side' | 'computed' = 'computed';
    const warnings: string[] = [];
    let after: unknown;
    if (deployment && checks.every((c) => c.ok)) {
      try {
        after = await env.cluster.scaleDeployment(target.namespace!, target.name, want, { dryRun: true });
        method = 'server-side';
      } catch (error) {
        checks.push(precondition('server accepts the change (dry run)', false, (error as Error).message));
      }
    }
    const replicasAfter = (after as { spec?: { replicas?: number } } | undefined)?.spec?.replicas ?? want;
    const diff = objectDiff({ spec: { replicas: current } }, { spec: { replicas: replicasAfter } }, `deployment ${target.namespace}/${target.name} (scale)`);
    if (!after) warnings.push('no server-side dry run; the diff is computed');
    return { checks, risk, dryRun: { method, diff, warnings }, before: { spec: { replicas: current } }, after: { spec: { replicas: replicasAfter } }, description: `scale ${target.namespace}/${target.name} from ${current} to ${want} replicas` };
  },
  async execute(env, target, p) {
    const { deployment, checks } = await readTarget(env, target);
    const current = replicasOf(deployment);
    const want = desired(current, p);
    checks.push(replicasWithinBounds(want, env.safety));
    enforce(checks);
    await recordPlan(env, { before: { spec: { replicas: current } }, after: { spec: { replicas: want } } });
    await env.cluster.scaleDeployment(target.namespace!, target.name, want, { dryRun: false });
    return { ok: true, message: `scaled ${target.name} ${current} -> ${want}`, before: { spec: { replicas: current } }, after: { spec: { replicas: want } } };
  },
  // Its evidence: the replica count it set.
  async reconcile(env, target, _p, planned) {
    const want = (planned?.after as { spec?: { replicas?: number } } | undefined)?.spec?.replicas;
    if (want === undefined) return unknownPlan(`the scaling of ${target.name}`);
    const live = await liveDeployment(env, target);
    const replicas = live?.spec?.replicas;
    const landed = replicas === want;
    return {
      landed,
      message: landed ? `scaled ${target.name} to ${want}` : `the scaling of ${target.name} to ${want} did not land: it has ${replicas ?? 'no'} replicas`,
      before: planned!.before,
      after: { spec: { replicas: replicas ?? null } },
    };
  },
  verification: (target) => [{ type: 'deployment-healthy', namespace: target.namespace!, name: target.name }],
  rollback(target, _p, before) {
    const replicas = (before as { spec?: { replicas?: number } } | undefined)?.spec?.replicas;
    return replicas === undefined
      ? { description: 'Scale back to the previous replica count.' }
      : { description: `Scale ${target.name} back to ${replicas} replicas.`, action: { kind: 'scale-deployment', target, params: { replicas } } };
  },
});
