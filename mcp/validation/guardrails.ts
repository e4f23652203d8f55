/**
 * Guardrails decided on the parse tree, never on substrings: a query is refused when it would return
 * more points or series than a person or a model can use, scan every series of a high-cardinality
 * metric, or ask for absurd ranges. Each violation says what to change.
 */
import { formatDuration } from '../../core/duration.js';
import { defaultPromQLLimits, parsePromQL, type ParseResult, type PromQLLimits, type SelectorInfo } from './parse.js';
import { judgeRegex, matchesEverything, narrowsMetricNames, RegexProblem, type RegexBudget } from './regex.js';
import type { LabelMatcher } from './ast.js';

export interface GuardrailLimits extends PromQLLimits {
  /** Points per series of a range query ((end - start) / step + 1). Prometheus itself stops at 11,000. */
  maxPointsPerSeries: number;
  /** Series a query may touch (checked with the count pre-check, see series-check.ts). */
  maxSeries: number;
  /** Longest `[range]` on a selector or subquery. */
  maxRangeWindowMs: number;
  /** Most evaluation steps inside one subquery (range / resolution). */
  maxSubqueryPoints: number;
  /** Finest subquery resolution. */
  minSubqueryStepMs: number;
  /** Metrics whose bare selector is refused unless narrowed by a label or aggregated. */
  highCardinalityMetrics: (string | RegExp)[];
  defaultTimeoutMs: number;
  maxTimeoutMs: number;
}

export const defaultLimits: GuardrailLimits = {
  ...defaultPromQLLimits,
  maxPointsPerSeries: 11_000,
  maxSeries: 10_000,
  maxRangeWindowMs: 31 * 86_400_000,
  maxSubqueryPoints: 11_000,
  minSubqueryStepMs: 1_000,
  highCardinalityMetrics: [/_bucket$/, 'http_requests_total', 'apiserver_request_total', 'container_network_receive_bytes_total', 'container_network_transmit_bytes_total'],
  defaultTimeoutMs: 30_000,
  maxTimeoutMs: 120_000,
};

export type GuardrailRule =
  | 'syntax'
  | 'max-points'
  | 'invalid-range'
  | 'max-series'
  | 'unbounded-selector'
  | 'match-everything-regex'
  | 'selects-every-series'
  | 'regex'
  | 'range-window-too-long'
  | 'subquery-resolution'
  | 'timeout';

export interface Violation {
  rule: GuardrailRule;
  message: string;
  suggestion: string;
  /** `refuse` blocks the query; `warn` lets it run. */
  severity: 'refuse' | 'warn';
}

export type TimeInput = number | string | Date;

export interface QueryShape {
  queryType: 'instant' | 'range';
  /** Range queries: epoch milliseconds, ISO strings or Dates. */
  start?: TimeInput;
  end?: TimeInput;
  /** Range query step in seconds. */
  step?: number;
  /** Result of the count pre-check, when it was run. */
  seriesCount?: number;
  /** Requested evaluation timeout. */
  timeoutMs?: number;
}

export interface GuardrailResult {
  allowed: boolean;
  violations: Violation[];
  /** The timeout to send: the requested one, clamped to the limit, or the default. */
  timeoutMs: number;
  parse: ParseResult;
}

function epochMs(t: TimeInput | undefined): number | undefined {
  if (t === undefined) return undefined;
  if (t instanceof Date) return t.getTime();
  if (typeof t === 'number') return t < 1e11 ? t * 1000 : t;
  const n = Number(t);
  if (!Number.isNaN(n)) return n < 1e11 ? n * 1000 : n;
  const ms = Date.parse(t);
  return Number.isNaN(ms) ? undefined : ms;
}

export function isHighCardinality(metric: string | undefined, limits: GuardrailLimits): boolean {
  if (!metric) return false;
  return limits.highCardinalityMetrics.some((p) => (typeof p === 'string' ? p === metric : p.test(metric)));
}

/**
 * Whether a label matcher confines the selection to some values of its label: an exact value, or a
 * regex that needs the label (does not match the empty value) and leaves out some value. Negative
 * matchers (`!=`, `!~`) only exclude, and `=~".+"` only asks for the label: neither narrows.
 */
