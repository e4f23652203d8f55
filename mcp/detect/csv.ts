/**
 * Reading `timestamp,value` rows: NAB files, Prometheus exports, hand-made CSVs. csv-parse does the
 * CSV (quotes, CRLF, a byte-order mark, blank lines) as a stream; this file decides what the fields
 * mean. The header is optional (recognised when its first field is not a timestamp); with a header,
 * the `timestamp`/`time` and `value` columns are found by name. Every problem names its line.
 */
import { parse, CsvError } from 'csv-parse';
import type { Readable } from 'node:stream';
import { parseTimestamp } from '../../lib/prometheus/anomaly/timestamps.js';

export interface CsvRow {
  line: number;
  /** The timestamp exactly as written (without surrounding quotes), to echo back. */
  timestampText: string;
  valueText: string;
  /** Epoch ms. */
  t: number;
  /** NaN for a missing value (NaN, Inf). */
  value: number;
}

/** Bad input: the message is one line, for the user, and says what to do. */
export class InputError extends Error {}

const TIME_COLUMNS = ['timestamp', 'time', 'ts', 'date', 'datetime'];
const VALUE_COLUMNS = ['value', 'val', 'y'];
const MISSING = /^[+-]?(nan|inf|infinity)$/i;

export class CsvSeriesReader {
  private timeColumn = 0;
  private valueColumn = 1;
  private started = false;
  private previous: { t: number; text: string } | undefined;

  constructor(private readonly options: { allowUnsorted?: boolean; onUnsorted?: (message: string) => void } = {}) {}

  /** The rows of a CSV stream, in file order, read as they arrive (constant memory). */
  async *rows(source: Readable): AsyncGenerator<CsvRow> {
    const records = source.pipe(parse({ bom: true, trim: true, relax_column_count: true, relax_quotes: true, skip_empty_lines: true, info: true }));
    let line = 0;
    try {
      for await (const { record, info } of records as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
        line = info.lines;
        const row = this.parseRecord(record, line);
        if (row) yield row;
      }
    } catch (error) {
      if (error instanceof CsvError) throw new InputError(`line ${typeof error.lines === 'number' ? error.lines : line + 1}: ${error.message}`);
      throw error;
    } finally {
      records.destroy();
    }
  }

  /** The row of one record's fields, or undefined for a blank record or the header. */
  parseRecord(record: readonly string[], line: number): CsvRow | undefined {
    const fields = record.map((f) => f.trim());
    if (fields.every((f) => f === '')) return undefined;
    if (!this.started) {
      this.started = true;
      // A header's first field is not a time and its second not a number ("timestamp,value").
      const second = fields[1] ?? '';
      if (Number.isNaN(parseTimestamp(fields[0] ?? '')) && (second.trim() === '' || Number.isNaN(Number(second)))) {
        this.readHeader(fields, line);
        return undefined;
      }
    }
    const timestampText = fields[this.timeColumn];
    const valueText = fields[this.valueColumn];
    if (timestampText === undefined || valueText === undefined) {
      throw new InputError(`line ${line}: expected timestamp,value but got "${clip(fields.join(','))}"`);
    }
    const t = parseTimestamp(timestampText);
    if (Number.isNaN(t)) {
      throw new InputError(`line ${line}: "${clip(timestampText)}" is not a timestamp (use 2014-02-14 14:30:00, ISO 8601 like 2014-02-14T14:30:00Z, or Unix seconds)`);
    }
    const value = MISSING.test(valueText) ? NaN : valueText === '' ? NaN : Number(valueText);
    if (Number.isNaN(value) && !MISSING.test(valueText)) {
      throw new InputError(`line ${line}: value "${clip(valueText)}" is not a number`);
    }
    if (this.previous && t < this.previous.t) {
      const message = `line ${line}: timestamp ${timestampText} is earlier than the previous row's (${this.previous.text})`;
      if (!this.options.allowUnsorted) throw new InputError(`${message}; sort the file by time, or drop --strict to score rows in file order`);
      this.options.onUnsorted?.(message);
    }
    this.previous = { t, text: timestampText };
    return { line, timestampText, valueText, t, value };
  }

  private readHeader(fields: string[], line: number): void {
    const names = fields.map((f) => f.toLowerCase());
    const time = names.findIndex((n) => TIME_COLUMNS.includes(n));
    const value = names.findIndex((n) => VALUE_COLUMNS.includes(n));
    if (time >= 0) this.timeColumn = time;
    if (value >= 0) this.valueColumn = value;
    else if (time === 1) this.valueColumn = 0;
    if (fields.length < 2 && time < 0) {
      throw new InputError(`line ${line}: "${clip(fields.join(','))}" is neither a timestamp,value row nor a header`);
    }
  }
}

function clip(s: string): string {
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}
