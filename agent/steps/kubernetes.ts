/**
 * Step `kubernetes`: what the API server knows. Pods (last terminations, waiting reasons, readiness,
 * placement), Warning events of the window (OOM kills, back-offs, pull failures, evictions, failed
 * probes), the rollout history of the workloads in trouble (a new revision shortly before the
 * symptoms, and what it changed), node conditions, and network policies. Each fact is a finding with
 * the time it happened.
 */
import { z } from 'zod';
import type { Finding, ResourceRef } from '../../core/types.js';
import { agentRevision, describeMark } from '../analysis/agent-changes.js';
import { FindingKind as K } from '../analysis/finding-kinds.js';
import type { KubeEventSummary, NodeSummary, PodSummary, RolloutSummary } from '../ports.js';
import { defineStep } from '../workflow/step.js';
import { gather, missingSource } from './gaps.js';
import { durationText, iso, objectName, scopeOf, scopeParams, type Scope } from './scope.js';
import { parseDuration } from '../../core/duration.js';

const READS = ['pods', 'events', 'rollouts', 'nodes', 'networkPolicies'] as const;

const params = z.object({
  ...scopeParams,
  reads: z.array(z.enum(READS)).default(['pods', 'events', 'rollouts', 'nodes']).describe('What to read from the API'),
  rolloutWindow: durationText.default('2h').describe('A revision newer than this is a recent rollout'),
  deployments: z.array(objectName).optional().describe('Deployments whose rollouts to read (default: the alert\'s and those with unhealthy pods)'),
});


export interface KubernetesOutput {
  pods: PodSummary[];
  nodes: NodeSummary[];
  rollouts: Record<string, RolloutSummary[]>;
  findings: string[];
}

type Recorder = (f: Omit<Finding, 'id'>) => void;

function podRef(p: PodSummary): ResourceRef {
  return { kind: 'Pod', namespace: p.namespace, name: p.name, ...(p.containers[0] ? { container: p.containers[0].name } : {}) };
}

function podData(p: PodSummary): Record<string, unknown> {
  return { ...(p.deployment ? { deployment: p.deployment } : {}), ...(p.node ? { node: p.node } : {}) };
}

function inWindow(at: string | undefined, scope: Scope): boolean {
  return at !== undefined && Date.parse(at) / 1000 >= scope.end - scope.windowSeconds;
}

function podFindings(pods: PodSummary[], scope: Scope, record: Recorder): void {
  for (const p of pods) {
    const base = { source: 'kubernetes' as const, subject: podRef(p), query: `GET /api/v1/namespaces/${p.namespace}/pods/${p.name}`, data: podData(p) };
    const last = p.lastTermination;
    if (last && inWindow(last.finishedAt, scope)) {
      if (last.reason === 'OOMKilled') {
        record({ ...base, kind: K.oomKilled, severity: 'critical', observedAt: last.finishedAt!, summary: `pod ${p.namespace}/${p.name} was OOMKilled (exit ${last.exitCode}); ${p.restarts} restarts`, data: { ...base.data, restarts: p.restarts, limits: p.containers[0]?.limits } });
      } else if (p.reason !== 'Evicted' && (last.reason === 'Error' || (last.exitCode !== 0 && !['Completed', 'ContainerStatusUnknown', 'Evicted'].includes(last.reason)))) {
        record({ ...base, kind: K.containerErrorExit, severity: 'critical', observedAt: last.finishedAt!, summary: `pod ${p.namespace}/${p.name} exited with code ${last.exitCode} (${last.reason}); ${p.restarts} restarts`, data: { ...base.data, restarts: p.restarts, exitCode: last.exitCode } });
      }
    }
    if (p.reason === 'CrashLoopBackOff') {
      record({ ...base, kind: K.crashLoopBackoff, severity: 'critical', observedAt: last?.finishedAt ?? iso(scope.end), summary: `pod ${p.namespace}/${p.name} is in CrashLoopBackOff after ${p.restarts} restarts (last exit: ${last?.reason ?? 'unknown'})`, data: { ...base.data, restarts: p.restarts, lastReason: last?.reason } });
    }
    if (p.reason === 'ErrImagePull' || p.reason === 'ImagePullBackOff') {
      record({ ...base, kind: K.imagePullFailure, severity: 'critical', observedAt: p.createdAt || iso(scope.end), summary: `pod ${p.namespace}/${p.name} cannot pull ${p.containers.map((c) => c.image).join(', ')} (${p.reason})`, data: { ...base.data, images: p.containers.map((c) => c.image) } });
    }
    if (p.reason === 'Evicted') {
      record({ ...base, kind: K.podEvicted, severity: 'warning', observedAt: last?.finishedAt ?? p.createdAt, summary: `pod ${p.namespace}/${p.name} was evicted from ${p.node ?? 'its node'}` });
    }
    if (p.phase === 'Running' && !p.ready && p.reason !== 'CrashLoopBackOff' && Date.parse(p.createdAt) / 1000 < scope.end - 60) {
      record({ ...base, kind: K.podNotReady, severity: 'warning', observedAt: iso(scope.end), summary: `pod ${p.namespace}/${p.name} is running but not ready` });
    }
  }
}

