import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { ContainerStatus, KubeEvent, Node, Pod } from '../../cluster/objects.js';
import { nodeStatus, podSummary, toTable } from './index.js';
import { since } from './table.js';

const NOW = Date.UTC(2026, 10, 25, 9, 0, 0);
const ago = (ms: number) => new Date(NOW - ms).toISOString().replace('.000Z', 'Z');

function pod(status: Partial<Pod['status']>, containerStatuses: Partial<ContainerStatus>[], extra: Partial<Pod['metadata']> = {}): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'petsite-5c8d7f9b6c-gkm45', namespace: 'petadoptions', creationTimestamp: ago(3_600_000), ...extra },
    spec: { containers: containerStatuses.map((c) => ({ name: c.name ?? 'petsite', image: 'petsite:1' })), nodeName: 'ip-192-168-27-114.us-west-2.compute.internal' },
    status: {
      phase: 'Running',
      containerStatuses: containerStatuses.map((c) => ({ name: 'petsite', ready: false, restartCount: 0, image: '', imageID: '', state: {}, lastState: {}, ...c })),
      ...status,
    },
  };
}

test('pod STATUS follows kubectl: waiting and terminated reasons win, then Terminating', () => {
  const running = pod({ conditions: [{ type: 'Ready', status: 'True' }] }, [{ ready: true, state: { running: { startedAt: ago(60_000) } } }]);
  assert.equal(podSummary(running, NOW), { ready: '1/1', status: 'Running', restarts: '0' });

  const crashLoop = pod({}, [
    { restartCount: 3, state: { waiting: { reason: 'CrashLoopBackOff' } }, lastState: { terminated: { exitCode: 137, reason: 'OOMKilled', finishedAt: ago(45_000) } } },
  ]);
  assert.equal(podSummary(crashLoop, NOW), { ready: '0/1', status: 'CrashLoopBackOff', restarts: '3 (45s ago)' });

  const oomKilled = pod({}, [{ restartCount: 1, state: { terminated: { exitCode: 137, reason: 'OOMKilled', finishedAt: ago(5_000) } } }]);
  assert.is(podSummary(oomKilled, NOW).status, 'OOMKilled');

  const creating = pod({ phase: 'Pending' }, [{ state: { waiting: { reason: 'ContainerCreating' } } }]);
  assert.is(podSummary(creating, NOW).status, 'ContainerCreating');
  assert.is(podSummary(pod({ phase: 'Pending' }, [{ state: { waiting: { reason: 'ImagePullBackOff' } } }]), NOW).status, 'ImagePullBackOff');

  // As kubectl does, a terminated container's own reason would win over the pod's "Evicted".
  const evicted = pod({ phase: 'Failed', reason: 'Evicted', message: 'The node was low on resource: memory.' }, [{ state: {} }]);
  const summary = podSummary(evicted, NOW);
  assert.is(summary.status, 'Evicted');
  assert.is(summary.conditions?.[0]?.type, 'Completed');

  const exitCode = pod({}, [{ state: { terminated: { exitCode: 2 } } }]);
  assert.is(podSummary(exitCode, NOW).status, 'ExitCode:2');

  const terminating = pod({}, [{ ready: true, state: { running: {} } }], { deletionTimestamp: ago(-30_000) });
  assert.is(podSummary(terminating, NOW).status, 'Terminating');
  const pending = pod({ phase: 'Pending' }, []);
  assert.equal(podSummary(pending, NOW), { ready: '0/0', status: 'Pending', restarts: '0' });
});

test('node STATUS shows readiness and cordoning', () => {
  const node = (ready: 'True' | 'False' | 'Unknown' | undefined, unschedulable?: boolean) =>
    ({ metadata: { name: 'n' }, spec: { unschedulable }, status: { conditions: ready ? [{ type: 'Ready', status: ready }] : [] } }) as unknown as Node;
  assert.is(nodeStatus(node('True')), 'Ready');
  assert.is(nodeStatus(node('True', true)), 'Ready,SchedulingDisabled');
  assert.is(nodeStatus(node('Unknown')), 'NotReady');
  assert.is(nodeStatus(node(undefined)), 'Unknown');
});

test('ages read like kubectl', () => {
  assert.is(since(ago(45_000), NOW), '45s');
  assert.is(since(ago(150_000), NOW), '2m30s');
  assert.is(since(ago(47 * 3_600_000), NOW), '47h');
  assert.is(since(ago(3 * 86_400_000), NOW), '3d');
  assert.is(since(ago(800 * 86_400_000), NOW), '2y70d');
  assert.is(since(ago(-10_000), NOW), '<invalid>');
  assert.is(since(undefined, NOW), '<unknown>');
});

test('tables carry the server columns, wide cells and the requested row objects', () => {
  const p = pod({ podIPs: [{ ip: '192.168.30.10' }], conditions: [{ type: 'Ready', status: 'True' }] }, [{ ready: true, state: { running: {} } }]);
  const table = toTable('Pod', [p], { now: NOW, includeObject: 'Metadata' });
  assert.equal(table.columnDefinitions.map((c) => c.name), ['Name', 'Ready', 'Status', 'Restarts', 'Age', 'IP', 'Node', 'Nominated Node', 'Readiness Gates']);
  assert.equal(table.columnDefinitions.map((c) => c.priority), [0, 0, 0, 0, 0, 1, 1, 1, 1]);
  assert.equal(table.rows[0]!.cells, ['petsite-5c8d7f9b6c-gkm45', '1/1', 'Running', '0', '60m', '192.168.30.10', 'ip-192-168-27-114.us-west-2.compute.internal', '<none>', '<none>']);
  assert.equal(table.rows[0]!.object, { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: p.metadata });
  assert.is(toTable('Pod', [p], { now: NOW, includeObject: 'Object' }).rows[0]!.object, p);
  assert.is(toTable('Pod', [p], { now: NOW, includeObject: 'None' }).rows[0]!.object, undefined);

  const event = {
    kind: 'Event',
    apiVersion: 'v1',
    metadata: { name: 'petsite.17f3a', namespace: 'petadoptions' },
    involvedObject: { kind: 'Pod', name: 'petsite-x', fieldPath: 'spec.containers{petsite}' },
    reason: 'BackOff',
    message: 'Back-off restarting failed container ',
    source: { component: 'kubelet', host: 'ip-1' },
    firstTimestamp: ago(600_000),
    lastTimestamp: ago(30_000),
    count: 7,
    type: 'Warning',
    reportingComponent: 'kubelet',
    reportingInstance: 'ip-1',
  } as KubeEvent;
  const events = toTable('Event', [event], { now: NOW, includeObject: 'None' });
  assert.equal(events.rows[0]!.cells, ['30s', 'Warning', 'BackOff', 'pod/petsite-x', 'spec.containers{petsite}', 'kubelet, ip-1', 'Back-off restarting failed container', '10m', 7, 'petsite.17f3a']);

  const chaos = toTable('StressChaos', [{ apiVersion: 'chaos-mesh.org/v1alpha1', kind: 'StressChaos', metadata: { name: 'leak', creationTimestamp: ago(90_000) } }], { now: NOW, includeObject: 'None' });
  assert.equal(chaos.columnDefinitions.map((c) => c.name), ['Name', 'Age']);
  assert.equal(chaos.rows[0]!.cells, ['leak', '90s']);
});

test.run();
