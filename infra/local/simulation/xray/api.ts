/**
 * The X-Ray API subset over HTTP, in the REST-JSON protocol `@aws-sdk/client-xray` speaks when only its
 * endpoint is overridden: POST /TraceSummaries (GetTraceSummaries), POST /Traces (BatchGetTraces),
 * POST /ServiceGraph (GetServiceGraph). Signatures are not checked (any credentials work). Errors are
 * X-Ray's: HTTP 400 with `x-amzn-ErrorType: InvalidRequestException` and `{"Message": ...}`, which the
 * SDK turns into `InvalidRequestException`. Other X-Ray operations answer the same way, naming what is
 * supported, instead of falling through to a 404 the SDK could not explain.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestHandler } from '../server.js';
import { traceDocuments } from './documents.js';
import { FilterExpressionError, parseFilterExpression } from './filter-expression.js';
import { isTraceId } from './ids.js';
import type { TraceRecorder } from './recorder.js';
import { InvalidNextToken, TraceQueries, type TimeRangeType } from './trace-queries.js';

/** GetTraceSummaries refuses ranges longer than a day. */
const MAX_SUMMARY_RANGE_SECONDS = 24 * 3600;
/**
 * GetServiceGraph ranges are held to 6 hours, the limit the X-Ray console documents; a client that
 * stays within it here also stays within what the real service answers.
 */
const MAX_GRAPH_RANGE_SECONDS = 6 * 3600;
const MAX_TRACE_IDS = 5;
const MAX_BODY_BYTES = 1 << 20;
const MAX_FILTER_LENGTH = 2000;
const TIME_RANGE_TYPES: TimeRangeType[] = ['TraceId', 'Event', 'Service'];

const SUPPORTED = 'GetTraceSummaries, BatchGetTraces and GetServiceGraph';
const OTHER_OPERATIONS: Record<string, string> = {
  '/CancelTraceRetrieval': 'CancelTraceRetrieval',
  '/CreateGroup': 'CreateGroup',
  '/CreateSamplingRule': 'CreateSamplingRule',
  '/DeleteGroup': 'DeleteGroup',
  '/DeleteResourcePolicy': 'DeleteResourcePolicy',
  '/DeleteSamplingRule': 'DeleteSamplingRule',
  '/EncryptionConfig': 'GetEncryptionConfig',
  '/GetGroup': 'GetGroup',
  '/Groups': 'GetGroups',
  '/GetIndexingRules': 'GetIndexingRules',
  '/Insight': 'GetInsight',
  '/InsightEvents': 'GetInsightEvents',
  '/InsightImpactGraph': 'GetInsightImpactGraph',
  '/InsightSummaries': 'GetInsightSummaries',
  '/GetRetrievedTracesGraph': 'GetRetrievedTracesGraph',
  '/GetSamplingRules': 'GetSamplingRules',
  '/SamplingStatisticSummaries': 'GetSamplingStatisticSummaries',
  '/SamplingTargets': 'GetSamplingTargets',
  '/TimeSeriesServiceStatistics': 'GetTimeSeriesServiceStatistics',
  '/TraceGraph': 'GetTraceGraph',
  '/GetTraceSegmentDestination': 'GetTraceSegmentDestination',
  '/ListResourcePolicies': 'ListResourcePolicies',
  '/ListRetrievedTraces': 'ListRetrievedTraces',
  '/ListTagsForResource': 'ListTagsForResource',
  '/PutEncryptionConfig': 'PutEncryptionConfig',
  '/PutResourcePolicy': 'PutResourcePolicy',
  '/TelemetryRecords': 'PutTelemetryRecords',
  '/TraceSegments': 'PutTraceSegments',
  '/StartTraceRetrieval': 'StartTraceRetrieval',
  '/TagResource': 'TagResource',
  '/UntagResource': 'UntagResource',
  '/UpdateGroup': 'UpdateGroup',
  '/UpdateIndexingRule': 'UpdateIndexingRule',
  '/UpdateSamplingRule': 'UpdateSamplingRule',
  '/UpdateTraceSegmentDestination': 'UpdateTraceSegmentDestination',
};

class InvalidRequest extends Error {}

