/**
 * The template library: every measure rendered for every scope it applies to, plus lookups by id and
 * by (measure, scope), which is how the translator picks its query.
 */
import { httpMeasures } from './http.js';
import { kubeMeasures } from './kube.js';
import { builderFor, type MeasureDef } from './measure.js';
import { nodeMeasures } from './nodes.js';
import { scopeApplies, scopeParams, scopes, scopeSubject, type Scope } from './scopes.js';
import type { Template, TemplateParam } from './types.js';
import { workloadMeasures } from './workload.js';

export const measures: MeasureDef[] = [...workloadMeasures, ...httpMeasures, ...nodeMeasures, ...kubeMeasures];
export const measureById = new Map(measures.map((m) => [m.id, m]));

function fill(text: string, params: TemplateParam[]): string {
  return text.replace(/\$\{(\w+)\}/g, (whole, name: string) => {
    const p = params.find((x) => x.name === name);
    return p?.example ?? p?.default ?? (p ? `<${p.kind}>` : whole);
  });
}

function templateOf(measure: MeasureDef, scope: Scope): Template {
  const primary = measure.families[0]!;
  const promql = measure.build(builderFor(scope, primary));
  const declared = [...scopeParams(scope, measure.families), ...(measure.params ?? [])];
  const used = new Set([...promql.matchAll(/\$\{(\w+)\}/g)].map((m) => m[1]!));
  const params = declared
    .filter((p) => used.has(p.name))
    .map((p) => (measure.examples?.[p.name] ? { ...p, example: measure.examples[p.name] } : p));
  const subject = scopeSubject(scope);
  return {
    id: `${measure.id}.${scope.id}`,
    title: `${measure.title}: ${fill(subject, params.map((p) => ({ ...p, example: `\${${p.name}}` })))}`,
    description: measure.description,
    category: measure.category,
    params,
    promql,
    exampleQuestion: fill(measure.ask(subject), params),
    queryType: 'instant',
    unit: measure.unit,
    measure: measure.id,
    scope: scope.id,
  };
}

function build(): Template[] {
  const out: Template[] = [];
  for (const measure of measures) {
    for (const scope of scopes) {
      if (measure.only && !measure.only.includes(scope.id)) continue;
      if (measure.except?.includes(scope.id)) continue;
      if (!scopeApplies(scope, measure.families)) continue;
      out.push(templateOf(measure, scope));
    }
  }
  return out;
}

export const templates: Template[] = build();
export const templateById = new Map(templates.map((t) => [t.id, t]));

/** The template of a measure for a scope, if the measure can be asked that way. */
export function templateFor(measure: string, scope: string): Template | undefined {
  return templateById.get(`${measure}.${scope}`);
}

/** Scope ids a measure is available for. */
export function scopesOf(measure: string): string[] {
  return templates.filter((t) => t.measure === measure).map((t) => t.scope);
}
