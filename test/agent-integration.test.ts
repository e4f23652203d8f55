/**
 * The agent's brains on the local target, in-process: for each playbook, a simulated cluster with its
 * fault injected (Chaos Mesh objects or a bad rollout), a real Prometheus over its history, the
 * Kubernetes API and the X-Ray API served on loopback, and the alert its rule raised. The playbook the
 * alert selects runs its evidence steps and the analysis, which must name the right root-cause kind
 * and target with evidence from at least three sources. Two incidents go on to remediation: the
 * proposed actions are dry-run, approved, executed and verified on the running simulation.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createLogger } from '../core/log.js';
import { PrometheusBackend } from '../lib/prometheus/client/index.js';
import { startHttpServer } from '../mcp/server/http.js';
import { McpMetrics } from '../agent/evidence/metrics-mcp.js';
import type { AnalyseOutput } from '../agent/steps/analyse.js';
import { createVerifyStep } from '../agent/steps/verify.js';
import { stepHandlers } from '../agent/steps/index.js';
import { matchesExpected } from './support/agent/cases.js';
import { faults, type FaultSpec } from './support/agent/faults.js';
import { approveAll, memoryContext, testSafety } from './support/agent/memory-context.js';
import { playbookFor, runPlaybook } from './support/agent/run-playbook.js';
import { buildWorld, type World } from './support/agent/simulated-world.js';
import type { StepHandler } from '../agent/workflow/step.js';

interface Row {
  playbook: string;
  fault: string;
  kind: string;
  target: string;
  confidence: number;
  sources: string[];
  ms: number;
}
const results: Row[] = [];

async function investigate(world: World, options: { metrics?: World['evidence']['metrics'] } = {}) {
  const playbook = playbookFor(world.alerts);
  const context = memoryContext({ alerts: world.alerts, evidence: { ...world.evidence, ...(options.metrics ? { metrics: options.metrics } : {}) }, now: () => world.sim.now, cluster: world.cluster });
  const started = Date.now();
  const outputs = await runPlaybook(playbook, context, { until: 'analyse' });
  return { playbook, context, analysis: outputs.analyse as AnalyseOutput, ms: Date.now() - started };
}

const cases: { playbook: string; fault: () => FaultSpec; seed: number; viaMcp?: boolean }[] = [
  { playbook: 'memory-leak', fault: () => faults.memoryLeak('petlistadoptions'), seed: 11, viaMcp: true },
  { playbook: 'cpu-throttling', fault: () => faults.cpuThrottling('payforadoption'), seed: 12 },
  { playbook: 'high-latency', fault: () => faults.latencyFromCpu('petsearch'), seed: 13 },
  { playbook: 'network-latency', fault: () => faults.networkTimeouts('payforadoption'), seed: 14 },
  { playbook: 'crash-loop', fault: () => faults.crashLoop('petsite'), seed: 15 },
  { playbook: 'bad-deployment', fault: () => faults.badDeployment('petsearch'), seed: 16 },
  { playbook: 'node-pressure', fault: () => faults.nodePressure(1), seed: 17 },
  { playbook: 'general', fault: () => faults.falseAlarm('petsite'), seed: 18 },
];

for (const c of cases) {
  test(`${c.playbook}: the fault's alert selects the playbook, which finds the right root cause from 3+ sources`, async () => {
    const world = await buildWorld(c.fault(), { seed: c.seed });
    const mcp = c.viaMcp ? await startHttpServer({ backend: new PrometheusBackend({ url: world.prometheusUrl }), port: 0, logger: createLogger('mcp', { level: 'error' }) }) : undefined;
    const viaMcp = mcp ? new McpMetrics({ url: mcp.url }) : undefined;
    try {
      const { playbook, analysis, context, ms } = await investigate(world, viaMcp ? { metrics: viaMcp } : {});
      assert.is(playbook.name, c.playbook, `alert ${world.alerts[0]!.name} selects ${playbook.name}`);
      const rc = analysis.rootCause;
      results.push({ playbook: playbook.name, fault: world.name, kind: rc.kind, target: `${rc.target.kind}/${rc.target.namespace ? `${rc.target.namespace}/` : ''}${rc.target.name}`, confidence: rc.confidence, sources: analysis.sources, ms });
      assert.ok(matchesExpected(rc, world.expected), `got ${rc.kind} ${rc.target.name}, expected ${world.expected.kind} ${world.expected.target.name}: ${rc.summary}`);
      assert.equal(context.incident.gaps, [], 'every source answered');
      if (world.expected.kind !== 'unknown') {
        assert.ok(analysis.sources.length >= 3, `evidence from ${analysis.sources.join(', ')}`);
        assert.ok(rc.confidence >= 0.8, `confidence ${rc.confidence}`);
        assert.ok(rc.evidence.every((e) => e.at && (e.findingId || e.source === 'alert')));
      }
      assert.ok(ms < 30_000, `investigation took ${ms} ms`);
    } finally {
      await viaMcp?.close();
      await mcp?.close();
      await world.close();
    }
  });
}

/** Verification on the running simulation: waiting advances simulated time. */
function handlersFor(world: World): StepHandler[] {
  const verify: StepHandler = createVerifyStep({ sleep: async (ms) => world.sim.run(ms / 1000) });
  return stepHandlers.map((h) => (h.kind === 'verify' ? verify : h));
}

