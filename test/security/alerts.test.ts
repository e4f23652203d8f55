/**
 * Part D of issue 11, "an alert is a claim" (finding H4 and the intake limits), against the simulated
 * cluster with its real Prometheus: one test per finding, each named after it, each failing on the
 * commit before the fix (19fd891), then cases nobody listed of the same kinds. docs/security/alerts.md
 * is the threat model these tests prove.
 *
 * Only APIs that existed before the fix are used (the webhook, the intake, the steps, the metric checks,
 * the verification symptoms, the template renderer), so the same file runs against the old code and
 * fails there on its assertions, not on a missing import.
 */
import { readFileSync } from 'node:fs';
import { parser } from '@prometheus-io/lezer-promql';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ManualClock } from '../../core/clock.js';
import { memoryLogger } from '../../core/log.js';
import type { Alert, Incident } from '../../core/types.js';
import type { Deployment, Node, Pod, ReplicaSet } from '../../infra/local/simulation/cluster/objects.js';
import { DEPLOYMENT, NODE, POD, REPLICASET } from '../../infra/local/simulation/cluster/resources.js';
import { McpMetrics } from '../../agent/evidence/metrics-mcp.js';
import { parseEvent } from '../../agent/intake/events.js';
import { Intake } from '../../agent/intake/intake.js';
import { AgentMetrics } from '../../agent/metrics.js';
import { SqliteWorkQueue } from '../../agent/queue/sqlite-queue.js';
import { actionOf, symptomChecks } from '../../agent/remediation/index.js';
import { createVerifyStep } from '../../agent/steps/verify.js';
import { anomalyScans, metricChecks } from '../../agent/steps/metric-checks.js';
import { stepHandlers } from '../../agent/steps/index.js';
import type { AnalyseOutput } from '../../agent/steps/analyse.js';
import type { RecommendOutput } from '../../agent/steps/recommend.js';
import { SqliteStateStore } from '../../agent/store/sqlite-store.js';
import type { StepHandler } from '../../agent/workflow/step.js';
import { renderString } from '../../agent/workflow/template.js';
import { alertmanagerPayload, startAgentOnWorld } from '../support/agent/agent-on-world.js';
import { faults, nodeName } from '../support/agent/faults.js';
import { approveAll, memoryContext, testSafety } from '../support/agent/memory-context.js';
import { playbookFor, runPlaybook } from '../support/agent/run-playbook.js';
import { buildWorld, type World } from '../support/agent/simulated-world.js';
import { freePort } from '../support/free-port.js';

const NS = 'petadoptions';
/** Below this no playbook acts (the general playbook needs 0.6). */
const ACTION_THRESHOLD = 0.5;
const INJECTION = 'petadoptions"} or vector(42) or up{job="x';

/** Label values that must stay data wherever they go: the issue's, and other shapes of the same attack. */
const HOSTILE = [
  INJECTION,
  'petadoptions\\"} or vector(42) or up{job=\\"x',
  'petadoptions"}\nor vector(42)\nor up{job="x',
  'x"} or vector(42) # ',
  "petadoptions'} or vector(42) or up{job='x",
  'petadoptions`} or vector(42)',
  '.*',
  'petadoptions|.*',
  '$rate"} or vector(42) or up{job="$ns',
  '{{labels.namespace}}',
  'реtadoptions', // Cyrillic "р" and "е": looks like the namespace, is not it
  'petadoptions\u202e"} or vector(42)',
  'petadoptions\ud800"} or vector(42)',
];

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

const at = (world: World, minutesAgo: number) => new Date(world.at - minutesAgo * 60_000).toISOString();
const podOf = (world: World, app: string) => world.sim.store.list<Pod>(POD, NS).find((p) => p.metadata.labels?.app === app && !p.metadata.deletionTimestamp)!.metadata.name;

/** A query's syntax tree as node names, each string literal one token: what a value must never change. */
function shape(query: string): string {
  const names: string[] = [];
  parser.parse(query).iterate({
    enter: (node) => {
      names.push(node.type.isError ? 'ERROR' : node.type.name);
      return node.type.name !== 'StringLiteral';
    },
  });
  return names.join(' ');
}

