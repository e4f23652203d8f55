/**
 * `prometheus-mcp detect --input FILE.csv`: scores every `timestamp,value` row of a file for anomalies
 * and prints `timestamp,value,anomaly_score,is_anomaly`. Streams both ways (a row is read, scored
 * with what came before it, and written), so files of any size work in constant memory.
 */
import { once } from 'node:events';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { z } from 'zod';
import { systemClock, type Clock } from '../../core/clock.js';
import { defineCli, defineCommand, helpText, parseCommandLine, readOptions, readWith, UsageError, type GivenFlags, type OptionSpec } from '../../lib/platform/cli.js';
import { parseQuantity } from '../../core/quantity.js';
import { CsvSeriesReader, InputError, type CsvRow } from './csv.js';
import { Ensemble, type ScoredSample } from '../../lib/prometheus/anomaly/ensemble.js';
import { resolveSensitivity } from '../../lib/prometheus/anomaly/sensitivity.js';
import type { SeriesContext } from '../../lib/prometheus/anomaly/types.js';

export interface TextSink {
  write(chunk: string): boolean | void;
  once?(event: 'drain', listener: () => void): unknown;
}

export interface DetectIo {
  stdout: TextSink;
  stderr: TextSink;
  /** Where `--input -` reads from (default: process.stdin). */
  stdin?: Readable;
  clock?: Clock;
}

const detectOptions = {
  input: { flag: '--input', short: '-i', value: 'FILE', describe: 'the CSV to score ("-" reads standard input)' },
  sensitivity: {
    flag: '--sensitivity',
    value: 'LEVEL',
    defaultDescription: 'medium',
    schema: readWith(resolveSensitivity),
    describe: 'low | medium | high | a number in [0,1]',
  },
  threshold: {
    flag: '--threshold',
    value: 'SCORE',
    schema: z.string().refine((text) => Number(text) > 0 && Number(text) < 1, 'must be a score between 0 and 1').transform(Number),
    describe: 'anomaly_score from which a row is an anomaly, in (0,1); overrides --sensitivity (medium is 0.5)',
  },
  limit: {
    flag: '--limit',
    value: 'QUANTITY',
    schema: readWith(parseQuantity, 'must be a number or a quantity like 256Mi or 1e9'),
    describe: 'a ceiling the series must not cross (256Mi, 1e9, 0.9): growth towards it is projected to the time it is reached',
  },
  metric: { flag: '--metric', value: 'NAME', describe: 'metric name, for units and wording in explanations' },
  json: { flag: '--json', describe: 'print a JSON array of objects instead of CSV' },
  explain: { flag: '--explain', describe: 'add detector,severity,explanation columns (CSV)' },
  strict: { flag: '--strict', describe: 'refuse rows whose timestamps go backwards (by default they are scored in file order, with one warning on stderr)' },
  // Kept for compatibility: unsorted rows are scored in file order by default.
  allowUnsorted: { flag: '--allow-unsorted', describe: 'score rows in file order even when timestamps go backwards (the default)', hidden: true },
  // Every prometheus-mcp subcommand takes the backend flags (DESIGN.md); detect reads a file and ignores them.
  prometheusUrl: { flag: '--prometheus-url', value: 'URL', describe: "accepted like every subcommand's, unused (detect reads a file)" },
  ampWorkspaceId: { flag: '--amp-workspace-id', value: 'ID', describe: "accepted like every subcommand's, unused" },
  region: { flag: '--region', value: 'REGION', describe: "accepted like every subcommand's, unused" },
} as const satisfies Record<string, OptionSpec>;

/** `prometheus-mcp detect`: its options, and the help generated from them. */
export const detectCommand = defineCommand({
  name: 'detect',
  summary: 'score a timestamp,value CSV for anomalies',
  description: `Scores each row of a timestamp,value CSV for anomalies and prints
timestamp,value,anomaly_score,is_anomaly. Each row is judged only on the rows
before it (streaming, no look-ahead). Timestamps: 2014-02-14 14:30:00, ISO 8601
or Unix seconds; the header is optional.`,
  usage: '--input FILE.csv [options]',
  options: Object.values(detectOptions),
  operands: { name: 'FILE.csv', describe: 'the CSV to score, instead of --input' },
  epilog: 'Exit status: 0 when the file was scored, 2 on bad input (with the line number).',
});

/** The standalone command line (`runDetect`), whose messages read "detect: ..." as they always have. */
const detectCli = defineCli({ ...detectCommand, name: 'prometheus-mcp detect', words: { quoteNames: true } });

interface DetectArgs {
  input: string;
  sensitivity?: number;
  threshold?: number;
  limit?: number;
  metric?: string;
  json: boolean;
  explain: boolean;
  allowUnsorted: boolean;
}

const PROGRESS_AFTER_MS = 2000;
const PROGRESS_EVERY_MS = 5000;
const FLUSH_BYTES = 64 * 1024;

/** Runs `detect` with the arguments after the subcommand; resolves to the exit status. */
export async function runDetect(argv: string[], io: DetectIo): Promise<number> {
  let line;
  try {
    line = parseCommandLine(detectCli, argv);
  } catch (error) {
    return fail(io, error);
  }
  if (line.help) {
    io.stdout.write(helpText(detectCli));
    return 0;
  }
  return runDetectCommandLine(line, io);
}

