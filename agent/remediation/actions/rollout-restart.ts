/**
 * `rollout-restart`: what `kubectl rollout restart` does, a new pod-template annotation so the
 * Deployment replaces every pod through a rolling update (respecting maxUnavailable). Relieves a leak
 * or a pod stuck on a bad network path; it does not fix a bug, so it is a mitigation.
 */
import { z } from 'zod';
import { defineAction, unknownPlan } from '../action.js';
import { applyPatch, liveDeployment, planPatch, readTarget, replicasOf } from '../deployment-change.js';
import { precondition } from '../safety.js';

const params = z.object({});

const RESTARTED_AT = 'kubectl.kubernetes.io/restartedAt';

function patchAt(now: number) {
  return { spec: { template: { metadata: { annotations: { [RESTARTED_AT]: new Date(now).toISOString() } } } } };
}

export const rolloutRestart = defineAction({
  kind: 'rollout-restart',
  description: 'Replace every pod of a deployment through a rolling update',
  targetKind: 'Deployment',
  params,
  addresses: [
    { rootCause: 'memory-leak', order: 1, propose: ({ where }) => ({ params: {}, rationale: `memory of ${where} grows until OOMKilled: fresh pods start from a clean heap (relief, not a fix)` }) },
    {
      rootCause: 'network-latency',
      order: 1,
      propose: ({ where }) => ({ params: {}, rationale: `calls to ${where} lose time on the network path to its pods: new pods get new placement and network paths; if latency stays, the node or CNI needs attention` }),
    },
  ],
  async plan(env, target) {
    const { deployment, checks } = await readTarget(env, target);
    if (!deployment) return { checks, risk: 'medium', dryRun: { method: 'computed', diff: [], warnings: ['the deployment could not be read'] }, description: 'restart the deployment' };
    checks.push(precondition('rollout not paused', !deployment.spec?.paused, deployment.spec?.paused ? 'the deployment is paused' : 'not paused'));
    const replicas = replicasOf(deployment);
    // One replica: the rolling update surges first, but a new pod that fails to start leaves no spare.
    const risk = replicas >= 2 ? 'low' : 'medium';
    return planPatch(env, target, deployment, patchAt(env.now()), 'strategic', checks, risk, `restart the ${replicas} pod(s) of ${target.namespace}/${target.name} one by one (rolling update)`);
  },
  async execute(env, target) {
    const { deployment, checks } = await readTarget(env, target);
    const patch = patchAt(env.now());
    const restartedAt = patch.spec.template.metadata.annotations[RESTARTED_AT];
    return applyPatch(env, target, deployment ?? {}, patch, 'strategic', checks, `rolling restart of ${target.namespace}/${target.name} started`, { restartedAt });
  },
  // Its evidence: the pod template carries the restartedAt value this execution wrote.
  async reconcile(env, target, _p, planned) {
    if (typeof planned?.restartedAt !== 'string') return unknownPlan(`the restart of ${target.name}`);
    const live = await liveDeployment(env, target);
    const now = live?.spec?.template?.metadata?.annotations?.[RESTARTED_AT];
    const landed = now === planned.restartedAt;
    return {
      landed,
      message: landed ? `rolling restart of ${target.namespace}/${target.name} started (its template carries restartedAt ${now})` : `the restart of ${target.namespace}/${target.name} did not land: restartedAt is ${now ?? 'unset'}, not ${planned.restartedAt}`,
      before: planned.before,
      ...(live ? { after: { spec: live.spec } } : {}),
    };
  },
  verification: (target) => [{ type: 'deployment-healthy', namespace: target.namespace!, name: target.name }],
  rollback: () => ({ description: 'A restart has no inverse: it replaced the pods with identical ones. If the new pods misbehave, roll back to the previous revision.' }),
});
