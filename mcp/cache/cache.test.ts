import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ManualClock } from '../../core/clock.js';
import { backendError } from '../../lib/prometheus/client/index.js';
import { FakeBackend, vector } from '../../test/support/mcp/tools/fake-backend.js';
import { CachedBackend, normaliseQuery, ResultCache, stepMs, toEpochMs } from './index.js';

test('normalisation: whitespace, comments, keyword case, label and grouping order', () => {
  const a = normaliseQuery('sum  by (pod, namespace) (rate(http_requests_total{service="petsite", code=~"5.."}[5m]))');
  const b = normaliseQuery('SUM BY(namespace,pod)(rate( http_requests_total{ code=~"5..",service="petsite" }[5m] )) # errors');
  assert.is(a, b);
  assert.is(a, 'sum by(namespace,pod)(rate(http_requests_total{code=~"5..",service="petsite"}[5m]))');
  // Values, functions and metric names keep their case; strings keep their spaces.
  assert.is.not(normaliseQuery('up{job="A b"}'), normaliseQuery('up{job="a b"}'));
  assert.is(normaliseQuery('up{job="a b"}'), 'up{job="a b"}');
  assert.is.not(normaliseQuery('a / b'), normaliseQuery('b / a'));
  assert.is(normaliseQuery('x offset 5m'), normaliseQuery('x  OFFSET  5m'));
  // Not understood: kept as typed (a miss at worst, never a wrong hit).
  assert.is(normaliseQuery('up{job="unterminated}'), 'up{job="unterminated}');
});

test('result cache: TTL, hit/miss counters, LRU bound, in-flight coalescing', async () => {
  const clock = new ManualClock(0);
  const cache = new ResultCache({ clock, maxEntries: 2 });
  let loads = 0;
  const load = (v: string) => async () => {
    loads++;
    return v;
  };
  assert.is(await cache.get('a', 1000, load('A')), 'A');
  assert.is(await cache.get('a', 1000, load('A2')), 'A');
  clock.advance(1001);
  assert.is(await cache.get('a', 1000, load('A3')), 'A3', 'expired');
  await cache.get('b', 1000, load('B'));
  await cache.get('c', 1000, load('C'));
  assert.is(cache.stats().entries, 2, 'bounded');
  assert.is(await cache.get('a', 1000, load('A4')), 'A4', 'least recently used was evicted');
  let release!: (v: string) => void;
  const slow = () => new Promise<string>((r) => (release = r));
  const first = cache.get('d', 1000, slow);
  const second = cache.get('d', 1000, load('never'));
  release('D');
  assert.equal(await Promise.all([first, second]), ['D', 'D']);
  const stats = cache.stats();
  assert.is(stats.hits, 2);
  assert.is(stats.coalesced, 1);
  assert.is(stats.misses, 6);
  assert.ok(stats.evictions >= 1);
  assert.is(stats.hitRate, 0.25);
  assert.is(loads, 5);
});

test('cached backend: "now" aligned to 15 s, ranges to the step, normalised keys', async () => {
  const at = Date.UTC(2026, 10, 24, 11, 0, 7);
  const clock = new ManualClock(at);
  const fake = new FakeBackend({ query: (_q, o) => vector(Number(o.time) * 1000, [{ a: '1' }, 1]) });
  const cached = new CachedBackend(fake, clock);
  await cached.query('sum by (a,b) (x)');
  clock.advance(5_000);
  await cached.query('sum by(b, a)(x)');
  assert.is(fake.calls.filter((c) => c.method === 'query').length, 1);
  assert.is((fake.calls[0]!.args[1] as { time: number }).time, Date.UTC(2026, 10, 24, 11, 0, 0) / 1000);
  clock.advance(10_000); // now 11:00:22 -> next 15 s boundary
  await cached.query('sum by (a,b) (x)');
  assert.is(fake.calls.filter((c) => c.method === 'query').length, 2);

  await cached.queryRange('rate(x[5m])', { start: (at - 3_600_000) / 1000, end: at / 1000, step: 30 });
  clock.advance(3_000);
  await cached.queryRange('rate(x[5m])', { start: (at + 3_000 - 3_600_000) / 1000, end: (at + 3_000) / 1000, step: '30s' });
  const ranges = fake.calls.filter((c) => c.method === 'queryRange');
  assert.is(ranges.length, 1, 'the window moved by less than a step');
  assert.is((ranges[0]!.args[1] as { end: number }).end % 30, 0);
  const stats = cached.stats();
  assert.is(stats.hits, 2);
  assert.is(stats.misses, 3);
});

test('cached backend: recent answers expire quickly, historical ones slowly', async () => {
  const clock = new ManualClock(Date.UTC(2026, 10, 24, 11));
  const fake = new FakeBackend({ query: () => vector(0, [{}, 1]) });
  const cached = new CachedBackend(fake, clock, { recentTtlMs: 30_000, historicalTtlMs: 600_000 });
  const t0 = clock.now() / 1000;
  const old = t0 - 3600;
  await cached.query('x');
  await cached.query('x', { time: old });
  clock.advance(20_000);
  await cached.query('x', { time: t0 });
  assert.is(fake.calls.length, 2, 'the same instant as the first query, 20 s later');
  clock.advance(20_000);
  await cached.query('x', { time: t0 });
  assert.is(fake.calls.length, 3, 'recent answers expire after 30 s');
  clock.advance(60_000);
  await cached.query('x', { time: old });
  assert.is(fake.calls.length, 3, 'historical answers are still cached after 100 s');
});

test('cached backend: a request that joined a cancelled one asks again on its own', async () => {
  const clock = new ManualClock(Date.UTC(2026, 10, 24, 11));
  const first = new AbortController();
  let calls = 0;
  const fake = new FakeBackend({
    query: async (_q, o) => {
      calls++;
      await new Promise((r) => setTimeout(r, 5));
      if (o.signal?.aborted) throw backendError('canceled', { message: 'cancelled', hint: 'x', endpoint: '/api/v1/query' });
      return vector(0, [{}, 1]);
    },
  });
  const cached = new CachedBackend(fake, clock);
  const a = cached.query('x', { signal: first.signal });
  const b = cached.query('x', { signal: new AbortController().signal });
  first.abort();
  await a.then(() => assert.unreachable('a was cancelled'), (e: Error) => assert.match(e.message, /cancelled/));
  assert.is((await b).data.resultType, 'vector');
  assert.is(calls, 2);
});

test('time and step parsing', () => {
  assert.is(toEpochMs(1795518000), 1795518000000);
  assert.is(toEpochMs('2026-11-24T11:00:00Z'), Date.UTC(2026, 10, 24, 11));
  assert.is(stepMs('1m30s'), 90_000);
  assert.is(stepMs(15), 15_000);
  assert.throws(() => stepMs('soon'), /not a step/);
});

test.run();
