/**
 * Putting a scenario's fault into the cluster and taking it out again, whatever happens in between.
 *
 * Three layers make the cleanup guaranteed: the runner removes the fault in a `finally` (success,
 * failure, timeout, Ctrl-C and SIGTERM all end there); before injecting it writes what it is about to do
 * to a marker file, so a run killed hard (SIGKILL, a closed laptop) is cleaned up by the next run's
 * preflight; and Chaos Mesh faults carry a `duration`, so Chaos Mesh removes them by itself after the
 * safety timeout even if no runner ever comes back. On eks with `--injector fis` the fault is an AWS FIS
 * experiment of the stack's template: StopExperiment removes it, and the template's own duration (the
 * same safety timeout) ends it if nobody does.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parse } from 'yaml';
import { isChaosKindName } from '../lib/chaos-mesh/registry.js';
import type { ScenarioDefinition } from '../scenarios/catalog.js';
import { render } from '../scenarios/render.js';
import type { ChaosRef, Cluster, DeploymentSummary, FisExperiments } from './ports.js';

export type AppliedFault =
  | { method: 'chaos-mesh'; ref: ChaosRef; manifest: Record<string, unknown> }
  /** An AWS FIS experiment; `experimentId` is empty until StartExperiment answered. */
  | { method: 'fis'; templateId: string; clientToken: string; region: string; experimentId: string }
  | { method: 'deployment-patch'; namespace: string; name: string; patch: Record<string, unknown>; previousTemplate: Record<string, unknown>; previousRevision: string; setting: string };

/** The rendered injection of a scenario, before it is applied. */
export type PlannedFault =
  | { method: 'chaos-mesh'; manifest: Record<string, unknown>; text: string }
  | { method: 'deployment-patch'; namespace: string; name: string; patch: Record<string, unknown>; text: string; setting: string };

export function planFault(definition: ScenarioDefinition, target: 'local' | 'eks', vars: Record<string, string>): PlannedFault {
  const injection = definition.spec.injection[target];
  const text = render(definition.file(injection.file), vars, `${definition.spec.name}/${injection.file}`);
  const parsed = parse(text) as Record<string, unknown>;
  if (injection.method === 'chaos-mesh') return { method: 'chaos-mesh', manifest: parsed, text };
  return { method: 'deployment-patch', namespace: 'petadoptions', name: vars.service!, patch: parsed, text, setting: vars.setting ?? '' };
}

/**
 * What the fault will be once applied, with what is needed to undo it (the deployment's template before
 * the bad rollout), so the marker can be written before anything changes in the cluster.
 */
export async function prepareFault(cluster: Cluster, planned: PlannedFault): Promise<AppliedFault> {
  if (planned.method === 'chaos-mesh') {
    const metadata = (planned.manifest.metadata ?? {}) as { name?: string; namespace?: string };
    const kind = planned.manifest.kind;
    if (!isChaosKindName(kind)) throw new Error(`not a Chaos Mesh kind this runner applies: ${String(kind)}`);
    const ref: ChaosRef = { kind, namespace: metadata.namespace ?? 'default', name: metadata.name ?? '' };
    return { method: 'chaos-mesh', ref, manifest: planned.manifest };
  }
  const before = await cluster.getDeployment(planned.namespace, planned.name);
  if (!before) throw new Error(`deployment ${planned.namespace}/${planned.name} does not exist; pick another with --param service=...`);
  return { method: 'deployment-patch', namespace: planned.namespace, name: planned.name, patch: planned.patch, previousTemplate: before.template, previousRevision: before.revision, setting: planned.setting };
}

export async function applyFault(cluster: Cluster, fault: AppliedFault): Promise<void> {
  if (fault.method === 'fis') throw new Error('a FIS experiment is started by the inject phase (startFisExperiment), not applied through the cluster');
  if (fault.method === 'chaos-mesh') await cluster.createChaos(fault.manifest);
  else await cluster.patchDeployment(fault.namespace, fault.name, fault.patch, 'strategic');
}

