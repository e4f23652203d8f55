/**
 * The recorded shape of a trace: a tree of spans (service segments and their subsegments) with
 * absolute times in epoch seconds. Documents, summaries, root causes and filters are all derived from
 * it; pod and resource descriptions are shared objects, so a trace costs little more than its timings.
 */

/** Where a service segment ran: shared by every trace that pod served. */
export interface ServerInfo {
  service: string;
  /** Segment origin, e.g. `AWS::EKS::Container`. */
  origin: string;
  namespace: string;
  pod: string;
  node: string;
  podIP: string;
  containerId: string;
  sdk: { sdk: string; sdk_version: string };
  /** Host name other pods use to reach it (`<svc>.<ns>.svc.cluster.local`). */
  host: string;
  /** The annotations every segment of this pod carries. */
  annotations: Readonly<Record<string, string>>;
}

/** An AWS resource or database a service calls: shared by all traces. */
export interface ResourceInfo {
  /** Node name in the service graph and of the inferred segment (table name, queue name, db@host). */
  name: string;
  /** Service graph type / inferred segment origin, e.g. `AWS::DynamoDB::Table`, `Database::SQL`. */
  type: string;
  /** Subsegment name as the SDKs write it (`DynamoDB`, `SQS`, `adoptions@host`). */
  subsegmentName: string;
  namespace: 'aws' | 'remote';
  operation: string;
  /** `aws` block of the subsegment (operation, table_name, queue_url, region, ...). */
  aws?: Record<string, unknown>;
  /** `sql` block of the subsegment. */
  sql?: Record<string, unknown>;
  /** HTTP endpoint the SDK called (AWS services) for the subsegment's `http.request.url`. */
  url?: string;
  method?: string;
}

export interface SpanRequest {
  method: string;
  url: string;
  userAgent?: string;
  clientIp?: string;
}

export interface SpanException {
  id: string;
  type: string;
  message: string;
  /** The exception came from a downstream call (X-Ray's `remote`). */
  remote?: boolean;
}

export type SpanKind = 'segment' | 'http' | 'aws' | 'sql';

export interface Span {
  kind: SpanKind;
  id: string;
  name: string;
  start: number;
  end: number;
  /** HTTP status; undefined when no response came back (timeouts, refused connections). */
  status?: number;
  fault: boolean;
  error: boolean;
  throttle: boolean;
  exception?: SpanException;
  /** Segment: its subsegments (assign a new array; never push to the shared empty one). */
  subsegments: Span[];
  /** Segment: where it ran. */
  server?: ServerInfo;
  /** Segment and http subsegment: the request (shared between spans; never mutate). */
  request?: SpanRequest;
  responseBytes?: number;
  /** Shared with other spans when they are the server's own (never mutate; replace). */
  annotations?: Readonly<Record<string, string | number | boolean>>;
  user?: string;
  /** http subsegment: the server segment it reached (absent when the service was unreachable). */
  callee?: Span;
  /** aws/sql subsegment, or http without callee: the resource X-Ray infers a node for. */
  resource?: ResourceInfo;
  /** Id of the inferred segment X-Ray makes for `resource` (or an unreachable remote host). */
  inferredId?: string;
  /** http subsegment: the callee host (the inferred node's name when there is no callee). */
  host?: string;
}

export interface RecordedTrace {
  id: string;
  root: Span;
  /** Earliest start and latest end over all spans (epoch seconds). */
  start: number;
  end: number;
  /** Kept because the head sampler chose it (false: kept as an error/fault/slow example). */
  headSampled: boolean;
}

const requests = new Map<string, SpanRequest>();
const MAX_SHARED_REQUESTS = 4096;

/**
 * The request of a span, shared by every span with the same one: a trace holds references to a few
 * hundred distinct requests instead of its own copies of URLs and addresses.
 */
export function sharedRequest(method: string, url: string, clientIp?: string, userAgent?: string): SpanRequest {
  const key = `${method} ${url} ${clientIp ?? ''} ${userAgent ?? ''}`;
  let request = requests.get(key);
  if (!request) {
    if (requests.size >= MAX_SHARED_REQUESTS) requests.clear();
    requests.set(key, (request = Object.freeze({ method, url, clientIp, userAgent })));
  }
  return request;
}

/** Every span has every field, so they all share one compact object layout. */
export function emptySpan(kind: SpanKind, name: string): Span {
  return {
    kind,
    id: '',
    name,
    start: 0,
    end: 0,
    status: undefined,
    fault: false,
    error: false,
    throttle: false,
    exception: undefined,
    subsegments: NO_SUBSEGMENTS,
    server: undefined,
    request: undefined,
    responseBytes: undefined,
    annotations: undefined,
    user: undefined,
    callee: undefined,
    resource: undefined,
    inferredId: undefined,
    host: undefined,
  };
}

/** Shared by all spans without subsegments (replaced, never pushed to). */
const NO_SUBSEGMENTS: Span[] = [];

/** Every service segment of a trace, root first, callers before callees. */
export function serviceSegments(root: Span): Span[] {
  const out: Span[] = [];
  const visit = (segment: Span) => {
    out.push(segment);
    for (const sub of segment.subsegments) if (sub.callee) visit(sub.callee);
  };
  visit(root);
  return out;
}

/** Every span (segments and subsegments, depth first). */
export function allSpans(root: Span): Span[] {
  const out: Span[] = [];
  const visit = (span: Span) => {
    out.push(span);
    for (const sub of span.subsegments) visit(sub);
    if (span.callee) visit(span.callee);
  };
  visit(root);
  return out;
}

export function duration(span: Span): number {
  return span.end - span.start;
}

/** Moves a span tree built on relative times by `offset` seconds. */
export function shift(span: Span, offset: number): void {
  span.start += offset;
  span.end += offset;
  for (const sub of span.subsegments) shift(sub, offset);
  if (span.callee) shift(span.callee, offset);
}

/** Status flags as X-Ray sets them from an HTTP status. */
export function flagsFor(status: number | undefined): { fault: boolean; error: boolean; throttle: boolean } {
  if (status === undefined) return { fault: false, error: false, throttle: false };
  return { fault: status >= 500, error: status >= 400 && status < 500, throttle: status === 429 };
}
