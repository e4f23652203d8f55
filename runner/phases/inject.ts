/**
 * Injection: the scenario's fault is planned for the target, written to the marker (so a run killed
 * from now on is cleaned up by the next one), then applied.
 */
import { applyFault, planFault, prepareFault, writeMarker, type AppliedFault } from '../injection.js';
import type { Phase } from './context.js';

export const inject: Phase = {
  name: 'inject',
  headline: (run) => `injecting ${run.spec.name} (${Object.entries(run.record.params).map(([k, v]) => `${k}=${v}`).join(', ')})`,
  async run(run) {
    const { options, record, timings, progress } = run;
    const { cluster, endpoints } = run.target;
    const planned = planFault(options.definition, options.target.name, run.vars);
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

export function describeFault(fault: AppliedFault): string {
  return fault.method === 'chaos-mesh' ? `${fault.ref.kind} ${fault.ref.namespace}/${fault.ref.name}` : `bad rollout of deployment ${fault.namespace}/${fault.name} (${fault.setting})`;
}

/** The command that removes the fault when the runner could not. */
export function manualRemoval(fault: AppliedFault): string {
  return fault.method === 'chaos-mesh'
    ? `kubectl delete ${fault.ref.kind.toLowerCase()} -n ${fault.ref.namespace} ${fault.ref.name}`
    : `kubectl rollout undo deployment/${fault.name} -n ${fault.namespace} --to-revision=${fault.previousRevision}`;
}
