/**
 * The cheap pre-check for the series guardrail: one `count(...)` query over the selectors of the user's
 * query, run before the real one. Range selectors count every series seen in their window
 * (`last_over_time`), so churned pods count too.
 */
import { formatDuration } from '../../core/duration.js';
import { parsePromQL, type ParseResult } from './parse.js';

export interface SeriesCountOptions {
  /** For range queries: end - start, so series that existed only earlier in the range count too. */
  queryRangeMs?: number;
}

/** `(count(sel1) or vector(0)) + (count(sel2) or vector(0))`, or undefined when there is no selector. */
export function seriesCountQuery(query: string | ParseResult, options: SeriesCountOptions = {}): string | undefined {
  const parse = typeof query === 'string' ? parsePromQL(query) : query;
  if (!parse.ok) return undefined;
  const terms = new Set<string>();
  for (const s of parse.selectors) {
    const window = (s.rangeMs ?? 0) + (options.queryRangeMs ?? 0);
    const offset = s.offsetMs ? ` offset ${s.offsetMs < 0 ? '-' : ''}${formatDuration(Math.abs(s.offsetMs))}` : '';
    const selected = window > 0 ? `last_over_time(${s.text}[${formatDuration(window)}]${offset})` : `${s.text}${offset}`;
    terms.add(`(count(${selected}) or vector(0))`);
  }
  return terms.size ? [...terms].join(' + ') : undefined;
}
