import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ApiError } from '../../cluster/errors.js';
import { applyJsonPatch, applyMergePatch, applyStrategicMergePatch, parseJsonPatch } from './index.js';

const deployment = () => ({
  metadata: { name: 'petsite', labels: { app: 'petsite' }, finalizers: ['a', 'b'] },
  spec: {
    replicas: 2,
    strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
    template: {
      spec: {
        containers: [
          {
            name: 'petsite',
            image: 'petsite:1.4.1',
            env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }],
            ports: [{ containerPort: 8080, name: 'http' }],
            volumeMounts: [{ name: 'cfg', mountPath: '/etc/cfg' }],
          },
          { name: 'xray', image: 'xray:3' },
        ],
        volumes: [{ name: 'cfg', configMap: { name: 'petsite' } }],
      },
    },
  },
  status: { conditions: [{ type: 'Available', status: 'True' }, { type: 'Progressing', status: 'True' }] },
});

test('JSON patch applies every RFC 6902 operation', () => {
  const result = applyJsonPatch(
    deployment(),
    parseJsonPatch([
      { op: 'replace', path: '/spec/replicas', value: 3 },
      { op: 'add', path: '/metadata/labels/tier', value: 'web' },
      { op: 'add', path: '/spec/template/spec/containers/0/env/-', value: { name: 'C', value: '3' } },
      { op: 'remove', path: '/spec/template/spec/containers/1' },
      { op: 'copy', from: '/metadata/labels/app', path: '/metadata/labels/copied' },
      { op: 'move', from: '/metadata/labels/tier', path: '/metadata/labels/moved' },
      { op: 'test', path: '/spec/replicas', value: 3 },
      { op: 'add', path: '/metadata/annotations', value: { 'a~b/c': 'x' } },
      { op: 'replace', path: '/metadata/annotations/a~0b~1c', value: 'y' },
    ]),
  );
  assert.is(result.spec.replicas, 3);
  assert.equal(result.metadata.labels, { app: 'petsite', copied: 'petsite', moved: 'web' });
  assert.equal(result.spec.template.spec.containers.map((c) => c.name), ['petsite']);
  assert.equal(result.spec.template.spec.containers[0]!.env!.map((e) => e.name), ['A', 'B', 'C']);
  assert.equal((result.metadata as Record<string, unknown>).annotations, { 'a~b/c': 'y' });
});

test('JSON patch failures are 422s and malformed patches 400s, leaving the input untouched', () => {
  const original = deployment();
  const fail = (ops: unknown) => {
    try {
      applyJsonPatch(original, parseJsonPatch(ops));
    } catch (error) {
      return error as ApiError;
    }
    throw new Error('expected a failure');
  };
  assert.is(fail([{ op: 'test', path: '/spec/replicas', value: 5 }]).code, 422);
  assert.is(fail([{ op: 'replace', path: '/spec/missing', value: 1 }]).code, 422);
  assert.is(fail([{ op: 'remove', path: '/spec/template/spec/containers/7' }]).code, 422);
  assert.is(fail({ op: 'add' }).code, 400);
  assert.is(fail([{ op: 'frobnicate', path: '/x' }]).code, 400);
  assert.is(original.spec.replicas, 2);
});

test('merge patch merges maps, deletes on null and replaces lists', () => {
  const result = applyMergePatch(deployment(), {
    metadata: { labels: { app: null, tier: 'web' } },
    spec: { replicas: 5, template: { spec: { containers: [{ name: 'only', image: 'x' }] } } },
  }) as ReturnType<typeof deployment>;
  assert.equal(result.metadata.labels, { tier: 'web' } as unknown as typeof result.metadata.labels);
  assert.is(result.spec.replicas, 5);
  assert.equal(result.spec.template.spec.containers.map((c) => c.name), ['only']);
  assert.equal(applyMergePatch({ a: 1 }, ['x']), ['x']);
});

test('strategic merge patch merges containers, env, ports and mounts by their merge keys', () => {
  const result = applyStrategicMergePatch(deployment(), {
    spec: {
      template: {
        spec: {
          containers: [
            {
              name: 'petsite',
              image: 'petsite:1.5.0',
              env: [{ name: 'B', value: 'two' }, { name: 'D', value: '4' }],
              ports: [{ containerPort: 9090, name: 'metrics' }],
              volumeMounts: [{ mountPath: '/etc/cfg', readOnly: true }],
            },
          ],
        },
      },
    },
  });
  const [petsite, xray] = result.spec.template.spec.containers;
  assert.is(petsite!.image, 'petsite:1.5.0');
  assert.is(xray!.image, 'xray:3');
  assert.equal(petsite!.env, [{ name: 'A', value: '1' }, { name: 'B', value: 'two' }, { name: 'D', value: '4' }]);
  assert.equal(petsite!.ports!.map((p) => p.containerPort), [8080, 9090]);
  assert.equal(petsite!.volumeMounts, [{ name: 'cfg', mountPath: '/etc/cfg', readOnly: true }]);
});

test('strategic merge patch honours $patch, $retainKeys, $setElementOrder and primitive-list directives', () => {
  const result = applyStrategicMergePatch(deployment(), {
    metadata: { finalizers: ['c'], '$deleteFromPrimitiveList/finalizers': ['a'] },
    spec: {
      strategy: { $retainKeys: ['type'], type: 'Recreate', rollingUpdate: null },
      template: {
        spec: {
          '$setElementOrder/containers': [{ name: 'xray' }, { name: 'petsite' }],
          containers: [{ name: 'petsite', env: [{ name: 'A', $patch: 'delete' }] }],
          volumes: [{ $patch: 'replace' }, { name: 'data', emptyDir: {} }],
        },
      },
    },
    status: { conditions: [{ type: 'Available', status: 'False' }] },
  });
  assert.equal(result.metadata.finalizers, ['b', 'c']);
  assert.equal(result.spec.strategy, { type: 'Recreate' } as unknown as typeof result.spec.strategy);
  assert.equal(result.spec.template.spec.containers.map((c) => c.name), ['xray', 'petsite']);
  assert.equal(result.spec.template.spec.containers[1]!.env, [{ name: 'B', value: '2' }]);
  assert.equal(result.spec.template.spec.volumes, [{ name: 'data', emptyDir: {} }] as unknown as typeof result.spec.template.spec.volumes);
  assert.equal(result.status.conditions, [{ type: 'Available', status: 'False' }, { type: 'Progressing', status: 'True' }]);
  const replaced = applyStrategicMergePatch(deployment(), { spec: { template: { $patch: 'replace', spec: { containers: [] } } } });
  assert.equal(replaced.spec.template, { spec: { containers: [] } } as unknown as typeof replaced.spec.template);
  const deleted = applyStrategicMergePatch(deployment(), { spec: { strategy: { $patch: 'delete' } } });
  assert.is(deleted.spec.strategy, undefined);
});

test.run();
