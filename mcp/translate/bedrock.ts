/**
 * The LLM fallback on Amazon Bedrock (Converse API). Used only when configured (a model id) and only
 * for questions the rules are unsure of; its answer still goes through validation. The SDK is loaded
 * on first use, so the server starts without it when no model is configured.
 */
import type { BedrockRuntimeClient, ConverseCommandOutput } from '@aws-sdk/client-bedrock-runtime';
import type { LlmAnswer, LlmRequest, LlmTranslator } from './llm.js';
import { awsRetry } from '../../lib/platform/retry.js';

export interface BedrockTranslatorOptions {
  /** Model or inference profile id, e.g. `anthropic.claude-3-5-haiku-20241022-v1:0`. */
  modelId: string;
  /** A ready client (tests pass a mocked one); otherwise one is made for `region`. */
  client?: Pick<BedrockRuntimeClient, 'send'>;
  region?: string;
  maxTokens?: number;
}

const systemPrompt = `You translate questions about a Kubernetes cluster's metrics into one PromQL query for Prometheus.
Use only the metric names and label values listed. Conventions: counters with rate(...[5m]); a service's
containers are selected with container="<service>" (cAdvisor, kube-state-metrics) or service="<service>"
(http_requests_total, http_request_duration_seconds_*); latency percentiles with
histogram_quantile(q, sum by (le) (rate(..._bucket[5m]))); error rate as the 5xx share of requests.
Answer with one JSON object and nothing else: {"promql": "...", "queryType": "instant" | "range", "explanation": "..."}.
If the question cannot be answered from these metrics, answer {"promql": ""}.`;

function userPrompt(r: LlmRequest): string {
  const lines = [
    `Question: ${r.question}`,
    `Now: ${new Date(r.now).toISOString()}`,
    `Metrics: ${r.catalog.metrics.slice(0, 300).join(', ')}`,
    `Namespaces: ${r.catalog.namespaces.join(', ')}`,
    `Services: ${r.catalog.services.slice(0, 200).join(', ')}`,
    `Nodes: ${r.catalog.nodes.slice(0, 50).join(', ')}`,
  ];
  if (r.history?.length) lines.push(`Earlier in this conversation:\n${r.history.slice(-5).map((h) => `- ${h.question} -> ${h.promql}`).join('\n')}`);
  if (r.draft) lines.push(`A rule-based draft (confidence ${r.draft.confidence}): ${r.draft.promql}`);
  return lines.join('\n');
}

/** The model's text: a JSON object, possibly in a code fence, or a bare ```promql block. */
export function parseAnswer(text: string): LlmAnswer | undefined {
  const json = /\{[\s\S]*\}/.exec(text)?.[0];
  if (json) {
    try {
      const parsed = JSON.parse(json) as Partial<LlmAnswer>;
      if (typeof parsed.promql !== 'string' || parsed.promql.trim() === '') return undefined;
      return {
        promql: parsed.promql.trim(),
        ...(parsed.queryType === 'range' || parsed.queryType === 'instant' ? { queryType: parsed.queryType } : {}),
        ...(typeof parsed.explanation === 'string' ? { explanation: parsed.explanation } : {}),
      };
    } catch {
      // fall through to a fenced query
    }
  }
  const fenced = /```(?:promql)?\s*([\s\S]*?)```/.exec(text)?.[1]?.trim();
  return fenced ? { promql: fenced } : undefined;
}

export class BedrockTranslator implements LlmTranslator {
  private client?: Pick<BedrockRuntimeClient, 'send'>;

  constructor(private readonly options: BedrockTranslatorOptions) {
    this.client = options.client;
  }

  private async runtime(): Promise<{ client: Pick<BedrockRuntimeClient, 'send'>; ConverseCommand: typeof import('@aws-sdk/client-bedrock-runtime').ConverseCommand }> {
    const sdk = await import('@aws-sdk/client-bedrock-runtime');
    this.client ??= new sdk.BedrockRuntimeClient({ region: this.options.region, ...awsRetry() });
    return { client: this.client, ConverseCommand: sdk.ConverseCommand };
  }

  async translate(request: LlmRequest, options: { signal?: AbortSignal } = {}): Promise<LlmAnswer | undefined> {
    const { client, ConverseCommand } = await this.runtime();
    const command = new ConverseCommand({
      modelId: this.options.modelId,
      system: [{ text: systemPrompt }],
      messages: [{ role: 'user', content: [{ text: userPrompt(request) }] }],
      inferenceConfig: { maxTokens: this.options.maxTokens ?? 400, temperature: 0 },
    });
    const output = (await client.send(command, { abortSignal: options.signal })) as ConverseCommandOutput;
    const text = (output.output?.message?.content ?? []).map((c) => ('text' in c && typeof c.text === 'string' ? c.text : '')).join('');
    return parseAnswer(text);
  }
}

/** The Bedrock fallback when `BEDROCK_MODEL_ID` is set (region from `BEDROCK_REGION` or `AWS_REGION`), else none. */
export function bedrockTranslatorFromEnv(env: NodeJS.ProcessEnv = process.env): BedrockTranslator | undefined {
  const modelId = env.BEDROCK_MODEL_ID;
  if (!modelId) return undefined;
  return new BedrockTranslator({ modelId, region: env.BEDROCK_REGION ?? env.AWS_REGION });
}
