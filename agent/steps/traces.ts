/**
 * Step `traces`: slow and faulty requests from X-Ray. Which service X-Ray's root-cause analysis blames
 * for the response time and the faults; whether the time went on the wire (the caller's client
 * subsegment long, the callee's own segment short: network latency) or inside the callee (a slow
 * service), measured on a sample of full traces; and the service graph, so the analysis knows who calls
 * whom.
 */
import { z } from 'zod';
import type { Finding } from '../../core/types.js';
import { FindingKind as K } from '../analysis/finding-kinds.js';
import type { TraceSegment, TraceSummaryLite } from '../ports.js';
import { defineStep } from '../workflow/step.js';
import { gather, missingSource } from './gaps.js';
import { durationText, iso, scopeOf, scopeParams } from './scope.js';
import { parseDuration } from '../../core/duration.js';

const params = z.object({
  ...scopeParams,
  traceWindow: durationText.default('10m').describe('Window of traces to read (X-Ray keeps recent traces; shorter is cheaper)'),
  slowSeconds: z.number().positive().default(0.5).describe('A request slower than this is slow'),
  limit: z.number().int().positive().default(200).describe('Most trace summaries read'),
  sampleTraces: z.number().int().min(0).default(6).describe('Full traces fetched to measure client-vs-server time'),
  minShare: z.number().min(0).max(1).default(0.3).describe('Share of slow or faulty traces a service must account for to be blamed'),
  minTraces: z.number().int().positive().default(20).describe('Slow or faulty traces needed before any service is blamed'),
});


export interface TracesOutput {
  slowTraces: number;
  faultTraces: number;
  blamed: { service: string; for: 'time' | 'wire' | 'fault'; share: number }[];
  gaps: { service: string; medianClientSeconds: number; medianServerSeconds: number; medianGapSeconds: number }[];
  edges: number;
  findings: string[];
}

function tally(traces: TraceSummaryLite[], pick: (t: TraceSummaryLite) => string[] | undefined): Map<string, number> {
  const counts = new Map<string, number>();
  for (const t of traces) for (const s of new Set(pick(t) ?? [])) counts.set(s, (counts.get(s) ?? 0) + 1);
  return counts;
}

