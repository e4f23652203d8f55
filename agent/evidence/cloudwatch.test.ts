import { CloudWatchClient, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import * as logsSdk from '@aws-sdk/client-cloudwatch-logs';
import { CloudWatchLogsClient, GetQueryResultsCommand, LimitExceededException, StartQueryCommand, StopQueryCommand } from '@aws-sdk/client-cloudwatch-logs';
import { mockClient } from 'aws-sdk-client-mock';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { EvidenceUnavailable } from '../ports.js';
import { AwsCloudWatchEvidence } from './cloudwatch.js';
import { containerInsightsMetric, CONTAINER_INSIGHTS_NAMESPACE, insightsDimensions } from './container-insights.js';
import { logGroupName, logsInsightsTemplate, logsInsightsTemplates, renderQuery } from './logs-insights-queries.js';
import { fixture } from '../../test/support/agent/aws-fixtures.js';
import { sdkRetryingClient } from '../../test/support/agent/sdk-retry.js';

const start = Date.parse('2026-11-24T11:00:00Z') / 1000;
const end = start + 900;

function clients() {
  const metricsClient = new CloudWatchClient({ region: 'us-west-2' });
  const logsClient = new CloudWatchLogsClient({ region: 'us-west-2' });
  return { metricsClient, logsClient, metrics: mockClient(metricsClient), logs: mockClient(logsClient) };
}

test('Container Insights metrics: the request names namespace, dimensions, stat and period; samples come back ascending', async () => {
  const c = clients();
  c.metrics.on(GetMetricDataCommand).resolves(fixture('cloudwatch-get-metric-data.json'));
  const cw = new AwsCloudWatchEvidence({ metricsClient: c.metricsClient, logsClient: c.logsClient });
  const metric = containerInsightsMetric.get('pod_memory_utilization_over_pod_limit')!;
  const dims = insightsDimensions(metric, { cluster: 'PetSite', namespace: 'petadoptions', workload: 'petlistadoptions' });
  const samples = await cw.metric({ namespace: CONTAINER_INSIGHTS_NAMESPACE, metricName: metric.name, dimensions: dims, stat: metric.stat, start, end, periodSeconds: 60 });
  assert.equal(samples.map((s) => s.v), [71.2, 78.9, 86.4, 93.8, 99.1]);
  assert.is(samples[0]!.t, Date.parse('2026-11-24T11:10:00Z') / 1000);
  const input = c.metrics.commandCalls(GetMetricDataCommand)[0]!.args[0].input;
  assert.equal(input.MetricDataQueries![0]!.MetricStat, {
    Metric: { Namespace: 'ContainerInsights', MetricName: 'pod_memory_utilization_over_pod_limit', Dimensions: [{ Name: 'ClusterName', Value: 'PetSite' }, { Name: 'Namespace', Value: 'petadoptions' }, { Name: 'PodName', Value: 'petlistadoptions' }] },
    Period: 60,
    Stat: 'Maximum',
  });
});

test('GetMetricData pages are followed', async () => {
  const c = clients();
  c.metrics.on(GetMetricDataCommand).resolvesOnce(fixture('cloudwatch-get-metric-data-page1.json')).resolvesOnce(fixture('cloudwatch-get-metric-data-page2.json'));
  const cw = new AwsCloudWatchEvidence({ metricsClient: c.metricsClient, logsClient: c.logsClient });
  const samples = await cw.metric({ namespace: 'ContainerInsights', metricName: 'node_memory_utilization', dimensions: { ClusterName: 'PetSite', NodeName: 'ip-192-168-139-12.us-west-2.compute.internal' }, stat: 'Maximum', start, end, periodSeconds: 60 });
  assert.equal(samples.map((s) => s.v), [62, 64.5, 91.7, 95.3]);
  assert.is(c.metrics.commandCalls(GetMetricDataCommand)[1]!.args[0].input.NextToken, 'AAEAAQ==');
});

test('Logs Insights: start, poll while running, return rows without @ptr', async () => {
  const c = clients();
  c.logs.on(StartQueryCommand).resolves(fixture('logs-start-query.json'));
  c.logs.on(GetQueryResultsCommand).resolvesOnce(fixture('logs-get-query-results-running.json')).resolves(fixture('logs-get-query-results-complete.json'));
  const polls: number[] = [];
  const cw = new AwsCloudWatchEvidence({ metricsClient: c.metricsClient, logsClient: c.logsClient, sleep: async (ms) => void polls.push(ms), pollIntervalMs: 500 });
  const template = logsInsightsTemplate.get('pod-memory-over-limit')!;
  const query = renderQuery(template, { namespace: 'petadoptions', workload: 'petlistadoptions' });
  const rows = await cw.logsInsights({ logGroups: [logGroupName(template.logGroup, 'PetSite')], query, start, end });
  assert.is(rows.length, 3);
  assert.equal(rows[0], { PodName: 'petlistadoptions', 'bin(1m)': '2026-11-24 11:14:00.000', memory_over_limit: '99.1' });
  assert.equal(polls, [500]);
  const input = c.logs.commandCalls(StartQueryCommand)[0]!.args[0].input;
  assert.equal(input.logGroupNames, ['/aws/containerinsights/PetSite/performance']);
  assert.is(input.startTime, start);
  assert.match(input.queryString!, /Namespace = "petadoptions" and PodName like \/petlistadoptions\//);
});

test('the concurrent-query quota is throttling: retried, then a gap', async () => {
  const c = clients();
  const body = fixture<{ message: string }>('logs-limit-exceeded.json');
  c.logs.on(StartQueryCommand).rejects(new LimitExceededException({ message: body.message, $metadata: { httpStatusCode: 400 } }));
  // The SDK retries (standard mode); its attempts reach the mock.
  const cw = new AwsCloudWatchEvidence({ metricsClient: c.metricsClient, logsClient: sdkRetryingClient(c.logsClient, logsSdk, { maxAttempts: 3 }) });
  const error = await cw.logsInsights({ logGroups: ['/aws/containerinsights/PetSite/application'], query: 'fields @message', start, end }).catch((e: unknown) => e);
  assert.instance(error, EvidenceUnavailable);
  assert.is((error as EvidenceUnavailable).source, 'cloudwatch-logs');
  assert.match((error as EvidenceUnavailable).reason, /throttled by CloudWatch Logs \(LimitExceededException: Account maximum query concurrency/);
  assert.is(c.logs.commandCalls(StartQueryCommand).length, 3);
});

test('a query still running at the deadline is stopped and reported', async () => {
  const c = clients();
  c.logs.on(StartQueryCommand).resolves(fixture('logs-start-query.json'));
  c.logs.on(GetQueryResultsCommand).resolves(fixture('logs-get-query-results-running.json'));
  c.logs.on(StopQueryCommand).resolves({ success: true });
  let now = 0;
  const cw = new AwsCloudWatchEvidence({ metricsClient: c.metricsClient, logsClient: c.logsClient, now: () => now, sleep: async (ms) => void (now += ms), pollIntervalMs: 1000, queryTimeoutMs: 5000 });
  const error = await cw.logsInsights({ logGroups: ['/aws/containerinsights/PetSite/application'], query: 'fields @message', start, end }).catch((e: unknown) => e);
  assert.instance(error, EvidenceUnavailable);
  assert.match((error as EvidenceUnavailable).reason, /still Running after 5000 ms; stopped it/);
  assert.equal(c.logs.commandCalls(StopQueryCommand)[0]!.args[0].input, { queryId: '12ab3456-12ab-123a-789e-1234567890ab' });
});

test('at least 15 EKS query templates, each naming its log group and finding; placeholders are escaped', () => {
  assert.ok(logsInsightsTemplates.length >= 15, `${logsInsightsTemplates.length} templates`);
  const names = new Set(logsInsightsTemplates.map((t) => t.name));
  assert.is(names.size, logsInsightsTemplates.length, 'unique names');
  for (const needed of ['pod-cpu-over-limit', 'pod-memory-over-limit', 'pod-restarts', 'oom-kills', 'node-cpu', 'node-memory', 'pod-network', 'application-errors', 'pod-evictions', 'image-pull-failures', 'container-cpu-throttling']) {
    assert.ok(names.has(needed), needed);
  }
  for (const t of logsInsightsTemplates) {
    const q = renderQuery(t, { namespace: 'petadoptions', workload: 'petsite', node: 'ip-1' });
    assert.not.match(q, /\{\{/, `${t.name} fully rendered`);
    assert.match(q, /^fields /, `${t.name} starts with fields`);
  }
  const hostile = renderQuery(logsInsightsTemplate.get('application-errors')!, { namespace: 'a" or 1=1 or "', workload: 'x/ | y' });
  assert.match(hostile, /kubernetes\.namespace_name = "a\\" or 1=1 or \\""/);
  assert.match(hostile, /like \/x\\\/ \| y\//);
});

test.run();
