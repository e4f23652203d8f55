/**
 * The query validator port over mcp/validation: parse first (syntax errors with their position and a
 * hint), then the guardrails on the parse tree, then what the selectors select on the backend's own
 * label values (selection.ts), and last the series-count pre-check, only when a selector is not
 * aggregated, because only then can the answer itself be as large as the data it touches. Nothing
 * reaches the backend before the query passed every check that needs no backend.
 */
import type { MetricsBackend } from '../../lib/prometheus/client/index.js';
import { checkGuardrails, judgeSelections, parsePromQL, seriesCountQuery, type GuardrailLimits, type QueryShape, type Violation } from '../validation/index.js';
import type { QueryCheckContext, QueryProblem, QueryValidator } from './ports.js';
import { sampleValue } from '../../lib/prometheus/series.js';

export function promqlValidator(backend: MetricsBackend, limits: Partial<GuardrailLimits> = {}): QueryValidator {
  return {
    async check(promql: string, context: QueryCheckContext): Promise<QueryProblem | undefined> {
      const parse = parsePromQL(promql, limits);
      if (!parse.ok) {
        const e = parse.error!;
        return { kind: 'syntax', message: `${e.message} (line ${e.line}, column ${e.column})`, position: e.offset, hint: e.hint ?? 'fix the syntax near that position and try again' };
      }
      const shape: QueryShape = {
        queryType: context.kind,
        ...(context.kind === 'range' ? { start: context.start, end: context.end, step: context.step === undefined ? undefined : context.step / 1000 } : {}),
      };
      // What can be decided on the query alone is decided before the backend is asked anything.
      const refusal = (violations: Violation[]) => violations.find((v) => v.severity === 'refuse');
      const problem = (v: Violation): QueryProblem => ({ kind: v.rule === 'syntax' ? 'syntax' : 'guardrail', message: v.message, hint: v.suggestion, suggestion: v.suggestion });
      const statically = refusal(checkGuardrails(parse, shape, limits).violations);
      if (statically) return problem(statically);
      const lookup = async (label: string, match?: string) => (await backend.labelValues(label, { ...(match ? { match: [match] } : {}), signal: context.signal })).data;
      const selected = refusal(await judgeSelections(parse, lookup));
      if (selected) return problem(selected);
      if (parse.selectors.some((s) => !s.aggregated)) {
        const count = seriesCountQuery(parse, context.kind === 'range' && context.start !== undefined && context.end !== undefined ? { queryRangeMs: context.end - context.start } : {});
        if (count) {
          const answer = await backend.query(count, { signal: context.signal, ...(context.end !== undefined ? { time: context.end / 1000 } : {}) });
          const sample = answer.data.resultType === 'vector' ? answer.data.result[0]?.value : undefined;
          const counted = sample ? refusal(checkGuardrails(parse, { ...shape, seriesCount: sampleValue(sample[1]) }, limits).violations) : undefined;
          if (counted) return problem(counted);
        }
      }
      return undefined;
    },
  };
}
