/**
 * Verification that the symptom is gone: conditions on the cluster (the deployment is fully available
 * with no pod restarting, the node is drained...) and on metrics (a PromQL expression back under its
 * threshold) that must all hold, continuously, for `holdSeconds` before the incident is resolved. A
 * condition that breaks during the hold restarts the clock; the deadline ends the wait as failed.
 */
import type { Verification } from '../../core/types.js';
import type { ClusterWriter, MetricsEvidence } from '../ports.js';
import type { Sleep } from '../../core/clock.js';
import { EvidenceUnavailable } from '../ports.js';

export type VerificationCondition =
  | { type: 'deployment-healthy'; namespace: string; name: string }
  | { type: 'node-drained'; name: string; namespaces?: string[] }
  | { type: 'node-schedulable'; name: string }
  | { type: 'promql'; query: string; op: '<' | '>' | 'empty'; threshold?: number; description: string };

export function describeCondition(c: VerificationCondition): string {
  switch (c.type) {
    case 'deployment-healthy':
      return `deployment ${c.namespace}/${c.name} has all replicas updated and ready, and none restarts`;
    case 'node-drained':
      return `node ${c.name} is cordoned and runs no workload pods${c.namespaces ? ` of ${c.namespaces.join(', ')}` : ''}`;
    case 'node-schedulable':
      return `node ${c.name} accepts pods again`;
    case 'promql':
      return `${c.description}: ${c.query} ${c.op === 'empty' ? 'returns nothing' : `${c.op} ${c.threshold}`}`;
  }
}

interface PodLike {
  metadata?: { name?: string; labels?: Record<string, string>; deletionTimestamp?: string; ownerReferences?: { kind: string }[] };
  status?: { phase?: string; containerStatuses?: { ready?: boolean; restartCount?: number; state?: { waiting?: { reason?: string } } }[] };
}

interface DeploymentLike {
  metadata?: { generation?: number };
  spec?: { replicas?: number; selector?: { matchLabels?: Record<string, string> } };
  status?: { observedGeneration?: number; replicas?: number; updatedReplicas?: number; readyReplicas?: number; availableReplicas?: number };
}

/** The state of one condition now, and restart counts seen (to notice restarts during the hold). */
export interface Probe {
  holds: boolean;
  detail: string;
}

export interface VerifyEnv {
  cluster?: ClusterWriter;
  metrics?: MetricsEvidence;
  now: () => number;
  sleep: Sleep;
  signal?: AbortSignal;
  /** Namespaces whose pods count as workload (the policy's allow-list). */
  allowedNamespaces?: string[];
}