function eventFindings(events: KubeEventSummary[], pods: PodSummary[], record: Recorder): void {
  const podByName = new Map(pods.map((p) => [p.name, p]));
  for (const e of events) {
    const pod = e.object.kind === 'Pod' ? podByName.get(e.object.name) : undefined;
    const subject: ResourceRef = e.object.kind === 'Node' ? { kind: 'Node', name: e.object.name } : { kind: (e.object.kind as ResourceRef['kind']) || 'Pod', namespace: e.object.namespace, name: e.object.name };
    const data: Record<string, unknown> = { reason: e.reason, count: e.count, ...(pod ? podData(pod) : {}) };
    const base = { source: 'events' as const, observedAt: e.firstSeen, query: `GET /api/v1/namespaces/${e.object.namespace ?? 'default'}/events?fieldSelector=involvedObject.name=${e.object.name}` };
    const said = `${e.reason} on ${e.object.kind.toLowerCase()} ${e.object.namespace ? `${e.object.namespace}/` : ''}${e.object.name} (x${e.count}): ${e.message.slice(0, 160)}`;
    switch (e.reason) {
      case 'OOMKilling': {
        // The kernel reports on the node; the pod it killed is the one whose container died OOMKilled then.
        const victim = pods.find((p) => p.node === e.object.name && p.lastTermination?.reason === 'OOMKilled' && Math.abs(Date.parse(p.lastTermination.finishedAt ?? '') - Date.parse(e.lastSeen)) < 120_000);
        record({ ...base, kind: K.oomKilled, severity: 'critical', summary: said, subject: victim ? podRef(victim) : subject, data: { ...data, ...(victim ? podData(victim) : { node: e.object.name }) } });
        break;
      }
      case 'BackOff':
        if (/pulling image/i.test(e.message)) record({ ...base, kind: K.imagePullFailure, severity: 'critical', summary: said, subject, data });
        else record({ ...base, kind: K.crashLoopBackoff, severity: 'critical', summary: said, subject, data });
        break;
      case 'Failed':
        if (/pull|image/i.test(e.message)) record({ ...base, kind: K.imagePullFailure, severity: 'critical', summary: said, subject, data });
        break;
      case 'Evicted':
        record({ ...base, kind: K.podEvicted, severity: 'warning', summary: said, subject, data: { ...data, ...(pod?.node ? {} : { node: /node[^:]*: ([\w.-]+)/.exec(e.message)?.[1] }) } });
        break;
      case 'EvictionThresholdMet':
        record({ ...base, kind: K.evictionThresholdMet, severity: 'critical', summary: said, subject, data });
        break;
      case 'NodeHasInsufficientMemory':
        record({ ...base, kind: K.nodeMemoryPressure, severity: 'critical', summary: said, subject, data });
        break;
      case 'Unhealthy':
        record({ ...base, kind: K.probeFailed, severity: 'warning', summary: said, subject, data });
        break;
      default:
        break;
    }
  }
}

