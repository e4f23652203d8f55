/**
 * Which injector a run on eks uses. `fis` starts the stack's FIS experiment template of the scenario,
 * which the stack rendered with the scenario's default parameters (infra/eks/lib/kit-sources.ts): it
 * injects this run's fault only when every parameter the template uses has that default. Otherwise (a
 * `--param` of another value, a parameter resolved against the cluster such as node=auto, crash-loop's bad
 * rollout, which FIS has no action for) the runner injects through the kubeconfig (`chaos-mesh`).
 */
import { ScenarioError, type ScenarioDefinition } from '../../scenarios/catalog.js';
import { resolveParams, type Params } from '../../scenarios/render.js';

export type Injector = 'fis' | 'chaos-mesh';

/** Why the stack's FIS template cannot inject this run's fault; undefined when it can. */
export function fisMismatch(definition: ScenarioDefinition, given: Params, fast: boolean): string | undefined {
  const { spec } = definition;
  const injection = spec.injection.eks;
  if (!injection.fis) return `${spec.name} has no FIS template`;
  if (injection.method !== 'chaos-mesh') return `${spec.name} injects a ${injection.method} (FIS has no action for it; the stack's template is an approximation)`;
  const fisText = definition.file(injection.fis);
  const used = new Set([...placeholders(fisText), ...(placeholders(fisText).includes('chaosSpecJson') ? placeholders(definition.file(injection.file)) : [])]);
  const run = resolveParams(spec, given, { fast, target: 'eks' });
  const stack = resolveParams(spec, {}, { fast: false, target: 'eks' });
  for (const name of Object.keys(spec.params)) {
    if (!used.has(name)) continue;
    if (run[name] === 'auto') return `--param ${name} is chosen on the cluster at run time (auto), while the stack's template lets FIS pick`;
    if (run[name] !== stack[name]) return `the stack's template has ${name}=${stack[name]}, this run ${name}=${run[name]}${fast && !given[name] ? ' (--fast)' : ''}`;
  }
  return undefined;
}

/** `--injector` as given, else fis where the stack's template injects the run's fault. */
export function chooseInjector(definition: ScenarioDefinition, given: Params, fast: boolean, requested: Injector | undefined): { injector: Injector; note?: string } {
  const mismatch = fisMismatch(definition, given, fast);
  if (requested === 'fis' && mismatch) throw new ScenarioError(`--injector fis starts the stack's FIS template of ${definition.spec.name}, which cannot inject this run's fault: ${mismatch}; use --injector chaos-mesh`);
  if (requested) return { injector: requested };
  return mismatch ? { injector: 'chaos-mesh', note: `injecting through Chaos Mesh with the kubeconfig, not FIS: ${mismatch}` } : { injector: 'fis' };
}

function placeholders(template: string): string[] {
  return [...template.matchAll(/\{\{\s*([A-Za-z_][\w]*)\s*\}\}/g)].map((m) => m[1]!);
}
