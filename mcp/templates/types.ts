/**
 * A PromQL template: a query an SRE would write, with `${param}` placeholders for the entities and
 * settings that vary. The translator builds its queries from these; `suggest_queries` lists them.
 */
export type ParamKind = 'namespace' | 'pod' | 'service' | 'node' | 'container' | 'route' | 'duration' | 'number' | 'choice';

export interface TemplateParam {
  name: string;
  description: string;
  kind: ParamKind;
  default?: string;
  /** A value that returns data on the local target, for examples and tests (when it differs from the default). */
  example?: string;
  /** Allowed values of a `choice` parameter. */
  choices?: string[];
}

export type TemplateCategory =
  | 'cpu'
  | 'memory'
  | 'network'
  | 'requests'
  | 'latency'
  | 'errors'
  | 'saturation'
  | 'restarts'
  | 'pods'
  | 'deployments'
  | 'nodes'
  | 'disk'
  | 'targets';

export interface Template {
  /** `<measure>.<scope>`, e.g. `memory.service-pods`. */
  id: string;
  title: string;
  description: string;
  category: TemplateCategory;
  params: TemplateParam[];
  /** PromQL with `${param}` placeholders. */
  promql: string;
  exampleQuestion: string;
  queryType: 'instant' | 'range';
  unit: string;
  /** What is measured and over which entities: the translator's keys into the library. */
  measure: string;
  scope: string;
}

/** A parameter value: several values turn an equality matcher into a regex alternation. */
export type ParamValue = string | number | string[];
