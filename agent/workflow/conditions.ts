/**
 * Structured conditions for `when:` and `decide` branches: data, not code. A playbook can ask about
 * findings, the root cause, hypotheses, gaps, alerts, actions and step outputs, and combine those with
 * all/any/not; nothing is evaluated as JavaScript, so a playbook cannot run code in the agent.
 */
import { RE2JS } from 're2js';
import { z } from 'zod';
import type { Alert, Incident } from '../../core/types.js';

const oneOrMany = <T extends z.ZodType>(item: T) => z.union([item, z.array(item).min(1)]);
const severity = z.enum(['critical', 'warning', 'info']);
const evidenceSource = z.enum(['prometheus', 'kubernetes', 'events', 'logs', 'traces', 'cloudwatch', 'cloudwatch-logs', 'alert']);

export const labelMatcherSchema = z.union([
  z.string(),
  z
    .object({
      equals: z.string().optional(),
      notEquals: z.string().optional(),
      regex: z.string().optional(),
      notRegex: z.string().optional(),
      exists: z.boolean().optional(),
    })
    .strict(),
]);
export type LabelMatcher = z.infer<typeof labelMatcherSchema>;

const findingMatch = z
  .object({
    kind: oneOrMany(z.string()).optional(),
    source: oneOrMany(evidenceSource).optional(),
    severity: oneOrMany(severity).optional(),
    subject: z.object({ kind: z.string().optional(), name: z.string().optional(), namespace: z.string().optional() }).strict().optional(),
    /** At least this many matching findings (default 1). */
    min: z.number().int().nonnegative().optional(),
  })
  .strict();

const confidenceRange = { minConfidence: z.number().min(0).max(1).optional(), maxConfidence: z.number().min(0).max(1).optional() };

const varMatch = z
  .object({
    var: z.string().min(1),
    equals: z.union([z.string(), z.number(), z.boolean(), z.null()]).optional(),
    in: z.array(z.union([z.string(), z.number(), z.boolean()])).optional(),
    gte: z.number().optional(),
    lte: z.number().optional(),
    exists: z.boolean().optional(),
    matches: z.string().optional(),
  })
  .strict();

export type Condition =
  | { all: Condition[] }
  | { any: Condition[] }
  | { not: Condition }
  | { finding: z.infer<typeof findingMatch> }
  | { rootCause: { kind?: string | string[]; exists?: boolean; minConfidence?: number; maxConfidence?: number } }
  | { hypothesis: { kind?: string | string[]; minConfidence?: number; maxConfidence?: number } }
  | { gap: { source?: string | string[] } }
  | { alert: { name?: string | string[]; severity?: string | string[]; status?: 'firing' | 'resolved'; labels?: Record<string, LabelMatcher> } }
  | { action: { kind?: string | string[]; status?: string | string[] } }
  | z.infer<typeof varMatch>;

export const conditionSchema: z.ZodType<Condition> = z.lazy(() =>
  z.union([
    z.object({ all: z.array(conditionSchema).min(1) }).strict(),
    z.object({ any: z.array(conditionSchema).min(1) }).strict(),
    z.object({ not: conditionSchema }).strict(),
    z.object({ finding: findingMatch }).strict(),
    z.object({ rootCause: z.object({ kind: oneOrMany(z.string()).optional(), exists: z.boolean().optional(), ...confidenceRange }).strict() }).strict(),
    z.object({ hypothesis: z.object({ kind: oneOrMany(z.string()).optional(), ...confidenceRange }).strict() }).strict(),
    z.object({ gap: z.object({ source: oneOrMany(evidenceSource).optional() }).strict() }).strict(),
    z
      .object({
        alert: z
          .object({ name: oneOrMany(z.string()).optional(), severity: oneOrMany(severity).optional(), status: z.enum(['firing', 'resolved']).optional(), labels: z.record(z.string(), labelMatcherSchema).optional() })
          .strict(),
      })
      .strict(),
    z.object({ action: z.object({ kind: oneOrMany(z.string()).optional(), status: oneOrMany(z.string()).optional() }).strict() }).strict(),
    varMatch,
  ]),
) as z.ZodType<Condition>;

export interface ConditionScope {
  incident: Incident;
  alerts: readonly Alert[];
  vars: Record<string, unknown>;
}

const within = (expected: string | readonly string[] | undefined, actual: string | undefined) =>
  expected === undefined || (actual !== undefined && (typeof expected === 'string' ? expected === actual : expected.includes(actual)));

const inRange = (value: number, range: { minConfidence?: number; maxConfidence?: number }) =>
  (range.minConfidence === undefined || value >= range.minConfidence) && (range.maxConfidence === undefined || value <= range.maxConfidence);

const compiledRegexes = new Map<string, RE2JS>();

/**
 * A playbook's regex, compiled for RE2 (re2js): the syntax and semantics of Prometheus matchers, and
 * linear-time matching. The regexes are the playbook author's, but the values they are matched against
 * come from alerts: a backtracking engine would let a crafted label value freeze the agent on an
 * unlucky pattern like `(a+)+b`. Throws RE2's message for a pattern it does not accept.
 */