type Body = Record<string, unknown>;
type Operation = (body: Body) => unknown;

export interface XRayApiOptions {
  /** Summaries per GetTraceSummaries page. */
  pageSize?: number;
}

export function createXRayApi(recorder: TraceRecorder, options: XRayApiOptions = {}): RequestHandler {
  const queries = new TraceQueries(recorder, options.pageSize ?? 100);
  const operations: Record<string, Operation> = {
    '/TraceSummaries': (body) => getTraceSummaries(queries, body),
    '/Traces': (body) => batchGetTraces(recorder, body),
    '/ServiceGraph': (body) => getServiceGraph(recorder, body),
  };
  return (req, res) => {
    if (req.method !== 'POST') return false;
    const path = new URL(req.url ?? '/', 'http://local').pathname;
    const operation = operations[path];
    const other = OTHER_OPERATIONS[path];
    if (!operation && !other) return false;
    readBody(req)
      .then((text) => {
        if (other) throw new InvalidRequest(`${other} is not part of the local X-Ray API subset (it serves ${SUPPORTED}).`);
        sendJson(res, 200, operation!(parseBody(text)));
      })
      .catch((error: unknown) => {
        if (error instanceof InvalidRequest) return sendError(res, 400, 'InvalidRequestException', error.message);
        sendError(res, 500, 'InternalFailure', `The local X-Ray API failed: ${(error as Error).message}`);
      });
    return true;
  };
}

function getTraceSummaries(queries: TraceQueries, body: Body) {
  const { start, end } = timeRange(body, MAX_SUMMARY_RANGE_SECONDS, '24 hours');
  const timeRangeType = (optionalString(body, 'TimeRangeType') ?? 'TraceId') as TimeRangeType;
  if (!TIME_RANGE_TYPES.includes(timeRangeType)) throw new InvalidRequest(`1 validation error detected: Value '${timeRangeType}' at 'timeRangeType' failed to satisfy constraint: Member must satisfy enum value set: [${TIME_RANGE_TYPES.join(', ')}]`);
  const filterText = optionalString(body, 'FilterExpression') ?? '';
  if (filterText.length > MAX_FILTER_LENGTH) throw new InvalidRequest(`1 validation error detected: Value at 'filterExpression' failed to satisfy constraint: Member must have length less than or equal to ${MAX_FILTER_LENGTH}`);
  let filter;
  try {
    filter = parseFilterExpression(filterText);
  } catch (error) {
    if (error instanceof FilterExpressionError) throw new InvalidRequest(`Invalid filter expression "${filterText}": ${error.message}`);
    throw error;
  }
  const samplingRate = body.Sampling === true ? samplingRateOf(body.SamplingStrategy) : undefined;
  const nextToken = optionalString(body, 'NextToken');
  let page;
  try {
    page = queries.page({ start, end, timeRangeType, filterText, filter, samplingRate }, nextToken || undefined);
  } catch (error) {
    if (error instanceof InvalidNextToken) throw new InvalidRequest(error.message);
    throw error;
  }
  return {
    TraceSummaries: page.summaries,
    ApproximateTime: page.approximateTime,
    TracesProcessedCount: page.processed,
    ...(page.nextToken ? { NextToken: page.nextToken } : {}),
  };
}

function batchGetTraces(recorder: TraceRecorder, body: Body) {
  const ids = body.TraceIds;
  if (ids === undefined || ids === null) throw new InvalidRequest("1 validation error detected: Value null at 'traceIds' failed to satisfy constraint: Member must not be null");
  if (!Array.isArray(ids) || ids.some((id) => typeof id !== 'string')) throw new InvalidRequest('TraceIds must be a list of trace id strings.');
  if (ids.length > MAX_TRACE_IDS) throw new InvalidRequest(`1 validation error detected: Value '[${ids.join(', ')}]' at 'traceIds' failed to satisfy constraint: Member must have length less than or equal to ${MAX_TRACE_IDS}`);
  const traces = [];
  const unprocessed: string[] = [];
  for (const id of ids as string[]) {
    if (!isTraceId(id)) {
      unprocessed.push(id);
      continue;
    }
    // Unknown or expired traces are simply absent, as with X-Ray past its retention.
    const trace = recorder.get(id);
    if (trace) traces.push(traceDocuments(trace, { clusterName: recorder.clusterName }));
  }
  return { Traces: traces, UnprocessedTraceIds: unprocessed };
}

