/**
 * The query validator port over mcp/validation: parse first (syntax errors with their position and a
 * hint), then the guardrails on the parse tree; the series-count pre-check runs only when a selector
 * is not aggregated, because only then can the answer itself be as large as the data it touches.
 */
import type { MetricsBackend } from '../../lib/prometheus/client/index.js';
import { checkGuardrails, parsePromQL, seriesCountQuery, type GuardrailLimits } from '../validation/index.js';
import type { QueryCheckContext, QueryProblem, QueryValidator } from './ports.js';
import { sampleValue } from '../../lib/prometheus/series.js';

export function promqlValidator(backend: MetricsBackend, limits: Partial<GuardrailLimits> = {}): QueryValidator {
  return {
    async check(promql: string, context: QueryCheckContext): Promise<QueryProblem | undefined> {
      const parse = parsePromQL(promql);
      if (!parse.ok) {
        const e = parse.error!;
        return { kind: 'syntax', message: `${e.message} (line ${e.line}, column ${e.column})`, position: e.offset, hint: e.hint ?? 'fix the syntax near that position and try again' };
      }
      let seriesCount: number | undefined;
      if (parse.selectors.some((s) => !s.aggregated)) {
        const count = seriesCountQuery(parse, context.kind === 'range' && context.start !== undefined && context.end !== undefined ? { queryRangeMs: context.end - context.start } : {});
        if (count) {
          const answer = await backend.query(count, { signal: context.signal, ...(context.end !== undefined ? { time: context.end / 1000 } : {}) });
          const sample = answer.data.resultType === 'vector' ? answer.data.result[0]?.value : undefined;
          if (sample) seriesCount = sampleValue(sample[1]);
        }
      }
      const verdict = checkGuardrails(
        parse,
        {
          queryType: context.kind,
          ...(context.kind === 'range' ? { start: context.start, end: context.end, step: context.step === undefined ? undefined : context.step / 1000 } : {}),
          ...(seriesCount === undefined ? {} : { seriesCount }),
        },
        limits,
      );
      const refusal = verdict.violations.find((v) => v.severity === 'refuse');
      if (!refusal) return undefined;
      return { kind: refusal.rule === 'syntax' ? 'syntax' : 'guardrail', message: refusal.message, hint: refusal.suggestion, suggestion: refusal.suggestion };
    },
  };
}
