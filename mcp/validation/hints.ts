/**
 * Hints for syntax errors: what a person most likely meant, from the text around the error. Prometheus
 * says "unexpected character"; we say "durations need a unit, e.g. `[5m]`" or "did you mean `rate`?".
 */
import type { SyntaxNode } from '@lezer/common';
import { functionNames, aggregations } from './functions.js';
import { promqlError, type PromQLError } from './parse.js';
import { closest } from './similarity.js';

const openers: Record<string, string> = { '(': ')', '[': ']', '{': '}' };
const closers: Record<string, string> = { ')': '(', ']': '[', '}': '{' };
const bracketName: Record<string, string> = { '(': 'parenthesis', '[': 'bracket', '{': 'brace' };

/**
 * How deeply a query nests, read from its text before any parser runs: each open bracket is a level,
 * and so is each operator or sign in a chain inside one (`a + b + c` nests as `(a + b) + c`, `- - x`
 * as `-(-x)`). An upper estimate (a sign in `offset -1h` counts too); strings, comments and label
 * matchers are skipped. `at` is where the deepest level is reached.
 */
export function nestingDepth(query: string): { depth: number; at: number } {
  // Operators counted in each open bracket, innermost last; braces hold matchers, not operators.
  const chains: number[] = [0];
  let brackets = 0;
  let braces = 0;
  let deepest = { depth: 0, at: 0 };
  const reach = (at: number) => {
    const depth = brackets + chains.reduce((sum, n) => sum + n, 0);
    if (depth > deepest.depth) deepest = { depth, at };
  };
  for (let i = 0; i < query.length; i++) {
    const c = query[i]!;
    if (c === '#') {
      while (i < query.length && query[i] !== '\n') i++;
      continue;
    }
    if (c === '"' || c === "'" || c === '`') {
      i++;
      while (i < query.length && query[i] !== c) {
        if (query[i] === '\\' && c !== '`') i++;
        i++;
      }
      continue;
    }
    if (c === '{') braces++;
    else if (c === '}') braces = Math.max(0, braces - 1);
    if (braces > 0) continue;
    if (c === '(' || c === '[') {
      brackets++;
      chains.push(0);
      reach(i);
    } else if (c === ')' || c === ']') {
      brackets = Math.max(0, brackets - 1);
      if (chains.length > 1) chains.pop();
    } else if ('+-*/%^<>!='.includes(c)) {
      // `==`, `!=`, `>=`, `<=` are one operator.
      if (c !== '=' || !'=!<>'.includes(query[i - 1] ?? '')) {
        chains[chains.length - 1]!++;
        reach(i);
      }
    } else if (/[a-z]/i.test(c) && !/[\w:.]/.test(query[i - 1] ?? '')) {
      const word = /^(?:and|or|unless|atan2)(?![\w:])/i.exec(query.slice(i, i + 7));
      if (word) {
        chains[chains.length - 1]!++;
        reach(i);
        i += word[0].length - 1;
      }
    }
  }
  return deepest;
}

/** Unterminated strings and unbalanced brackets, found by a scan that skips strings and comments. */
export function lexicalErrors(query: string): PromQLError[] {
  const stack: { char: string; at: number }[] = [];
  for (let i = 0; i < query.length; i++) {
    const c = query[i]!;
    if (c === '#') {
      while (i < query.length && query[i] !== '\n') i++;
      continue;
    }
    if (c === '"' || c === "'" || c === '`') {
      const start = i;
      i++;
      while (i < query.length && query[i] !== c) {
        if (query[i] === '\\' && c !== '`') i++;
        if (query[i] === '\n' && c !== '`') break;
        i++;
      }
      if (i >= query.length || query[i] !== c) {
        return [promqlError(query, start, query.length, 'unterminated string', `close the string with ${c}`)];
      }
      continue;
    }
    if (openers[c]) stack.push({ char: c, at: i });
    else if (closers[c]) {
      const open = stack.pop();
      if (!open) {
        return [promqlError(query, i, i + 1, `unexpected "${c}"`, `unbalanced ${bracketName[closers[c]!]}: this "${c}" closes nothing; remove it or add the missing "${closers[c]}" earlier`)];
      }
      if (open.char !== closers[c]) {
        return [promqlError(query, i, i + 1, `unexpected "${c}"`, `unbalanced brackets: "${open.char}" at column ${open.at + 1} is closed by "${c}"; expected "${openers[open.char]}"`)];
      }
    }
  }
  if (stack.length > 0) {
    const open = stack[stack.length - 1]!;
    const missing = stack.map((s) => openers[s.char]).reverse().join('');
    return [promqlError(query, open.at, open.at + 1, `unclosed "${open.char}"`, `unbalanced ${bracketName[open.char]}: add "${missing}" at the end`)];
  }
  return [];
}

