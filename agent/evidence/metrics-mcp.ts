/**
 * Metrics evidence through our Prometheus MCP server: the agent is an MCP client over streamable HTTP
 * and calls the server's tools (`execute_query`, `execute_range_query`, `detect_anomalies`), reading
 * their `structuredContent`. Going through the MCP server keeps one place for PromQL validation,
 * caching, AMP signing and anomaly detection, exactly what an LLM agent would use.
 *
 * The session is opened lazily and re-opened after a transport failure (the server may restart). A
 * tool answering `isError` is a gap with the server's own message; an unreachable server is retryable.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport, StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { EvidenceUnavailable, type MetricsEvidence, type Series } from '../ports.js';
import type { MetricAnomaly } from './metrics-prometheus.js';
import { abbreviate } from './metrics-prometheus.js';
import { RateLimit } from '../../lib/platform/rate-limit.js';
import { messageOf, networkErrorCode, resilientCall, type Classify, type RetryPolicy, type Sleep } from './resilience.js';

export interface McpMetricsOptions {
  /** The MCP endpoint, e.g. http://127.0.0.1:8090/mcp. */
  url: string;
  /** Extra headers (a bearer token in front of the server). */
  headers?: Record<string, string>;
  ratePerSecond?: number;
  /** The MCP client does not retry by itself: this is the one retry layer of the MCP path. */
  retry?: Partial<RetryPolicy>;
  /** Waits between retries (tests pass a fake). */
  sleep?: Sleep;
  clientName?: string;
}

interface ToolResult {
  isError?: boolean;
  structuredContent?: unknown;
  content?: { type: string; text?: string }[];
}

/** A tool said no (bad PromQL, backend error): its text is the reason. */
class ToolError extends Error {
  constructor(
    readonly tool: string,
    message: string,
    readonly retryable: boolean,
  ) {
    super(message);
  }
}

const classify: Classify = (error) => {
  if (error instanceof ToolError) return { retryable: error.retryable, reason: `${error.tool} failed: ${error.message}` };
  const code = networkErrorCode(error);
  if (code) return { retryable: true, reason: `MCP server unreachable (${code})` };
  const message = messageOf(error);
  // The SDK reports HTTP failures as a StreamableHTTPError carrying the status (older versions only in
  // the message, "Error POSTing to endpoint (HTTP 503): ...") and fetch failures as "fetch failed".
  const status = error instanceof StreamableHTTPError && typeof error.code === 'number' && error.code >= 400 ? String(error.code) : /HTTP (\d{3})/.exec(message)?.[1];
  if (status === '401' || status === '403') {
    return { retryable: false, reason: `MCP server answered HTTP ${status}: it requires its API key; give the agent --mcp-api-key-file or --mcp-api-key-secret with the key the server was started with` };
  }
  if (status) return { retryable: status === '429' || status.startsWith('5'), reason: `MCP server answered HTTP ${status}` };
  if (/fetch failed|ECONNREFUSED|socket|network|timed out|timeout/i.test(message)) return { retryable: true, reason: `MCP server unreachable: ${message}` };
  return { retryable: false, reason: `MCP call failed: ${message}` };
};

export class McpMetrics implements MetricsEvidence {
  private client?: Promise<Client>;
  private readonly limiter: RateLimit;

  constructor(private readonly options: McpMetricsOptions) {
    this.limiter = new RateLimit(options.ratePerSecond ?? 20, 10);
  }

  async instant(promql: string, options: { at?: number; signal?: AbortSignal } = {}): Promise<{ labels: Record<string, string>; value: number }[]> {
    const args: Record<string, unknown> = { query: promql };
    if (options.at !== undefined) args.time = new Date(options.at * 1000).toISOString();
    const content = await this.tool('execute_query', args, `instant query ${abbreviate(promql)}`, options.signal);
    return instantFromStructured(content);
  }

  async range(promql: string, options: { start: number; end: number; stepSeconds: number; signal?: AbortSignal }): Promise<Series[]> {
    const args = { query: promql, start: new Date(options.start * 1000).toISOString(), end: new Date(options.end * 1000).toISOString(), step: `${options.stepSeconds}s` };
    const content = await this.tool('execute_range_query', args, `range query ${abbreviate(promql)}`, options.signal);
    return rangeFromStructured(content);
  }

  async anomalies(promql: string, options: { start: number; end: number; stepSeconds: number; signal?: AbortSignal }): Promise<MetricAnomaly[]> {
    const args = { query: promql, start: new Date(options.start * 1000).toISOString(), end: new Date(options.end * 1000).toISOString(), step: `${options.stepSeconds}s` };
    const content = await this.tool('detect_anomalies', args, `anomaly detection on ${abbreviate(promql)}`, options.signal);
    return anomaliesFromStructured(content);
  }

  async close(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    if (client) await client.then((c) => c.close()).catch(() => undefined);
  }

  private async tool(name: string, args: Record<string, unknown>, operation: string, signal?: AbortSignal): Promise<unknown> {
    return resilientCall(
      operation,
      async (attemptSignal) => {
        let client: Client;
        try {
          client = await this.connect();
        } catch (error) {
          this.client = undefined;
          throw error;
        }
        let result: ToolResult;
        try {
          result = (await client.callTool({ name, arguments: args }, undefined, { signal: attemptSignal })) as ToolResult;
        } catch (error) {
          // The session may be gone (server restarted): reconnect on the next attempt.
          if (classify(error).retryable) void this.close();
          throw error;
        }
        if (result.isError) {
          const text = (result.content ?? []).map((c) => c.text ?? '').join(' ').trim() || 'the tool reported an error';
          throw new ToolError(name, text.slice(0, 400), /unavailable|timeout|timed out|too many requests|429|503|502/i.test(text));
        }
        if (result.structuredContent === undefined) throw new ToolError(name, 'the tool returned no structuredContent', false);
        return result.structuredContent;
      },
      { source: 'prometheus', classify, limiter: this.limiter, sleep: this.options.sleep, policy: { attemptTimeoutMs: 30_000, ...this.options.retry } },
      signal,
    );
  }

