import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { probationaryLength, windowIndices } from './scoring.js';
import { SYNTHETIC_CATEGORIES, nabWindows, syntheticNabCorpus } from './synthetic-corpus.js';

const corpus = syntheticNabCorpus('test');

test('a seed is a corpus: same seed, same files; another seed, other values', () => {
  const again = syntheticNabCorpus('test', ['realAdExchange']);
  const first = corpus.filter((f) => f.category === 'realAdExchange');
  assert.equal(again, first);
  const other = syntheticNabCorpus('other', ['realAdExchange']);
  assert.not.equal(other[0]!.values, first[0]!.values);
});

test('every NAB category we lack is there, with NAB-like sizes and clean rows', () => {
  assert.equal([...new Set(corpus.map((f) => f.category))], [...SYNTHETIC_CATEGORIES]);
  for (const file of corpus) {
    assert.ok(file.name.startsWith(`${file.category}/`) && file.name.endsWith('.csv'), file.name);
    assert.ok(file.values.length >= 1500 && file.values.length <= 16_000, `${file.name}: ${file.values.length} rows`);
    assert.is(file.values.length, file.timestamps.length);
    assert.ok(file.values.every(Number.isFinite), `${file.name} has non-finite values`);
    assert.ok(file.timestamps.every((t, i) => i === 0 || t > file.timestamps[i - 1]!), `${file.name} timestamps not increasing`);
  }
  assert.ok(corpus.filter((f) => f.category === 'artificialNoAnomaly').every((f) => f.windows.length === 0));
  assert.ok(corpus.filter((f) => f.category !== 'artificialNoAnomaly' && !f.name.includes('no_anomaly')).every((f) => f.windows.length >= 1));
});

test('windows are NAB\'s: 10% of the rows shared by the labels, on data rows, after the probationary period', () => {
  for (const file of corpus) {
    const rows = windowIndices(file);
    assert.is(rows.length, file.windows.length, file.name);
    for (const w of rows) {
      assert.ok(w.start >= probationaryLength(file.values.length), `${file.name}: window starts in probation`);
      assert.ok(w.end - w.start + 1 <= Math.ceil(0.1 * file.values.length) + 1, `${file.name}: window too wide`);
    }
  }
  // Centred on the label; overlapping windows merge.
  const times = Array.from({ length: 1000 }, (_, i) => i * 60_000);
  assert.equal(nabWindows(times, [500]), [[450 * 60_000, 549 * 60_000]]);
  assert.equal(nabWindows(times, [500, 520]), [[475 * 60_000, 544 * 60_000]]);
  assert.equal(nabWindows(times, []), []);
});

test.run();
