/**
 * X-Ray segment documents (the JSON BatchGetTraces returns as strings), rendered on demand from the
 * recorded spans: one document per service segment with its subsegments nested, and the inferred
 * segments X-Ray makes for AWS resources, databases and unreachable hosts from the client subsegments.
 */
import { createHash } from 'node:crypto';
import { allSpans, serviceSegments, type RecordedTrace, type Span } from './spans.js';
import type { WireTrace } from './wire.js';

export interface DocumentOptions {
  clusterName: string;
}

type Document = Record<string, unknown>;

/** Epoch seconds with microseconds, as the SDKs write them. */
export function seconds(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}

export function traceDocuments(trace: RecordedTrace, options: DocumentOptions): WireTrace {
  const segments: { Id: string; Document: string }[] = [];
  for (const segment of serviceSegments(trace.root)) {
    segments.push({ Id: segment.id, Document: JSON.stringify(segmentDocument(trace, segment, options)) });
  }
  for (const span of allSpans(trace.root)) {
    if (span.inferredId) segments.push({ Id: span.inferredId, Document: JSON.stringify(inferredDocument(trace, span)) });
  }
  return { Id: trace.id, Duration: seconds(trace.end - trace.start), LimitExceeded: false, Segments: segments };
}

/** The parent subsegment of each callee segment (the client call that reached it). */
function parentOf(root: Span): Map<Span, Span> {
  const parents = new Map<Span, Span>();
  for (const span of allSpans(root)) if (span.callee) parents.set(span.callee, span);
  return parents;
}

export function segmentDocument(trace: RecordedTrace, segment: Span, options: DocumentOptions): Document {
  const server = segment.server!;
  const parent = segment === trace.root ? undefined : parentOf(trace.root).get(segment);
  const doc: Document = {
    id: segment.id,
    name: segment.name,
    start_time: seconds(segment.start),
    end_time: seconds(segment.end),
    trace_id: trace.id,
  };
  if (parent) doc.parent_id = parent.id;
  doc.origin = server.origin;
  const request: Document = { method: segment.request?.method, url: segment.request?.url, client_ip: segment.request?.clientIp };
  if (segment.request?.userAgent) request.user_agent = segment.request.userAgent;
  doc.http = { request, response: { status: segment.status, content_length: segment.responseBytes ?? 0 } };
  doc.aws = {
    eks: { cluster_name: options.clusterName, pod: server.pod, container_id: server.containerId },
    xray: { ...server.sdk, auto_instrumentation: false },
  };
  if (segment.annotations && Object.keys(segment.annotations).length) doc.annotations = segment.annotations;
  if (segment.user) doc.user = segment.user;
  Object.assign(doc, flags(segment), cause(segment));
  if (segment.subsegments.length) doc.subsegments = segment.subsegments.map(subsegmentDocument);
  return doc;
}

function subsegmentDocument(span: Span): Document {
  const doc: Document = { id: span.id, name: span.name, start_time: seconds(span.start), end_time: seconds(span.end) };
  const response: Document = {};
  if (span.status !== undefined) response.status = span.status;
  switch (span.kind) {
    case 'http':
      doc.namespace = 'remote';
      // A call that timed out or was refused got no response to record.
      doc.http = { request: { method: span.request?.method, url: span.request?.url }, ...(span.status !== undefined ? { response } : {}) };
      break;
    case 'aws':
      doc.namespace = 'aws';
      doc.http = { response };
      doc.aws = { ...span.resource?.aws, request_id: requestId(span.id) };
      break;
    case 'sql':
      doc.namespace = 'remote';
      doc.sql = span.resource?.sql;
      break;
    case 'segment':
      break;
  }
  Object.assign(doc, flags(span), cause(span));
  return doc;
}

/** What X-Ray infers for a call into something that sends no segments of its own. */
function inferredDocument(trace: RecordedTrace, span: Span): Document {
  const doc: Document = {
    id: span.inferredId,
    name: span.resource?.name ?? span.host ?? span.name,
    start_time: seconds(span.start),
    end_time: seconds(span.end),
    parent_id: span.id,
    inferred: true,
    trace_id: trace.id,
  };
  if (span.resource) doc.origin = span.resource.type;
  if (span.resource?.aws) doc.aws = { ...span.resource.aws, request_id: requestId(span.id) };
  if (span.status !== undefined) doc.http = { response: { status: span.status } };
  Object.assign(doc, flags(span));
  return doc;
}

function flags(span: Span): Document {
  const out: Document = {};
  if (span.fault) out.fault = true;
  if (span.error) out.error = true;
  if (span.throttle) out.throttle = true;
  return out;
}

function cause(span: Span): Document {
  if (!span.exception) return {};
  const { id, type, message, remote } = span.exception;
  const exception: Document = { id, type, message };
  if (remote) exception.remote = true;
  return { cause: { working_directory: '/app', exceptions: [exception] } };
}

/** AWS request ids look random but must stay the same every time a trace is read. */
function requestId(spanId: string): string {
  return createHash('sha256').update(spanId).digest('hex').slice(0, 32).toUpperCase().replace(/^(.{8})(.{4})(.{4})(.{4})/, '$1-$2-$3-$4-');
}