function getServiceGraph(recorder: TraceRecorder, body: Body) {
  const { start, end } = timeRange(body, MAX_GRAPH_RANGE_SECONDS, '6 hours');
  const group = optionalString(body, 'GroupName') ?? optionalString(body, 'GroupARN')?.split('/').pop();
  if (group !== undefined && group !== 'Default') throw new InvalidRequest(`Group ${group} not found: the local X-Ray API has only the Default group.`);
  return {
    StartTime: start,
    EndTime: end,
    Services: recorder.serviceGraph(start * 1000, end * 1000),
    ContainsOldGroupVersions: false,
  };
}

function timeRange(body: Body, maxSeconds: number, maxText: string): { start: number; end: number } {
  const start = epochSeconds(body, 'StartTime');
  const end = epochSeconds(body, 'EndTime');
  if (end < start) throw new InvalidRequest(`EndTime (${end}) must not be before StartTime (${start}).`);
  if (end - start > maxSeconds) throw new InvalidRequest(`The time range between StartTime and EndTime must not exceed ${maxText} (it is ${((end - start) / 3600).toFixed(1)} hours).`);
  return { start, end };
}

function epochSeconds(body: Body, member: string): number {
  const value = body[member];
  const field = member[0]!.toLowerCase() + member.slice(1);
  if (value === undefined || value === null) throw new InvalidRequest(`1 validation error detected: Value null at '${field}' failed to satisfy constraint: Member must not be null`);
  // The SDK sends epoch seconds; accept ISO strings too, as a hand-written request might.
  const seconds = typeof value === 'number' ? value : typeof value === 'string' ? Date.parse(value) / 1000 : Number.NaN;
  if (!Number.isFinite(seconds)) throw new InvalidRequest(`${member} must be a timestamp in epoch seconds (got ${JSON.stringify(value)}).`);
  return seconds;
}

function optionalString(body: Body, member: string): string | undefined {
  const value = body[member];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new InvalidRequest(`${member} must be a string (got ${JSON.stringify(value)}).`);
  return value;
}

/**
 * `Sampling: true` returns a stable subset of the matches: `SamplingStrategy.Value` of them (FixedRate
 * and PartialScan alike), a tenth without a strategy. The service documents no default; a tenth keeps
 * a large window quick to page through.
 */
function samplingRateOf(strategy: unknown): number {
  if (strategy === undefined || strategy === null) return 0.1;
  const { Name, Value } = strategy as { Name?: unknown; Value?: unknown };
  if (Name !== 'PartialScan' && Name !== 'FixedRate') throw new InvalidRequest(`1 validation error detected: Value '${String(Name)}' at 'samplingStrategy.name' failed to satisfy constraint: Member must satisfy enum value set: [PartialScan, FixedRate]`);
  const rate = typeof Value === 'number' ? Value : 0.1;
  if (!(rate > 0 && rate <= 1)) throw new InvalidRequest(`SamplingStrategy.Value must be a fraction in (0, 1] (got ${String(Value)}).`);
  return rate;
}

function parseBody(text: string): Body {
  if (text.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new InvalidRequest(`The request body is not valid JSON: ${(error as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new InvalidRequest('The request body must be a JSON object.');
  return parsed as Body;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      // Keep draining an oversized body so the error response can still be written.
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on('end', () => {
      if (size > MAX_BODY_BYTES) reject(new InvalidRequest(`The request body is larger than ${MAX_BODY_BYTES} bytes.`));
      else resolve(Buffer.concat(chunks).toString('utf8'));
    });
    req.on('error', reject);
  });
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text), 'x-amzn-RequestId': randomUUID(), ...headers });
  res.end(text);
}

function sendError(res: ServerResponse, status: number, type: string, message: string): void {
  if (res.headersSent) return void res.end();
  sendJson(res, status, { Message: message }, { 'x-amzn-ErrorType': type });
}
