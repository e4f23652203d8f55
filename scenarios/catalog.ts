/**
 * The scenario catalogue: every folder under scenarios/ with a scenario.yaml is a scenario. Adding one
 * is adding a folder (scenario.yaml, its injection files, runbook.yaml); nothing here changes.
 *
 * The YAML is validated here once, with messages that name the file and the field, so a broken
 * scenario fails at `run-scenario --list`, not half-way through a demo.
 */
import { packageRoot } from '../lib/platform/package-root.js';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { ROOT_CAUSE_KINDS, type RootCauseKind } from '../core/types.js';

export const scenariosDir = join(packageRoot, 'scenarios');

const paramSchema = z.object({
  describe: z.string().min(1),
  default: z.string(),
  /** Default under `--fast`, when it differs (the speed of a leak, the ramp of a hog). */
  fast: z.string().optional(),
  /** What the value names: a Deployment of petadoptions or a Node, checked against the cluster. */
  kind: z.enum(['deployment', 'node']).optional(),
  oneOf: z.array(z.string()).optional(),
  /** An empty value is meaningful (an emptied setting). */
  allowEmpty: z.boolean().optional(),
});

const injectionSchema = z.object({
  method: z.enum(['chaos-mesh', 'deployment-patch']),
  file: z.string(),
  fis: z.string().optional(),
});

const checkSchema = z.object({ name: z.string(), promql: z.string() });

export const scenarioSchema = z
  .object({
    name: z.string().regex(/^[a-z0-9-]+$/),
    title: z.string(),
    summary: z.string(),
    narrative: z.string(),
    userImpact: z.string(),
    symptoms: z.array(z.string()).min(1),
    params: z.record(z.string(), paramSchema),
    expected: z.object({
      rootCause: z.object({
        kind: z.enum(ROOT_CAUSE_KINDS as unknown as [RootCauseKind, ...RootCauseKind[]]),
        target: z.object({ kind: z.enum(['Deployment', 'Node']), namespace: z.string().optional(), name: z.string() }),
      }),
    }),
    injection: z.object({ local: injectionSchema, eks: injectionSchema }),
    detection: z.object({
      alerts: z.array(z.string()).min(1),
      labels: z.record(z.string(), z.string()),
      incidentTargets: z.array(z.string()).min(1),
      cloudwatchAlarm: z.string(),
    }),
    keyMetric: z.object({ title: z.string(), promql: z.string(), unit: z.string() }),
    baseline: z.array(checkSchema),
    remediation: z.object({ actions: z.array(z.string()).min(1), expectedEffect: z.string(), recommendation: z.string() }),
    success: z.object({
      criteria: z.array(z.string()).min(1),
      recovery: z.object({ alertsGone: z.array(z.string()), unhealthyWhen: z.array(checkSchema) }),
    }),
    runbook: z.string(),
  })
  .strict();

export type ScenarioSpec = z.infer<typeof scenarioSchema>;
export type ParamSpec = z.infer<typeof paramSchema>;

const stepSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9-]+$/),
    phase: z.enum(['detect', 'investigate', 'remediate', 'verify']),
    title: z.string(),
    why: z.string(),
    run: z.string(),
    /** What a person would type when `run` is longer for scripting reasons (a literal instead of $(...)). */
    typed: z.string().optional(),
    dryRun: z.string().optional(),
    mutates: z.boolean().default(false),
    targets: z.array(z.enum(['local', 'eks'])).default(['local', 'eks']),
    think: z.enum(['low', 'medium', 'high']),
  })
  .strict()
  .refine((step) => !step.mutates || step.dryRun !== undefined || !step.targets.includes('local'), { message: 'a step that changes the cluster needs a dryRun command' });

export const runbookSchema = z.object({ title: z.string(), goal: z.string(), steps: z.array(stepSchema).min(3) }).strict();
export type RunbookSpec = z.infer<typeof runbookSchema>;
export type RunbookStep = RunbookSpec['steps'][number];

/** One scenario folder: its validated definition and where its files are. */
export interface ScenarioDefinition {
  spec: ScenarioSpec;
  runbook: RunbookSpec;
  dir: string;
  /** Reads a file of the folder (injection manifest, FIS template, alarm) as text. */
  file(name: string): string;
}

export class ScenarioError extends Error {
  override name = 'ScenarioError';
}

export function scenarioNames(dir = scenariosDir): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(dir, entry.name, 'scenario.yaml')))
    .map((entry) => entry.name)
    .sort();
}

export function loadScenario(name: string, dir = scenariosDir): ScenarioDefinition {
  const folder = join(dir, name);
  if (!/^[a-z0-9-]+$/.test(name) || !existsSync(join(folder, 'scenario.yaml'))) {
    throw new ScenarioError(`unknown scenario "${name}"; the scenarios are: ${scenarioNames(dir).join(', ')} (run-scenario --list)`);
  }
  const spec = validate(scenarioSchema, readYaml(join(folder, 'scenario.yaml')), `${name}/scenario.yaml`);
  if (spec.name !== name) throw new ScenarioError(`${name}/scenario.yaml says name: ${spec.name}; the folder and the name must match`);
  const runbook = validate(runbookSchema, readYaml(join(folder, spec.runbook)), `${name}/${spec.runbook}`);
  const file = (fileName: string) => {
    const path = join(folder, fileName);
    if (!existsSync(path)) throw new ScenarioError(`${name}: ${fileName} is missing from ${folder}`);
    return readFileSync(path, 'utf8');
  };
  for (const needed of [spec.injection.local.file, spec.injection.eks.file, spec.injection.eks.fis, spec.detection.cloudwatchAlarm]) if (needed) file(needed);
  return { spec, runbook, dir: folder, file };
}

export function loadAllScenarios(dir = scenariosDir): ScenarioDefinition[] {
  return scenarioNames(dir).map((name) => loadScenario(name, dir));
}

function readYaml(path: string): unknown {
  try {
    return parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new ScenarioError(`${path} is not valid YAML: ${(error as Error).message}`);
  }
}

function validate<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const result = schema.safeParse(value);
  if (!result.success) {
    throw new ScenarioError(`${what} is invalid: ${result.error.issues.map((i) => `${i.path.join('.') || '(top)'}: ${i.message}`).join('; ')}`);
  }
  return result.data;
}

/** The kit's eks stack as `npm run eks:deploy` names it (its cluster's name, infra/eks settings' default). */
export const defaultEksStackName = 'eks-incident-kit';

/**
 * The eks stack's output keys of a scenario: its FIS experiment template id and its CloudWatch alarm
 * name (memory-leak -> FisTemplateMemoryLeak, AlarmMemoryLeak). infra/eks writes them, run-scenario
 * reads them: one naming for both.
 */
export function stackOutputKeys(scenario: string): { fisTemplate: string; alarm: string } {
  const pascal = scenario.replace(/(^|-)([a-z0-9])/g, (_match, _dash, letter: string) => letter.toUpperCase());
  return { fisTemplate: `FisTemplate${pascal}`, alarm: `Alarm${pascal}` };
}
