import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Incident } from '../core/types.js';
import { loadScenario } from '../scenarios/catalog.js';
import { AgentHttpClient } from './agent-client.js';
import type { Endpoints, Target } from './ports.js';
import { silentProgress } from './progress.js';
import { buildReport } from './report/build.js';
import { renderHtml, renderMarkdown } from './report/render.js';
import { writeMarker } from './injection.js';
import { waitUntilSettled } from './preflight.js';
import { runScenario, type RunOptions } from './run.js';
import { runTimings } from './timings.js';
import { FakeCluster, fakePod, newIncident, proposedAction, ScriptedClock, ScriptedMetrics, StubAgent } from '../test/support/runner/stubs.js';

interface World {
  clock: ScriptedClock;
  agent: StubAgent;
  cluster: FakeCluster;
  metrics: ScriptedMetrics;
  dir: string;
  options(overrides?: Partial<RunOptions>): RunOptions;
  deps(signal?: AbortSignal): Parameters<typeof runScenario>[1];
}

async function world(): Promise<World> {
  const clock = new ScriptedClock();
  const agent = new StubAgent(() => clock.now());
  await agent.start();
  const cluster = new FakeCluster();
  const metrics = new ScriptedMetrics();
  const dir = mkdtempSync(join(tmpdir(), 'run-scenario-'));
  const target: Target = {
    name: 'local',
    prepare: async (): Promise<Endpoints> => ({ kubeconfig: join(dir, 'kubeconfig'), prometheusUrl: 'http://127.0.0.1:9', agentUrl: agent.url, description: 'stub target', profile: 'fast' }),
  };
  return {
    clock,
    agent,
    cluster,
    metrics,
    dir,
    options: (overrides = {}) => ({
      definition: loadScenario('memory-leak'),
      params: {},
      target,
      fast: true,
      autoApprove: true,
      manual: false,
      keepChanges: false,
      approver: 'test-approver',
      outDir: join(dir, 'out'),
      markerPath: () => join(dir, 'marker.json'),
      runId: 'test-run',
      ...overrides,
    }),
    deps: (signal = new AbortController().signal) => ({
      clock,
      progress: silentProgress,
      signal,
      cluster: () => cluster,
      metrics: () => metrics,
      agent: (url) => new AgentHttpClient(url),
      presenter: undefined,
    }),
  };
}

/** The agent's life for one incident: alert at +20 s, incident at +22 s, root cause at +25 s, fixed on approval, resolved 40 s later. */
function scriptMemoryLeak(w: World, options: { resolve?: boolean; alert?: boolean } = {}) {
  const start = w.clock.now();
  let incident: Incident | undefined;
  let fixedAt: number | undefined;
  const iso = (ms: number) => new Date(ms).toISOString();
  w.clock.listeners.push((now) => {
    if (now - start >= 20_000 && !w.metrics.firing.length && fixedAt === undefined && options.alert !== false) {
      w.metrics.firing = [{ name: 'ContainerOOMKilled', state: 'firing', labels: { alertname: 'ContainerOOMKilled', namespace: 'petadoptions', deployment: 'petlistadoptions', pod: 'petlistadoptions-abc' }, activeAt: iso(now - 6_000) }];
    }
    if (now - start >= 22_000 && !incident) {
      incident = newIncident('inc-1', iso(now), { title: 'petlistadoptions OOMKilled', playbook: 'memory-leak', target: { kind: 'Deployment', namespace: 'petadoptions', name: 'petlistadoptions' } });
      w.agent.incidents.set('inc-0', newIncident('inc-0', iso(now - 1000), { title: 'left over', target: { kind: 'Deployment', namespace: 'petadoptions', name: 'payforadoption' } }));
      w.agent.incidents.set(incident.id, incident);
    }
    if (incident && now - start >= 25_000 && !incident.rootCause) {
      incident.rootCause = { kind: 'memory-leak', target: { kind: 'Deployment', namespace: 'petadoptions', name: 'petlistadoptions' }, confidence: 0.97, summary: 'memory grows until OOMKilled', evidence: [{ source: 'prometheus', summary: 'working set grows 2 MiB/s', query: 'deriv(container_memory_working_set_bytes[5m])' }] };
      incident.milestones.rootCauseAt = iso(now);
      incident.milestones.remediationApprovedAt = iso(now);
      incident.status = 'awaiting-approval';
      incident.actions = [{ ...proposedAction('act-restart', 'rollout-restart', 'petlistadoptions', iso(now), false), status: 'approved', approval: { actionId: 'act-restart', decision: 'approved', by: 'policy', at: iso(now) } }, proposedAction('act-raise', 'raise-limits', 'petlistadoptions', iso(now))];
    }
    if (incident && fixedAt !== undefined && now - fixedAt >= 40_000 && incident.status === 'verifying' && options.resolve !== false) {
      incident.status = 'resolved';
      incident.milestones.resolvedAt = iso(now);
    }
  });
  w.agent.onDecision = (inc, _action, decision) => {
    if (decision !== 'approved') return;
    fixedAt = w.clock.now();
    inc.status = 'verifying';
    inc.milestones.remediatedAt = new Date(fixedAt + 500).toISOString();
    for (const a of inc.actions) {
      a.status = 'succeeded';
      a.executedAt = inc.milestones.remediatedAt;
      a.result = { ok: true, message: `${a.kind} done` };
    }
    w.metrics.firing = [];
  };
}

