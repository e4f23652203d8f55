/**
 * The optional LLM fallback port. The rules translate most questions; when they are unsure (low
 * confidence) and an LLM is configured, it is asked with a summary of the catalog. Its answer is never
 * trusted as is: it must parse and pass the guardrails like any other query.
 */
export interface LlmRequest {
  question: string;
  /** Epoch ms "now", for relative times. */
  now: number;
  /** What the catalog has, so the model uses real metric names and label values. */
  catalog: {
    metrics: string[];
    namespaces: string[];
    services: string[];
    nodes: string[];
  };
  /** The deterministic attempt, if any, as a hint. */
  draft?: { promql: string; confidence: number };
  /** The previous questions of the conversation, most recent last. */
  history?: { question: string; promql: string }[];
}

export interface LlmAnswer {
  promql: string;
  queryType?: 'instant' | 'range';
  explanation?: string;
}

export interface LlmTranslator {
  /** Resolves undefined when the model declines (no answer it is sure of). */
  translate(request: LlmRequest, options?: { signal?: AbortSignal }): Promise<LlmAnswer | undefined>;
}
