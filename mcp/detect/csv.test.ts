import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { CsvSeriesReader, InputError } from './csv.js';

function read(lines: string[], options = {}) {
  const reader = new CsvSeriesReader(options);
  return lines.map((l, i) => reader.parseLine(l, i + 1)).filter((r) => r !== undefined);
}

test('the header is optional and columns are found by name', () => {
  assert.is(read(['timestamp,value', '2014-02-14 14:30:00,1.5']).length, 1);
  assert.is(read(['2014-02-14 14:30:00,1.5', '2014-02-14 14:35:00,2'])[1]!.value, 2);
  const [row] = read(['value,time', '7,"2014-02-14T14:30:00Z"']);
  assert.equal({ t: row!.t, value: row!.value, text: row!.timestampText }, { t: Date.UTC(2014, 1, 14, 14, 30), value: 7, text: '2014-02-14T14:30:00Z' });
});

test('blank lines are skipped; NaN and Inf are missing values, not errors', () => {
  const rows = read(['timestamp,value', '', '1392388200,NaN', '1392388260,+Inf', '1392388320,3']);
  assert.equal(
    rows.map((r) => r!.value),
    [NaN, NaN, 3],
  );
});

test('bad rows are refused with their line number', () => {
  assert.throws(() => read(['timestamp,value', '2014-02-14 14:30:00,abc']), /^line 2: value "abc" is not a number$/);
  assert.throws(() => read(['timestamp,value', 'yesterday,3']), /^line 2: "yesterday" is not a timestamp/);
  assert.throws(() => read(['timestamp,value', '2014-02-14 14:30:00']), /^line 2: expected timestamp,value/);
  assert.throws(() => read(['2014-02-14 14:30:00,']), /^line 1: value "" is not a number/);
  assert.throws(() => read(['garbage']), (e: unknown) => e instanceof InputError && /^line 1: "garbage" is neither/.test(e.message));
});

test('timestamps must not go backwards, unless allowed (repeats are fine)', () => {
  const lines = ['timestamp,value', '2014-01-07 02:55:00,1', '2014-01-07 02:55:00,2', '2014-01-07 02:00:00,3'];
  assert.throws(() => read(lines), /^line 4: timestamp 2014-01-07 02:00:00 is earlier than the previous row's \(2014-01-07 02:55:00\); sort the file by time/);
  assert.is(read(lines, { allowUnsorted: true }).length, 3);
});

test.run();
