/**
 * Before a run: the target answers, the tools of the manual runbook are installed, no other fault is
 * active (Chaos Mesh objects of any kind, or a run that died half-way), and the application is healthy.
 * After a run: the target is put back as it was (replicas, resources, cordons) and must settle.
 */
import { execFileSync } from 'node:child_process';
import { clearMarker, isProcessAlive, readMarker, removeFault } from './injection.js';
import { APP_NAMESPACE } from './params.js';
import type { AgentApi, Clock, Cluster, DeploymentSummary, FisExperiments, Metrics } from './ports.js';

export class PreflightFailed extends Error {
  override name = 'PreflightFailed';
}

export interface PreflightContext {
  cluster: Cluster;
  metrics: Metrics;
  agent: AgentApi;
  /** eks: FIS, to stop an experiment a killed run left running. */
  fis?: FisExperiments;
  markerPath: string;
  manual: boolean;
  settleSeconds: number;
  /** Application pods must be at least this old (see RunTimings.metricsWindowSeconds). */
  minPodAgeSeconds?: number;
  clock: Clock;
  signal: AbortSignal;
  say(line: string): void;
  /** Tools the manual runbook runs; tests pass their own lookup. */
  hasTool?(name: string): boolean;
}

const toolHints: Record<string, string> = {
  kubectl: 'install kubectl (Debian: apt-get install kubernetes-client)',
  promtool: 'install promtool (Debian: apt-get install prometheus)',
  bash: 'install bash',
};

