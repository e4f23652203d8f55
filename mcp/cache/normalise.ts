/**
 * Cache keys for PromQL: two spellings of the same query get the same key. Whitespace and comments
 * go, keywords are lower-cased, label matchers inside `{}` and label lists of `by`/`without`/`on`/
 * `ignoring`/`group_left`/`group_right` are sorted (their order never changes the result).
 * A token-level rewrite, not a parse: a query the tokenizer does not understand keeps its own text,
 * which only costs a cache miss.
 */

type TokenKind = 'word' | 'number' | 'string' | 'punct';
interface Token {
  kind: TokenKind;
  text: string;
}

// Case-insensitive in PromQL's lexer; function and metric names are case-sensitive and kept.
const keywords = new Set([
  'sum', 'avg', 'min', 'max', 'count', 'stddev', 'stdvar', 'topk', 'bottomk', 'quantile', 'count_values', 'group', 'limitk', 'limit_ratio',
  'by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'offset', 'bool', 'and', 'or', 'unless', 'atan2',
]);
const labelListKeywords = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right']);

function tokenize(query: string): Token[] | undefined {
  const tokens: Token[] = [];
  let i = 0;
  while (i < query.length) {
    const c = query[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if (c === '#') {
      while (i < query.length && query[i] !== '\n') i++;
    } else if (c === '"' || c === "'" || c === '`') {
      let j = i + 1;
      while (j < query.length && query[j] !== c) j += c !== '`' && query[j] === '\\' ? 2 : 1;
      if (j >= query.length) return undefined;
      tokens.push({ kind: 'string', text: query.slice(i, j + 1) });
      i = j + 1;
    } else if (/[a-zA-Z_:]/.test(c)) {
      const m = /^[a-zA-Z_:][a-zA-Z0-9_:.]*/.exec(query.slice(i))!;
      tokens.push({ kind: 'word', text: keywords.has(m[0].toLowerCase()) ? m[0].toLowerCase() : m[0] });
      i += m[0].length;
    } else if (/[0-9.]/.test(c)) {
      const m = /^(?:0x[0-9a-fA-F]+|[0-9]*\.?[0-9]+(?:[eE][+-]?[0-9]+)?(?:[smhdwy]|ms)?(?:[0-9]+(?:[smhdwy]|ms))*)/.exec(query.slice(i))!;
      if (!m[0]) return undefined;
      tokens.push({ kind: 'number', text: m[0] });
      i += m[0].length;
    } else {
      const two = query.slice(i, i + 2);
      const op = ['==', '!=', '>=', '<=', '=~', '!~'].includes(two) ? two : c;
      tokens.push({ kind: 'punct', text: op });
      i += op.length;
    }
  }
  return tokens;
}

function join(tokens: Token[]): string {
  let out = '';
  let previous: Token | undefined;
  for (const t of tokens) {
    const wordish = (x: Token | undefined) => x !== undefined && (x.kind === 'word' || x.kind === 'number');
    if (wordish(previous) && wordish(t)) out += ' ';
    out += t.text;
    previous = t;
  }
  return out;
}

/** Splits tokens between `open` and its matching `close` at top-level commas. */
function group(tokens: Token[], start: number, open: string, close: string): { parts: Token[][]; end: number } | undefined {
  const parts: Token[][] = [[]];
  let depth = 0;
  for (let i = start + 1; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.kind === 'punct' && (t.text === open || t.text === '(' || t.text === '{' || t.text === '[')) depth++;
    if (t.kind === 'punct' && (t.text === close || t.text === ')' || t.text === '}' || t.text === ']')) {
      if (depth === 0) {
        if (t.text !== close) return undefined;
        return { parts: parts.filter((p) => p.length > 0), end: i };
      }
      depth--;
    }
    if (depth === 0 && t.kind === 'punct' && t.text === ',') parts.push([]);
    else parts[parts.length - 1]!.push(t);
  }
  return undefined;
}

function rewrite(tokens: Token[]): Token[] {
  const out: Token[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    const listFollows = t.kind === 'word' && labelListKeywords.has(t.text) && tokens[i + 1]?.text === '(';
    if ((t.kind === 'punct' && t.text === '{') || listFollows) {
      const openAt = listFollows ? i + 1 : i;
      const [open, close] = listFollows ? ['(', ')'] : ['{', '}'];
      const g = group(tokens, openAt, open!, close!);
      if (g) {
        const parts = g.parts.map((p) => join(rewrite(p))).sort();
        if (listFollows) out.push(t);
        out.push({ kind: 'punct', text: open! }, { kind: 'word', text: parts.join(',') }, { kind: 'punct', text: close! });
        i = g.end;
        continue;
      }
    }
    out.push(t);
  }
  return out;
}

export function normaliseQuery(query: string): string {
  const tokens = tokenize(query);
  if (!tokens) return query.trim();
  return join(rewrite(tokens));
}