export async function probe(env: VerifyEnv, c: VerificationCondition, restarts: Map<string, number>): Promise<Probe> {
  switch (c.type) {
    case 'deployment-healthy': {
      if (!env.cluster) return { holds: false, detail: 'no cluster access to check the deployment' };
      const d = (await env.cluster.readDeployment(c.namespace, c.name)) as DeploymentLike;
      const want = d.spec?.replicas ?? 1;
      const s = d.status ?? {};
      if ((s.observedGeneration ?? 0) < (d.metadata?.generation ?? 0)) return { holds: false, detail: 'the controller has not seen the latest spec yet' };
      if ((s.updatedReplicas ?? 0) < want || (s.availableReplicas ?? 0) < want || (s.replicas ?? 0) > want) return { holds: false, detail: `${s.updatedReplicas ?? 0} updated, ${s.availableReplicas ?? 0} available, ${s.replicas ?? 0} total of ${want}` };
      const selector = Object.entries(d.spec?.selector?.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`).join(',');
      const pods = ((await env.cluster.listPods(c.namespace, { labelSelector: selector })) as PodLike[]).filter((p) => !p.metadata?.deletionTimestamp);
      for (const pod of pods) {
        const name = pod.metadata?.name ?? '';
        const statuses = pod.status?.containerStatuses ?? [];
        const waiting = statuses.find((x) => x.state?.waiting?.reason)?.state?.waiting?.reason;
        if (waiting) return { holds: false, detail: `pod ${name} is ${waiting}` };
        if (pod.status?.phase !== 'Running' || !statuses.every((x) => x.ready)) return { holds: false, detail: `pod ${name} is not ready` };
        const count = statuses.reduce((n, x) => n + (x.restartCount ?? 0), 0);
        const seen = restarts.get(name);
        restarts.set(name, count);
        if (seen !== undefined && count > seen) return { holds: false, detail: `pod ${name} restarted (${seen} -> ${count})` };
      }
      return { holds: true, detail: `${pods.length}/${want} pods ready, no restarts` };
    }
    case 'node-drained': {
      if (!env.cluster) return { holds: false, detail: 'no cluster access to check the node' };
      const node = (await env.cluster.readNode(c.name)) as { spec?: { unschedulable?: boolean } };
      if (!node.spec?.unschedulable) return { holds: false, detail: `node ${c.name} is not cordoned` };
      const pods = (await env.cluster.listPods(undefined, { fieldSelector: `spec.nodeName=${c.name}` })) as (PodLike & { metadata?: { namespace?: string } })[];
      const namespaces = c.namespaces ?? env.allowedNamespaces ?? [];
      const left = pods.filter((p) => namespaces.includes(p.metadata?.namespace ?? '') && !p.metadata?.deletionTimestamp && !['Succeeded', 'Failed'].includes(p.status?.phase ?? ''));
      return left.length ? { holds: false, detail: `${left.length} pods still on ${c.name}: ${left.map((p) => p.metadata?.name).join(', ')}` } : { holds: true, detail: `no workload pods left on ${c.name}` };
    }
    case 'node-schedulable': {
      if (!env.cluster) return { holds: false, detail: 'no cluster access to check the node' };
      const node = (await env.cluster.readNode(c.name)) as { spec?: { unschedulable?: boolean } };
      return node.spec?.unschedulable ? { holds: false, detail: `node ${c.name} is still cordoned` } : { holds: true, detail: `node ${c.name} is schedulable` };
    }
    case 'promql': {
      if (!env.metrics) return { holds: false, detail: 'no metrics source to evaluate the query' };
      const rows = await env.metrics.instant(c.query, { at: env.now() / 1000, ...(env.signal ? { signal: env.signal } : {}) });
      if (c.op === 'empty') return rows.length === 0 ? { holds: true, detail: 'no series breach' } : { holds: false, detail: `${rows.length} series still breach (max ${Math.max(...rows.map((r) => r.value)).toFixed(3)})` };
      const worst = c.op === '<' ? Math.max(...rows.map((r) => r.value)) : Math.min(...rows.map((r) => r.value));
      if (!rows.length) return { holds: false, detail: 'the query returned no series' };
      const holds = c.op === '<' ? worst < c.threshold! : worst > c.threshold!;
      return { holds, detail: `worst value ${worst.toFixed(3)} (needs ${c.op} ${c.threshold})` };
    }
  }
}

export interface VerifyOptions {
  holdSeconds: number;
  timeoutSeconds: number;
  intervalSeconds: number;
}

/**
 * Polls every condition until all have held for `holdSeconds` in a row, or the deadline passes.
 * Unreachable evidence during a probe counts as "not holding" (we cannot claim what we cannot see).
 */
export async function verifyConditions(env: VerifyEnv, conditions: VerificationCondition[], options: VerifyOptions, onProgress?: (v: Verification) => void): Promise<Verification> {
  const started = env.now();
  const check = conditions.map(describeCondition).join(' AND ');
  const deadline = started + options.timeoutSeconds * 1000;
  const restarts = new Map<string, number>();
  let holdingSince: number | undefined;
  let last = '';
  for (;;) {
    const results: Probe[] = [];
    for (const c of conditions) {
      try {
        results.push(await probe(env, c, restarts));
      } catch (error) {
        results.push({ holds: false, detail: error instanceof EvidenceUnavailable ? error.reason : (error as Error).message });
      }
    }
    const now = env.now();
    const broken = results.find((r) => !r.holds);
    last = broken ? broken.detail : results.map((r) => r.detail).join('; ');
    if (broken) holdingSince = undefined;
    else holdingSince ??= now;
    if (holdingSince !== undefined && now - holdingSince >= options.holdSeconds * 1000) {
      return { check, holdSeconds: options.holdSeconds, startedAt: new Date(started).toISOString(), passedAt: new Date(now).toISOString(), outcome: 'passed', detail: last };
    }
    if (now >= deadline) return { check, holdSeconds: options.holdSeconds, startedAt: new Date(started).toISOString(), outcome: 'failed', detail: `not stable within ${options.timeoutSeconds}s: ${last}` };
    onProgress?.({ check, holdSeconds: options.holdSeconds, startedAt: new Date(started).toISOString(), outcome: 'pending', detail: last });
    await env.sleep(options.intervalSeconds * 1000, env.signal);
  }
}
