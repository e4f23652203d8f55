/**
 * The evidence steps against small fake sources: what becomes a finding (kind, subject, time), what
 * becomes a gap, and the pieces they are built from (log patterns, PromQL checks).
 */
import { parser } from '@prometheus-io/lezer-promql';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Alert } from '../../core/types.js';
import { EvidenceUnavailable, type CloudWatchEvidence, type KubernetesEvidence, type MetricsEvidence, type PodSummary, type TraceEvidence } from '../ports.js';
import { memoryContext } from '../../test/support/agent/memory-context.js';
import { cloudwatchStep, logsInsightsStep } from './cloudwatch.js';
import { kubernetesStep } from './kubernetes.js';
import { requestDurations, scanLogs, upstreamOf } from './log-patterns.js';
import { anomalyScans, growthHorizonSeconds, metricChecks } from './metric-checks.js';
import { metricsStep } from './metrics.js';
import { recommendStep } from './recommend.js';
import { callTimings, tracesStep } from './traces.js';

const NOW = Date.parse('2026-11-24T10:00:00Z');
const end = NOW / 1000;
const alert = (labels: Record<string, string>): Alert => ({ id: 'a1', fingerprint: 'fp', source: 'alertmanager', name: 'ContainerOOMKilled', status: 'firing', severity: 'critical', summary: 's', labels, annotations: {}, startsAt: new Date(NOW - 300_000).toISOString(), receivedAt: new Date(NOW).toISOString() });
const labels = { namespace: 'petadoptions', deployment: 'petlistadoptions', pod: 'petlistadoptions-6dshvgncnx-vzmln' };

test('every PromQL check and anomaly scan parses', () => {
  for (const q of [...metricChecks.map((c) => c.query({ namespace: 'petadoptions', rate: '5m' })), ...anomalyScans.map((s) => s.query({ namespace: 'petadoptions', rate: '5m' }))]) {
    let error = false;
    parser.parse(q).iterate({ enter: (node) => void (node.type.isError && (error = true)) });
    assert.not.ok(error, q);
  }
});

test('memory growth counts within six rate windows, at most 30 minutes: a 30 s window\'s wobble is not a leak', () => {
  assert.is(growthHorizonSeconds('5m'), 1800);
  assert.is(growthHorizonSeconds('10m'), 1800);
  assert.is(growthHorizonSeconds('30s'), 180);
  const growing = metricChecks.find((c) => c.name === 'memory-growing')!;
  assert.match(growing.query({ namespace: 'petadoptions', rate: '30s' }), /\[30s\]\)\) > 0\)\n< 180$/);
});

test('metrics: a breach is a finding dated at its onset; an ended state is kept as info; failures are gaps', async () => {
  const metrics: MetricsEvidence = {
    instant: async () => [],
    range: async (promql) => {
      if (promql.includes('container_memory_working_set_bytes') && promql.includes('> 0.85')) {
        // An early blip, then a continuous breach for the last five minutes.
        const run = Array.from({ length: 11 }, (_, i) => ({ t: end - 300 + i * 30, v: 0.9 + i * 0.005 }));
        return [{ labels: { namespace: 'petadoptions', pod: 'petlistadoptions-6dshvgncnx-vzmln', container: 'petlistadoptions' }, samples: [{ t: end - 900, v: 0.86 }, ...run] }];
      }
      if (promql.includes('kube_node_status_condition{condition="MemoryPressure"')) return [{ labels: { node: 'node-a' }, samples: [{ t: end - 1200, v: 1 }, { t: end - 1170, v: 1 }] }];
      if (promql.includes('http_requests_total')) throw new EvidenceUnavailable('prometheus', 'timeout: no answer', true);
      return [];
    },
  };
  const ctx = memoryContext({ alerts: [alert(labels)], evidence: { metrics }, now: () => NOW });
  const out = await metricsStep.run(ctx, metricsStep.params.parse({ checks: ['memory-near-limit', 'node-memory-pressure', 'high-error-rate'] }));
  const memory = ctx.incident.findings.find((f) => f.kind === 'memory-near-limit')!;
  assert.is(memory.subject?.name, 'petlistadoptions-6dshvgncnx-vzmln');
  assert.is(memory.data?.deployment, 'petlistadoptions');
  assert.is(memory.data?.ongoing, true);
  assert.is(memory.observedAt, new Date((end - 300) * 1000).toISOString().replace('.000Z', 'Z'), 'dated at the start of the current breach, not the earlier blip');
  assert.is(memory.severity, 'warning');
  const node = ctx.incident.findings.find((f) => f.kind === 'node-memory-pressure')!;
  assert.is(node.severity, 'info', 'pressure that ended 19 minutes ago');
  assert.is(node.observedAt, new Date((end - 1200) * 1000).toISOString().replace('.000Z', 'Z'));
  assert.equal(ctx.incident.gaps.map((g) => g.source), ['prometheus']);
  assert.is(out.checks.length, 2);
});

