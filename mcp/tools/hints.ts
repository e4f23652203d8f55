/**
 * Why a query returned nothing, said specifically: a metric name that does not exist (with the closest
 * ones), or a label value no series of that metric has (with the closest values). Falls back to the
 * general advice when every name and value exists (the data may simply be outside the time range).
 */
import { parsePromQL } from '../validation/index.js';
import type { ToolContext } from './context.js';
import { closest } from './similar.js';

export async function explainEmpty(ctx: ToolContext, query: string): Promise<string[]> {
  const parse = parsePromQL(query);
  if (!parse.ok) return [];
  const hints: string[] = [];
  try {
    const names = new Set((await ctx.backend.labelValues('__name__', { signal: ctx.signal })).data);
    for (const selector of parse.selectors.slice(0, 5)) {
      const metric = selector.metric;
      if (metric && !names.has(metric)) {
        const near = closest(metric, [...names]);
        hints.push(`metric ${metric} does not exist${near.length ? `; did you mean ${near.join(', ')}?` : '; find it with list_metrics'}`);
        continue;
      }
      for (const m of selector.matchers.filter((x) => x.op === '=' && x.name !== '__name__' && x.value !== '').slice(0, 4)) {
        const values = (await ctx.backend.labelValues(m.name, { ...(metric ? { match: [metric] } : {}), signal: ctx.signal })).data;
        if (values.includes(m.value)) continue;
        const near = closest(m.value, values);
        hints.push(
          values.length === 0
            ? `no series${metric ? ` of ${metric}` : ''} has a ${m.name} label`
            : `no series${metric ? ` of ${metric}` : ''} has ${m.name}="${m.value}"${near.length ? `; did you mean ${near.map((v) => `${m.name}="${v}"`).join(', ')}?` : `; list them with list_label_values label=${m.name}`}`,
        );
      }
    }
  } catch {
    // Hints are best effort: the answer (no data) stands without them.
  }
  return hints;
}
