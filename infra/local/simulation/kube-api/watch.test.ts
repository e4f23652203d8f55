import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Deployment, KubeEvent, Pod } from '../cluster/objects.js';
import { DEPLOYMENT, EVENT, POD } from '../cluster/resources.js';
import type { SampleApi } from '../../../../test/support/simulation/sample-cluster.js';
import { NAMESPACE_NAME, startSampleApi } from '../../../../test/support/simulation/sample-cluster.js';

interface WatchEvent {
  type: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  object: any;
}

/** Opens a watch and collects events until `enough` says so (or the server ends the stream). */
async function watch(api: SampleApi, path: string, enough: (events: WatchEvent[]) => boolean, options: { accept?: string; whileOpen?: () => void } = {}) {
  const controller = new AbortController();
  // Fail fast rather than hang when an expected event never comes.
  const deadline = setTimeout(() => controller.abort(), 3000);
  const response = await fetch(api.url + path, { signal: controller.signal, headers: options.accept ? { Accept: options.accept } : {} });
  assert.is(response.status, 200);
  const events: WatchEvent[] = [];
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  let ended = false;
  let opened = false;
  while (!enough(events)) {
    if (!opened) {
      opened = true;
      options.whileOpen?.();
    }
    const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true as const }));
    if (done) {
      ended = true;
      break;
    }
    buffer += decoder.decode(value, { stream: true });
    let newline: number;
    while ((newline = buffer.indexOf('\n')) >= 0) {
      events.push(JSON.parse(buffer.slice(0, newline)) as WatchEvent);
      buffer = buffer.slice(newline + 1);
    }
  }
  clearTimeout(deadline);
  controller.abort();
  return { events, ended };
}

const summary = (events: WatchEvent[]) => events.map((e) => `${e.type} ${e.object.metadata?.name ?? e.object.code}`);

test('a watch from "now" starts with the current objects, then streams changes', async () => {
  const api = await startSampleApi();
  try {
    const { events } = await watch(api, `/apis/apps/v1/namespaces/${NAMESPACE_NAME}/deployments?watch=true`, (e) => e.length >= 5, {
      whileOpen: () => {
        api.store.mutate<Deployment>(DEPLOYMENT, NAMESPACE_NAME, 'petsite', (d) => (d.spec.replicas = 3));
        api.store.delete(DEPLOYMENT, NAMESPACE_NAME, 'petsearch');
      },
    });
    assert.equal(summary(events), ['ADDED payforadoption', 'ADDED petsearch', 'ADDED petsite', 'MODIFIED petsite', 'DELETED petsearch']);
    assert.is(events[3]!.object.spec.replicas, 3);
    assert.is(events[3]!.object.kind, 'Deployment');
  } finally {
    await api.close();
  }
});

test('a watch from a resourceVersion replays history, filtered by selectors, with DELETED for objects leaving them', async () => {
  const api = await startSampleApi();
  try {
    const list = (await api.call('GET', `/api/v1/namespaces/${NAMESPACE_NAME}/pods?labelSelector=app%3Dpetsite`)).json;
    const [a, b] = list.items as Pod[];
    api.store.mutate<Pod>(POD, NAMESPACE_NAME, a!.metadata.name, (p) => (p.metadata.labels = { ...p.metadata.labels, tier: 'web' }));
    api.store.mutate<Pod>(POD, NAMESPACE_NAME, b!.metadata.name, (p) => (p.metadata.labels = { app: 'moved' }));
    api.store.mutate<Deployment>(DEPLOYMENT, NAMESPACE_NAME, 'petsite', (d) => (d.spec.replicas = 4));
    const { events } = await watch(api, `/api/v1/namespaces/${NAMESPACE_NAME}/pods?watch=1&labelSelector=app%3Dpetsite&resourceVersion=${list.metadata.resourceVersion}`, (e) => e.length >= 2);
    assert.equal(summary(events), [`MODIFIED ${a!.metadata.name}`, `DELETED ${b!.metadata.name}`]);
  } finally {
    await api.close();
  }
});

test('a watch from a compacted resourceVersion gets a 410 Expired ERROR event', async () => {
  const api = await startSampleApi();
  try {
    const event = api.store.list<KubeEvent>(EVENT, NAMESPACE_NAME)[0]!;
    for (let i = 0; i < 20_001; i++) api.store.mutate<KubeEvent>(EVENT, NAMESPACE_NAME, event.metadata.name, (e) => (e.count = i + 2));
    const { events, ended } = await watch(api, `/api/v1/namespaces/${NAMESPACE_NAME}/events?watch=true&resourceVersion=5`, () => false);
    assert.ok(ended);
    assert.is(events.length, 1);
    assert.is(events[0]!.type, 'ERROR');
    assert.equal([events[0]!.object.kind, events[0]!.object.code, events[0]!.object.reason], ['Status', 410, 'Expired']);
    assert.match(events[0]!.object.message, /^too old resource version: 5 \(\d+\)$/);
  } finally {
    await api.close();
  }
});

test('watches end at timeoutSeconds, send bookmarks when allowed, and release the store on disconnect', async () => {
  const api = await startSampleApi({ bookmarkIntervalMs: 10 });
  try {
    const listeners = () => (Reflect.get(api.store, 'listeners') as Set<unknown>).size;
    const timedOut = await watch(api, '/api/v1/nodes?watch=true&timeoutSeconds=0', () => false);
    assert.ok(timedOut.ended);
    assert.is(timedOut.events.length, 3);
    const bookmarked = await watch(api, '/api/v1/nodes?watch=true&allowWatchBookmarks=true&resourceVersion=' + api.store.resourceVersion, (e) => e.some((x) => x.type === 'BOOKMARK'));
    const bookmark = bookmarked.events.find((e) => e.type === 'BOOKMARK')!;
    assert.equal(bookmark.object, { kind: 'Node', apiVersion: 'v1', metadata: { resourceVersion: api.store.resourceVersion } });
    const initial = await watch(api, '/api/v1/namespaces?watch=true&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true', (e) => e.some((x) => x.type === 'BOOKMARK'));
    assert.equal(initial.events.at(-1)!.object.metadata.annotations, { 'k8s.io/initial-events-end': 'true' });
    // The server sees the disconnect a moment later (later still on a loaded machine): released within 5 s.
    for (const deadline = Date.now() + 5_000; listeners() > 0 && Date.now() < deadline; ) await new Promise((resolve) => setTimeout(resolve, 10));
    assert.is(listeners(), 0, 'every watch released its store listener after the client went away');
  } finally {
    await api.close();
  }
});

test('watching with a Table Accept streams one-row tables, column definitions first only', async () => {
  const api = await startSampleApi();
  try {
    const { events } = await watch(api, `/apis/apps/v1/namespaces/${NAMESPACE_NAME}/deployments/petsite?watch=true`, (e) => e.length >= 2, {
      accept: 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json',
      whileOpen: () => api.store.mutate<Deployment>(DEPLOYMENT, NAMESPACE_NAME, 'petsite', (d) => (d.status.readyReplicas = 1)),
    });
    assert.equal(events.map((e) => [e.type, e.object.kind, e.object.columnDefinitions.length, e.object.rows[0].cells[1]]), [
      ['ADDED', 'Table', 8, '2/2'],
      ['MODIFIED', 'Table', 0, '1/2'],
    ]);
  } finally {
    await api.close();
  }
});

test.run();
