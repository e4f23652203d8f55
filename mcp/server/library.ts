/** The template library port over mcp/templates. */
import { exampleParams, renderTemplate, templateById, templates, type Template } from '../templates/index.js';
import type { QueryTemplate, TemplateLibrary } from './ports.js';

function toQueryTemplate(t: Template): QueryTemplate {
  return {
    id: t.id,
    title: t.title,
    description: t.description,
    tags: [...new Set([t.category, ...t.measure.split(/[-.]/), ...t.scope.split(/[-.]/)])],
    params: t.params.map((p) => ({ name: p.name, description: p.description, ...(p.default === undefined ? {} : { default: p.default }) })),
    promql: t.promql,
    examples: [t.exampleQuestion],
    queryType: t.queryType,
  };
}

export const templateLibrary: TemplateLibrary = {
  list: () => templates.map(toQueryTemplate),
  render(id, params) {
    const template = templateById.get(id);
    if (!template) throw new Error(`no template "${id}"`);
    // Parameters the caller did not give take the template's example values, which exist on the local target.
    const known = new Set(template.params.map((p) => p.name));
    const given = Object.fromEntries(Object.entries(params).filter(([k]) => known.has(k)));
    return renderTemplate(template, { ...exampleParams(template), ...given });
  },
};
