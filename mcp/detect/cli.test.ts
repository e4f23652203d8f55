import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { runDetect } from './cli.js';
import { spike } from '../../test/support/anomaly/synthetic.js';

const dir = mkdtempSync(join(tmpdir(), 'anomaly-cli-'));

function capture() {
  const out = { stdout: '', stderr: '' };
  return {
    out,
    io: { stdout: { write: (s: string) => void (out.stdout += s) }, stderr: { write: (s: string) => void (out.stderr += s) } },
  };
}

function nabStyle(rows: number, height = 20): string {
  const { samples } = spike({ length: rows, at: rows - 50, height, stepMs: 300_000 });
  const lines = samples.map((s) => `${new Date(s.t * 1000).toISOString().slice(0, 19).replace('T', ' ')},${s.v.toFixed(3)}`);
  return ['timestamp,value', ...lines].join('\n') + '\n';
}

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

test('prints timestamp,value,anomaly_score,is_anomaly with the input text and 4-decimal scores', async () => {
  const path = file('spike.csv', nabStyle(400));
  const { out, io } = capture();
  assert.is(await runDetect(['--input', path], io), 0);
  const lines = out.stdout.trimEnd().split('\n');
  assert.is(lines[0], 'timestamp,value,anomaly_score,is_anomaly');
  assert.is(lines.length, 401);
  const input = nabStyle(400).trimEnd().split('\n');
  assert.match(lines[1]!, new RegExp(`^${input[1]},0\\.0000,0$`));
  const spikeRow = lines[351]!.split(',');
  assert.equal(spikeRow.slice(0, 2), input[351]!.split(','));
  assert.match(spikeRow[2]!, /^0\.\d{4}$/);
  assert.is(spikeRow[3], '1');
  assert.is(out.stderr, '');
});

test('--json prints an array of objects with explanations on anomalies', async () => {
  const path = file('spike-json.csv', nabStyle(400).replace('timestamp,value\n', ''));
  const { out, io } = capture();
  assert.is(await runDetect([`--input=${path}`, '--json', '--sensitivity', 'low'], io), 0);
  const rows = JSON.parse(out.stdout) as Record<string, unknown>[];
  assert.is(rows.length, 400);
  assert.equal(Object.keys(rows[0]!), ['timestamp', 'value', 'anomaly_score', 'is_anomaly']);
  const hit = rows[350]!;
  assert.is(hit.is_anomaly, true);
  assert.is(typeof hit.explanation, 'string');
  assert.ok(['robust-zscore', 'spike', 'out-of-range', 'level-shift'].includes(hit.detector as string));
});

test('reads standard input with --input -, and --explain adds columns', async () => {
  const { out, io } = capture();
  const code = await runDetect(['--input', '-', '--explain', '--threshold', '0.6'], { ...io, stdin: Readable.from([nabStyle(300)]) });
  assert.is(code, 0);
  const lines = out.stdout.trimEnd().split('\n');
  assert.is(lines[0], 'timestamp,value,anomaly_score,is_anomaly,detector,severity,explanation');
  assert.ok(lines.some((l) => /,1,[a-z-]+,(info|warning|critical),".+"$/.test(l)));
});

test('bad input fails with one line and exit status 2', async () => {
  const cases: [string[], RegExp][] = [
    [['--input', join(dir, 'missing.csv')], /^detect: cannot read .*missing\.csv: no such file\n$/],
    [['--input', file('bad.csv', 'timestamp,value\n2014-02-14 14:30:00,1\n2014-02-14 14:35:00,oops\n')], /^detect: line 3: value "oops" is not a number\n$/],
    [['--input', file('unsorted.csv', '1392388200,1\n1392388100,2\n'), '--strict'], /^detect: line 2: timestamp 1392388100 is earlier than the previous row's \(1392388200\); sort the file by time/],
    [['--input', dir], /^detect: cannot read .*: it is a directory/],
    [['--sensitivity', 'extreme', '--input', 'x'], /^detect: sensitivity must be low, medium, high or a number between 0 and 1 \(got "extreme"\)\n$/],
    [['--threshold', '2', '--input', 'x'], /^detect: --threshold must be a score between 0 and 1/],
    [['--limit', 'lots', '--input', 'x'], /^detect: --limit must be a number or a quantity/],
    [['--input'], /^detect: --input needs a value/],
    [[], /^detect: missing --input FILE\.csv/],
    [['--frobnicate'], /^detect: unknown option "--frobnicate"/],
  ];
  for (const [argv, message] of cases) {
    const { out, io } = capture();
    assert.is(await runDetect(argv, io), 2, argv.join(' '));
    assert.match(out.stderr, message);
    assert.is(out.stderr.trimEnd().split('\n').length, 1);
  }
});

test('backward timestamps are scored in file order with one warning; --help prints usage', async () => {
  const { out, io } = capture();
  assert.is(await runDetect(['--input', file('unsorted2.csv', '1392388200,1\n1392388100,2\n1392388000,3\n'), '--prometheus-url', 'http://127.0.0.1:9090'], io), 0);
  assert.is(out.stdout, 'timestamp,value,anomaly_score,is_anomaly\n1392388200,1,0.0000,0\n1392388100,2,0.0000,0\n1392388000,3,0.0000,0\n');
  assert.match(out.stderr, /^warning: line 2: timestamp 1392388100 is earlier than the previous row's \(1392388200\); scoring rows in file order/);
  assert.is(out.stderr.trimEnd().split('\n').length, 1, 'warned once');
  const help = capture();
  assert.is(await runDetect(['--help'], help.io), 0);
  assert.match(help.out.stdout, /^Usage: prometheus-mcp detect --input FILE\.csv/);
});

test.after(() => rmSync(dir, { recursive: true, force: true }));

test.run();
