/**
 * Types the parse tree the way the Prometheus engine does (instant vector, range vector, scalar,
 * string) and reports what it would refuse, with the fix spelled out: `rate(x)` -> `rate(x[5m])`,
 * `sum(x[5m])` -> `sum(rate(x[5m]))`, `topk(x, 5)` -> `topk(5, x)`.
 */
import type { Expr } from './ast.js';
import { aggregations, counterFunctions, functions, type ValueType } from './functions.js';
import { promqlError, type PromQLError } from './parse.js';
import { judgeRegex, matchesEmpty, RegexBudget, RegexProblem, type RegexLimits } from './regex.js';

const typeName: Record<ValueType, string> = { vector: 'an instant vector', matrix: 'a range vector', scalar: 'a scalar', string: 'a string' };
const comparison = new Set(['==', '!=', '>', '<', '>=', '<=']);
const setOps = new Set(['and', 'or', 'unless']);
/** Gauges a user may wrongly rate(); anything ending like a counter is left alone. */
const counterSuffix = /(_total|_count|_sum|_bucket|_seconds_total)$/;

export interface TypeCheckResult {
  type?: ValueType;
  errors: PromQLError[];
  warnings: string[];
}

export function typeCheck(query: string, expr: Expr, budget = new RegexBudget(), limits?: RegexLimits): TypeCheckResult {
  const errors: PromQLError[] = [];
  const warnings: string[] = [];
  const text = (e: Expr) => query.slice(e.from, e.to);
  const fail = (e: Expr, message: string, hint?: string) => {
    errors.push(promqlError(query, e.from, e.to, message, hint));
  };

  const regexProblem = (pattern: string | undefined): RegexProblem | undefined => {
    if (pattern === undefined) return undefined;
    try {
      judgeRegex(pattern, budget, limits);
      return undefined;
    } catch (error) {
      if (error instanceof RegexProblem) return error;
      throw error;
    }
  };

  const check = (e: Expr): ValueType | undefined => {
    switch (e.kind) {
      case 'selector': {
        // Every regex is compiled (RE2, linear) and held to the limits here, as Prometheus' parser does.
        const bad = e.matchers.map((m) => regexProblem(m.op === '=~' || m.op === '!~' ? m.value : undefined)).find((p) => p);
        if (bad) {
          fail(e, bad.message, bad.hint);
          return 'vector';
        }
        if (e.matchers.length > 0 && !e.metric && e.matchers.every((m) => matchesEmpty(m, budget, limits))) {
          fail(e, 'vector selector must contain at least one non-empty matcher', 'add a metric name or a matcher such as {job="..."}');
        }
        return 'vector';
      }
      case 'matrix': {
        const inner = e.expr.kind === 'offset' ? e.expr.expr : e.expr;
        if (inner.kind !== 'selector') {
          check(e.expr);
          fail(e, 'ranges only apply to selectors', `for an expression, use a subquery: \`(${text(e.expr)})${query.slice(e.expr.to, e.to).replace(/\]$/, ':1m]')}\``);
          return 'matrix';
        }
        if (e.rangeMs === undefined) fail(e, 'invalid range duration', 'durations are a number and a unit, e.g. `[5m]`');
        return 'matrix';
      }
      case 'subquery': {
        const inner = check(e.expr);
        if (inner && inner !== 'vector') fail(e, `subqueries need an instant vector inside, got ${typeName[inner]}`);
        return 'matrix';
      }
      case 'offset':
      case 'at': {
        const inner = e.expr.kind === 'offset' || e.expr.kind === 'at' ? e.expr.expr : e.expr;
        if (inner.kind !== 'selector' && inner.kind !== 'matrix' && inner.kind !== 'subquery' && inner.kind !== 'invalid') {
          const what = e.kind === 'offset' ? 'offset' : '@';
          fail(e, `${what} must follow a selector, a range selector or a subquery`, 'move it next to each selector inside, e.g. `sum(rate(x[5m] offset 1h))`');
        }
        return check(e.expr);
      }
      case 'paren':
        return check(e.expr);
      case 'unary': {
        const t = check(e.expr);
        if (t === 'matrix' || t === 'string') fail(e, `unary "${e.op}" needs a scalar or an instant vector, got ${typeName[t]}`);
        return t;
      }
      case 'number':
        return 'scalar';
      case 'string':
        return 'string';
      case 'call':
        return checkCall(e);
      case 'aggregate':
        return checkAggregate(e);
      case 'binary': {
        const l = check(e.lhs);
        const r = check(e.rhs);
        for (const [side, t] of [[e.lhs, l], [e.rhs, r]] as const) {
          if (t === 'matrix') {
            fail(side, `binary "${e.op}" cannot take a range vector`, `apply a function to the range first, e.g. \`rate(${text(side)})\` or \`avg_over_time(${text(side)})\``);
          } else if (t === 'string') fail(side, `binary "${e.op}" cannot take a string`);
        }
        if (setOps.has(e.op) && (l === 'scalar' || r === 'scalar')) fail(e, `"${e.op}" works on instant vectors only`);
        if (comparison.has(e.op) && l === 'scalar' && r === 'scalar' && !e.bool) {
          fail(e, 'comparisons between scalars need the bool modifier', `\`${text(e.lhs)} ${e.op} bool ${text(e.rhs)}\``);
        }
        return l === 'scalar' && r === 'scalar' ? 'scalar' : 'vector';
      }
      case 'invalid':
        return undefined;
    }
  };

  const checkCall = (e: Extract<Expr, { kind: 'call' }>): ValueType => {
    const sig = functions[e.name];
    if (!sig) {
      fail(e, `unknown function "${e.name}"`);
      return 'vector';
    }
    const min = sig.args.length - (sig.optional ?? 0);
    if (e.args.length < min || (!sig.variadic && e.args.length > sig.args.length)) {
      const expected = sig.optional ? `${min} to ${sig.args.length}` : sig.variadic ? `at least ${min}` : String(sig.args.length);
      fail(e, `${e.name}() takes ${expected} argument(s), got ${e.args.length}`);
    }
    e.args.forEach((arg, i) => {
      const want = sig.args[Math.min(i, sig.args.length - 1)]!;
      const got = check(arg);
      if (!got || got === want) return;
      if (want === 'matrix' && got === 'vector') {
        const hint = arg.kind === 'selector' ? `did you mean \`${e.name}(${text(arg)}[5m])\`?` : `use a subquery: \`${e.name}((${text(arg)})[5m:1m])\``;
        fail(arg, `${e.name}() needs a range vector, got an instant vector`, `range vectors need a duration in brackets: ${hint}`);
      } else if (want === 'vector' && got === 'matrix') {
        fail(arg, `${e.name}() needs an instant vector, got a range vector`, `apply rate(), increase() or a *_over_time() function to the range first, e.g. \`${e.name}(rate(${text(arg)}))\``);
      } else if (!(want === 'scalar' && got === 'vector' && arg.kind === 'number')) {
        fail(arg, `${e.name}() argument ${i + 1} must be ${typeName[want]}, got ${typeName[got]}`);
      }
    });
    if (counterFunctions.has(e.name)) {
      const sel = e.args[0]?.kind === 'matrix' ? e.args[0].expr : undefined;
      if (sel?.kind === 'selector' && sel.metric && !counterSuffix.test(sel.metric)) {
        warnings.push(`${e.name}() is meant for counters and "${sel.metric}" does not look like one; for a gauge use deriv() or avg_over_time()`);
      }
    }
    if (e.name === 'histogram_quantile') {
      const agg = unwrap(e.args[1]);
      if (agg?.kind === 'aggregate' && agg.by && !agg.by.includes('le')) {
        warnings.push('histogram_quantile() needs the `le` label: group by (le, ...) inside it');
      }
      const q = e.args[0];
      if (q?.kind === 'number' && (q.value < 0 || q.value > 1)) warnings.push(`quantile ${q.value} is outside 0..1 (p95 is 0.95)`);
    }
    return sig.returns;
  };

  const checkAggregate = (e: Extract<Expr, { kind: 'aggregate' }>): ValueType => {
    if (!(e.op in aggregations)) fail(e, `unknown aggregation "${e.op}"`);
    const paramType = aggregations[e.op];
    if (paramType) {
      if (!e.param) {
        fail(e, `${e.op}() needs a parameter before the vector`, `e.g. \`${e.op}(${e.op === 'count_values' ? '"value"' : e.op === 'quantile' ? '0.95' : '5'}, ${e.expr ? text(e.expr) : 'expr'})\``);
      } else {
        const p = check(e.param);
        if (p !== paramType) {
          const swapped = e.expr?.kind === 'number' ? `arguments swapped? \`${e.op}(${text(e.expr)}, ${text(e.param)})\`` : undefined;
          fail(e.param, `${e.op}() parameter must be ${typeName[paramType]}, got ${p ? typeName[p] : 'nothing'}`, swapped);
        }
      }
    } else if (e.param) {
      fail(e.param, `${e.op}() takes a single vector argument`);
    }
    if (!e.expr) {
      fail(e, `${e.op}() needs an argument`);
      return 'vector';
    }
    const t = check(e.expr);
    if (t === 'matrix') {
      fail(e.expr, `${e.op}() needs an instant vector, got a range vector`, `apply rate(), increase() or a *_over_time() function first, e.g. \`${e.op}(rate(${text(e.expr)}))\``);
    } else if (t && t !== 'vector' && !(paramType && e.param === undefined)) {
      fail(e.expr, `${e.op}() needs an instant vector, got ${typeName[t]}`);
    }
    return 'vector';
  };

  const type = check(expr);
  return { type, errors, warnings };
}

function unwrap(e: Expr | undefined): Expr | undefined {
  let cur = e;
  while (cur && cur.kind === 'paren') cur = cur.expr;
  return cur;
}
