/**
 * A small typed view of lezer-promql's concrete syntax tree: the node kinds the checks, guardrails and
 * the translator's rewrites need, each with its source span, so a finding can point at the text.
 */
import type { SyntaxNode, Tree } from '@lezer/common';
import { parseDuration } from '../../core/duration.js';

export type MatchOp = '=' | '!=' | '=~' | '!~';

export interface LabelMatcher {
  name: string;
  op: MatchOp;
  value: string;
}

interface Span {
  from: number;
  to: number;
}

export interface SelectorNode extends Span {
  kind: 'selector';
  /** Metric name, from the identifier or a `__name__="..."` matcher. */
  metric?: string;
  matchers: LabelMatcher[];
  /** End of the selector text before any range/offset (where matchers or an offset can be inserted). */
  matchersTo: number;
  /** Position of the closing brace, when there is a matcher list. */
  braceClose?: number;
}

export interface MatrixNode extends Span {
  kind: 'matrix';
  expr: Expr;
  /** Undefined when the range is not a plain duration literal. */
  rangeMs?: number;
}

export interface SubqueryNode extends Span {
  kind: 'subquery';
  expr: Expr;
  rangeMs?: number;
  /** Undefined when the resolution is left to the server (`[1h:]`). */
  stepMs?: number;
}

export interface OffsetNode extends Span {
  kind: 'offset';
  expr: Expr;
  offsetMs?: number;
}

export interface AtNode extends Span {
  kind: 'at';
  expr: Expr;
}

export interface CallNode extends Span {
  kind: 'call';
  name: string;
  nameTo: number;
  args: Expr[];
}

export interface AggregateNode extends Span {
  kind: 'aggregate';
  op: string;
  by?: string[];
  without?: string[];
  param?: Expr;
  expr?: Expr;
}

export interface BinaryNode extends Span {
  kind: 'binary';
  op: string;
  bool: boolean;
  matching?: { card: 'on' | 'ignoring'; labels: string[]; group?: 'left' | 'right' };
  lhs: Expr;
  rhs: Expr;
}

export interface UnaryNode extends Span {
  kind: 'unary';
  op: string;
  expr: Expr;
}

export interface ParenNode extends Span {
  kind: 'paren';
  expr: Expr;
}

export interface NumberNode extends Span {
  kind: 'number';
  value: number;
}

export interface StringNode extends Span {
  kind: 'string';
  value: string;
}

/** A part lezer could not make sense of; the syntax check reports it. */
export interface InvalidNode extends Span {
  kind: 'invalid';
}

export type Expr =
  | SelectorNode
  | MatrixNode
  | SubqueryNode
  | OffsetNode
  | AtNode
  | CallNode
  | AggregateNode
  | BinaryNode
  | UnaryNode
  | ParenNode
  | NumberNode
  | StringNode
  | InvalidNode;

const binaryOps: Record<string, string> = {
  Add: '+', Sub: '-', Mul: '*', Div: '/', Mod: '%', Pow: '^', Atan2: 'atan2',
  Eql: '==', Neq: '!=', Gtr: '>', Lss: '<', Gte: '>=', Lte: '<=', And: 'and', Or: 'or', Unless: 'unless',
  TrimUpper: '</', TrimLower: '>/',
};
const matchOps: Record<string, MatchOp> = { EqlSingle: '=', Neq: '!=', EqlRegex: '=~', NeqRegex: '!~' };

/** Durations as PromQL writes them: Go-style units plus `y`, or plain seconds. */
export function promDurationMs(text: string): number | undefined {
  const t = text.trim();
  if (/^\d+(\.\d+)?$/.test(t)) return Number(t) * 1000;
  const years = /^(\d+)y(.*)$/.exec(t);
  try {
    if (years) return Number(years[1]) * 365 * 86_400_000 + (years[2] ? parseDuration(years[2]) : 0);
    return parseDuration(t);
  } catch {
    return undefined;
  }
}

/** Unquotes a PromQL string literal (double, single or backtick quotes). */
export function unquote(literal: string): string {
  if (literal.length < 2) return literal;
  const quote = literal[0];
  const body = literal.slice(1, literal.endsWith(quote!) ? -1 : undefined);
  if (quote === '`') return body;
  return body.replace(/\\(u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|[0-7]{3}|.)/g, (_, esc: string) => {
    switch (esc[0]) {
      case 'n': return '\n';
      case 't': return '\t';
      case 'r': return '\r';
      case 'a': return '\x07';
      case 'b': return '\b';
      case 'f': return '\f';
      case 'v': return '\v';
      case 'u': return String.fromCharCode(parseInt(esc.slice(1), 16));
      case 'x': return String.fromCharCode(parseInt(esc.slice(1), 16));
      default: return /^[0-7]{3}$/.test(esc) ? String.fromCharCode(parseInt(esc, 8)) : esc;
    }
  });
}

function children(node: SyntaxNode): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  for (let c = node.firstChild; c; c = c.nextSibling) out.push(c);
  return out;
}