/**
 * Removes the fault. Chaos objects are deleted (Chaos Mesh recovers the pods); a bad rollout still in
 * place is rolled back to the template it had before the run (what `kubectl rollout undo
 * --to-revision=N` does), which re-activates the old ReplicaSet. Returns what it did, for the report.
 */
export async function removeFault(cluster: Cluster, fault: AppliedFault, fis?: FisExperiments): Promise<string> {
  if (fault.method === 'fis') return stopFisExperiment(fault, fis);
  if (fault.method === 'chaos-mesh') {
    await cluster.deleteChaos(fault.ref);
    return `deleted ${fault.ref.kind} ${fault.ref.namespace}/${fault.ref.name}`;
  }
  const current = await cluster.getDeployment(fault.namespace, fault.name);
  if (!current) return `deployment ${fault.namespace}/${fault.name} is gone; nothing to roll back`;
  if (!stillBroken(current, fault)) return `deployment ${fault.namespace}/${fault.name} no longer carries the bad ${fault.setting} (rolled back already)`;
  await cluster.patchDeployment(fault.namespace, fault.name, [{ op: 'replace', path: '/spec/template', value: fault.previousTemplate }], 'json');
  return `rolled deployment ${fault.namespace}/${fault.name} back to its template of revision ${fault.previousRevision}`;
}

/** The tags of a run's experiment: which run and scenario started it (aws fis list-experiments shows them). */
export function fisRunTags(runId: string, scenario: string): Record<string, string> {
  return { 'eks-incident-kit/run': runId, 'eks-incident-kit/scenario': scenario };
}

/** One experiment per run, whatever the SDK retries: FIS answers a repeated StartExperiment with the same token with the same experiment. */
export function fisClientToken(runId: string, scenario: string): string {
  return `${scenario}-${runId}`.slice(0, 64);
}

const endedStates = new Set(['completed', 'stopped', 'failed', 'cancelled']);

/** StopExperiment, unless the experiment never started or has ended by itself (its duration, a stop condition). */
async function stopFisExperiment(fault: Extract<AppliedFault, { method: 'fis' }>, fis: FisExperiments | undefined): Promise<string> {
  if (!fault.experimentId) return `FIS experiment of template ${fault.templateId} was never started (StartExperiment did not answer)`;
  if (!fis) throw new Error(`FIS experiment ${fault.experimentId} needs AWS FIS to stop it, and this run has no AWS access`);
  const current = await fis.get(fault.experimentId);
  if (endedStates.has(current.status)) return `FIS experiment ${fault.experimentId} had already ended (${current.status}${current.reason ? `: ${current.reason}` : ''})`;
  const stopped = await fis.stop(fault.experimentId);
  return `stopped FIS experiment ${fault.experimentId} (StopExperiment: ${stopped.status})`;
}

function stillBroken(current: DeploymentSummary, fault: Extract<AppliedFault, { method: 'deployment-patch' }>): boolean {
  const envOf = (template: Record<string, unknown>) => {
    const spec = (template as { spec?: { containers?: { name: string; env?: { name: string; value?: string }[] }[] } }).spec;
    return JSON.stringify(spec?.containers?.map((c) => c.env ?? []) ?? []);
  };
  return envOf(current.template) !== envOf(fault.previousTemplate);
}

/** What a run must undo if it dies: written before the fault goes in, removed after cleanup. */
export interface ActiveRunMarker {
  runId: string;
  scenario: string;
  pid: number;
  startedAt: string;
  kubeconfig: string;
  fault: AppliedFault;
}

export function writeMarker(path: string, marker: ActiveRunMarker): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, JSON.stringify(marker, null, 2) + '\n');
}

export function readMarker(path: string): ActiveRunMarker | undefined {
  if (!existsSync(path)) return undefined;
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as ActiveRunMarker;
  } catch {
    return undefined;
  }
}

export function clearMarker(path: string): void {
  rmSync(path, { force: true });
}

export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
