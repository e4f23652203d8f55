/**
 * The Metrics port over the Prometheus HTTP API (the local target's Prometheus, or a SigV4 proxy in
 * front of AMP on eks): instant and range queries, and the alerts Prometheus evaluates.
 */
import type { FiringAlert, Metrics, Sample, Series } from './ports.js';

interface ApiAnswer<T> {
  status: 'success' | 'error';
  data?: T;
  error?: string;
}

export class PrometheusMetrics implements Metrics {
  constructor(readonly url: string, private readonly timeoutMs = 10_000) {}

  async query(promql: string): Promise<Sample[]> {
    const data = await this.get<{ resultType: string; result: { metric: Record<string, string>; value: [number, string] }[] }>('/api/v1/query', { query: promql });
    if (data.resultType === 'scalar') return [{ labels: {}, value: Number((data.result as unknown as [number, string])[1]) }];
    return data.result.map((r) => ({ labels: r.metric, value: Number(r.value[1]) }));
  }

  async queryRange(promql: string, startSeconds: number, endSeconds: number, stepSeconds: number): Promise<Series[]> {
    const data = await this.get<{ result: { metric: Record<string, string>; values: [number, string][] }[] }>('/api/v1/query_range', {
      query: promql,
      start: String(startSeconds),
      end: String(endSeconds),
      step: String(stepSeconds),
    });
    return data.result.map((r) => ({ labels: r.metric, values: r.values.map(([t, v]) => [t, Number(v)] as [number, number]) }));
  }

  async alerts(): Promise<FiringAlert[]> {
    const data = await this.get<{ alerts: { labels: Record<string, string>; state: string; activeAt: string }[] }>('/api/v1/alerts', {});
    return data.alerts
      .filter((a) => a.state === 'firing' || a.state === 'pending')
      .map((a) => ({ name: a.labels.alertname ?? '', state: a.state as FiringAlert['state'], labels: a.labels, activeAt: a.activeAt }));
  }

  private async get<T>(path: string, params: Record<string, string>): Promise<T> {
    const url = `${this.url.replace(/\/+$/, '')}${path}?${new URLSearchParams(params)}`;
    let response: Response;
    try {
      response = await fetch(url, { signal: AbortSignal.timeout(this.timeoutMs) });
    } catch (error) {
      throw new Error(`Prometheus at ${this.url} did not answer ${path} (${(error as Error).message}); is it running? (local-cluster status)`);
    }
    const body = (await response.json().catch(() => ({ status: 'error', error: `HTTP ${response.status}, not JSON` }))) as ApiAnswer<T>;
    if (body.status !== 'success' || body.data === undefined) throw new Error(`Prometheus ${path} failed: ${body.error ?? `HTTP ${response.status}`}${params.query ? ` (query: ${params.query})` : ''}`);
    return body.data;
  }
}
