import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { defaultPorts } from '../../infra/local/deploy/config.js';
import { saveState } from '../../infra/local/deploy/state.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { defineCli, parseCommandLine, UsageError, type OptionSpec } from '../../lib/platform/cli.js';
import { localPrometheusUrl, runPrometheusMcp } from './cli.js';

/** A command line of these options, its words the operands (as the question subcommands take them). */
function parseFlags(argv: string[], options: OptionSpec[]) {
  const { flags, operands: positionals } = parseCommandLine(defineCli({ name: 'test', summary: '', options, operands: { name: 'words', variadic: true } }), argv);
  return { flags, positionals };
}

async function run(argv: string[], env: NodeJS.ProcessEnv = {}) {
  let stdout = '';
  let stderr = '';
  const code = await runPrometheusMcp(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), env: { HOME: mkdtempSync(join(tmpdir(), 'pm-home-')), ...env } });
  return { code, stdout, stderr };
}

test('--help everywhere', async () => {
  for (const argv of [['--help'], ['help'], ['translate', '--help'], ['ask', '-h'], ['detect', '--help']]) {
    const r = await run(argv);
    assert.is(r.code, 0, argv.join(' '));
    assert.match(r.stdout, /Usage: prometheus-mcp/);
  }
  const main = await run(['--help']);
  for (const flag of ['--transport', '--port', '--host', '--prometheus-url', '--amp-workspace-id', '--region', '--grafana-url', '--now', '--aliases']) assert.match(main.stdout, new RegExp(flag));
});

test('bad input exits 2 with one line saying what to fix', async () => {
  const cases: [string[], RegExp][] = [
    [['--bogus'], /unknown option --bogus/],
    [['--transport', 'carrier-pigeon', '--prometheus-url', 'http://127.0.0.1:1'], /--transport must be stdio or http/],
    [['--transport', 'http', '--port', 'eighty', '--prometheus-url', 'http://127.0.0.1:1'], /--port must be a whole number/],
    [['--port'], /--port needs a value/],
    [['frobnicate'], /unknown subcommand "frobnicate"/],
    [['translate', '--prometheus-url', 'http://127.0.0.1:1'], /translate needs a question/],
    [['--amp-workspace-id', 'ws-12345678-abcd-1234-abcd-123456789012'], /needs a region/],
    [['--prometheus-url', 'ftp://x', '--transport', 'http'], /not an http\(s\) URL/],
    [['--grafana-url', 'grafana', '--prometheus-url', 'http://127.0.0.1:1'], /--grafana-url must be an http\(s\) URL/],
    [['--now', 'yesterday-ish', '--prometheus-url', 'http://127.0.0.1:1'], /--now must be RFC 3339/],
  ];
  for (const [argv, message] of cases) {
    const r = await run(argv);
    assert.is(r.code, 2, `${argv.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message);
    assert.is(r.stderr.trim().split('\n').length, 1, 'one line');
  }
});

test('no backend at all: the error says how to get one', async () => {
  const r = await run(['ask', 'memory of petsite'], { XDG_STATE_HOME: mkdtempSync(join(tmpdir(), 'pm-state-')) });
  assert.is(r.code, 2);
  assert.match(r.stderr, /pass --prometheus-url URL.*local-cluster up/);
});

test('the default Prometheus URL is the running local target\'s, from its state file', async () => {
  const state = mkdtempSync(join(tmpdir(), 'pm-state-'));
  const dir = join(state, 'eks-incident-kit', 'local-cluster');
  mkdirSync(dir, { recursive: true });
  // Written by the local deployment itself, as `local-cluster up` does.
  saveState(join(dir, 'state.json'), { version: 1, profile: 'fast', ports: defaultPorts, kubeToken: 't', components: { prometheus: { pid: 1, startTime: '1', cmdline: [], startedAt: '', log: '', url: 'http://127.0.0.1:19090' } } });
  assert.is(await localPrometheusUrl({ XDG_STATE_HOME: state }), 'http://127.0.0.1:19090');
  assert.is(await localPrometheusUrl({ XDG_STATE_HOME: mkdtempSync(join(tmpdir(), 'pm-empty-')) }), undefined);
});

test('detect delegates to the anomaly module and accepts the backend flags', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pm-detect-'));
  const file = join(dir, 'series.csv');
  writeFileSync(file, 'timestamp,value\n' + Array.from({ length: 50 }, (_, i) => `${1_700_000_000 + i * 60},${i === 45 ? 500 : 10 + (i % 3)}`).join('\n') + '\n');
  const r = await run(['detect', '--input', file, '--prometheus-url', 'http://127.0.0.1:1']);
  assert.is(r.code, 0, r.stderr);
  const lines = r.stdout.trim().split('\n');
  assert.is(lines[0], 'timestamp,value,anomaly_score,is_anomaly');
  assert.is(lines.length, 51);
  const missing = await run(['detect', '--input', join(dir, 'nope.csv')]);
  assert.is(missing.code, 2);
});

test('flag parsing: values, repeats, inline values', () => {
  const options: OptionSpec[] = [{ flag: '--port', value: 'PORT', describe: '' }, { flag: '--allowed-origin', value: 'O', describe: '', repeat: true }, { flag: '--json', describe: '' }];
  const { flags, positionals } = parseFlags(['q', '--port=9', '--allowed-origin', 'a', '--allowed-origin', 'b', '--json', 'more'], options);
  assert.equal(flags, { port: '9', 'allowed-origin': ['a', 'b'], json: true });
  assert.equal(positionals, ['q', 'more']);
  assert.throws(() => parseFlags(['--json=yes'], options), (e: Error) => e instanceof UsageError && /takes no value/.test(e.message));
});

test.run();
