/**
 * The blueprint, synthesised once per test process and shared by every test file (synth takes seconds;
 * the assertions take milliseconds). Default settings, cdk-nag's AwsSolutions checks as in bin/app.ts,
 * and a stand-in Docker context (test/fixtures/image) so staging the image asset does not hash the whole
 * repository.
 */
import { App, Validations, type Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildIncidentKit, type IncidentKit } from '../lib/blueprint.js';
import { KitAwsSolutionsChecks } from '../lib/nag.js';
import type { ImageSource } from '../lib/resources.js';
import { readSettings } from '../lib/settings.js';

export const fixtureImage: ImageSource = { kind: 'build', directory: join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'image'), file: 'Dockerfile' };

export interface SynthesisedKit extends IncidentKit {
  app: App;
  template: Template;
  /** cdk-nag's findings left unacknowledged (from the validation report synth writes). */
  nagViolations: NagViolation[];
}

export interface NagViolation {
  ruleName: string;
  paths: string[];
}

const cache = new Map<string, Promise<SynthesisedKit>>();

/** Cloud assemblies of this process (tens of MB each: the cluster's Lambda assets), removed when it exits. */
const scratch: string[] = [];
process.once('exit', () => {
  for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
});

/** A temporary cloud-assembly folder, removed when the test process exits. */
export function scratchDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'eks-kit-cdk-'));
  scratch.push(dir);
  return dir;
}

/** Synthesises the kit with these context values (once per distinct context in the process). */
export function synthesise(context: Record<string, unknown> = {}, options: { nag?: boolean } = {}): Promise<SynthesisedKit> {
  const key = JSON.stringify({ context, options });
  if (!cache.has(key)) cache.set(key, build(context, options.nag ?? true));
  return cache.get(key)!;
}

async function build(context: Record<string, unknown>, nag: boolean): Promise<SynthesisedKit> {
  const app = new App({ outdir: scratchDir(), context });
  const settings = readSettings((k) => app.node.tryGetContext(k), {});
  const kit = await buildIncidentKit(app, settings, settings.image ? {} : { imageSource: fixtureImage });
  if (nag) Validations.of(app).addPlugins(new KitAwsSolutionsChecks(app));
  app.synth();
  const nagViolations = validationViolations(app.outdir);
  // CDK marks the process failed when validation fails; the nag test reports it with the findings instead.
  if (nagViolations.length === 0) process.exitCode = undefined;
  return { ...kit, app, template: Template.fromStack(kit.stack as Stack), nagViolations };
}

/** Violations in the policy validation report of a synthesised app (none when the file is absent). */
export function validationViolations(outdir: string): NagViolation[] {
  const file = join(outdir, 'validation-report.json');
  if (!existsSync(file)) return [];
  const report = JSON.parse(readFileSync(file, 'utf8')) as { pluginReports: { violations: { ruleName: string; violatingConstructs: { constructPath: string }[] }[] }[] };
  return report.pluginReports.flatMap((r) => r.violations.map((v) => ({ ruleName: v.ruleName, paths: v.violatingConstructs.map((c) => c.constructPath) })));
}

/** The shared default blueprint (new cluster, default preset, region us-west-2, account-agnostic). */
export function defaultKit(): Promise<SynthesisedKit> {
  return synthesise({ region: 'us-west-2' });
}

type CfnResourceJson = { Type: string; Properties?: Record<string, unknown>; DependsOn?: unknown };

/** Resources of one type, by logical id. */
export function resourcesOf(template: Template, type: string): Record<string, CfnResourceJson> {
  return template.findResources(type) as Record<string, CfnResourceJson>;
}

/** The Kubernetes objects the stack applies (KubernetesManifest custom resources), parsed. */
export function kubernetesObjects(template: Template): Record<string, unknown>[] {
  const manifests = resourcesOf(template, 'Custom::AWSCDK-EKS-KubernetesResource');
  return Object.values(manifests).flatMap((resource) => {
    const manifest = flatten(resource.Properties?.Manifest);
    return manifest === undefined ? [] : (JSON.parse(manifest) as Record<string, unknown>[]);
  });
}

/**
 * A manifest with tokens (the image URI, a table name) is an Fn::Join; its references become readable
 * markers («Ref:Table», «GetAtt:Queue.Arn») that keep the JSON valid.
 */
export function flatten(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  const join = (value as { 'Fn::Join'?: [string, unknown[]] } | undefined)?.['Fn::Join'];
  if (!join) return undefined;
  return join[1].map((part) => (typeof part === 'string' ? part : marker(part))).join(join[0]);
}

export function marker(part: unknown): string {
  const p = part as { Ref?: string; 'Fn::GetAtt'?: string[]; 'Fn::Sub'?: string | [string, unknown] };
  if (p.Ref) return `«Ref:${p.Ref}»`;
  if (p['Fn::Sub']) return typeof p['Fn::Sub'] === 'string' ? p['Fn::Sub'] : p['Fn::Sub'][0];
  if (p['Fn::GetAtt']) return `«GetAtt:${p['Fn::GetAtt'].join('.')}»`;
  return `«${Object.keys(p)[0]}»`;
}

/** The logical id of the Secrets Manager secret whose construct id is `constructId` (SlackSecret, OperatorTokensSecret, McpApiKeySecret). */
export function secretId(template: Template, constructId: string): string {
  const ids = Object.keys(resourcesOf(template, 'AWS::SecretsManager::Secret')).filter((id) => new RegExp(`^${constructId}[0-9A-F]{8}$`).test(id));
  if (ids.length !== 1) throw new Error(`expected one secret ${constructId}, found ${ids.join(', ') || 'none'}`);
  return ids[0]!;
}

export function objectsOfKind<T = Record<string, unknown>>(template: Template, kind: string, name?: string): T[] {
  return kubernetesObjects(template).filter((o) => o.kind === kind && (name === undefined || (o.metadata as { name?: string }).name === name)) as T[];
}
