/**
 * `drain-node`: what `kubectl drain` does, with the agent's limits. The node is cordoned, then its
 * workload pods are evicted through the Eviction API, which refuses (429) any eviction that would take
 * a PodDisruptionBudget below its minimum: such pods are retried later, never forced. At most
 * `maxPodsPerAction` evictions are in flight at once. DaemonSet and mirror pods stay (they belong to
 * the node); kube-system and namespaces outside the allow-list are never touched; pods no controller
 * would recreate are left in place and reported.
 */
import { z } from 'zod';
import type { ResourceRef } from '../../../core/types.js';
import { DisruptionBudgetBlocked } from '../../evidence/cluster-writer.js';
import type { ActionEnv, Check } from '../action.js';
import { defineAction, enforce, recordPlan, unknownPlan } from '../action.js';
import { isDaemonSetPod, isMirrorPod, ownerKind, type PodObject } from '../objects.js';
import { PROTECTED_NAMESPACES, podsWithinLimit, precondition } from '../safety.js';
import { otherSchedulableNodes, readNode, schedulablePatch } from './node-common.js';

const params = z.object({
  timeoutSeconds: z.number().int().positive().default(300).describe('Give up (leaving the node cordoned) after this long'),
  retryIntervalSeconds: z.number().positive().default(5).describe('Wait between rounds of evictions blocked by a disruption budget'),
});

interface Triage {
  evict: PodObject[];
  stay: { pod: string; why: string }[];
}

function podName(p: PodObject): string {
  return `${p.metadata?.namespace}/${p.metadata?.name}`;
}

export function triage(pods: PodObject[], allowed: string[]): Triage {
  const out: Triage = { evict: [], stay: [] };
  for (const pod of pods) {
    const ns = pod.metadata?.namespace ?? '';
    if (pod.metadata?.deletionTimestamp || ['Succeeded', 'Failed'].includes(pod.status?.phase ?? '')) continue;
    if (isDaemonSetPod(pod)) out.stay.push({ pod: podName(pod), why: 'DaemonSet pod (belongs to the node)' });
    else if (isMirrorPod(pod)) out.stay.push({ pod: podName(pod), why: 'static pod' });
    else if (PROTECTED_NAMESPACES.has(ns)) out.stay.push({ pod: podName(pod), why: `${ns} is never touched` });
    else if (!allowed.includes(ns)) out.stay.push({ pod: podName(pod), why: `${ns} is not in the allow-list` });
    else if (!ownerKind(pod)) out.stay.push({ pod: podName(pod), why: 'no controller would recreate it' });
    else out.evict.push(pod);
  }
  return out;
}

async function inspect(env: ActionEnv, target: ResourceRef): Promise<{ checks: Check[]; triage: Triage; cordoned: boolean }> {
  const { node, checks } = await readNode(env, target);
  if (!node) return { checks, triage: { evict: [], stay: [] }, cordoned: false };
  checks.push(await otherSchedulableNodes(env, target.name));
  const pods = (await env.cluster.listPods(undefined, { fieldSelector: `spec.nodeName=${target.name}` })) as PodObject[];
  const t = triage(pods, env.safety.allowedNamespaces);
  checks.push(podsWithinLimit(Math.min(t.evict.length, env.safety.maxPodsPerAction), env.safety, 'evictions in flight'));
  // Nothing left to evict (the kubelet already evicted them) is fine: the drain then only cordons.
  checks.push(precondition('pods to move', true, t.evict.length ? `${t.evict.length} pod(s) to evict` : 'no workload pod left on the node: the drain only cordons it'));
  return { checks, triage: t, cordoned: Boolean(node.spec?.unschedulable) };
}