const expressionNodes = new Set([
  'AggregateExpr', 'BinaryExpr', 'FunctionCall', 'MatrixSelector', 'NumberDurationLiteral', 'OffsetExpr', 'ParenExpr',
  'StringLiteral', 'SubqueryExpr', 'UnaryExpr', 'VectorSelector', 'StepInvariantExpr', 'AnchoredExpr', 'SmoothedExpr',
]);

function isExpression(node: SyntaxNode): boolean {
  return expressionNodes.has(node.name);
}

/**
 * How many expressions deep the tree nests, and where the deepest starts; measured with lezer's
 * iterative cursor, so a hostile depth is found before anything recurses over the tree.
 */
export function expressionDepth(tree: Tree): { depth: number; at: number } {
  let depth = 0;
  let deepest = { depth: 0, at: 0 };
  tree.iterate({
    enter: (node) => {
      if (!expressionNodes.has(node.name)) return;
      depth++;
      if (depth > deepest.depth) deepest = { depth, at: node.from };
    },
    leave: (node) => {
      if (expressionNodes.has(node.name)) depth--;
    },
  });
  return deepest;
}

function labelList(node: SyntaxNode | undefined, text: string): string[] {
  if (!node) return [];
  return children(node)
    .filter((c) => c.name === 'LabelName' || c.name === 'QuotedLabelName')
    .map((c) => (c.name === 'QuotedLabelName' ? unquote(text.slice(c.from, c.to)) : text.slice(c.from, c.to)));
}

/** Builds the typed tree for the expression rooted at a lezer node. */
export function toExpr(node: SyntaxNode, text: string): Expr {
  const span = { from: node.from, to: node.to };
  const kids = children(node);
  const exprKids = kids.filter(isExpression);
  switch (node.name) {
    case 'PromQL':
      return exprKids[0] ? toExpr(exprKids[0], text) : { kind: 'invalid', ...span };
    case 'VectorSelector': {
      const matchers: LabelMatcher[] = [];
      let metric: string | undefined;
      let braceClose: number | undefined;
      for (const c of kids) {
        if (c.name === 'Identifier') metric = text.slice(c.from, c.to);
        if (c.name === 'LabelMatchers') {
          braceClose = text[c.to - 1] === '}' ? c.to - 1 : undefined;
          for (const lm of children(c)) {
            const parts = children(lm);
            const nameNode = parts.find((p) => p.name === 'LabelName' || p.name === 'QuotedLabelName');
            const opNode = parts.find((p) => p.name === 'MatchOp');
            const valueNode = parts.find((p) => p.name === 'StringLiteral');
            if (lm.name === 'QuotedLabelMatcher' && !opNode && valueNode) {
              metric = unquote(text.slice(valueNode.from, valueNode.to));
              continue;
            }
            if (!nameNode || !opNode || !valueNode) continue;
            const name = nameNode.name === 'QuotedLabelName' ? unquote(text.slice(nameNode.from, nameNode.to)) : text.slice(nameNode.from, nameNode.to);
            const op = matchOps[opNode.firstChild?.name ?? ''] ?? '=';
            const value = unquote(text.slice(valueNode.from, valueNode.to));
            if (name === '__name__' && op === '=') metric = value;
            matchers.push({ name, op, value });
          }
        }
      }
      return { kind: 'selector', metric, matchers, matchersTo: node.to, braceClose, ...span };
    }
    case 'MatrixSelector': {
      const duration = kids.find((c) => c.name === 'DurationExpr');
      return {
        kind: 'matrix',
        expr: exprKids[0] ? toExpr(exprKids[0], text) : { kind: 'invalid', ...span },
        rangeMs: duration ? promDurationMs(text.slice(duration.from, duration.to)) : undefined,
        ...span,
      };
    }
    case 'SubqueryExpr': {
      const durations = kids.filter((c) => c.name === 'DurationExpr');
      return {
        kind: 'subquery',
        expr: exprKids[0] ? toExpr(exprKids[0], text) : { kind: 'invalid', ...span },
        rangeMs: durations[0] ? promDurationMs(text.slice(durations[0].from, durations[0].to)) : undefined,
        stepMs: durations[1] ? promDurationMs(text.slice(durations[1].from, durations[1].to)) : undefined,
        ...span,
      };
    }
    case 'OffsetExpr': {
      const duration = kids.find((c) => c.name === 'OffsetDurationExpr');
      const inner = exprKids[0] ? toExpr(exprKids[0], text) : ({ kind: 'invalid', ...span } as Expr);
      const ms = duration ? offsetMs(text.slice(duration.from, duration.to)) : undefined;
      return attachRight(inner, (operand) => ({ kind: 'offset', expr: operand, offsetMs: ms, from: operand.from, to: node.to }));
    }
    case 'StepInvariantExpr':
    case 'AnchoredExpr':
    case 'SmoothedExpr': {
      const inner = exprKids[0] ? toExpr(exprKids[0], text) : ({ kind: 'invalid', ...span } as Expr);
      return attachRight(inner, (operand) => ({ kind: 'at', expr: operand, from: operand.from, to: node.to }));
    }
    case 'FunctionCall': {
      const ident = kids.find((c) => c.name === 'FunctionIdentifier');
      const body = kids.find((c) => c.name === 'FunctionCallBody');
      return {
        kind: 'call',
        name: ident ? text.slice(ident.from, ident.to) : '',
        nameTo: ident?.to ?? node.from,
        args: body ? children(body).filter(isExpression).map((c) => toExpr(c, text)) : [],
        ...span,
      };
    }
    case 'AggregateExpr': {
      const op = kids.find((c) => c.name === 'AggregateOp');
      const modifier = kids.find((c) => c.name === 'AggregateModifier');
      const body = kids.find((c) => c.name === 'FunctionCallBody');
      const args = body ? children(body).filter(isExpression).map((c) => toExpr(c, text)) : [];
      const labels = labelList(modifier ? children(modifier).find((c) => c.name === 'GroupingLabels') : undefined, text);
      const without = modifier?.firstChild?.name === 'Without';
      return {
        kind: 'aggregate',
        op: op ? text.slice(op.from, op.to).toLowerCase() : '',
        ...(modifier ? (without ? { without: labels } : { by: labels }) : {}),
        param: args.length > 1 ? args[0] : undefined,
        expr: args.length > 1 ? args[1] : args[0],
        ...span,
      };
    }
    case 'BinaryExpr': {
      const opNode = kids.find((c) => binaryOps[c.name] !== undefined);
      const clause = kids.find((c) => c.name === 'MatchingModifierClause');
      let matching: BinaryNode['matching'];
      if (clause) {
        const parts = children(clause);
        const groups = parts.filter((p) => p.name === 'GroupingLabels');
        const group = parts.find((p) => p.name === 'GroupLeft' || p.name === 'GroupRight');
        matching = {
          card: parts[0]?.name === 'Ignoring' ? 'ignoring' : 'on',
          labels: labelList(groups[0], text),
          ...(group ? { group: group.name === 'GroupLeft' ? ('left' as const) : ('right' as const) } : {}),
        };
      }
      return {
        kind: 'binary',
        op: opNode ? binaryOps[opNode.name]! : '?',
        bool: kids.some((c) => c.name === 'BoolModifier'),
        matching,
        lhs: exprKids[0] ? toExpr(exprKids[0], text) : { kind: 'invalid', ...span },
        rhs: exprKids[1] ? toExpr(exprKids[1], text) : { kind: 'invalid', from: node.to, to: node.to },
        ...span,
      };
    }
    case 'UnaryExpr':
      return { kind: 'unary', op: text.slice(node.from, node.from + 1), expr: exprKids[0] ? toExpr(exprKids[0], text) : { kind: 'invalid', ...span }, ...span };
    case 'ParenExpr':
      return { kind: 'paren', expr: exprKids[0] ? toExpr(exprKids[0], text) : { kind: 'invalid', ...span }, ...span };
    case 'NumberDurationLiteral': {
      const raw = text.slice(node.from, node.to);
      const n = Number(raw);
      return { kind: 'number', value: Number.isNaN(n) && !/^nan$/i.test(raw) ? (promDurationMs(raw) ?? NaN) / 1000 : n, ...span };
    }
    case 'StringLiteral':
      return { kind: 'string', value: unquote(text.slice(node.from, node.to)), ...span };
    default:
      return { kind: 'invalid', ...span };
  }
}

