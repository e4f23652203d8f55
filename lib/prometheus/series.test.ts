import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { instantValues, seriesOf } from './series.js';

test('instant answers become values: vectors, scalars, the last point of a matrix', () => {
  assert.equal(instantValues({ resultType: 'vector', result: [{ metric: { pod: 'a' }, value: [100, '1.5'] }, { metric: { pod: 'b' }, value: [100, 'NaN'] }] }), [
    { labels: { pod: 'a' }, t: 100, value: 1.5 },
    { labels: { pod: 'b' }, t: 100, value: NaN },
  ]);
  assert.equal(instantValues({ resultType: 'scalar', result: [100, '+Inf'] }), [{ labels: {}, t: 100, value: Infinity }]);
  assert.equal(instantValues({ resultType: 'matrix', result: [{ metric: { pod: 'a' }, values: [[90, '1'], [100, '2']] }] }), [{ labels: { pod: 'a' }, t: 100, value: 2 }]);
  assert.equal(instantValues({ resultType: 'string', result: [100, 'x'] }), []);
});

test('range answers become series of samples in Unix seconds', () => {
  assert.equal(seriesOf([{ metric: { pod: 'a' }, values: [[90, '1'], [100, '2e-8']] }]), [{ labels: { pod: 'a' }, samples: [{ t: 90, v: 1 }, { t: 100, v: 2e-8 }] }]);
});

test.run();