export function onPath(name: string): boolean {
  try {
    execFileSync('bash', ['-c', `command -v ${name}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Runs every check; returns what it found or did, one line each. Throws PreflightFailed with the fix. */
export async function preflight(ctx: PreflightContext): Promise<string[]> {
  const lines: string[] = [];
  const note = (line: string) => {
    lines.push(line);
    ctx.say(line);
  };

  // A run that died without cleaning up left a marker: finish its cleanup first.
  const marker = readMarker(ctx.markerPath);
  if (marker) {
    if (marker.pid !== process.pid && isProcessAlive(marker.pid)) {
      throw new PreflightFailed(`another run-scenario (pid ${marker.pid}) is running ${marker.scenario} on this target since ${marker.startedAt}; wait for it to end (or stop it with kill ${marker.pid}; it cleans up)`);
    }
    note(`run ${marker.runId} of ${marker.scenario} ended without cleaning up; finishing its cleanup: ${await removeFault(ctx.cluster, marker.fault, ctx.fis)}`);
    clearMarker(ctx.markerPath);
  }

  const hasTool = ctx.hasTool ?? onPath;
  const missing = ['bash', 'kubectl', ...(ctx.manual ? [] : ['promtool'])].filter((tool) => !hasTool(tool));
  if (missing.length) throw new PreflightFailed(`the manual runbook needs ${missing.join(', ')} on PATH: ${missing.map((t) => toolHints[t]).join('; ')}`);

  const nodes = await ctx.cluster.listNodes();
  if (!nodes.length) throw new PreflightFailed('the cluster has no nodes; is the kubeconfig pointing at the right cluster?');
  await ctx.metrics.query('vector(1)');
  if (!ctx.manual && !(await ctx.agent.healthy())) throw new PreflightFailed(`the DevOps agent at ${ctx.agent.url} does not answer /healthz; start it (local-cluster up, or devops-agent serve) or pass --agent-url`);

  // Nothing else injected: active Chaos Mesh objects of any kind stop the run, except our own leftovers.
  for (const chaos of await ctx.cluster.listChaos()) {
    const ours = chaos.labels['app.kubernetes.io/managed-by'] === 'run-scenario';
    if (ours) {
      await ctx.cluster.deleteChaos(chaos);
      note(`removed ${chaos.kind} ${chaos.namespace}/${chaos.name} left by an earlier run`);
    } else if (!chaos.recovered) {
      throw new PreflightFailed(
        `a fault is already active: ${chaos.kind} ${chaos.namespace}/${chaos.name} (created ${chaos.createdAt}); two faults at once make the result meaningless. ` +
          `Remove it (kubectl delete ${chaos.kind.toLowerCase()} -n ${chaos.namespace} ${chaos.name}) and run again`,
      );
    }
  }

  const evicted = (await ctx.cluster.listPods(APP_NAMESPACE)).filter((p) => p.phase === 'Failed' && p.reason === 'Evicted');
  for (const pod of evicted) await ctx.cluster.deletePod(pod.namespace, pod.name);
  if (evicted.length) note(`deleted ${evicted.length} evicted pod(s) left from earlier node pressure: ${evicted.map((p) => p.name).join(', ')}`);

  const settled = await waitUntilSettled(ctx.cluster, { seconds: ctx.settleSeconds + (ctx.minPodAgeSeconds ?? 0), clock: ctx.clock, pollMs: 2_000, signal: ctx.signal, metrics: ctx.metrics, ...(ctx.minPodAgeSeconds ? { minPodAgeSeconds: ctx.minPodAgeSeconds } : {}) });
  if (!settled.ok) throw new PreflightFailed(`the application is not healthy before the run (${settled.detail}); a run needs a healthy baseline: wait, or restart the target (local-cluster down, then local-cluster up)`);
  const cordoned = (await ctx.cluster.listNodes()).filter((n) => n.unschedulable);
  if (cordoned.length) note(`note: node(s) ${cordoned.map((n) => n.name).join(', ')} are cordoned (kubectl uncordon <node> to return them)`);
  note(`preflight ok: ${nodes.length} nodes, Prometheus answers, ${ctx.manual ? 'manual mode' : `agent at ${ctx.agent.url}`}, no fault active, every deployment available, no alert firing`);
  return lines;
}

/** What a run may change and the runner restores: replicas and resources of each deployment, cordons. */
export interface TargetSnapshot {
  deployments: { name: string; replicas: number; resources: Record<string, DeploymentSummary['containers'][number]['resources']> }[];
  schedulableNodes: string[];
}

export async function snapshotTarget(cluster: Cluster): Promise<TargetSnapshot> {
  const deployments = await cluster.listDeployments(APP_NAMESPACE);
  const nodes = await cluster.listNodes();
  return {
    deployments: deployments.map((d) => ({ name: d.name, replicas: d.replicas, resources: Object.fromEntries(d.containers.map((c) => [c.name, c.resources])) })),
    schedulableNodes: nodes.filter((n) => !n.unschedulable).map((n) => n.name),
  };
}

/**
 * Puts back replicas, resources and cordons the run changed (the agent's fixes included), and deletes
 * the pods the kubelet evicted (they stay as Failed objects, and alerting, until someone does).
 */
export async function restoreTarget(cluster: Cluster, snapshot: TargetSnapshot): Promise<string[]> {
  const done: string[] = [];
  const evicted = (await cluster.listPods(APP_NAMESPACE)).filter((p) => p.phase === 'Failed' && p.reason === 'Evicted');
  for (const pod of evicted) await cluster.deletePod(pod.namespace, pod.name);
  if (evicted.length) done.push(`deleted ${evicted.length} evicted pod(s): ${evicted.map((p) => p.name).join(', ')}`);
  for (const node of await cluster.listNodes()) {
    if (node.unschedulable && snapshot.schedulableNodes.includes(node.name)) {
      await cluster.setUnschedulable(node.name, false);
      done.push(`uncordoned node ${node.name}`);
    }
  }
  for (const current of await cluster.listDeployments(APP_NAMESPACE)) {
    const before = snapshot.deployments.find((d) => d.name === current.name);
    if (!before) continue;
    const changedContainers = current.containers.filter((c) => before.resources[c.name] && JSON.stringify(normalise(c.resources)) !== JSON.stringify(normalise(before.resources[c.name]!)));
    const patch: { spec: Record<string, unknown> } = { spec: {} };
    if (current.replicas !== before.replicas) patch.spec.replicas = before.replicas;
    if (changedContainers.length) patch.spec.template = { spec: { containers: changedContainers.map((c) => ({ name: c.name, resources: before.resources[c.name] })) } };
    if (!Object.keys(patch.spec).length) continue;
    await cluster.patchDeployment(APP_NAMESPACE, current.name, patch, 'strategic');
    done.push(`restored deployment ${current.name}${patch.spec.replicas !== undefined ? ` replicas ${current.replicas} -> ${before.replicas}` : ''}${changedContainers.length ? ` resources of ${changedContainers.map((c) => c.name).join(', ')}` : ''}`);
  }
  return done;
}

function normalise(resources: DeploymentSummary['containers'][number]['resources']) {
  const sorted = (m?: Record<string, string>) => (m ? Object.fromEntries(Object.entries(m).sort(([a], [b]) => a.localeCompare(b))) : {});
  return { limits: sorted(resources.limits), requests: sorted(resources.requests) };
}

/**
 * Every deployment fully rolled out and available, no chaos of ours, and (with metrics) no warning or
 * critical alert firing: the healthy baseline a run starts from and the state it leaves. Up to `seconds`.
 */
export async function waitUntilSettled(cluster: Cluster, options: { seconds: number; clock: Clock; pollMs: number; signal?: AbortSignal; metrics?: Metrics; minPodAgeSeconds?: number }): Promise<{ ok: boolean; detail: string }> {
  const deadline = options.clock.now() + options.seconds * 1000;
  let detail = '';
  for (;;) {
    const deployments = await cluster.listDeployments(APP_NAMESPACE);
    // `kubectl rollout status` done: the latest spec seen, every replica updated and available, and no
    // pod of an old ReplicaSet left (a fault injected now would select pods about to go away).
    const unsettled = deployments.filter((d) => d.observed === false || d.availableReplicas < d.replicas || d.updatedReplicas < d.replicas || (d.totalReplicas ?? d.replicas) > d.replicas);
    const chaos = (await cluster.listChaos()).filter((c) => c.labels['app.kubernetes.io/managed-by'] === 'run-scenario');
    // Warning and critical only: info alerts are no incident, and the standard rules' `Watchdog` and
    // `InfoInhibitor` (severity "none") fire on every healthy cluster by design.
    const alerts = options.metrics ? (await options.metrics.alerts()).filter((a) => a.state === 'firing' && (a.labels.severity === 'warning' || a.labels.severity === 'critical')) : [];
    const minAge = options.minPodAgeSeconds;
    const young = minAge
      ? (await cluster.listPods(APP_NAMESPACE)).filter((p) => p.phase === 'Running' && p.startedAt && options.clock.now() - Date.parse(p.startedAt) < minAge * 1000)
      : [];
    detail = [
      ...unsettled.map((d) => `${d.name} ${d.availableReplicas}/${d.replicas} available, ${d.updatedReplicas} updated${(d.totalReplicas ?? d.replicas) > d.replicas ? `, ${(d.totalReplicas ?? d.replicas) - d.replicas} old pod(s) still there` : ''}${d.observed === false ? ', spec change not seen yet' : ''}`),
      ...chaos.map((c) => `${c.kind} ${c.namespace}/${c.name} still present`),
      ...young.map((p) => `pod ${p.name} started ${Math.round((options.clock.now() - Date.parse(p.startedAt!)) / 1000)} s ago (the alerts look back ${minAge} s)`),
      ...alerts.map((a) => `alert ${a.name} firing${a.labels.deployment ?? a.labels.service ?? a.labels.node ? ` for ${a.labels.deployment ?? a.labels.service ?? a.labels.node}` : ''}`),
    ].join('; ');
    if (!detail) return { ok: true, detail: 'settled' };
    if (options.clock.now() >= deadline || options.signal?.aborted) return { ok: false, detail };
    await options.clock.sleep(options.pollMs);
  }
}