test('a run with auto-approval: phases in order, the fault removed, the target restored, reports built', async () => {
  const w = await world();
  try {
    scriptMemoryLeak(w);
    w.cluster.deployments.find((d) => d.name === 'petlistadoptions')!.containers[0]!.resources.limits!.memory = '256Mi';
    const originalOnDecision = w.agent.onDecision!;
    w.agent.onDecision = (inc, action, decision) => {
      originalOnDecision(inc, action, decision);
      // The agent's raise-limits: the runner must put it back afterwards.
      w.cluster.deployments.find((d) => d.name === 'petlistadoptions')!.containers[0]!.resources = { limits: { cpu: '250m', memory: '384Mi' } };
    };
    const record = await runScenario(w.options(), w.deps());
    assert.is(record.failure, null, record.failure?.message);
    assert.is(record.outcome, 'resolved');
    assert.is(record.incident?.id, 'inc-1', 'the incident about the scenario\'s target, not the one opened first');
    assert.ok(record.timeline.some((e) => e.summary.includes('inc-0') && e.summary.includes('not this scenario')));
    assert.equal(w.agent.decisions.map((d) => `${d.actionId}:${d.decision}:${d.by}`), ['act-raise:approved:test-approver']);
    const times = [record.injectedAt, record.detectedAt, record.rootCauseAt, record.remediationApprovedAt, record.remediatedAt, record.resolvedAt].map((t) => Date.parse(t!));
    assert.equal([...times].sort((a, b) => a - b), times, 'milestones in order');
    assert.ok(w.cluster.log.some((l) => l.startsWith('create StressChaos memory-leak-test-run')));
    assert.equal(w.cluster.chaos, [], 'fault removed');
    assert.is(w.cluster.deployments.find((d) => d.name === 'petlistadoptions')!.containers[0]!.resources.limits!.memory, '256Mi', 'the raised limit was restored');
    assert.ok(!existsSync(join(w.dir, 'marker.json')), 'marker cleared');

    const bundle = buildReport(record);
    const r = bundle.report;
    assert.is(r.rootCause?.kind, 'memory-leak');
    assert.is(bundle.rootCauseMatches, true);
    assert.ok(r.phases.detect! >= 20 && r.phases.detect! <= 25, `detect ${r.phases.detect}`);
    assert.ok(r.phases.approve! >= 0 && r.phases.verify! >= 39, JSON.stringify(r.phases));
    const sum = Object.values(r.phases).reduce((a, b) => a! + b!, 0)!;
    assert.ok(Math.abs(sum - r.mttr.agentSeconds!) < 1, `phases add up to MTTR (${sum} vs ${r.mttr.agentSeconds})`);
    assert.ok(r.mttr.manualBaselineSeconds! > r.mttr.agentSeconds!, 'manual slower');
    assert.ok(r.mttr.reductionPct! > 0 && r.mttr.reductionPct! < 100);
    assert.is(r.remediation?.action, 'rollout-restart');
    // The policy's restart ran first; the human (here run-scenario's approver) cleared the remediation.
    assert.is(r.remediation?.approvedBy, 'test-approver');
    // Detection told the agent which run caused the incident, over HTTP (PUT /incidents/:id/run).
    assert.equal(w.agent.runs, [{ incidentId: 'inc-1', body: { runId: 'test-run', scenario: 'memory-leak', reportDir: join(w.dir, 'out') } }]);
    const md = renderMarkdown(bundle);
    assert.match(md, /Outcome: RESOLVED/);
    const html = renderHtml(bundle);
    for (const id of ['summary', 'key-metric', 'comparison', 'root-cause', 'timeline', 'cleanup']) assert.match(html, new RegExp(`id="${id}"`));
  } finally {
    await w.agent.stop();
  }
});

