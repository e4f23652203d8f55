/**
 * Each action tells from the live cluster whether its change landed, after the agent was killed between
 * the write and its outcome: the plan it saved before the write is compared with the object (or the
 * action's own evidence). "Killed after the write" is the write going through and the outcome never
 * recorded; "killed before the write reached the server" is the write failing after the plan was saved.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createLogger } from '../../core/log.js';
import type { ResourceRef } from '../../core/types.js';
import type { Deployment, Node, Pod } from '../../infra/local/simulation/cluster/objects.js';
import { DEPLOYMENT, NODE, POD } from '../../infra/local/simulation/cluster/resources.js';
import { profiles } from '../../infra/local/profiles.js';
import { Simulation } from '../../infra/local/simulation/simulation.js';
import { serveLocalApis } from '../../test/support/agent/local-apis.js';
import { testSafety } from '../../test/support/agent/memory-context.js';
import { KubernetesClusterWriter } from '../evidence/cluster-writer.js';
import type { ClusterWriter } from '../ports.js';
import type { ActionEnv, PlannedChange, Reconciliation } from './action.js';
import { actionOf } from './registry.js';

const START = Date.UTC(2026, 10, 25, 14, 0, 0);
const NS = 'petadoptions';
const deployment = (name: string): ResourceRef => ({ kind: 'Deployment', namespace: NS, name });
type Kind = Parameters<typeof actionOf>[0];

async function bench(seed: number, prepare?: (sim: Simulation) => void) {
  const sim = new Simulation({ start: START, profile: profiles.fast, seed });
  sim.run(60);
  prepare?.(sim);
  const apis = await serveLocalApis(sim);
  const env: ActionEnv = {
    cluster: new KubernetesClusterWriter({ kubeconfig: apis.kubeconfig, sleep: async () => undefined }),
    safety: { ...testSafety, allowedNamespaces: [NS] },
    now: () => sim.now,
    sleep: async (ms) => sim.run(ms / 1000),
    log: createLogger('test', { level: 'error' }),
  };
  return { sim, env, close: () => apis.close() };
}

/** The cluster as a killed agent left it: the first `writes` real writes went through, then none. */
function killedAfter(cluster: ClusterWriter, writes: number): ClusterWriter {
  let left = writes;
  const write =
    <A extends unknown[]>(method: (...args: A) => Promise<unknown>, dryRunOf: (...args: A) => boolean) =>
    async (...args: A): Promise<unknown> => {
      if (!dryRunOf(...args)) {
        if (left <= 0) throw new Error('socket hang up (the agent was killed)');
        left--;
      }
      return method(...args);
    };
  return {
    ...cluster,
    readDeployment: (namespace, name) => cluster.readDeployment(namespace, name),
    readNode: (name) => cluster.readNode(name),
    listReplicaSets: (namespace, selector) => cluster.listReplicaSets(namespace, selector),
    listPods: (namespace, options) => cluster.listPods(namespace, options),
    listPodDisruptionBudgets: (namespace) => cluster.listPodDisruptionBudgets(namespace),
    deletePod: write((ns: string, name: string, o: { dryRun: boolean; gracePeriodSeconds?: number }) => cluster.deletePod(ns, name, o), (_n, _m, o) => o.dryRun),
    evictPod: write((ns: string, name: string, o: { dryRun: boolean }) => cluster.evictPod(ns, name, o), (_n, _m, o) => o.dryRun),
    patchDeployment: write((ns: string, name: string, patch: unknown, o: { dryRun: boolean; patchType: 'merge' | 'strategic' | 'json' }) => cluster.patchDeployment(ns, name, patch, o), (_n, _m, _p, o) => o.dryRun),
    scaleDeployment: write((ns: string, name: string, replicas: number, o: { dryRun: boolean }) => cluster.scaleDeployment(ns, name, replicas, o), (_n, _m, _r, o) => o.dryRun),
    patchNode: write((name: string, patch: unknown, o: { dryRun: boolean }) => cluster.patchNode(name, patch, o), (_n, _p, o) => o.dryRun),
  };
}

/**
 * Executes like the remediate step (the plan saved before the write), as far as the kill allows, then
 * reconciles as the restarted agent does.
 */
