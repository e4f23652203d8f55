import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Alert, Finding } from '../../core/types.js';
import { analyse } from './analyse.js';
import { rank, sourceCeiling, type Calibration } from './confidence.js';
import { correlate } from './correlate.js';
import { scoreAll } from './hypotheses.js';
import { corroborated } from './signatures.js';
import { targetsOfAlert } from './targets.js';
import { topologyOf } from './topology.js';

const calibration: Calibration = { temperature: 1.5, nullScore: 0, minConfidence: 0.35, sourceMisleads: 0.2, gapWeight: 0.5 };
const T0 = Date.parse('2026-11-24T10:00:00Z');
const at = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();
let n = 0;

function finding(f: Partial<Finding> & Pick<Finding, 'source' | 'kind'>): Finding {
  return { id: `f${++n}`, summary: `${f.kind} from ${f.source}`, severity: 'warning', observedAt: at(0), ...f };
}

function alert(name: string, labels: Record<string, string>, minutes = 5): Alert {
  return { id: `am:${name}`, fingerprint: name, source: 'alertmanager', name, status: 'firing', severity: 'critical', summary: name, labels: { alertname: name, ...labels }, annotations: {}, startsAt: at(minutes), receivedAt: at(minutes) };
}

const pod = (deployment: string, node = 'node-a') => ({ subject: { kind: 'Pod' as const, namespace: 'petadoptions', name: `${deployment}-6dshvgncnx-vzmln` }, data: { deployment, node } });

test('corroboration: a second source adds half, capped at twice the weight', () => {
  assert.is(corroborated(2, 1), 2);
  assert.is(corroborated(2, 2), 3);
  assert.is(corroborated(2, 5), 4);
  assert.is(corroborated(2, 0), 0);
});

test('confidence: softmax against "none of these", capped by how many sources agree', () => {
  const candidates = scoreAll([finding({ source: 'prometheus', kind: 'cpu-throttled', ...pod('payforadoption') })], [], topologyOf([]));
  const { ranked } = rank(candidates, calibration);
  assert.ok(ranked[0]!.confidence <= sourceCeiling(1, 0.2) + 1e-9, 'one source: at most 0.80');
  assert.is(sourceCeiling(2, 0.2), 0.96);
  assert.is(sourceCeiling(5, 0.2), 0.99);
  const withGaps = rank(candidates, calibration, 3);
  assert.ok(withGaps.none > rank(candidates, calibration).none, 'gaps make "none of these" likelier');
});

test('a memory leak seen by metrics, the API, events and logs: ranked first, facts untouched, sources counted', () => {
  const facts = [
    finding({ source: 'prometheus', kind: 'memory-growing', observedAt: at(-10), ...pod('petlistadoptions') }),
    finding({ source: 'prometheus', kind: 'oom-killed', observedAt: at(-4), ...pod('petlistadoptions') }),
    finding({ source: 'kubernetes', kind: 'oom-killed', observedAt: at(-3), ...pod('petlistadoptions') }),
    finding({ source: 'events', kind: 'oom-killed', observedAt: at(-4), ...pod('petlistadoptions') }),
    finding({ source: 'logs', kind: 'log-oom', observedAt: at(-4), ...pod('petlistadoptions') }),
    finding({ source: 'events', kind: 'crash-loop-backoff', observedAt: at(-2), ...pod('petlistadoptions') }),
  ];
  const copy = structuredClone(facts);
  const result = analyse({ alerts: [alert('ContainerOOMKilled', { namespace: 'petadoptions', deployment: 'petlistadoptions', pod: 'petlistadoptions-6dshvgncnx-vzmln', node: 'node-a' })], findings: facts, gaps: [], now: T0 + 6 * 60_000, calibration });
  assert.equal(facts, copy, 'facts are never changed by the analysis');
  assert.is(result.rootCause.kind, 'memory-leak');
  assert.equal(result.rootCause.target, { kind: 'Deployment', namespace: 'petadoptions', name: 'petlistadoptions' });
  assert.equal([...result.sources].sort(), ['events', 'kubernetes', 'logs', 'prometheus']);
  assert.ok(result.ranked[0]!.confidence > 0.9);
  const crash = result.ranked.find((r) => r.kind === 'crash-loop');
  assert.ok(!crash || crash.confidence < 0.05, 'OOM kills speak against a plain crash loop');
  const ids = new Set(facts.map((f) => f.id));
  for (const h of result.hypotheses) for (const id of h.supportingFindings) assert.ok(ids.has(id) || id.startsWith('alert:'));
  // Cause first: the root cause sits at the onset of the growth, before the kills and the alert.
  const types = result.timeline.map((e) => e.type);
  assert.is(types[0], 'root-cause');
  assert.ok(types.indexOf('root-cause') < result.timeline.findIndex((e) => e.source === 'alert'));
  const correlation = correlate(facts)[0]!;
  assert.is(correlation.target.name, 'petlistadoptions');
  assert.is(correlation.sources.length, 4);
});

