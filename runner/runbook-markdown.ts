/**
 * runbook.md: the manual runbook as an engineer reads it, rendered from runbook.yaml with the scenario's
 * parameters. scenarios/<name>/runbook.md is this rendering with the default parameters (kept current
 * by `run-scenario export` and checked by a test).
 */
import type { RunbookSpec, ScenarioSpec } from '../scenarios/catalog.js';

export function renderRunbookMarkdown(spec: ScenarioSpec, runbook: RunbookSpec): string {
  const lines: string[] = [];
  lines.push(`# Runbook: ${runbook.title}`, '');
  lines.push(`<!-- Generated from runbook.yaml by run-scenario (npm run runbooks); edit runbook.yaml, not this file. -->`, '');
  lines.push(`**Goal:** ${runbook.goal}`, '');
  lines.push(`**Symptoms:** ${spec.symptoms.join('; ')}.`, '');
  lines.push('**Before you start:**', '', '```sh');
  lines.push('# local target');
  lines.push("export KUBECONFIG=$(npx local-cluster status --json | node -pe 'JSON.parse(require(\"fs\").readFileSync(0)).kubeconfig')");
  lines.push("export PROM=$(npx local-cluster status --json | node -pe 'JSON.parse(require(\"fs\").readFileSync(0)).prometheusUrl')");
  lines.push("export XRAY=$(npx local-cluster status --json | node -pe 'JSON.parse(require(\"fs\").readFileSync(0)).xrayUrl')");
  lines.push('# eks: aws eks update-kubeconfig --name <cluster>; PROM=http://localhost:8005/workspaces/<id> through aws-sigv4-proxy; CLUSTER=<cluster>');
  lines.push('```', '');
  const phases = ['detect', 'investigate', 'remediate', 'verify'] as const;
  let n = 0;
  for (const phase of phases) {
    const steps = runbook.steps.filter((s) => s.phase === phase);
    if (!steps.length) continue;
    lines.push(`## ${phase[0]!.toUpperCase()}${phase.slice(1)}`, '');
    for (const step of steps) {
      n++;
      lines.push(`### ${n}. ${step.title}${step.targets.length === 1 ? ` (${step.targets[0]} only)` : ''}`, '');
      lines.push(step.why, '');
      lines.push('```sh', step.run, '```', '');
      if (step.mutates && step.dryRun) lines.push('Changes the cluster. Try it first as a server-side dry run:', '', '```sh', step.dryRun, '```', '');
    }
  }
  lines.push('## Expected root cause', '', `${spec.expected.rootCause.kind} in ${spec.expected.rootCause.target.kind} ${spec.expected.rootCause.target.namespace ? `${spec.expected.rootCause.target.namespace}/` : ''}${spec.expected.rootCause.target.name}.`, '');
  lines.push('## Done when', '', ...spec.success.criteria.map((c) => `- ${c}`), '');
  lines.push('## Afterwards', '', spec.remediation.recommendation, '');
  return lines.join('\n');
}
