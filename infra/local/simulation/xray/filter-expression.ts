/**
 * The X-Ray filter expression language, the subset an incident responder reaches for: boolean
 * keywords (`ok`, `error`, `fault`, `throttle`, `partial`), number fields (`responsetime`, `duration`,
 * `http.status`), string fields (`http.url`, `http.method`, `http.useragent`, `http.clientip`,
 * `user`), `annotation.<key>`, `service("name")` and `edge("a", "b")` with an optional `{ ... }` scoped
 * to that node or edge, `id(name: "...", type: "...")`, combined with AND / OR / ! and parentheses.
 * Parsing fails with the position and what was expected, as the real service rejects bad filters.
 */

export type NumberField = 'responsetime' | 'duration' | 'http.status';
export type StringField = 'http.url' | 'http.method' | 'http.useragent' | 'http.clientip' | 'user';
export type Keyword = 'ok' | 'error' | 'fault' | 'throttle' | 'partial';
export type Operator = '=' | '!=' | '<' | '<=' | '>' | '>=' | 'CONTAINS' | 'BEGINSWITH' | 'ENDSWITH';
export type Literal = number | string | boolean;

export interface EntityRef {
  name: string;
  type?: string;
}

export type FilterExpression =
  | { kind: 'and' | 'or'; left: FilterExpression; right: FilterExpression }
  | { kind: 'not'; expression: FilterExpression }
  | { kind: 'true' }
  | { kind: 'keyword'; keyword: Keyword; op?: '=' | '!='; value?: boolean }
  | { kind: 'number'; field: NumberField; op: Operator; value: number }
  | { kind: 'string'; field: StringField; op: Operator; value: string }
  | { kind: 'annotation'; key: string; op?: Operator; value?: Literal }
  | { kind: 'service'; entity: EntityRef; scoped?: FilterExpression }
  | { kind: 'edge'; from: EntityRef; to: EntityRef; scoped?: FilterExpression };

export class FilterExpressionError extends Error {}

const KEYWORDS = new Set<string>(['ok', 'error', 'fault', 'throttle', 'partial']);
const NUMBER_FIELDS = new Set<string>(['responsetime', 'duration', 'http.status']);
const STRING_FIELDS = new Set<string>(['http.url', 'http.method', 'http.useragent', 'http.clientip', 'user']);
const COMPARISONS = new Set<string>(['=', '!=', '<', '<=', '>', '>=']);
const STRING_OPERATORS = new Set<string>(['CONTAINS', 'BEGINSWITH', 'ENDSWITH']);

type TokenKind = 'string' | 'number' | 'word' | 'punct' | 'end';
interface Token {
  kind: TokenKind;
  text: string;
  value?: string | number;
  at: number;
}

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const c = source[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const at = i;
    if (c === '"') {
      let value = '';
      i++;
      while (i < source.length && source[i] !== '"') {
        if (source[i] === '\\' && i + 1 < source.length) i++;
        value += source[i++];
      }
      if (i >= source.length) throw new FilterExpressionError(`unterminated string starting at position ${at}`);
      i++;
      tokens.push({ kind: 'string', text: source.slice(at, i), value, at });
      continue;
    }
    const number = /^-?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?/.exec(source.slice(i));
    if (number && (c !== '-' || /[\d.]/.test(source[i + 1] ?? ''))) {
      i += number[0].length;
      tokens.push({ kind: 'number', text: number[0], value: Number(number[0]), at });
      continue;
    }
    const word = /^[A-Za-z_][A-Za-z0-9_.]*/.exec(source.slice(i));
    if (word) {
      i += word[0].length;
      tokens.push({ kind: 'word', text: word[0], at });
      continue;
    }
    const punct = /^(<=|>=|!=|&&|\|\||[(){}!=<>,:])/.exec(source.slice(i));
    if (punct) {
      i += punct[0].length;
      tokens.push({ kind: 'punct', text: punct[0], at });
      continue;
    }
    if (c === "'") throw new FilterExpressionError(`strings are written in double quotes ("...") at position ${at}`);
    throw new FilterExpressionError(`unexpected character "${c}" at position ${at}`);
  }
  tokens.push({ kind: 'end', text: 'end of expression', at: source.length });
  return tokens;
}