test('a rollout before the crash loop is its trigger; a rollout after the problem began speaks against it', () => {
  const before = [
    finding({ source: 'kubernetes', kind: 'recent-rollout', severity: 'info', observedAt: at(-6), subject: { kind: 'Deployment', namespace: 'petadoptions', name: 'petsite' }, data: { revision: 4, changes: ['env SEARCH_API_URL changed (petsite)'] } }),
    finding({ source: 'kubernetes', kind: 'image-pull-failure', observedAt: at(-6), ...pod('petsite') }),
    finding({ source: 'kubernetes', kind: 'rollout-stuck', observedAt: at(-6), subject: { kind: 'Deployment', namespace: 'petadoptions', name: 'petsite' } }),
  ];
  const a = analyse({ alerts: [alert('DeploymentReplicasUnavailable', { namespace: 'petadoptions', deployment: 'petsite' })], findings: before, gaps: [], now: T0, calibration });
  assert.is(a.rootCause.kind, 'bad-deployment');
  assert.is(a.ranked[0]!.trigger?.revision, 4);
  const after = structuredClone(before);
  after[0]!.observedAt = at(20);
  const b = analyse({ alerts: [alert('DeploymentReplicasUnavailable', { namespace: 'petadoptions', deployment: 'petsite' })], findings: after, gaps: [], now: T0 + 30 * 60_000, calibration });
  const late = b.ranked.find((r) => r.kind === 'bad-deployment')!;
  assert.ok(late.contradicting.some((t) => t.kind === 'recent-rollout' && /after the problem began/.test(t.note ?? '')));
  assert.ok(late.score < a.ranked[0]!.score);
});

test('a resource alert is explained by its own workload only; other problems are reported apart', () => {
  const facts = [
    finding({ source: 'prometheus', kind: 'cpu-throttled', ...pod('payforadoption') }),
    finding({ source: 'prometheus', kind: 'oom-killed', ...pod('petlistadoptions') }),
    finding({ source: 'kubernetes', kind: 'oom-killed', ...pod('petlistadoptions') }),
    finding({ source: 'events', kind: 'oom-killed', ...pod('petlistadoptions') }),
    finding({ source: 'prometheus', kind: 'memory-growing', ...pod('petlistadoptions') }),
  ];
  const result = analyse({ alerts: [alert('CPUThrottlingHigh', { namespace: 'petadoptions', deployment: 'payforadoption', pod: 'payforadoption-6dshvgncnx-vzmln', node: 'node-a' })], findings: facts, gaps: [], now: T0, calibration });
  assert.is(result.rootCause.kind, 'cpu-throttling');
  assert.is(result.rootCause.target.name, 'payforadoption');
  assert.ok(result.otherProblems.some((p) => p.kind === 'memory-leak' && p.target.name === 'petlistadoptions'));
  assert.not.ok(result.ranked.some((r) => r.target.name === 'petlistadoptions'));
});

test('a latency alert follows the traces to the callee; without cause-level evidence it is unknown', () => {
  const graph = finding({ source: 'traces', kind: 'service-graph', severity: 'info', data: { edges: [{ from: 'petsite', to: 'petsearch' }, { from: 'petsite', to: 'payforadoption' }] } });
  const latency = alert('HighRequestLatency', { namespace: 'petadoptions', service: 'petsite' });
  const facts = [
    graph,
    finding({ source: 'traces', kind: 'network-gap', subject: { kind: 'Service', namespace: 'petadoptions', name: 'petsearch' } }),
    finding({ source: 'prometheus', kind: 'service-responsive', severity: 'info', subject: { kind: 'Service', namespace: 'petadoptions', name: 'petsearch' } }),
    finding({ source: 'prometheus', kind: 'high-latency', subject: { kind: 'Service', namespace: 'petadoptions', name: 'petsite' } }),
  ];
  const result = analyse({ alerts: [latency], findings: facts, gaps: [], now: T0, calibration });
  assert.is(result.rootCause.kind, 'network-latency');
  assert.is(result.rootCause.target.name, 'petsearch');
  assert.is(result.ranked[0]!.relevance.reason, 'called by the alerting service');
  const symptomsOnly = analyse({ alerts: [latency], findings: [graph, facts[3]!], gaps: [{ source: 'traces', reason: 'throttled', impact: 'x' }], now: T0, calibration });
  assert.is(symptomsOnly.rootCause.kind, 'unknown');
  assert.equal(symptomsOnly.rootCause.target, { kind: 'Deployment', namespace: 'petadoptions', name: 'petsite' });
  assert.match(symptomsOnly.rootCause.summary, /Not reached: traces/);
  assert.ok(symptomsOnly.timeline.some((e) => e.type === 'gap'));
});

test('node pressure: the node, not the evicted workloads, is the root cause of a node alert', () => {
  const facts = [
    finding({ source: 'prometheus', kind: 'node-memory-pressure', subject: { kind: 'Node', name: 'node-b' } }),
    finding({ source: 'events', kind: 'eviction-threshold-met', subject: { kind: 'Node', name: 'node-b' } }),
    finding({ source: 'events', kind: 'pod-evicted', ...pod('petsite', 'node-b') }),
    finding({ source: 'kubernetes', kind: 'container-error-exit', ...pod('petsite', 'node-b') }),
    finding({ source: 'prometheus', kind: 'node-memory-pressure', subject: { kind: 'Node', name: 'node-c' }, data: { ongoing: false } }),
  ];
  const a = alert('NodeMemoryPressure', { node: 'node-b' });
  assert.equal(targetsOfAlert(a), [{ kind: 'Node', name: 'node-b' }]);
  const result = analyse({ alerts: [a], findings: facts, gaps: [], now: T0, calibration });
  assert.is(result.rootCause.kind, 'node-pressure');
  assert.equal(result.rootCause.target, { kind: 'Node', name: 'node-b' });
  assert.ok(result.otherProblems.every((p) => p.target.name !== 'node-b'));
});

test.run();
