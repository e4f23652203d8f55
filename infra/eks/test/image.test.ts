import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kitRoot, rootDockerfile } from '../lib/resources.js';
import { defaultKit, objectsOfKind, scratchDir, synthesise } from './kit.js';

test("by default the image is the kit's root Dockerfile (../../Dockerfile), built by CDK at deploy time", async () => {
  assert.equal(rootDockerfile, { kind: 'build', directory: kitRoot, file: 'Dockerfile' });
  assert.ok(existsSync(join(kitRoot, 'package.json')) && JSON.parse(readFileSync(join(kitRoot, 'package.json'), 'utf8')).name === 'eks-incident-kit');
  const { app } = await defaultKit();
  const manifests = readdirSync(app.outdir).filter((f) => f.endsWith('.assets.json'));
  const images = manifests.flatMap((f) => Object.values((JSON.parse(readFileSync(join(app.outdir, f), 'utf8')) as { dockerImages?: Record<string, { source: { directory: string } }> }).dockerImages ?? {}));
  assert.is(images.length, 1, 'one container image asset, staged (not built) at synth');
});

test('-c image=<uri> deploys a prebuilt image instead (no Docker needed to deploy)', async () => {
  const uri = '123456789012.dkr.ecr.us-west-2.amazonaws.com/eks-incident-kit:1.2.3';
  const { template } = await synthesise({ region: 'us-west-2', image: uri }, { nag: false });
  const images = objectsOfKind<{ spec: { template: { spec: { containers: { image: string }[] } } } }>(template, 'Deployment').map((d) => d.spec.template.spec.containers[0]!.image);
  assert.ok(images.length >= 8);
  for (const image of images) assert.is(image, uri);
});

test('a missing Dockerfile is a clear error that names the way out', async () => {
  const { App } = await import('aws-cdk-lib');
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