export function narrowsLabel(m: LabelMatcher, budget: RegexBudget): boolean {
  if (m.name === '__name__') return false;
  if (m.op === '=') return m.value !== '';
  if (m.op !== '=~') return false;
  const regex = judgeRegex(m.value, budget);
  return !regex.matchesEmpty && !regex.matchesEveryNonEmpty(budget);
}

function narrows(selector: SelectorInfo, budget: RegexBudget): boolean {
  return selector.matchers.some((m) => narrowsLabel(m, budget));
}

/** Whether the selector names its metrics: an exact name, or a name regex that leaves some out. */
export function namesMetrics(selector: SelectorInfo, budget: RegexBudget): boolean {
  return selector.metric !== undefined || selector.matchers.some((m) => m.name === '__name__' && narrowsMetricNames(m, budget));
}

export function checkGuardrails(query: string | ParseResult, shape: QueryShape, limits: Partial<GuardrailLimits> = {}): GuardrailResult {
  const lim: GuardrailLimits = { ...defaultLimits, ...limits };
  const parse = typeof query === 'string' ? parsePromQL(query, lim) : query;
  const violations: Violation[] = [];
  const refuse = (rule: GuardrailRule, message: string, suggestion: string) => violations.push({ rule, message, suggestion, severity: 'refuse' });
  const warn = (rule: GuardrailRule, message: string, suggestion: string) => violations.push({ rule, message, suggestion, severity: 'warn' });

  if (!parse.ok) {
    const e = parse.error!;
    refuse('syntax', `${e.message} at line ${e.line}, column ${e.column}`, e.hint ?? 'fix the syntax error and try again');
  }

  if (shape.queryType === 'range') {
    const start = epochMs(shape.start);
    const end = epochMs(shape.end);
    if (start === undefined || end === undefined || shape.step === undefined) {
      refuse('invalid-range', 'a range query needs start, end and step', 'give start and end (RFC 3339 or Unix seconds) and a step in seconds');
    } else if (!(shape.step > 0)) {
      refuse('invalid-range', `step must be positive, got ${shape.step}`, 'use a step such as 15, 30 or 60 seconds');
    } else if (end < start) {
      refuse('invalid-range', 'end is before start', 'swap start and end');
    } else {
      const points = Math.floor((end - start) / 1000 / shape.step) + 1;
      if (points > lim.maxPointsPerSeries) {
        const step = Math.ceil((end - start) / 1000 / (lim.maxPointsPerSeries - 1));
        refuse('max-points', `${points} points per series exceed the limit of ${lim.maxPointsPerSeries}`, `use a step of at least ${step}s (e.g. ${formatDuration(niceStep(step) * 1000)}) or a shorter range`);
      }
    }
  }

  const budget = parse.regexBudget;
  for (const s of parse.selectors) {
    try {
      const nameRegex = s.matchers.find((m) => m.name === '__name__' && m.op === '=~');
      // Judged in RE2 semantics on what the regex accepts, not on its text: `.+`, `(?s:.)*`, `.*|x`,
      // `[a-zA-Z_:][a-zA-Z0-9_:]*` all accept every name a metric can have.
      if (nameRegex && !s.metric && !narrowsMetricNames(nameRegex, budget)) {
        refuse('match-everything-regex', `${s.text} selects every series of every metric`, 'name the metric, e.g. `up` or `{__name__=~"container_.*"}` with a real prefix');
        continue;
      }
      if (!namesMetrics(s, budget) && !narrows(s, budget)) {
        refuse(
          'selects-every-series',
          `${s.text} selects every series of every metric: it names no metric and no label matcher narrows it (!=, !~ and =~".+" only exclude or ask for a label)`,
          'name the metric, e.g. `up{job="prometheus"}`, or narrow it with an exact label such as {namespace="petadoptions"}; list_metrics finds names',
        );
        continue;
      }
      for (const m of s.matchers) {
        if (m.name !== '__name__' && matchesEverything(m, budget)) {
          warn('match-everything-regex', `${m.name}${m.op}"${m.value}" in ${s.text} matches every value and filters nothing`, `remove it, or give a real pattern such as ${m.name}=~"petsite|petsearch"`);
        }
      }
      if (isHighCardinality(s.metric, lim) && !narrows(s, budget) && !s.aggregated) {
        refuse(
          'unbounded-selector',
          `${s.text} selects every series of the high-cardinality metric ${s.metric}`,
          `narrow it with a label (e.g. ${s.metric}{service="petsite"} or {namespace="petadoptions"}) or aggregate it, e.g. sum by (service) (rate(${s.metric}[5m]))`,
        );
      }
    } catch (error) {
      if (!(error instanceof RegexProblem)) throw error;
      // The parser already reported a regex it could not compile; a second refusal would say it again.
      if (parse.ok) refuse('regex', `${error.message} (in ${s.text.length > 200 ? `${s.text.slice(0, 200)}...` : s.text})`, error.hint);
      continue;
    }
    if (s.rangeMs !== undefined && s.rangeMs > lim.maxRangeWindowMs) {
      refuse('range-window-too-long', `range [${formatDuration(s.rangeMs)}] on ${s.text} exceeds ${formatDuration(lim.maxRangeWindowMs)}`, `use a shorter window (at most ${formatDuration(lim.maxRangeWindowMs)}) or a recording rule`);
    }
  }

  for (const r of parse.ranges) {
    if (r.kind !== 'subquery' || r.ms === undefined) continue;
    if (r.ms > lim.maxRangeWindowMs) {
      refuse('range-window-too-long', `subquery range ${formatDuration(r.ms)} exceeds ${formatDuration(lim.maxRangeWindowMs)}`, `use a shorter window (at most ${formatDuration(lim.maxRangeWindowMs)})`);
    }
    if (r.stepMs !== undefined) {
      const points = r.ms / r.stepMs;
      if (r.stepMs < lim.minSubqueryStepMs) {
        refuse('subquery-resolution', `subquery resolution ${formatDuration(r.stepMs)} is finer than ${formatDuration(lim.minSubqueryStepMs)}`, `use a resolution of at least ${formatDuration(Math.max(lim.minSubqueryStepMs, r.ms / lim.maxSubqueryPoints))}`);
      } else if (points > lim.maxSubqueryPoints) {
        refuse('subquery-resolution', `subquery ${r.text} evaluates ${Math.round(points)} steps per series (limit ${lim.maxSubqueryPoints})`, `use a coarser resolution, e.g. [${formatDuration(r.ms)}:${formatDuration(niceStep(r.ms / 1000 / lim.maxSubqueryPoints) * 1000)}]`);
      }
    }
  }

  if (shape.seriesCount !== undefined) {
    const decision = decideSeriesCount(shape.seriesCount, lim);
    if (decision.violation) violations.push(decision.violation);
  }

  let timeoutMs = shape.timeoutMs ?? lim.defaultTimeoutMs;
  if (timeoutMs > lim.maxTimeoutMs) {
    warn('timeout', `timeout ${formatDuration(timeoutMs)} exceeds the maximum of ${formatDuration(lim.maxTimeoutMs)}; using the maximum`, 'narrow the query or shorten the range if it times out');
    timeoutMs = lim.maxTimeoutMs;
  } else if (!(timeoutMs > 0)) {
    warn('timeout', `timeout must be positive; using ${formatDuration(lim.defaultTimeoutMs)}`, 'give a timeout in milliseconds');
    timeoutMs = lim.defaultTimeoutMs;
  }

  return { allowed: !violations.some((v) => v.severity === 'refuse'), violations, timeoutMs, parse };
}

/** Decision on the count pre-check's result. */
export function decideSeriesCount(count: number, limits: Partial<GuardrailLimits> = {}): { allowed: boolean; violation?: Violation } {
  const max = limits.maxSeries ?? defaultLimits.maxSeries;
  if (count <= max) return { allowed: true };
  return {
    allowed: false,
    violation: {
      rule: 'max-series',
      severity: 'refuse',
      message: `the query touches ${count} series (limit ${max})`,
      suggestion: 'add label matchers (namespace=, service=, pod=) or aggregate, e.g. sum by (namespace) (...) or topk(10, ...)',
    },
  };
}

const niceSteps = [1, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 21600, 43200, 86400];

/** The smallest "round" step (seconds) at least `seconds`. */
export function niceStep(seconds: number): number {
  return niceSteps.find((s) => s >= seconds) ?? Math.ceil(seconds / 86400) * 86400;
}
