/**
 * `raise-limits`: raises one resource limit (memory or CPU) of a deployment's container by a factor
 * (at most 2x at once), or sets it to an exact value (how a rollback puts it back). The change rolls
 * the pods. The right fix for a workload that outgrew its limit; for a true leak it buys time.
 */
import { z } from 'zod';
import { defineAction, unknownPlan } from '../action.js';
import { applyPatch, liveDeployment, planPatch, readTarget } from '../deployment-change.js';
import { quantityOf, scaledQuantity, type ContainerSpec, type DeploymentObject } from '../objects.js';
import { precondition } from '../safety.js';

const params = z.object({
  resource: z.enum(['memory', 'cpu']),
  factor: z.number().min(1.05).max(2).default(1.5).describe('Multiply the current limit (at most 2x per action)'),
  /** An exact value instead of a factor (used to restore a previous limit). */
  value: z.string().optional(),
  container: z.string().optional().describe('Container name (default: the first)'),
});
type Params = z.infer<typeof params>;

/** Ceilings no single action goes above, whatever the factor (one t3.large node's allocatable). */
const CEILING = { memory: 4 * 2 ** 30, cpu: 1.9 };

function change(deployment: DeploymentObject | undefined, p: Params): { container?: ContainerSpec; from?: string; to?: string } {
  const containers = deployment?.spec?.template?.spec?.containers ?? [];
  const container = p.container ? containers.find((c) => c.name === p.container) : containers[0];
  const from = container?.resources?.limits?.[p.resource];
  const to = p.value ?? (from ? scaledQuantity(p.resource, from, p.factor) : undefined);
  return { container, from, to };
}

function patchOf(container: string, resource: string, value: string) {
  return { spec: { template: { spec: { containers: [{ name: container, resources: { limits: { [resource]: value } } }] } } } };
}

export const raiseLimits = defineAction({
  kind: 'raise-limits',
  description: 'Raise (or restore) the memory or CPU limit of a deployment\'s container',
  targetKind: 'Deployment',
  params,
  addresses: [
    { rootCause: 'memory-leak', order: 2, followUp: true, propose: ({ where }) => ({ params: { resource: 'memory' as const, factor: 1.5 }, rationale: `more headroom so ${where} survives until the leak is fixed` }) },
    { rootCause: 'cpu-throttling', order: 1, propose: ({ where }) => ({ params: { resource: 'cpu' as const, factor: 2 }, rationale: `${where} needs more CPU than its limit: a higher limit ends the throttling` }) },
  ],
  async plan(env, target, p) {
    const { deployment, checks } = await readTarget(env, target);
    const { container, from, to } = change(deployment, p);
    checks.push(precondition('container found', Boolean(container), container ? container.name : `no container ${p.container ?? ''}`));
    checks.push(precondition('current limit known', Boolean(from) || Boolean(p.value), from ? `${p.resource} limit ${from}` : `no ${p.resource} limit set`));
    if (to) checks.push(precondition('new limit under the ceiling', quantityOf(to) <= CEILING[p.resource], `${to} (ceiling ${p.resource === 'memory' ? '4Gi' : '1900m'})`));
    if (!deployment || !container || !to) return { checks, risk: 'medium', dryRun: { method: 'computed', diff: [], warnings: ['nothing to change'] }, description: `raise the ${p.resource} limit` };
    return planPatch(env, target, deployment, patchOf(container.name, p.resource, to), 'strategic', checks, 'medium', `set the ${p.resource} limit of ${target.namespace}/${target.name} (${container.name}) from ${from ?? 'none'} to ${to}; the pods are replaced by a rolling update`);
  },
  async execute(env, target, p) {
    const { deployment, checks } = await readTarget(env, target);
    const { container, from, to } = change(deployment, p);
    if (!container || !to) checks.push(precondition('limit to change', false, `no ${p.resource} limit to raise`));
    return applyPatch(env, target, deployment ?? {}, patchOf(container?.name ?? '', p.resource, to ?? ''), 'strategic', checks, `${p.resource} limit of ${target.name}/${container?.name} ${from} -> ${to}`, { container: container?.name, resource: p.resource, from: from ?? null, to });
  },
  // Its evidence: the container's limit is the value it set (compared as quantities: 1536Mi = 1.5Gi).
  async reconcile(env, target, p, planned) {
    if (typeof planned?.to !== 'string' || typeof planned.container !== 'string') return unknownPlan(`the ${p.resource} limit change of ${target.name}`);
    const live = await liveDeployment(env, target);
    const limit = live?.spec?.template?.spec?.containers?.find((c) => c.name === planned.container)?.resources?.limits?.[p.resource];
    const landed = limit !== undefined && quantityOf(limit) === quantityOf(planned.to);
    return {
      landed,
      message: landed ? `${p.resource} limit of ${target.name}/${planned.container} is ${limit}` : `the ${p.resource} limit change of ${target.name}/${planned.container} to ${planned.to} did not land: the limit is ${limit ?? 'unset'}`,
      before: planned.before,
      ...(live ? { after: { spec: live.spec } } : {}),
    };
  },
  verification: (target) => [{ type: 'deployment-healthy', namespace: target.namespace!, name: target.name }],
  rollback(target, p, before) {
    const containers = (before as { spec?: DeploymentObject['spec'] } | undefined)?.spec?.template?.spec?.containers ?? [];
    const container = p.container ? containers.find((c) => c.name === p.container) : containers[0];
    const old = container?.resources?.limits?.[p.resource];
    return {
      description: old ? `Set the ${p.resource} limit of ${target.name}/${container?.name} back to ${old}.` : `Remove the ${p.resource} limit again.`,
      ...(old ? { action: { kind: 'raise-limits' as const, target, params: { resource: p.resource, value: old, factor: 1.05, ...(container ? { container: container.name } : {}) } } } : {}),
    };
  },
});
