/**
 * Step params are Handlebars templates over the workflow's `vars` (target, alert, steps.<id> outputs,
 * window...). A string that is exactly one expression (`"{{window.seconds}}"`) yields the value itself,
 * not its text, so numbers, lists and objects pass through to the handler's schema unchanged (which
 * validates them: a namespace param must be a namespace name).
 *
 * Inside a longer string, every value is escaped by default for where it stands, as Handlebars escapes
 * for HTML, except that our params are PromQL, selectors and messages. Many values come from alerts,
 * which are claims from outside (`petadoptions"} or vector(42) or up{job="x` is a label value like any
 * other), so where each `{{ }}` stands is read from the template's own text when it is loaded:
 *
 *   inside "..." or '...'   the value is escaped for that string (backslash, the quote, control
 *                           characters, the way PromQL unquotes): it cannot end the string;
 *   inside `...`            raw strings cannot escape: a value holding a backtick is refused;
 *   anywhere else           only a plain word passes (letters, digits, `_ . : -`): a number, a duration,
 *                           a name, an id; anything else is refused, since outside a string it could be
 *                           syntax (`0 or up`, `x}`).
 *
 * Helpers say what a value is when that is not a word: `{{text x}}` is prose for messages (control
 * characters removed, shortened; escaped inside quotes, as it is elsewhere; a bare `{{incident.title}}`,
 * `{{alert.summary}}` and the like are refused at load with that advice), `{{json x}}` is JSON,
 * `{{regexEscape x}}` matches x literally in a regex (inside `=~"..."` the escaping then doubles its
 * backslashes, as PromQL needs). `{{{ }}}` (no escaping) and partials are refused when a playbook loads.
 * A refused value fails the step (StepFailed), with the reason; it never reaches the handler.
 */
import Handlebars from 'handlebars';
import { promqlQuoted } from '../evidence/promql.js';
import { readableText } from '../intake/limits.js';
import { lookup } from './conditions.js';
import { StepFailed } from './run.js';

/** A value refused by the escaping rule of the place it stands in a template. */
export class TemplateValueRefused extends StepFailed {
  constructor(message: string) {
    super(message);
    this.name = 'TemplateValueRefused';
  }
}

/** A value a helper has said the kind of: prose or JSON, allowed outside quotes as it is. */
class Declared {
  constructor(
    readonly kind: 'text' | 'json',
    readonly text: string,
  ) {}

  toString(): string {
    return this.text;
  }
}

const hb = Handlebars.create();
hb.registerHelper('json', (value: unknown) => new Declared('json', JSON.stringify(value ?? null)));
hb.registerHelper('text', (value: unknown) => new Declared('text', readableText(String(value ?? ''), 2000)));
hb.registerHelper('default', (value: unknown, fallback: unknown) => (value === undefined || value === null || value === '' ? fallback : value));
hb.registerHelper('join', (list: unknown, separator: unknown) => (Array.isArray(list) ? list.join(typeof separator === 'string' ? separator : ', ') : ''));
hb.registerHelper('lower', (value: unknown) => String(value ?? '').toLowerCase());
hb.registerHelper('upper', (value: unknown) => String(value ?? '').toUpperCase());
hb.registerHelper('regexEscape', (value: unknown) => String(value ?? '').replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));

export const templateHelpers = ['json', 'text', 'default', 'join', 'lower', 'upper', 'regexEscape'];

const plainWord = /^[A-Za-z0-9_.:-]*$/;
const show = (text: string) => JSON.stringify(text.length > 60 ? `${text.slice(0, 57)}...` : text);

/** The escaping helpers the loader wraps each `{{ }}` in, by where it stands (names callers cannot guess into). */
const inContext = {
  bare: '__outside_strings',
  '"': '__in_double_quotes',
  "'": '__in_single_quotes',
  '`': '__in_backticks',
} as const;

hb.registerHelper(inContext.bare, (value: unknown) => {
  if (value instanceof Declared) return value.text;
  const text = String(value ?? '');
  if (!plainWord.test(text)) throw new TemplateValueRefused(`template value ${show(text)} stands outside a quoted string, where only a plain word (letters, digits, _ . : -) may go; quote it in the template, or write {{text ...}} for prose`);
  return text;
});
hb.registerHelper(inContext['"'], (value: unknown) => promqlQuoted(String(value ?? ''), '"'));
hb.registerHelper(inContext["'"], (value: unknown) => promqlQuoted(String(value ?? ''), "'"));
hb.registerHelper(inContext['`'], (value: unknown) => {
  const text = String(value ?? '');
  if (text.includes('`')) throw new TemplateValueRefused(`template value ${show(text)} holds a backtick and stands in a raw \`...\` string, which cannot escape it; use "..." in the template`);
  return text;
});

/** Variables that hold prose (titles, summaries, annotations): never a plain word, so refused bare at load. */
const freeText = /^(incident\.title|alerts?(\.\d+)?\.(summary|description|name|annotations(\..+)?)|rootCause\.summary)$/;

type Quote = keyof typeof inContext;
interface LexState {
  quote: Quote;
  /** The text ended on a backslash inside a string: the next character is escaped. */
  escaping: boolean;
}

