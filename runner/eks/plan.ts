/**
 * `run-scenario <name> --target eks --plan`: every AWS call a run would make, in order, with its input
 * (built by the same `awsCalls` the run sends), and nothing sent: no credentials needed. Values only the
 * stack or an earlier call knows are shown as `<...>` placeholders naming where they come from.
 */
import { stackOutputKeys, type ScenarioDefinition } from '../../scenarios/catalog.js';
import { renderDeep, resolveParams, templateVariables, type Params } from '../../scenarios/render.js';
import { fisClientToken, fisRunTags } from '../injection.js';
import type { RunPhase } from '../timeline.js';
import { awsCalls, type AwsCall } from './aws.js';
import type { Injector } from './injector.js';

export interface PlannedCall extends AwsCall {
  phase: RunPhase;
  /** Once, under which condition, or how often (a poll). */
  when: string;
}

export interface EksPlanOptions {
  definition: ScenarioDefinition;
  params: Params;
  fast: boolean;
  stackName: string;
  injector: Injector;
  /** An operator token was given (--agent-token-file, --agent-token): the stack's secret is not read. */
  agentTokenGiven: boolean;
  /** Metrics from this URL instead of the stack's AMP workspace. */
  prometheusUrl?: string;
  /** The agent at this URL instead of the runner's port-forward to the stack's AgentService. */
  agentUrl?: string;
  pollSeconds: number;
  runId: string;
}

/** Whether the run reads the stack at all: not with Chaos Mesh and both endpoints given (any cluster, no AWS). */
export function readsStack(o: Pick<EksPlanOptions, 'injector' | 'prometheusUrl' | 'agentUrl'>): boolean {
  return o.injector !== 'chaos-mesh' || !o.prometheusUrl || !o.agentUrl;
}

export function eksRunPlan(o: EksPlanOptions): PlannedCall[] {
  if (!readsStack(o)) return [];
  const scenario = o.definition.spec.name;
  const keys = stackOutputKeys(scenario);
  const output = (key: string) => `<${key} output of stack ${o.stackName}>`;
  const experiment = '<experiment id that StartExperiment returns>';
  const poll = `every ${o.pollSeconds} s`;
  const amp = ampCalls(o, output('AmpWorkspaceId'), poll);
  const calls: PlannedCall[] = [
    { phase: 'preflight', when: 'once: whose credentials, which account', ...awsCalls.callerIdentity() },
    { phase: 'preflight', when: 'once: the stack is deployed; its outputs', ...awsCalls.describeStack(o.stackName) },
    { phase: 'preflight', when: 'once: the alarm exists and is not in ALARM already', ...awsCalls.describeAlarm(output(keys.alarm)) },
    ...(o.agentTokenGiven ? [] : [{ phase: 'preflight' as const, when: 'once: the operator token the run approves with', ...awsCalls.operatorToken(output('OperatorTokensSecretArn')) }]),
    { phase: 'preflight', when: 'only if a run killed with kill -9 left an experiment in its marker: is it still running?', ...awsCalls.getExperiment('<experiment id in the marker>') },
    { phase: 'preflight', when: 'only then, and only if it still runs', ...awsCalls.stopExperiment('<experiment id in the marker>') },
    ...amp.preflight,
  ];
  if (o.injector === 'fis') {
    calls.push(
      { phase: 'inject', when: 'once', ...awsCalls.startExperiment(output(keys.fisTemplate), fisClientToken(o.runId, scenario), fisRunTags(o.runId, scenario)) },
      { phase: 'inject', when: `${poll} until the experiment is running (its state in the progress line)`, ...awsCalls.getExperiment(experiment) },
    );
  }
  calls.push({ phase: 'detect', when: `${poll} until the alarm is in ALARM or the agent opens the incident`, ...awsCalls.describeAlarm(output(keys.alarm)) }, ...amp.detect, ...amp.verify);
  if (o.injector === 'fis') {
    calls.push(
      { phase: 'cleanup', when: 'once, whatever ended the run (success, failure, Ctrl-C): has it ended by itself?', ...awsCalls.getExperiment(experiment) },
      { phase: 'cleanup', when: 'once unless it has ended (up to 3 tries)', ...awsCalls.stopExperiment(experiment) },
    );
  }
  calls.push(...amp.cleanup);
  return calls;
}

/** The AMP workspace's Prometheus API (SigV4, service `aps`): what the runner reads during a run. */
function ampCalls(o: EksPlanOptions, workspace: string, poll: string): Record<'preflight' | 'detect' | 'verify' | 'cleanup', PlannedCall[]> {
  if (o.prometheusUrl) return { preflight: [], detect: [], verify: [], cleanup: [] };
  const params = resolveParams(o.definition.spec, o.params, { fast: o.fast, target: 'eks' });
  const spec = renderDeep(o.definition.spec, templateVariables(params, { runId: o.runId, chaosName: o.definition.spec.name, safetyTimeoutMs: 0 }), 'scenario.yaml');
  const aps = (operation: string, path: string, input: Record<string, unknown>, phase: RunPhase, when: string): PlannedCall => ({ service: 'aps', operation, input: { workspaceId: workspace, path, ...input }, phase, when });
  return {
    preflight: [
      aps('QueryMetrics', '/api/v1/query', { query: 'vector(1)' }, 'preflight', 'once: the workspace answers'),
      aps('ListAlerts', '/api/v1/alerts', {}, 'preflight', `${poll} until no alert fires (the healthy start)`),
      ...spec.baseline.map((check) => aps('QueryMetrics', '/api/v1/query', { query: check.promql }, 'baseline', `once: baseline "${check.name}"`)),
    ],
    detect: [aps('ListAlerts', '/api/v1/alerts', {}, 'detect', `${poll} until one of ${spec.detection.alerts.join(', ')} fires`)],
    verify: spec.success.recovery.unhealthyWhen.map((check) => aps('QueryMetrics', '/api/v1/query', { query: check.promql }, 'verify', `${poll} while verifying: "${check.name}"`)),
    cleanup: [
      aps('ListAlerts', '/api/v1/alerts', {}, 'cleanup', `${poll} until the target has settled again`),
      aps('QueryMetrics', '/api/v1/query_range', { query: spec.keyMetric.promql }, 'cleanup', "once: the key metric's chart"),
    ],
  };
}

/** The plan as the terminal shows it: a header, one numbered call a line with its input below. */
export function formatPlan(calls: PlannedCall[], header: string[]): string {
  const lines = [...header, ''];
  if (!calls.length) lines.push('No AWS calls: --injector chaos-mesh with --prometheus-url and --agent-url reads no stack.');
  calls.forEach((call, index) => {
    lines.push(`${String(index + 1).padStart(2)}. ${call.phase.padEnd(9)} ${call.service} ${call.operation}  (${call.when})`);
    lines.push(`    ${JSON.stringify(call.input)}`);
  });
  lines.push(
    '',
    "Besides AWS: the Kubernetes API through the kubeconfig (nodes, deployments, pods, Chaos Mesh objects, and a port-forward to the agent's Service unless --agent-url) and the agent's HTTP API.",
    'Nothing was called. Run it without --plan to make these calls.',
  );
  return lines.join('\n') + '\n';
}
