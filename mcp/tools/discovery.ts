/**
 * What there is to ask about: metric names (with type and help), one metric's metadata and labels,
 * a label's values, and the server itself. Listings are paginated with cursors and filterable.
 */
import { z } from 'zod';
import { isBackendError, type MetricMetadata } from '../../lib/prometheus/client/index.js';
import { labelMatcher } from '../../lib/prometheus/promql.js';
import { defaultPromQLLimits } from '../validation/index.js';
import { renderTable } from '../insights/index.js';
import { anomalyWatchLine, anomalyWatchOff, anomalyWatchOutput } from '../watch/server-info.js';
import type { ToolContext } from './context.js';
import { ToolError } from './errors.js';
import { defaultPageSize, paginate } from './pagination.js';
import { pageArgs } from './schemas.js';
import { closest } from './similar.js';
import { iso, parseTime } from './time.js';
import { defineTool, readsMetrics } from './tool.js';
import { sampleValue } from '../../lib/prometheus/series.js';

const metricNamePattern = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;

async function metricNames(ctx: ToolContext): Promise<string[]> {
  const answer = await ctx.backend.labelValues('__name__', { signal: ctx.signal });
  return [...answer.data].sort();
}

async function allMetadata(ctx: ToolContext): Promise<Record<string, MetricMetadata[]>> {
  try {
    return (await ctx.backend.metadata({ signal: ctx.signal })).data;
  } catch (error) {
    // Metadata is a nicety: a backend without it still lists names.
    if (isBackendError(error) && error.kind !== 'canceled') return {};
    throw error;
  }
}

export const listMetrics = defineTool({
  name: 'list_metrics',
  title: 'List metric names',
  description:
    'Lists metric names with their type and help text, filtered by a case-insensitive substring and paginated (pass nextCursor back as cursor). Use it to find the right metric before writing PromQL.',
  annotations: readsMetrics,
  input: {
    filter: z.string().max(200).optional().describe('Case-insensitive substring of the metric name, e.g. "memory" or "http_request"'),
    type: z.enum(['counter', 'gauge', 'histogram', 'summary', 'info', 'stateset', 'unknown']).optional().describe('Only metrics of this type'),
    ...pageArgs,
  },
  output: {
    metrics: z.array(z.looseObject({ name: z.string(), type: z.string().optional(), help: z.string().optional(), unit: z.string().optional() })).describe('This page of metrics'),
    total: z.number().describe('Metrics matching the filter, across all pages'),
    nextCursor: z.string().optional().describe('Pass as cursor to get the next page; absent on the last page'),
  },
  async run(args, ctx) {
    const [names, metadata] = await Promise.all([metricNames(ctx), allMetadata(ctx)]);
    const filter = args.filter?.toLowerCase();
    const matching = names
      .filter((n) => !filter || n.toLowerCase().includes(filter))
      .map((name) => {
        const meta = metadata[name]?.[0] ?? metadata[name.replace(/_(bucket|sum|count|total)$/, '')]?.[0];
        return { name, ...(meta ? { type: meta.type, help: meta.help, ...(meta.unit ? { unit: meta.unit } : {}) } : {}) };
      })
      .filter((m) => !args.type || m.type === args.type);
    const page = paginate(matching, `metrics:${filter ?? ''}:${args.type ?? ''}`, args.cursor, args.limit ?? defaultPageSize);
    if (page.total === 0) {
      const near = filter ? closest(filter, names) : [];
      throw new ToolError('not_found', `no metric name contains "${args.filter ?? ''}"${args.type ? ` with type ${args.type}` : ''}`, near.length ? `did you mean ${near.join(', ')}?` : 'try a shorter filter (e.g. "memory", "cpu", "http"), or none to list everything');
    }
    const rows = page.items.map((m) => [m.name, m.type ?? '', (m.help ?? '').slice(0, 80)]);
    return {
      structured: { metrics: page.items, total: page.total, ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) },
      text: `${page.items.length} of ${page.total} metrics${filter ? ` matching "${args.filter}"` : ''}${page.nextCursor ? ` (more: cursor ${page.nextCursor})` : ''}\n\n${renderTable(['metric', 'type', 'help'], rows)}`,
    };
  },
});