/** Runs `detect` on its parsed command line (`prometheus-mcp detect` parses it with the other subcommands). */
export async function runDetectCommandLine(line: { flags: GivenFlags; operands?: string[] }, io: DetectIo): Promise<number> {
  try {
    return await detect(detectArgs(line.flags, line.operands ?? []), io);
  } catch (error) {
    return fail(io, error);
  }
}

function detectArgs(flags: GivenFlags, operands: string[]): DetectArgs {
  // The environment plays no part: detect's options have no variables.
  const o = readOptions(detectOptions, flags, {});
  const input = o.input ?? operands[0];
  if (!input) throw new UsageError('missing --input FILE.csv (see --help)');
  return {
    input,
    ...(o.sensitivity === undefined ? {} : { sensitivity: o.sensitivity }),
    ...(o.threshold === undefined ? {} : { threshold: o.threshold }),
    ...(o.limit === undefined ? {} : { limit: o.limit }),
    ...(o.metric === undefined ? {} : { metric: o.metric }),
    json: o.json,
    explain: o.explain,
    allowUnsorted: !o.strict,
  };
}

async function detect(args: DetectArgs, io: DetectIo): Promise<number> {
  const source = await openInput(args.input, io);
  const context: SeriesContext = {};
  if (args.metric) context.metric = args.metric;
  if (args.limit !== undefined) context.limit = args.limit;
  const ensemble = new Ensemble({ sensitivity: args.sensitivity, threshold: args.threshold, context });
  let warnedUnsorted = false;
  const reader = new CsvSeriesReader({
    allowUnsorted: args.allowUnsorted,
    onUnsorted: (message) => {
      if (warnedUnsorted) return;
      warnedUnsorted = true;
      io.stderr.write(`warning: ${message}; scoring rows in file order (--strict refuses this)\n`);
    },
  });
  const out = new BufferedWriter(io.stdout);
  const clock = io.clock ?? systemClock;
  const started = clock.now();
  let lastProgress = started;
  let rows = 0;

  await out.write(args.json ? '[' : `timestamp,value,anomaly_score,is_anomaly${args.explain ? ',detector,severity,explanation' : ''}\n`);
  try {
    for await (const row of reader.rows(source)) {
      const scored = ensemble.observe({ t: row.t / 1000, v: row.value });
      await out.write(args.json ? `${rows ? ',' : ''}\n${jsonRow(row, scored)}` : csvRow(row, scored, args.explain));
      rows++;
      if ((rows & 1023) === 0) {
        const now = clock.now();
        if (now - started > PROGRESS_AFTER_MS && now - lastProgress > PROGRESS_EVERY_MS) {
          lastProgress = now;
          io.stderr.write(`detect: ${rows.toLocaleString('en-US')} rows scored\n`);
        }
      }
    }
  } finally {
    source.destroy();
  }
  await out.write(args.json ? `${rows ? '\n' : ''}]\n` : '');
  await out.flush();
  return 0;
}

async function openInput(path: string, io: DetectIo): Promise<Readable> {
  if (path === '-') return io.stdin ?? process.stdin;
  let info;
  try {
    info = await stat(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new InputError(code === 'ENOENT' ? `cannot read ${path}: no such file` : `cannot read ${path}: ${(error as Error).message}`);
  }
  if (info.isDirectory()) throw new InputError(`cannot read ${path}: it is a directory, not a CSV file`);
  const stream = createReadStream(path, { encoding: 'utf8' });
  await once(stream, 'open').catch((error: Error) => {
    throw new InputError(`cannot read ${path}: ${error.message}`);
  });
  return stream;
}

function csvRow(row: CsvRow, s: ScoredSample, explain: boolean): string {
  let line = `${row.timestampText},${row.valueText},${s.score.toFixed(4)},${s.isAnomaly ? 1 : 0}`;
  if (explain) line += s.isAnomaly && s.finding ? `,${s.finding.detector},${s.finding.severity},"${s.finding.explanation.replace(/"/g, '""')}"` : ',,,';
  return `${line}\n`;
}

function jsonRow(row: CsvRow, s: ScoredSample): string {
  const record: Record<string, unknown> = {
    timestamp: row.timestampText,
    value: Number.isFinite(row.value) ? row.value : null,
    anomaly_score: Number(s.score.toFixed(4)),
    is_anomaly: s.isAnomaly,
  };
  if (s.isAnomaly && s.finding) {
    record.detector = s.finding.detector;
    record.kind = s.finding.kind;
    record.severity = s.finding.severity;
    record.explanation = s.finding.explanation;
  }
  return `  ${JSON.stringify(record)}`;
}

function fail(io: DetectIo, error: unknown): number {
  if (error instanceof UsageError || error instanceof InputError || error instanceof RangeError) {
    io.stderr.write(`detect: ${error.message}\n`);
    return 2;
  }
  io.stderr.write(`detect: unexpected error: ${(error as Error).stack ?? String(error)}\n`);
  return 1;
}

/** Collects output into chunks and honours the sink's back-pressure. */
class BufferedWriter {
  private buffer = '';
  constructor(private readonly sink: TextSink) {}

  async write(text: string): Promise<void> {
    this.buffer += text;
    if (this.buffer.length >= FLUSH_BYTES) await this.flush();
  }

  async flush(): Promise<void> {
    if (!this.buffer) return;
    const chunk = this.buffer;
    this.buffer = '';
    if (this.sink.write(chunk) === false && this.sink.once) {
      await new Promise<void>((resolve) => this.sink.once!('drain', resolve));
    }
  }
}
