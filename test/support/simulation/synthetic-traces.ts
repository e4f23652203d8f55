/**
 * Hand-built traces for unit tests: a petsite request calling petsearch (which scans DynamoDB), with
 * knobs for the status codes and timings that filters and root-cause analysis look at.
 */
import { resourceCalls } from '../../../infra/local/simulation/xray/resources.js';
import { hostOf, EKS_ORIGIN } from '../../../infra/local/simulation/xray/servers.js';
import { emptySpan, flagsFor, type RecordedTrace, type ServerInfo, type Span } from '../../../infra/local/simulation/xray/spans.js';

export interface TraceShape {
  id?: string;
  /** Epoch seconds the request started. */
  start?: number;
  status?: number;
  /** Client subsegment around the petsearch call (relative seconds). */
  call?: { start: number; end: number; status?: number; fault?: boolean };
  /** petsearch's own segment (relative seconds). */
  callee?: { start: number; end: number; status?: number; exception?: string };
  rootEnd?: number;
  dynamo?: { start: number; end: number; throttle?: boolean };
  annotations?: Record<string, string | number | boolean>;
}

function server(service: string): ServerInfo {
  return { service, origin: EKS_ORIGIN, namespace: 'petadoptions', pod: `${service}-abc-12345`, node: 'ip-192-168-1-1.us-west-2.compute.internal', podIP: '192.168.1.10', containerId: 'c'.repeat(64), sdk: { sdk: 'X-Ray for Go', sdk_version: '1.8.3' }, host: hostOf(service, 'petadoptions'), annotations: { pod: `${service}-abc-12345` } };
}

let counter = 0;
const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');

export function syntheticTrace(shape: TraceShape = {}): RecordedTrace {
  const t0 = shape.start ?? 1_795_626_000;
  const id = (n: number) => hex(++counter * 16 + n, 16);
  const root = emptySpan('segment', 'petsite');
  root.server = server('petsite');
  root.id = id(1);
  root.start = t0;
  root.end = t0 + (shape.rootEnd ?? 1);
  root.status = shape.status ?? 200;
  Object.assign(root, flagsFor(root.status));
  root.request = { method: 'GET', url: 'http://petsite.petadoptions.svc.cluster.local/Search?selectedPetType=puppy', clientIp: '192.168.9.9', userAgent: 'test-agent' };
  root.annotations = { route: '/Search', pod: 'petsite-abc-12345', ...shape.annotations };
  root.user = 'user001';
  const call = shape.call ?? { start: 0.1, end: 0.9 };
  const http = emptySpan('http', hostOf('petsearch', 'petadoptions'));
  http.id = id(2);
  http.host = http.name;
  http.start = t0 + call.start;
  http.end = t0 + call.end;
  http.status = call.fault && call.status === undefined ? undefined : (call.status ?? 200);
  Object.assign(http, flagsFor(http.status));
  if (call.fault) http.fault = true;
  http.request = { method: 'GET', url: 'http://petsearch.petadoptions.svc.cluster.local/api/search' };
  const calleeShape = shape.callee ?? { start: 0.12, end: 0.3 };
  const callee = emptySpan('segment', 'petsearch');
  callee.server = server('petsearch');
  callee.id = id(3);
  callee.start = t0 + calleeShape.start;
  callee.end = t0 + calleeShape.end;
  callee.status = calleeShape.status ?? 200;
  Object.assign(callee, flagsFor(callee.status));
  if (calleeShape.exception) callee.exception = { id: id(4), type: calleeShape.exception, message: 'boom' };
  callee.annotations = { pod: 'petsearch-abc-12345' };
  const dynamoShape = shape.dynamo ?? { start: 0.15, end: 0.2 };
  const dynamo = emptySpan('aws', 'DynamoDB');
  dynamo.id = id(5);
  dynamo.inferredId = id(6);
  dynamo.resource = resourceCalls('petsearch', '/api/search')[0]!.resource;
  dynamo.start = t0 + dynamoShape.start;
  dynamo.end = t0 + dynamoShape.end;
  dynamo.status = dynamoShape.throttle ? 400 : 200;
  Object.assign(dynamo, flagsFor(dynamo.status));
  dynamo.throttle = Boolean(dynamoShape.throttle);
  callee.subsegments = [dynamo];
  http.callee = callee;
  root.subsegments = [http];
  const spans: Span[] = [root, http, callee, dynamo];
  return {
    id: shape.id ?? `1-${hex(Math.floor(t0), 8)}-${hex(counter, 24)}`,
    root,
    start: Math.min(...spans.map((s) => s.start)),
    end: Math.max(...spans.map((s) => s.end)),
    headSampled: true,
  };
}
