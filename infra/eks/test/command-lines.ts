/**
 * The containers the stack deploys, read by their own programs: each Deployment's command and
 * environment, as the pod would see them, handed to the kit's test/support/command-lines.ts, which
 * parses them with the program's own command-line layer (lib/platform/cli.ts) and option tables. That
 * script runs with the root's tsx in a child process: the command-line layer needs the root package's
 * dependencies (commander 14), not infra/eks's (CI and `npm test` at the root install both).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Template } from 'aws-cdk-lib/assertions';
import { kitRoot } from '../lib/resources.js';
import { objectsOfKind } from './kit.js';

type EnvEntry = { name: string; value?: string; valueFrom?: { fieldRef?: { fieldPath: string } } };
type Container = { name: string; command?: string[]; args?: string[]; env?: EnvEntry[] };
type Deployment = { metadata: { name: string; namespace: string }; spec: { template: { spec: { containers: Container[] } } } };

export interface ContainerCommandLine {
  /** namespace/deployment */
  deployment: string;
  /** The script the container's `node` runs (bin/devops-agent.js), as the image has it. */
  program: string;
  argv: string[];
  env: Record<string, string>;
}

/** What the program made of it (test/support/command-lines.ts). */
export interface CommandLineReading {
  program: string;
  command?: string;
  flags: Record<string, unknown>;
  acceptedEnv: string[];
  acceptedFlags: string[];
  /** Each setting by flag (`--role`), after flag > variable > default. */
  values: Record<string, unknown>;
  problems: string[];
}

/** What the kubelet gives a field reference, for the values a pod gets at run time. */
const fieldExamples: Record<string, (pod: string) => string> = {
  'metadata.name': (pod) => `${pod}-7c9d8f6b5-x2k4q`,
  'metadata.namespace': () => 'petadoptions',
  'status.hostIP': () => '10.0.101.17',
  'status.podIP': () => '10.0.101.54',
};

/**
 * A container's environment as its process sees it: field references filled in, and `$(VAR)` in a
 * value replaced by an earlier variable, as Kubernetes expands them (an unknown one stays as written).
 */
export function containerEnv(entries: EnvEntry[], pod: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const entry of entries) {
    const field = entry.valueFrom?.fieldRef?.fieldPath;
    if (field !== undefined) {
      const example = fieldExamples[field];
      if (!example) throw new Error(`${pod}: env ${entry.name} refers to field ${field}, which this test cannot fill in`);
      env[entry.name] = example(pod);
    } else {
      env[entry.name] = (entry.value ?? '').replace(/\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (whole, name: string) => env[name] ?? whole);
    }
  }
  return env;
}

/** Every `node <script> ...` container of the stack's Deployments. */
export function nodeContainers(template: Template): ContainerCommandLine[] {
  return objectsOfKind<Deployment>(template, 'Deployment').flatMap((deployment) =>
    deployment.spec.template.spec.containers.flatMap((container) => {
      const [runtime, program, ...argv] = [...(container.command ?? []), ...(container.args ?? [])];
      if (runtime !== 'node' || program === undefined) return [];
      return [{ deployment: `${deployment.metadata.namespace}/${deployment.metadata.name}`, program, argv, env: containerEnv(container.env ?? [], deployment.metadata.name) }];
    }),
  );
}

const readings = new Map<Template, CommandLineReading[]>();

/** The programs' readings of the stack's containers, in `nodeContainers` order (one child process per template). */
export function readCommandLines(template: Template): { container: ContainerCommandLine; reading: CommandLineReading }[] {
  const containers = nodeContainers(template);
  if (!readings.has(template)) {
    if (!existsSync(join(kitRoot, 'node_modules', 'tsx'))) throw new Error(`reading the containers' command lines needs the kit's root install (npm ci in ${kitRoot}): the programs' command-line layer depends on it`);
    const child = spawnSync(process.execPath, ['--import', 'tsx', join('test', 'support', 'command-lines.ts')], {
      cwd: kitRoot,
      input: JSON.stringify(containers.map(({ program, argv, env }) => ({ program, argv, env }))),
      encoding: 'utf8',
    });
    if (child.status !== 0) throw new Error(`test/support/command-lines.ts failed (exit ${child.status}): ${child.stderr}`);
    readings.set(template, JSON.parse(child.stdout) as CommandLineReading[]);
  }
  const results = readings.get(template)!;
  return containers.map((container, index) => ({ container, reading: results[index]! }));
}
