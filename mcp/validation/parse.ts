/**
 * `parsePromQL`: every query, generated or typed by a user, goes through here before it reaches a
 * backend. lezer-promql gives the syntax tree (and is error-tolerant, so it never throws); on top of it
 * we check what Prometheus would refuse (unterminated strings, argument types such as `rate(x)`) and
 * describe the query: selectors, functions, aggregations and time ranges, for the guardrails.
 */
import { parser } from '@prometheus-io/lezer-promql';
import type { SyntaxNode, Tree } from '@lezer/common';
import { expressionDepth, toExpr, walk, type Expr, type LabelMatcher } from './ast.js';
import type { ValueType } from './functions.js';
import { syntaxErrorHint, lexicalErrors, nestingDepth } from './hints.js';
import { defaultRegexLimits, RegexBudget, type RegexLimits } from './regex.js';
import { typeCheck } from './typecheck.js';

/**
 * What one query may cost to read: its length (the parser is never fed megabytes), how deeply it
 * nests (parsing and walking the tree grow with depth), and its label regexes (regex.ts).
 */
export interface PromQLLimits extends RegexLimits {
  /** Longest query, in characters. */
  maxQueryLength: number;
  /** Deepest nesting: brackets, chained unary signs, or expressions inside expressions. */
  maxDepth: number;
}

const strictParser = parser.configure({ strict: true });
const DETAILED_ERRORS_UP_TO = 2048;

export const defaultPromQLLimits: PromQLLimits = {
  ...defaultRegexLimits,
  maxQueryLength: 16_384,
  maxDepth: 128,
};

export interface PromQLError {
  message: string;
  /** 1-based line and column of the offending token. */
  line: number;
  column: number;
  /** 0-based character offset in the query. */
  offset: number;
  /** The text at the error ("" at the end of input). */
  token: string;
  hint?: string;
}

export interface SelectorInfo {
  metric?: string;
  matchers: LabelMatcher[];
  /** Source text of the selector, without range or offset. */
  text: string;
  from: number;
  to: number;
  /** `[5m]` range when the selector is a range selector. */
  rangeMs?: number;
  offsetMs?: number;
  /** Whether an aggregation (sum, count, topk...) encloses it. */
  aggregated: boolean;
}

export interface AggregationInfo {
  op: string;
  by?: string[];
  without?: string[];
}

export interface RangeInfo {
  kind: 'range' | 'subquery' | 'offset';
  ms?: number;
  /** Subquery resolution, when given. */
  stepMs?: number;
  text: string;
}

export interface ParseResult {
  ok: boolean;
  /** The first error, as users want it; `errors` has them all. */
  error?: PromQLError;
  errors: PromQLError[];
  /** Things Prometheus accepts but that are likely mistakes. */
  warnings: string[];
  selectors: SelectorInfo[];
  /** Function names in order of appearance, without duplicates. */
  functions: string[];
  aggregations: AggregationInfo[];
  ranges: RangeInfo[];
  resultType?: ValueType;
  /** The typed tree (absent when the query is empty). */
  expr?: Expr;
  /** What is left of the query's regex work budget, for the guardrails that judge its selectors. */
  regexBudget: RegexBudget;
  limits: PromQLLimits;
}

