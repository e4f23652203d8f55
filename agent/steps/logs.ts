/**
 * Step `logs`: reads the container logs of the alert's workload and of the pods in trouble (the
 * previous instance too, when the container restarted: that is where the reason it died is) and turns
 * what they say into findings (log-patterns.ts). A timeout or a failed call naming another service is
 * a finding about that service, observed from its caller.
 */
import { z } from 'zod';
import type { Finding } from '../../core/types.js';
import type { PodSummary } from '../ports.js';
import { defineStep } from '../workflow/step.js';
import { gather, missingSource } from './gaps.js';
import { FindingKind as K } from '../analysis/finding-kinds.js';
import { targetsOfFinding } from '../analysis/targets.js';
import { logPatterns, percentile, requestDurations, scanLogs, type PatternHit } from './log-patterns.js';
import { iso, scopeOf, scopeParams, type Scope } from './scope.js';

const params = z.object({
  ...scopeParams,
  patterns: z.array(z.string()).optional().describe('Pattern names (agent/steps/log-patterns.ts); all by default'),
  maxPods: z.number().int().positive().default(6).describe('Most pods whose logs are read'),
  tailLines: z.number().int().positive().default(250).describe('Lines read per container instance'),
  previous: z.boolean().default(true).describe('Also read the previous instance of restarted containers'),
  minCount: z.number().int().positive().default(2).describe('Matches needed for a pattern to be a finding (critical patterns: 1)'),
});


export interface LogsOutput {
  read: { pod: string; previous: boolean; lines: number }[];
  findings: string[];
}

/** Findings that make a workload a suspect whose logs are worth reading (when run after other steps). */
const SUSPECT_KINDS = new Set<string>([K.cpuThrottled, K.cpuNearLimit, K.networkGap, K.traceLatencyRootCause, K.slowService, K.oomKilled, K.memoryGrowing, K.memoryNearLimit, K.crashLoopBackoff, K.containerErrorExit, K.imagePullFailure, K.traceFaultRootCause]);

/** The alert's pods first, then the suspects other steps found, then the most troubled others. */
function podsToRead(pods: PodSummary[], scope: Scope, suspects: Set<string>, max: number): PodSummary[] {
  const trouble = (p: PodSummary) => (p.reason ? 4 : 0) + (!p.ready ? 2 : 0) + Math.min(p.restarts, 3) + (p.lastTermination ? 1 : 0);
  const mine = (p: PodSummary) => (scope.pod === p.name ? 20 : 0) + (scope.deployment && p.deployment === scope.deployment ? 10 : 0) + (p.deployment && suspects.has(p.deployment) ? 8 : 0);
  return pods
    .filter((p) => p.phase !== 'Pending' || p.restarts > 0)
    .map((p) => ({ p, rank: mine(p) + trouble(p) }))
    .filter((x) => x.rank > 0)
    .sort((a, b) => b.rank - a.rank)
    .slice(0, max)
    .map((x) => x.p);
}

export const logsStep = defineStep({
  kind: 'logs',
  description: 'Container logs of the alert\'s workload and of pods in trouble, scanned for OOM, timeouts, upstream failures, configuration errors and stack traces',
  params,
  gapSource: 'logs',
  async run(ctx, p): Promise<LogsOutput> {
    const out: LogsOutput = { read: [], findings: [] };
    const k8s = ctx.evidence.kubernetes;
    if (!k8s) {
      missingSource(ctx, 'logs', 'no Kubernetes API configured');
      return out;
    }
    const scope = scopeOf(ctx, p);
    if (!scope.namespace) return out;
    const namespace = scope.namespace;
    const gaps = new Set<string>();
    const patterns = p.patterns ? logPatterns.filter((x) => p.patterns!.includes(x.name)) : logPatterns;
    const pods = await gather(ctx, 'kubernetes', () => k8s.pods(namespace, { signal: ctx.signal }), gaps);
    if (!pods) return out;
    const suspects = new Set(ctx.incident.findings.filter((f) => SUSPECT_KINDS.has(f.kind) && f.source !== 'logs').flatMap((f) => targetsOfFinding(f).filter((t) => t.kind === 'Deployment').map((t) => t.name)));
    await Promise.all(
      podsToRead(pods, scope, suspects, p.maxPods).map(async (pod) => {
        const instances = [false, ...(p.previous && pod.restarts > 0 ? [true] : [])];
        for (const previous of instances) {
          const text = await gather(ctx, 'logs', () => k8s.logs(namespace, pod.name, { previous, tailLines: p.tailLines, timestamps: true, signal: ctx.signal }), gaps);
          if (text === undefined) continue;
          out.read.push({ pod: pod.name, previous, lines: text.split('\n').length - 1 });
          for (const hit of scanLogs(text, patterns, pod.deployment)) {
            for (const finding of findingsOf(hit, pod, previous, scope, p.minCount)) out.findings.push(ctx.finding(finding).id);
          }
          if (!previous) {
            const timing = servedTiming(text, pod, scope);
            if (timing) out.findings.push(ctx.finding(timing).id);
          }
        }
      }),
    );
    return out;
  },
});