/** The query with its string literals removed: whatever is left is syntax. */
function outsideStrings(query: string): string {
  let out = '';
  let from = 0;
  parser.parse(query).iterate({
    enter: (node) => {
      if (node.type.name !== 'StringLiteral') return true;
      out += query.slice(from, node.from);
      from = node.to;
      return false;
    },
  });
  return out + query.slice(from);
}

function parsesCleanly(query: string): boolean {
  let clean = true;
  parser.parse(query).iterate({ enter: (node) => void (node.type.isError && (clean = false)) });
  return clean;
}

/** The values of a query's string literals, unquoted (our escapes are the JSON subset of Go's). */
function stringLiterals(query: string): string[] {
  const out: string[] = [];
  parser.parse(query).iterate({
    enter: (node) => {
      if (node.type.name !== 'StringLiteral') return true;
      const text = query.slice(node.from, node.to);
      out.push(text.startsWith('"') ? (JSON.parse(text) as string) : text.slice(1, -1));
      return false;
    },
  });
  return out;
}

function verifyWithSimulation(world: World): StepHandler[] {
  const verify: StepHandler = createVerifyStep({ sleep: async (ms) => world.sim.run(ms / 1000) });
  return stepHandlers.map((h) => (h.kind === 'verify' ? verify : h));
}

let healthy: World | undefined;
/** A healthy cluster (no fault injected), shared by the tests that only read it. */
const healthyWorld = async () => (healthy ??= await buildWorld(faults.falseAlarm('petsite'), { seed: 1101 }));

function intakeBench(options: { rate?: boolean } = {}) {
  const clock = new ManualClock(Date.parse('2026-11-25T09:05:00.000Z'));
  const store = new SqliteStateStore(':memory:');
  const queue = new SqliteWorkQueue(':memory:', { clock });
  const metrics = new AgentMetrics({ defaultMetrics: false });
  const intake = new Intake({ store, queue, clock, log: memoryLogger(), metrics, ...(options.rate === false ? { rateLimits: { authenticated: { burst: 1e6, perMinute: 1e6 }, unauthenticated: { burst: 1e6, perMinute: 1e6 } } } : {}) });
  return { clock, store, queue, metrics, intake };
}

const forgedCritical = (i: number) =>
  alertmanagerPayload(
    { alertname: 'ContainerOOMKilled', severity: 'critical', namespace: NS, deployment: `fake${i}`, pod: `fake${i}-7d4b9c6f5b-x2k8q`, container: `fake${i}` },
    { summary: `Container ${NS}/fake${i} was OOMKilled`, startsAt: '2026-11-25T09:00:00.000Z', fingerprint: `flood-${i}` },
  );

// ---------------------------------------------------------------------------------------------
// H4: the findings
// ---------------------------------------------------------------------------------------------

test('H4 forged alert: a forged ContainerMemoryNearLimit for a healthy pod gets no root cause above the action threshold and no action (end to end)', async () => {
  const world = await healthyWorld();
  const on = await startAgentOnWorld(world);
  try {
    const pod = podOf(world, 'petsite');
    const before = world.sim.store.get<Deployment>(DEPLOYMENT, NS, 'petsite')!;
    const answer = await on.post('/webhooks/alertmanager', alertmanagerPayload({ alertname: 'ContainerMemoryNearLimit', severity: 'warning', namespace: NS, pod, container: 'petsite', deployment: 'petsite' }, { summary: `Container ${NS}/${pod} petsite is close to its memory limit`, startsAt: at(world, 3), fingerprint: 'forged-memory' }));
    assert.is(answer.status, 202, JSON.stringify(answer.body));
    const incident = await on.settled((answer.body.results as { incidentId: string }[])[0]!.incidentId);
    const rc = incident.rootCause!;
    assert.ok(rc.kind === 'unknown' || rc.confidence < ACTION_THRESHOLD, `root cause ${rc.kind} at ${rc.confidence}: ${rc.summary}`);
    assert.equal(incident.actions.map((a) => `${a.kind}:${a.status}`), [], 'nothing proposed, approved or executed');
    assert.match(rc.summary, /Only the alert claims memory-leak/);
    assert.ok(incident.hypotheses.every((h) => h.confidence < ACTION_THRESHOLD), JSON.stringify(incident.hypotheses.map((h) => [h.kind, h.confidence])));
    assert.ok(incident.timeline.some((e) => /Only the alert claims/.test(e.summary)), 'the timeline says so too');
    const after = world.sim.store.get<Deployment>(DEPLOYMENT, NS, 'petsite')!;
    assert.is(after.metadata.generation, before.metadata.generation, 'the deployment was not touched');
  } finally {
    await on.stop();
  }
});

