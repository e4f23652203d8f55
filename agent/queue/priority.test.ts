/** Queue priority: severity, then blast radius; what an unauthenticated sender claims counts as a warning at most. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Alert, Severity } from '../../core/types.js';
import { priorityOf, queuePriorityOf } from './priority.js';

const alert = (pod: string, severity: Severity, authenticated?: boolean): Alert => ({
  id: `a:${pod}`,
  fingerprint: pod,
  source: 'alertmanager',
  name: 'ContainerOOMKilled',
  status: 'firing',
  severity,
  summary: 's',
  labels: { namespace: 'petadoptions', pod: `${pod}-7d4b9c6f5b-x2k8q` },
  annotations: {},
  startsAt: '2026-11-25T09:00:00Z',
  receivedAt: '2026-11-25T09:00:00Z',
  ...(authenticated === undefined ? {} : { sender: { name: authenticated ? 'alertmanager' : 'anonymous', authenticated } }),
});

test('in-process and authenticated alerts order the queue by what they say', () => {
  assert.is(queuePriorityOf([alert('petsite', 'critical')]), priorityOf('critical', { pods: 1, workloads: 1, nodes: 0 }));
  assert.is(queuePriorityOf([alert('petsite', 'critical', true)]), 3004);
});

test('an unauthenticated "critical" orders the queue as a warning, and many of them do not widen the blast radius', () => {
  assert.is(queuePriorityOf([alert('petsite', 'critical', false)]), 2004);
  const flood = Array.from({ length: 100 }, (_, i) => alert(`fake${i}`, 'critical', false));
  assert.is(queuePriorityOf(flood), 2004, 'one alert\'s worth of radius');
  assert.is(queuePriorityOf([...flood, alert('petsite', 'warning', true)]), 2004, 'the authenticated alert sets the radius');
  assert.is(queuePriorityOf([alert('petsite', 'info', false)]), 1004, 'below the cap, severity is kept');
});

test.run();
