// The tests of cli.test.ts that need the real Prometheus tools (npm test runs them; npm run test:unit does not).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { prometheusHistory } from '../../test/support/prometheus-history.js';
import { runPrometheusMcp } from './cli.js';

async function run(argv: string[], env: NodeJS.ProcessEnv = {}) {
  let stdout = '';
  let stderr = '';
  const code = await runPrometheusMcp(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), env: { HOME: mkdtempSync(join(tmpdir(), 'pm-home-')), ...env } });
  return { code, stdout, stderr };
}

test('--aliases (or PROMETHEUS_MCP_ALIASES) reads a YAML map of what people call things', async () => {
  const { url, at } = await prometheusHistory();
  // The fixture's history ends at `at`: label values are read from the hour before it.
  const now = ['--now', new Date(at).toISOString()];
  const dir = mkdtempSync(join(tmpdir(), 'pm-aliases-'));
  const file = join(dir, 'aliases.yaml');
  writeFileSync(file, '# our names\npetsearch: [finder, "the finder"]\n');
  const flag = await run(['translate', 'p95 latency of the finder', '--json', '--prometheus-url', url, '--aliases', file, ...now]);
  assert.is(flag.code, 0, flag.stderr);
  assert.match(JSON.parse(flag.stdout).promql, /service="petsearch"/);
  const env = await run(['translate', 'memory of finder', '--json', '--prometheus-url', url, ...now], { PROMETHEUS_MCP_ALIASES: file });
  assert.match(JSON.parse(env.stdout).promql, /container="petsearch"/);
  // The built-in pet-adoption aliases still apply next to the file's.
  const builtIn = await run(['translate', 'memory of the frontend', '--json', '--prometheus-url', url, '--aliases', file, ...now]);
  assert.match(JSON.parse(builtIn.stdout).promql, /container="petsite"/);
  for (const [content, message] of [['petsearch: 42\n', /"petsearch" must map to a list of phrases/], ['[a, b]\n', /expected a map of label value/], ['petsearch: [a\n', /not valid YAML/]] as const) {
    writeFileSync(file, content);
    const bad = await run(['translate', 'memory of finder', '--prometheus-url', url, '--aliases', file]);
    assert.is(bad.code, 2, bad.stderr);
    assert.match(bad.stderr, message);
    assert.is(bad.stderr.trim().split('\n').length, 1, 'one line');
  }
  const missing = await run(['translate', 'memory of finder', '--prometheus-url', url, '--aliases', join(dir, 'nope.yaml')]);
  assert.is(missing.code, 2);
  assert.match(missing.stderr, /cannot read the alias file .*nope\.yaml: ENOENT/);
});

test.run();
