/**
 * Steps `cloudwatch` and `logs-insights` (eks target): Container Insights metrics of the alert's
 * workload and nodes, and Logs Insights query templates, each breach or matching row a finding with the
 * same kinds the Prometheus and Kubernetes steps use, so CloudWatch corroborates them.
 */
import { z } from 'zod';
import type { Finding } from '../../core/types.js';
import { containerInsightsMetric, CONTAINER_INSIGHTS_NAMESPACE, insightsDimensions } from '../evidence/container-insights.js';
import { logGroupName, logsInsightsTemplate, logsInsightsTemplates, renderQuery } from '../evidence/logs-insights-queries.js';
import { defineStep, type StepContext } from '../workflow/step.js';
import { gather, missingSource } from './gaps.js';
import { iso, scopeOf, scopeParams } from './scope.js';

/** EKS cluster names: letters, digits, "-" and "_", starting with a letter or digit, at most 100. */
const eksClusterName = /^[0-9A-Za-z][A-Za-z0-9_-]{0,99}$/;

/** The cluster to read; an alert's label that is not a cluster name is ignored (it names a log group). */
function clusterOf(ctx: StepContext, param?: string): string | undefined {
  const labels = ctx.alerts[0]?.labels ?? {};
  const fromAlert = [labels.ClusterName, labels.cluster].find((v): v is string => v !== undefined && eksClusterName.test(v));
  return param ?? fromAlert ?? process.env.EKS_CLUSTER_NAME;
}

const metricParams = z.object({
  ...scopeParams,
  cluster: z.string().regex(eksClusterName, 'must be an EKS cluster name').optional().describe('EKS cluster name (default: the alert\'s ClusterName label or EKS_CLUSTER_NAME)'),
  metrics: z.array(z.string()).default(['pod_memory_utilization_over_pod_limit', 'pod_cpu_utilization_over_pod_limit', 'pod_number_of_container_restarts', 'node_memory_utilization', 'node_status_condition_memory_pressure']).describe('Container Insights metric names'),
  periodSeconds: z.number().int().positive().default(60),
});

export const cloudwatchStep = defineStep({
  kind: 'cloudwatch',
  description: 'Container Insights metrics (enhanced observability) of the alert\'s workload and nodes; breaches become findings',
  params: metricParams,
  gapSource: 'cloudwatch',
  async run(ctx, p): Promise<{ findings: string[] }> {
    const out = { findings: [] as string[] };
    const cw = ctx.evidence.cloudwatch;
    const cluster = clusterOf(ctx, p.cluster);
    if (!cw) {
      missingSource(ctx, 'cloudwatch', 'no CloudWatch source configured (the local target has none)');
      return out;
    }
    if (!cluster) {
      missingSource(ctx, 'cloudwatch', 'no cluster name: set the step\'s cluster param or EKS_CLUSTER_NAME');
      return out;
    }
    const scope = scopeOf(ctx, p);
    const start = scope.end - scope.windowSeconds;
    const gaps = new Set<string>();
    const nodes = scope.node ? [scope.node] : [];
    const jobs: { metric: string; dims: Record<string, string>; subject: Finding['subject']; data: Record<string, unknown> }[] = [];
    for (const name of p.metrics) {
      const metric = containerInsightsMetric.get(name);
      if (!metric) continue;
      if (metric.scope === 'pod' && scope.deployment) {
        jobs.push({ metric: name, dims: insightsDimensions(metric, { cluster, namespace: scope.namespace, workload: scope.deployment }), subject: { kind: 'Deployment', namespace: scope.namespace, name: scope.deployment }, data: { deployment: scope.deployment } });
      }
      if (metric.scope === 'node') for (const node of nodes) jobs.push({ metric: name, dims: insightsDimensions(metric, { cluster, node }), subject: { kind: 'Node', name: node }, data: {} });
    }
    await Promise.all(
      jobs.map(async (job) => {
        const metric = containerInsightsMetric.get(job.metric)!;
        const samples = await gather(ctx, 'cloudwatch', () => cw.metric({ namespace: CONTAINER_INSIGHTS_NAMESPACE, metricName: metric.name, dimensions: job.dims, stat: metric.stat, start, end: scope.end, periodSeconds: p.periodSeconds, signal: ctx.signal }), gaps);
        const breach = (samples ?? []).filter((s) => s.v >= metric.threshold);
        if (!breach.length) return;
        const peak = Math.max(...breach.map((s) => s.v));
        out.findings.push(
          ctx.finding({
            source: 'cloudwatch',
            kind: metric.finding,
            severity: 'warning',
            subject: job.subject,
            observedAt: iso(breach[0]!.t),
            query: `GetMetricData ${CONTAINER_INSIGHTS_NAMESPACE}/${metric.name} ${JSON.stringify(job.dims)} ${metric.stat}`,
            summary: `Container Insights ${metric.name} for ${job.subject?.name}: ${metric.description} reached ${peak}${metric.unit === 'Percent' ? '%' : ''} (threshold ${metric.threshold})`,
            data: { ...job.data, metric: metric.name, peak, samples: breach.length },
          }).id,
        );
      }),
    );
    return out;
  },
});

