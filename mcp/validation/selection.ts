/**
 * What a selector selects, judged on the backend's own names: a name regex that matches most of the
 * metrics there are (`[a-z].*`, `[^Q]+`) selects every series in practice even though it leaves some
 * name out in theory, and so does a label regex that matches every value its label takes. The static
 * guardrails (guardrails.ts) decide what holds for any data; this decides what holds for this data.
 * Each value is tested with RE2 (linear time), and at most `maxValuesJudged` values per label.
 */
import type { Violation } from './guardrails.js';
import { namesMetrics, narrowsLabel } from './guardrails.js';
import type { ParseResult } from './parse.js';
import { judgeRegex, RegexProblem } from './regex.js';

/** The values a label takes on the backend (`__name__` for metric names), on the series `match` selects; may reject. */
export type LabelValuesLookup = (label: string, match?: string) => Promise<string[]>;

export interface SelectionLimits {
  /** A name regex may select at most this share of the backend's metrics... */
  maxMetricShare: number;
  /** ...once it selects more than this many (a handful of related metrics is always fine). */
  minMetricsJudged: number;
  maxValuesJudged: number;
}

export const defaultSelectionLimits: SelectionLimits = { maxMetricShare: 0.5, minMetricsJudged: 8, maxValuesJudged: 5000 };

export async function judgeSelections(parse: ParseResult, lookup: LabelValuesLookup, limits: Partial<SelectionLimits> = {}): Promise<Violation[]> {
  const lim = { ...defaultSelectionLimits, ...limits };
  const budget = parse.regexBudget;
  const values = new Map<string, Promise<string[] | undefined>>();
  // Best effort: when the backend cannot list values, the static guardrails and the count stand alone.
  const valuesOf = (label: string, match?: string) => {
    const key = `${label}\u0000${match ?? ''}`;
    if (!values.has(key)) values.set(key, lookup(label, match).then((v) => v.slice(0, lim.maxValuesJudged), () => undefined));
    return values.get(key)!;
  };
  const tooManyMetrics = (selected: number, total: number) => selected > lim.minMetricsJudged && selected > total * lim.maxMetricShare;
  const violations: Violation[] = [];
  try {
    for (const s of parse.selectors) {
      if (s.metric === undefined) {
        const nameRegex = s.matchers.find((m) => m.name === '__name__' && m.op === '=~');
        if (nameRegex) {
          const names = await valuesOf('__name__');
          if (names && names.length > 0) {
            const regex = judgeRegex(nameRegex.value, budget);
            const selected = names.filter((n) => regex.test(n)).length;
            if (tooManyMetrics(selected, names.length)) {
              violations.push({
                rule: 'match-everything-regex',
                severity: 'refuse',
                message: `${s.text} selects ${selected} of the ${names.length} metrics there are: every series of most metrics`,
                suggestion: 'name the metric, or use a regex for a few related metrics with a real prefix, e.g. {__name__=~"container_memory_.*"}; list_metrics finds names',
              });
              continue;
            }
          }
        }
      }
      if (namesMetrics(s, budget)) continue;
      // A selector without a metric name stands on its label matchers: one must leave out a value there is.
      let narrowed = false;
      const unnarrowing: string[] = [];
      for (const m of s.matchers.filter((x) => narrowsLabel(x, budget))) {
        if (m.op === '=') {
          narrowed = true;
          break;
        }
        const known = await valuesOf(m.name);
        const regex = judgeRegex(m.value, budget);
        if (!known || known.length === 0 || known.some((v) => !regex.test(v))) {
          narrowed = true;
          break;
        }
        unnarrowing.push(`${m.name}=~"${m.value}" matches all ${known.length} values of ${m.name}`);
      }
      if (!narrowed) {
        violations.push({
          rule: 'selects-every-series',
          severity: 'refuse',
          message: `${s.text} names no metric and narrows nothing: ${unnarrowing.join('; ')}, so it selects every series that has the label`,
          suggestion: 'name the metric, e.g. `up{job="prometheus"}`, or use an exact label value such as {namespace="petadoptions"}',
        });
        continue;
      }
      // Regexes alone that leave out a value or two (`instance=~".+:.+"`) can still reach most metrics:
      // ask which metrics the selector touches. An exact label value is taken at its word.
      if (!s.matchers.some((m) => m.op === '=' && narrowsLabel(m, budget))) {
        const [touched, names] = await Promise.all([valuesOf('__name__', s.text), valuesOf('__name__')]);
        if (touched && names && tooManyMetrics(touched.length, names.length)) {
          violations.push({
            rule: 'selects-every-series',
            severity: 'refuse',
            message: `${s.text} names no metric and reaches ${touched.length} of the ${names.length} metrics there are: every series of most metrics`,
            suggestion: 'name the metric, e.g. `up{instance=~"..."}`, or narrow with an exact label value such as {namespace="petadoptions"}',
          });
        }
      }
    }
  } catch (error) {
    if (!(error instanceof RegexProblem)) throw error;
    violations.push({ rule: 'regex', severity: 'refuse', message: error.message, suggestion: error.hint });
  }
  return violations;
}
