import { createSocket } from 'node:dgram';
import { once } from 'node:events';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseDaemonAddress, SegmentEmitter } from './xray-emitter.js';
import { formatTraceHeader, newSegmentId, newTraceId, parseTraceHeader, Sampler, segmentDocument, type ServedRequest } from './xray.js';

test('trace ids carry the start second and 24 random hex digits; segment ids are 16 hex digits', () => {
  const id = newTraceId(Date.UTC(2025, 0, 2, 3, 4, 5));
  assert.match(id, /^1-[0-9a-f]{8}-[0-9a-f]{24}$/);
  assert.is(parseInt(id.slice(2, 10), 16), Date.UTC(2025, 0, 2, 3, 4, 5) / 1000);
  assert.match(newSegmentId(), /^[0-9a-f]{16}$/);
  assert.is.not(newSegmentId(), newSegmentId());
});

test('the trace header round-trips, in any field order, and a header without a valid root is ignored', () => {
  const root = '1-5759e988-bd862e3fe1be46a994272793';
  const header = formatTraceHeader({ root, parent: '53995c3f42cd8ad8', sampled: true });
  assert.is(header, `Root=${root};Parent=53995c3f42cd8ad8;Sampled=1`);
  assert.equal(parseTraceHeader(header), { root, parent: '53995c3f42cd8ad8', sampled: true });
  assert.equal(parseTraceHeader(`Sampled=0; Self=1-abc; Root=${root}`), { root, sampled: false });
  assert.equal(parseTraceHeader(`Root=${root};Sampled=?`), { root });
  assert.is(parseTraceHeader('Root=not-a-trace;Sampled=1'), undefined);
  assert.is(parseTraceHeader(undefined), undefined);
});

test("sampling keeps the first request of each second, then the rule's share of the rest", () => {
  const draws = [0.01, 0.5, 0.04, 0.9];
  const sampler = new Sampler(0.05, () => draws.shift()!);
  assert.equal([sampler.decide(1_000), sampler.decide(1_100), sampler.decide(1_200), sampler.decide(1_300), sampler.decide(1_400)], [true, true, false, true, false]);
  assert.ok(sampler.decide(2_000), 'a new second has a new reservoir');
});

const identity = { service: 'petsite', clusterName: 'demo', pod: 'petsite-7d9f-abcde', sdkVersion: '0.1.0' };
const request = (over: Partial<ServedRequest> = {}): ServedRequest => ({
  traceId: '1-5759e988-bd862e3fe1be46a994272793',
  id: 'aaaaaaaaaaaaaaaa',
  method: 'GET',
  url: 'http://petsite/',
  startMs: 1_000_000,
  endMs: 1_000_123.4567,
  status: 200,
  contentLength: 10,
  calls: [],
  ...over,
});

test('a segment document names the service, its trace, times in seconds, the EKS pod and its calls as linked subsegments', () => {
  const doc = segmentDocument(identity, request({ parentId: 'bbbbbbbbbbbbbbbb', calls: [{ id: 'cccccccccccccccc', service: 'petsearch', method: 'GET', url: 'http://petsearch/api/search', startMs: 1_000_010, endMs: 1_000_100, status: 200 }] }));
  assert.equal(
    { name: doc.name, id: doc.id, trace_id: doc.trace_id, parent_id: doc.parent_id, start_time: doc.start_time, end_time: doc.end_time, origin: doc.origin, aws: doc.aws },
    { name: 'petsite', id: 'aaaaaaaaaaaaaaaa', trace_id: '1-5759e988-bd862e3fe1be46a994272793', parent_id: 'bbbbbbbbbbbbbbbb', start_time: 1000, end_time: 1000.123457, origin: 'AWS::EKS::Container', aws: { eks: { cluster_name: 'demo', pod: 'petsite-7d9f-abcde' }, xray: { sdk: 'eks-incident-kit petadoption workload', sdk_version: '0.1.0' } } },
  );
  assert.equal(doc.subsegments, [{ id: 'cccccccccccccccc', name: 'petsearch', start_time: 1000.01, end_time: 1000.1, namespace: 'remote', traced: true, http: { request: { method: 'GET', url: 'http://petsearch/api/search' }, response: { status: 200 } } }]);
  assert.not.ok('fault' in doc);
});

test('failures mark the segment and the call: 5xx is a fault, 4xx an error, a call with no answer a fault with its cause', () => {
  const failed = segmentDocument(identity, request({ status: 504, calls: [{ id: 'cccccccccccccccc', service: 'payforadoption', method: 'POST', url: 'http://p/api/completeadoption', startMs: 1, endMs: 2, failure: { type: 'System.Threading.Tasks.TaskCanceledException', message: 'timed out' } }] }));
  assert.is(failed.fault, true);
  const call = (failed.subsegments as Record<string, unknown>[])[0]!;
  assert.is(call.fault, true);
  assert.not.ok('response' in (call.http as object), 'no response was recorded for a call that got none');
  assert.equal(((call.cause as { exceptions: Record<string, unknown>[] }).exceptions[0]!), { id: ((call.cause as { exceptions: { id: string }[] }).exceptions[0]!).id, type: 'System.Threading.Tasks.TaskCanceledException', message: 'timed out', remote: true });
  assert.is(segmentDocument(identity, request({ status: 404 })).error, true);
  assert.equal(segmentDocument(identity, request({ status: 429 })).throttle, true);
});

test('the daemon address takes the SDK forms and refuses others', () => {
  assert.equal(parseDaemonAddress('127.0.0.1:2000'), { host: '127.0.0.1', port: 2000 });
  assert.equal(parseDaemonAddress('xray.observability.svc:2000'), { host: 'xray.observability.svc', port: 2000 });
  assert.equal(parseDaemonAddress('[::1]:3000'), { host: '::1', port: 3000 });
  assert.equal(parseDaemonAddress('tcp:10.0.0.1:2000 udp:10.0.0.2:2001'), { host: '10.0.0.2', port: 2001 });
  for (const bad of ['localhost', ':2000', 'host:0', 'host:99999', 'tcp:10.0.0.1:2000', '$(HOST_IP):2000']) assert.throws(() => parseDaemonAddress(bad), /HOST:PORT|udp/, bad);
});

test('the emitter sends one datagram per segment: the JSON header line, then the document', async () => {
  const daemon = createSocket('udp4');
  daemon.bind(0, '127.0.0.1');
  await once(daemon, 'listening');
  const emitter = new SegmentEmitter({ host: '127.0.0.1', port: daemon.address().port });
  const received = once(daemon, 'message');
  emitter.send({ name: 'petsite', id: 'aaaaaaaaaaaaaaaa' });
  const [message] = (await received) as [Buffer];
  const [header, body] = message.toString().split('\n');
  assert.equal(JSON.parse(header!), { format: 'json', version: 1 });
  assert.equal(JSON.parse(body!), { name: 'petsite', id: 'aaaaaaaaaaaaaaaa' });
  emitter.close();
  daemon.close();
});

test.run();
