/**
 * Translation latency over the acceptance question set with a warm catalog (target p99 < 20 ms), and
 * entity resolution against a catalog of 10,000 synthetic label values (target < 100 ms per question;
 * building the index, done once per catalog change, is reported too).
 */
import { percentile, type Benchmark } from './harness.js';
import { staticCatalog } from '../mcp/translate/catalog.js';
import { ConversationContext } from '../mcp/translate/context.js';
import { EntityIndex } from '../mcp/translate/entity-index.js';
import { loadQuestions } from '../test/support/mcp/questions.js';
import { resolveEntities } from '../mcp/translate/resolve.js';
import { loadSnapshot } from '../mcp/translate/snapshot.js';
import { petCatalog, petNow } from '../test/support/mcp/pet-catalog.js';
import { tokenize } from '../mcp/translate/text.js';
import { translate } from '../mcp/translate/translate.js';

/** 10,000 pods over 200 services in 50 namespaces on 100 nodes, with their containers and metrics. */
function syntheticSeries(): Record<string, string>[] {
  const series: Record<string, string>[] = [];
  const words = ['cart', 'checkout', 'payment', 'search', 'catalog', 'inventory', 'shipping', 'user', 'auth', 'billing'];
  for (let i = 0; i < 10_000; i++) {
    const service = `${words[i % 10]}-${['api', 'worker', 'svc', 'gateway'][i % 4]}-${Math.floor(i / 40) % 200}`;
    const namespace = `team-${i % 50}`;
    const pod = `${service}-${(i * 2654435761 >>> 0).toString(36).slice(0, 10).padEnd(10, 'x')}-${(i * 40503).toString(36).slice(-5).padStart(5, 'z')}`;
    series.push({ __name__: 'container_memory_working_set_bytes', namespace, pod, container: service, node: `ip-10-0-${i % 100}-${(i * 7) % 250}.ec2.internal` });
  }
  return series;
}

const bench: Benchmark = {
  name: 'nl-to-promql',
  description: 'natural language -> PromQL: translation latency and entity resolution at scale',
  async run({ log }) {
    const questions = loadQuestions();
    const catalog = petCatalog();
    const ask = async (q: (typeof questions)[number]) => {
      const context = q.context ? new ConversationContext() : undefined;
      for (const previous of q.context ?? []) await translate(previous, { now: petNow, catalog, context });
      const start = performance.now();
      await translate(q.q, { now: petNow, catalog, context });
      return performance.now() - start;
    };
    for (const q of questions) await ask(q);
    const times: number[] = [];
    for (let round = 0; round < 5; round++) for (const q of questions) times.push(await ask(q));
    log(`${times.length} translations of ${questions.length} questions`);

    const big = staticCatalog(syntheticSeries());
    const loadStart = performance.now();
    const snapshot = await loadSnapshot(big);
    const load = performance.now() - loadStart;
    const coldStart = performance.now();
    const index = new EntityIndex(snapshot);
    const asks = ['memory of paymnt-api-17 pods in team-7', 'p95 latency of checkout worker 42 over the last hour', 'cpu of serch-svc-101 on ip-10-0-12-84', 'restarts of the inventory gateway 3 service'];
    const first = asks.map((q) => resolveEntities(q, tokenize(q), index));
    const cold = performance.now() - coldStart;
    log(`10k catalog: ${index.entities.length} entities; first resolution found ${first.map((r) => r.matches.map((m) => m.value).join('+') || '-').join(', ')}`);
    const warm: number[] = [];
    for (let round = 0; round < 50; round++) {
      for (const q of asks) {
        const start = performance.now();
        resolveEntities(q, tokenize(q), index);
        warm.push(performance.now() - start);
      }
    }
    const p99 = percentile(times, 99);
    const resolveP99 = percentile(warm, 99);
    return [
      { name: 'translation p50 (warm catalog)', value: percentile(times, 50), unit: 'ms' },
      { name: 'translation p99 (warm catalog)', value: p99, unit: 'ms', target: '< 20 ms', pass: p99 < 20 },
      { name: 'entity resolution p99, 10k label values', value: resolveP99, unit: 'ms', target: '< 100 ms', pass: resolveP99 < 100 },
      // Once per catalog change (at most once per TTL), not per question: reported, without a target.
      { name: 'index build + first resolutions, 10k values (cold)', value: cold, unit: 'ms' },
      { name: 'catalog snapshot of 10k series (static adapter)', value: load, unit: 'ms' },
    ];
  },
};

export default bench;