test('kubernetes: OOM kills matched to the pod the kernel killed, crash loops, a recent rollout and a stuck one', async () => {
  const pod = (name: string, extra: Partial<PodSummary>): PodSummary => ({ namespace: 'petadoptions', name, node: 'node-a', phase: 'Running', ready: true, restarts: 0, createdAt: '2026-11-24T08:00:00Z', containers: [{ name: 'petlistadoptions', image: 'x:1', requests: {}, limits: { memory: '256Mi' } }], ...extra });
  const k8s: KubernetesEvidence = {
    pods: async () => [
      pod('petlistadoptions-6dshvgncnx-vzmln', { deployment: 'petlistadoptions', restarts: 4, ready: false, reason: 'CrashLoopBackOff', lastTermination: { reason: 'OOMKilled', exitCode: 137, finishedAt: '2026-11-24T09:55:00Z' } }),
      pod('petsite-7b9c5d8f6h-x2xkq', { deployment: 'petsite', restarts: 2, lastTermination: { reason: 'Error', exitCode: 1, finishedAt: '2026-11-24T09:58:00Z' } }),
    ],
    events: async () => [{ type: 'Warning', reason: 'OOMKilling', message: 'Memory cgroup out of memory: Killed process 4122 (petlistadoptions)', object: { kind: 'Node', name: 'node-a' }, count: 1, firstSeen: '2026-11-24T09:55:01Z', lastSeen: '2026-11-24T09:55:01Z' }],
    logs: async () => '',
    rollouts: async (_ns, d) =>
      d === 'petsite'
        ? [
            { namespace: 'petadoptions', deployment: 'petsite', revision: 3, replicaSet: 'petsite-a', createdAt: '2026-11-20T00:00:00Z', images: ['x:1'], changes: [], replicas: 2, readyReplicas: 2 },
            { namespace: 'petadoptions', deployment: 'petsite', revision: 4, replicaSet: 'petsite-b', createdAt: '2026-11-24T09:50:00Z', images: ['x:1'], changes: ['env SEARCH_API_URL changed (petsite)'], replicas: 1, readyReplicas: 0 },
          ]
        : [],
    nodes: async () => [],
    deployment: async () => ({ replicas: 2, available: 2, images: [], limits: {}, requests: {}, selector: {} }),
  };
  const ctx = memoryContext({ alerts: [alert(labels)], evidence: { kubernetes: k8s }, now: () => NOW });
  await kubernetesStep.run(ctx, kubernetesStep.params.parse({}));
  const kinds = ctx.incident.findings.map((f) => `${f.source}:${f.kind}:${f.subject?.name}`);
  assert.ok(kinds.includes('kubernetes:oom-killed:petlistadoptions-6dshvgncnx-vzmln'));
  assert.ok(kinds.includes('events:oom-killed:petlistadoptions-6dshvgncnx-vzmln'), 'the node event is attributed to the killed pod');
  assert.ok(kinds.includes('kubernetes:crash-loop-backoff:petlistadoptions-6dshvgncnx-vzmln'));
  assert.ok(kinds.includes('kubernetes:container-error-exit:petsite-7b9c5d8f6h-x2xkq'));
  const rollout = ctx.incident.findings.find((f) => f.kind === 'recent-rollout')!;
  assert.is(rollout.observedAt, '2026-11-24T09:50:00Z');
  assert.equal(rollout.data?.changes, ['env SEARCH_API_URL changed (petsite)']);
  assert.ok(kinds.includes('kubernetes:rollout-stuck:petsite'));
  assert.ok(ctx.incident.findings.some((f) => f.kind === 'workload-placement'));
});

