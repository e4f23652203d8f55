/**
 * The X-Ray subset through the real `@aws-sdk/client-xray`, configured only with an endpoint, against a
 * simulated cluster: summaries with filters and pagination, full traces, the service graph, X-Ray's
 * errors, and what a network delay and a CPU stress look like in traces.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  BatchGetTracesCommand,
  GetServiceGraphCommand,
  GetTraceGraphCommand,
  GetTraceSummariesCommand,
  InvalidRequestException,
  paginateGetTraceSummaries,
  XRayClient,
  type GetTraceSummariesCommandInput,
  type TraceSummary,
} from '@aws-sdk/client-xray';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { NetworkChaos, StressChaos } from '../cluster/objects.js';
import { NETWORKCHAOS, STRESSCHAOS } from '../cluster/resources.js';
import { profiles } from '../../profiles.js';
import { Simulation } from '../simulation.js';
import { createXRayApi, TraceRecorder, type XRayApiOptions } from './index.js';

const START = Date.UTC(2026, 10, 25, 17, 0, 0);

interface Target {
  simulation: Simulation;
  recorder: TraceRecorder;
  client: XRayClient;
  url: string;
  server: Server;
}

const targets: Target[] = [];

async function target(prepare: (simulation: Simulation) => void, options: XRayApiOptions = {}): Promise<Target> {
  const simulation = new Simulation({ start: START, profile: profiles.fast });
  const recorder = new TraceRecorder(simulation);
  prepare(simulation);
  const handler = createXRayApi(recorder, options);
  const server = createServer((req, res) => {
    if (!handler(req, res)) {
      res.writeHead(404);
      res.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const client = new XRayClient({ endpoint: url, region: 'us-west-2', credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'x' } });
  const t = { simulation, recorder, client, url, server };
  targets.push(t);
  return t;
}

const seconds = (epochMs: number) => new Date(epochMs);

async function summaries(t: Target, input: Partial<GetTraceSummariesCommandInput>): Promise<TraceSummary[]> {
  const out: TraceSummary[] = [];
  for await (const page of paginateGetTraceSummaries({ client: t.client }, { StartTime: seconds(START), EndTime: seconds(t.simulation.now), ...input })) out.push(...(page.TraceSummaries ?? []));
  return out;
}

async function rejects(promise: Promise<unknown>, message: RegExp): Promise<void> {
  try {
    await promise;
  } catch (error) {
    assert.instance(error, InvalidRequestException);
    assert.is((error as InvalidRequestException).$metadata.httpStatusCode, 400);
    assert.match((error as Error).message, message);
    return;
  }
  assert.unreachable('expected InvalidRequestException');
}

let baseline: Target;

test.before(async () => {
  baseline = await target((s) => s.run(180), { pageSize: 40 });
});

test.after(() => {
  for (const t of targets) {
    t.client.destroy();
    t.server.close();
  }
});

test('GetTraceSummaries returns the recorded traces with the real API fields', async () => {
  const first = await baseline.client.send(new GetTraceSummariesCommand({ StartTime: seconds(START), EndTime: seconds(baseline.simulation.now) }));
  const held = baseline.recorder.traces().length;
  assert.is(first.TracesProcessedCount, held);
  assert.is(first.TraceSummaries!.length, 40);
  assert.ok(first.NextToken);
  assert.instance(first.ApproximateTime, Date);
  // The cluster starts cold: petsite answers 503 until petsearch is ready.
  assert.is(first.TraceSummaries![0]!.Http!.HttpStatus, 503);
  const summary = first.TraceSummaries!.find((s) => s.Http!.HttpStatus === 200)!;
  assert.match(summary.Id!, /^1-[0-9a-f]{8}-[0-9a-f]{24}$/);
  assert.instance(summary.StartTime, Date);
  assert.type(summary.Duration, 'number');
  assert.type(summary.ResponseTime, 'number');
  assert.type(summary.HasFault, 'boolean');
  assert.is(summary.EntryPoint?.Name, 'petsite');
  assert.is(summary.EntryPoint?.Type, 'AWS::EKS::Container');
  assert.match(summary.Http!.HttpURL!, /^http:\/\/petsite\.petadoptions\.svc\.cluster\.local\//);
  assert.ok(summary.ServiceIds!.length >= 3, 'petsite, a callee and its resource');
  assert.ok(summary.Annotations!.route![0]!.AnnotationValue!.StringValue);
  assert.ok(summary.ResponseTimeRootCauses![0]!.Services![0]!.EntityPath!.length >= 1);
  assert.is(summary.Revision, 1);
  // Ordered by start time.
  const starts = first.TraceSummaries!.map((s) => s.StartTime!.getTime());
  assert.equal(starts, [...starts].sort((a, b) => a - b));
});

test('paginateGetTraceSummaries walks every page once', async () => {
  const all = await summaries(baseline, {});
  assert.is(all.length, baseline.recorder.traces().length);
  assert.is(new Set(all.map((s) => s.Id)).size, all.length);
  await rejects(baseline.client.send(new GetTraceSummariesCommand({ StartTime: seconds(START), EndTime: seconds(baseline.simulation.now), FilterExpression: 'fault', NextToken: 'bm90IGEgdG9rZW4' })), /NextToken is not valid/);
  const page = await baseline.client.send(new GetTraceSummariesCommand({ StartTime: seconds(START), EndTime: seconds(baseline.simulation.now) }));
  await rejects(baseline.client.send(new GetTraceSummariesCommand({ StartTime: seconds(START), EndTime: seconds(baseline.simulation.now), FilterExpression: 'fault', NextToken: page.NextToken })), /different query/);
});

test('filter expressions select the traces the recorder holds', async () => {
  const traces = baseline.recorder.traces();
  const petHistory = await summaries(baseline, { FilterExpression: 'annotation.route = "/PetHistory"' });
  assert.is(petHistory.length, traces.filter((t) => t.root.annotations?.route === '/PetHistory').length);
  assert.ok(petHistory.length > 10);
  const search = await summaries(baseline, { FilterExpression: 'service("petsearch") AND http.url CONTAINS "Search"' });
  assert.ok(search.length > 10);
  for (const s of search) {
    assert.ok(s.ServiceIds!.some((id) => id.Name === 'petsearch'));
    assert.match(s.Http!.HttpURL!, /Search/);
  }
  const notFound = await summaries(baseline, { FilterExpression: 'http.status = 404' });
  assert.is(notFound.length, traces.filter((t) => t.root.status === 404).length);
  for (const s of notFound) assert.ok(s.HasError && !s.HasFault);
  const failing = await summaries(baseline, { FilterExpression: '(fault OR error) AND !throttle' });
  assert.ok(failing.every((s) => s.HasFault || s.HasError));
  const slowOrPayment = await summaries(baseline, { FilterExpression: 'responsetime >= 0.08 OR service("payforadoption") { ok }' });
  assert.ok(slowOrPayment.every((s) => s.ResponseTime! >= 0.08 || s.ServiceIds!.some((id) => id.Name === 'payforadoption')));
  const inEventTime = await summaries(baseline, { TimeRangeType: 'Event', StartTime: seconds(START + 60_000), EndTime: seconds(START + 120_000) });
  assert.ok(inEventTime.length > 0 && inEventTime.length < traces.length);
  const sampled = await summaries(baseline, { Sampling: true, SamplingStrategy: { Name: 'FixedRate', Value: 0.25 } });
  assert.ok(sampled.length > traces.length * 0.15 && sampled.length < traces.length * 0.35, `sampled ${sampled.length} of ${traces.length}`);
});

test('BatchGetTraces returns full segment documents, at most 5 traces per call', async () => {
  const ids = baseline.recorder.traces().filter((t) => t.root.annotations?.route === '/Adoption/TakeMeHome').slice(0, 4).map((t) => t.id);
  const out = await baseline.client.send(new BatchGetTracesCommand({ TraceIds: [...ids, '1-00000000-000000000000000000000000'] }));
  assert.equal(out.Traces!.map((t) => t.Id), ids, 'unknown ids are left out');
  assert.equal(out.UnprocessedTraceIds, []);
  const trace = out.Traces![0]!;
  assert.is(trace.LimitExceeded, false);
  const docs = trace.Segments!.map((s) => ({ id: s.Id, doc: JSON.parse(s.Document!) }));
  for (const { id, doc } of docs) {
    assert.is(doc.id, id);
    assert.is(doc.trace_id, trace.Id);
    assert.ok(doc.end_time >= doc.start_time);
  }
  const names = docs.map((d) => d.doc.name);
  assert.ok(names.includes('petsite') && names.includes('payforadoption') && names.includes('sqs-queue-petadoptions'), names.join(', '));
  const payment = docs.find((d) => d.doc.name === 'payforadoption')!.doc;
  assert.equal(payment.subsegments.map((s: { name: string; namespace: string }) => s.namespace), ['remote', 'aws']);
  assert.is(payment.subsegments[1].aws.operation, 'SendMessage');
  assert.match(payment.subsegments[0].sql.sanitized_query, /^INSERT INTO transactions/);
  assert.equal(Object.keys(payment.aws.eks).sort(), ['cluster_name', 'container_id', 'pod']);
  assert.is(payment.aws.eks.cluster_name, 'petadoptions-local');
  const malformed = await baseline.client.send(new BatchGetTracesCommand({ TraceIds: ['not-a-trace-id'] }));
  assert.equal(malformed.UnprocessedTraceIds, ['not-a-trace-id']);
  const six = baseline.recorder.traces().slice(0, 6).map((t) => t.id);
  await rejects(baseline.client.send(new BatchGetTracesCommand({ TraceIds: six })), /length less than or equal to 5/);
});

test('GetServiceGraph counts all served traffic, not only sampled traces', async () => {
  const out = await baseline.client.send(new GetServiceGraphCommand({ StartTime: seconds(START), EndTime: seconds(baseline.simulation.now) }));
  assert.is(out.ContainsOldGroupVersions, false);
  const services = out.Services!;
  const byKey = new Map(services.map((s) => [`${s.Type}|${s.Name}`, s]));
  const client = byKey.get('client|petsite')!;
  const petsite = byKey.get('AWS::EKS::Container|petsite')!;
  assert.ok(petsite.Root);
  const entry = client.Edges!.find((e) => e.ReferenceId === petsite.ReferenceId)!;
  assert.ok(Math.abs(entry.SummaryStatistics!.TotalCount! - baseline.recorder.stats().served) <= 2, `${entry.SummaryStatistics!.TotalCount} vs ${baseline.recorder.stats().served}`);
  for (const name of ['petsearch', 'payforadoption', 'petlistadoptions', 'pethistory']) {
    const node = byKey.get(`AWS::EKS::Container|${name}`)!;
    assert.ok(petsite.Edges!.some((e) => e.ReferenceId === node.ReferenceId), `petsite -> ${name}`);
    assert.ok(node.SummaryStatistics!.TotalCount! > 100);
    assert.ok(node.ResponseTimeHistogram!.length > 0);
  }
  const table = byKey.get('AWS::DynamoDB::Table|Services-ddbpetadoption')!;
  assert.is(table.AccountId, '123456789012');
  assert.ok(byKey.get('AWS::EKS::Container|petsearch')!.Edges!.some((e) => e.ReferenceId === table.ReferenceId));
  assert.ok(byKey.get('AWS::SQS::Queue|sqs-queue-petadoptions'));
  assert.ok(services.some((s) => s.Type === 'Database::SQL'));
  const stats = petsite.SummaryStatistics!;
  assert.is(stats.TotalCount, stats.OkCount! + stats.ErrorStatistics!.TotalCount! + stats.FaultStatistics!.TotalCount!);
  assert.instance(petsite.StartTime, Date);
});

test('errors are X-Ray InvalidRequestExceptions with a message saying what is wrong', async () => {
  const { client, simulation } = baseline;
  await rejects(client.send(new GetTraceSummariesCommand({ StartTime: seconds(simulation.now), EndTime: seconds(START) })), /EndTime .* must not be before StartTime/);
  await rejects(client.send(new GetTraceSummariesCommand({ StartTime: seconds(START - 25 * 3_600_000), EndTime: seconds(START) })), /must not exceed 24 hours/);
  await rejects(client.send(new GetServiceGraphCommand({ StartTime: seconds(START - 7 * 3_600_000), EndTime: seconds(START) })), /must not exceed 6 hours/);
  await rejects(client.send(new GetTraceSummariesCommand({ StartTime: seconds(START), EndTime: seconds(simulation.now), FilterExpression: 'service("petsite") { responsetime > }' })), /Invalid filter expression .*expected a number/);
  await rejects(client.send(new GetTraceSummariesCommand({ StartTime: seconds(START), EndTime: seconds(simulation.now), TimeRangeType: 'Whenever' as never })), /enum value set: \[TraceId, Event, Service\]/);
  await rejects(client.send(new GetServiceGraphCommand({ StartTime: seconds(START), EndTime: seconds(simulation.now), GroupName: 'slow-requests' })), /only the Default group/);
  await rejects(client.send(new GetTraceGraphCommand({ TraceIds: ['1-00000000-000000000000000000000000'] })), /GetTraceGraph is not part of the local X-Ray API subset/);
  const raw = await fetch(`${baseline.url}/TraceSummaries`, { method: 'POST', body: '{"StartTime": ', headers: { 'content-type': 'application/json' } });
  assert.is(raw.status, 400);
  assert.is(raw.headers.get('x-amzn-errortype'), 'InvalidRequestException');
  assert.match(((await raw.json()) as { Message: string }).Message, /not valid JSON/);
});

const delayPetsearch: NetworkChaos = {
  apiVersion: 'chaos-mesh.org/v1alpha1',
  kind: 'NetworkChaos',
  metadata: { name: 'petsearch-latency', namespace: 'petadoptions' },
  spec: { action: 'delay', mode: 'all', selector: { namespaces: ['petadoptions'], labelSelectors: { app: 'petsearch' } }, delay: { latency: '800ms' } },
};

test('a NetworkChaos delay on petsearch shows as slow calls to a fast petsearch', async () => {
  let injectedAt = 0;
  const t = await target((s) => {
    s.run(60);
    injectedAt = s.now;
    s.store.create(NETWORKCHAOS, delayPetsearch);
    s.run(90);
  });
  const slow = await summaries(t, { StartTime: seconds(injectedAt + 5_000), FilterExpression: 'service("petsearch") AND responsetime > 0.7' });
  assert.ok(slow.length > 100, `${slow.length} slow traces through petsearch`);
  const blamed = slow.filter((s) => {
    const services = s.ResponseTimeRootCauses![0]!.Services!;
    const last = services[services.length - 1]!;
    const entity = last.EntityPath![last.EntityPath!.length - 1]!;
    return last.Name === 'petsite' && entity.Name === 'petsearch.petadoptions.svc.cluster.local' && entity.Remote === true;
  });
  assert.ok(blamed.length / slow.length > 0.95, `${blamed.length} of ${slow.length} blame the call to petsearch`);
  // Nothing slow through petsearch before the fault.
  assert.is((await summaries(t, { EndTime: seconds(injectedAt - 1_000), FilterExpression: 'service("petsearch") { responsetime > 0.7 }' })).length, 0);
  assert.is((await summaries(t, { StartTime: seconds(injectedAt + 5_000), FilterExpression: 'service("petsearch") { responsetime > 0.5 }' })).length, 0, 'petsearch itself stays fast');

  const out = await t.client.send(new BatchGetTracesCommand({ TraceIds: slow.slice(0, 5).map((s) => s.Id!) }));
  for (const trace of out.Traces!) {
    const docs = trace.Segments!.map((s) => JSON.parse(s.Document!));
    const petsite = docs.find((d) => d.name === 'petsite');
    const petsearch = docs.find((d) => d.name === 'petsearch');
    const call = petsite.subsegments.find((s: { id: string }) => s.id === petsearch.parent_id);
    assert.ok(call.end_time - call.start_time > 0.75, 'the client waits for the delayed response');
    assert.ok(petsearch.end_time - petsearch.start_time < 0.3, 'the server answered quickly');
    assert.ok(call.end_time - petsearch.end_time > 0.7, 'the gap is after the server segment: the response path');
  }

  const graph = await t.client.send(new GetServiceGraphCommand({ StartTime: seconds(injectedAt + 60_000), EndTime: seconds(t.simulation.now) }));
  const node = (name: string) => graph.Services!.find((s) => s.Name === name && s.Type === 'AWS::EKS::Container')!;
  const edge = node('petsite').Edges!.find((e) => e.ReferenceId === node('petsearch').ReferenceId)!;
  const average = (s: { TotalResponseTime?: number; TotalCount?: number }) => s.TotalResponseTime! / s.TotalCount!;
  assert.ok(average(edge.SummaryStatistics!) > 0.8, `edge average ${average(edge.SummaryStatistics!)}`);
  assert.ok(average(node('petsearch').SummaryStatistics!) < 0.1, `petsearch average ${average(node('petsearch').SummaryStatistics!)}`);
});

const stressPayments: StressChaos = {
  apiVersion: 'chaos-mesh.org/v1alpha1',
  kind: 'StressChaos',
  metadata: { name: 'payforadoption-cpu', namespace: 'petadoptions' },
  spec: { mode: 'all', selector: { namespaces: ['petadoptions'], labelSelectors: { app: 'payforadoption' } }, stressors: { cpu: { workers: 2, load: 100 } } },
};

test('a CPU stress on payforadoption shows as slow and timed-out payments inside payforadoption', async () => {
  let injectedAt = 0;
  const t = await target((s) => {
    s.run(60);
    injectedAt = s.now;
    s.store.create(STRESSCHAOS, stressPayments);
    s.run(120);
  });
  const after = { StartTime: seconds(injectedAt + 5_000) };
  const slow = await summaries(t, { ...after, FilterExpression: 'service("payforadoption") { responsetime > 1 }' });
  assert.ok(slow.length > 30, `${slow.length} slow payments`);
  const inService = slow.filter((s) => {
    const services = s.ResponseTimeRootCauses![0]!.Services!;
    return services[services.length - 1]!.Name === 'payforadoption';
  });
  assert.ok(inService.length / slow.length > 0.9, `${inService.length} of ${slow.length} put the time in payforadoption`);

  const timeouts = await summaries(t, { ...after, FilterExpression: 'edge("petsite", "payforadoption") { fault } AND http.status = 504' });
  assert.ok(timeouts.length >= 3, `${timeouts.length} timed-out payments`);
  for (const s of timeouts) {
    const path = s.FaultRootCauses![0]!.Services![0]!.EntityPath!;
    const call = path[path.length - 1]!;
    assert.is(call.Name, 'payforadoption.petadoptions.svc.cluster.local');
    assert.match(call.Exceptions![0]!.Name!, /TaskCanceledException/);
  }
  const graph = await t.client.send(new GetServiceGraphCommand({ StartTime: seconds(injectedAt + 60_000), EndTime: seconds(t.simulation.now) }));
  const node = (name: string) => graph.Services!.find((s) => s.Name === name && s.Type === 'AWS::EKS::Container')!;
  const edge = node('petsite').Edges!.find((e) => e.ReferenceId === node('payforadoption').ReferenceId)!;
  assert.ok(edge.SummaryStatistics!.FaultStatistics!.TotalCount! > 0);
});

test.run();
