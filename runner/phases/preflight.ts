/**
 * Preflight: the target is prepared and connected, the checks pass (no other fault, tools installed, the
 * application healthy, leftovers of a killed run cleaned up), and the scenario is rendered with its
 * parameters resolved against the cluster.
 */
import { renderDeep, resolveParams, templateVariables } from '../../scenarios/render.js';
import { resolveClusterParams } from '../params.js';
import { preflight as preflightChecks } from '../preflight.js';
import type { Phase } from './context.js';

export const preflight: Phase = {
  name: 'preflight',
  headline: (run) => `preparing the ${run.options.target.name} target`,
  async run(run) {
    const { options, deps, record, progress, timings, clock, signal } = run;
    const definition = options.definition.spec;
    const given = resolveParams(definition, options.params, { fast: options.fast, target: options.target.name });
    const endpoints = await options.target.prepare({ fast: options.fast, say: (line) => progress.note(line), signal });
    record.targetDescription = endpoints.description;
    record.agentUrl = endpoints.agentUrl;
    const aws = endpoints.aws;
    const connections = {
      endpoints,
      cluster: deps.cluster(endpoints.kubeconfig),
      metrics: deps.metrics(endpoints.prometheusUrl, endpoints),
      agent: deps.agent(endpoints.agentUrl, endpoints),
      // FIS whenever the stack is there: to start this run's experiment, or to stop one a killed run left.
      ...(aws && deps.fis ? { fis: deps.fis(aws) } : {}),
      ...(aws?.alarmName && deps.alarms ? { alarms: deps.alarms(aws) } : {}),
    };
    run.connections = connections;
    const { cluster, metrics, agent } = connections;
    progress.status('checking the cluster, Prometheus, the agent and leftovers of earlier runs');
    run.markerPath = options.markerPath(endpoints);
    const checks = await preflightChecks({ cluster, metrics, agent, ...(connections.fis ? { fis: connections.fis } : {}), markerPath: run.markerPath, manual: options.manual, settleSeconds: timings.settleSeconds, minPodAgeSeconds: timings.metricsWindowSeconds, clock, signal, say: (line) => progress.note(line) });
    for (const line of checks) run.timeline.add('preflight', 'runner', line);
    run.checkSignal();

    const params = await resolveClusterParams(definition, given, cluster);
    record.params = params;
    run.vars = templateVariables(params, { runId: options.runId, chaosName: `${definition.name}-${options.runId}`.slice(0, 63), safetyTimeoutMs: timings.safetyTimeoutSeconds * 1000 });
    const spec = renderDeep(definition, run.vars, `${definition.name}/scenario.yaml`);
    record.spec = spec;
    record.runbook = renderDeep(options.definition.runbook, run.vars, `${definition.name}/${definition.runbook}`);
    record.title = spec.title;
  },
};
