/**
 * The PromQL template library: parameterised queries for CPU, memory, network, requests, latency,
 * errors, saturation, restarts, OOM kills, node conditions, disk, pods and deployments.
 */
export { templates, templateById, templateFor, scopesOf, measures, measureById } from './library.js';
export { renderTemplate, exampleParams, escapeRegex, TemplateParamError } from './render.js';
export { scopes, scopeById, families } from './scopes.js';
export type { Family, Scope, ScopeEntity, ScopeGroup } from './scopes.js';
export type { MeasureDef } from './measure.js';
export type { Template, TemplateParam, TemplateCategory, ParamKind, ParamValue } from './types.js';