  private connect(): Promise<Client> {
    this.client ??= (async () => {
      const client = new Client({ name: this.options.clientName ?? 'devops-agent', version: '0.1.0' });
      const transport = new StreamableHTTPClientTransport(new URL(this.options.url), { requestInit: { headers: this.options.headers ?? {} } });
      await client.connect(transport);
      return client;
    })();
    return this.client;
  }
}

// ---------------------------------------------------------------------------------------------
// structuredContent readers. Our server answers with a result *view* (`result: {resultType, series:
// [{labels, value | points}], commonLabels, scalar}`), capped to the most significant series; the raw
// Prometheus `data` (`{resultType, result}`) is accepted too, so a plain Prometheus-backed MCP server
// works as well. Queries are written to return few series (thresholds inside the PromQL), so the cap
// rarely bites; when it does, the view says so and the strongest series are the ones kept.
// ---------------------------------------------------------------------------------------------

interface PromData {
  resultType: string;
  result?: unknown;
  series?: unknown;
  scalar?: { value?: unknown; time?: unknown };
  commonLabels?: Record<string, string>;
}

function findPromData(content: unknown, depth = 0): PromData | undefined {
  if (!content || typeof content !== 'object' || depth > 3) return undefined;
  const record = content as Record<string, unknown>;
  if (typeof record.resultType === 'string' && ('result' in record || 'series' in record || 'scalar' in record)) return record as unknown as PromData;
  for (const key of ['result', 'data', 'results', 'response']) {
    const found = findPromData(record[key], depth + 1);
    if (found) return found;
  }
  return undefined;
}

type LooseSeries = { metric?: Record<string, string>; labels?: Record<string, string>; value?: unknown; values?: unknown[]; points?: unknown[] };

function seriesList(data: PromData): LooseSeries[] {
  const list = Array.isArray(data.series) ? data.series : Array.isArray(data.result) ? data.result : [];
  const common = data.commonLabels ?? {};
  return (list as LooseSeries[]).map((s) => ({ ...s, labels: { ...common, ...(s.metric ?? s.labels ?? {}) } }));
}

function labelsOf(s: LooseSeries): Record<string, string> {
  const { __name__: _name, ...rest } = s.labels ?? s.metric ?? {};
  return rest;
}

function pairValue(pair: unknown): { t: number; v: number } | undefined {
  if (Array.isArray(pair) && pair.length >= 2) return { t: toSeconds(pair[0]), v: Number(pair[1]) };
  if (pair && typeof pair === 'object') {
    const p = pair as { t?: unknown; timestamp?: unknown; time?: unknown; v?: unknown; value?: unknown };
    const t = p.t ?? p.timestamp ?? p.time;
    const v = p.v ?? p.value;
    if (t !== undefined && v !== undefined) return { t: toSeconds(t), v: Number(v) };
  }
  return undefined;
}

function toSeconds(value: unknown): number {
  if (typeof value === 'number') return value > 1e11 ? value / 1000 : value;
  const n = Number(value);
  if (!Number.isNaN(n)) return n > 1e11 ? n / 1000 : n;
  return Date.parse(String(value)) / 1000;
}

export function instantFromStructured(content: unknown): { labels: Record<string, string>; value: number }[] {
  const data = findPromData(content);
  if (!data) throw new EvidenceUnavailable('prometheus', 'execute_query returned structuredContent without a Prometheus result', false);
  if (data.resultType === 'scalar') {
    const value = data.scalar ? Number(data.scalar.value) : (pairValue(data.result)?.v ?? Number.NaN);
    return [{ labels: {}, value }];
  }
  return seriesList(data).flatMap((s) => {
    const sample = typeof s.value === 'number' ? { v: s.value } : s.value !== undefined ? pairValue(s.value) : pairValue((s.values ?? s.points)?.[(s.values ?? s.points)!.length - 1]);
    return sample ? [{ labels: labelsOf(s), value: sample.v }] : [];
  });
}

export function rangeFromStructured(content: unknown): Series[] {
  const data = findPromData(content);
  if (!data) throw new EvidenceUnavailable('prometheus', 'execute_range_query returned structuredContent without a Prometheus result', false);
  return seriesList(data).map((s) => ({ labels: labelsOf(s), samples: (s.values ?? s.points ?? []).map(pairValue).filter((p): p is { t: number; v: number } => p !== undefined) }));
}

interface AnomalySeries {
  metric?: Record<string, string>;
  anomalies?: { start?: string; peakAt?: string; kind?: string; severity?: string; score?: number; explanation?: string }[];
}

export function anomaliesFromStructured(content: unknown): MetricAnomaly[] {
  const series = (content as { series?: AnomalySeries[] } | undefined)?.series;
  if (!Array.isArray(series)) throw new EvidenceUnavailable('prometheus', 'detect_anomalies returned structuredContent without series', false);
  return series.flatMap((s) =>
    (s.anomalies ?? []).map((a) => ({
      labels: labelsOf({ labels: s.metric ?? {} }),
      kind: a.kind ?? 'outlier',
      severity: a.severity ?? 'warning',
      score: a.score ?? 0,
      explanation: a.explanation ?? '',
      at: toSeconds(a.start ?? a.peakAt ?? 0),
    })),
  );
}