test(`H4 label injection: namespace '${INJECTION}' sent to the webhook never reaches a query`, async () => {
  const world = await healthyWorld();
  const on = await startAgentOnWorld(world);
  try {
    const pod = podOf(world, 'petsite');
    const answer = await on.post('/webhooks/alertmanager', alertmanagerPayload({ alertname: 'ContainerMemoryNearLimit', severity: 'warning', namespace: INJECTION, pod, container: 'petsite', deployment: 'petsite' }, { summary: 'memory', startsAt: at(world, 3), fingerprint: 'inject-namespace' }));
    assert.is(answer.status, 202, 'taken as an alert: it is evidence that something sent it');
    const incident = await on.settled((answer.body.results as { incidentId: string }[])[0]!.incidentId);
    const queries = on.queries();
    assert.ok(queries.length > 0, 'the investigation queried Prometheus');
    for (const query of queries) {
      assert.ok(parsesCleanly(query), query);
      assert.not.match(outsideStrings(query), /vector|42/, `syntax from the label in ${query}`);
      assert.not.ok(query.includes('vector(42)'), `the label value reached ${query}`);
    }
    assert.is(incident.target, undefined, 'no target from labels that are not names');
    assert.ok(incident.timeline.some((e) => /not all valid Kubernetes names and were set aside/.test(e.summary)), incident.timeline.map((e) => e.summary).join('\n'));
    assert.equal(incident.actions, []);
  } finally {
    await on.stop();
  }
});

test('H4 label injection, every place a label value reaches a query: metric checks, anomaly scans, verification symptoms and templates keep their structure', async () => {
  const world = await healthyWorld();
  const benign = 'petadoptions';
  for (const value of HOSTILE) {
    for (const check of [...metricChecks, ...anomalyScans]) {
      const query = check.query({ namespace: value, rate: '5m' });
      assert.is(shape(query), shape(check.query({ namespace: benign, rate: '5m' })), `${check.name} with ${JSON.stringify(value)}:\n${query}`);
    }
    for (const name of ['ContainerMemoryNearLimit', 'ContainerOOMKilled', 'CPUThrottlingHigh', 'HighRequestLatency', 'HighErrorRate', 'DeploymentReplicasUnavailable']) {
      const alertWith = (v: string) => ({ name, labels: { alertname: name, namespace: v, deployment: v, service: v } }) as unknown as Alert;
      const [hostile] = symptomChecks([alertWith(value)], undefined, '2m');
      const [plain] = symptomChecks([alertWith(benign)], undefined, '2m');
      assert.ok(hostile?.type === 'promql' && plain?.type === 'promql', name);
      if (hostile?.type !== 'promql' || plain?.type !== 'promql') continue;
      assert.is(shape(hostile.query), shape(plain.query), `${name} symptom with ${JSON.stringify(value)}:\n${hostile.query}`);
      // A regex matcher matches the value literally: ".*" in a label does not select every pod.
      for (const regex of stringLiterals(hostile.query).filter((s) => s.endsWith('-[a-z0-9]+-[a-z0-9]+'))) assert.not.ok(new RegExp(`^(?:${regex})$`).test('victim-7d4b9c6f5b-x2k8q'), `${regex} selects any pod`);
    }
    const vars = { labels: { namespace: value, pod: value }, alert: { summary: value } };
    for (const template of ['up{namespace="{{labels.namespace}}", pod=~"{{regexEscape labels.pod}}-.*"}', "up{namespace='{{labels.namespace}}'}", 'sum by (pod) (rate(container_cpu_usage_seconds_total{namespace="{{labels.namespace}}"}[5m]))']) {
      const benignQuery = renderString(template, { labels: { namespace: benign, pod: benign } }) as string;
      let rendered: string | undefined;
      try {
        rendered = renderString(template, vars) as string;
      } catch {
        // Refused (a value that cannot be made safe where it stands) is inert too.
      }
      if (rendered !== undefined) assert.is(shape(rendered), shape(benignQuery), `template ${template} with ${JSON.stringify(value)}:\n${rendered}`);
    }
  }
  // The real Prometheus agrees: the hostile queries select nothing (no such namespace), never 42.
  for (const check of metricChecks) {
    const series = await world.evidence.metrics.range(check.query({ namespace: INJECTION, rate: '5m' }), { start: world.at / 1000 - 600, end: world.at / 1000, stepSeconds: 60 });
    assert.equal(series, [], `${check.name} selected ${JSON.stringify(series.slice(0, 2))}`);
  }
});

