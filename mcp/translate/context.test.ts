/**
 * Conversation context: follow-ups take what they leave out from the previous question (entities,
 * measure, time), the context serialises to JSON and back, and sessions never share it.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ConversationContext } from './context.js';
import { translate } from './translate.js';
import { petCatalog, petNow } from '../../test/support/mcp/pet-catalog.js';

const catalog = petCatalog();

async function conversation(questions: string[], context = new ConversationContext()) {
  const out = [];
  for (const q of questions) out.push(await translate(q, { now: petNow, catalog, context }));
  return out;
}

test('"and for X?" swaps the entity and keeps the measure', async () => {
  const [, t] = await conversation(['How much memory is petsite using?', 'and for petsearch?']);
  assert.is(t!.promql, 'sum(container_memory_working_set_bytes{namespace="petadoptions", container="petsearch"})');
  assert.equal(t!.entities, { service: ['petsearch'] });
});

test('"same for the last 6 hours" keeps everything but the time', async () => {
  const [, t] = await conversation(['p95 latency of petsearch', 'same for the last 6 hours']);
  assert.is(t!.promql, 'histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket{service="petsearch"}[6h])))');
  assert.is(t!.range.description, 'last 6 hours');
});

test('"compare with yesterday" adds a baseline to the previous question', async () => {
  const [, t] = await conversation(['request rate of petsite', 'compare with yesterday']);
  assert.is(t!.intent, 'comparison');
  assert.is(t!.promql, 'sum(rate(http_requests_total{service="petsite"}[5m])) / sum(rate(http_requests_total{service="petsite"}[5m] offset 1d))');
});

test('"what about p99?" changes the percentile only', async () => {
  const [, t] = await conversation(['p95 latency per route of petsite over the last 30 minutes', 'what about p99?']);
  assert.is(t!.promql, 'histogram_quantile(0.99, sum by (le, route) (rate(http_request_duration_seconds_bucket{service="petsite"}[30m])))');
});

test('a new measure keeps the entities and the shape (ranking, grouping)', async () => {
  const [, t] = await conversation(['top 3 pods by memory in kube-system', 'what about cpu?']);
  assert.is(t!.promql, 'topk(3, sum by (pod) (rate(container_cpu_usage_seconds_total{namespace="kube-system", container!="", container!="POD"}[5m])))');
});

test('a complete new question is not a follow-up', async () => {
  const [, t] = await conversation(['memory of petsite over the last hour', 'how many pods are running in kube-system']);
  assert.is(t!.promql, 'sum(kube_pod_status_phase{namespace="kube-system", phase="Running"})');
  assert.is(t!.queryType, 'instant');
});

test('the context survives JSON and is per session', async () => {
  const first = new ConversationContext();
  await conversation(['error rate of payforadoption'], first);
  const restored = ConversationContext.fromJSON(JSON.parse(JSON.stringify(first)));
  assert.is(restored.last()!.question, 'error rate of payforadoption');
  const [t] = await conversation(['and for petsearch'], restored);
  assert.match(t!.promql, /service="petsearch", code=~"5\.\."/);
  const [alone] = await conversation(['and for petsearch'], new ConversationContext());
  assert.is(alone!.intent, 'health', 'another session knows nothing of the first');
  assert.throws(() => ConversationContext.fromJSON('{"turns": 3}'), /not a serialized ConversationContext/);
  restored.clear();
  assert.is(restored.last(), undefined);
});

test('gibberish after a question is not a follow-up: not understood, and not remembered', async () => {
  const context = new ConversationContext();
  const [, gibberish, hello, followUp] = await conversation(['How much memory is petsite using?', 'asdf qwerty', 'hello', 'and for petsearch?'], context);
  for (const t of [gibberish!, hello!]) {
    assert.is(t.promql, '');
    assert.is(t.intent, 'unknown');
    assert.ok(t.confidence < 0.5, String(t.confidence));
    assert.not.match(t.explanation, /Follow-up/);
  }
  assert.is(followUp!.promql, 'sum(container_memory_working_set_bytes{namespace="petadoptions", container="petsearch"})', 'the follow-up refers to the last question understood');
  assert.equal(context.history().map((t) => t.question), ['How much memory is petsite using?', 'and for petsearch?']);
});

test('a follow-up refers to the previous question by its phrasing or by what it changes', async () => {
  for (const next of ['per pod please', 'same for the last 6 hours', 'what about petsearch?', 'top 3', 'yesterday']) {
    const [, t] = await conversation(['memory of petsite', next]);
    assert.match(t!.explanation, /Follow-up/, next);
    assert.match(t!.promql, /container_memory_working_set_bytes/, next);
  }
});

test.run();
