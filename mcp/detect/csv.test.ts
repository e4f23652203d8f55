import { Readable } from 'node:stream';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { CsvSeriesReader, InputError, type CsvRow } from './csv.js';

/** The rows of a file made of these lines, read as the detect command reads a file. */
async function read(lines: string[], options = {}): Promise<CsvRow[]> {
  const rows: CsvRow[] = [];
  for await (const row of new CsvSeriesReader(options).rows(Readable.from([lines.join('\n')]))) rows.push(row);
  return rows;
}

/** assert.throws for a reading that fails asynchronously. */
async function throws(reading: Promise<unknown>, expected: RegExp | ((error: unknown) => boolean)): Promise<void> {
  const error = await reading.then(
    () => undefined,
    (e: unknown) => e,
  );
  assert.ok(error !== undefined, 'expected the reading to fail');
  if (expected instanceof RegExp) assert.match((error as Error).message, expected);
  else assert.ok(expected(error), `unexpected failure: ${(error as Error).message}`);
}

test('the header is optional and columns are found by name', async () => {
  assert.is((await read(['timestamp,value', '2014-02-14 14:30:00,1.5'])).length, 1);
  assert.is((await read(['2014-02-14 14:30:00,1.5', '2014-02-14 14:35:00,2']))[1]!.value, 2);
  const [row] = await read(['value,time', '7,"2014-02-14T14:30:00Z"']);
  assert.equal({ t: row!.t, value: row!.value, text: row!.timestampText }, { t: Date.UTC(2014, 1, 14, 14, 30), value: 7, text: '2014-02-14T14:30:00Z' });
});

test('blank lines are skipped; NaN and Inf are missing values, not errors', async () => {
  const rows = await read(['timestamp,value', '', '1392388200,NaN', '1392388260,+Inf', '1392388320,3']);
  assert.equal(
    rows.map((r) => r!.value),
    [NaN, NaN, 3],
  );
});

test('bad rows are refused with their line number', async () => {
  await throws(read(['timestamp,value', '2014-02-14 14:30:00,abc']), /^line 2: value "abc" is not a number$/);
  await throws(read(['timestamp,value', 'yesterday,3']), /^line 2: "yesterday" is not a timestamp/);
  await throws(read(['timestamp,value', '2014-02-14 14:30:00']), /^line 2: expected timestamp,value/);
  await throws(read(['2014-02-14 14:30:00,']), /^line 1: value "" is not a number/);
  await throws(read(['garbage']), (e: unknown) => e instanceof InputError && /^line 1: "garbage" is neither/.test(e.message));
});

test('timestamps must not go backwards, unless allowed (repeats are fine)', async () => {
  const lines = ['timestamp,value', '2014-01-07 02:55:00,1', '2014-01-07 02:55:00,2', '2014-01-07 02:00:00,3'];
  await throws(read(lines), /^line 4: timestamp 2014-01-07 02:00:00 is earlier than the previous row's \(2014-01-07 02:55:00\); sort the file by time/);
  assert.is((await read(lines, { allowUnsorted: true })).length, 3);
});

test.run();
