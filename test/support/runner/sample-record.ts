/**
 * A complete RunRecord of a resolved memory-leak run, as runScenario returns it: for report tests that
 * need no cluster.
 */
import { loadScenario } from '../../../scenarios/catalog.js';
import { renderDeep, resolveParams, templateVariables } from '../../../scenarios/render.js';
import type { RunRecord } from '../../../runner/run.js';
import { newIncident, proposedAction } from './stubs.js';

export function sampleRecord(): RunRecord {
  const definition = loadScenario('memory-leak');
  const params = resolveParams(definition.spec, {}, { fast: true, target: 'local' });
  const vars = templateVariables(params, { runId: 'sample', chaosName: 'memory-leak-sample', safetyTimeoutMs: 1_800_000 });
  const t0 = Date.UTC(2026, 10, 25, 9, 0, 0);
  const at = (s: number) => new Date(t0 + s * 1000).toISOString();
  const incident = newIncident('inc-sample', at(22), { title: 'Container petadoptions/petlistadoptions-abc was OOMKilled', status: 'resolved', playbook: 'memory-leak' });
  incident.rootCause = { kind: 'memory-leak', target: { kind: 'Deployment', namespace: 'petadoptions', name: 'petlistadoptions' }, confidence: 0.99, summary: 'memory grows until the container is OOMKilled', evidence: [{ source: 'prometheus', summary: 'working set grows 3 MiB/s towards the 256 MiB limit', query: 'deriv(container_memory_working_set_bytes{container="petlistadoptions"}[5m])', at: at(20) }, { source: 'kubernetes', summary: 'pod petlistadoptions-abc OOMKilled (exit 137), 2 restarts', at: at(21) }] };
  incident.milestones = { detectedAt: at(22), investigationStartedAt: at(22), rootCauseAt: at(23), remediationApprovedAt: at(24), remediatedAt: at(25), resolvedAt: at(190) };
  incident.actions = [{ ...proposedAction('act-1', 'rollout-restart', 'petlistadoptions', at(23), false), status: 'succeeded', executedAt: at(25), approval: { actionId: 'act-1', decision: 'approved', by: 'policy', at: at(23) }, result: { ok: true, message: 'rolling restart started' } }];
  const series = [{ labels: { pod: 'petlistadoptions-abc' }, samples: Array.from({ length: 120 }, (_, i) => ({ t: t0 / 1000 - 60 + i * 2, v: i < 40 ? 90 + i * 4 : 95 })) }];
  return {
    runId: 'sample',
    scenario: 'memory-leak',
    title: renderDeep(definition.spec.title, vars, 'title'),
    target: 'local',
    targetDescription: 'local-cluster (profile fast)',
    mode: 'agent',
    fast: true,
    params,
    spec: renderDeep(definition.spec, vars, 'scenario.yaml'),
    runbook: renderDeep(definition.runbook, vars, 'runbook.yaml'),
    startedAt: at(-5),
    injectedAt: at(0),
    alert: { name: 'ContainerOOMKilled', firedAt: at(20), labels: { deployment: 'petlistadoptions' } },
    detectedAt: at(22),
    investigationStartedAt: at(22),
    rootCauseAt: at(23),
    remediationApprovedAt: at(24),
    remediatedAt: at(25),
    resolvedAt: at(190),
    symptomGoneAt: at(40),
    endedAt: at(220),
    outcome: 'resolved',
    failure: null,
    incident,
    otherIncidents: [],
    manualRootCause: null,
    approvedBy: 'run-scenario --auto-approve',
    baseline: [{ name: 'working set (MiB)', promql: 'x', value: 92.5 }],
    afterFix: [{ name: 'working set (MiB)', promql: 'x', value: 88.1 }],
    keyMetric: { title: 'Working set of petlistadoptions containers', unit: 'MiB', promql: 'max by (pod) (container_memory_working_set_bytes)', series },
    manualSteps: renderDeep(definition.runbook, vars, 'runbook.yaml').steps
      .filter((s) => s.targets.includes('local'))
      .map((step, i) => ({ id: step.id, phase: step.phase, step, title: step.title, command: step.run, dryRun: step.mutates, outputLines: 6, machineSeconds: 0.2, exitCode: 0, outputFile: `/tmp/sample/manual/${String(i + 1).padStart(2, '0')}-${step.id}.txt`, startedAt: at(21 + i) })),
    fault: { method: 'chaos-mesh', description: 'StressChaos petadoptions/memory-leak-sample', manifest: 'kind: StressChaos' },
    cleanup: { actions: ['deleted StressChaos petadoptions/memory-leak-sample'], errors: [], settled: true },
    timeline: [
      { at: at(0), phase: 'inject', source: 'runner', summary: 'fault injected' },
      { at: at(20), phase: 'detect', source: 'prometheus', summary: 'alert ContainerOOMKilled firing' },
      { at: at(190), phase: 'verify', source: 'agent', summary: 'incident resolved' },
    ],
    agentUrl: 'http://127.0.0.1:18080',
  };
}
