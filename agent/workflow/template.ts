/**
 * Step params are Handlebars templates over the workflow's `vars` (target, alert, steps.<id> outputs,
 * window...). A string that is exactly one expression (`"{{window.seconds}}"`) yields the value itself,
 * not its text, so numbers, lists and objects pass through to the handler's schema unchanged.
 * Output is not HTML-escaped: params are PromQL, selectors and messages, never HTML.
 */
import Handlebars from 'handlebars';
import { lookup } from './conditions.js';

const hb = Handlebars.create();
hb.registerHelper('json', (value: unknown) => JSON.stringify(value ?? null));
hb.registerHelper('default', (value: unknown, fallback: unknown) => (value === undefined || value === null || value === '' ? fallback : value));
hb.registerHelper('join', (list: unknown, separator: unknown) => (Array.isArray(list) ? list.join(typeof separator === 'string' ? separator : ', ') : ''));
hb.registerHelper('lower', (value: unknown) => String(value ?? '').toLowerCase());
hb.registerHelper('upper', (value: unknown) => String(value ?? '').toUpperCase());
hb.registerHelper('regexEscape', (value: unknown) => String(value ?? '').replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));

export const templateHelpers = ['json', 'default', 'join', 'lower', 'upper', 'regexEscape'];

const wholeExpression = /^\{\{\s*([A-Za-z_][\w-]*(?:\.[\w-]+)*)\s*\}\}$/;
const compiled = new Map<string, Handlebars.TemplateDelegate>();

export function isTemplate(value: string): boolean {
  return value.includes('{{');
}

/** Throws with Handlebars' message when the template does not parse (the loader adds the line). */
export function checkTemplate(value: string): void {
  hb.parse(value);
}

export function renderString(value: string, vars: Record<string, unknown>): unknown {
  if (!isTemplate(value)) return value;
  const whole = wholeExpression.exec(value);
  if (whole) return lookup(vars, whole[1]!);
  let template = compiled.get(value);
  if (!template) {
    template = hb.compile(value, { noEscape: true, strict: false });
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