class Parser {
  private i = 0;
  constructor(private readonly tokens: Token[]) {}

  parse(): FilterExpression {
    const expression = this.or();
    this.expectEnd();
    return expression;
  }

  private or(): FilterExpression {
    let left = this.and();
    while (this.isWord('OR') || this.isPunct('||')) {
      this.i++;
      left = { kind: 'or', left, right: this.and() };
    }
    return left;
  }

  private and(): FilterExpression {
    let left = this.unary();
    while (this.isWord('AND') || this.isPunct('&&')) {
      this.i++;
      left = { kind: 'and', left, right: this.unary() };
    }
    return left;
  }

  private unary(): FilterExpression {
    if (this.isPunct('!')) {
      this.i++;
      return { kind: 'not', expression: this.unary() };
    }
    return this.primary();
  }

  private primary(): FilterExpression {
    const token = this.peek();
    if (this.isPunct('(')) {
      this.i++;
      const inner = this.or();
      this.expectPunct(')');
      return inner;
    }
    if (token.kind !== 'word') throw this.unexpected('a condition, service(...), edge(...) or "("');
    const word = token.text;
    const lower = word.toLowerCase();
    if ((lower === 'service' || lower === 'edge') && this.tokens[this.i + 1]?.text === '(') {
      this.i += 2;
      const first = this.entity();
      if (lower === 'service') {
        this.expectPunct(')');
        return { kind: 'service', entity: first, scoped: this.scope() };
      }
      this.expectPunct(',');
      const second = this.entity();
      this.expectPunct(')');
      return { kind: 'edge', from: first, to: second, scoped: this.scope() };
    }
    this.i++;
    if (KEYWORDS.has(lower)) {
      if (this.isPunct('=') || this.isPunct('!=')) {
        const op = this.next().text as '=' | '!=';
        const value = this.next();
        if (value.kind !== 'word' || !/^(true|false)$/i.test(value.text)) throw this.unexpectedAt(value, `true or false after "${word} ${op}"`);
        return { kind: 'keyword', keyword: lower as Keyword, op, value: value.text.toLowerCase() === 'true' };
      }
      return { kind: 'keyword', keyword: lower as Keyword };
    }
    if (NUMBER_FIELDS.has(lower)) {
      const op = this.operator(word);
      if (!COMPARISONS.has(op)) throw this.unexpectedAt(this.tokens[this.i - 1]!, `a comparison (=, !=, <, <=, >, >=) after "${word}"`);
      const value = this.next();
      if (value.kind !== 'number') throw this.unexpectedAt(value, `a number after "${word} ${op}"`);
      return { kind: 'number', field: lower as NumberField, op, value: value.value as number };
    }
    if (STRING_FIELDS.has(lower)) {
      const op = this.operator(word);
      if (!['=', '!='].includes(op) && !STRING_OPERATORS.has(op)) throw this.unexpectedAt(this.tokens[this.i - 1]!, `=, !=, CONTAINS, BEGINSWITH or ENDSWITH after "${word}"`);
      const value = this.next();
      if (value.kind !== 'string') throw this.unexpectedAt(value, `a double-quoted string after "${word} ${op}"`);
      return { kind: 'string', field: lower as StringField, op, value: value.value as string };
    }
    if (lower.startsWith('annotation.') && word.length > 'annotation.'.length) {
      const key = word.slice('annotation.'.length);
      if (!this.atOperator()) return { kind: 'annotation', key };
      const op = this.operator(word);
      const token = this.next();
      let value: Literal;
      if (token.kind === 'string' || token.kind === 'number') value = token.value!;
      else if (token.kind === 'word' && /^(true|false)$/i.test(token.text)) value = token.text.toLowerCase() === 'true';
      else throw this.unexpectedAt(token, `a string, number or boolean after "${word} ${op}"`);
      if (STRING_OPERATORS.has(op) && typeof value !== 'string') throw this.unexpectedAt(token, `a double-quoted string after ${op}`);
      if (['<', '<=', '>', '>='].includes(op) && typeof value !== 'number') throw this.unexpectedAt(token, `a number after "${word} ${op}"`);
      return { kind: 'annotation', key, op, value };
    }
    throw new FilterExpressionError(`unknown field or keyword "${word}" at position ${token.at} (supported: ${[...KEYWORDS, ...NUMBER_FIELDS, ...STRING_FIELDS].join(', ')}, annotation.<key>, service("name"), edge("a", "b"))`);
  }