export function compileRegex(pattern: string): RE2JS {
  let compiled = compiledRegexes.get(pattern);
  if (!compiled) {
    compiled = RE2JS.compile(pattern);
    // Patterns come from playbooks (a fixed set); bound the cache anyway.
    if (compiledRegexes.size > 1_000) compiledRegexes.clear();
    compiledRegexes.set(pattern, compiled);
  }
  return compiled;
}

/** Whether the whole value matches (anchored like Prometheus matchers: "petsite.*" must match all of it). */
function fullMatch(pattern: string, value: string): boolean {
  return compileRegex(pattern).matches(value);
}

export function matchesLabel(matcher: LabelMatcher, value: string | undefined): boolean {
  if (typeof matcher === 'string') return value === matcher;
  if (matcher.exists !== undefined && (value !== undefined) !== matcher.exists) return false;
  if (matcher.equals !== undefined && value !== matcher.equals) return false;
  if (matcher.notEquals !== undefined && value === matcher.notEquals) return false;
  if (matcher.regex !== undefined && (value === undefined || !fullMatch(matcher.regex, value))) return false;
  if (matcher.notRegex !== undefined && value !== undefined && fullMatch(matcher.notRegex, value)) return false;
  return true;
}

export function evaluate(condition: Condition, scope: ConditionScope): boolean {
  const { incident } = scope;
  if ('all' in condition) return condition.all.every((c) => evaluate(c, scope));
  if ('any' in condition) return condition.any.some((c) => evaluate(c, scope));
  if ('not' in condition) return !evaluate(condition.not, scope);
  if ('finding' in condition) {
    const m = condition.finding;
    const count = incident.findings.filter(
      (f) =>
        within(m.kind, f.kind) &&
        within(m.source, f.source) &&
        within(m.severity, f.severity) &&
        (!m.subject || ((m.subject.kind === undefined || m.subject.kind === f.subject?.kind) && (m.subject.name === undefined || m.subject.name === f.subject?.name) && (m.subject.namespace === undefined || m.subject.namespace === f.subject?.namespace))),
    ).length;
    return count >= (m.min ?? 1);
  }
  if ('rootCause' in condition) {
    const m = condition.rootCause;
    const rc = incident.rootCause;
    if (m.exists === false) return rc === undefined;
    return rc !== undefined && within(m.kind, rc.kind) && inRange(rc.confidence, m);
  }
  if ('hypothesis' in condition) {
    const m = condition.hypothesis;
    return incident.hypotheses.some((h) => within(m.kind, h.kind) && inRange(h.confidence, m));
  }
  if ('gap' in condition) return incident.gaps.some((g) => within(condition.gap.source, g.source));
  if ('alert' in condition) {
    const m = condition.alert;
    return scope.alerts.some(
      (a) => within(m.name, a.name) && within(m.severity, a.severity) && (m.status === undefined || a.status === m.status) && Object.entries(m.labels ?? {}).every(([label, matcher]) => matchesLabel(matcher, a.labels[label])),
    );
  }
  if ('action' in condition) return incident.actions.some((a) => within(condition.action.kind, a.kind) && within(condition.action.status, a.status));
  return evaluateVar(condition, scope.vars);
}

function evaluateVar(m: z.infer<typeof varMatch>, vars: Record<string, unknown>): boolean {
  const value = lookup(vars, m.var);
  if (m.exists !== undefined && (value !== undefined && value !== null) !== m.exists) return false;
  if (m.equals !== undefined && value !== m.equals) return false;
  if (m.in !== undefined && !m.in.includes(value as string | number | boolean)) return false;
  if (m.gte !== undefined && !(typeof value === 'number' && value >= m.gte)) return false;
  if (m.lte !== undefined && !(typeof value === 'number' && value <= m.lte)) return false;
  if (m.matches !== undefined && !(typeof value === 'string' && compileRegex(m.matches).matcher(value).find())) return false;
  return true;
}

/** `steps.memory.series.0.value` -> the value at that path, or undefined. */
export function lookup(root: unknown, path: string): unknown {
  let current: unknown = root;
  for (const part of path.split('.')) {
    if (current === null || current === undefined || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}

/** Regexes in a condition, so the loader can report a bad one (compileRegex) with its line instead of failing later. */
export function regexesOf(condition: Condition): string[] {
  if ('all' in condition) return condition.all.flatMap(regexesOf);
  if ('any' in condition) return condition.any.flatMap(regexesOf);
  if ('not' in condition) return regexesOf(condition.not);
  if ('alert' in condition) return Object.values(condition.alert.labels ?? {}).flatMap((m) => (typeof m === 'string' ? [] : [m.regex, m.notRegex].filter((r): r is string => r !== undefined)));
  if ('var' in condition && condition.matches) return [condition.matches];
  return [];
}
