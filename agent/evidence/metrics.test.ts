import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { anomaliesFromStructured, instantFromStructured, rangeFromStructured } from './metrics-mcp.js';

test('structuredContent readers accept the result view and raw Prometheus data', () => {
  const view = { query: 'q', result: { resultType: 'vector', unit: 'ratio', totalSeries: 2, shownSeries: 2, truncated: false, commonLabels: { namespace: 'petadoptions' }, series: [{ name: 'a', labels: { pod: 'a-1' }, value: 0.4 }, { name: 'b', labels: { pod: 'b-1' }, value: 0.1 }] } };
  assert.equal(instantFromStructured(view), [
    { labels: { namespace: 'petadoptions', pod: 'a-1' }, value: 0.4 },
    { labels: { namespace: 'petadoptions', pod: 'b-1' }, value: 0.1 },
  ]);
  assert.equal(instantFromStructured({ data: { resultType: 'vector', result: [{ metric: { __name__: 'up', job: 'x' }, value: [1, '1'] }] } }), [{ labels: { job: 'x' }, value: 1 }]);
  assert.equal(instantFromStructured({ result: { resultType: 'scalar', scalar: { value: 3, display: '3', time: 1 }, series: [] } }), [{ labels: {}, value: 3 }]);
  const range = rangeFromStructured({ result: { resultType: 'matrix', commonLabels: {}, series: [{ labels: { pod: 'p' }, points: [[100, 1], [130, 2]] }] } });
  assert.equal(range, [{ labels: { pod: 'p' }, samples: [{ t: 100, v: 1 }, { t: 130, v: 2 }] }]);
  const anomalies = anomaliesFromStructured({ series: [{ metric: { __name__: 'm', pod: 'p' }, anomalies: [{ start: '2026-11-24T11:00:00Z', kind: 'growth', severity: 'critical', score: 0.9, explanation: 'grows' }] }] });
  assert.equal(anomalies, [{ labels: { pod: 'p' }, kind: 'growth', severity: 'critical', score: 0.9, explanation: 'grows', at: Date.parse('2026-11-24T11:00:00Z') / 1000 }]);
  assert.throws(() => instantFromStructured({ nothing: true }), /without a Prometheus result/);
});

test.run();
