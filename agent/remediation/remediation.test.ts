/**
 * The action library against the local Kubernetes API over a running simulation: plans are server-side
 * dry runs that change nothing and show the exact diff, safety checks refuse what the policy forbids,
 * execution changes the cluster, drains respect disruption budgets, verification holds before it
 * passes, and each action knows its inverse.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createLogger } from '../../core/log.js';
import type { ChaosObject, Deployment, Node, Pod, PodDisruptionBudget } from '../../infra/local/simulation/cluster/objects.js';
import { DEPLOYMENT, NODE, PDB, POD, STRESSCHAOS } from '../../infra/local/simulation/cluster/resources.js';
import { profiles } from '../../infra/local/profiles.js';
import { Simulation } from '../../infra/local/simulation/simulation.js';
import { KubernetesClusterWriter } from '../evidence/cluster-writer.js';
import type { ResourceRef } from '../../core/types.js';
import { serveLocalApis, type LocalApis } from '../../test/support/agent/local-apis.js';
import { testSafety } from '../../test/support/agent/memory-context.js';
import type { ActionEnv } from './action.js';
import { needsApproval } from './action.js';
import { actionOf } from './registry.js';
import { verifyConditions } from './verification.js';

const START = Date.UTC(2026, 10, 25, 14, 0, 0);
const NS = 'petadoptions';
const deployment = (name: string): ResourceRef => ({ kind: 'Deployment', namespace: NS, name });

interface Bench {
  sim: Simulation;
  apis: LocalApis;
  env: ActionEnv;
  close(): Promise<void>;
}

/** A settled cluster served on loopback; sleeping advances the simulation instead of the wall clock. */
async function bench(seed: number, prepare?: (sim: Simulation) => void): Promise<Bench> {
  const sim = new Simulation({ start: START, profile: profiles.fast, seed });
  sim.run(60);
  prepare?.(sim);
  const apis = await serveLocalApis(sim);
  const env: ActionEnv = {
    cluster: new KubernetesClusterWriter({ kubeconfig: apis.kubeconfig, sleep: async () => undefined }),
    safety: { ...testSafety, allowedNamespaces: [NS, 'amazon-cloudwatch'] },
    now: () => sim.now,
    sleep: async (ms) => sim.run(ms / 1000),
    log: createLogger('test', { level: 'error' }),
  };
  return { sim, apis, env, close: () => apis.close() };
}

const plan = (env: ActionEnv, kind: Parameters<typeof actionOf>[0], target: ResourceRef, params: Record<string, unknown> = {}) => {
  const action = actionOf(kind);
  return action.plan(env, target, action.params.parse(params));
};
const execute = (env: ActionEnv, kind: Parameters<typeof actionOf>[0], target: ResourceRef, params: Record<string, unknown> = {}) => {
  const action = actionOf(kind);
  return action.execute(env, target, action.params.parse(params));
};

