/**
 * CloudWatch evidence on EKS: Container Insights metrics (GetMetricData, including the enhanced
 * observability metrics such as `pod_memory_utilization_over_pod_limit`) and Logs Insights queries
 * (StartQuery, then GetQueryResults polled until the query completes or our deadline passes, in which
 * case the query is stopped so it does not keep scanning on the account's bill).
 *
 * Logs Insights allows a few concurrent queries per account (LimitExceededException) and StartQuery
 * is rate limited: both are throttling, which the SDK retries with back-off (its standard retry mode)
 * behind our token bucket.
 */
import { CloudWatchClient, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { CloudWatchLogsClient, GetQueryResultsCommand, StartQueryCommand, StopQueryCommand } from '@aws-sdk/client-cloudwatch-logs';
import { EvidenceUnavailable, type CloudWatchEvidence, type Sample } from '../ports.js';
import { systemClock, type Sleep } from '../../core/clock.js';
import { RateLimit } from '../../lib/platform/rate-limit.js';
import { awsClientConfig, classifyAwsError } from './aws-errors.js';
import { resilientCall, type ResilienceOptions } from './resilience.js';
import { defineEvidenceSource } from './source.js';

export interface CloudWatchEvidenceOptions {
  metricsClient?: CloudWatchClient;
  logsClient?: CloudWatchLogsClient;
  region?: string;
  /** Waits between GetQueryResults polls (tests pass a fake). */
  sleep?: Sleep;
  /** Between two GetQueryResults polls. */
  pollIntervalMs?: number;
  /** A Logs Insights query still running after this long is stopped and reported as a gap. */
  queryTimeoutMs?: number;
  /** Most rows returned by a Logs Insights query. */
  queryLimit?: number;
  now?: () => number;
}

export const cloudwatchSource = defineEvidenceSource({
  id: 'cloudwatch',
  description: 'CloudWatch on EKS: Container Insights metrics and Logs Insights queries',
  configKeys: ['region', 'clusterName'],
  readBy: ['cloudwatch', 'logs-insights'],
  // Both are needed: the metrics' dimensions and the log groups name the cluster.
  create: ({ region, clusterName }) => (region && clusterName ? new AwsCloudWatchEvidence({ region }) : undefined),
});

/** The SDK retries (and times out its requests); one attempt of ours, under the rate limit. */
function sdkRetried(source: 'cloudwatch' | 'cloudwatch-logs', service: string, limiter: RateLimit): ResilienceOptions {
  return { source, classify: classifyAwsError(service), limiter, policy: { maxAttempts: 1, attemptTimeoutMs: 0 } };
}

export class AwsCloudWatchEvidence implements CloudWatchEvidence {
  private readonly metrics: CloudWatchClient;
  private readonly logs: CloudWatchLogsClient;
  private readonly metricLimiter: RateLimit;
  private readonly logsLimiter: RateLimit;
  private readonly sleep: Sleep;
  private readonly now: () => number;

  constructor(private readonly options: CloudWatchEvidenceOptions = {}) {
    const region = options.region ?? process.env.AWS_REGION ?? 'us-west-2';
    this.metrics = options.metricsClient ?? new CloudWatchClient(awsClientConfig(region));
    this.logs = options.logsClient ?? new CloudWatchLogsClient(awsClientConfig(region));
    this.sleep = options.sleep ?? systemClock.sleep;
    this.now = options.now ?? systemClock.now;
    // GetMetricData: 50 TPS per account; StartQuery / GetQueryResults: 5 TPS.
    this.metricLimiter = new RateLimit(20, 20);
    this.logsLimiter = new RateLimit(5, 5);
  }

  async metric(options: { namespace: string; metricName: string; dimensions: Record<string, string>; stat: string; start: number; end: number; periodSeconds: number; signal?: AbortSignal }): Promise<Sample[]> {
    const samples: Sample[] = [];
    let token: string | undefined;
    const dims = Object.entries(options.dimensions).map(([k, v]) => `${k}=${v}`).join(',');
    for (let page = 0; page < 10; page++) {
      const answer = await resilientCall(
        `GetMetricData ${options.metricName}{${dims}}`,
        (signal) =>
          this.metrics.send(
            new GetMetricDataCommand({
              StartTime: new Date(options.start * 1000),
              EndTime: new Date(options.end * 1000),
              ScanBy: 'TimestampAscending',
              ...(token ? { NextToken: token } : {}),
              MetricDataQueries: [
                {
                  Id: 'm0',
                  ReturnData: true,
                  MetricStat: {
                    Metric: { Namespace: options.namespace, MetricName: options.metricName, Dimensions: Object.entries(options.dimensions).map(([Name, Value]) => ({ Name, Value })) },
                    Period: options.periodSeconds,
                    Stat: options.stat,
                  },
                },
              ],
            }),
            { abortSignal: signal },
          ),
        sdkRetried('cloudwatch', 'CloudWatch', this.metricLimiter),
        options.signal,
      );
      for (const result of answer.MetricDataResults ?? []) {
        const times = result.Timestamps ?? [];
        const values = result.Values ?? [];
        for (let i = 0; i < Math.min(times.length, values.length); i++) samples.push({ t: new Date(times[i]!).getTime() / 1000, v: values[i]! });
      }
      const denied = (answer.Messages ?? []).find((m) => m.Code === 'Forbidden' || m.Code === 'InternalError');
      if (denied) throw new EvidenceUnavailable('cloudwatch', `GetMetricData ${options.metricName}: ${denied.Code}: ${denied.Value}`, denied.Code === 'InternalError');
      token = answer.NextToken;
      if (!token) break;
    }
    return samples.sort((a, b) => a.t - b.t);
  }

  async logsInsights(options: { logGroups: string[]; query: string; start: number; end: number; signal?: AbortSignal }): Promise<Record<string, string>[]> {
    const policy = sdkRetried('cloudwatch-logs', 'CloudWatch Logs', this.logsLimiter);
    const started = await resilientCall(
      `StartQuery on ${options.logGroups.join(', ')}`,
      (signal) =>
        this.logs.send(
          new StartQueryCommand({ logGroupNames: options.logGroups, queryString: options.query, startTime: Math.floor(options.start), endTime: Math.ceil(options.end), limit: this.options.queryLimit ?? 1000 }),
          { abortSignal: signal },
        ),
      policy,
      options.signal,
    );
    const queryId = started.queryId;
    if (!queryId) throw new EvidenceUnavailable('cloudwatch-logs', 'StartQuery returned no queryId', true);
    const deadline = this.now() + (this.options.queryTimeoutMs ?? 60_000);
    for (;;) {
      const answer = await resilientCall(`GetQueryResults ${queryId}`, (signal) => this.logs.send(new GetQueryResultsCommand({ queryId }), { abortSignal: signal }), policy, options.signal);
      switch (answer.status) {
        case 'Complete':
          return (answer.results ?? []).map((row) => Object.fromEntries(row.filter((f) => f.field && f.field !== '@ptr').map((f) => [f.field!, f.value ?? ''])));
        case 'Failed':
        case 'Cancelled':
        case 'Timeout':
        case 'Unknown':
          throw new EvidenceUnavailable('cloudwatch-logs', `Logs Insights query ${queryId} ended ${answer.status}`, answer.status === 'Timeout');
        default:
          break;
      }
      if (this.now() >= deadline || options.signal?.aborted) {
        await this.logs.send(new StopQueryCommand({ queryId })).catch(() => undefined);
        throw new EvidenceUnavailable('cloudwatch-logs', `Logs Insights query ${queryId} still ${answer.status ?? 'running'} after ${this.options.queryTimeoutMs ?? 60_000} ms; stopped it`, true);
      }
      try {
        await this.sleep(this.options.pollIntervalMs ?? 1_000, options.signal);
      } catch {
        await this.logs.send(new StopQueryCommand({ queryId })).catch(() => undefined);
        throw new EvidenceUnavailable('cloudwatch-logs', `Logs Insights query ${queryId} cancelled`, false);
      }
    }
  }
}
