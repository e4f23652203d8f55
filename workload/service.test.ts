import { createServer } from 'node:net';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Random } from '../core/random.js';
import { serviceByName } from '../lib/petadoption/catalog.js';
import { startWorkload, type RunningWorkload } from './service.js';
import { readSettings } from './settings.js';
import type { SegmentEmitter } from './xray-emitter.js';
import { Sampler } from './xray.js';

const segments: Record<string, unknown>[] = [];
const lines: string[] = [];
const emitter = { send: (doc: Record<string, unknown>) => segments.push(doc), close: () => undefined } as unknown as SegmentEmitter;
const envOf = (name: string) => Object.fromEntries(serviceByName.get(name)!.env.map((e) => [e.name, e.value]));

async function closedPort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function start(role: string, env: Record<string, string>, startupSeconds = 0): Promise<RunningWorkload> {
  const profile = serviceByName.get(role)!;
  return startWorkload({
    settings: readSettings(profile, { ...envOf(role), ...env }),
    port: 0,
    host: '127.0.0.1',
    tracing: { emitter, sampler: new Sampler(1), identity: { service: role, clusterName: 'test', pod: `${role}-0`, sdkVersion: '0' } },
    memoryScale: 0,
    startupSeconds,
    trafficScale: 0,
    write: (line) => lines.push(line),
    // Seeded: the base error rate (0.1%) never fails a request these tests expect to succeed.
    random: new Random(11),
  });
}

let petsearch: RunningWorkload;
let petsite: RunningWorkload;
const url = (w: RunningWorkload, path: string) => `http://127.0.0.1:${w.port}${path}`;

test.before(async () => {
  petsearch = await start('petsearch', {});
  const nowhere = await closedPort();
  petsite = await start('petsite', {
    SEARCH_API_URL: url(petsearch, '/api/search'),
    PAYMENT_API_URL: `http://127.0.0.1:${nowhere}/api/completeadoption`,
    PET_LIST_ADOPTIONS_URL: `http://127.0.0.1:${nowhere}/api/adoptionlist/`,
    PET_HISTORY_URL: `http://127.0.0.1:${nowhere}/petadoptionshistory/api/home/transactions`,
  });
  await Promise.all([petsearch.ready, petsite.ready]);
});

test.after(async () => {
  await Promise.all([petsite.stop(), petsearch.stop()]);
});

test("a route answers after calling its downstream service; the callee's segment is the child of the caller's subsegment", async () => {
  const response = await fetch(url(petsite, '/Search'));
  assert.is(response.status, 200);
  assert.ok((await response.text()).length >= 20_000, "about petsite's page size");
  const site = segments.find((s) => s.name === 'petsite')!;
  const search = segments.find((s) => s.name === 'petsearch')!;
  const call = (site.subsegments as { id: string; name: string }[])[0]!;
  assert.is(call.name, 'petsearch');
  assert.is(search.parent_id, call.id);
  assert.is(search.trace_id, site.trace_id);
  assert.ok(lines.some((l) => l.includes('Request finished HTTP/1.1 GET') && l.includes(site.trace_id as string)), 'the access line carries the trace id');
});

test('a downstream service that refuses connections makes the caller answer 503 and log the failed call', async () => {
  const response = await fetch(url(petsite, '/PetHistory'));
  assert.is(response.status, 503);
  assert.ok(lines.some((l) => l.includes('Call to pethistory failed') && l.includes('-> HTTP 503')));
});

test("/metrics counts requests by service, route, method and code, with the simulation's buckets; probes count under /health", async () => {
  assert.is((await fetch(url(petsite, '/healthz'))).status, 200);
  assert.is((await fetch(url(petsite, '/readyz'))).status, 200);
  const text = await (await fetch(url(petsite, '/metrics'))).text();
  assert.match(text, 'http_requests_total{service="petsite",route="/Search",method="GET",code="200"} 1');
  assert.match(text, 'http_requests_total{service="petsite",route="/PetHistory",method="GET",code="503"} 1');
  assert.match(text, 'http_requests_total{service="petsite",route="/health",method="GET",code="200"} 2');
  const buckets = [...text.matchAll(/http_request_duration_seconds_bucket\{le="([^"]+)",service="petsite",route="\/Search"\}/g)].map((m) => m[1]);
  assert.equal(buckets, ['0.005', '0.01', '0.025', '0.05', '0.1', '0.25', '0.5', '1', '2.5', '5', '10', '+Inf']);
  assert.match(text, 'process_cpu_seconds_total');
  assert.match(await (await fetch(url(petsearch, '/metrics'))).text(), 'http_requests_total{service="petsearch",route="/api/search",method="GET",code="200"} 1');
});

test('until its start-up time has passed a role is alive but not ready; once stopping, it is not ready either', async () => {
  const slow = await start('pethistory', {}, 3600);
  assert.is((await fetch(url(slow, '/healthz'))).status, 200);
  assert.is((await fetch(url(slow, '/readyz'))).status, 503);
  await slow.stop();
  assert.ok(lines.some((l) => l.includes('Handling signal: term')), "pethistory's shutdown line");
  await fetch(url(slow, '/healthz')).then(
    () => assert.unreachable('the port is closed after stop'),
    (error: Error) => assert.instance(error, TypeError),
  );
});

test('an unknown path is a 404 and is not counted', async () => {
  assert.is((await fetch(url(petsearch, '/nope'))).status, 404);
  assert.not.match(await (await fetch(url(petsearch, '/metrics'))).text(), '/nope');
});

test.run();