test('memory leak, end to end: restart + raise limits proposed with dry-run diffs, approved, executed, verified', async () => {
  const world = await buildWorld(faults.memoryLeak('petlistadoptions'), { seed: 21 });
  try {
    const playbook = playbookFor(world.alerts);
    const context = memoryContext({ alerts: world.alerts, evidence: world.evidence, now: () => world.sim.now, cluster: world.cluster, safety: testSafety });
    await runPlaybook(playbook, context, { handlers: handlersFor(world), onApproval: (ctx) => (approveAll(ctx, 'on-call@example.com'), true) });
    const incident = context.incident;
    const kinds = incident.actions.map((a) => `${a.kind}:${a.status}`);
    assert.ok(kinds.includes('rollout-restart:succeeded'), kinds.join(', '));
    assert.ok(kinds.includes('raise-limits:succeeded'), kinds.join(', '));
    const restart = incident.actions.find((a) => a.kind === 'rollout-restart')!;
    assert.is(restart.dryRun?.method, 'server-side');
    assert.ok(restart.dryRun!.diff.some((l) => l.includes('restartedAt')));
    assert.is(restart.requiresApproval, false, 'low risk under the default policy');
    const raise = incident.actions.find((a) => a.kind === 'raise-limits')!;
    assert.is(raise.requiresApproval, true);
    assert.ok(raise.result?.before && raise.result.after, 'before/after recorded for the audit log');
    assert.is(raise.approval?.by, 'on-call@example.com');
    assert.is(incident.verification?.outcome, 'passed', incident.verification?.detail);
  } finally {
    await world.close();
  }
});

test('node pressure, end to end: cordon and drain under disruption budgets, verified drained', async () => {
  const world = await buildWorld(faults.nodePressure(2), { seed: 22 });
  try {
    const playbook = playbookFor(world.alerts);
    const context = memoryContext({ alerts: world.alerts, evidence: { kubernetes: world.evidence.kubernetes, traces: world.evidence.traces, metrics: world.evidence.metrics }, now: () => world.sim.now, cluster: world.cluster });
    await runPlaybook(playbook, context, { until: 'recommend' });
    const drain = context.incident.actions.find((a) => a.kind === 'drain-node');
    assert.ok(drain, context.incident.actions.map((a) => a.kind).join(', '));
    assert.is(drain.risk, 'high');
    assert.ok(drain.requiresApproval);
    // By now the kubelet may have evicted every workload pod itself: then the drain only cordons.
    assert.ok(drain.dryRun!.diff.includes('+ spec.unschedulable: true') || drain.dryRun!.diff.some((l) => l.startsWith('- pod petadoptions/')), drain.dryRun!.diff.join('\n'));
    assert.is(drain.rollback.action?.kind, 'uncordon-node');
    approveAll(context);
    const remediate = stepHandlers.find((h) => h.kind === 'remediate')!;
    await remediate.run(context, remediate.params.parse({}));
    const verify = handlersFor(world).find((h) => h.kind === 'verify')!;
    // The node stays under pressure (its hog is a DaemonSet pod); the workload has left it.
    const out = (await verify.run(context, verify.params.parse({ symptom: false, holdSeconds: 30, timeoutSeconds: 600, intervalSeconds: 10 }))) as { outcome: string; detail?: string };
    assert.is(out.outcome, 'passed', out.detail);
    assert.ok(context.incident.actions.filter((a) => a.kind === 'cordon-node' || a.kind === 'drain-node').every((a) => a.status === 'succeeded'));
  } finally {
    await world.close();
  }
});

test.after(() => {
  if (!results.length) return;
  process.stdout.write('\n\nplaybook        fault                               root cause                                                                 conf   sources                               ms\n');
  for (const r of results) process.stdout.write(`${r.playbook.padEnd(16)}${r.fault.padEnd(36)}${`${r.kind} ${r.target}`.padEnd(75)}${r.confidence.toFixed(2).padEnd(7)}${r.sources.join(',').padEnd(38)}${r.ms}\n`);
});

test.run();
