import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as xraySdk from '@aws-sdk/client-xray';
import { BatchGetTracesCommand, GetServiceGraphCommand, GetTraceSummariesCommand, ThrottledException, XRayClient } from '@aws-sdk/client-xray';
import { mockClient } from 'aws-sdk-client-mock';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { NetworkChaos } from '../../infra/local/simulation/cluster/objects.js';
import { NETWORKCHAOS } from '../../infra/local/simulation/cluster/resources.js';
import { profiles } from '../../infra/local/profiles.js';
import { Simulation } from '../../infra/local/simulation/simulation.js';
import { createXRayApi, TraceRecorder } from '../../infra/local/simulation/xray/index.js';
import { EvidenceUnavailable } from '../ports.js';
import { fixture } from '../../test/support/agent/aws-fixtures.js';
import { sdkRetryingClient } from '../../test/support/agent/sdk-retry.js';
import { serviceOfHost, XRayEvidence } from './xray.js';

const start = Date.parse('2026-11-24T11:00:00Z') / 1000;
const end = start + 960;

function throttled(): ThrottledException {
  const body = fixture<{ Message: string }>('xray-throttled.json');
  return new ThrottledException({ message: body.Message, $metadata: { httpStatusCode: 429, requestId: 'a1b2c3d4-5e6f-7a8b-9c0d-e1f2a3b4c5d6', attempts: 1 } });
}

test('summaries follow NextToken and read X-Ray root causes: wire time vs. service time vs. faults', async () => {
  const client = new XRayClient({ region: 'us-west-2' });
  const mock = mockClient(client);
  mock.on(GetTraceSummariesCommand).resolvesOnce(fixture('xray-get-trace-summaries-page1.json')).resolvesOnce(fixture('xray-get-trace-summaries-page2.json'));
  const xray = new XRayEvidence({ client });
  const traces = await xray.summaries({ start, end, filter: 'responsetime > 0.5 OR fault' });
  assert.is(traces.length, 3);
  const calls = mock.commandCalls(GetTraceSummariesCommand);
  assert.is(calls.length, 2);
  assert.is(calls[0]!.args[0].input.FilterExpression, 'responsetime > 0.5 OR fault');
  assert.is(calls[1]!.args[0].input.NextToken, 'eyJQYWdlIjoyfQ==');
  assert.equal(calls[0]!.args[0].input.StartTime, new Date(start * 1000));

  const [wire, slowService, fault] = traces;
  assert.equal(wire!.responseTimeOnWire, ['petsearch'], 'path ends on the remote call: the wire held the time');
  assert.equal(wire!.responseTimeRootCauses, []);
  assert.is(wire!.entryPoint, 'petsite');
  assert.is(wire!.startTime, Date.parse('2026-11-24T11:15:00.118Z') / 1000);
  assert.equal(slowService!.responseTimeRootCauses, ['payforadoption'], 'path continues into the callee: the service held the time');
  assert.is(slowService!.responseTimeOnWire, undefined);
  assert.ok(fault!.hasFault);
  assert.equal(fault!.faultRootCauses, ['petlistadoptions']);
  assert.is(fault!.status, 504);
});

test('segments flatten documents; the caller subsegment is the parent of the callee segment', async () => {
  const client = new XRayClient({ region: 'us-west-2' });
  mockClient(client).on(BatchGetTracesCommand).resolves(fixture('xray-batch-get-traces.json'));
  const rows = await new XRayEvidence({ client }).segments('1-6924b814-5f4c6e1d2a8b3c9d0e1f2a3b');
  const call = rows.find((r) => r.service === 'petsite' && r.remote)!;
  const callee = rows.find((r) => r.name === 'petsearch')!;
  assert.is(callee.parent, call.id);
  assert.ok(call.end - call.start > 1.3, 'client waited 1.36 s');
  assert.ok(callee.end - callee.start < 0.05, 'server worked 44 ms');
  assert.not.ok(rows.some((r) => r.name === 'PetAdoptionsTable'), 'inferred segments are left out');
  assert.ok(rows.some((r) => r.service === 'petsearch' && r.name === 'DynamoDB' && r.remote));
});