export const getMetricMetadata = defineTool({
  name: 'get_metric_metadata',
  title: 'Describe a metric',
  description: 'Returns a metric\'s type, help text and unit, the labels its series carry, and how many series it has now. Use it to learn which labels to filter or group by.',
  annotations: readsMetrics,
  input: {
    metric: z.string().min(1).max(500).describe('Exact metric name, e.g. container_memory_working_set_bytes'),
  },
  output: {
    metric: z.string().describe('The metric name'),
    type: z.string().describe('counter, gauge, histogram, summary... or unknown'),
    help: z.string().describe('Help text from the exporter'),
    unit: z.string().describe('Unit from the metadata, often empty'),
    labels: z.array(z.string()).describe('Label names its series carry'),
    seriesCount: z.number().describe('Series of this metric at the latest evaluation'),
  },
  async run(args, ctx) {
    if (!metricNamePattern.test(args.metric)) {
      throw new ToolError('invalid_argument', `"${args.metric}" is not a metric name`, 'give a bare metric name such as http_requests_total (no labels or functions); use list_metrics to find one');
    }
    const selector = `{${labelMatcher('__name__', '=', args.metric)}}`;
    const [meta, labels, count] = await Promise.all([
      ctx.backend.metadata({ metric: args.metric, signal: ctx.signal }).then((a) => a.data[args.metric]?.[0]).catch((e: unknown) => (isBackendError(e) && e.kind !== 'canceled' ? undefined : Promise.reject(e))),
      ctx.backend.labelNames({ match: [selector], signal: ctx.signal }),
      ctx.backend.query(`count(${selector})`, { signal: ctx.signal }),
    ]);
    const seriesCount = count.data.resultType === 'vector' && count.data.result[0]?.value ? sampleValue(count.data.result[0].value[1]) : 0;
    if (seriesCount === 0 && !meta) {
      const near = closest(args.metric, await metricNames(ctx));
      throw new ToolError('not_found', `no series and no metadata for metric "${args.metric}"`, near.length ? `did you mean ${near.join(', ')}?` : 'check the name with list_metrics');
    }
    const names = labels.data.filter((l) => l !== '__name__');
    const structured = { metric: args.metric, type: meta?.type ?? 'unknown', help: meta?.help ?? '', unit: meta?.unit ?? '', labels: names, seriesCount };
    return {
      structured,
      text: `${args.metric} (${structured.type}${structured.unit ? `, ${structured.unit}` : ''}): ${structured.help || 'no help text'}\n${seriesCount} series; labels: ${names.join(', ') || 'none'}`,
    };
  },
});

export const listLabelValues = defineTool({
  name: 'list_label_values',
  title: 'List the values of a label',
  description:
    'Lists the values a label takes (e.g. the pods, services, namespaces or nodes), optionally only on series matching a selector, filtered by substring and paginated. Use it to check names before filtering a query.',
  annotations: readsMetrics,
  input: {
    label: z.string().min(1).max(500).describe('Label name, e.g. pod, service, namespace, node, container; __name__ lists metric names'),
    match: z.string().max(defaultPromQLLimits.maxQueryLength).optional().describe('Series selector restricting which series count, e.g. kube_pod_info{namespace="petadoptions"}'),
    filter: z.string().max(200).optional().describe('Case-insensitive substring the values must contain'),
    start: z.union([z.string().max(100), z.number()]).optional().describe('Only series present since this time (RFC 3339, Unix seconds or "now-1h"); default: the backend\'s default window'),
    ...pageArgs,
  },
  output: {
    label: z.string().describe('The label'),
    values: z.array(z.string()).describe('This page of values'),
    total: z.number().describe('Values matching, across all pages'),
    nextCursor: z.string().optional().describe('Pass as cursor to get the next page; absent on the last page'),
  },
  async run(args, ctx) {
    const start = args.start === undefined ? undefined : parseTime(args.start, ctx.clock.now(), 'start') / 1000;
    const answer = await ctx.backend.labelValues(args.label, { ...(args.match ? { match: [args.match] } : {}), ...(start ? { start, end: ctx.clock.now() / 1000 } : {}), signal: ctx.signal });
    const filter = args.filter?.toLowerCase();
    const all = [...answer.data].sort().filter((v) => !filter || v.toLowerCase().includes(filter));
    if (all.length === 0) {
      const near = filter ? closest(filter, answer.data) : [];
      const hint = near.length
        ? `did you mean ${near.join(', ')}?`
        : args.match
          ? `no series match ${args.match} with a "${args.label}" label; check the selector's label values with list_label_values without match`
          : `no series has a "${args.label}" label; list label names with get_metric_metadata on a metric you expect to carry it`;
      throw new ToolError('not_found', `no values for label "${args.label}"${filter ? ` containing "${args.filter}"` : ''}`, hint);
    }
    const page = paginate(all, `values:${args.label}:${args.match ?? ''}:${filter ?? ''}:${args.start ?? ''}`, args.cursor, args.limit ?? defaultPageSize);
    return {
      structured: { label: args.label, values: page.items, total: page.total, ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) },
      text: `${page.items.length} of ${page.total} values of ${args.label}${page.nextCursor ? ` (more: cursor ${page.nextCursor})` : ''}: ${page.items.join(', ')}`,
    };
  },
});

