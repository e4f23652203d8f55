import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Incident } from '../../core/types.js';
import { graphLink, mttrOf } from './views.js';

test('graph links: only Prometheus queries, only http(s), the query encoded', () => {
  assert.is(graphLink('http://127.0.0.1:19090', 'prometheus', 'rate(x{a="b"}[5m])'), 'http://127.0.0.1:19090/graph?g0.expr=rate%28x%7Ba%3D%22b%22%7D%5B5m%5D%29&g0.tab=0&g0.range_input=1h');
  assert.is(graphLink('http://prom/sub/', 'prometheus', 'up'), 'http://prom/sub/graph?g0.expr=up&g0.tab=0&g0.range_input=1h');
  assert.is(graphLink('http://prom', 'kubernetes', 'GET /api/v1/pods'), undefined);
  assert.is(graphLink(undefined, 'prometheus', 'up'), undefined);
  assert.is(graphLink('javascript:alert(1)', 'prometheus', 'up'), undefined);
});

test('MTTR: detection to resolution, or to now while open', () => {
  const base = { createdAt: '2026-11-25T09:00:00.000Z', updatedAt: '2026-11-25T09:10:00.000Z', milestones: { detectedAt: '2026-11-25T08:59:00.000Z' } } as Incident;
  assert.equal(mttrOf({ ...base, status: 'awaiting-approval' }, Date.parse('2026-11-25T09:02:00.000Z')), { mttr: '3m', mttrSoFar: true });
  assert.equal(mttrOf({ ...base, status: 'resolved', milestones: { ...base.milestones, resolvedAt: '2026-11-25T09:05:30.000Z' } }, Date.parse('2026-11-26T00:00:00.000Z')), { mttr: '6m30s', mttrSoFar: false });
});

test.run();
