/**
 * The alert confirms nothing (a cause only the alert supports stays below the action threshold and
 * says so), and the agent never takes its own change as the cause.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Alert, Finding } from '../../core/types.js';
import { markPatch } from '../remediation/deployment-change.js';
import { agentRevision, changeAnnotations, markOf } from './agent-changes.js';
import { alertFindings } from './alert-findings.js';
import { analyse } from './analyse.js';
import { confirmingSources, currentCalibration, rank, type Calibration } from './confidence.js';
import { scoreAll } from './hypotheses.js';
import { topologyOf } from './topology.js';

const calibration: Calibration = { ...currentCalibration() };
const T0 = Date.parse('2026-11-24T10:00:00Z');
const at = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();
let n = 0;

function finding(f: Partial<Finding> & Pick<Finding, 'source' | 'kind'>): Finding {
  return { id: `f${++n}`, summary: `${f.kind} from ${f.source}`, severity: 'warning', observedAt: at(0), ...f };
}

function alert(name: string, labels: Record<string, string>): Alert {
  return { id: `am:${name}`, fingerprint: name, source: 'alertmanager', name, status: 'firing', severity: 'critical', summary: name, labels: { alertname: name, ...labels }, annotations: {}, startsAt: at(-3), receivedAt: at(0) };
}

const petsite = { namespace: 'petadoptions', deployment: 'petsite', pod: 'petsite-6dshvgncnx-vzmln', container: 'petsite' };
const pod = (deployment: string) => ({ subject: { kind: 'Pod' as const, namespace: 'petadoptions', name: `${deployment}-6dshvgncnx-vzmln` }, data: { deployment } });
const deployment = (name: string) => ({ kind: 'Deployment' as const, namespace: 'petadoptions', name });

test('only the alert: the cause it claims is capped below the stating threshold, and the conclusion says so', () => {
  const result = analyse({ alerts: [alert('ContainerMemoryNearLimit', petsite)], findings: [], gaps: [], now: T0, calibration });
  assert.is(result.rootCause.kind, 'unknown');
  const leak = result.ranked.find((c) => c.kind === 'memory-leak')!;
  assert.ok(leak.confidence <= 0.3, String(leak.confidence));
  assert.ok(leak.unconfirmed!.uncapped >= 0.5, 'it would have been acted on, on the alert\'s word');
  assert.match(leak.summary, /Only the alert claims memory-leak in deployment petadoptions\/petsite/);
  assert.match(result.rootCause.summary, /Only the alert claims memory-leak.*stays below the action threshold/);
  assert.equal(result.notes.length, 1);
  assert.ok(result.none >= 0.6, `the rest of its probability is "none of these" (${result.none})`);
});

test('the same alert with the fact seen by a source of its own: confirmed, concluded', () => {
  const facts = [finding({ source: 'prometheus', kind: 'memory-near-limit', ...pod('petsite') })];
  const result = analyse({ alerts: [alert('ContainerMemoryNearLimit', petsite)], findings: facts, gaps: [], now: T0, calibration });
  assert.is(result.rootCause.kind, 'memory-leak');
  assert.ok(result.rootCause.confidence >= 0.5);
  assert.equal(result.notes, []);
});

test('what confirms: a cause-level fact from a source other than the alert; not a symptom, not a faded rollout', () => {
  const candidates = (facts: Finding[], alerts: Alert[]) => scoreAll([...facts, ...alertFindings(alerts)], alerts, topologyOf(facts));
  const latency = candidates([finding({ source: 'prometheus', kind: 'high-latency', subject: { kind: 'Service', namespace: 'petadoptions', name: 'petsite' } })], [alert('ContainerMemoryNearLimit', petsite)]);
  const leak = latency.find((c) => c.kind === 'memory-leak')!;
  assert.equal(confirmingSources(leak), [], 'latency is a symptom: it confirms no memory leak');
  const old = candidates([finding({ source: 'kubernetes', kind: 'recent-rollout', subject: deployment('petsite'), observedAt: at(-110) })], [alert('DeploymentReplicasUnavailable', { namespace: 'petadoptions', deployment: 'petsite' })]);
  assert.equal(confirmingSources(old.find((c) => c.kind === 'bad-deployment')!), [], 'a rollout two hours before confirms nothing');
  const fresh = candidates([finding({ source: 'kubernetes', kind: 'recent-rollout', subject: deployment('petsite'), observedAt: at(-5) })], [alert('DeploymentReplicasUnavailable', { namespace: 'petadoptions', deployment: 'petsite' })]);
  assert.equal(confirmingSources(fresh.find((c) => c.kind === 'bad-deployment')!), ['kubernetes']);
});

test('an unconfirmed best explanation is not replaced by the runner-up the cap would promote', () => {
  // The alert says OOM; the kills were not seen, the back-off was: crash-loop must not become the answer.
  const facts = [finding({ source: 'events', kind: 'crash-loop-backoff', ...pod('petsite') })];
  const alerts = [alert('ContainerOOMKilled', petsite)];
  const candidates = scoreAll([...facts, ...alertFindings(alerts)], alerts, topologyOf(facts)).filter((c) => !c.relevance.unrelated);
  const { ranked } = rank(candidates, calibration);
  assert.is(ranked[0]!.candidate.kind, 'memory-leak');
  assert.ok(ranked[0]!.unconfirmed);
  const result = analyse({ alerts, findings: facts, gaps: [], now: T0, calibration });
  assert.is(result.rootCause.kind, 'unknown', result.rootCause.summary);
});

test('the agent\'s mark: written on its changes, read back; a later change by someone else inherits it and is not the agent\'s', () => {
  const mark = changeAnnotations({ incidentId: 'inc-1', actionId: 'act-1', actionKind: 'rollback', at: '2026-11-24T10:00:00.000Z' });
  assert.equal(markOf(mark), { incidentId: 'inc-1', actionId: 'act-1', actionKind: 'rollback', at: '2026-11-24T10:00:00.000Z' });
  assert.ok(agentRevision(mark, undefined), 'the agent rolled it out');
  assert.ok(agentRevision(mark, { other: 'x' }));
  assert.is(agentRevision(mark, mark), undefined, 'same mark as the revision before: someone else changed the template after the agent');
  assert.is(agentRevision({ 'eks-incident-kit/changed-by': 'someone' }, undefined), undefined);
});

test('a deployment whose latest rollout is the agent\'s own: never the cause, its rollouts are not evidence, and the conclusion says why', () => {
  const change = finding({ source: 'kubernetes', kind: 'agent-change', subject: deployment('petsearch'), observedAt: at(-4), data: { changedBy: { incidentId: 'inc-1', actionId: 'act-7', actionKind: 'rollback' } } });
  const facts = [
    change,
    finding({ source: 'events', kind: 'image-pull-failure', ...pod('petsearch'), observedAt: at(-30) }),
    finding({ source: 'cloudwatch-logs', kind: 'recent-rollout', subject: deployment('petsearch'), observedAt: at(-4) }),
  ];
  const alerts = [alert('DeploymentReplicasUnavailable', { namespace: 'petadoptions', deployment: 'petsearch' })];
  const result = analyse({ alerts, findings: facts, gaps: [{ source: 'prometheus', reason: 'down', impact: 'no metrics' }], now: T0, calibration });
  assert.not.ok(result.rootCause.kind === 'bad-deployment', result.rootCause.summary);
  assert.not.ok(result.ranked.some((c) => c.kind === 'bad-deployment'), 'not ranked at all');
  assert.match(result.rootCause.summary, /The latest rollout of petadoptions\/petsearch is the agent's own change \(rollback act-7 of incident inc-1\): never taken as the cause/);
  assert.ok(result.otherProblems.every((p) => p.kind !== 'bad-deployment' || /the agent's own change/.test(p.reason)));
});

test('patches carry the mark on the Deployment and its pod template (strategic and JSON Patch alike)', () => {
  const env = { change: { incidentId: 'inc-1', actionId: 'act-2', actionKind: 'raise-limits' }, now: () => T0 };
  const strategic = markPatch({ spec: { template: { spec: { containers: [{ name: 'c' }] } } } }, 'strategic', {}, env) as { metadata: { annotations: Record<string, string> }; spec: { template: { metadata: { annotations: Record<string, string> }; spec: unknown } } };
  assert.is(strategic.metadata.annotations['eks-incident-kit/action'], 'act-2');
  assert.is(strategic.spec.template.metadata.annotations['eks-incident-kit/incident'], 'inc-1');
  assert.equal(strategic.spec.template.spec, { containers: [{ name: 'c' }] }, 'the change itself is untouched');
  const json = markPatch([{ op: 'replace', path: '/spec/template', value: { metadata: { labels: { app: 'x' } }, spec: {} } }], 'json', { metadata: { annotations: { 'deployment.kubernetes.io/revision': '4' } } }, env) as { op: string; path: string; value: unknown }[];
  assert.equal((json[0]!.value as { metadata: { annotations: Record<string, string> } }).metadata.annotations['eks-incident-kit/action'], 'act-2');
  assert.ok(json.some((op) => op.op === 'add' && op.path === '/metadata/annotations/eks-incident-kit~1changed-by' && op.value === 'devops-agent'), JSON.stringify(json));
  assert.equal(markPatch({ spec: {} }, 'merge', {}, { now: () => T0 }), { spec: {} }, 'no mark without a change (a test env)');
});

test.run();
