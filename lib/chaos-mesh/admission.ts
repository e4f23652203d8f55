/**
 * Admission of Chaos Mesh objects: the rules its validating webhook applies to every kind (a selector,
 * a known mode with the value the mode needs, a parseable duration), the helpers the kinds' own rules
 * use, and `admitChaos`, which runs the shared rules, the kind's rules and the kind's schema in that
 * order. Failures are field causes as the API server returns them in a 422 Status.
 */
import { parseDuration } from '../../core/duration.js';
import type { AnyChaosKind } from './kind.js';

/** A field error as k8s.io/apimachinery's field.Error renders it ("Invalid value: -1: must be ..."). */
export interface FieldCause {
  field: string;
  message: string;
  reason: string;
}

function render(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === undefined || value === null) return 'null';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** field.Required, field.Invalid, field.NotSupported, field.Duplicate and field.Forbidden. */
export const cause = {
  required: (field: string, detail?: string): FieldCause => ({ field, reason: 'FieldValueRequired', message: `Required value${detail ? `: ${detail}` : ''}` }),
  invalid: (field: string, value: unknown, detail: string): FieldCause => ({ field, reason: 'FieldValueInvalid', message: `Invalid value: ${render(value)}: ${detail}` }),
  unsupported: (field: string, value: unknown, supported: readonly string[]): FieldCause => ({
    field,
    reason: 'FieldValueNotSupported',
    message: `Unsupported value: ${render(value)}: supported values: ${supported.map((s) => `"${s}"`).join(', ')}`,
  }),
  duplicate: (field: string, value: unknown): FieldCause => ({ field, reason: 'FieldValueDuplicate', message: `Duplicate value: ${render(value)}` }),
  forbidden: (field: string, detail: string): FieldCause => ({ field, reason: 'FieldValueForbidden', message: `Forbidden: ${detail}` }),
};

export type Loose = Record<string, unknown>;

export function isRecord(value: unknown): value is Loose {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export const CHAOS_MODES = ['one', 'all', 'fixed', 'fixed-percent', 'random-max-percent'] as const;

/** Selector and mode (with the value `fixed` and the percent modes need), at `path` (spec, spec.target). */
export function validateTarget(path: string, target: Loose): FieldCause[] {
  const causes: FieldCause[] = [];
  if (!isRecord(target.selector)) causes.push(cause.required(`${path}.selector`));
  if (target.mode === undefined) causes.push(cause.required(`${path}.mode`));
  else if (!(CHAOS_MODES as readonly unknown[]).includes(target.mode)) causes.push(cause.unsupported(`${path}.mode`, target.mode, CHAOS_MODES));
  else if (target.mode !== 'one' && target.mode !== 'all') {
    const value = target.value;
    const number = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : undefined;
    if (value === undefined || value === '') causes.push(cause.required(`${path}.value`, `value is required for mode ${String(target.mode)}`));
    else if (number === undefined) causes.push(cause.invalid(`${path}.value`, value, 'must be a string holding a non-negative integer'));
    else if (target.mode === 'fixed' && number < 1) causes.push(cause.invalid(`${path}.value`, value, 'must be greater than 0'));
    else if (target.mode !== 'fixed' && (number < 0 || number > 100)) causes.push(cause.invalid(`${path}.value`, value, 'must be a percentage between 0 and 100'));
  }
  return causes;
}

/** A Go duration ("30s", "5m", "1h30m") when given. */
export function validateDuration(field: string, value: unknown): FieldCause[] {
  if (value === undefined) return [];
  try {
    if (typeof value !== 'string') throw new Error('not a string');
    parseDuration(value);
    return [];
  } catch {
    return [cause.invalid(field, value, 'time: invalid duration (expected forms like 30s, 5m, 1h30m)')];
  }
}

/** A required field that takes one of a fixed set of values (`spec.action`): field.Required or field.NotSupported. */
export function validateOneOf(field: string, value: unknown, supported: readonly string[]): FieldCause[] {
  if (value === undefined) return [cause.required(field)];
  return (supported as readonly unknown[]).includes(value) ? [] : [cause.unsupported(field, value, supported)];
}

export function validatePositiveInteger(field: string, value: unknown): FieldCause[] {
  if (value === undefined) return [];
  return typeof value === 'number' && Number.isInteger(value) && value > 0 ? [] : [cause.invalid(field, value, 'must be a positive integer')];
}

/**
 * What the API answers to a create or update of `kind` with this spec: the shared rules, the kind's own
 * rules, and (only when those pass, so a field is not reported twice) the kind's schema, whose issues
 * catch wrong types the rules do not look at (a string where Chaos Mesh's CRD wants a number...).
 */
export function admitChaos(kind: AnyChaosKind, spec: Loose | undefined): FieldCause[] {
  if (!spec) return [cause.required('spec')];
  const causes = [...validateTarget('spec', spec), ...validateDuration('spec.duration', spec.duration), ...kind.admission.validate(spec)];
  if (causes.length) return causes;
  const parsed = kind.schema.safeParse(spec);
  if (parsed.success) return [];
  return parsed.error.issues.map((issue) => {
    const field = ['spec', ...issue.path.map(String)].join('.');
    return cause.invalid(field, valueAt(spec, issue.path), issue.message);
  });
}

/** Chaos Mesh's mutating webhook: the kind's defaults, written into the stored object. */
export function defaultChaos(kind: AnyChaosKind, spec: Loose | undefined): void {
  if (spec) kind.admission.default?.(spec);
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let current = root;
  for (const key of path) current = isRecord(current) || Array.isArray(current) ? (current as Record<PropertyKey, unknown>)[key] : undefined;
  return current;
}
