/**
 * The action registry and the planner built on it: every action kind registered once, every root cause
 * (but `unknown`) addressed by at least one action, and the proposals for each root cause exactly the
 * ones the agent has always made (same actions, order, params and rationale).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { ActionKind, Finding, RootCause, RootCauseKind } from '../../core/types.js';
import { FindingKind } from '../analysis/finding-kinds.js';
import { proposalsFor } from './planner.js';
import { actionOf, remediationActions } from './registry.js';

// Records, so the compiler says when a kind is added to core/types.ts and not here.
const everyActionKind: Record<ActionKind, true> = { 'delete-pod': true, 'rollout-restart': true, 'scale-deployment': true, 'raise-limits': true, rollback: true, 'cordon-node': true, 'drain-node': true, 'uncordon-node': true };
const everyRootCauseKind: Record<RootCauseKind, true> = { 'memory-leak': true, 'cpu-throttling': true, 'node-pressure': true, 'crash-loop': true, 'network-latency': true, 'bad-deployment': true, unknown: true };

const deployment = { kind: 'Deployment' as const, namespace: 'petadoptions', name: 'petsite' };
const rootCause = (kind: RootCauseKind, target: RootCause['target'] = deployment): RootCause => ({ kind, target, confidence: 0.9, summary: 's', evidence: [] });
const rollout: Finding = {
  id: 'f-1',
  source: 'kubernetes',
  kind: 'recent-rollout',
  severity: 'warning',
  subject: deployment,
  observedAt: '2026-11-25T09:00:00Z',
  summary: 'rollout',
  data: { revision: 4, changes: ['env SEARCH_API_URL changed (petsite)', 'image x:2', 'limits changed'] },
};

test('every action kind is registered exactly once, under its own kind', () => {
  const kinds = remediationActions.map((a) => a.kind);
  assert.equal([...kinds].sort(), Object.keys(everyActionKind).sort());
  assert.is(new Set(kinds).size, kinds.length, 'no kind twice');
  for (const kind of Object.keys(everyActionKind) as ActionKind[]) assert.is(actionOf(kind).kind, kind);
  assert.throws(() => actionOf('reboot-node' as ActionKind), /unknown action kind reboot-node \(known: /);
});

test('every root cause but unknown is addressed by at least one action; unknown by none', () => {
  for (const kind of Object.keys(everyRootCauseKind) as RootCauseKind[]) {
    const addressing = remediationActions.filter((a) => a.addresses.some((p) => p.rootCause === kind));
    if (kind === 'unknown') assert.is(addressing.length, 0);
    else assert.ok(addressing.length > 0, kind);
  }
  for (const action of remediationActions) {
    const orders = action.addresses.map((p) => `${p.rootCause}`);
    assert.is(new Set(orders).size, orders.length, `${action.kind} addresses each root cause once`);
  }
});

test('the proposals for each root cause: actions, order, params and rationale', () => {
  const node = { kind: 'Node' as const, name: 'ip-10-0-1-17' };
  const shape = (rc: RootCause, findings: Finding[] = []) => proposalsFor(rc, findings).map((p) => [p.kind, p.target, p.params, p.rationale, p.followUp]);
  assert.equal(shape(rootCause('memory-leak')), [
    ['rollout-restart', deployment, {}, 'memory of petadoptions/petsite grows until OOMKilled: fresh pods start from a clean heap (relief, not a fix)', false],
    ['raise-limits', deployment, { resource: 'memory', factor: 1.5 }, 'more headroom so petadoptions/petsite survives until the leak is fixed', true],
  ]);
  assert.equal(shape(rootCause('cpu-throttling')), [
    ['raise-limits', deployment, { resource: 'cpu', factor: 2 }, 'petadoptions/petsite needs more CPU than its limit: a higher limit ends the throttling', false],
    ['scale-deployment', deployment, { by: 1 }, 'one more replica of petadoptions/petsite spreads the load', true],
  ]);
  assert.equal(shape(rootCause('network-latency')), [
    ['rollout-restart', deployment, {}, 'calls to petadoptions/petsite lose time on the network path to its pods: new pods get new placement and network paths; if latency stays, the node or CNI needs attention', false],
  ]);
  assert.equal(shape(rootCause('crash-loop')), [], 'no recent rollout: nothing safe to automate');
  assert.equal(shape(rootCause('crash-loop'), [{ ...rollout, subject: { ...deployment, name: 'petsearch' } }]), [], 'a rollout of another deployment is no trigger');
  assert.equal(shape(rootCause('crash-loop'), [rollout]), [
    ['rollback', deployment, {}, 'petadoptions/petsite crash-loops since revision 4 (env SEARCH_API_URL changed (petsite); image x:2): the previous revision ran', false],
  ]);
  assert.equal(shape(rootCause('crash-loop'), [{ ...rollout, data: {} }]), [['rollback', deployment, {}, 'petadoptions/petsite crash-loops since revision ? (template change): the previous revision ran', false]]);
  assert.equal(shape(rootCause('bad-deployment')), [['rollback', deployment, {}, 'the latest rollout of petadoptions/petsite cannot run: go back to the previous revision', false]]);
  // The agent's own fix is never undone by a rollback it proposes itself.
  const ownFix: Finding = { id: 'f-own', source: 'kubernetes', kind: FindingKind.agentChange, summary: 'petsite revision 5 is the agent\'s rollout-restart', subject: deployment, severity: 'info', observedAt: '2026-11-25T09:00:00Z', data: { revision: 5 } };
  assert.equal(shape(rootCause('crash-loop'), [rollout, ownFix]), [], 'a crash loop after the agent\'s own change: no rollback of it');
  assert.equal(shape(rootCause('bad-deployment'), [ownFix]), [], 'a bad deployment that is the agent\'s own change: no rollback of it');
  assert.equal(shape(rootCause('node-pressure', node)), [
    ['cordon-node', node, {}, 'node ip-10-0-1-17 is short of memory: stop scheduling pods onto it', false],
    ['drain-node', node, {}, "move the workload off ip-10-0-1-17 (disruption budgets respected) while the node's memory hog is dealt with or the node replaced", false],
  ]);
  assert.equal(shape(rootCause('unknown')), []);
  const clusterScoped = proposalsFor(rootCause('memory-leak', { kind: 'Deployment', name: 'petsite' }), []);
  assert.equal(clusterScoped[0]!.target, { kind: 'Deployment', name: 'petsite' }, 'no namespace key when the root cause has none');
  assert.match(clusterScoped[0]!.rationale, /^memory of petsite grows/);
});

test.run();