/** Where the text leaves us: in which string (if any), and whether mid-escape. */
function lex(text: string, state: LexState): LexState {
  let { quote, escaping } = state;
  for (const char of text) {
    if (escaping) {
      escaping = false;
      continue;
    }
    if (quote === 'bare') {
      if (char === '"' || char === "'" || char === '`') quote = char;
    } else if (char === '\\' && quote !== '`') escaping = true;
    else if (char === quote) quote = 'bare';
  }
  return { quote, escaping };
}

const sameState = (a: LexState, b: LexState) => a.quote === b.quote && a.escaping === b.escaping;

/** Wraps every `{{ }}` of the program in the escaping helper of where it stands; throws what cannot be made safe. */
function escapeByContext(program: hbs.AST.Program, start: LexState): LexState {
  let state = start;
  for (const node of program.body) {
    switch (node.type) {
      case 'ContentStatement':
        state = lex((node as hbs.AST.ContentStatement).value, state);
        break;
      case 'CommentStatement':
        break;
      case 'MustacheStatement': {
        const mustache = node as hbs.AST.MustacheStatement;
        if (!mustache.escaped) throw new Error('{{{ }}} (unescaped output) is not allowed: values are escaped for where they stand; write {{text x}} for prose or {{json x}} for JSON');
        if (state.escaping) throw new Error('a {{ }} must not follow a backslash inside a string');
        const path = mustache.path.type === 'PathExpression' ? (mustache.path as hbs.AST.PathExpression).original : '';
        if (state.quote === 'bare' && !mustache.params.length && freeText.test(path)) throw new Error(`{{${path}}} is free text and stands outside a quoted string, where only a plain word may go: write {{text ${path}}} for prose`);
        const inner: hbs.AST.Expression = mustache.params.length || mustache.hash?.pairs.length ? ({ type: 'SubExpression', path: mustache.path as hbs.AST.PathExpression, params: mustache.params, hash: mustache.hash, loc: mustache.loc } as hbs.AST.SubExpression) : mustache.path;
        const helper = inContext[state.quote];
        mustache.path = { type: 'PathExpression', data: false, depth: 0, parts: [helper], original: helper, loc: mustache.loc } as hbs.AST.PathExpression;
        mustache.params = [inner];
        mustache.hash = undefined as unknown as hbs.AST.Hash;
        break;
      }
      case 'BlockStatement': {
        const block = node as hbs.AST.BlockStatement;
        const afterProgram = escapeByContext(block.program, state);
        const afterInverse = block.inverse ? escapeByContext(block.inverse, state) : state;
        if (!sameState(afterProgram, state) || !sameState(afterInverse, state)) throw new Error('a block ({{#if}}, {{#each}}...) must not open or close a quoted string');
        break;
      }
      default:
        throw new Error(`${node.type.replace('Statement', '').toLowerCase()}s are not allowed in playbook templates`);
    }
  }
  return state;
}

/** Parses and prepares a template: every value escaped for where it stands. Throws if it cannot be. */
function prepare(value: string): hbs.AST.Program {
  const ast = hb.parse(value);
  escapeByContext(ast, { quote: 'bare', escaping: false });
  return ast;
}

const wholeExpression = /^\{\{\s*([A-Za-z_][\w-]*(?:\.[\w-]+)*)\s*\}\}$/;
const compiled = new Map<string, Handlebars.TemplateDelegate>();

export function isTemplate(value: string): boolean {
  return value.includes('{{');
}

/**
 * Throws with Handlebars' message when the template does not parse, or with why its values could not
 * be escaped (the loader adds the line).
 */
export function checkTemplate(value: string): void {
  if (wholeExpression.test(value)) return;
  prepare(value);
}

export function renderString(value: string, vars: Record<string, unknown>): unknown {
  if (!isTemplate(value)) return value;
  const whole = wholeExpression.exec(value);
  if (whole) return lookup(vars, whole[1]!);
  let template = compiled.get(value);
  if (!template) {
    let ast: hbs.AST.Program;
    try {
      ast = prepare(value);
    } catch (error) {
      if (error instanceof StepFailed) throw error;
      throw new TemplateValueRefused(`template ${show(value)}: ${(error as Error).message}`);
    }
    template = hb.compile(ast, { noEscape: true, strict: false });
    // Templates come from playbooks (a fixed set), so the cache stays small; bound it anyway.
    if (compiled.size > 5_000) compiled.clear();
    compiled.set(value, template);
  }
  return template(vars);
}

/** Renders every string inside params (objects and arrays walked), leaving other values as they are. */
export function renderParams(params: unknown, vars: Record<string, unknown>): unknown {
  if (typeof params === 'string') return renderString(params, vars);
  if (Array.isArray(params)) return params.map((item) => renderParams(item, vars));
  if (params && typeof params === 'object') return Object.fromEntries(Object.entries(params).map(([key, value]) => [key, renderParams(value, vars)]));
  return params;
}

/** Every template string in params, with its path (for load-time checks). */
export function templatesIn(params: unknown, path: (string | number)[] = []): { path: (string | number)[]; value: string }[] {
  if (typeof params === 'string') return isTemplate(params) ? [{ path, value: params }] : [];
  if (Array.isArray(params)) return params.flatMap((item, i) => templatesIn(item, [...path, i]));
  if (params && typeof params === 'object') return Object.entries(params).flatMap(([key, value]) => templatesIn(value, [...path, key]));
  return [];
}