test('the agent is paged before any of the scenario\'s alerts fires: the manual runbook starts with the incident', async () => {
  const w = await world();
  try {
    scriptMemoryLeak(w, { alert: false });
    const record = await runScenario(w.options(), w.deps());
    assert.is(record.outcome, 'resolved', record.failure?.message);
    assert.is(record.alert, null);
    assert.ok(record.timeline.some((e) => e.summary.includes('the manual runbook starts now')));
    assert.ok((record.manualSteps ?? []).length > 0, 'the runbook was executed');
    const r = buildReport(record).report;
    assert.ok(r.mttr.manualBaselineSeconds! > r.mttr.agentSeconds!, JSON.stringify(r.mttr));
  } finally {
    await w.agent.stop();
  }
});

test('a pod younger than the alerts\' window (a previous run\'s restore) is waited for before the fault goes in', async () => {
  const clock = new ScriptedClock();
  const cluster = new FakeCluster();
  cluster.pods[0]!.startedAt = new Date(clock.now() - 5_000).toISOString();
  const tooShort = await waitUntilSettled(cluster, { seconds: 10, clock, pollMs: 1_000, minPodAgeSeconds: 30 });
  assert.is(tooShort.ok, false);
  assert.match(tooShort.detail, /pod petsite-1 started \d+ s ago \(the alerts look back 30 s\)/);
  const started = clock.now();
  const settled = await waitUntilSettled(cluster, { seconds: 60, clock, pollMs: 1_000, minPodAgeSeconds: 30 });
  assert.ok(settled.ok, settled.detail);
  assert.ok(clock.now() - started >= 14_000, `waited ${clock.now() - started} ms for the pod to be 30 s old`);
  // The default run waits the same way: the run's preflight passes the profile's window.
  assert.is(runTimings.fast.metricsWindowSeconds, 30);
});

test('a rollout still replacing pods (a previous run\'s restore) is not settled: a fault now would hit pods about to go', async () => {
  const clock = new ScriptedClock();
  const cluster = new FakeCluster();
  const deployment = cluster.deployments.find((d) => d.name === 'payforadoption')!;
  deployment.totalReplicas = deployment.replicas + 1;
  const rolling = await waitUntilSettled(cluster, { seconds: 5, clock, pollMs: 1_000 });
  assert.is(rolling.ok, false);
  assert.match(rolling.detail, /payforadoption 2\/2 available, 2 updated, 1 old pod\(s\) still there/);
  deployment.totalReplicas = deployment.replicas;
  deployment.observed = false;
  assert.match((await waitUntilSettled(cluster, { seconds: 5, clock, pollMs: 1_000 })).detail, /payforadoption .*spec change not seen yet/);
  deployment.observed = true;
  assert.ok((await waitUntilSettled(cluster, { seconds: 5, clock, pollMs: 1_000 })).ok);
});

