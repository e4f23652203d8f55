/**
 * The Bedrock fallback, against a mocked Bedrock Runtime (aws-sdk-client-mock): asked only when the
 * rules are unsure, its answer validated before use, never called for confident translations.
 */
import { BedrockRuntimeClient, ConverseCommand } from '@aws-sdk/client-bedrock-runtime';
import { mockClient } from 'aws-sdk-client-mock';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { quietSdkWarnings } from '../../test/support/prometheus/quiet-sdk.js';
import { BedrockTranslator, parseAnswer } from './bedrock.js';
import { translate } from './translate.js';
import { petCatalog, petNow } from '../../test/support/mcp/pet-catalog.js';

quietSdkWarnings(test);
const bedrock = mockClient(BedrockRuntimeClient);
let client: BedrockRuntimeClient;
const reply = (text: string) => ({ output: { message: { role: 'assistant' as const, content: [{ text }] } }, stopReason: 'end_turn' as const, usage: { inputTokens: 10, outputTokens: 10, totalTokens: 20 }, metrics: { latencyMs: 5 } });

test.before.each(() => {
  bedrock.reset();
  client ??= new BedrockRuntimeClient({ region: 'us-west-2', credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' } });
});

test('an unsure translation asks Bedrock, and its validated answer is used', async () => {
  bedrock.on(ConverseCommand).resolves(reply('{"promql": "sum(kube_pod_info)", "queryType": "instant", "explanation": "pods known to kube-state-metrics"}'));
  const llm = new BedrockTranslator({ modelId: 'anthropic.claude-3-5-haiku-20241022-v1:0', client });
  const t = await translate('tell me something interesting', { now: petNow, catalog: petCatalog(), llm });
  assert.is(t.source, 'llm');
  assert.is(t.promql, 'sum(kube_pod_info)');
  assert.match(t.explanation, /LLM fallback/);
  const input = bedrock.commandCalls(ConverseCommand)[0]!.args[0].input;
  assert.is(input.modelId, 'anthropic.claude-3-5-haiku-20241022-v1:0');
  const prompt = input.messages![0]!.content![0]!;
  assert.ok('text' in prompt && prompt.text!.includes('petsearch') && prompt.text!.includes('container_memory_working_set_bytes'), 'the prompt lists catalog names');
});

test('a confident translation never calls Bedrock', async () => {
  bedrock.on(ConverseCommand).resolves(reply('{"promql": "up"}'));
  const llm = new BedrockTranslator({ modelId: 'm', client });
  const t = await translate('memory usage of petsite', { now: petNow, catalog: petCatalog(), llm });
  assert.is(t.source, 'rules');
  assert.is(bedrock.commandCalls(ConverseCommand).length, 0);
});

test('an invalid or refused LLM answer keeps the rule-based translation, with the reason', async () => {
  bedrock.on(ConverseCommand).resolves(reply('```promql\nsum(rate(http_requests_total[5m])\n```'));
  const llm = new BedrockTranslator({ modelId: 'm', client });
  const t = await translate('blah blah', { now: petNow, catalog: petCatalog(), llm });
  assert.is(t.source, 'rules');
  assert.ok(t.suggestions!.some((s) => /LLM fallback proposed .* refused/.test(s)), JSON.stringify(t.suggestions));

  bedrock.on(ConverseCommand).resolves(reply('{"promql": "http_request_duration_seconds_bucket"}'));
  const unbounded = await translate('blah blah', { now: petNow, catalog: petCatalog(), llm });
  assert.ok(unbounded.suggestions!.some((s) => /high-cardinality/.test(s)));
});

test('a failing Bedrock call is reported, not thrown', async () => {
  bedrock.on(ConverseCommand).rejects(new Error('AccessDeniedException: not authorized to invoke model'));
  const t = await translate('blah blah', { now: petNow, catalog: petCatalog(), llm: new BedrockTranslator({ modelId: 'm', client }) });
  assert.ok(t.suggestions!.some((s) => /LLM fallback failed: AccessDenied/.test(s)));
});

test('answers are read from JSON, fenced blocks, or refused when empty', () => {
  assert.equal(parseAnswer('Sure! {"promql": "up", "queryType": "range"}'), { promql: 'up', queryType: 'range' });
  assert.equal(parseAnswer('```promql\nnode_load1\n```'), { promql: 'node_load1' });
  assert.is(parseAnswer('{"promql": ""}'), undefined);
  assert.is(parseAnswer('I do not know'), undefined);
});

test.run();