test('H4 1 MB labels: an oversized alert is refused with 413 and never becomes a 1 MB incident title', async () => {
  const world = await healthyWorld();
  const on = await startAgentOnWorld(world, { evidence: {} });
  try {
    const huge = 'a'.repeat(900_000);
    const answer = await on.post('/webhooks/alertmanager', alertmanagerPayload({ alertname: 'ContainerMemoryNearLimit', severity: 'warning', namespace: NS, pod: huge }, { startsAt: at(world, 3), fingerprint: 'huge-label' }));
    assert.is(answer.status, 413, JSON.stringify(answer.body).slice(0, 300));
    assert.match(String(answer.body.error), /labels\.pod has 900000 characters/);
    const listed = (await (await fetch(`${on.agent.url}/incidents`)).json()) as { items: { title: string }[] };
    assert.equal(listed.items, [], 'no incident opened');
    const hugeSummary = await on.post('/webhooks/alertmanager', alertmanagerPayload({ alertname: 'ContainerMemoryNearLimit', severity: 'warning', namespace: NS }, { summary: 'b'.repeat(900_000), startsAt: at(world, 3), fingerprint: 'huge-summary' }));
    assert.is(hugeSummary.status, 413);
    const metrics = await (await fetch(`${on.agent.url}/metrics`)).text();
    assert.match(metrics, /agent_alerts_rejected_total\{reason="too-large"\} 2/);
  } finally {
    await on.stop();
  }
});

test('H4 flood: forged critical alerts from an unauthenticated sender cannot jump the queue', async () => {
  const { intake, queue } = intakeBench({ rate: false });
  const anonymous = { name: 'anonymous', authenticated: false };
  for (let i = 0; i < 40; i++) await intake.receive('alertmanager', forgedCritical(i), anonymous);
  const [real] = await intake.receive(
    'alertmanager',
    alertmanagerPayload({ alertname: 'ContainerOOMKilled', severity: 'critical', namespace: NS, deployment: 'petsite', pod: 'petsite-7d4b9c6f5b-x2k8q', container: 'petsite' }, { summary: 'petsite was OOMKilled', startsAt: '2026-11-25T09:04:00.000Z', fingerprint: 'real' }),
    { name: 'alertmanager', authenticated: true },
  );
  const first = await queue.lease({ visibilityMs: 60_000 });
  assert.is(first!.incidentId, real!.incidentId, 'the authenticated critical alert, sent last, is investigated first');
  assert.ok(first!.priority >= 3000, `critical priority ${first!.priority}`);
  const next = await queue.lease({ visibilityMs: 60_000 });
  assert.ok(next!.priority < 3000, `a forged "critical" orders the queue as a warning at most (${next!.priority})`);
});

