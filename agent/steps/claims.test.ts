/**
 * Steps treat alert labels as claims: names that are not Kubernetes names aim nothing, values in PromQL
 * are data, params rendered from alerts are checked by their schema, and the agent's own rollout is
 * recorded as its change, never as a recent rollout.
 */
import { parser } from '@prometheus-io/lezer-promql';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Alert } from '../../core/types.js';
import type { KubernetesEvidence, MetricsEvidence, RolloutSummary } from '../ports.js';
import { changeAnnotations } from '../analysis/agent-changes.js';
import { memoryContext } from '../../test/support/agent/memory-context.js';
import { kubernetesStep } from './kubernetes.js';
import { anomalyScans, metricChecks } from './metric-checks.js';
import { metricsStep } from './metrics.js';
import { scopeOf } from './scope.js';

const NOW = Date.parse('2026-11-24T10:00:00Z');
const INJECTION = 'petadoptions"} or vector(42) or up{job="x';
const alert = (labels: Record<string, string>): Alert => ({ id: 'a1', fingerprint: 'fp', source: 'manual', name: 'ContainerMemoryNearLimit', status: 'firing', severity: 'warning', summary: 's', labels, annotations: {}, startsAt: new Date(NOW - 300_000).toISOString(), receivedAt: new Date(NOW).toISOString() });

function shape(query: string): string {
  const names: string[] = [];
  parser.parse(query).iterate({ enter: (n) => (names.push(n.type.isError ? 'ERROR' : n.type.name), n.type.name !== 'StringLiteral') });
  return names.join(' ');
}

test('metric checks: a namespace is a string wherever it stands, and the rate must be a duration', () => {
  for (const check of [...metricChecks, ...anomalyScans]) {
    for (const namespace of [INJECTION, 'a\\"} or up', 'a\n"}']) assert.is(shape(check.query({ namespace, rate: '5m' })), shape(check.query({ namespace: 'petadoptions', rate: '5m' })), `${check.name}: ${namespace}`);
  }
  const usesRate = metricChecks.filter((c) => c.query({ namespace: 'x', rate: '5m' }).includes('[5m]'));
  assert.ok(usesRate.length > 3);
  for (const check of usesRate) assert.throws(() => check.query({ namespace: 'petadoptions', rate: '5m]) or vector(42) #' }), /not a PromQL duration/, check.name);
});

test('scope: labels that are not names aim nothing (alerts made in-process skip the intake); valid ones do', () => {
  const hostile = memoryContext({ alerts: [alert({ namespace: INJECTION, pod: 'petsite-7d4b9c6f5b-x2k8q', deployment: 'petsite', node: 'node-a' })], evidence: {}, now: () => NOW });
  const scope = scopeOf(hostile);
  assert.equal([scope.namespace, scope.pod, scope.deployment, scope.node], [undefined, undefined, undefined, undefined]);
  const fine = memoryContext({ alerts: [alert({ namespace: 'petadoptions', pod: 'petsite-7d4b9c6f5b-x2k8q' })], evidence: {}, now: () => NOW });
  assert.equal([scopeOf(fine).namespace, scopeOf(fine).deployment], ['petadoptions', 'petsite']);
  const badTarget = memoryContext({ alerts: [alert({})], evidence: {}, now: () => NOW, target: { kind: 'Deployment', namespace: INJECTION, name: 'petsite' } });
  assert.is(scopeOf(badTarget).namespace, undefined, 'a target with a name that is not a name is ignored');
});

test('params rendered from an alert are checked: a namespace param that is not a namespace name is refused', async () => {
  assert.not.ok(metricsStep.params.safeParse({ namespace: INJECTION }).success);
  assert.not.ok(metricsStep.params.safeParse({ rate: '5m] or vector(1)' }).success);
  assert.not.ok(kubernetesStep.params.safeParse({ deployments: ['petsite', 'x y'] }).success);
  assert.ok(metricsStep.params.safeParse({ namespace: 'petadoptions', rate: '30s', window: '1h30m' }).success);
  const queries: string[] = [];
  const metrics: MetricsEvidence = { instant: async () => [], range: async (q) => (queries.push(q), []) };
  const ctx = memoryContext({ alerts: [alert({ namespace: INJECTION })], evidence: { metrics }, now: () => NOW });
  await metricsStep.run(ctx, metricsStep.params.parse({}));
  assert.ok(queries.length > 10);
  assert.ok(queries.every((q) => !q.includes('vector(42)')), 'the alert\'s namespace never reached a query');
});

function rollout(revision: number, minutesAgo: number, templateAnnotations?: Record<string, string>): RolloutSummary {
  return { namespace: 'petadoptions', deployment: 'petsearch', revision, replicaSet: `petsearch-rs${revision}`, createdAt: new Date(NOW - minutesAgo * 60_000).toISOString(), images: ['petsearch:1'], changes: [`change ${revision}`], replicas: 2, readyReplicas: 2, ...(templateAnnotations ? { templateAnnotations } : {}) };
}

function kubernetes(history: RolloutSummary[]): KubernetesEvidence {
  return { pods: async () => [], events: async () => [], nodes: async () => [], logs: async () => '', rollouts: async () => history, deployment: async () => ({ namespace: 'petadoptions', name: 'petsearch', replicas: 2 }) } as unknown as KubernetesEvidence;
}

test('kubernetes: the agent\'s own rollout is an agent-change finding (context), never a recent rollout; someone else\'s later change is', async () => {
  const mark = changeAnnotations({ incidentId: 'inc-1', actionId: 'act-3', actionKind: 'rollback', at: new Date(NOW - 5 * 60_000).toISOString() });
  const run = async (history: RolloutSummary[]) => {
    const ctx = memoryContext({ alerts: [alert({ namespace: 'petadoptions', deployment: 'petsearch' })], evidence: { kubernetes: kubernetes(history) }, now: () => NOW });
    await kubernetesStep.run(ctx, kubernetesStep.params.parse({ reads: ['rollouts'] }));
    return ctx.incident.findings.map((f) => `${f.kind}: ${f.summary}`);
  };
  const own = await run([rollout(3, 30), rollout(4, 5, mark)]);
  assert.equal(own.map((f) => f.split(':')[0]), ['agent-change']);
  assert.match(own[0]!, /revision 4 .* is the agent's own change: rollback act-3 of incident inc-1/);
  const later = await run([rollout(3, 30), rollout(4, 20, mark), rollout(5, 5, mark)]);
  assert.equal(later.map((f) => f.split(':')[0]), ['recent-rollout'], 'revision 5 inherited the mark: someone else made it');
});

test.run();