test('the service graph becomes caller -> callee edges with counts and mean latency', async () => {
  const client = new XRayClient({ region: 'us-west-2' });
  mockClient(client).on(GetServiceGraphCommand).resolves(fixture('xray-get-service-graph.json'));
  const edges = await new XRayEvidence({ client }).serviceGraph({ start, end });
  assert.equal(edges.map((e) => `${e.from}->${e.to}`), ['petsite->petsearch', 'petsite->payforadoption']);
  const search = edges[0]!;
  assert.is(search.requests, 5712);
  assert.is(search.faults, 2);
  assert.ok(Math.abs(search.averageSeconds - 1.3) < 0.01);
});

test('throttling is retried with back-off, then becomes a gap with the reason', async () => {
  const client = new XRayClient({ region: 'us-west-2' });
  const mock = mockClient(client);
  mock.on(GetServiceGraphCommand).rejectsOnce(throttled()).resolves(fixture('xray-get-service-graph.json'));
  const waits: number[] = [];
  // The SDK retries (standard mode); its attempts reach the mock, its back-off is recorded, not waited.
  const xray = new XRayEvidence({ client: sdkRetryingClient(client, xraySdk, { maxAttempts: 4, waits }) });
  assert.is((await xray.serviceGraph({ start, end })).length, 2);
  assert.is(waits.length, 1, 'one back-off before the retry');

  mock.reset();
  mock.on(GetTraceSummariesCommand).rejects(throttled());
  const error = await xray.summaries({ start, end }).catch((e: unknown) => e);
  assert.instance(error, EvidenceUnavailable);
  assert.is((error as EvidenceUnavailable).source, 'traces');
  assert.match((error as EvidenceUnavailable).reason, /throttled by X-Ray \(ThrottledException: Rate exceeded\).*4 attempts/);
  assert.ok((error as EvidenceUnavailable).retryable);
  assert.is(mock.commandCalls(GetTraceSummariesCommand).length, 4);
});

test('the same adapter reads the local target through an endpoint override: network delay shows as wire time', async () => {
  const sim = new Simulation({ start: Date.UTC(2026, 10, 25, 17, 0, 0), profile: profiles.fast, seed: 5 });
  const recorder = new TraceRecorder(sim);
  sim.run(60);
  sim.store.create(NETWORKCHAOS, {
    apiVersion: 'chaos-mesh.org/v1alpha1',
    kind: 'NetworkChaos',
    metadata: { name: 'delay', namespace: 'petadoptions' },
    spec: { action: 'delay', mode: 'all', selector: { labelSelectors: { app: 'petsearch' } }, delay: { latency: '900ms', jitter: '20ms' } },
  } as unknown as NetworkChaos);
  sim.run(60);
  const handler = createXRayApi(recorder);
  const server = createServer((req, res) => void (handler(req, res) || res.writeHead(404).end()));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const xray = new XRayEvidence({ endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
    const now = sim.now / 1000;
    const slow = await xray.summaries({ start: now - 50, end: now, filter: 'responsetime > 0.8', limit: 50 });
    assert.ok(slow.length > 5, `slow traces ${slow.length}`);
    const onWire = slow.filter((t) => t.responseTimeOnWire?.includes('petsearch')).length;
    assert.ok(onWire / slow.length > 0.8, `wire time in ${onWire}/${slow.length}`);
    const rows = await xray.segments(slow[0]!.id);
    const callee = rows.find((r) => r.service === 'petsearch' && !r.remote && r.parent)!;
    const call = rows.find((r) => r.id === callee.parent)!;
    assert.ok(call.end - call.start - (callee.end - callee.start) > 0.8, 'client-vs-server gap');
    const edges = await xray.serviceGraph({ start: now - 120, end: now });
    assert.ok(edges.some((e) => e.from === 'petsite' && e.to === 'petsearch' && e.requests > 0));
    const bad = await xray.summaries({ start: now - 50, end: now, filter: 'responsetime >' }).catch((e: unknown) => e);
    assert.instance(bad, EvidenceUnavailable);
    assert.not.ok((bad as EvidenceUnavailable).retryable, 'a bad filter is not retried');
  } finally {
    server.close();
  }
});

test('host names map to services', () => {
  assert.is(serviceOfHost('petsearch.petadoptions.svc.cluster.local'), 'petsearch');
  assert.is(serviceOfHost('PetAdoptionsTable'), 'PetAdoptionsTable');
});

test.run();