function findingsOf(hit: PatternHit, pod: PodSummary, previous: boolean, scope: Scope, minCount: number): Omit<Finding, 'id'>[] {
  if (hit.count < (hit.pattern.severity === 'critical' ? 1 : minCount)) return [];
  const instance = previous ? 'previous container' : 'container';
  const query = `GET /api/v1/namespaces/${pod.namespace}/pods/${pod.name}/log?${previous ? 'previous=true&' : ''}timestamps=true`;
  const base = {
    source: 'logs' as const,
    kind: hit.pattern.finding,
    severity: hit.pattern.severity,
    observedAt: hit.first ?? iso(scope.end),
    query,
  };
  const subject = { kind: 'Pod' as const, namespace: pod.namespace, name: pod.name, ...(pod.containers[0] ? { container: pod.containers[0].name } : {}) };
  const podData = { ...(pod.deployment ? { deployment: pod.deployment } : {}), ...(pod.node ? { node: pod.node } : {}) };
  const upstreams = Object.entries(hit.upstreams).sort((a, b) => b[1] - a[1]);
  if (hit.pattern.upstream) {
    // About the callee: one finding per service the caller waited for or failed to reach.
    return upstreams.filter(([, count]) => count >= (hit.pattern.severity === 'critical' ? 1 : minCount)).map(([upstream, count]) => ({
      ...base,
      subject,
      summary: `${pod.name} (${instance}) logged ${count} ${hit.pattern.description} naming ${upstream}, e.g. ${hit.example.slice(0, 180)}`,
      data: { ...podData, upstream, count, caller: pod.deployment, example: hit.example, last: hit.last },
    }));
  }
  return [
    {
      ...base,
      subject,
      summary: `${pod.name} (${instance}) logged ${hit.count} line(s) of ${hit.pattern.description}, e.g. ${hit.example.slice(0, 200)}`,
      data: { ...podData, count: hit.count, example: hit.example, previous, last: hit.last },
    },
  ];
}

/** What the service's own access log says of its speed: fast (the time is lost elsewhere) or slow. */
function servedTiming(text: string, pod: PodSummary, scope: Scope): Omit<Finding, 'id'> | undefined {
  const timed = requestDurations(text);
  const durations = timed.map((d) => d.ms);
  if (durations.length < 20) return undefined;
  const first = (pick: (ms: number) => boolean) => timed.find((d) => pick(d.ms) && d.at)?.at ?? iso(scope.end);
  const p90 = percentile(durations, 0.9);
  const subject = { kind: 'Pod' as const, namespace: pod.namespace, name: pod.name, ...(pod.containers[0] ? { container: pod.containers[0].name } : {}) };
  const data = { ...(pod.deployment ? { deployment: pod.deployment } : {}), ...(pod.node ? { node: pod.node } : {}), requests: durations.length, p90Ms: p90, medianMs: percentile(durations, 0.5) };
  const query = `GET /api/v1/namespaces/${pod.namespace}/pods/${pod.name}/log?timestamps=true (access-log durations)`;
  if (p90 < 250) return { source: 'logs', kind: K.servedFast, severity: 'info', subject, observedAt: first(() => true), query, summary: `${pod.name} served ${durations.length} logged requests with p90 ${Math.round(p90)} ms (its own access log: it answers fast)`, data };
  if (p90 > 500) return { source: 'logs', kind: K.logSlowRequest, severity: 'warning', subject, observedAt: first((ms) => ms > 500), query, summary: `${pod.name} served ${durations.length} logged requests with p90 ${Math.round(p90)} ms (its own access log: it is slow)`, data };
  return undefined;
}
