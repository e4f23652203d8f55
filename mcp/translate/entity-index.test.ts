/**
 * Entity resolution against the catalog: exact names, typos, partial names, names spread over words,
 * IP fragments and ordinals for nodes, kind cues, ambiguity, and suggestions for unknown names.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { EntityIndex } from './entity-index.js';
import { resolveEntities } from './resolve.js';
import { loadSnapshot, workloadOfPod } from './snapshot.js';
import { petCatalog } from '../../test/support/mcp/pet-catalog.js';
import { tokenize } from './text.js';

const index = new EntityIndex(await loadSnapshot(petCatalog()));
const resolve = (text: string) => resolveEntities(text, tokenize(text), index);
const found = (text: string) => resolve(text).matches.map((m) => `${m.kind}:${m.value}`);

test('workloads are derived from pod names', () => {
  assert.is(workloadOfPod('petsite-qc9jjtk2g5-jmkp4'), 'petsite');
  assert.is(workloadOfPod('aws-node-6nzk7'), 'aws-node');
  assert.is(workloadOfPod('web-0'), 'web');
  assert.is(workloadOfPod('standalone'), undefined);
});

const cases: [question: string, expected: string[]][] = [
  ['memory of petsearch', ['service:petsearch']],
  ['memory of petsearh', ['service:petsearch']],
  ['latency of payforadoptoin', ['service:payforadoption']],
  ['latency of paymentforadoption', ['service:payforadoption']],
  ['errors of pay for adoption', ['service:payforadoption']],
  ['restarts of list adoptions', ['service:petlistadoptions']],
  ['latency of the history service', ['service:pethistory']],
  ['cpu of pet site', ['service:petsite']],
  ['memory of the fluentbit pods', ['service:fluent-bit']],
  ['pods in kube system', ['namespace:kube-system']],
  ['cpu on node 27.104', ['node:ip-192-168-27-104.us-west-2.compute.internal']],
  ['memory of ip-192-168-74-219', ['node:ip-192-168-74-219.us-west-2.compute.internal']],
  ['load of 192.168.139.191', ['node:ip-192-168-139-191.us-west-2.compute.internal']],
  ['load on node 2', ['node:ip-192-168-27-104.us-west-2.compute.internal']],
  ['load on the third node', ['node:ip-192-168-74-219.us-west-2.compute.internal']],
  ['memory of pod cnkks', ['pod:petlistadoptions-n49bqnqbdr-cnkks']],
  ['memory of petsite-qc9jjtk2g5-jmkp4', ['pod:petsite-qc9jjtk2g5-jmkp4']],
  ['the aws-eks-nodeagent container', ['container:aws-eks-nodeagent']],
  ['latency of /Search on petsite', ['route:/Search', 'service:petsite']],
  ['show container_memory_rss', ['metric:container_memory_rss']],
  ['show container_memory_working_set', ['metric:container_memory_working_set_bytes']],
  ['compare petsite and petsearch', ['service:petsite', 'service:petsearch']],
  ['how much memory is used by pods', []],
  ['what is the node cpu', []],
];

for (const [question, expected] of cases) {
  test(`resolves "${question}"`, () => {
    assert.equal(found(question), expected);
  });
}

test('near ties are flagged as ambiguous, with both readings', () => {
  const r = resolve('error rate of the adoption service');
  assert.is(r.ambiguities.length, 1);
  assert.equal(r.ambiguities[0]!.options.map((o) => o.value).sort(), ['payforadoption', 'petlistadoptions']);
  assert.match(r.suggestions.join(), /could be service payforadoption or service petlistadoptions/);
});

test('unknown names get "did you mean" suggestions', () => {
  const r = resolve('cpu of the payout service');
  assert.equal(r.matches, []);
  assert.equal(r.unknown, ['payout']);
  assert.match(r.suggestions.join(), /did you mean payforadoption/);
  assert.match(resolve('rate of http_request_totl').matches[0]!.value, /^http_requests_total$/);
});

test('a word found in only one name, by its stem, names it where a name is expected', () => {
  assert.equal(found('cpu of the payment service'), ['service:payforadoption']);
  assert.equal(found('memory of the dns pods'), ['service:coredns']);
  assert.equal(found('error rate of the adoption list'), ['service:petlistadoptions']);
  // A stem in several names is only a guess; a verb is not a name.
  assert.equal(found('how many requests per second is petsearch serving'), ['service:petsearch']);
});

test('typos and partial names carry a lower score than exact names', () => {
  const [exact] = resolve('memory of petsearch').matches;
  const [typo] = resolve('memory of petsearh').matches;
  const [partial] = resolve('memory of search').matches;
  assert.is(exact!.score, 1);
  assert.ok(typo!.score < 1 && typo!.how === 'typo');
  assert.ok(partial!.score < 1 && partial!.how === 'partial');
});

// How fast: bench/translate.bench.ts (entity resolution p99 over 10k label values, target < 100 ms).
test('10k label values: entities are still resolved among them', () => {
  const series: Record<string, string>[] = [];
  for (let i = 0; i < 10_000; i++) series.push({ __name__: 'kube_pod_info', namespace: `team-${i % 50}`, pod: `svc${i % 2000}-worker-${(i * 7919).toString(36).padStart(5, 'x').slice(-5)}` });
  const big = new EntityIndex({ metrics: ['kube_pod_info'], namespaces: [...new Set(series.map((s) => s.namespace!))], nodes: [], workloads: [...new Set(series.map((s) => s.pod!.split('-')[0]!))].map((name) => ({ name, namespace: 'team-1', http: false, deployment: true, container: true })), pods: series.map((s) => ({ name: s.pod!, namespace: s.namespace! })), containers: [], routes: [] });
  const text = 'p95 latency of svc1234 and memory of svc99 pods in team-7 over the last hour';
  resolveEntities('warm up the code paths', tokenize('warm up the code paths'), big);
  const r = resolveEntities(text, tokenize(text), big);
  assert.equal(r.matches.map((m) => m.value), ['svc1234', 'svc99', 'team-7']);
});

test.run();
