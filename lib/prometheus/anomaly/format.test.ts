import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { compact, formatBytes, formatRate, formatSpan, formatValue, percentChange, subjectOf, unitOf } from './format.js';

test('units come from Prometheus naming conventions', () => {
  assert.is(unitOf({ metric: 'container_memory_working_set_bytes' }), 'bytes');
  assert.is(unitOf({ metric: 'http_request_duration_seconds' }), 'seconds');
  assert.is(unitOf({ metric: 'node_load1' }), 'none');
  assert.is(unitOf({ metric: 'x_bytes', unit: 'percent' }), 'percent');
  assert.is(subjectOf({ metric: 'container_memory_working_set_bytes' }), 'working set');
  assert.is(subjectOf({}), 'value');
});

test('values, rates and spans read the way engineers write them', () => {
  assert.is(formatBytes(256 * 2 ** 20), '256 MiB');
  assert.is(formatBytes(1536), '1.5 KiB');
  assert.is(formatRate((4.1 * 2 ** 20) / 60_000, 'bytes'), '4.1 MiB/min');
  assert.is(formatValue(0.35, 'seconds'), '350 ms');
  assert.is(formatValue(0.125, 'ratio'), '12.5%');
  assert.is(formatSpan(40_000), '40 s');
  assert.is(formatSpan(12 * 60_000), '12 min');
  assert.is(formatSpan(125 * 60_000), '2 h 5 min');
  assert.is(formatSpan(52 * 3_600_000), '2 d 4 h');
  assert.is(compact(39197), '39,197');
  assert.is(compact(2_500_000), '2.5M');
  assert.is(percentChange(200, 150), '-25%');
});

test.run();
