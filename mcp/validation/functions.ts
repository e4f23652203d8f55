/**
 * PromQL function and aggregation signatures, for type checking the parse tree: lezer-promql accepts
 * `rate(x)` or `sum(x[5m])` as well-formed, and only a check of argument types finds those mistakes
 * before Prometheus refuses them.
 */
export type ValueType = 'vector' | 'matrix' | 'scalar' | 'string';

export interface FunctionSignature {
  args: ValueType[];
  /** How many trailing arguments may be left out. */
  optional?: number;
  /** The last argument may repeat. */
  variadic?: boolean;
  returns: ValueType;
}

const v: ValueType = 'vector';
const m: ValueType = 'matrix';
const s: ValueType = 'scalar';
const str: ValueType = 'string';

const overTime = ['avg', 'min', 'max', 'sum', 'count', 'stddev', 'stdvar', 'last', 'first', 'present', 'absent', 'mad', 'ts_of_max', 'ts_of_min', 'ts_of_last', 'ts_of_first'];
const math = ['abs', 'ceil', 'floor', 'exp', 'sqrt', 'ln', 'log2', 'log10', 'sgn', 'deg', 'rad', 'acos', 'acosh', 'asin', 'asinh', 'atan', 'atanh', 'cos', 'cosh', 'sin', 'sinh', 'tan', 'tanh', 'absent', 'timestamp', 'sort', 'sort_desc', 'histogram_avg', 'histogram_count', 'histogram_sum', 'histogram_stddev', 'histogram_stdvar'];
const counterRange = ['rate', 'irate', 'increase', 'delta', 'idelta', 'deriv', 'changes', 'resets'];
const calendar = ['day_of_month', 'day_of_week', 'day_of_year', 'days_in_month', 'hour', 'minute', 'month', 'year'];

export const functions: Record<string, FunctionSignature> = {
  ...Object.fromEntries(overTime.map((name) => [`${name}_over_time`, { args: [m], returns: v }])),
  ...Object.fromEntries(math.map((name) => [name, { args: [v], returns: v }])),
  ...Object.fromEntries(counterRange.map((name) => [name, { args: [m], returns: v }])),
  ...Object.fromEntries(calendar.map((name) => [name, { args: [v], optional: 1, returns: v }])),
  clamp: { args: [v, s, s], returns: v },
  clamp_max: { args: [v, s], returns: v },
  clamp_min: { args: [v, s], returns: v },
  histogram_quantile: { args: [s, v], returns: v },
  histogram_fraction: { args: [s, s, v], returns: v },
  holt_winters: { args: [m, s, s], returns: v },
  double_exponential_smoothing: { args: [m, s, s], returns: v },
  label_replace: { args: [v, str, str, str, str], returns: v },
  label_join: { args: [v, str, str, str], variadic: true, optional: 1, returns: v },
  predict_linear: { args: [m, s], returns: v },
  quantile_over_time: { args: [s, m], returns: v },
  round: { args: [v, s], optional: 1, returns: v },
  scalar: { args: [v], returns: s },
  vector: { args: [s], returns: v },
  time: { args: [], returns: s },
  pi: { args: [], returns: s },
  sort_by_label: { args: [v, str], variadic: true, returns: v },
  sort_by_label_desc: { args: [v, str], variadic: true, returns: v },
  info: { args: [v, v], optional: 1, returns: v },
};

/** Aggregation operators and the type of their parameter (before the vector), if they take one. */
export const aggregations: Record<string, ValueType | undefined> = {
  sum: undefined,
  avg: undefined,
  min: undefined,
  max: undefined,
  count: undefined,
  group: undefined,
  stddev: undefined,
  stdvar: undefined,
  topk: s,
  bottomk: s,
  limitk: s,
  limit_ratio: s,
  quantile: s,
  count_values: str,
};

export const functionNames = Object.keys(functions);

/** Functions whose argument is a counter: applying them to a gauge is a common mistake worth a warning. */
export const counterFunctions = new Set(['rate', 'irate', 'increase', 'resets']);