async function killAndReconcile(env: ActionEnv, kind: Kind, target: ResourceRef, params: Record<string, unknown>, writesBeforeKill: number): Promise<{ planned?: PlannedChange; reconciled: Reconciliation }> {
  const action = actionOf(kind);
  const parsed = action.params.parse(params);
  let planned: PlannedChange | undefined;
  const killed: ActionEnv = { ...env, cluster: killedAfter(env.cluster, writesBeforeKill), recordPlan: async (p) => void (planned = structuredClone(p)) };
  await action.execute(killed, target, parsed).catch((error: Error) => assert.match(error.message, /socket hang up/));
  assert.ok(planned, `${kind} saved its plan before writing`);
  return { planned, reconciled: await action.reconcile(env, target, parsed, planned) };
}

test('rollout-restart: landed when the template carries the restartedAt it wrote; not when the write never arrived', async () => {
  const b = await bench(31);
  try {
    const before = b.sim.store.get<Deployment>(DEPLOYMENT, NS, 'petsearch')!;
    const landed = await killAndReconcile(b.env, 'rollout-restart', deployment('petsearch'), {}, 1);
    assert.is(landed.reconciled.landed, true, landed.reconciled.message);
    assert.match(landed.reconciled.message, /rolling restart of petadoptions\/petsearch started/);
    assert.equal((landed.reconciled.before as { spec: unknown }).spec, JSON.parse(JSON.stringify(before.spec)));
    assert.is((landed.reconciled.after as Deployment).spec.template.metadata?.annotations?.['kubectl.kubernetes.io/restartedAt'], landed.planned!.restartedAt);
    b.sim.run(5);
    const lost = await killAndReconcile(b.env, 'rollout-restart', deployment('petsearch'), {}, 0);
    assert.is(lost.reconciled.landed, false);
    assert.match(lost.reconciled.message, /did not land: restartedAt is .*, not /);
    const unknown = await actionOf('rollout-restart').reconcile(b.env, deployment('petsearch'), {}, undefined);
    assert.is(unknown.landed, false);
    assert.match(unknown.message, /no plan .* was saved/);
  } finally {
    await b.close();
  }
});

test('scale-deployment: landed when the replica count is the one it set', async () => {
  const b = await bench(32);
  try {
    const landed = await killAndReconcile(b.env, 'scale-deployment', deployment('petsite'), { by: 1 }, 1);
    assert.is(landed.reconciled.landed, true);
    assert.equal([landed.reconciled.before, landed.reconciled.after], [{ spec: { replicas: 2 } }, { spec: { replicas: 3 } }]);
    const lost = await killAndReconcile(b.env, 'scale-deployment', deployment('petsite'), { by: 1 }, 0);
    assert.is(lost.reconciled.landed, false);
    assert.match(lost.reconciled.message, /scaling of petsite to 4 did not land: it has 3 replicas/);
  } finally {
    await b.close();
  }
});

test('raise-limits: landed when the container limit is the value it set', async () => {
  const b = await bench(33);
  try {
    const landed = await killAndReconcile(b.env, 'raise-limits', deployment('petlistadoptions'), { resource: 'memory', factor: 1.5 }, 1);
    assert.is(landed.reconciled.landed, true, landed.reconciled.message);
    assert.match(landed.reconciled.message, /memory limit of petlistadoptions\/petlistadoptions is 384Mi/);
    assert.is((landed.reconciled.before as Deployment).spec.template.spec.containers[0]!.resources?.limits?.memory, '256Mi');
    const lost = await killAndReconcile(b.env, 'raise-limits', deployment('petlistadoptions'), { resource: 'memory', factor: 1.5 }, 0);
    assert.is(lost.reconciled.landed, false);
    assert.match(lost.reconciled.message, /to 576Mi did not land: the limit is 384Mi/);
  } finally {
    await b.close();
  }
});

