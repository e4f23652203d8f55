import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { helpText as platformHelpText, parseCommandLine as platformParse } from '../../../lib/platform/cli.js';
import { localClusterCli, runLocalCluster } from './cli.js';
import { stackOptions } from './config.js';

const parseCommandLine = (argv: string[]) => platformParse(localClusterCli, argv);
const helpText = (command: 'up' | 'down' | 'status') => platformHelpText(localClusterCli, command);

async function run(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await runLocalCluster(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), env: { LOCAL_CLUSTER_STATE_DIR: '/nonexistent/local-cluster-test' } });
  return { code, stdout, stderr };
}

test('flags parse in both spellings, before or after the command', () => {
  assert.equal(parseCommandLine(['up', '--fast', '--state-dir', '/tmp/x', '--port-offset=3']), { command: 'up', flags: { fast: true, 'state-dir': '/tmp/x', 'port-offset': '3' }, help: false });
  assert.equal(parseCommandLine(['--json', 'status']).flags, { json: true });
});

test('bad usage exits 2 with a one-line reason', async () => {
  for (const [argv, reason] of [
    [['frob'], /unknown command "frob"/],
    [['up', '--bogus'], /unknown flag --bogus/],
    [['status', '--fast'], /--fast is not a flag of status/],
    [['up', '--state-dir'], /--state-dir needs a value/],
    [['up', 'now'], /unexpected argument "now"/],
    [['up', '--json=yes'], /--json takes no value/],
    [['up', '--profile', 'slow'], /unknown profile/],
    [[], /usage: local-cluster <command>/],
  ] as [string[], RegExp][]) {
    const result = await run(...argv);
    assert.is(result.code, 2, argv.join(' '));
    assert.match(result.stderr, reason);
    if (argv.length) assert.is(result.stderr.trim().split('\n').length, 1, `one line for ${argv.join(' ')}`);
  }
});

test('--help documents every flag of each command with its environment variable', async () => {
  const top = await run('--help');
  assert.is(top.code, 0);
  assert.match(top.stdout, /up\s+start/);
  for (const command of ['up', 'down', 'status'] as const) {
    const help = await run(command, '--help');
    assert.is(help.code, 0);
    assert.is(help.stdout, helpText(command));
    for (const option of stackOptions.filter((o) => o.commands.includes(command))) {
      assert.ok(help.stdout.includes(option.flag), `${command} --help lacks ${option.flag}`);
      if (option.env) assert.ok(help.stdout.includes(option.env), `${command} --help lacks ${option.env}`);
    }
  }
});

test('status of a stack that never ran: exit 3, JSON with null endpoints for components not there yet', async () => {
  const result = await run('status', '--json');
  assert.is(result.code, 3);
  const status = JSON.parse(result.stdout);
  assert.is(status.running, false);
  assert.is(status.agentUrl, 'http://127.0.0.1:18080');
  assert.is(status.mcpUrl, 'http://127.0.0.1:18081/mcp');
  assert.is(status.prometheusUrl, 'http://127.0.0.1:19090');
  assert.is(status.stateDir, '/nonexistent/local-cluster-test');
  assert.equal(status.components.map((c: { state: string }) => c.state), ['stopped', 'stopped', 'stopped', 'stopped', 'stopped']);
  const down = await run('down');
  assert.is(down.code, 0);
  assert.match(down.stdout, /Nothing to stop/);
});

test.run();
