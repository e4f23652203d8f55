/**
 * `run-scenario <name> --target eks --plan`: every AWS call a run would make, in order, with its input
 * (built by the same `awsCalls` the run sends), and nothing sent. Values only the stack or an earlier
 * call knows are shown as `<...>` placeholders naming where they come from.
 */
import { stackOutputKeys, type ScenarioDefinition } from '../../scenarios/catalog.js';
import { renderDeep, resolveParams, templateVariables, type Params } from '../../scenarios/render.js';
import { awsCalls, type AwsCall } from './aws.js';
import type { Injector } from './injector.js';

export interface PlannedCall extends AwsCall {
  phase: 'preflight' | 'inject' | 'detect' | 'verify' | 'cleanup';
  /** Once, or how often (a poll). */
  when: string;
}

export interface EksPlanOptions {
  definition: ScenarioDefinition;
  params: Params;
  fast: boolean;
  stackName: string;
  injector: Injector;
  /** An operator token was given: the stack's secret is not read. */
  agentTokenGiven: boolean;
  /** Metrics from this URL instead of the stack's AMP workspace. */
  prometheusUrl?: string;
  pollSeconds: number;
  runId: string;
}

export function eksRunPlan(o: EksPlanOptions): PlannedCall[] {
  const keys = stackOutputKeys(o.definition.spec.name);
  const output = (key: string) => `<${key} output of stack ${o.stackName}>`;
  const experiment = '<experiment id that StartExperiment returns>';
  const poll = `every ${o.pollSeconds} s`;
  const calls: PlannedCall[] = [
    { phase: 'preflight', when: 'once: the credentials', ...awsCalls.callerIdentity() },
    { phase: 'preflight', when: 'once: the outputs', ...awsCalls.describeStack(o.stackName) },
    { phase: 'preflight', when: 'once: the alarm exists and is not in ALARM', ...awsCalls.describeAlarm(output(keys.alarm)) },
    ...(o.agentTokenGiven ? [] : [{ phase: 'preflight' as const, when: 'once: the operator token approvals use', ...awsCalls.operatorToken(output('OperatorTokensSecretArn')) }]),
  ];
  if (!o.prometheusUrl) calls.push(...ampCalls(o, output('AmpWorkspaceId'), poll));
  if (o.injector === 'fis') {
    const clientToken = `${o.definition.spec.name}-${o.runId}`.slice(0, 64);
    calls.push(
      { phase: 'inject', when: 'once', ...awsCalls.startExperiment(output(keys.fisTemplate), clientToken, { 'eks-incident-kit/run': o.runId, 'eks-incident-kit/scenario': o.definition.spec.name }) },
      { phase: 'inject', when: `${poll} until the experiment is running (its state in the progress line)`, ...awsCalls.getExperiment(experiment) },
    );
  }
  calls.push({ phase: 'detect', when: `${poll} until the alarm is in ALARM or the agent opens the incident`, ...awsCalls.describeAlarm(output(keys.alarm)) });
  if (o.injector === 'fis') {
    calls.push(
      { phase: 'cleanup', when: 'once, whatever ended the run (success, failure, Ctrl-C): is it still running?', ...awsCalls.getExperiment(experiment) },
      { phase: 'cleanup', when: 'once, unless it has ended by itself (up to 3 tries)', ...awsCalls.stopExperiment(experiment) },
    );
  }
  return calls;
}

/** The AMP workspace's Prometheus API (SigV4, service `aps`): what the runner reads during a run. */
function ampCalls(o: EksPlanOptions, workspace: string, poll: string): PlannedCall[] {
  const params = resolveParams(o.definition.spec, o.params, { fast: o.fast, target: 'eks' });
  const spec = renderDeep(o.definition.spec, templateVariables(params, { runId: o.runId, chaosName: o.definition.spec.name, safetyTimeoutMs: 0 }), 'scenario.yaml');
  const aps = (operation: string, path: string, input: Record<string, unknown>, phase: PlannedCall['phase'], when: string): PlannedCall => ({ service: 'aps', operation, input: { workspaceId: workspace, path, ...input }, phase, when });
  return [
    aps('QueryMetrics', '/api/v1/query', { query: 'vector(1)' }, 'preflight', 'once: the workspace answers'),
    aps('ListAlerts', '/api/v1/alerts', {}, 'preflight', `${poll} until no alert fires (the healthy baseline); again while detecting and verifying`),
    ...spec.baseline.map((check) => aps('QueryMetrics', '/api/v1/query', { query: check.promql }, 'preflight', `once: baseline "${check.name}"`)),
    ...spec.success.recovery.unhealthyWhen.map((check) => aps('QueryMetrics', '/api/v1/query', { query: check.promql }, 'verify', `${poll} while verifying: "${check.name}"`)),
    aps('QueryMetrics', '/api/v1/query_range', { query: spec.keyMetric.promql }, 'cleanup', "once: the key metric's chart"),
  ];
}

export function formatPlan(calls: PlannedCall[], header: string[]): string {
  const lines = [...header, ''];
  calls.forEach((call, index) => {
    lines.push(`${String(index + 1).padStart(2)}. ${call.phase.padEnd(9)} ${call.service} ${call.operation}  (${call.when})`);
    lines.push(`    ${JSON.stringify(call.input)}`);
  });
  lines.push('', 'Besides AWS: the Kubernetes API through the kubeconfig (nodes, deployments, pods, Chaos Mesh objects, and a port-forward to the agent unless --agent-url), and the agent\'s HTTP API.', 'Nothing was called: run it without --plan.');
  return lines.join('\n') + '\n';
}
