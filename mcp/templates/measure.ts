/**
 * A measure is what a question asks about (memory working set, p95 latency, pods pending...), written
 * once as a PromQL builder over a scope. The library renders every measure for every scope its metric
 * families can express, so "memory of petsite", "memory per pod in kube-system" and "memory by node"
 * all come from one definition.
 */
import { families, groupingFor, matchersFor, type Family, type Scope } from './scopes.js';
import type { TemplateCategory, TemplateParam } from './types.js';

export interface QueryBuilder {
  scope: Scope;
  /** `{m1, m2}` for a family in this scope, with the measure's own matchers appended. */
  sel(family: Family, extra?: string[]): string;
  /** `op by (labels) (inner)`, or `op(inner)` when the scope does not group. */
  agg(op: string, inner: string, family?: Family): string;
  /** Grouping labels of this scope for a family (empty when it does not group). */
  by(family?: Family): string[];
  /** Whether results are one line per node/pod/... of a list, rather than one total. */
  grouped: boolean;
}

export interface MeasureDef {
  id: string;
  title: string;
  description: string;
  category: TemplateCategory;
  unit: string;
  families: Family[];
  /** The question, given how it names the scope's subject. */
  ask: (subject: string) => string;
  params?: TemplateParam[];
  /** Example values for parameters (where the default returns no data on the local target). */
  examples?: Record<string, string>;
  /** Scope ids this measure is offered for (default: every scope its families can express). */
  only?: string[];
  /** Scope ids left out (e.g. by HTTP method for the latency histogram, which has no method label). */
  except?: string[];
  build(q: QueryBuilder): string;
}

export const windowParam: TemplateParam = { name: 'window', kind: 'duration', description: 'rate/increase window', default: '5m' };

export function builderFor(scope: Scope, primary: Family): QueryBuilder {
  const by = (family: Family = primary) => groupingFor(scope, family);
  return {
    scope,
    grouped: scope.group !== undefined,
    sel: (family, extra = []) => {
      const m = matchersFor(scope, family, extra);
      return m.length ? `{${m.join(', ')}}` : '';
    },
    by,
    agg: (op, inner, family = primary) => {
      const labels = by(family);
      return labels.length ? `${op} by (${labels.join(', ')}) (${inner})` : `${op}(${inner})`;
    },
  };
}

/** Whether a family can group by the scope's grouping (checked before building). */
export function familyGroups(family: Family, scope: Scope): boolean {
  return !scope.group || families[family].group[scope.group] !== undefined;
}
