/**
 * Edits of a rendered query on its parse tree, never on its text: add an offset to every selector, turn
 * gauge selectors into `max_over_time(x[1h])`, add matchers (`route="/Search"`) to the selectors of
 * some metrics, wrap in topk or a comparison. Positions come from lezer-promql, so strings and nested
 * expressions are safe.
 */
import { parsePromQL, walk, type Expr } from '../validation/index.js';

interface Edit {
  from: number;
  to: number;
  text: string;
}

function applyEdits(query: string, edits: Edit[]): string {
  let out = query;
  for (const e of [...edits].sort((a, b) => b.from - a.from || b.to - a.to)) out = out.slice(0, e.from) + e.text + out.slice(e.to);
  return out;
}

function tree(query: string): Expr {
  const parsed = parsePromQL(query);
  if (!parsed.expr || !parsed.ok) throw new Error(`cannot rewrite an invalid query (${parsed.error?.message}): ${query}`);
  return parsed.expr;
}

/** `x` -> `x offset 1h` for every selector (range selectors after their range), unless already offset. */
export function withOffset(query: string, offset: string): string {
  const edits: Edit[] = [];
  walk(tree(query), (node, ancestors) => {
    if (ancestors.some((a) => a.kind === 'offset')) return;
    const parent = ancestors[ancestors.length - 1];
    if (node.kind === 'matrix') edits.push({ from: node.to, to: node.to, text: ` offset ${offset}` });
    else if (node.kind === 'selector' && parent?.kind !== 'matrix') edits.push({ from: node.matchersTo, to: node.matchersTo, text: ` offset ${offset}` });
  });
  return applyEdits(query, edits);
}

/** `x{...}` -> `fn(x{...}[window])` for instant-vector selectors (gauges read over a window). */
export function overTime(query: string, fn: 'avg' | 'max' | 'min', window: string): string {
  const edits: Edit[] = [];
  walk(tree(query), (node, ancestors) => {
    if (node.kind !== 'selector') return;
    if (ancestors.some((a) => a.kind === 'matrix' || a.kind === 'subquery')) return;
    edits.push({ from: node.from, to: node.matchersTo, text: `${fn}_over_time(${query.slice(node.from, node.matchersTo)}[${window}])` });
  });
  return applyEdits(query, edits);
}

/** Adds matchers to the selectors whose metric satisfies `applies`. */
export function withMatchers(query: string, applies: (metric: string | undefined) => boolean, matchers: string[]): string {
  if (matchers.length === 0) return query;
  const edits: Edit[] = [];
  walk(tree(query), (node) => {
    if (node.kind !== 'selector' || !applies(node.metric)) return;
    const missing = matchers.filter((m) => !node.matchers.some((x) => m.startsWith(`${x.name}=`) || m.startsWith(`${x.name}!`)));
    if (missing.length === 0) return;
    if (node.braceClose !== undefined) {
      edits.push({ from: node.braceClose, to: node.braceClose, text: `${node.matchers.length ? ', ' : ''}${missing.join(', ')}` });
    } else edits.push({ from: node.matchersTo, to: node.matchersTo, text: `{${missing.join(', ')}}` });
  });
  return applyEdits(query, edits);
}

/** Parenthesised when the top of the expression is a binary operation (so an outer operator binds to all of it). */
export function operand(query: string): string {
  const top = tree(query);
  return top.kind === 'binary' ? `(${query})` : query;
}