test('H4 flood: over its rate, a sender is answered 429 with Retry-After and counted; what it sent before is kept', async () => {
  const world = await healthyWorld();
  // No evidence sources: the incidents the flood opens are investigated in an instant, and leave the test alone.
  const on = await startAgentOnWorld(world, { config: { alertRatePerMinute: 600 }, evidence: {} });
  try {
    const statuses: number[] = [];
    let refused: Awaited<ReturnType<typeof on.post>> | undefined;
    for (let i = 0; i < 80; i++) {
      const answer = await on.post('/webhooks/alertmanager', forgedCritical(i));
      statuses.push(answer.status);
      if (answer.status === 429) refused ??= answer;
    }
    assert.is(statuses.filter((s) => s === 202).length, 60, `an unauthenticated sender may send 60 new alerts at once (${statuses.join(',')})`);
    assert.ok(refused, 'the rest is refused');
    assert.ok(Number(refused.headers.get('retry-after')) >= 1, 'with Retry-After');
    assert.match(String(refused.body.error), /too many new alerts from anonymous/);
    const metrics = await (await fetch(`${on.agent.url}/metrics`)).text();
    assert.match(metrics, /agent_alerts_rejected_total\{reason="rate-limited"\} 20/);
    assert.match(metrics, /agent_alerts_throttled_total\{authenticated="false"\} 20/);
    // A duplicate costs nothing: Alertmanager re-sends whole groups.
    assert.is((await on.post('/webhooks/alertmanager', forgedCritical(0))).status, 202);
  } finally {
    await on.stop();
  }
});

