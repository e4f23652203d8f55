/**
 * Trace evidence from AWS X-Ray (@aws-sdk/client-xray): trace summaries with filter expressions and
 * X-Ray's own root-cause fields (where the response time, the faults and the errors came from), the
 * segments of a trace (server segment vs. the caller's client subsegment, whose difference is time on
 * the wire) and the service graph as caller -> callee edges. On the local target the same client talks
 * to the simulation's X-Ray subset through an endpoint override.
 *
 * X-Ray throttles at a few transactions per second per account: calls go through a token bucket and
 * the SDK retries `ThrottledException` with back-off (its standard retry mode); pagination stops at the
 * caller's limit.
 */
import { BatchGetTracesCommand, GetServiceGraphCommand, GetTraceSummariesCommand, XRayClient, type ErrorRootCause, type FaultRootCause, type ResponseTimeRootCause, type TraceSummary } from '@aws-sdk/client-xray';
import type { ServiceEdge, TraceEvidence, TraceSegment, TraceSummaryLite } from '../ports.js';
import { RateLimit } from '../../lib/platform/rate-limit.js';
import { awsClientConfig, classifyAwsError } from './aws-errors.js';
import { resilientCall } from './resilience.js';
import { defineEvidenceSource } from './source.js';

export interface XRayEvidenceOptions {
  /** A client built elsewhere (tests); otherwise `xrayClient(options)`. */
  client?: XRayClient;
  region?: string;
  /** e.g. the local target's URL (local-cluster status: xrayUrl). */
  endpoint?: string;
  ratePerSecond?: number;
  /** Most summary pages read per call (each page is up to 100 traces on AWS). */
  maxPages?: number;
}

/** The X-Ray client the adapter uses: the SDK's standard retries; the local target needs no credentials. */
export function xrayClient(options: { region?: string; endpoint?: string; maxAttempts?: number } = {}): XRayClient {
  return new XRayClient({
    ...awsClientConfig(options.region ?? process.env.AWS_REGION ?? 'us-west-2', options.maxAttempts),
    ...(options.endpoint ? { endpoint: options.endpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } } : {}),
  });
}

export const tracesSource = defineEvidenceSource({
  id: 'traces',
  description: 'AWS X-Ray (or the local target\'s X-Ray subset): trace summaries, segments, the service graph',
  configKeys: ['xrayEndpoint', 'region'],
  readBy: ['traces'],
  create: ({ xrayEndpoint, region }) => (xrayEndpoint || region ? new XRayEvidence({ ...(xrayEndpoint ? { endpoint: xrayEndpoint } : {}), ...(region ? { region } : {}) }) : undefined),
});

export class XRayEvidence implements TraceEvidence {
  private readonly client: XRayClient;
  private readonly limiter: RateLimit;

  constructor(private readonly options: XRayEvidenceOptions = {}) {
    this.client = options.client ?? xrayClient(options);
    this.limiter = new RateLimit(options.ratePerSecond ?? 5, 5);
  }

  async summaries(options: { start: number; end: number; filter?: string; limit?: number; signal?: AbortSignal }): Promise<TraceSummaryLite[]> {
    const limit = options.limit ?? 200;
    const out: TraceSummaryLite[] = [];
    let token: string | undefined;
    for (let page = 0; page < (this.options.maxPages ?? 5) && out.length < limit; page++) {
      const answer = await this.call(
        `GetTraceSummaries${options.filter ? ` (${options.filter})` : ''}`,
        (signal) =>
          this.client.send(
            new GetTraceSummariesCommand({
              StartTime: new Date(options.start * 1000),
              EndTime: new Date(options.end * 1000),
              Sampling: false,
              ...(options.filter ? { FilterExpression: options.filter } : {}),
              ...(token ? { NextToken: token } : {}),
            }),
            { abortSignal: signal },
          ),
        options.signal,
      );
      out.push(...(answer.TraceSummaries ?? []).map(summaryLite));
      token = answer.NextToken;
      if (!token) break;
    }
    return out.slice(0, limit);
  }

  async serviceGraph(options: { start: number; end: number; signal?: AbortSignal }): Promise<ServiceEdge[]> {
    const edges: ServiceEdge[] = [];
    let token: string | undefined;
    const names = new Map<number, string>();
    const pending: { from: string; to: number; stats: EdgeStats }[] = [];
    for (let page = 0; page < 5; page++) {
      const answer = await this.call(
        'GetServiceGraph',
        (signal) => this.client.send(new GetServiceGraphCommand({ StartTime: new Date(options.start * 1000), EndTime: new Date(options.end * 1000), ...(token ? { NextToken: token } : {}) }), { abortSignal: signal }),
        options.signal,
      );
      for (const service of answer.Services ?? []) {
        if (service.ReferenceId !== undefined) names.set(service.ReferenceId, service.Name ?? service.Names?.[0] ?? `ref-${service.ReferenceId}`);
        for (const edge of service.Edges ?? []) {
          if (edge.ReferenceId !== undefined) pending.push({ from: service.Name ?? '', to: edge.ReferenceId, stats: edge.SummaryStatistics ?? {} });
        }
      }
      token = answer.NextToken;
      if (!token) break;
    }
    for (const p of pending) {
      const total = p.stats.TotalCount ?? 0;
      edges.push({
        from: p.from,
        to: names.get(p.to) ?? `ref-${p.to}`,
        requests: total,
        errors: p.stats.ErrorStatistics?.TotalCount ?? 0,
        faults: p.stats.FaultStatistics?.TotalCount ?? 0,
        averageSeconds: total > 0 ? (p.stats.TotalResponseTime ?? 0) / total : 0,
      });
    }
    return edges;
  }