export const getServerInfo = defineTool({
  name: 'get_server_info',
  title: 'Describe this MCP server and its backend',
  description:
    'Returns the metrics backend (Prometheus URL or AMP workspace), whether it is reachable and its version, the cache\'s hit/miss counters, this session\'s query count and the tools available. With --anomaly-webhook, also the anomaly watcher\'s counters (alerts pushed, failed, episodes open).',
  annotations: readsMetrics,
  input: {},
  output: {
    server: z.looseObject({ name: z.string(), version: z.string(), transport: z.string(), uptimeSeconds: z.number() }).describe('This server'),
    backend: z.looseObject({ kind: z.string(), url: z.string(), reachable: z.boolean(), version: z.string().optional(), error: z.string().optional() }).describe('Where queries go'),
    cache: z.looseObject({ enabled: z.boolean(), hits: z.number(), misses: z.number(), hitRate: z.number(), entries: z.number() }).describe('Query cache counters'),
    session: z.looseObject({ id: z.string(), queries: z.number() }).describe('This session'),
    tools: z.array(z.string()).describe('Tools this server offers'),
    anomalyWatch: anomalyWatchOutput,
  },
  async run(_args, ctx) {
    const description = ctx.backend.describe();
    let reachable = true;
    let version: string | undefined;
    let error: string | undefined;
    try {
      version = (await ctx.backend.buildInfo({ signal: ctx.signal })).data.version;
    } catch (e) {
      if (isBackendError(e) && e.kind === 'not_supported') {
        // AMP has no build info: a trivial query tells whether it answers.
        try {
          await ctx.backend.query('vector(1)', { signal: ctx.signal });
        } catch (inner) {
          reachable = false;
          error = isBackendError(inner) ? `${inner.message} (${inner.hint})` : String(inner);
        }
      } else {
        reachable = false;
        error = isBackendError(e) ? `${e.message} (${e.hint})` : String(e);
      }
    }
    const stats = ctx.server.cache?.();
    const structured = {
      server: { name: ctx.server.name, version: ctx.server.version, transport: ctx.server.transport, uptimeSeconds: Math.round((ctx.clock.now() - ctx.server.startedAt) / 1000), startedAt: iso(ctx.server.startedAt) },
      backend: { ...description, reachable, ...(version ? { version } : {}), ...(error ? { error } : {}) },
      cache: stats ? { enabled: true, ...stats } : { enabled: false, hits: 0, misses: 0, hitRate: 0, entries: 0 },
      session: { id: ctx.session.id, queries: ctx.session.history.entries().length },
      tools: ctx.server.tools(),
      anomalyWatch: ctx.server.anomalyWatch?.() ?? anomalyWatchOff,
    };
    const where = description.kind === 'amp' ? `AMP workspace ${description.workspaceId} in ${description.region}` : `Prometheus at ${description.url}`;
    return {
      structured,
      text: [
        `${ctx.server.name} ${ctx.server.version} over ${ctx.server.transport}; backend: ${where} — ${reachable ? `reachable${version ? ` (Prometheus ${version})` : ''}` : `NOT reachable: ${error}`}`,
        stats ? `cache: ${stats.hits} hits, ${stats.misses} misses (hit rate ${Math.round(stats.hitRate * 100)}%), ${stats.entries} entries` : 'cache: disabled',
        `session ${ctx.session.id}: ${structured.session.queries} queries so far; tools: ${structured.tools.join(', ')}`,
        anomalyWatchLine(structured.anomalyWatch),
      ].join('\n'),
    };
  },
});