test('traces: X-Ray blame needs enough traces; client-vs-server time tells the network from the service', async () => {
  const slow = Array.from({ length: 25 }, (_, i) => ({ id: `t${i}`, durationSeconds: 1.4, responseTimeSeconds: 1.4, hasFault: false, hasError: false, responseTimeRootCauses: [], responseTimeOnWire: ['petsearch'], faultRootCauses: [], startTime: end - 300 + i }));
  const traces: TraceEvidence = {
    summaries: async () => slow,
    serviceGraph: async () => [{ from: 'petsite', to: 'petsearch', requests: 100, errors: 0, faults: 0, averageSeconds: 1.3 }],
    segments: async () => [
      { id: 'a', service: 'petsite', name: 'petsite', start: 0, end: 1.4 },
      { id: 'b', service: 'petsite', name: 'petsearch.petadoptions.svc.cluster.local', start: 0.01, end: 1.39, parent: 'a', remote: true },
      { id: 'c', service: 'petsearch', name: 'petsearch', start: 0.02, end: 0.06, parent: 'b' },
    ],
  };
  const ctx = memoryContext({ alerts: [alert({ namespace: 'petadoptions', service: 'petsite' })], evidence: { traces }, now: () => NOW });
  const out = await tracesStep.run(ctx, tracesStep.params.parse({ sampleTraces: 3 }));
  const [timing] = callTimings(await traces.segments!('t1'));
  assert.is(timing!.service, 'petsearch');
  assert.ok(Math.abs(timing!.client - 1.38) < 1e-9 && Math.abs(timing!.server - 0.04) < 1e-9);
  const gaps = ctx.incident.findings.filter((f) => f.kind === 'network-gap');
  assert.is(gaps.length, 2, 'X-Ray blame and the measured gap');
  assert.ok(gaps.every((f) => f.subject?.name === 'petsearch' && f.source === 'traces'));
  assert.is(out.gaps[0]!.service, 'petsearch');
  assert.ok(ctx.incident.findings.some((f) => f.kind === 'service-graph'));
  const few = memoryContext({ alerts: [], evidence: { traces: { ...traces, summaries: async () => slow.slice(0, 5) } }, now: () => NOW });
  await tracesStep.run(few, tracesStep.params.parse({ sampleTraces: 0 }));
  assert.not.ok(few.incident.findings.some((f) => f.kind === 'network-gap'), 'five slow traces are background, not an incident');
});