  async segments(traceId: string, options: { signal?: AbortSignal } = {}): Promise<TraceSegment[]> {
    const answer = await this.call(`BatchGetTraces ${traceId}`, (signal) => this.client.send(new BatchGetTracesCommand({ TraceIds: [traceId] }), { abortSignal: signal }), options.signal);
    const trace = answer.Traces?.[0];
    if (!trace) return [];
    return (trace.Segments ?? []).flatMap((s) => (s.Document ? flattenSegment(JSON.parse(s.Document) as SegmentDocument) : []));
  }

  private call<T>(operation: string, call: (signal: AbortSignal) => Promise<T>, signal?: AbortSignal): Promise<T> {
    // The SDK retries (and times out its requests); one attempt here, under our rate limit.
    return resilientCall(operation, call, { source: 'traces', classify: classifyAwsError('X-Ray'), limiter: this.limiter, policy: { maxAttempts: 1, attemptTimeoutMs: 0 } }, signal);
  }
}

interface EdgeStats {
  TotalCount?: number;
  TotalResponseTime?: number;
  ErrorStatistics?: { TotalCount?: number };
  FaultStatistics?: { TotalCount?: number };
}

/** "petsearch.petadoptions.svc.cluster.local" -> "petsearch"; other names stay as they are. */
export function serviceOfHost(name: string): string {
  return /\.svc(\.cluster\.local)?$/.test(name) ? name.split('.')[0]! : name;
}

/** The service each root cause ends in: where the time (or the fault) was spent. */
type RootCause = ResponseTimeRootCause | FaultRootCause | ErrorRootCause;

function culprits(causes: RootCause[] | undefined): { services: string[]; onWire: string[] } {
  const services = new Set<string>();
  const onWire = new Set<string>();
  for (const cause of causes ?? []) {
    const path = cause.Services ?? [];
    const last = [...path].reverse().find((s) => !s.Inferred) ?? path[path.length - 1];
    if (!last) continue;
    const entities = last.EntityPath ?? [];
    const end = entities[entities.length - 1];
    // A path ending on a client call (remote entity) inside the caller: the callee was fast, the wire was not.
    if (end?.Remote && entities.length > 1) onWire.add(serviceOfHost(end.Name ?? ''));
    else if (last.Name) services.add(serviceOfHost(last.Name));
  }
  return { services: [...services], onWire: [...onWire] };
}

export function summaryLite(s: TraceSummary): TraceSummaryLite {
  const time = culprits(s.ResponseTimeRootCauses);
  const faults = culprits([...(s.FaultRootCauses ?? []), ...(s.ErrorRootCauses ?? [])]);
  const lite: TraceSummaryLite = {
    id: s.Id ?? '',
    durationSeconds: s.Duration ?? 0,
    responseTimeSeconds: s.ResponseTime ?? s.Duration ?? 0,
    hasFault: s.HasFault ?? false,
    hasError: s.HasError ?? false,
    responseTimeRootCauses: time.services,
    faultRootCauses: [...faults.services, ...faults.onWire],
  };
  if (time.onWire.length) lite.responseTimeOnWire = time.onWire;
  if (s.EntryPoint?.Name) lite.entryPoint = s.EntryPoint.Name;
  if (s.Http?.HttpURL) lite.url = s.Http.HttpURL;
  if (s.Http?.HttpStatus !== undefined) lite.status = s.Http.HttpStatus;
  const start = (s as { StartTime?: Date | number }).StartTime;
  if (start !== undefined) lite.startTime = start instanceof Date ? start.getTime() / 1000 : start;
  return lite;
}

interface SegmentDocument {
  id: string;
  name: string;
  start_time: number;
  end_time?: number;
  parent_id?: string;
  namespace?: string;
  inferred?: boolean;
  fault?: boolean;
  error?: boolean;
  subsegments?: SegmentDocument[];
}

/** A segment document and its nested subsegments as flat rows, each subsegment owned by its segment's service. */
export function flattenSegment(doc: SegmentDocument, service = doc.name, parent = doc.parent_id): TraceSegment[] {
  if (doc.inferred) return [];
  const row: TraceSegment = { id: doc.id, service, name: doc.name, start: doc.start_time, end: doc.end_time ?? doc.start_time };
  if (parent) row.parent = parent;
  if (doc.namespace === 'remote' || doc.namespace === 'aws') row.remote = true;
  if (doc.fault) row.fault = true;
  if (doc.error) row.error = true;
  return [row, ...(doc.subsegments ?? []).flatMap((sub) => flattenSegment(sub, service, doc.id))];
}