function insideBraces(before: string): boolean {
  return before.lastIndexOf('{') > before.lastIndexOf('}');
}

function insideBrackets(before: string): boolean {
  return before.lastIndexOf('[') > before.lastIndexOf(']');
}

/** A hint for the error lezer reported at `node`. */
export function syntaxErrorHint(query: string, node: SyntaxNode): string | undefined {
  const before = query.slice(0, node.from);
  const token = query.slice(node.from, Math.max(node.to, node.from + 1));
  const trimmed = before.trimEnd();
  const ident = /([a-zA-Z_][\w:]*)$/.exec(trimmed)?.[1];

  if (node.from >= query.trimEnd().length) {
    if (/(\bby|\bwithout)$/.test(trimmed)) return 'grouping needs labels in parentheses, e.g. `by (pod)`';
    if (/[-+*/%^=<>!]$|\b(and|or|unless)$/.test(trimmed)) return 'the expression ends with an operator: add its right-hand side';
    return 'the expression is incomplete: an argument or operand is missing at the end';
  }
  if (token.startsWith('(') && ident && !/^(by|without|on|ignoring|group_left|group_right|bool)$/.test(ident)) {
    const known = [...functionNames, ...Object.keys(aggregations)];
    const word = ident.toLowerCase();
    // Among equally close names, a completion of what was typed ("rat" -> rate, not rad) is the likelier intent.
    const near = closest(word, known, 2).sort((a, b) => Number(b.startsWith(word)) - Number(a.startsWith(word)));
    return near.length > 0 ? `unknown function "${ident}": did you mean \`${near[0]}\`?` : `unknown function "${ident}"; see https://prometheus.io/docs/prometheus/latest/querying/functions/`;
  }
  if (insideBraces(before)) {
    if (/(=~|!~|!=|=)\s*$/.test(trimmed) && /^[\w.-]/.test(token)) {
      const value = /^[\w.:/-]+/.exec(query.slice(node.from))?.[0] ?? token;
      return `label values must be quoted: ="${value}"`;
    }
    if (/^=/.test(token) && /=\s*$/.test(trimmed)) return 'label matchers use a single "=" (or "!=", "=~", "!~")';
    return 'label matchers look like {label="value", other=~"regex.*"}, separated by commas';
  }
  if (insideBrackets(before)) {
    return 'durations are a number and a unit without spaces (ms, s, m, h, d, w, y), e.g. `[5m]` or a subquery `[1h:1m]`';
  }
  if (/(\bby|\bwithout)$/.test(trimmed) && !token.startsWith('(')) {
    return `grouping labels go in parentheses: \`${/\bby$/.test(trimmed) ? 'by' : 'without'} (${/^[\w]+/.exec(query.slice(node.from))?.[0] ?? 'label'})\``;
  }
  if (token.startsWith('=') && !token.startsWith('==') && !/[=!<>]$/.test(trimmed)) return 'use `==` to compare (a single "=" only appears inside label matchers)';
  if (/^[a-zA-Z_]/.test(token) && /[\w)\]}]$/.test(trimmed)) {
    return 'two expressions side by side: an operator (+, -, *, /, and, or, unless...) or a comma is missing';
  }
  return undefined;
}
