/**
 * Injection: the scenario's fault is planned for the target, written to the marker (so a run killed
 * from now on is cleaned up by the next one), then applied.
 */
import { applyFault, fisClientToken, fisRunTags, planFault, prepareFault, writeMarker, type AppliedFault, type PlannedFault } from '../injection.js';
import type { ExperimentState, FisExperiments } from '../ports.js';
import { PhaseFailed, type Phase, type RunContext } from './context.js';

/** How long a FIS experiment may take from StartExperiment to running (FIS starts the EKS actions' pods first). */
const FIS_START_SECONDS = 300;
const fisGaveUp = new Set(['completed', 'stopping', 'stopped', 'failed', 'cancelled']);

export const inject: Phase = {
  name: 'inject',
  headline: (run) => `injecting ${run.spec.name} (${Object.entries(run.record.params).map(([k, v]) => `${k}=${v}`).join(', ')})`,
  async run(run) {
    const { options, record, timings, progress } = run;
    const { cluster, endpoints, fis } = run.target;
    const planned = planFault(options.definition, options.target.name, run.vars);
    const templateId = endpoints.aws?.fisTemplateId;
    if (templateId) {
      if (!fis) throw new Error(`the run injects through FIS template ${templateId} but has no FIS client (RunDeps.fis)`);
      return injectThroughFis(run, planned, templateId, fis);
    }
    const fault = await prepareFault(cluster, planned);
    run.fault = fault;
    writeMarker(run.markerPath, { runId: options.runId, scenario: run.spec.name, pid: process.pid, startedAt: record.startedAt, kubeconfig: endpoints.kubeconfig, fault });
    run.checkSignal();
    await applyFault(cluster, fault);
    run.injectedMs = run.clock.now();
    record.injectedAt = run.iso(run.injectedMs);
    record.fault = { method: planned.method, description: describeFault(fault), manifest: planned.text };
    run.timeline.add('inject', 'runner', `fault injected: ${describeFault(fault)}`);
    progress.note(`fault injected: ${describeFault(fault)} ${fault.method === 'chaos-mesh' ? `(Chaos Mesh removes it by itself after ${Math.round(timings.safetyTimeoutSeconds / 60)} min at the latest)` : '(rolled back at cleanup, or by the next run if this one dies)'}`);
  },
};

/**
 * eks, `--injector fis`: StartExperiment on the stack's template of the scenario, then GetExperiment until
 * it runs (its state in the progress line). The marker is written before the start and again with the
 * experiment's id, so a run killed from then on has its experiment stopped by the next one.
 */
async function injectThroughFis(run: RunContext, planned: PlannedFault, templateId: string, fis: FisExperiments): Promise<void> {
  const { options, record, progress } = run;
  const { endpoints } = run.target;
  const scenario = run.spec.name;
  const clientToken = fisClientToken(options.runId, scenario);
  const fault: Extract<AppliedFault, { method: 'fis' }> = { method: 'fis', templateId, clientToken, region: endpoints.aws!.region, experimentId: '' };
  run.fault = fault;
  const marker = () => writeMarker(run.markerPath, { runId: options.runId, scenario, pid: process.pid, startedAt: record.startedAt, kubeconfig: endpoints.kubeconfig, fault });
  marker();
  run.checkSignal();
  progress.status(`starting the FIS experiment of template ${templateId}`);
  let state: ExperimentState;
  try {
    state = await fis.start(templateId, { clientToken, tags: fisRunTags(options.runId, scenario) });
  } catch (error) {
    throw new PhaseFailed('inject', `FIS did not start an experiment from template ${templateId}: ${(error as Error).message}; check the template (aws fis get-experiment-template --id ${templateId} --region ${fault.region}) and its role, then run again`);
  }
  fault.experimentId = state.id;
  marker();
  run.timeline.add('inject', 'runner', `FIS experiment ${state.id} started from template ${templateId} (${state.status})`);
  await run.waitFor(
    FIS_START_SECONDS,
    'inject',
    async () => {
      state = await fis.get(fault.experimentId);
      progress.status(`FIS experiment ${state.id}: ${state.status}${state.reason ? ` (${state.reason})` : ''}`);
      if (fisGaveUp.has(state.status)) throw new PhaseFailed('inject', `FIS experiment ${state.id} is ${state.status} before it ran${state.reason ? `: ${state.reason}` : ''}; see aws fis get-experiment --id ${state.id} --region ${fault.region} and the log group /aws/fis/<cluster>`);
      return state.status === 'running';
    },
    () => `FIS experiment ${state.id} is still ${state.status} after ${FIS_START_SECONDS} s; see aws fis get-experiment --id ${state.id} --region ${fault.region}`,
  );
  run.injectedMs = run.clock.now();
  record.injectedAt = run.iso(run.injectedMs);
  const description = describeFault(fault);
  record.fault = { method: 'fis', description, manifest: `${JSON.stringify({ experimentTemplateId: templateId, experimentId: fault.experimentId, region: fault.region }, null, 2)}\n# what the template injects, as the scenario's ${planned.method} file says:\n${planned.text}` };
  run.timeline.add('inject', 'runner', `fault injected: ${description} is running`);
  progress.note(`fault injected: ${description} is running (stopped at cleanup, or by the next run if this one dies; the template's duration ends it otherwise)`);
}

export function describeFault(fault: AppliedFault): string {
  if (fault.method === 'fis') return `AWS FIS experiment ${fault.experimentId || '(starting)'} of template ${fault.templateId}`;
  return fault.method === 'chaos-mesh' ? `${fault.ref.kind} ${fault.ref.namespace}/${fault.ref.name}` : `bad rollout of deployment ${fault.namespace}/${fault.name} (${fault.setting})`;
}

/** The command that removes the fault when the runner could not. */
export function manualRemoval(fault: AppliedFault): string {
  if (fault.method === 'fis') return fault.experimentId ? `aws fis stop-experiment --id ${fault.experimentId} --region ${fault.region}` : `aws fis list-experiments --region ${fault.region} (then aws fis stop-experiment --id <id> for template ${fault.templateId})`;
  return fault.method === 'chaos-mesh'
    ? `kubectl delete ${fault.ref.kind.toLowerCase()} -n ${fault.ref.namespace} ${fault.ref.name}`
    : `kubectl rollout undo deployment/${fault.name} -n ${fault.namespace} --to-revision=${fault.previousRevision}`;
}