function median(values: number[]): number {
  if (!values.length) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Per callee: the caller's client subsegment duration vs. the callee's own segment duration. */
export function callTimings(segments: TraceSegment[]): { service: string; client: number; server: number }[] {
  const byId = new Map(segments.filter((s) => s.id).map((s) => [s.id!, s]));
  const out: { service: string; client: number; server: number }[] = [];
  for (const seg of segments) {
    if (seg.remote || !seg.parent) continue;
    const call = byId.get(seg.parent);
    if (!call?.remote) continue;
    out.push({ service: seg.service, client: call.end - call.start, server: seg.end - seg.start });
  }
  return out;
}

export const tracesStep = defineStep({
  kind: 'traces',
  description: 'Slow and faulty traces from X-Ray: the services blamed, client-vs-server time per call (network latency), and the service graph',
  params,
  gapSource: 'traces',
  async run(ctx, p): Promise<TracesOutput> {
    const out: TracesOutput = { slowTraces: 0, faultTraces: 0, blamed: [], gaps: [], edges: 0, findings: [] };
    const traces = ctx.evidence.traces;
    if (!traces) {
      missingSource(ctx, 'traces', 'no trace source configured');
      return out;
    }
    const scope = scopeOf(ctx, p);
    const end = scope.end;
    const start = end - parseDuration(p.traceWindow) / 1000;
    const gaps = new Set<string>();
    const record = (f: Omit<Finding, 'id'>) => void out.findings.push(ctx.finding(f).id);
    const filter = `responsetime > ${p.slowSeconds} OR fault`;

    const [summaries, edges] = await Promise.all([
      gather(ctx, 'traces', () => traces.summaries({ start, end, filter, limit: p.limit, signal: ctx.signal }), gaps),
      gather(ctx, 'traces', () => traces.serviceGraph({ start, end, signal: ctx.signal }), gaps),
    ]);
    const namespace = scope.namespace;
    const subject = (service: string) => ({ kind: 'Service' as const, ...(namespace ? { namespace } : {}), name: service });

    if (edges) {
      out.edges = edges.length;
      ctx.finding({
        source: 'traces',
        kind: K.serviceGraph,
        severity: 'info',
        observedAt: iso(end),
        summary: `service graph: ${edges.map((e) => `${e.from}->${e.to}`).join(', ') || 'no edges'}`,
        query: `GetServiceGraph ${iso(start)}..${iso(end)}`,
        data: { edges },
      });
    }
    if (!summaries) return out;
    const slow = summaries.filter((t) => t.responseTimeSeconds > p.slowSeconds);
    const faulty = summaries.filter((t) => t.hasFault);
    out.slowTraces = slow.length;
    out.faultTraces = faulty.length;
    const firstOf = (list: TraceSummaryLite[]) => {
      const times = list.map((t) => t.startTime).filter((t): t is number => t !== undefined);
      return iso(times.length ? Math.min(...times) : start);
    };
    const query = `GetTraceSummaries ${filter} ${iso(start)}..${iso(end)}`;

    const blame = (list: TraceSummaryLite[], pick: (t: TraceSummaryLite) => string[] | undefined, kind: string, what: 'time' | 'wire' | 'fault', words: string, minTraces: number) => {
      // A handful of slow or failed requests is the background every service has, not an incident.
      if (list.length < minTraces) return;
      for (const [service, n] of tally(list, pick)) {
        const share = n / list.length;
        if (share < p.minShare || n < minTraces) continue;
        out.blamed.push({ service, for: what, share });
        const matching = list.filter((t) => pick(t)?.includes(service));
        record({
          source: 'traces',
          kind,
          severity: share > 0.6 ? 'critical' : 'warning',
          subject: subject(service),
          observedAt: firstOf(matching),
          query,
          summary: `X-Ray puts ${words} ${service} in ${n} of ${list.length} ${what === 'fault' ? 'faulty' : 'slow'} traces (${Math.round(share * 100)}%)`,
          data: { share, traces: n, of: list.length, examples: matching.slice(0, 3).map((t) => t.id) },
        });
      }
    };
    blame(slow, (t) => t.responseTimeRootCauses, K.traceLatencyRootCause, 'time', 'the response time on', p.minTraces);
    blame(slow, (t) => t.responseTimeOnWire, K.networkGap, 'wire', 'the response time on the network path to', p.minTraces);
    blame(faulty, (t) => t.faultRootCauses, K.traceFaultRootCause, 'fault', 'the faults on', p.minTraces);

    // Measure it on full traces: client time vs. server time of each call.
    if (traces.segments && p.sampleTraces > 0 && slow.length) {
      const sample = [...slow].sort((a, b) => b.responseTimeSeconds - a.responseTimeSeconds).slice(0, p.sampleTraces);
      const timings: { service: string; client: number; server: number }[] = [];
      for (const t of sample) {
        const segments = await gather(ctx, 'traces', () => traces.segments!(t.id, { signal: ctx.signal }), gaps);
        if (segments) timings.push(...callTimings(segments));
      }
      const byService = new Map<string, { client: number[]; server: number[] }>();
      for (const t of timings) {
        const g = byService.get(t.service) ?? { client: [], server: [] };
        g.client.push(t.client);
        g.server.push(t.server);
        byService.set(t.service, g);
      }
      for (const [service, g] of byService) {
        const client = median(g.client);
        const server = median(g.server);
        const gap = client - server;
        out.gaps.push({ service, medianClientSeconds: client, medianServerSeconds: server, medianGapSeconds: gap });
        if (g.client.length < 2) continue;
        const detail = `calls to ${service}: callers waited ${client.toFixed(3)} s (median of ${g.client.length}), ${service} worked ${server.toFixed(3)} s`;
        if (gap >= Math.max(0.15, p.slowSeconds * 0.3) && gap > server) {
          record({ source: 'traces', kind: K.networkGap, severity: 'critical', subject: subject(service), observedAt: firstOf(sample), query: `BatchGetTraces ${sample.map((t) => t.id).slice(0, 3).join(', ')}...`, summary: `${detail}: ${gap.toFixed(3)} s lost between them (network)`, data: { medianClientSeconds: client, medianServerSeconds: server, medianGapSeconds: gap, calls: g.client.length } });
        } else if (server >= p.slowSeconds * 0.6 && server >= gap * 2) {
          record({ source: 'traces', kind: K.slowService, severity: 'warning', subject: subject(service), observedAt: firstOf(sample), query: `BatchGetTraces ${sample.map((t) => t.id).slice(0, 3).join(', ')}...`, summary: `${detail}: the service itself is slow`, data: { medianClientSeconds: client, medianServerSeconds: server, medianGapSeconds: gap, calls: g.client.length } });
        }
      }
    }
    return out;
  },
});