export const drainNode = defineAction({
  kind: 'drain-node',
  description: 'Cordon a node and evict its workload pods, respecting PodDisruptionBudgets',
  targetKind: 'Node',
  params,
  addresses: [
    {
      rootCause: 'node-pressure',
      order: 2,
      propose: ({ target }) => ({ params: {}, rationale: `move the workload off ${target.name} (disruption budgets respected) while the node's memory hog is dealt with or the node replaced` }),
    },
  ],
  async plan(env, target) {
    const { checks, triage: t, cordoned } = await inspect(env, target);
    const warnings = t.stay.map((s) => `stays: ${s.pod} (${s.why})`);
    let serverChecked = 0;
    if (checks.every((c) => c.ok)) {
      for (const pod of t.evict) {
        try {
          await env.cluster.evictPod(pod.metadata!.namespace!, pod.metadata!.name!, { dryRun: true });
          serverChecked++;
        } catch (error) {
          if (error instanceof DisruptionBudgetBlocked) warnings.push(`${podName(pod)}: eviction would wait for its disruption budget (${error.message})`);
          else warnings.push(`${podName(pod)}: dry-run eviction failed: ${(error as Error).message}`);
        }
      }
    }
    const diff = [
      `--- node ${target.name} (before)`,
      `+++ node ${target.name} (after)`,
      ...(cordoned ? [] : ['- spec.unschedulable: false', '+ spec.unschedulable: true']),
      ...t.evict.map((p) => `- pod ${podName(p)} (evicted; its ${ownerKind(p)} recreates it on another node)`),
    ];
    return {
      checks,
      risk: 'high',
      dryRun: { method: serverChecked > 0 ? 'server-side' : 'computed', diff, warnings },
      before: { unschedulable: cordoned, pods: t.evict.map(podName) },
      after: { unschedulable: true, pods: [] },
      description: `cordon ${target.name} and evict ${t.evict.length} pod(s), at most ${env.safety.maxPodsPerAction} at a time, waiting for disruption budgets; ${t.stay.length} pod(s) stay`,
    };
  },
  async execute(env, target, p) {
    const { checks, triage: t, cordoned } = await inspect(env, target);
    enforce(checks);
    await recordPlan(env, { before: { unschedulable: cordoned, pods: t.evict.map(podName) }, evict: t.evict.map((pod) => ({ pod: podName(pod), uid: pod.metadata?.uid ?? null })) });
    if (!cordoned) await env.cluster.patchNode(target.name, schedulablePatch(env, true), { dryRun: false });
    const deadline = env.now() + p.timeoutSeconds * 1000;
    const queue = [...t.evict];
    const evicted: string[] = [];
    const blocked = new Map<string, string>();
    while (queue.length && env.now() < deadline) {
      const batch = queue.splice(0, env.safety.maxPodsPerAction);
      const retry: PodObject[] = [];
      await Promise.all(
        batch.map(async (pod) => {
          try {
            await env.cluster.evictPod(pod.metadata!.namespace!, pod.metadata!.name!, { dryRun: false });
            evicted.push(podName(pod));
            blocked.delete(podName(pod));
          } catch (error) {
            if (!(error instanceof DisruptionBudgetBlocked)) throw error;
            blocked.set(podName(pod), error.message);
            retry.push(pod);
          }
        }),
      );
      queue.push(...retry);
      // Give replacements time to become ready (the budget frees up as they do) before the next round.
      if (queue.length) await env.sleep(p.retryIntervalSeconds * 1000, env.signal);
    }
    const left = queue.map(podName);
    const ok = left.length === 0;
    return {
      ok,
      message: ok ? `drained ${target.name}: evicted ${evicted.length} pod(s)` : `drain of ${target.name} incomplete after ${p.timeoutSeconds}s: ${left.length} pod(s) still waiting for their disruption budget (${[...blocked.values()][0] ?? ''}); the node stays cordoned`,
      before: { unschedulable: cordoned, pods: t.evict.map(podName) },
      after: { unschedulable: true, evicted, left },
    };
  },
  // Its evidence: the node is cordoned and none of the pods it meant to evict (by uid) is still there.
  async reconcile(env, target, _p, planned) {
    const evict = planned?.evict as { pod: string; uid: string | null }[] | undefined;
    if (!evict) return unknownPlan(`the drain of ${target.name}`);
    const node = (await env.cluster.readNode(target.name)) as { spec?: { unschedulable?: boolean } };
    const pods = (await env.cluster.listPods(undefined, { fieldSelector: `spec.nodeName=${target.name}` })) as PodObject[];
    const staying = new Set(pods.filter((p) => !p.metadata?.deletionTimestamp).map((p) => `${podName(p)}#${p.metadata?.uid ?? ''}`));
    const left = evict.filter((e) => staying.has(`${e.pod}#${e.uid ?? ''}`)).map((e) => e.pod);
    const evicted = evict.filter((e) => !left.includes(e.pod)).map((e) => e.pod);
    const cordoned = Boolean(node.spec?.unschedulable);
    const landed = cordoned && left.length === 0;
    return {
      landed,
      message: landed
        ? `drained ${target.name}: evicted ${evicted.length} pod(s)`
        : `the drain of ${target.name} did not finish: ${cordoned ? 'cordoned' : 'not cordoned'}, ${evicted.length} of ${evict.length} pod(s) evicted, ${left.length} still there (${left.slice(0, 3).join(', ')}${left.length > 3 ? ', ...' : ''})`,
      before: planned!.before,
      after: { unschedulable: cordoned, evicted, left },
    };
  },
  verification: (target) => [{ type: 'node-drained', name: target.name }],
  rollback: (target) => ({ description: `Uncordon ${target.name} (evicted pods stay where they were rescheduled).`, action: { kind: 'uncordon-node', target, params: {} } }),
});
