/**
 * The Metrics port over the kit's Prometheus client (lib/prometheus/client; the local target's
 * Prometheus, or a SigV4 proxy in front of AMP on eks): instant and range queries in the shared metric
 * types (lib/prometheus/series), and the alerts Prometheus evaluates.
 */
import { isBackendError, PrometheusBackend, type MetricsBackend } from '../lib/prometheus/client/index.js';
import { instantValues, seriesOf } from '../lib/prometheus/series.js';
import type { FiringAlert, InstantValue, Metrics, Series } from './ports.js';

export class PrometheusMetrics implements Metrics {
  private readonly backend: MetricsBackend;

  constructor(
    readonly url: string,
    timeoutMs = 10_000,
    /** Another backend behind `url` (eks: the stack's AMP workspace, signed with SigV4). */
    backend?: MetricsBackend,
  ) {
    this.backend = backend ?? new PrometheusBackend({ url, requestTimeoutMs: timeoutMs });
  }

  async query(promql: string): Promise<InstantValue[]> {
    const answer = await this.call('/api/v1/query', () => this.backend.query(promql), promql);
    return instantValues(answer.data);
  }

  async queryRange(promql: string, startSeconds: number, endSeconds: number, stepSeconds: number): Promise<Series[]> {
    const answer = await this.call('/api/v1/query_range', () => this.backend.queryRange(promql, { start: startSeconds, end: endSeconds, step: stepSeconds }), promql);
    return seriesOf(answer.data.result);
  }

  async alerts(): Promise<FiringAlert[]> {
    const answer = await this.call('/api/v1/alerts', () => this.backend.alerts());
    return answer.data.alerts
      .filter((a) => a.state === 'firing' || a.state === 'pending')
      .map((a) => ({ name: a.labels.alertname ?? '', state: a.state as FiringAlert['state'], labels: a.labels, activeAt: a.activeAt ?? '' }));
  }

  /** The client's failures in the runner's words: where Prometheus did not answer, or what it refused. */
  private async call<T>(path: string, run: () => Promise<T>, query?: string): Promise<T> {
    try {
      return await run();
    } catch (error) {
      if (isBackendError(error) && (error.kind === 'unavailable' || error.kind === 'timeout') && error.status === undefined) {
        throw new Error(`Prometheus at ${this.url} did not answer ${path} (${error.message}); ${this.url.includes('aps-workspaces') ? 'check the network and the AMP workspace (AmpWorkspaceId)' : 'is it running? (local-cluster status)'}`, { cause: error });
      }
      throw new Error(`Prometheus ${path} failed: ${(error as Error).message}${query ? ` (query: ${query})` : ''}`, { cause: error });
    }
  }
}