test('H4 own fix: with Prometheus down, the agent never takes its own earlier rollback for the cause and never proposes to undo it', async () => {
  const world = await buildWorld(faults.badDeployment('petsearch'), { seed: 1106 });
  try {
    const first = memoryContext({ alerts: world.alerts, evidence: world.evidence, now: () => world.sim.now, cluster: world.cluster, safety: testSafety });
    await runPlaybook(playbookFor(world.alerts), first, { handlers: verifyWithSimulation(world), onApproval: (ctx) => (approveAll(ctx, 'on-call@example.com'), true) });
    const fix = first.incident.actions.find((a) => a.kind === 'rollback');
    assert.is(fix?.status, 'succeeded', first.incident.actions.map((a) => `${a.kind}:${a.status}`).join(', '));
    world.sim.run(120);
    const [again] = parseEvent('alertmanager', alertmanagerPayload({ alertname: 'DeploymentReplicasUnavailable', severity: 'warning', namespace: NS, deployment: 'petsearch' }, { summary: `Deployment ${NS}/petsearch has unavailable replicas`, startsAt: new Date(world.sim.now - 60_000).toISOString(), fingerprint: 'again' }), new Date(world.sim.now).toISOString());
    const prometheusDown = new McpMetrics({ url: `http://127.0.0.1:${await freePort()}/mcp`, sleep: async () => undefined, retry: { maxAttempts: 2 } });
    const second = memoryContext({ alerts: [again!], evidence: { ...world.evidence, metrics: prometheusDown }, now: () => world.sim.now, cluster: world.cluster, safety: testSafety });
    const outputs = await runPlaybook(playbookFor([again!]), second, { until: 'recommend' });
    const rc = second.incident.rootCause!;
    assert.ok(second.incident.gaps.some((g) => g.source === 'prometheus'), 'Prometheus was out of reach');
    assert.not.ok(rc.kind === 'bad-deployment' && rc.confidence >= ACTION_THRESHOLD, `blamed its own fix: ${rc.summary}`);
    assert.equal(second.incident.actions.filter((a) => a.kind === 'rollback'), [], `proposed to undo its own fix: ${second.incident.actions.map((a) => a.rationale).join(' | ')}`);
    assert.ok(second.incident.findings.some((f) => f.kind === 'agent-change' && f.summary.includes(fix!.id)), 'the rollout is recorded as the agent\'s own change');
    assert.match(rc.summary, /is the agent's own change/);
    assert.equal((outputs.recommend as RecommendOutput | undefined)?.proposed ?? [], []);

    // The agent marked its change: on the Deployment, and on the pod template its ReplicaSet keeps.
    const deployment = world.sim.store.get<Deployment>(DEPLOYMENT, NS, 'petsearch')!;
    for (const annotations of [deployment.metadata.annotations, deployment.spec.template.metadata?.annotations]) {
      assert.is(annotations?.['eks-incident-kit/changed-by'], 'devops-agent', JSON.stringify(annotations));
      assert.is(annotations?.['eks-incident-kit/incident'], first.incident.id);
      assert.is(annotations?.['eks-incident-kit/action'], fix!.id);
    }
    const revisions = world.sim.store.list<ReplicaSet>(REPLICASET, NS).filter((rs) => rs.metadata.name.startsWith('petsearch-'));
    assert.ok(revisions.some((rs) => rs.spec.template.metadata?.annotations?.['eks-incident-kit/action'] === fix!.id), 'the revision the rollback rolled out carries the mark');

    // Node changes are marked too (cordon, then uncordon).
    const node = nodeName(world.sim, 0);
    const env = { cluster: world.cluster, safety: testSafety, now: () => world.sim.now, sleep: async () => undefined, log: memoryLogger(), change: { incidentId: 'inc-marks', actionId: 'act-cordon', actionKind: 'cordon-node' } };
    await actionOf('cordon-node').execute(env, { kind: 'Node', name: node }, {});
    assert.is(world.sim.store.get<Node>(NODE, undefined, node)?.metadata.annotations?.['eks-incident-kit/action'], 'act-cordon');
    await actionOf('uncordon-node').execute({ ...env, change: { incidentId: 'inc-marks', actionId: 'act-uncordon', actionKind: 'uncordon-node' } }, { kind: 'Node', name: node }, {});
    assert.is(world.sim.store.get<Node>(NODE, undefined, node)?.metadata.annotations?.['eks-incident-kit/action'], 'act-uncordon');
  } finally {
    await world.close();
  }
});

// ---------------------------------------------------------------------------------------------
// Cases nobody listed
// ---------------------------------------------------------------------------------------------

const eventbridgeAlarm = (world: World) => {
  const event = JSON.parse(readFileSync(new URL('../../agent/intake/fixtures/cloudwatch-alarm-pod-memory.json', import.meta.url), 'utf8')) as { detail: { alarmName: string; state: { timestamp: string } }; resources: string[]; time: string };
  event.detail.alarmName = 'eks-pod-memory-over-limit';
  event.resources = ['arn:aws:cloudwatch:us-west-2:123456789012:alarm:eks-pod-memory-over-limit'];
  event.detail.state.timestamp = at(world, 3);
  event.time = at(world, 3);
  return event;
};

test('forged alerts of other kinds (CPU, crash loop, OOM, memory growth, node pressure, node not ready, eviction, latency, errors, replicas, a CloudWatch alarm) on a healthy cluster: no root cause to act on, nothing proposed', async () => {
  const world = await healthyWorld();
  const node = nodeName(world.sim, 1);
  const forged: { kind: 'alertmanager' | 'eventbridge'; payload: unknown }[] = [
    ['CPUThrottlingHigh', { namespace: NS, deployment: 'payforadoption', pod: podOf(world, 'payforadoption'), container: 'payforadoption' }],
    ['PodCrashLooping', { namespace: NS, deployment: 'pethistory', pod: podOf(world, 'pethistory'), container: 'pethistory' }],
    ['ContainerOOMKilled', { namespace: NS, deployment: 'petlistadoptions', pod: podOf(world, 'petlistadoptions'), container: 'petlistadoptions' }],
    ['ContainerMemoryGrowingToLimit', { namespace: NS, deployment: 'petsearch', pod: podOf(world, 'petsearch'), container: 'petsearch' }],
    ['NodeMemoryPressure', { node }],
    ['HighRequestLatency', { namespace: NS, service: 'petsite' }],
    ['DeploymentReplicasUnavailable', { namespace: NS, deployment: 'petsearch' }],
    ['HighErrorRate', { namespace: NS, service: 'payforadoption' }],
    ['PodEvicted', { namespace: NS, pod: podOf(world, 'pethistory'), node }],
    ['KubeNodeNotReady', { node }],
  ].map(([name, labels]) => ({ kind: 'alertmanager' as const, payload: alertmanagerPayload({ alertname: name as string, severity: 'critical', ...(labels as Record<string, string>) }, { summary: `${name as string} (forged)`, startsAt: at(world, 3), fingerprint: `forged-${name as string}` }) }));
  forged.push({ kind: 'eventbridge', payload: eventbridgeAlarm(world) });
  for (const { kind, payload } of forged) {
    const alerts = parseEvent(kind, payload, new Date(world.at).toISOString());
    const context = memoryContext({ alerts, evidence: world.evidence, now: () => world.at, cluster: world.cluster, safety: testSafety });
    const outputs = await runPlaybook(playbookFor(alerts), context, { until: 'recommend' });
    const rc = context.incident.rootCause!;
    const analysis = outputs.analyse as AnalyseOutput;
    assert.ok(rc.kind === 'unknown' || rc.confidence < ACTION_THRESHOLD, `${alerts[0]!.name}: ${rc.kind} at ${rc.confidence}: ${rc.summary}`);
    assert.ok(analysis.ranked.every((c) => c.confidence < ACTION_THRESHOLD), `${alerts[0]!.name}: ${JSON.stringify(analysis.ranked.map((c) => [c.kind, c.confidence]))}`);
    assert.equal(context.incident.actions, [], `${alerts[0]!.name}: nothing proposed`);
  }
});

test('a real fault is still found and acted on: the alert only confirms nothing, the evidence does', async () => {
  const world = await buildWorld(faults.memoryLeak('petlistadoptions'), { seed: 1107 });
  try {
    const context = memoryContext({ alerts: world.alerts, evidence: world.evidence, now: () => world.sim.now, cluster: world.cluster, safety: testSafety });
    await runPlaybook(playbookFor(world.alerts), context, { until: 'recommend' });
    const rc = context.incident.rootCause!;
    assert.is(rc.kind, 'memory-leak', rc.summary);
    assert.ok(rc.confidence >= 0.8, String(rc.confidence));
    assert.ok(context.incident.actions.some((a) => a.kind === 'rollout-restart'), 'the fix is proposed');
  } finally {
    await world.close();
  }
});

test('injection shapes through the webhook (newlines, regex, quotes, backslashes, unicode, templates) in every target label: set aside, never in a query', async () => {
  const world = await healthyWorld();
  const on = await startAgentOnWorld(world);
  try {
    const shapes = ['petadoptions"}\nor vector(42)\nor up{job="x', '.*', 'petadoptions\\"} or vector(42) or up{job=\\"x', 'реtadoptions', '{{labels.namespace}}'];
    const labelsFor = ['namespace', 'pod', 'deployment', 'node', 'container', 'service'];
    let n = 0;
    for (const value of shapes) {
      for (const label of labelsFor) {
        const labels = { alertname: 'ContainerMemoryNearLimit', severity: 'warning', namespace: NS, pod: podOf(world, 'petsite'), deployment: 'petsite', container: 'petsite', [label]: value };
        const answer = await on.post('/webhooks/alertmanager', alertmanagerPayload(labels, { summary: 'forged', startsAt: at(world, 3), fingerprint: `shape-${n++}` }));
        assert.is(answer.status, 202);
        const incident = await on.settled((answer.body.results as { incidentId: string }[])[0]!.incidentId);
        assert.is(incident.target, undefined, `${label}=${JSON.stringify(value)}`);
      }
    }
    for (const query of on.queries()) {
      assert.ok(parsesCleanly(query), query);
      assert.not.match(outsideStrings(query), /vector|42|\.\*"/, query);
      for (const value of shapes.filter((v) => v !== '.*')) assert.not.ok(query.includes(value), `${JSON.stringify(value)} in ${query}`);
    }
  } finally {
    await on.stop();
  }
});

test('payload limits: nesting, alert and label counts, and text people read', async () => {
  const { intake, store } = intakeBench();
  const refused = async (payload: unknown) => intake.receive('alertmanager', payload).then(() => undefined, (error: { status?: number; message: string }) => error);
  let deep: unknown = 'x';
  for (let i = 0; i < 40; i++) deep = { deep };
  const base = alertmanagerPayload({ alertname: 'ContainerMemoryNearLimit', namespace: NS }, { startsAt: '2026-11-25T09:00:00.000Z' });
  assert.is((await refused({ ...base, groupLabels: deep }))?.status, 413, 'nested 40 deep');
  const many = { ...base, alerts: Array.from({ length: 1001 }, (_, i) => ({ ...(base.alerts as object[])[0], fingerprint: `many-${i}` })) };
  assert.is((await refused(many))?.status, 413, '1001 alerts');
  const labels = Object.fromEntries(Array.from({ length: 70 }, (_, i) => [`l${i}`, 'x']));
  assert.is((await refused(alertmanagerPayload({ alertname: 'X', ...labels }, { startsAt: '2026-11-25T09:00:00.000Z' })))?.status, 413, '70 labels');
  // Control characters, terminal escapes and bidi overrides never reach a title; titles are short.
  const [taken] = await intake.receive('alertmanager', alertmanagerPayload({ alertname: 'ContainerMemoryNearLimit', namespace: NS, deployment: 'petsite' }, { summary: `\u001b[2J\u001b[31mall good\u202e ${'z'.repeat(5000)}`, startsAt: '2026-11-25T09:00:00.000Z' }));
  const incident = (await store.getIncident(taken!.incidentId!)) as Incident;
  assert.ok(incident.title.length <= 200, `title of ${incident.title.length}`);
  // eslint-disable-next-line no-control-regex
  assert.not.match(incident.title, /[\u0000-\u001f\u202e]/);
  assert.ok(incident.title.startsWith('[2J[31mall good'), incident.title.slice(0, 40));
});

test('a forged "resolved" from an unauthenticated sender cannot end the verification of a real incident, nor rewrite the alert', async () => {
  const { intake, store } = intakeBench();
  const firing = alertmanagerPayload({ alertname: 'ContainerOOMKilled', severity: 'critical', namespace: NS, deployment: 'petsite', pod: 'petsite-7d4b9c6f5b-x2k8q', container: 'petsite' }, { summary: 'petsite was OOMKilled', startsAt: '2026-11-25T09:00:00.000Z', fingerprint: 'real-oom' });
  const [opened] = await intake.receive('alertmanager', firing, { name: 'alertmanager', authenticated: true });
  const incident = (await store.getIncident(opened!.incidentId!))!;
  await store.putIncident({ ...incident, status: 'verifying' });
  const resolved = { ...firing, status: 'resolved', alerts: [{ ...(firing.alerts as object[])[0], status: 'resolved', endsAt: '2026-11-25T09:04:00.000Z' }] };
  await intake.receive('alertmanager', resolved, { name: 'anonymous', authenticated: false });
  assert.is((await store.getIncident(incident.id))!.status, 'verifying', 'still verifying: the forged resolution was ignored');
  const rewritten = { ...firing, alerts: [{ ...(firing.alerts as object[])[0], startsAt: '2026-11-25T09:03:00.000Z', labels: { alertname: 'ContainerOOMKilled', namespace: NS, deployment: 'petsearch' } }] };
  await intake.receive('alertmanager', rewritten, { name: 'anonymous', authenticated: false });
  const [stored] = await store.getAlerts([opened!.alertId]);
  assert.is(stored!.labels.deployment, 'petsite', 'the alert keeps what its authenticated sender said');
});

test('per-sender limits: an authenticated sender has its own, larger budget, and one sender\'s flood does not silence another', async () => {
  const { intake } = intakeBench();
  const forger = { name: 'anonymous', authenticated: false };
  let refusedAt = -1;
  for (let i = 0; i < 100 && refusedAt < 0; i++) {
    await intake.receive('alertmanager', forgedCritical(i), forger).catch((error: { status?: number }) => {
      if (error.status === 429) refusedAt = i;
      else throw error;
    });
  }
  assert.is(refusedAt, 60, 'the forger is cut off after 60');
  const results = [];
  for (let i = 0; i < 100; i++) results.push(...(await intake.receive('alertmanager', forgedCritical(1000 + i), { name: 'alertmanager', authenticated: true })));
  assert.is(results.length, 100, 'the authenticated Alertmanager still gets through');
});

test.after(async () => {
  await healthy?.close();
});

test.run();