/**
 * lezer-promql applies a trailing `offset`/`@` to a whole binary expression (`a / b offset 1h`);
 * Prometheus binds it to the last operand only. Re-attach it there, so the tree means what runs.
 */
function attachRight(expr: Expr, wrap: (operand: Expr) => Expr): Expr {
  if (expr.kind === 'binary') {
    const rhs = attachRight(expr.rhs, wrap);
    return { ...expr, rhs, to: rhs.to };
  }
  return wrap(expr);
}

function offsetMs(text: string): number | undefined {
  const t = text.replace(/\s+/g, '');
  const negative = t.startsWith('-');
  const ms = promDurationMs(negative || t.startsWith('+') ? t.slice(1) : t);
  return ms === undefined ? undefined : negative ? -ms : ms;
}

/** Depth-first walk over the typed tree, with each node's ancestors (closest last). */
export function walk(expr: Expr, visit: (node: Expr, ancestors: Expr[]) => void, ancestors: Expr[] = []): void {
  visit(expr, ancestors);
  const next = [...ancestors, expr];
  switch (expr.kind) {
    case 'matrix':
    case 'subquery':
    case 'offset':
    case 'at':
    case 'unary':
    case 'paren':
      walk(expr.expr, visit, next);
      break;
    case 'call':
      for (const a of expr.args) walk(a, visit, next);
      break;
    case 'aggregate':
      if (expr.param) walk(expr.param, visit, next);
      if (expr.expr) walk(expr.expr, visit, next);
      break;
    case 'binary':
      walk(expr.lhs, visit, next);
      walk(expr.rhs, visit, next);
      break;
    default:
      break;
  }
}
