/**
 * The cluster as steps see it: reads and dry runs pass through; a real write must belong to an action
 * the step marked `executing`, and the first write for an action persists an execution claim (the
 * action id is the idempotency key) before the change is made. The action may save its planned change
 * in the claim first (`recordPlan`), so a restarted agent can compare it with the live object. A claim
 * left by another attempt or run means the action may already have been applied: it is refused, never
 * executed twice.
 */
import type { ClusterWriter } from '../ports.js';
import type { LeafStep } from './playbook.js';
import { checkpoint, isoNow, TEMPLATE_OUTPUT_CHARS, type Engine, type Run } from './run.js';
import { truncate } from './state.js';

/** Refuses to execute an action a second time (see the guarantees in engine.ts). */
export class ActionAlreadyAttempted extends Error {
  constructor(actionId: string, claimedAt: string) {
    super(`action ${actionId} was already being executed (claimed at ${claimedAt}); it is not executed twice — check its target and act by hand if needed`);
    this.name = 'ActionAlreadyAttempted';
  }
}

/**
 * Claims `actionId` for this attempt (with its planned change, when given) and saves the claim, with
 * the incident's `executing` mark, before anything is written.
 */
export async function claimExecution(engine: Engine, run: Run, spec: LeafStep, attemptKey: string, actionId: string, planned?: unknown): Promise<void> {
  const existing = run.state.executions[actionId];
  if (existing && existing.attemptKey !== attemptKey) throw new ActionAlreadyAttempted(actionId, existing.claimedAt);
  if (existing && planned === undefined) return;
  run.state.executions[actionId] = {
    ...(existing ?? { actionId, stepId: spec.id, visit: run.state.cursor?.visit ?? 1, attemptKey, claimedAt: isoNow(engine) }),
    ...(planned === undefined ? {} : { planned: truncate(planned, TEMPLATE_OUTPUT_CHARS) }),
  };
  await checkpoint(engine, run);
}

/**
 * `executing` lists the actions the step marked executing during this attempt (the last one owns the
 * next write); `attemptKey` names the attempt.
 */
export function guardCluster(engine: Engine, run: Run, cluster: ClusterWriter, spec: LeafStep, attemptKey: string, executing: readonly string[]): ClusterWriter {
  const claim = async (dryRun: boolean): Promise<void> => {
    if (dryRun) return;
    const actionId = executing[executing.length - 1];
    if (!actionId) throw new Error(`step '${spec.id}' tried a cluster write outside an action: mark the action executing first (context.updateAction(id, { status: 'executing' })); its id keeps it from running twice`);
    await claimExecution(engine, run, spec, attemptKey, actionId);
  };
  return {
    deletePod: async (namespace, name, options) => (await claim(options.dryRun), cluster.deletePod(namespace, name, options)),
    evictPod: async (namespace, name, options) => (await claim(options.dryRun), cluster.evictPod(namespace, name, options)),
    patchDeployment: async (namespace, name, patch, options) => (await claim(options.dryRun), cluster.patchDeployment(namespace, name, patch, options)),
    scaleDeployment: async (namespace, name, replicas, options) => (await claim(options.dryRun), cluster.scaleDeployment(namespace, name, replicas, options)),
    patchNode: async (name, patch, options) => (await claim(options.dryRun), cluster.patchNode(name, patch, options)),
    readDeployment: (namespace, name) => cluster.readDeployment(namespace, name),
    readNode: (name) => cluster.readNode(name),
    listReplicaSets: (namespace, selector) => cluster.listReplicaSets(namespace, selector),
    listPods: (namespace, options) => cluster.listPods(namespace, options),
    listPodDisruptionBudgets: (namespace) => cluster.listPodDisruptionBudgets(namespace),
  };
}