function nodeFindings(nodes: NodeSummary[], scope: Scope, record: Recorder): void {
  for (const n of nodes) {
    const since = n.conditionsSince ?? {};
    const base = { source: 'kubernetes' as const, subject: { kind: 'Node' as const, name: n.name }, query: `GET /api/v1/nodes/${n.name}` };
    if (n.conditions.MemoryPressure === 'True') record({ ...base, kind: K.nodeMemoryPressure, severity: 'critical', observedAt: since.MemoryPressure ?? iso(scope.end), summary: `node ${n.name} reports MemoryPressure`, data: { conditions: n.conditions } });
    if (n.conditions.Ready && n.conditions.Ready !== 'True') record({ ...base, kind: K.nodeNotReady, severity: 'critical', observedAt: since.Ready ?? iso(scope.end), summary: `node ${n.name} is not Ready (${n.conditions.Ready})`, data: { conditions: n.conditions } });
    if (n.unschedulable) record({ ...base, kind: K.nodeUnschedulable, severity: 'info', observedAt: iso(scope.end), summary: `node ${n.name} is cordoned`, data: { taints: n.taints } });
  }
}

function rolloutFindings(namespace: string, deployment: string, history: RolloutSummary[], desired: number | undefined, scope: Scope, rolloutWindowSeconds: number, record: Recorder): void {
  const latest = history[history.length - 1];
  if (!latest || history.length < 2) return;
  const created = Date.parse(latest.createdAt) / 1000;
  const subject: ResourceRef = { kind: 'Deployment', namespace, name: deployment };
  const query = `GET /apis/apps/v1/namespaces/${namespace}/replicasets?labelSelector=... (revisions of ${deployment})`;
  const previous = history[history.length - 2]!;
  // The agent's own change is context, never a cause: not a recent rollout, not a stuck one.
  const mark = agentRevision(latest.templateAnnotations, previous.templateAnnotations);
  if (mark) {
    const want = desired ?? latest.replicas;
    const stuck = want > 0 && latest.readyReplicas < want && created < scope.end - 120;
    record({
      source: 'kubernetes',
      kind: K.agentChange,
      severity: stuck ? 'warning' : 'info',
      subject,
      observedAt: latest.createdAt,
      query,
      summary: `deployment ${namespace}/${deployment} revision ${latest.revision} (${latest.createdAt}) is the agent's own change: ${describeMark(mark)} (${latest.changes.join('; ') || 'no template change recorded'}); the agent never takes its own change as the cause${stuck ? `. It is not progressing: ${latest.readyReplicas}/${want} new pods ready` : ''}`,
      data: { revision: latest.revision, replicaSet: latest.replicaSet, changes: latest.changes, previousRevision: previous.revision, changedBy: mark, ...(stuck ? { ready: latest.readyReplicas, desired: want } : {}) },
    });
    return;
  }
  if (created >= scope.end - rolloutWindowSeconds) {
    record({
      source: 'kubernetes',
      kind: K.recentRollout,
      severity: 'info',
      subject,
      observedAt: latest.createdAt,
      query,
      summary: `deployment ${namespace}/${deployment} rolled out revision ${latest.revision} at ${latest.createdAt}${latest.changeCause ? ` (${latest.changeCause})` : ''}: ${latest.changes.join('; ') || 'no template change recorded'}`,
      data: { revision: latest.revision, replicaSet: latest.replicaSet, changes: latest.changes, changeCause: latest.changeCause, images: latest.images, previousRevision: previous.revision, previousReplicaSet: previous.replicaSet, previousImages: previous.images },
    });
  }
  const want = desired ?? latest.replicas;
  if (want > 0 && latest.readyReplicas < want && created < scope.end - 120 && history.slice(0, -1).some((r) => r.readyReplicas > 0)) {
    record({
      source: 'kubernetes',
      kind: K.rolloutStuck,
      severity: 'warning',
      subject,
      observedAt: latest.createdAt,
      query,
      summary: `rollout of ${namespace}/${deployment} revision ${latest.revision} is not progressing: ${latest.readyReplicas}/${want} new pods ready while the previous revision still serves`,
      data: { revision: latest.revision, ready: latest.readyReplicas, desired: want },
    });
  }
}