export function positionOf(query: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < query.length; i++) {
    if (query[i] === '\n') {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

export function promqlError(query: string, offset: number, to: number, message: string, hint?: string): PromQLError {
  const { line, column } = positionOf(query, offset);
  return { message, line, column, offset, token: query.slice(offset, Math.max(to, offset)), ...(hint ? { hint } : {}) };
}

function firstSyntaxError(tree: Tree): SyntaxNode | undefined {
  let found: SyntaxNode | undefined;
  tree.iterate({
    enter: (node) => {
      if (found) return false;
      if (node.type.isError) {
        found = node.node;
        return false;
      }
      return undefined;
    },
  });
  return found;
}

export function parsePromQL(query: string, limits: Partial<PromQLLimits> = {}): ParseResult {
  const lim: PromQLLimits = { ...defaultPromQLLimits, ...limits };
  const empty: ParseResult = { ok: false, errors: [], warnings: [], selectors: [], functions: [], aggregations: [], ranges: [], regexBudget: new RegexBudget(lim.regexWorkBudget), limits: lim };
  const refuse = (error: PromQLError): ParseResult => ({ ...empty, error, errors: [error] });
  if (query.trim() === '') {
    return refuse(promqlError(query, 0, 0, 'empty query', 'write an expression, e.g. `up` or `sum(rate(http_requests_total[5m]))`'));
  }
  if (query.length > lim.maxQueryLength) {
    return refuse({ ...promqlError('', 0, 0, `the query is ${query.length} characters long; the limit is ${lim.maxQueryLength}`, 'split it into smaller queries, aggregate, or match label values with a shorter regex (a prefix such as pod=~"petsite-.*")'), offset: lim.maxQueryLength });
  }
  // Checked on the text before parsing: the parser's own cost grows with nesting.
  const nested = nestingDepth(query);
  if (nested.depth > lim.maxDepth) {
    return refuse(promqlError(query, nested.at, nested.at + 1, `the query nests ${nested.depth} levels deep; the limit is ${lim.maxDepth}`, 'flatten it: fewer nested brackets, chained operators (a + b + c + ...) or signs; split it into several queries'));
  }
  // Error recovery costs lezer about 10 µs a character (160 ms for 16 KiB of `1.1.1...`), so it only
  // runs on short queries, for its hints; a longer one that does not parse strictly is refused at
  // the first position that does not parse.
  let tree: Tree;
  try {
    tree = strictParser.parse(query);
  } catch (error) {
    if (query.length > DETAILED_ERRORS_UP_TO) {
      const lexical = lexicalErrors(query)[0];
      if (lexical) return refuse(lexical);
      const at = Math.min(query.length, Number(/at (\d+)/.exec((error as Error).message)?.[1] ?? 0));
      const token = /^\S{0,40}/.exec(query.slice(at))?.[0] ?? '';
      return refuse(promqlError(query, at, at + token.length, token ? `unexpected "${token}"` : 'unexpected end of input', 'fix the syntax near that position; shorter queries get a more specific hint'));
    }
    tree = parser.parse(query);
  }
  const depth = expressionDepth(tree);
  if (depth.depth > lim.maxDepth) {
    return refuse(promqlError(query, depth.at, depth.at + 1, `the query nests ${depth.depth} expressions deep; the limit is ${lim.maxDepth}`, 'split a long chain of operators (a + b + c + ...) into sums of groups, or into several queries'));
  }
  const errors: PromQLError[] = [...lexicalErrors(query)];
  const bad = firstSyntaxError(tree);
  if (bad && errors.length === 0) {
    // lezer marks the token it could not place; an empty error node means input ended too early.
    const from = bad.from;
    let to = bad.to;
    if (to === from) to = Math.min(query.length, from + (query.slice(from).match(/^\S+/)?.[0].length ?? 0));
    const token = query.slice(from, to);
    const message = token === '' ? 'unexpected end of input' : `unexpected "${token}"`;
    errors.push(promqlError(query, from, to, message, syntaxErrorHint(query, bad)));
  }
  const expr = toExpr(tree.topNode, query);
  const result: ParseResult = { ...empty, expr, errors, warnings: [] };
  describe(query, expr, result);
  if (errors.length === 0) {
    const checked = typeCheck(query, expr, result.regexBudget, lim);
    errors.push(...checked.errors);
    result.warnings.push(...checked.warnings);
    result.resultType = checked.type;
  }
  result.ok = errors.length === 0;
  if (errors.length > 0) result.error = errors[0];
  return result;
}

function describe(query: string, expr: Expr, out: ParseResult): void {
  const functions = new Set<string>();
  walk(expr, (node, ancestors) => {
    switch (node.kind) {
      case 'selector': {
        const parent = ancestors[ancestors.length - 1];
        const matrix = parent?.kind === 'matrix' ? parent : undefined;
        const offsetNode = [...ancestors].reverse().find((a) => a.kind === 'offset');
        out.selectors.push({
          metric: node.metric,
          matchers: node.matchers,
          text: query.slice(node.from, node.matchersTo),
          from: node.from,
          to: node.matchersTo,
          ...(matrix?.rangeMs !== undefined ? { rangeMs: matrix.rangeMs } : {}),
          ...(offsetNode?.kind === 'offset' && offsetNode.offsetMs !== undefined ? { offsetMs: offsetNode.offsetMs } : {}),
          aggregated: ancestors.some((a) => a.kind === 'aggregate'),
        });
        break;
      }
      case 'call':
        functions.add(node.name);
        break;
      case 'aggregate':
        out.aggregations.push({ op: node.op, ...(node.by ? { by: node.by } : {}), ...(node.without ? { without: node.without } : {}) });
        break;
      case 'matrix':
        out.ranges.push({ kind: 'range', ms: node.rangeMs, text: query.slice(node.from, node.to) });
        break;
      case 'subquery':
        out.ranges.push({ kind: 'subquery', ms: node.rangeMs, ...(node.stepMs !== undefined ? { stepMs: node.stepMs } : {}), text: query.slice(node.from, node.to) });
        break;
      case 'offset':
        out.ranges.push({ kind: 'offset', ms: node.offsetMs, text: query.slice(node.from, node.to) });
        break;
      default:
        break;
    }
  });
  out.functions = [...functions];
}
