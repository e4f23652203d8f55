/**
 * Parameters and templates of a scenario: `--param k=v` checked against scenario.yaml (names, allowed
 * values), defaults filled in (the `fast` default under --fast), then every file of the scenario rendered
 * with Handlebars in strict mode, so a misspelt placeholder fails loudly instead of reaching the cluster.
 */
import Handlebars from 'handlebars';
import { parseDuration } from '../core/duration.js';
import { ScenarioError, type ScenarioSpec } from './catalog.js';

export type Params = Record<string, string>;

/** Settings of the eks target that templates (FIS, alarms) need; defaults are placeholders to edit. */
export const eksParamDefaults: Params = { region: 'us-west-2', accountId: '123456789012', clusterName: 'eks-incident-kit' };

export function parseParamArgs(pairs: readonly string[]): Params {
  const params: Params = {};
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    if (at <= 0) throw new ScenarioError(`--param needs key=value (got "${pair}"), e.g. --param service=petsearch`);
    params[pair.slice(0, at).trim()] = pair.slice(at + 1).trim();
  }
  return params;
}

/** The scenario's params with defaults applied; `auto` values are left for the cluster-aware resolvers. */
export function resolveParams(spec: ScenarioSpec, given: Params, options: { fast: boolean; target: 'local' | 'eks' }): Params {
  const known = Object.keys(spec.params);
  const eksKnown = Object.keys(eksParamDefaults);
  for (const name of Object.keys(given)) {
    if (!known.includes(name) && !(options.target === 'eks' && eksKnown.includes(name))) {
      throw new ScenarioError(`${spec.name} has no parameter "${name}"; its parameters are ${known.join(', ')}${options.target === 'eks' ? ` (and on eks ${eksKnown.join(', ')})` : ''}`);
    }
  }
  const params: Params = {};
  for (const [name, param] of Object.entries(spec.params)) {
    const value = given[name] ?? (options.fast && param.fast !== undefined ? param.fast : param.default);
    if (value === '' && !param.allowEmpty) throw new ScenarioError(`--param ${name} is empty; ${param.describe}`);
    if (param.oneOf && value !== 'auto' && !param.oneOf.includes(value)) {
      throw new ScenarioError(`${spec.name}: --param ${name}=${value} is not supported; use one of ${param.oneOf.join(', ')} (${param.describe})`);
    }
    params[name] = value;
  }
  if (options.target === 'eks') for (const name of eksKnown) params[name] = given[name] ?? process.env[`EKS_INCIDENT_KIT_${name.toUpperCase()}`] ?? eksParamDefaults[name]!;
  return params;
}

/** Variables every template may use besides the params: the run's identity and its safety timeout. */
export interface RunVariables {
  runId: string;
  chaosName: string;
  /** Chaos Mesh `duration` / FIS `duration`: the fault removes itself after this even if nobody does. */
  safetyTimeoutMs: number;
}

export function templateVariables(params: Params, run: RunVariables): Record<string, string> {
  const vars: Record<string, string> = { ...params, runId: run.runId, chaosName: run.chaosName, safetyTimeout: goDuration(run.safetyTimeoutMs), safetyTimeoutIso: isoDuration(run.safetyTimeoutMs) };
  // FIS takes milliseconds where Chaos Mesh takes durations.
  for (const key of ['latency', 'jitter']) if (params[key]) vars[`${key}Ms`] = String(Math.round(parseDuration(params[key]!)));
  return vars;
}

export function render(template: string, vars: Record<string, string>, what: string): string {
  try {
    return Handlebars.compile(template, { noEscape: true, strict: true })(vars);
  } catch (error) {
    throw new ScenarioError(`cannot render ${what}: ${(error as Error).message.split('\n')[0]}`);
  }
}

/** Renders every string of a parsed YAML value (scenario.yaml fields, runbook steps). */
export function renderDeep<T>(value: T, vars: Record<string, string>, what: string): T {
  if (typeof value === 'string') return render(value, vars, what) as T;
  if (Array.isArray(value)) return value.map((item) => renderDeep(item, vars, what)) as T;
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, renderDeep(v, vars, what)])) as T;
  return value;
}

function goDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  return s % 60 === 0 ? `${s / 60}m` : `${s}s`;
}

function isoDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  return s % 60 === 0 ? `PT${s / 60}M` : `PT${s}S`;
}
