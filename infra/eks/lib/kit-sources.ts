/**
 * What the stack takes from the rest of the kit, read through the kit's own modules so there is one
 * source for each: the scenario folders (scenarios/catalog.ts validates them, scenarios/render.ts
 * renders their templates exactly as run-scenario does), the Prometheus alert and recording rules
 * (infra/local/deploy/rules.ts, the file the local target loads), the run timings (runner/timings.ts:
 * the FIS safety duration) and the pet-adoption services' names, ports and resources
 * (lib/petadoption/catalog.ts). Their bare imports resolve from infra/eks/node_modules
 * through kit-sources.mjs (docs/adr/0006-one-source-for-rules-and-scenario-templates.md).
 *
 * Rendering happens with the scenarios' default params: the stack holds one FIS experiment template
 * and one alarm per scenario, the ones `run-scenario <name> --target eks` starts without --param.
 */
import { parse as parseYaml } from 'yaml';
import { loadAllScenarios, type ScenarioDefinition } from '../../../scenarios/catalog.js';
import { render, resolveParams, templateVariables } from '../../../scenarios/render.js';
import { alertRuleGroups, renderAlertRules } from '../../local/deploy/rules.js';
import { profiles } from '../../local/profiles.js';
import { runTimings } from '../../../runner/timings.js';
import { services, APP_NAMESPACE } from '../../../lib/petadoption/catalog.js';

export { APP_NAMESPACE };

/** Where the stack's resources are; tokens (Aws.REGION, Aws.ACCOUNT_ID) are fine, they stay strings until synth. */
export interface TemplateTarget {
  region: string;
  accountId: string;
  clusterName: string;
}

/** The FIS experiment template of a scenario as its file says (AWS CLI input shape, camelCase), rendered. */
export interface FisTemplateDocument {
  description: string;
  targets: Record<string, { resourceType: string; resourceArns?: string[]; parameters?: Record<string, string>; selectionMode: string }>;
  actions: Record<string, { actionId: string; description?: string; parameters?: Record<string, string>; targets?: Record<string, string>; startAfter?: string[] }>;
  stopConditions: { source: string; value?: string }[];
  roleArn: string;
  logConfiguration?: { cloudWatchLogsConfiguration?: { logGroupArn: string }; logSchemaVersion: number };
  experimentOptions?: { accountTargeting?: string; emptyTargetResolutionMode?: string };
  tags?: Record<string, string>;
}

/** The CloudWatch alarm of a scenario as its file says (PutMetricAlarm input, which is also CloudFormation's shape), rendered. */
export interface AlarmDocument {
  AlarmName: string;
  AlarmDescription?: string;
  Namespace: string;
  MetricName: string;
  Dimensions: { Name: string; Value: string }[];
  Threshold: number;
  ComparisonOperator: string;
  EvaluationPeriods: number;
  Period: number;
  [field: string]: unknown;
}

export interface ScenarioResources {
  name: string;
  title: string;
  fisTemplate: FisTemplateDocument;
  alarm: AlarmDocument;
}

/**
 * Params whose default is resolved against a live cluster (`auto`: the busiest node, a setting the
 * service validates) cannot be rendered into a stack. A Chaos Mesh selector field that names one is
 * dropped, so Chaos Mesh picks among every matching pod (`mode: one`): node-pressure's stack template
 * stresses the kube-proxy of any one worker node. run-scenario resolves `auto` itself when it runs.
 */
const CLUSTER_RESOLVED = 'auto';

export function scenarioResources(target: TemplateTarget, scenarios: ScenarioDefinition[] = loadAllScenarios()): ScenarioResources[] {
  return scenarios.map((definition) => {
    const { spec } = definition;
    const injection = spec.injection.eks;
    if (!injection.fis) throw new Error(`scenarios/${spec.name}/scenario.yaml has no injection.eks.fis: every scenario needs a FIS template for the eks target`);
    const params = resolveParams(spec, { region: target.region, accountId: target.accountId, clusterName: target.clusterName }, { fast: false, target: 'eks' });
    const vars = templateVariables(params, { runId: 'stack', chaosName: `${spec.name}-fis`, safetyTimeoutMs: runTimings.realistic.safetyTimeoutSeconds * 1000 });
    vars.chaosSpecJson = injection.method === 'chaos-mesh' ? chaosSpecJson(render(definition.file(injection.file), vars, `${spec.name}/${injection.file}`)) : '{}';
    const fisTemplate = JSON.parse(render(definition.file(injection.fis), vars, `${spec.name}/${injection.fis}`)) as FisTemplateDocument;
    const alarm = JSON.parse(render(definition.file(spec.detection.cloudwatchAlarm), vars, `${spec.name}/${spec.detection.cloudwatchAlarm}`)) as AlarmDocument;
    return { name: spec.name, title: render(spec.title, vars, `${spec.name}/scenario.yaml title`), fisTemplate, alarm };
  });
}

/**
 * FIS injects a Chaos Mesh object as a JSON string of its spec (aws:eks:inject-kubernetes-custom-resource);
 * the template holds that string inside a JSON string, hence the double encoding. The same conversion as
 * `run-scenario export` (runner/cli.ts exportVariables), plus the removal of cluster-resolved selectors.
 */
function chaosSpecJson(manifest: string): string {
  const spec = withoutClusterResolved((parseYaml(manifest) as { spec?: unknown }).spec ?? {});
  return JSON.stringify(JSON.stringify(spec)).slice(1, -1);
}

function withoutClusterResolved(value: unknown): unknown {
  if (Array.isArray(value)) return value.filter((item) => item !== CLUSTER_RESOLVED).map(withoutClusterResolved);
  if (value && typeof value === 'object') {
    const entries = Object.entries(value).map(([key, item]) => [key, withoutClusterResolved(item)] as const);
    return Object.fromEntries(entries.filter(([, item]) => item !== CLUSTER_RESOLVED && !(Array.isArray(item) && item.length === 0)));
  }
  return value;
}

/** The alert and recording rules of the local target's realistic profile, as a Prometheus rules file. */
export function prometheusRulesYaml(): string {
  return renderAlertRules(profiles.realistic);
}

/** Names of the alert rules, and of the recording rules, in that file. */
export function ruleNames(): { alerts: string[]; records: string[] } {
  const rules = alertRuleGroups(profiles.realistic).flatMap((group) => group.rules);
  return { alerts: rules.flatMap((rule) => ('alert' in rule ? [rule.alert] : [])), records: rules.flatMap((rule) => ('record' in rule ? [rule.record] : [])) };
}

/**
 * One pet-adoption service's envelope in the simulation (catalog), which the tests hold the workload's
 * deployed objects to (addons/workload.test.ts): the workload renders them itself (workload/manifests.ts).
 */
export interface WorkloadRole {
  name: string;
  port: number;
  replicas: number;
  requests: { cpu: string; memory: string };
  limits: { cpu: string; memory: string };
  env: { name: string; value: string }[];
}

export function workloadRoles(): WorkloadRole[] {
  return services.map((service) => ({
    name: service.name,
    port: service.port,
    replicas: service.replicas,
    requests: { ...service.requests },
    limits: { ...service.limits },
    env: service.env.flatMap((variable) => (variable.value !== undefined ? [{ name: variable.name, value: variable.value }] : [])),
  }));
}
