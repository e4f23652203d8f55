/**
 * `delete-pod`: deletes one pod so its controller replaces it (a stuck or leaking replica). Refused
 * for pods no controller would bring back. Low risk when the workload has another ready replica.
 */
import { z } from 'zod';
import { deploymentOfPod } from '../../analysis/targets.js';
import type { Check } from '../action.js';
import { defineAction, enforce, recordPlan, unknownPlan } from '../action.js';
import { ownerKind, type DeploymentObject, type PodObject } from '../objects.js';
import { namespaceAllowed, podsWithinLimit, precondition } from '../safety.js';
import type { ActionEnv } from '../action.js';
import type { ResourceRef } from '../../../core/types.js';

const params = z.object({
  gracePeriodSeconds: z.number().int().min(0).optional(),
});

async function inspect(env: ActionEnv, target: ResourceRef): Promise<{ pod?: PodObject; spare: number; checks: Check[] }> {
  const checks: Check[] = [namespaceAllowed(target.namespace, env.safety), podsWithinLimit(1, env.safety)];
  if (target.kind !== 'Pod') return { spare: 0, checks: [...checks, precondition('target is a pod', false, `got ${target.kind}`)] };
  if (!checks[0]!.ok) return { spare: 0, checks };
  const pods = (await env.cluster.listPods(target.namespace, { fieldSelector: `metadata.name=${target.name}` })) as PodObject[];
  const pod = pods.find((p) => p.metadata?.name === target.name);
  checks.push(precondition('pod exists', Boolean(pod), pod ? `${target.namespace}/${target.name} on ${pod.spec?.nodeName ?? '?'}` : 'not found'));
  const owner = pod ? ownerKind(pod) : undefined;
  checks.push(precondition('a controller replaces it', owner === 'ReplicaSet' || owner === 'StatefulSet', owner ? `owned by a ${owner}` : 'no owner: deleting it would lose it'));
  let spare = 0;
  const deployment = deploymentOfPod(target.name);
  if (deployment) {
    try {
      const d = (await env.cluster.readDeployment(target.namespace!, deployment)) as DeploymentObject;
      spare = Math.max(0, (d.status?.readyReplicas ?? 0) - 1);
    } catch {
      spare = 0;
    }
  }
  return { ...(pod ? { pod } : {}), spare, checks };
}

function describePod(pod: PodObject | undefined, name: string): string {
  const restarts = (pod?.status?.containerStatuses ?? []).reduce((n, s) => n + (s.restartCount ?? 0), 0);
  return `pod ${name} (${pod?.status?.phase ?? '?'}, node ${pod?.spec?.nodeName ?? '?'}, ${restarts} restarts)`;
}

export const deletePod = defineAction({
  kind: 'delete-pod',
  description: 'Delete one pod so its controller replaces it',
  targetKind: 'Pod',
  params,
  // Not proposed for any root cause by itself: a playbook may ask for it explicitly.
  addresses: [],
  async plan(env, target, p) {
    const { pod, spare, checks } = await inspect(env, target);
    const warnings: string[] = [];
    let method: 'server-side' | 'computed' = 'computed';
    if (checks.every((c) => c.ok)) {
      try {
        await env.cluster.deletePod(target.namespace!, target.name, { dryRun: true, ...(p.gracePeriodSeconds !== undefined ? { gracePeriodSeconds: p.gracePeriodSeconds } : {}) });
        method = 'server-side';
      } catch (error) {
        checks.push(precondition('server accepts the deletion (dry run)', false, (error as Error).message));
      }
    }
    if (spare === 0) warnings.push('no other ready replica: the workload is unavailable until the replacement is ready');
    return {
      checks,
      risk: spare > 0 ? 'low' : 'medium',
      dryRun: { method, diff: [`--- ${target.namespace}/${target.name}`, `- ${describePod(pod, target.name)}`, '+ (deleted; its ReplicaSet creates a replacement)'], warnings },
      before: pod,
      description: `delete ${describePod(pod, target.name)}; ${spare} other ready replica(s) keep serving`,
    };
  },
  async execute(env, target, p) {
    const { pod, checks } = await inspect(env, target);
    enforce(checks);
    await recordPlan(env, { pod: target.name, uid: pod?.metadata?.uid ?? null, node: pod?.spec?.nodeName ?? null });
    await env.cluster.deletePod(target.namespace!, target.name, { dryRun: false, ...(p.gracePeriodSeconds !== undefined ? { gracePeriodSeconds: p.gracePeriodSeconds } : {}) });
    return { ok: true, message: `deleted pod ${target.name}`, before: { pod: target.name, node: pod?.spec?.nodeName }, after: { pod: null } };
  },
  // Its evidence: the pod with the uid it deleted is gone (or going: deletionTimestamp set).
  async reconcile(env, target, _p, planned) {
    if (typeof planned?.uid !== 'string') return unknownPlan(`the deletion of ${target.name}`);
    const pods = (await env.cluster.listPods(target.namespace, { fieldSelector: `metadata.name=${target.name}` })) as PodObject[];
    const same = pods.find((p) => p.metadata?.name === target.name && p.metadata.uid === planned.uid);
    const landed = !same || Boolean(same.metadata?.deletionTimestamp);
    return {
      landed,
      message: landed ? `deleted pod ${target.name}${same ? ' (terminating)' : ''}` : `the deletion of pod ${target.name} did not land: it still runs (uid ${planned.uid})`,
      before: { pod: target.name, node: planned.node },
      after: { pod: same && !landed ? target.name : null },
    };
  },
  verification(target) {
    const deployment = deploymentOfPod(target.name);
    return deployment ? [{ type: 'deployment-healthy', namespace: target.namespace!, name: deployment }] : [];
  },
  rollback: () => ({ description: 'A deleted pod is replaced by its controller; there is nothing to undo.' }),
});