const insightsParams = z.object({
  ...scopeParams,
  cluster: z.string().regex(eksClusterName, 'must be an EKS cluster name').optional(),
  queries: z.array(z.string()).default(['pod-memory-over-limit', 'pod-cpu-over-limit', 'pod-restarts', 'oom-kills', 'application-errors']).describe(`Template names: ${logsInsightsTemplates.map((t) => t.name).join(', ')}`),
});

export const logsInsightsStep = defineStep({
  kind: 'logs-insights',
  description: 'CloudWatch Logs Insights query templates for EKS (performance, application, host, data plane, control plane); matching rows become findings',
  params: insightsParams,
  gapSource: 'cloudwatch-logs',
  async run(ctx, p): Promise<{ findings: string[]; rows: Record<string, number> }> {
    const out = { findings: [] as string[], rows: {} as Record<string, number> };
    const cw = ctx.evidence.cloudwatch;
    const cluster = clusterOf(ctx, p.cluster);
    if (!cw || !cluster) {
      missingSource(ctx, 'cloudwatch-logs', cw ? 'no cluster name: set the step\'s cluster param or EKS_CLUSTER_NAME' : 'no CloudWatch source configured (the local target has none)');
      return out;
    }
    const scope = scopeOf(ctx, p);
    const start = scope.end - scope.windowSeconds;
    const gaps = new Set<string>();
    await Promise.all(
      p.queries.map(async (name) => {
        const template = logsInsightsTemplate.get(name);
        if (!template) return;
        const query = renderQuery(template, { namespace: scope.namespace, workload: scope.deployment, node: scope.node });
        const rows = await gather(ctx, 'cloudwatch-logs', () => cw.logsInsights({ logGroups: [logGroupName(template.logGroup, cluster)], query, start, end: scope.end, signal: ctx.signal }), gaps);
        if (!rows) return;
        out.rows[name] = rows.length;
        const matching = rows.filter((r) => template.valueField === undefined || template.threshold === undefined || Number(r[template.valueField]) >= template.threshold);
        const bySubject = new Map<string, Record<string, string>[]>();
        for (const row of matching) {
          const key = (template.podField && row[template.podField]) || (template.nodeField && row[template.nodeField]) || '';
          bySubject.set(key, [...(bySubject.get(key) ?? []), row]);
        }
        for (const [key, group] of bySubject) {
          const isNode = !template.podField && template.nodeField;
          const podName = key.includes('/') ? key.split('/')[1]! : key;
          const subject = !key ? undefined : isNode ? { kind: 'Node' as const, name: key } : { kind: podName === scope.deployment ? ('Deployment' as const) : ('Pod' as const), ...(scope.namespace ? { namespace: scope.namespace } : {}), name: podName };
          const value = template.valueField ? Math.max(...group.map((r) => Number(r[template.valueField!]) || 0)) : group.length;
          const finding: Omit<Finding, 'id'> = {
            source: 'cloudwatch-logs',
            kind: template.finding,
            severity: 'warning',
            observedAt: iso(start),
            query,
            summary: `Logs Insights ${name} (${template.description}): ${key || 'cluster'} ${template.valueField ?? 'rows'} = ${value}`,
            data: { template: name, rows: group.length, value, ...(scope.deployment && !isNode ? { deployment: scope.deployment } : {}) },
          };
          if (subject) finding.subject = subject;
          out.findings.push(ctx.finding(finding).id);
        }
      }),
    );
    return out;
  },
});
