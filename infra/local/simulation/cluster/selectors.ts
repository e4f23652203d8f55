import type { LabelSelector } from './objects.js';
import { errors } from './errors.js';

/**
 * Label and field selectors in both forms Kubernetes uses: the query-string syntax
 * (`app=petsite,tier in (web,api),!canary`) and the structured `LabelSelector` of specs.
 */
export type Requirement =
  | { key: string; op: '=' | '!='; value: string }
  | { key: string; op: 'in' | 'notin'; values: string[] }
  | { key: string; op: 'exists' | '!exists' };

export type Selector = (labels: Record<string, string> | undefined) => boolean;

export const everything: Selector = () => true;

export function parseLabelSelector(text: string | undefined): Selector {
  if (!text || !text.trim()) return everything;
  const requirements = splitTopLevel(text).map(parseRequirement);
  return (labels) => requirements.every((r) => matches(r, labels ?? {}));
}

function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of text) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      parts.push(current.trim());
      current = '';
    } else current += ch;
  }
  if (current.trim()) parts.push(current.trim());
  return parts;
}

const keyPattern = '[A-Za-z0-9][-A-Za-z0-9_./]*';

function parseRequirement(part: string): Requirement {
  let m: RegExpExecArray | null;
  if ((m = new RegExp(`^!\\s*(${keyPattern})$`).exec(part))) return { key: m[1]!, op: '!exists' };
  if ((m = new RegExp(`^(${keyPattern})$`).exec(part))) return { key: m[1]!, op: 'exists' };
  if ((m = new RegExp(`^(${keyPattern})\\s*(==|=|!=)\\s*([-A-Za-z0-9_.]*)$`).exec(part))) {
    return { key: m[1]!, op: m[2] === '!=' ? '!=' : '=', value: m[3]! };
  }
  if ((m = new RegExp(`^(${keyPattern})\\s+(in|notin)\\s*\\(([^)]*)\\)$`).exec(part))) {
    return { key: m[1]!, op: m[2] as 'in' | 'notin', values: m[3]!.split(',').map((v) => v.trim()).filter(Boolean) };
  }
  throw errors.badRequest(`unable to parse requirement: found '${part}', expected: key, !key, key=value, key!=value, key in (...), key notin (...)`);
}

function matches(r: Requirement, labels: Record<string, string>): boolean {
  const has = Object.prototype.hasOwnProperty.call(labels, r.key);
  switch (r.op) {
    case '=':
      return has && labels[r.key] === r.value;
    case '!=':
      return !has || labels[r.key] !== r.value;
    case 'in':
      return has && r.values.includes(labels[r.key]!);
    case 'notin':
      return !has || !r.values.includes(labels[r.key]!);
    case 'exists':
      return has;
    case '!exists':
      return !has;
  }
}

export function selectorFromSpec(selector: LabelSelector | undefined): Selector {
  if (!selector) return () => false;
  const requirements: Requirement[] = [];
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) requirements.push({ key, op: '=', value });
  for (const e of selector.matchExpressions ?? []) {
    if (e.operator === 'In') requirements.push({ key: e.key, op: 'in', values: e.values ?? [] });
    else if (e.operator === 'NotIn') requirements.push({ key: e.key, op: 'notin', values: e.values ?? [] });
    else if (e.operator === 'Exists') requirements.push({ key: e.key, op: 'exists' });
    else requirements.push({ key: e.key, op: '!exists' });
  }
  return (labels) => requirements.every((r) => matches(r, labels ?? {}));
}

export function formatSelector(selector: LabelSelector): string {
  const parts = Object.entries(selector.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`);
  for (const e of selector.matchExpressions ?? []) {
    if (e.operator === 'In') parts.push(`${e.key} in (${(e.values ?? []).join(',')})`);
    else if (e.operator === 'NotIn') parts.push(`${e.key} notin (${(e.values ?? []).join(',')})`);
    else if (e.operator === 'Exists') parts.push(e.key);
    else parts.push(`!${e.key}`);
  }
  return parts.join(',');
}

/**
 * Field selectors (`involvedObject.name=x,status.phase!=Running`): equality only, on dotted paths.
 */
export function parseFieldSelector(text: string | undefined): (object: unknown) => boolean {
  if (!text || !text.trim()) return () => true;
  const terms = text.split(',').map((part) => {
    const m = /^\s*([A-Za-z0-9_.]+)\s*(==|=|!=)\s*(.*?)\s*$/.exec(part);
    if (!m) throw errors.badRequest(`invalid selector: '${text}'; can't understand '${part}'`);
    return { path: m[1]!.split('.'), negate: m[2] === '!=', value: m[3]! };
  });
  return (object) =>
    terms.every((t) => {
      let v: unknown = object;
      for (const p of t.path) v = v && typeof v === 'object' ? (v as Record<string, unknown>)[p] : undefined;
      const actual = v === undefined || v === null ? '' : String(v);
      return t.negate ? actual !== t.value : actual === t.value;
    });
}
