/**
 * `rollback`: what `kubectl rollout undo` does. The pod template of the previous revision's ReplicaSet
 * (or of `toRevision`) is written back into the Deployment, which then rolls the old, known-good pods
 * out again. The fix for a rollout that broke the workload.
 */
import { agentChangedTargets } from '../../analysis/agent-changes.js';
import { targetKey } from '../../analysis/targets.js';
import { z } from 'zod';
import type { Finding, ResourceRef } from '../../../core/types.js';
import { FindingKind } from '../../analysis/finding-kinds.js';
import { defineAction, holds, unknownPlan, type ActionEnv } from '../action.js';
import { applyPatch, liveDeployment, planPatch, readTarget } from '../deployment-change.js';
import { labelSelector, revisionOf, type DeploymentObject, type PodTemplate, type ReplicaSetObject } from '../objects.js';
import { precondition } from '../safety.js';

const params = z.object({
  toRevision: z.number().int().positive().optional().describe('Revision to go back to (default: the one before the current)'),
});

interface Previous {
  revision: number;
  replicaSet: string;
  template: PodTemplate;
  current: number;
}

async function previousRevision(env: ActionEnv, namespace: string, deployment: DeploymentObject, toRevision?: number): Promise<Previous | undefined> {
  const sets = (await env.cluster.listReplicaSets(namespace, labelSelector(deployment.spec?.selector?.matchLabels))) as ReplicaSetObject[];
  const owned = sets.filter((rs) => rs.metadata?.ownerReferences?.some((o) => o.kind === 'Deployment' && o.name === deployment.metadata?.name) ?? true);
  const current = revisionOf(deployment) || Math.max(0, ...owned.map(revisionOf));
  const candidates = owned.filter((rs) => (toRevision ? revisionOf(rs) === toRevision : revisionOf(rs) < current)).sort((a, b) => revisionOf(b) - revisionOf(a));
  const rs = candidates[0];
  if (!rs?.spec?.template) return undefined;
  // The ReplicaSet's template carries the hash label the controller added; the Deployment's must not.
  const { 'pod-template-hash': _hash, ...labels } = rs.spec.template.metadata?.labels ?? {};
  return { revision: revisionOf(rs), replicaSet: rs.metadata?.name ?? '', template: { ...rs.spec.template, metadata: { ...rs.spec.template.metadata, labels } }, current };
}

/** A recent rollout of this deployment among the findings (the trigger of a crash loop). */
function recentRollout(findings: readonly Finding[], target: ResourceRef): Finding | undefined {
  return findings.find((f) => f.kind === FindingKind.recentRollout && f.subject?.name === target.name && f.subject.namespace === target.namespace);
}

/** The latest rollout is the agent's own fix (agent/analysis/agent-changes.ts): rolling back would undo it, never propose that. */
function undoesOwnChange(findings: readonly Finding[], target: ResourceRef): boolean {
  return agentChangedTargets(findings).has(targetKey({ ...target, kind: 'Deployment' }));
}

const patchOf = (template: PodTemplate) => [{ op: 'replace', path: '/spec/template', value: template }];

export const rollback = defineAction({
  kind: 'rollback',
  description: 'Roll a deployment back to its previous revision (its previous ReplicaSet\'s pod template)',
  targetKind: 'Deployment',
  params,
  addresses: [
    {
      // Only when a recent rollout started the crash loop; otherwise there is nothing safe to automate.
      rootCause: 'crash-loop',
      order: 1,
      propose: ({ target, where, findings }) => {
        const rollout = recentRollout(findings, target);
        if (!rollout || undoesOwnChange(findings, target)) return undefined;
        const changes = ((rollout.data?.changes as string[] | undefined) ?? []).slice(0, 2).join('; ') || 'template change';
        return { params: {}, rationale: `${where} crash-loops since revision ${String(rollout.data?.revision ?? '?')} (${changes}): the previous revision ran` };
      },
    },
    {
      rootCause: 'bad-deployment',
      order: 1,
      propose: ({ target, where, findings }) => (undoesOwnChange(findings, target) ? undefined : { params: {}, rationale: `the latest rollout of ${where} cannot run: go back to the previous revision` }),
    },
  ],
  async plan(env, target, p) {
    const { deployment, checks } = await readTarget(env, target);
    const previous = deployment ? await previousRevision(env, target.namespace!, deployment, p.toRevision) : undefined;
    checks.push(precondition('previous revision exists', Boolean(previous), previous ? `revision ${previous.revision} (${previous.replicaSet})` : 'no earlier ReplicaSet to go back to'));
    if (!deployment || !previous) return { checks, risk: 'medium', dryRun: { method: 'computed', diff: [], warnings: ['nothing to roll back to'] }, description: 'roll back' };
    return planPatch(env, target, deployment, patchOf(previous.template), 'json', checks, 'medium', `roll ${target.namespace}/${target.name} back from revision ${previous.current} to revision ${previous.revision} (${previous.replicaSet})`);
  },
  async execute(env, target, p) {
    const { deployment, checks } = await readTarget(env, target);
    const previous = deployment ? await previousRevision(env, target.namespace!, deployment, p.toRevision) : undefined;
    checks.push(precondition('previous revision exists', Boolean(previous), previous ? `revision ${previous.revision}` : 'none'));
    const outcome = await applyPatch(env, target, deployment ?? {}, patchOf(previous?.template ?? {}), 'json', checks, `rolled ${target.name} back to revision ${previous?.revision}`, {
      template: previous?.template ?? null,
      fromRevision: previous?.current ?? null,
      toRevision: previous?.revision ?? null,
    });
    return { ...outcome, before: { ...(outcome.before as object), revision: previous?.current }, after: { ...(outcome.after as object), revision: previous?.revision } };
  },
  // Its evidence: the deployment's pod template is the previous revision's (with the server's defaults).
  async reconcile(env, target, _p, planned) {
    if (!planned?.template) return unknownPlan(`the rollback of ${target.name}`);
    const live = await liveDeployment(env, target);
    const landed = holds(planned.template, live?.spec?.template);
    return {
      landed,
      message: landed ? `rolled ${target.name} back to revision ${String(planned.toRevision)}` : `the rollback of ${target.name} to revision ${String(planned.toRevision)} did not land: its pod template is not that revision's`,
      before: { ...(planned.before as object), revision: planned.fromRevision },
      ...(live ? { after: { spec: live.spec, revision: landed ? planned.toRevision : planned.fromRevision } } : {}),
    };
  },
  verification: (target) => [{ type: 'deployment-healthy', namespace: target.namespace!, name: target.name }],
  rollback(target, _p, before) {
    const revision = (before as { revision?: number } | undefined)?.revision;
    return {
      description: revision ? `Roll forward again to revision ${revision} (only once its problem is fixed).` : 'Roll forward again with a fixed release.',
      ...(revision ? { action: { kind: 'rollback' as const, target, params: { toRevision: revision } } } : {}),
    };
  },
});