test('an interrupted run still removes the fault and reports where it stopped', async () => {
  const w = await world();
  try {
    scriptMemoryLeak(w);
    const controller = new AbortController();
    w.clock.listeners.push(() => {
      if (w.cluster.chaos.length) controller.abort();
    });
    const record = await runScenario(w.options(), w.deps(controller.signal));
    assert.is(record.outcome, 'unresolved');
    assert.match(record.failure!.message, /interrupted during detect/);
    assert.equal(w.cluster.chaos, []);
    assert.ok(!existsSync(join(w.dir, 'marker.json')));
  } finally {
    await w.agent.stop();
  }
});

test('no alert: detection times out with a message that says where to look, and the fault is removed', async () => {
  const w = await world();
  try {
    const record = await runScenario(w.options({ timings: { detectSeconds: 30 } }), w.deps());
    assert.is(record.failure?.phase, 'detect');
    assert.match(record.failure!.message, /no alert of .*ContainerOOMKilled.*fired.*\/alerts/);
    assert.equal(w.cluster.chaos, []);
  } finally {
    await w.agent.stop();
  }
});

test('without --auto-approve the run waits and times out with the approval hint; pending actions are rejected at cleanup', async () => {
  const w = await world();
  try {
    scriptMemoryLeak(w);
    const record = await runScenario(w.options({ autoApprove: false, timings: { approveSeconds: 60 } }), w.deps());
    assert.is(record.failure?.phase, 'approve');
    assert.match(record.failure!.message, /--auto-approve/);
    assert.equal(w.agent.decisions.map((d) => `${d.actionId}:${d.decision}`), ['act-raise:rejected']);
  } finally {
    await w.agent.stop();
  }
});

test('crash-loop: the bad rollout is rolled back at cleanup when the agent did not fix it', async () => {
  const w = await world();
  try {
    const before = structuredClone(w.cluster.deployments.find((d) => d.name === 'petsearch')!.template);
    const record = await runScenario(w.options({ definition: loadScenario('crash-loop'), params: { service: 'petsearch', setting: 'PETS_TABLE_NAME', value: '' }, timings: { detectSeconds: 10 } }), w.deps());
    assert.is(record.failure?.phase, 'detect');
    assert.ok(w.cluster.log.some((l) => l.startsWith('patch strategic petsearch') && l.includes('PETS_TABLE_NAME')));
    assert.ok(w.cluster.log.some((l) => l.startsWith('patch json petsearch')), w.cluster.log.join('\n'));
    assert.equal(w.cluster.deployments.find((d) => d.name === 'petsearch')!.template, before);
    assert.ok(record.cleanup.actions.some((a) => a.includes('rolled deployment petadoptions/petsearch back')));
  } finally {
    await w.agent.stop();
  }
});

test('node-pressure: node=auto picks the busiest node and a cordon is undone at cleanup', async () => {
  const w = await world();
  try {
    w.cluster.nodes[1]!.unschedulable = false;
    w.clock.listeners.push(() => {
      if (!w.cluster.chaos.length) return;
      w.cluster.nodes[1]!.unschedulable = true;
      if (!w.cluster.pods.some((p) => p.reason === 'Evicted')) w.cluster.pods.push(fakePod('petsite-evicted', 'node-b', { phase: 'Failed', reason: 'Evicted', ready: false }));
    });
    const record = await runScenario(w.options({ definition: loadScenario('node-pressure'), timings: { detectSeconds: 10 } }), w.deps());
    assert.is(record.params.node, 'node-b');
    assert.is(record.spec?.expected.rootCause.target.name, 'node-b');
    assert.ok(record.cleanup.actions.includes('uncordoned node node-b'), record.cleanup.actions.join('; '));
    assert.ok(record.cleanup.actions.includes('deleted 1 evicted pod(s): petsite-evicted'), record.cleanup.actions.join('; '));
  } finally {
    await w.agent.stop();
  }
});