  /** `{ ... }` after service(...) or edge(...); `{}` matches every node or edge. */
  private scope(): FilterExpression | undefined {
    if (!this.isPunct('{')) return undefined;
    this.i++;
    if (this.isPunct('}')) {
      this.i++;
      return { kind: 'true' };
    }
    const inner = this.or();
    this.expectPunct('}');
    return inner;
  }

  /** `"name"` or `id(name: "name", type: "AWS::...")`. */
  private entity(): EntityRef {
    const token = this.next();
    if (token.kind === 'string') return { name: token.value as string };
    if (token.kind === 'word' && token.text.toLowerCase() === 'id') {
      this.expectPunct('(');
      const ref: Partial<EntityRef> = {};
      do {
        const key = this.next();
        if (key.kind !== 'word' || !['name', 'type'].includes(key.text.toLowerCase())) throw this.unexpectedAt(key, 'name: or type: inside id(...)');
        this.expectPunct(':');
        const value = this.next();
        if (value.kind !== 'string') throw this.unexpectedAt(value, `a double-quoted string after ${key.text}:`);
        ref[key.text.toLowerCase() as 'name' | 'type'] = value.value as string;
      } while (this.isPunct(',') && this.next());
      this.expectPunct(')');
      if (ref.name === undefined) throw new FilterExpressionError(`id(...) needs a name at position ${token.at}`);
      return { name: ref.name, type: ref.type };
    }
    throw this.unexpectedAt(token, 'a double-quoted service name or id(name: "...")');
  }

  private atOperator(): boolean {
    const token = this.peek();
    return (token.kind === 'punct' && COMPARISONS.has(token.text)) || (token.kind === 'word' && STRING_OPERATORS.has(token.text.toUpperCase()));
  }

  private operator(field: string): Operator {
    if (!this.atOperator()) throw this.unexpected(`an operator after "${field}"`);
    const token = this.next();
    return (token.kind === 'word' ? token.text.toUpperCase() : token.text) as Operator;
  }

  private peek(): Token {
    return this.tokens[this.i]!;
  }

  private next(): Token {
    const token = this.tokens[this.i]!;
    if (token.kind !== 'end') this.i++;
    return token;
  }

  private isPunct(text: string): boolean {
    const token = this.peek();
    return token.kind === 'punct' && token.text === text;
  }

  private isWord(text: string): boolean {
    const token = this.peek();
    return token.kind === 'word' && token.text.toUpperCase() === text;
  }

  private expectPunct(text: string): void {
    if (!this.isPunct(text)) throw this.unexpected(`"${text}"`);
    this.i++;
  }

  private expectEnd(): void {
    if (this.peek().kind !== 'end') throw this.unexpected('AND, OR or the end of the expression');
  }

  private unexpected(expected: string): FilterExpressionError {
    return this.unexpectedAt(this.peek(), expected);
  }

  private unexpectedAt(token: Token, expected: string): FilterExpressionError {
    const found = token.kind === 'end' ? 'the end of the expression' : `"${token.text}"`;
    return new FilterExpressionError(`expected ${expected} but found ${found} at position ${token.at}`);
  }
}

export function parseFilterExpression(source: string): FilterExpression {
  if (source.trim() === '') return { kind: 'true' };
  return new Parser(tokenize(source)).parse();
}
