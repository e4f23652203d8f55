import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { ResourceContext, type EksBlueprintProps } from '@aws-quickstart/eks-blueprints';
import { App, IgnoreStrategy, Stack } from 'aws-cdk-lib';
import { KitImageProvider, kitRoot, rootDockerfile } from '../lib/resources.js';
import { defaultKit, objectsOfKind, scratchDir, synthesise } from './kit.js';

test("by default the image is the kit's root Dockerfile (../../Dockerfile), built by CDK at deploy time", async () => {
  assert.equal(rootDockerfile, { kind: 'build', directory: kitRoot, file: 'Dockerfile' });
  assert.ok(existsSync(join(kitRoot, 'package.json')) && JSON.parse(readFileSync(join(kitRoot, 'package.json'), 'utf8')).name === 'eks-incident-kit');
  const { app } = await defaultKit();
  const manifests = readdirSync(app.outdir).filter((f) => f.endsWith('.assets.json'));
  const images = manifests.flatMap((f) => Object.values((JSON.parse(readFileSync(join(app.outdir, f), 'utf8')) as { dockerImages?: Record<string, { source: { directory: string } }> }).dockerImages ?? {}));
  assert.is(images.length, 1, 'one container image asset, staged (not built) at synth');
});

test("the image asset stages exactly the build context `docker build` gets from the root's .dockerignore", () => {
  const outdir = scratchDir();
  const app = new App({ outdir });
  new KitImageProvider(rootDockerfile).provide(new ResourceContext(new Stack(app, 'ImageOnly'), {} as EksBlueprintProps));
  app.synth();
  const [asset] = readdirSync(outdir)
    .filter((f) => f.endsWith('.assets.json'))
    .flatMap((f) => Object.values((JSON.parse(readFileSync(join(outdir, f), 'utf8')) as { dockerImages?: Record<string, { source: { directory: string; dockerFile?: string; platform?: string } }> }).dockerImages ?? {}));
  assert.equal([asset!.source.dockerFile ?? 'Dockerfile', asset!.source.platform], ['Dockerfile', 'linux/amd64']);
  const staged = files(join(outdir, asset!.source.directory), () => false);

  // .dockerignore with Docker's rules (comments and blank lines are not patterns). It has no `!`
  // exceptions, so an ignored directory's whole tree is out and need not be walked (node_modules).
  const patterns = readFileSync(join(kitRoot, '.dockerignore'), 'utf8').split('\n').map((line) => line.trim()).filter((line) => line && !line.startsWith('#'));
  assert.not.ok(patterns.some((p) => p.startsWith('!')));
  const dockerignore = IgnoreStrategy.docker(kitRoot, patterns);
  // Docker always sends the Dockerfile and .dockerignore, even when they are listed.
  const context = files(kitRoot, (path) => dockerignore.ignores(path) && !['Dockerfile', '.dockerignore'].includes(relative(kitRoot, path)));
  assert.equal(staged, context);

  for (const needed of ['Dockerfile', 'package.json', 'package-lock.json', 'tsconfig.build.json', 'bin/devops-agent.js', 'workload/main.ts', 'agent/workflow/general-investigation.yaml']) assert.ok(staged.includes(needed), needed);
  for (const prefix of ['node_modules/', '.git/', 'dist/', 'infra/eks/', 'docs/', 'test/']) assert.not.ok(staged.some((f) => f.startsWith(prefix)), prefix);
});

/** Files (and symlinks, unfollowed) under a directory, relative to it, sorted; `skip` prunes a path and what is under it. */
function files(root: string, skip: (absolutePath: string) => boolean, dir = root, out: string[] = []): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (skip(path)) continue;
    if (entry.isDirectory()) files(root, skip, path, out);
    else out.push(relative(root, path));
  }
  return dir === root ? out.sort() : out;
}

test('-c image=<uri> deploys a prebuilt image instead (no Docker needed to deploy)', async () => {
  const uri = '123456789012.dkr.ecr.us-west-2.amazonaws.com/eks-incident-kit:1.2.3';
  const { template } = await synthesise({ region: 'us-west-2', image: uri }, { nag: false });
  const images = objectsOfKind<{ spec: { template: { spec: { containers: { image: string }[] } } } }>(template, 'Deployment').map((d) => d.spec.template.spec.containers[0]!.image);
  assert.ok(images.length >= 8);
  for (const image of images) assert.is(image, uri);
});

test('a missing Dockerfile is a clear error that names the way out', async () => {
  const { buildIncidentKit } = await import('../lib/blueprint.js');
  const { readSettings } = await import('../lib/settings.js');
  const { MissingDockerfileError } = await import('../lib/resources.js');
  const app = new App({ outdir: scratchDir() });
  try {
    await buildIncidentKit(app, readSettings({ region: 'us-west-2' }, {}), { imageSource: { kind: 'build', directory: tmpdir(), file: 'no-such-Dockerfile' } });
    assert.unreachable('should have failed');
  } catch (error) {
    assert.instance(error, MissingDockerfileError);
    assert.match((error as Error).message, /no-such-Dockerfile, which is missing/);
    assert.match((error as Error).message, /-c image=/);
  }
});

test.run();