/** Deployments worth reading the rollout history of: the alert's, and any with pods in trouble. */
function troubled(pods: PodSummary[], scope: Scope): string[] {
  const names = new Set<string>();
  if (scope.deployment) names.add(scope.deployment);
  for (const p of pods) {
    if (!p.deployment) continue;
    if (!p.ready || p.reason || (p.lastTermination && inWindow(p.lastTermination.finishedAt, scope))) names.add(p.deployment);
  }
  return [...names];
}

export const kubernetesStep = defineStep({
  kind: 'kubernetes',
  description: 'Pods, events, rollouts, nodes and network policies from the Kubernetes API; each problem is a finding',
  params,
  gapSource: 'kubernetes',
  async run(ctx, p): Promise<KubernetesOutput> {
    const out: KubernetesOutput = { pods: [], nodes: [], rollouts: {}, findings: [] };
    const k8s = ctx.evidence.kubernetes;
    if (!k8s) {
      missingSource(ctx, 'kubernetes', 'no Kubernetes API configured');
      return out;
    }
    const scope = scopeOf(ctx, p);
    const namespace = scope.namespace;
    const gaps = new Set<string>();
    const record: Recorder = (f) => void out.findings.push(ctx.finding(f).id);
    const reads = new Set(p.reads);

    const [pods, events, nodes] = await Promise.all([
      reads.has('pods') && namespace ? gather(ctx, 'kubernetes', () => k8s.pods(namespace, { signal: ctx.signal }), gaps) : Promise.resolve(undefined),
      reads.has('events') ? gather(ctx, 'events', () => k8s.events(undefined, { sinceSeconds: scope.windowSeconds, signal: ctx.signal }), gaps) : Promise.resolve(undefined),
      reads.has('nodes') ? gather(ctx, 'kubernetes', () => k8s.nodes({ signal: ctx.signal }), gaps) : Promise.resolve(undefined),
    ]);
    if (pods) {
      out.pods = pods;
      ctx.finding({
        source: 'kubernetes',
        kind: K.workloadPlacement,
        severity: 'info',
        observedAt: iso(scope.end),
        summary: `${pods.length} pods in ${namespace} on ${new Set(pods.map((x) => x.node).filter(Boolean)).size} nodes`,
        query: `GET /api/v1/namespaces/${namespace}/pods`,
        data: { pods: pods.map((x) => ({ namespace: x.namespace, pod: x.name, deployment: x.deployment, node: x.node })) },
      });
      podFindings(pods, scope, record);
    }
    if (events) eventFindings(events.filter((e) => e.type === 'Warning' || e.reason === 'NodeHasInsufficientMemory').filter((e) => !namespace || !e.object.namespace || e.object.namespace === namespace || e.object.kind === 'Node'), pods ?? [], record);
    if (nodes) {
      out.nodes = nodes;
      nodeFindings(nodes, scope, record);
    }
    if (reads.has('rollouts') && namespace) {
      const deployments = p.deployments ?? troubled(pods ?? [], scope);
      const windowSeconds = parseDuration(p.rolloutWindow) / 1000;
      await Promise.all(
        deployments.map(async (d) => {
          const [history, spec] = await Promise.all([
            gather(ctx, 'kubernetes', () => k8s.rollouts(namespace, d, { signal: ctx.signal }), gaps),
            gather(ctx, 'kubernetes', () => k8s.deployment(namespace, d, { signal: ctx.signal }), gaps),
          ]);
          if (!history) return;
          out.rollouts[d] = history;
          rolloutFindings(namespace, d, history, spec?.replicas, scope, windowSeconds, record);
        }),
      );
    }
    if (reads.has('networkPolicies') && namespace && k8s.networkPolicies) {
      const policies = await gather(ctx, 'kubernetes', () => k8s.networkPolicies!(namespace, { signal: ctx.signal }), gaps);
      for (const policy of policies ?? []) {
        record({ source: 'kubernetes', kind: K.networkPolicy, severity: 'info', observedAt: iso(scope.end), subject: { kind: 'Namespace', name: namespace }, summary: `network policy ${namespace}/${policy.name} (${policy.policyTypes.join(', ')}) selects ${JSON.stringify(policy.podSelector)}`, data: { ...policy } });
      }
    }
    return out;
  },
});
