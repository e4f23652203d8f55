import type { V1Node, V1Pod, V1PodTemplateSpec } from '@kubernetes/client-node';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { deploymentOfReplicaSet, deploymentSummary, involvedObjectSelector, nodeSummary, podSummary, templateChanges } from './summaries.js';

test('a pod: placement, state, last termination, owner, labels, start', () => {
  const pod: V1Pod = {
    metadata: { name: 'petsite-7b9c5d8f6h-x2xkq', namespace: 'petadoptions', labels: { app: 'petsite', 'pod-template-hash': '7b9c5d8f6h' }, creationTimestamp: new Date('2026-11-25T09:00:00Z'), ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'petsite-7b9c5d8f6h', uid: 'u', controller: true }] },
    spec: { nodeName: 'node-a', containers: [{ name: 'petsite', image: 'petsite:1', resources: { limits: { memory: '256Mi' } } }] },
    status: {
      phase: 'Running',
      startTime: new Date('2026-11-25T09:00:01Z'),
      containerStatuses: [{ name: 'petsite', image: 'petsite:1', imageID: '', ready: false, restartCount: 3, state: { waiting: { reason: 'CrashLoopBackOff' } }, lastState: { terminated: { exitCode: 137, reason: 'OOMKilled', finishedAt: new Date('2026-11-25T09:05:00Z') } } }],
    },
  };
  assert.equal(podSummary(pod), {
    namespace: 'petadoptions',
    name: 'petsite-7b9c5d8f6h-x2xkq',
    phase: 'Running',
    ready: false,
    restarts: 3,
    labels: { app: 'petsite', 'pod-template-hash': '7b9c5d8f6h' },
    createdAt: '2026-11-25T09:00:00Z',
    containers: [{ name: 'petsite', image: 'petsite:1', requests: {}, limits: { memory: '256Mi' } }],
    node: 'node-a',
    startedAt: '2026-11-25T09:00:01Z',
    reason: 'CrashLoopBackOff',
    lastTermination: { reason: 'OOMKilled', exitCode: 137, finishedAt: '2026-11-25T09:05:00Z' },
    ownerKind: 'ReplicaSet',
    ownerName: 'petsite-7b9c5d8f6h',
    deployment: 'petsite',
  });
  assert.is(podSummary({ metadata: { name: 'evicted' }, status: { phase: 'Failed', reason: 'Evicted' } }).reason, 'Evicted');
  assert.is(podSummary({ metadata: { name: 'pending' } }).node, undefined, 'not scheduled yet');
});

test('a node: conditions, since when, taints, allocatable; pods only when counted', () => {
  const node: V1Node = {
    metadata: { name: 'node-a' },
    spec: { unschedulable: true, taints: [{ key: 'node.kubernetes.io/memory-pressure', effect: 'NoSchedule' }] },
    status: { allocatable: { memory: '7Gi' }, conditions: [{ type: 'Ready', status: 'True' }, { type: 'MemoryPressure', status: 'True', lastTransitionTime: new Date('2026-11-25T09:03:00Z') }] },
  };
  const summary = nodeSummary(node);
  assert.equal(summary, { name: 'node-a', ready: true, unschedulable: true, conditions: { Ready: 'True', MemoryPressure: 'True' }, conditionsSince: { MemoryPressure: '2026-11-25T09:03:00Z' }, taints: ['node.kubernetes.io/memory-pressure:NoSchedule'], allocatable: { memory: '7Gi' } });
  assert.is(nodeSummary(node, 4).pods, 4);
});

test('a deployment from the API\'s JSON: rollout state, revision, selector, the template untouched', () => {
  const template = { metadata: { labels: { app: 'petsite' } }, spec: { containers: [{ name: 'petsite', image: 'petsite:1', env: [{ name: 'A', value: '1' }, { name: 'B', valueFrom: { secretKeyRef: { name: 's', key: 'k' } } }], resources: { limits: { cpu: '250m', memory: '256Mi' } } }] } };
  const summary = deploymentSummary({ metadata: { name: 'petsite', namespace: 'petadoptions', generation: 3, annotations: { 'deployment.kubernetes.io/revision': '2' } }, spec: { replicas: 2, selector: { matchLabels: { app: 'petsite' } }, template }, status: { replicas: 3, availableReplicas: 2, updatedReplicas: 1, observedGeneration: 2 } });
  assert.equal(summary, {
    namespace: 'petadoptions',
    name: 'petsite',
    replicas: 2,
    availableReplicas: 2,
    updatedReplicas: 1,
    totalReplicas: 3,
    observed: false,
    revision: '2',
    selector: { app: 'petsite' },
    template,
    containers: [{ name: 'petsite', image: 'petsite:1', env: [{ name: 'A', value: '1' }, { name: 'B' }], resources: { limits: { cpu: '250m', memory: '256Mi' } } }],
  });
});

test('what changed between two pod templates, in review words; env values never printed', () => {
  const before: V1PodTemplateSpec = { spec: { containers: [{ name: 'petsite', image: 'petsite:1.4.1', env: [{ name: 'SEARCH_API_URL', value: 'http://petsearch' }], resources: { limits: { cpu: '500m' } } }, { name: 'sidecar' }] } };
  const after: V1PodTemplateSpec = { spec: { containers: [{ name: 'petsite', image: 'petsite:1.5.0', env: [{ name: 'SEARCH_API_URL', value: 'petsearch:80' }, { name: 'NEW', value: 'x' }], resources: { limits: { cpu: '50m' } } }] } };
  assert.equal(templateChanges(before, after), ['image petsite: petsite:1.4.1 -> petsite:1.5.0', 'env SEARCH_API_URL changed (petsite)', 'env NEW added (petsite)', 'limits.cpu petsite: 500m -> 50m', 'container sidecar removed']);
});

test('names and selectors', () => {
  assert.is(deploymentOfReplicaSet('petsite-7b9c5d8f6h', '7b9c5d8f6h'), 'petsite');
  assert.is(deploymentOfReplicaSet('pet-history-5d8f6b7c9'), 'pet-history');
  assert.is(involvedObjectSelector('Pod/petsite-1'), 'involvedObject.kind=Pod,involvedObject.name=petsite-1');
  assert.is(involvedObjectSelector('petsite-1'), 'involvedObject.name=petsite-1');
  assert.is(involvedObjectSelector(undefined), undefined);
});

test.run();