test('preflight refuses to run beside someone else\'s active fault', async () => {
  const w = await world();
  try {
    w.cluster.chaos.push({ kind: 'NetworkChaos', namespace: 'petadoptions', name: 'someone-elses', labels: {}, createdAt: 'x', recovered: false });
    const record = await runScenario(w.options(), w.deps());
    assert.is(record.failure?.phase, 'preflight');
    assert.match(record.failure!.message, /kubectl delete networkchaos -n petadoptions someone-elses/);
    assert.is(record.injectedAt, null);
  } finally {
    await w.agent.stop();
  }
});

test('a run killed without cleanup is cleaned up by the next run\'s preflight (its marker names the fault)', async () => {
  const w = await world();
  try {
    const manifest = { apiVersion: 'chaos-mesh.org/v1alpha1', kind: 'StressChaos', metadata: { name: 'memory-leak-killed', namespace: 'petadoptions', labels: {} } };
    await w.cluster.createChaos(manifest);
    writeMarker(join(w.dir, 'marker.json'), { runId: 'killed', scenario: 'memory-leak', pid: 2 ** 22 + 12345, startedAt: 'x', kubeconfig: 'x', fault: { method: 'chaos-mesh', ref: { kind: 'StressChaos', namespace: 'petadoptions', name: 'memory-leak-killed' }, manifest } });
    const record = await runScenario(w.options({ timings: { detectSeconds: 5 } }), w.deps());
    assert.ok(record.timeline.some((e) => e.phase === 'preflight' && e.summary.includes('run killed of memory-leak ended without cleaning up')), record.timeline.map((e) => e.summary).join('\n'));
    assert.ok(w.cluster.log.includes('delete StressChaos memory-leak-killed'));
    assert.is(record.failure?.phase, 'detect', 'and the new run went on');
  } finally {
    await w.agent.stop();
  }
});

test('--manual: the presenter marks each milestone; the runner detects and verifies; the report is a measured manual run', async () => {
  const w = await world();
  try {
    const start = w.clock.now();
    w.clock.listeners.push((now) => {
      if (now - start >= 15_000 && !w.metrics.firing.length && !fixed) w.metrics.firing = [{ name: 'PodCrashLooping', state: 'firing', labels: { alertname: 'PodCrashLooping', namespace: 'petadoptions', deployment: 'petsearch' }, activeAt: new Date(now).toISOString() }];
    });
    let fixed = false;
    const asked: string[] = [];
    const presenter = {
      async ask(question: string) {
        asked.push(question);
        await w.clock.sleep(30_000);
        if (question.includes('APPLIED')) {
          fixed = true;
          w.metrics.firing = [];
        }
        return question.startsWith('Root cause target') ? '' : question.startsWith('Root cause kind') ? 'crash-loop' : '';
      },
    };
    const record = await runScenario(w.options({ definition: loadScenario('crash-loop'), params: { setting: 'PETS_TABLE_NAME', value: '' }, manual: true, autoApprove: false }), { ...w.deps(), presenter });
    assert.is(record.failure, null, record.failure?.message);
    assert.is(record.mode, 'manual');
    assert.is(record.outcome, 'resolved');
    assert.equal(asked.map((q) => q.split(' ').slice(0, 4).join(' ')), ['Press Enter when you', 'Press Enter when you', 'Root cause kind? [Enter:', 'Root cause target? [Enter:', 'Press Enter when the', 'Press Enter when you']);
    const bundle = buildReport(record);
    assert.is(bundle.report.rootCause?.kind, 'crash-loop');
    assert.is(bundle.report.rootCause?.target.name, 'petsearch');
    assert.is(bundle.report.mttr.agentSeconds, null);
    assert.ok(bundle.report.mttr.manualBaselineSeconds! >= 150, JSON.stringify(bundle.report.mttr));
    assert.match(bundle.report.mttr.manualModel, /^live:presenter/);
    assert.equal(w.agent.decisions, [], 'nothing approved in manual mode');
    assert.ok(w.cluster.log.some((l) => l.startsWith('patch json petsearch')), 'the bad rollout is rolled back at cleanup when the presenter did not');
  } finally {
    await w.agent.stop();
  }
});

test.run();