test('rollback: landed when the pod template is the previous revision\'s', async () => {
  const bad = (sim: Simulation) => {
    sim.store.mutate<Deployment>(DEPLOYMENT, NS, 'petsearch', (d) => {
      d.spec.template.spec.containers[0]!.image = d.spec.template.spec.containers[0]!.image.replace(/:[^:]+$/, ':9.9.9-rc1');
    });
    sim.run(30);
  };
  const b = await bench(34, bad);
  try {
    const lost = await killAndReconcile(b.env, 'rollback', deployment('petsearch'), {}, 0);
    assert.is(lost.reconciled.landed, false);
    assert.match(lost.reconciled.message, /rollback of petsearch to revision \d+ did not land/, lost.reconciled.message);
    const landed = await killAndReconcile(b.env, 'rollback', deployment('petsearch'), {}, 1);
    assert.is(landed.reconciled.landed, true, landed.reconciled.message);
    assert.match((landed.reconciled.before as Deployment).spec.template.spec.containers[0]!.image, /9\.9\.9-rc1/);
    assert.not.match((landed.reconciled.after as Deployment).spec.template.spec.containers[0]!.image, /9\.9\.9/);
  } finally {
    await b.close();
  }
});

test('cordon-node and uncordon-node: landed when spec.unschedulable is what they set', async () => {
  const b = await bench(35);
  try {
    const node = b.sim.store.list<Node>(NODE)[0]!.metadata.name;
    const lost = await killAndReconcile(b.env, 'cordon-node', { kind: 'Node', name: node }, {}, 0);
    assert.equal([lost.reconciled.landed, lost.reconciled.after], [false, { spec: { unschedulable: false } }]);
    const cordoned = await killAndReconcile(b.env, 'cordon-node', { kind: 'Node', name: node }, {}, 1);
    assert.equal([cordoned.reconciled.landed, cordoned.reconciled.before, cordoned.reconciled.after], [true, { spec: { unschedulable: false } }, { spec: { unschedulable: true } }]);
    const uncordoned = await killAndReconcile(b.env, 'uncordon-node', { kind: 'Node', name: node }, {}, 1);
    assert.is(uncordoned.reconciled.landed, true);
    assert.not.ok(b.sim.store.get<Node>(NODE, undefined, node)!.spec.unschedulable);
  } finally {
    await b.close();
  }
});

test('delete-pod: landed when the pod with the uid it deleted is gone or terminating', async () => {
  const b = await bench(36);
  try {
    const [first, second] = b.sim.store.list<Pod>(POD, NS).filter((x) => x.metadata.labels?.app === 'petsite');
    const lost = await killAndReconcile(b.env, 'delete-pod', { kind: 'Pod', namespace: NS, name: first!.metadata.name }, {}, 0);
    assert.is(lost.planned!.uid, first!.metadata.uid);
    assert.is(lost.reconciled.landed, false);
    assert.match(lost.reconciled.message, /still runs/);
    const landed = await killAndReconcile(b.env, 'delete-pod', { kind: 'Pod', namespace: NS, name: second!.metadata.name }, {}, 1);
    assert.is(landed.reconciled.landed, true, landed.reconciled.message);
    b.sim.run(60);
    const later = await actionOf('delete-pod').reconcile(b.env, { kind: 'Pod', namespace: NS, name: second!.metadata.name }, {}, landed.planned);
    assert.is(later.landed, true, 'still landed once the pod is gone for good');
  } finally {
    await b.close();
  }
});

test('drain-node: landed only when cordoned and every pod it meant to evict is gone; a partial drain says what is left', async () => {
  const b = await bench(37);
  try {
    const node = b.sim.store.list<Node>(NODE)[1]!.metadata.name;
    const partial = await killAndReconcile(b.env, 'drain-node', { kind: 'Node', name: node }, { timeoutSeconds: 60, retryIntervalSeconds: 5 }, 2);
    const planned = partial.planned!.evict as { pod: string }[];
    assert.ok(planned.length >= 2, 'pods to evict');
    assert.is(partial.reconciled.landed, false);
    assert.match(partial.reconciled.message, new RegExp(`the drain of ${node} did not finish: cordoned, 1 of ${planned.length} pod\\(s\\) evicted, ${planned.length - 1} still there`));
    const rest = await killAndReconcile(b.env, 'drain-node', { kind: 'Node', name: node }, { timeoutSeconds: 120, retryIntervalSeconds: 5 }, 100);
    assert.is(rest.reconciled.landed, true, rest.reconciled.message);
    assert.equal((rest.reconciled.after as { left: string[] }).left, []);
  } finally {
    await b.close();
  }
});

test.run();
