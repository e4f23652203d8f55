/**
 * Parameters that need the cluster: deployments and nodes named by `--param` must exist, and `auto`
 * values are chosen from what runs (the busiest worker node for node-pressure, a setting the service
 * validates at start for crash-loop), so every scenario retargets to any petadoptions deployment or node.
 */
import type { ScenarioSpec } from '../scenarios/catalog.js';
import { ScenarioError } from '../scenarios/catalog.js';
import type { Params } from '../scenarios/render.js';
import type { Cluster, DeploymentSummary } from './ports.js';

export const APP_NAMESPACE = 'petadoptions';

export async function resolveClusterParams(spec: ScenarioSpec, params: Params, cluster: Cluster): Promise<Params> {
  const resolved = { ...params };
  const deployments = await cluster.listDeployments(APP_NAMESPACE);
  for (const [name, param] of Object.entries(spec.params)) {
    const value = resolved[name]!;
    if (param.kind === 'deployment' && !deployments.some((d) => d.name === value)) {
      throw new ScenarioError(`--param ${name}=${value}: no deployment ${value} in ${APP_NAMESPACE}; the deployments are ${deployments.map((d) => d.name).join(', ')}`);
    }
    if (param.kind === 'node') resolved[name] = await resolveNode(value, cluster);
  }
  if (resolved.setting === 'auto' || resolved.value === 'auto') {
    const deployment = deployments.find((d) => d.name === resolved.service);
    if (!deployment) throw new ScenarioError(`crash-loop needs --param service=<deployment>; got ${resolved.service}`);
    const bad = badConfiguration(deployment, resolved.setting === 'auto' ? undefined : resolved.setting);
    resolved.setting = bad.setting;
    if (resolved.value === 'auto') resolved.value = bad.value;
  }
  return resolved;
}

/** `auto`: the Ready, schedulable worker node running the most petadoptions pods (the biggest blast radius). */
async function resolveNode(value: string, cluster: Cluster): Promise<string> {
  const nodes = await cluster.listNodes();
  if (value !== 'auto') {
    if (!nodes.some((n) => n.name === value)) throw new ScenarioError(`--param node=${value}: no such node; the nodes are ${nodes.map((n) => n.name).join(', ')}`);
    return value;
  }
  const pods = await cluster.listPods(APP_NAMESPACE);
  const candidates = nodes.filter((n) => n.ready && !n.unschedulable);
  if (!candidates.length) throw new ScenarioError('no Ready, schedulable node to put under pressure; uncordon one (kubectl uncordon <node>)');
  const count = (node: string) => pods.filter((p) => p.node === node && p.phase === 'Running').length;
  return [...candidates].sort((a, b) => count(b.name) - count(a.name) || a.name.localeCompare(b.name))[0]!.name;
}

/**
 * A configuration change the service rejects at start, as people get them wrong in real life: a URL
 * without its scheme ("petsearch:80"), an emptied required setting, a count that is not a number.
 * Known services get the mistake their own start-up validation reports; any other deployment gets the
 * first rule its environment allows.
 */
const knownMistakes: Record<string, { setting: string; value: string }> = {
  petsite: { setting: 'SEARCH_API_URL', value: 'petsearch:80/api/search' },
  petsearch: { setting: 'PETS_TABLE_NAME', value: '' },
  payforadoption: { setting: 'DB_MAX_CONNECTIONS', value: 'twenty' },
  petlistadoptions: { setting: 'PETSEARCH_URL', value: 'petsearch.petadoptions.svc.cluster.local/api/search' },
  pethistory: { setting: 'GUNICORN_WORKERS', value: '0' },
  trafficgenerator: { setting: 'PETSITE_URL', value: 'petsite.petadoptions.svc.cluster.local' },
};

export function badConfiguration(deployment: DeploymentSummary, setting?: string): { setting: string; value: string } {
  const env = deployment.containers[0]?.env ?? [];
  if (setting) {
    const current = env.find((e) => e.name === setting)?.value ?? '';
    return { setting, value: mistakeFor(setting, current) };
  }
  const known = knownMistakes[deployment.name];
  if (known && env.some((e) => e.name === known.setting)) return known;
  const url = env.find((e) => /_URL$/.test(e.name) && /^https?:\/\//.test(e.value ?? ''));
  if (url) return { setting: url.name, value: mistakeFor(url.name, url.value ?? '') };
  const count = env.find((e) => /^[1-9]\d*$/.test(e.value ?? ''));
  if (count) return { setting: count.name, value: '0' };
  const required = env.find((e) => /(_ARN|_NAME|_TABLE|_BUCKET)$/.test(e.name));
  if (required) return { setting: required.name, value: '' };
  throw new ScenarioError(`cannot choose a bad setting for ${deployment.name} by itself; give one: --param setting=NAME --param value=VALUE`);
}

function mistakeFor(setting: string, current: string): string {
  if (/^https?:\/\//.test(current)) return current.replace(/^https?:\/\//, '');
  if (/^[1-9]\d*$/.test(current)) return '0';
  if (/_URL$/.test(setting)) return 'not-a-url';
  return '';
}
