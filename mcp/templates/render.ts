/**
 * Renders a template with parameter values, escaping each value for where it lands: inside a label
 * matcher's string (quotes and backslashes), inside a regex matcher (regex metacharacters too), or as
 * a bare duration or number (validated, never pasted blindly). Several values for an equality matcher
 * become a regex alternation: `container="${service}"` with [a, b] renders `container=~"a|b"`.
 */
import { promqlString, regexLiteral } from '../../lib/prometheus/promql.js';
import type { ParamValue, Template } from './types.js';

export class TemplateParamError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TemplateParamError';
  }
}

const placeholder = /\$\{(\w+)\}/g;

export const escapeRegex = regexLiteral;

function valuesOf(value: ParamValue): string[] {
  return Array.isArray(value) ? value : [String(value)];
}

/** Renders `template` with `params`; missing values take the parameter's default. */
export function renderTemplate(template: Template, params: Record<string, ParamValue | undefined> = {}): string {
  const resolved: Record<string, ParamValue> = {};
  for (const p of template.params) {
    const value = params[p.name] ?? p.default;
    if (value === undefined || (Array.isArray(value) && value.length === 0)) {
      throw new TemplateParamError(`template ${template.id} needs a value for "${p.name}" (${p.description})`);
    }
    if (p.kind === 'duration' && !valuesOf(value).every((v) => /^(\d+(ms|s|m|h|d|w|y))+$/.test(v))) {
      throw new TemplateParamError(`"${p.name}" must be a duration such as 5m or 1h, got "${value}"`);
    }
    if (p.kind === 'number' && !valuesOf(value).every((v) => /^-?\d+(\.\d+)?(e-?\d+)?$/.test(v))) {
      throw new TemplateParamError(`"${p.name}" must be a number, got "${value}"`);
    }
    if (p.kind === 'choice' && p.choices && !valuesOf(value).every((v) => p.choices!.includes(v))) {
      throw new TemplateParamError(`"${p.name}" must be one of ${p.choices.join(', ')}, got "${value}"`);
    }
    if (p.kind === 'choice' && !p.choices && !valuesOf(value).every((v) => /^[\w.|[\]^-]+$/.test(v))) {
      throw new TemplateParamError(`"${p.name}" must be a simple pattern such as 5.. or 404, got "${value}"`);
    }
    resolved[p.name] = value;
  }
  // Choices (such as a status-class regex), numbers and durations are validated above and go in verbatim.
  const verbatim = new Set(template.params.filter((p) => p.kind === 'choice' || p.kind === 'number' || p.kind === 'duration').map((p) => p.name));
  const lookup = (name: string): ParamValue => {
    const v = resolved[name];
    if (v === undefined) throw new TemplateParamError(`template ${template.id} uses undeclared parameter "${name}"`);
    return v;
  };

  // Label matchers first: their values are escaped for strings, and for regexes when the operator is one.
  const matcher = /(\w+)(\s*)(=~|!~|!=|=)(\s*)"((?:[^"\\]|\\.)*)"/g;
  const withMatchers = template.promql.replace(matcher, (whole, label: string, s1: string, op: string, s2: string, body: string) => {
    if (!body.includes('${')) return whole;
    const exact = /^\$\{(\w+)\}$/.exec(body);
    let regex = op === '=~' || op === '!~';
    if (exact && !regex && valuesOf(lookup(exact[1]!)).length > 1) {
      op = op === '=' ? '=~' : '!~';
      regex = true;
    }
    const rendered = body.replace(placeholder, (_, name: string) => {
      const values = valuesOf(lookup(name));
      if (!regex || verbatim.has(name)) return values.join('|');
      const alternation = values.map(escapeRegex).join('|');
      return values.length > 1 && !exact ? `(${alternation})` : alternation;
    });
    return `${label}${s1}${op}${s2}${promqlString(rendered)}`;
  });
  return withMatchers.replace(placeholder, (_, name: string) => valuesOf(lookup(name)).join(''));
}

/** The values that return data on the local target: each parameter's example, else its default. */
export function exampleParams(template: Template): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of template.params) {
    const v = p.example ?? p.default;
    if (v !== undefined) out[p.name] = v;
  }
  return out;
}
