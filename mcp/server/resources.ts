/**
 * Resources a client can attach as context: the metric catalog (names, types, help), the values of a
 * label, the template library, and this session's query history. All JSON.
 */
import { ResourceTemplate, type McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { MetricMetadata } from '../../lib/prometheus/client/index.js';
import type { Services, ToolContext } from '../tools/index.js';
import type { Extra } from './register.js';

const json = (uri: URL, value: unknown) => ({ contents: [{ uri: uri.href, mimeType: 'application/json', text: JSON.stringify(value, null, 2) }] });

export function registerResources(server: McpServer, services: Services, contextFor: (extra: Extra) => ToolContext): void {
  server.registerResource(
    'metric-catalog',
    'prometheus://catalog/metrics',
    { title: 'Metric catalog', description: 'Every metric name the backend knows, with its type and help text', mimeType: 'application/json' },
    async (uri, extra) => {
      const ctx = contextFor(extra);
      const [names, metadata] = await Promise.all([
        ctx.backend.labelValues('__name__', { signal: ctx.signal }),
        ctx.backend.metadata({ signal: ctx.signal }).then((a) => a.data, () => ({}) as Record<string, MetricMetadata[]>),
      ]);
      const metrics = names.data.sort().map((name) => {
        const meta = metadata[name]?.[0];
        return { name, ...(meta ? { type: meta.type, help: meta.help } : {}) };
      });
      return json(uri, { backend: ctx.backend.describe().url, count: metrics.length, metrics });
    },
  );

  server.registerResource(
    'label-values',
    new ResourceTemplate('prometheus://catalog/labels/{label}', {
      list: undefined,
      complete: {
        label: async (value) => ['namespace', 'service', 'pod', 'container', 'node', 'deployment', 'route', 'code'].filter((l) => l.startsWith(value)),
      },
    }),
    { title: 'Values of a label', description: 'The values a label takes (pods, services, namespaces, nodes...)', mimeType: 'application/json' },
    async (uri, variables, extra) => {
      const ctx = contextFor(extra);
      const label = String(variables.label);
      const values = await ctx.backend.labelValues(label, { signal: ctx.signal });
      return json(uri, { label, count: values.data.length, values: values.data.sort() });
    },
  );

  server.registerResource(
    'template-library',
    'prometheus://templates',
    { title: 'PromQL template library', description: 'Parameterised PromQL queries with descriptions, parameters and example questions', mimeType: 'application/json' },
    async (uri, extra) => {
      const templates = contextFor(extra).services.templates?.list() ?? [];
      return json(uri, { count: templates.length, templates });
    },
  );

  server.registerResource(
    'template',
    new ResourceTemplate('prometheus://templates/{id}', {
      list: async (extra) => ({
        resources: (contextFor(extra).services.templates?.list() ?? []).map((t) => ({ uri: `prometheus://templates/${t.id}`, name: t.id, title: t.title ?? t.id, description: t.description, mimeType: 'application/json' })),
      }),
      complete: {
        id: async (value) => (services.templates?.list() ?? []).map((t) => t.id).filter((id) => id.startsWith(value ?? '')),
      },
    }),
    { title: 'One PromQL template', description: 'A template of the library, by id', mimeType: 'application/json' },
    async (uri, variables, extra) => {
      const template = contextFor(extra).services.templates?.list().find((t) => t.id === String(variables.id));
      if (!template) throw new Error(`no template "${String(variables.id)}"; read prometheus://templates for the list`);
      return json(uri, template);
    },
  );

  server.registerResource(
    'query-history',
    'prometheus://session/history',
    { title: 'Query history of this session', description: 'The queries this session ran, with times, series counts and durations (newest last)', mimeType: 'application/json' },
    async (uri, extra) => {
      const ctx = contextFor(extra);
      const entries = ctx.session.history.entries();
      return json(uri, { session: ctx.session.id, count: entries.length, entries });
    },
  );
}