test('rollout-restart: a server-side dry run with the exact diff changes nothing; execution rolls the pods; verification holds', async () => {
  const b = await bench(21);
  try {
    const before = b.sim.store.get<Deployment>(DEPLOYMENT, NS, 'petsearch')!;
    const p = await plan(b.env, 'rollout-restart', deployment('petsearch'));
    assert.ok(p.checks.every((c) => c.ok), JSON.stringify(p.checks));
    assert.is(p.dryRun.method, 'server-side');
    assert.is(p.risk, 'low', 'two replicas: low risk');
    assert.ok(p.dryRun.diff.some((l) => /^\+ spec\.template\.metadata\.annotations\.kubectl\.kubernetes\.io\/restartedAt: "2026-11-25T14:01:00/.test(l)), p.dryRun.diff.join('\n'));
    assert.is(b.sim.store.get<Deployment>(DEPLOYMENT, NS, 'petsearch')!.metadata.generation, before.metadata.generation, 'dry run stored nothing');
    const podsBefore = b.sim.store.list<Pod>(POD, NS).filter((x) => x.metadata.labels?.app === 'petsearch').map((x) => x.metadata.name);
    const outcome = await execute(b.env, 'rollout-restart', deployment('petsearch'));
    assert.ok(outcome.ok);
    const verification = await verifyConditions(b.env, actionOf('rollout-restart').verification(deployment('petsearch'), {}), { holdSeconds: 20, timeoutSeconds: 180, intervalSeconds: 5 });
    assert.is(verification.outcome, 'passed', verification.detail);
    const podsAfter = b.sim.store.list<Pod>(POD, NS).filter((x) => x.metadata.labels?.app === 'petsearch' && !x.metadata.deletionTimestamp).map((x) => x.metadata.name);
    assert.ok(podsAfter.every((n) => !podsBefore.includes(n)), 'every pod replaced');
    assert.match(actionOf('rollout-restart').rollback(deployment('petsearch'), {}, outcome.before).description, /no inverse/);
  } finally {
    await b.close();
  }
});

test('raise-limits: the diff names the one limit that changes, the inverse action restores it', async () => {
  const b = await bench(22);
  try {
    const p = await plan(b.env, 'raise-limits', deployment('petlistadoptions'), { resource: 'memory', factor: 1.5 });
    assert.is(p.risk, 'medium');
    assert.ok(needsApproval(p.risk, b.env.safety));
    const changed = p.dryRun.diff.filter((l) => l.startsWith('-') || l.startsWith('+')).filter((l) => !l.startsWith('---') && !l.startsWith('+++'));
    assert.equal(changed, ['- spec.template.spec.containers[petlistadoptions].resources.limits.memory: "256Mi"', '+ spec.template.spec.containers[petlistadoptions].resources.limits.memory: "384Mi"']);
    const outcome = await execute(b.env, 'raise-limits', deployment('petlistadoptions'), { resource: 'memory', factor: 1.5 });
    assert.is(b.sim.store.get<Deployment>(DEPLOYMENT, NS, 'petlistadoptions')!.spec.template.spec.containers[0]!.resources?.limits?.memory, '384Mi');
    const undo = actionOf('raise-limits').rollback(deployment('petlistadoptions'), { resource: 'memory', factor: 1.5 }, outcome.before);
    assert.equal(undo.action?.params, { resource: 'memory', value: '256Mi', factor: 1.05, container: 'petlistadoptions' });
    await execute(b.env, 'raise-limits', deployment('petlistadoptions'), undo.action!.params);
    assert.is(b.sim.store.get<Deployment>(DEPLOYMENT, NS, 'petlistadoptions')!.spec.template.spec.containers[0]!.resources?.limits?.memory, '256Mi');
    const huge = await plan(b.env, 'raise-limits', deployment('petsearch'), { resource: 'memory', value: '16Gi' });
    assert.ok(huge.checks.some((c) => c.name === 'new limit under the ceiling' && !c.ok));
  } finally {
    await b.close();
  }
});

test('safety: never kube-system, only allow-listed namespaces, replicas within bounds, at most N pods', async () => {
  const b = await bench(23);
  try {
    const coredns = b.sim.store.list<Pod>(POD, 'kube-system').find((x) => x.metadata.name.startsWith('coredns'))!;
    const refused = await plan({ ...b.env, safety: { ...b.env.safety, allowedNamespaces: ['kube-system', NS] } }, 'delete-pod', { kind: 'Pod', namespace: 'kube-system', name: coredns.metadata.name });
    assert.ok(refused.checks.some((c) => c.name === 'namespace allowed' && !c.ok && /never touched/.test(c.detail)), 'kube-system refused even when listed');
    await execute(b.env, 'delete-pod', { kind: 'Pod', namespace: 'kube-system', name: coredns.metadata.name }).then(
      () => assert.unreachable('executed in kube-system'),
      (e: Error) => assert.match(e.message, /refused by safety checks/),
    );
    const other = await plan(b.env, 'rollout-restart', { kind: 'Deployment', namespace: 'default', name: 'x' });
    assert.ok(other.checks.some((c) => c.name === 'namespace allowed' && !c.ok));
    const tooMany = await plan(b.env, 'scale-deployment', deployment('petsite'), { replicas: 11 });
    assert.ok(tooMany.checks.some((c) => c.name === 'replicas within bounds' && !c.ok));
    const down = await plan(b.env, 'scale-deployment', deployment('petsite'), { by: -1 });
    assert.is(down.risk, 'medium', 'scaling in needs approval');
    const up = await plan(b.env, 'scale-deployment', deployment('petsite'), { by: 1 });
    assert.ok(up.checks.every((c) => c.ok));
    assert.is(up.dryRun.method, 'server-side');
    assert.equal(up.dryRun.diff.slice(2), ['- spec.replicas: 2', '+ spec.replicas: 3']);
    assert.is(b.sim.store.get<Deployment>(DEPLOYMENT, NS, 'petsite')!.spec.replicas, 2, 'dry run only');
    const pod = b.sim.store.list<Pod>(POD, NS).find((x) => x.metadata.labels?.app === 'petsite')!;
    const del = await plan(b.env, 'delete-pod', { kind: 'Pod', namespace: NS, name: pod.metadata.name });
    assert.ok(del.checks.every((c) => c.ok), JSON.stringify(del.checks));
    assert.is(del.risk, 'low');
    assert.ok(b.sim.store.get<Pod>(POD, NS, pod.metadata.name), 'dry-run delete kept the pod');
  } finally {
    await b.close();
  }
});

test('rollback: back to the previous ReplicaSet template after a bad rollout, healthy again', async () => {
  const b = await bench(24, (sim) => {
    sim.store.mutate<Deployment>(DEPLOYMENT, NS, 'petsearch', (d) => {
      d.spec.template.spec.containers[0]!.image = d.spec.template.spec.containers[0]!.image.replace(/:[^:]+$/, ':9.9.9-rc1');
    });
    sim.run(30);
  });
  try {
    const p = await plan(b.env, 'rollback', deployment('petsearch'));
    assert.ok(p.checks.every((c) => c.ok), JSON.stringify(p.checks));
    assert.ok(p.dryRun.diff.some((l) => l.startsWith('- spec.template.spec.containers[petsearch].image:') && l.includes('9.9.9-rc1')), p.dryRun.diff.join('\n'));
    const outcome = await execute(b.env, 'rollback', deployment('petsearch'));
    assert.ok(outcome.ok, outcome.message);
    const verification = await verifyConditions(b.env, [{ type: 'deployment-healthy', namespace: NS, name: 'petsearch' }], { holdSeconds: 15, timeoutSeconds: 180, intervalSeconds: 5 });
    assert.is(verification.outcome, 'passed', verification.detail);
    assert.not.match(b.sim.store.get<Deployment>(DEPLOYMENT, NS, 'petsearch')!.spec.template.spec.containers[0]!.image, /9\.9\.9/);
  } finally {
    await b.close();
  }
});

test('drain: cordons, evicts at most N at a time, waits on disruption budgets and never goes below them', async () => {
  const b = await bench(25, (sim) => {
    // petsearch may lose no pod at all: its evictions must wait, never be forced.
    sim.store.mutate<PodDisruptionBudget>(PDB, NS, 'petsearch-pdb', (p) => {
      p.spec.minAvailable = 2;
    });
  });
  try {
    const node = b.sim.store.list<Pod>(POD, NS).find((x) => x.metadata.labels?.app === 'petsearch')!.spec.nodeName!;
    const p = await plan(b.env, 'drain-node', { kind: 'Node', name: node });
    assert.is(p.risk, 'high');
    assert.ok(p.dryRun.diff.includes('+ spec.unschedulable: true'));
    assert.ok(p.dryRun.warnings.some((w) => /petsearch.*disruption budget/.test(w)), p.dryRun.warnings.join('\n'));
    assert.ok(p.dryRun.warnings.some((w) => /kube-system is never touched|DaemonSet/.test(w)));
    assert.not.ok(b.sim.store.get<Node>(NODE, undefined, node)!.spec.unschedulable, 'plan did not cordon');
    let minPetsearch = Infinity;
    const watch = { ...b.env, sleep: async (ms: number) => {
      b.sim.run(ms / 1000);
      const ready = b.sim.store.list<Pod>(POD, NS).filter((x) => x.metadata.labels?.app === 'petsearch' && !x.metadata.deletionTimestamp && x.status.containerStatuses?.every((s) => s.ready));
      minPetsearch = Math.min(minPetsearch, ready.length);
    } };
    const outcome = await execute(watch, 'drain-node', { kind: 'Node', name: node }, { timeoutSeconds: 60, retryIntervalSeconds: 5 });
    assert.not.ok(outcome.ok, 'the budget kept one pod in place');
    assert.match(outcome.message, /still waiting for their disruption budget/);
    assert.ok((outcome.after as { left: string[] }).left.every((x) => x.includes('petsearch')));
    assert.ok((outcome.after as { evicted: string[] }).evicted.length >= 1);
    assert.ok(minPetsearch >= 2, `petsearch never below its budget (min ready ${minPetsearch})`);
    assert.ok(b.sim.store.get<Node>(NODE, undefined, node)!.spec.unschedulable, 'cordoned');
    const undo = actionOf('drain-node').rollback({ kind: 'Node', name: node }, {}, outcome.before);
    assert.is(undo.action?.kind, 'uncordon-node');
    await execute(b.env, 'uncordon-node', { kind: 'Node', name: node });
    assert.not.ok(b.sim.store.get<Node>(NODE, undefined, node)!.spec.unschedulable);
  } finally {
    await b.close();
  }
});

test('drain completes when budgets allow, and the node-drained verification passes', async () => {
  const b = await bench(26);
  try {
    const node = b.sim.store.list<Node>(NODE)[1]!.metadata.name;
    await execute(b.env, 'cordon-node', { kind: 'Node', name: node });
    const outcome = await execute(b.env, 'drain-node', { kind: 'Node', name: node }, { timeoutSeconds: 120, retryIntervalSeconds: 5 });
    assert.ok(outcome.ok, outcome.message);
    const verification = await verifyConditions({ ...b.env, allowedNamespaces: [NS] }, actionOf('drain-node').verification({ kind: 'Node', name: node }, {}), { holdSeconds: 10, timeoutSeconds: 120, intervalSeconds: 5 });
    assert.is(verification.outcome, 'passed', verification.detail);
  } finally {
    await b.close();
  }
});

test('verification fails when the symptom returns during the hold', async () => {
  const b = await bench(27, (sim) => {
    sim.store.create(STRESSCHAOS, { apiVersion: 'chaos-mesh.org/v1alpha1', kind: 'StressChaos', metadata: { name: 'leak', namespace: NS }, spec: { mode: 'all', selector: { labelSelectors: { app: 'pethistory' } }, stressors: { memory: { workers: 1, size: '150%', time: '20s' } } } } as unknown as ChaosObject);
  });
  try {
    const verification = await verifyConditions(b.env, [{ type: 'deployment-healthy', namespace: NS, name: 'pethistory' }], { holdSeconds: 60, timeoutSeconds: 90, intervalSeconds: 5 });
    assert.is(verification.outcome, 'failed');
    assert.match(verification.detail ?? '', /restarted|not ready|CrashLoopBackOff|OOM|available/i, verification.detail);
  } finally {
    await b.close();
  }
});

test.run();
