/**
 * X-Ray tracing of the workload, in X-Ray's own formats: the `X-Amzn-Trace-Id` header that carries a
 * trace between services, trace and segment ids, the default sampling rule (the first request each
 * second, then a fixed share), and segment documents with one client subsegment per downstream call.
 * A callee's segment names the caller's subsegment as its parent, which is how X-Ray draws the service
 * graph (petsite -> petsearch, ...).
 */
import { randomBytes } from 'node:crypto';

export const TRACE_HEADER = 'x-amzn-trace-id';
export const EKS_ORIGIN = 'AWS::EKS::Container';

/** What a request carries in `X-Amzn-Trace-Id`. */
export interface TraceContext {
  root: string;
  /** The caller's subsegment; absent at the entry service. */
  parent?: string;
  /** The caller's sampling decision; absent when the caller left it to us (`Sampled=?` or none). */
  sampled?: boolean;
}

const TRACE_ID = /^1-[0-9a-f]{8}-[0-9a-f]{24}$/;
const SEGMENT_ID = /^[0-9a-f]{16}$/;

/** `Root=1-...;Parent=...;Sampled=1` (fields in any order, unknown ones ignored); undefined when there is no valid root. */
export function parseTraceHeader(value: string | undefined): TraceContext | undefined {
  if (!value) return undefined;
  const fields = new Map<string, string>();
  for (const part of value.split(';')) {
    const at = part.indexOf('=');
    if (at > 0) fields.set(part.slice(0, at).trim().toLowerCase(), part.slice(at + 1).trim());
  }
  const root = fields.get('root');
  if (!root || !TRACE_ID.test(root)) return undefined;
  const parent = fields.get('parent');
  const sampled = fields.get('sampled');
  return {
    root,
    ...(parent && SEGMENT_ID.test(parent) ? { parent } : {}),
    ...(sampled === '1' ? { sampled: true } : sampled === '0' ? { sampled: false } : {}),
  };
}

export function formatTraceHeader(context: { root: string; parent?: string; sampled: boolean }): string {
  return `Root=${context.root}${context.parent ? `;Parent=${context.parent}` : ''};Sampled=${context.sampled ? 1 : 0}`;
}

/** `1-<epoch seconds, 8 hex>-<24 random hex>`, as the X-Ray SDKs make it. */
export function newTraceId(epochMs: number): string {
  return `1-${Math.floor(epochMs / 1000).toString(16).padStart(8, '0')}-${randomBytes(12).toString('hex')}`;
}

export function newSegmentId(): string {
  return randomBytes(8).toString('hex');
}

/**
 * X-Ray's default sampling rule, per process: a reservoir of one request each second, then `rate` of
 * the rest. The entry service decides; services downstream follow the decision in the header.
 */
export class Sampler {
  private second = -1;

  constructor(
    private readonly rate: number,
    private readonly random: () => number = Math.random,
  ) {}

  decide(epochMs: number): boolean {
    const second = Math.floor(epochMs / 1000);
    if (second !== this.second) {
      this.second = second;
      return true;
    }
    return this.random() < this.rate;
  }
}

export interface SegmentIdentity {
  service: string;
  clusterName: string;
  pod: string;
  sdkVersion: string;
}

export interface ClientCall {
  id: string;
  /** The callee service: X-Ray joins this subsegment to the callee's segment through its parent_id. */
  service: string;
  method: string;
  url: string;
  startMs: number;
  endMs: number;
  /** Absent when no response came back (timeout, connection refused). */
  status?: number;
  failure?: { type: string; message: string };
}

export interface ServedRequest {
  traceId: string;
  id: string;
  parentId?: string;
  method: string;
  url: string;
  clientIp?: string;
  userAgent?: string;
  startMs: number;
  endMs: number;
  status: number;
  contentLength: number;
  calls: ClientCall[];
  /** The service's own failure (not a downstream one). */
  failure?: { type: string; message: string };
}

type Document = Record<string, unknown>;

/** Epoch seconds with microseconds, as the SDKs write them. */
const seconds = (ms: number) => Math.round(ms * 1000) / 1e6;

/** The segment document of one served request, its downstream calls as subsegments. */
export function segmentDocument(identity: SegmentIdentity, request: ServedRequest): Document {
  const doc: Document = {
    name: identity.service,
    id: request.id,
    trace_id: request.traceId,
    start_time: seconds(request.startMs),
    end_time: seconds(request.endMs),
  };
  if (request.parentId) doc.parent_id = request.parentId;
  doc.origin = EKS_ORIGIN;
  const httpRequest: Document = { method: request.method, url: request.url };
  if (request.clientIp) httpRequest.client_ip = request.clientIp;
  if (request.userAgent) httpRequest.user_agent = request.userAgent;
  doc.http = { request: httpRequest, response: { status: request.status, content_length: request.contentLength } };
  doc.aws = { eks: { cluster_name: identity.clusterName, pod: identity.pod }, xray: { sdk: 'eks-incident-kit petadoption workload', sdk_version: identity.sdkVersion } };
  Object.assign(doc, statusFlags(request.status), cause(request.failure));
  if (request.calls.length) doc.subsegments = request.calls.map(subsegmentDocument);
  return doc;
}

function subsegmentDocument(call: ClientCall): Document {
  const doc: Document = {
    id: call.id,
    name: call.service,
    start_time: seconds(call.startMs),
    end_time: seconds(call.endMs),
    namespace: 'remote',
    // The callee is traced too: X-Ray links its segment here instead of inferring a node.
    traced: true,
    http: { request: { method: call.method, url: call.url }, ...(call.status !== undefined ? { response: { status: call.status } } : {}) },
  };
  Object.assign(doc, call.status !== undefined ? statusFlags(call.status) : { fault: true }, cause(call.failure, true));
  return doc;
}

function statusFlags(status: number): Document {
  if (status >= 500) return { fault: true };
  if (status === 429) return { error: true, throttle: true };
  if (status >= 400) return { error: true };
  return {};
}

function cause(failure: { type: string; message: string } | undefined, remote = false): Document {
  if (!failure) return {};
  return { cause: { working_directory: process.cwd(), exceptions: [{ id: newSegmentId(), type: failure.type, message: failure.message, ...(remote ? { remote: true } : {}) }] } };
}