test('CloudWatch: Container Insights breaches and Logs Insights rows become the same finding kinds; no adapter, no gap', async () => {
  const cw: CloudWatchEvidence = {
    metric: async (o) => (o.metricName === 'pod_memory_utilization_over_pod_limit' ? [{ t: end - 120, v: 88 }, { t: end - 60, v: 97 }] : []),
    logsInsights: async (o) => (o.logGroups[0]!.endsWith('/host') ? [{ '@logStream': 'ip-192-168-1-1.us-west-2.compute.internal', process: 'petlistadoptions', kills: '3' }] : []),
  };
  const ctx = memoryContext({ alerts: [alert({ ...labels, ClusterName: 'PetSite' })], evidence: { cloudwatch: cw }, now: () => NOW });
  await cloudwatchStep.run(ctx, cloudwatchStep.params.parse({}));
  await logsInsightsStep.run(ctx, logsInsightsStep.params.parse({ queries: ['oom-kills'] }));
  assert.ok(ctx.incident.findings.some((f) => f.source === 'cloudwatch' && f.kind === 'memory-near-limit' && f.subject?.name === 'petlistadoptions'));
  assert.ok(ctx.incident.findings.some((f) => f.source === 'cloudwatch-logs' && f.kind === 'oom-killed'));
  const local = memoryContext({ alerts: [alert(labels)], evidence: {}, now: () => NOW });
  await cloudwatchStep.run(local, cloudwatchStep.params.parse({}));
  assert.equal(local.incident.gaps, [], 'the local target has no CloudWatch by design');
  await metricsStep.run(local, metricsStep.params.parse({}));
  assert.equal(local.incident.gaps.map((g) => g.source), ['prometheus'], 'a missing metrics source is a gap');
});

test('log patterns: OOM, timeouts naming the callee, bad configuration, access-log durations', () => {
  const text = [
    '2026-11-24T09:58:01.000000000Z {"EventId":0,"LogLevel":"Error","Message":"Call to payforadoption failed: The request was canceled due to the configured HttpClient.Timeout of 3 seconds elapsing. (http://payforadoption.petadoptions.svc.cluster.local/api/completeadoption) -> HTTP 504","Exception":"System.Threading.Tasks.TaskCanceledException: x"}',
    '2026-11-24T09:58:02.000000000Z {"EventId":0,"LogLevel":"Critical","Message":"Hosting failed to start","Exception":"System.InvalidOperationException: Invalid configuration: SEARCH_API_URL=\\"petsearch:80\\" is not a valid URL"}',
    '2026-11-24T09:58:03.000000000Z Exception in thread "http-nio-8080-exec-7" java.lang.OutOfMemoryError: Java heap space',
  ].join('\n');
  const hits = new Map(scanLogs(text).map((h) => [h.pattern.name, h]));
  assert.equal(hits.get('timeout')?.upstreams, { payforadoption: 1 });
  assert.ok(hits.get('config-error'));
  assert.ok(hits.get('oom'));
  assert.is(hits.get('oom')!.first, '2026-11-24T09:58:03.000000000Z');
  assert.is(upstreamOf('GET http://petsearch.petadoptions.svc.cluster.local/api/search'), 'petsearch');
  const access = [
    '{"EventId":2,"LogLevel":"Information","Message":"Request finished HTTP/1.1 GET http://petsite.petadoptions.svc.cluster.local/ - 200 - text/html;+charset=utf-8 12.5ms"}',
    '2026-11-24T09:58:01.946Z  INFO 1 --- [nio-8080-exec-3] c.a.p.controller.SearchController        : GET /api/search?pettype=puppy 200 33ms',
    '{"level":"info","msg":"request","method":"POST","path":"/api/completeadoption","status":200,"duration_ms":21.5}',
    '{"level":"info","msg":"request","status":500,"duration_ms":2.5}',
  ].join('\n');
  assert.equal(requestDurations(access).map((d) => d.ms), [12.5, 33, 21.5]);
});

test('recommend: nothing is proposed on a weak or unknown root cause', async () => {
  const ctx = memoryContext({ alerts: [alert(labels)], evidence: {}, now: () => NOW });
  ctx.setRootCause({ kind: 'memory-leak', target: { kind: 'Deployment', namespace: 'petadoptions', name: 'petlistadoptions' }, confidence: 0.4, summary: 's', evidence: [] });
  const out = await recommendStep.run(ctx, recommendStep.params.parse({}));
  assert.equal(out.proposed, []);
  assert.match(out.reason ?? '', /not enough to act on/);
});

test.run();
