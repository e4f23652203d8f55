import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { commaList, defineCli, duration, helpText, httpUrl, oneOf, parseCommandLine, port, readOptions, readWith, runCommandLine, UsageError, wholeNumber } from './cli.js';

const options = {
  port: { flag: '--port', value: 'PORT', env: 'DEMO_PORT', default: '8080', schema: port(0), describe: 'HTTP port' },
  workers: { flag: '--workers', value: 'N', env: 'DEMO_WORKERS', default: '4', schema: wholeNumber(1, 64), describe: 'workers at once' },
  store: { flag: '--store', value: 'KIND', env: 'DEMO_STORE', default: 'sqlite', schema: oneOf(['sqlite', 'dynamodb']), describe: 'state store' },
  ttl: { flag: '--ttl', value: 'DURATION', default: '15m', schema: duration(), describe: 'how long a request stays open' },
  namespaces: { flag: '--namespaces', value: 'NS[,NS]', env: 'DEMO_NAMESPACES', schema: commaList(), describe: 'namespaces' },
  webhook: { flag: '--webhook', value: 'URL', schema: httpUrl(), describe: 'where to push' },
  level: { flag: '--level', value: 'LEVEL', schema: readWith((text) => { if (text !== 'low') throw new Error(`level must be low (got "${text}")`); return 1; }), describe: 'a level the library reads' },
  dataDir: { flag: '--data-dir', value: 'DIR', env: 'DEMO_DATA_DIR', defaultDescription: '~/.local/state/demo', describe: 'where data lives' },
  approve: { flag: '--auto-approve', env: 'DEMO_AUTO_APPROVE', describe: 'approve at once' },
  json: { flag: '--json', describe: 'print JSON' },
  param: { flag: '--param', value: 'KEY=VALUE', repeat: true, describe: 'parameters' },
} as const;
const event = { flag: '--event', short: '-e', value: 'FILE', required: true, describe: 'the event' } as const;

const demo = defineCli({
  name: 'demo',
  summary: 'a program with two commands',
  options: [],
  commands: [
    { name: 'serve', summary: 'run the server', options: [options.port, options.workers, options.store, options.ttl, options.namespaces, options.dataDir, options.approve] },
    { name: 'investigate', summary: 'one investigation', usage: '--event FILE [--json]', options: [event, options.json, options.param, options.approve] },
  ],
  epilog: 'Reference: docs/demo.md',
});

const throwsUsage = (run: () => unknown, message: RegExp) =>
  assert.throws(run, (error: Error) => error instanceof UsageError && message.test(error.message), String(message));

test('a flag beats its environment variable, which beats the default; empty variables count as unset', () => {
  assert.is(readOptions(options, {}, {}).port, 8080);
  assert.is(readOptions(options, {}, { DEMO_PORT: '9000' }).port, 9000);
  assert.is(readOptions(options, { port: '9001' }, { DEMO_PORT: '9000' }).port, 9001);
  assert.is(readOptions(options, {}, { DEMO_PORT: '' }).port, 8080);
  const values = readOptions(options, { ttl: '30s', param: ['a=1', 'b=2'] }, { DEMO_STORE: 'dynamodb', DEMO_NAMESPACES: 'shop, petadoptions,' });
  assert.equal([values.store, values.ttl, values.namespaces, values.param, values.json, values.dataDir], ['dynamodb', 30_000, ['shop', 'petadoptions'], ['a=1', 'b=2'], false, undefined]);
  assert.is(readOptions(options, {}, { DEMO_AUTO_APPROVE: 'yes' }).approve, true);
  assert.is(readOptions(options, {}, { DEMO_AUTO_APPROVE: '0' }).approve, false);
  assert.is(readOptions(options, { 'auto-approve': true }, { DEMO_AUTO_APPROVE: 'false' }).approve, true);
});

test('a bad value says which flag, what it must be, what it got and from where', () => {
  throwsUsage(() => readOptions(options, { workers: '0' }, {}), /^--workers must be a whole number from 1 to 64 \(got "0"\)$/);
  throwsUsage(() => readOptions(options, {}, { DEMO_WORKERS: 'many' }), /^--workers must be a whole number from 1 to 64 \(got "many" from DEMO_WORKERS\)$/);
  throwsUsage(() => readOptions(options, { port: '70000' }, {}), /^--port must be a whole number between 0 and 65535 \(got "70000"\)$/);
  throwsUsage(() => readOptions(options, { store: 'redis' }, {}), /^--store must be sqlite or dynamodb \(got "redis"\)$/);
  throwsUsage(() => readOptions(options, { ttl: 'soon' }, {}), /^--ttl must be a duration like 30s, 5m or 1h/);
  throwsUsage(() => readOptions(options, { webhook: 'agent:8080' }, {}), /^--webhook must be an http\(s\) URL/);
  throwsUsage(() => readOptions(options, { level: 'high' }, {}), /^level must be low \(got "high"\)$/);
  throwsUsage(() => readOptions(options, {}, { DEMO_AUTO_APPROVE: 'maybe' }), /^DEMO_AUTO_APPROVE must be 1, true, yes or on/);
  throwsUsage(() => readOptions({ event }, {}, {}), /^--event FILE is required$/);
  assert.is(readOptions({ event }, { event: 'e.json' }, {}).event, 'e.json');
});

test('parsing: commands, both spellings of values, repeats, flags on either side of the command', () => {
  assert.equal(parseCommandLine(demo, ['investigate', '--event', 'e.json', '--json']), { command: 'investigate', flags: { event: 'e.json', json: true }, help: false });
  assert.equal(parseCommandLine(demo, ['--port=9000', 'serve']).flags, { port: '9000' });
  assert.equal(parseCommandLine(demo, ['investigate', '-e', 'x.json', '--param', 'a=1', '--param=b=2']).flags, { event: 'x.json', param: ['a=1', 'b=2'] });
  assert.equal(parseCommandLine(demo, ['investigate', '--event=--odd.json']).flags, { event: '--odd.json' });
  assert.equal(parseCommandLine(demo, []), { flags: {}, help: false });
});

test('unknown and misplaced options are rejected with a hint', () => {
  throwsUsage(() => parseCommandLine(demo, ['serve', '--prot', '1']), /^unknown option --prot \(did you mean --port\?\); see demo serve --help$/);
  throwsUsage(() => parseCommandLine(demo, ['serve', '--frobnicate']), /^unknown option --frobnicate; see demo serve --help$/);
  throwsUsage(() => parseCommandLine(demo, ['serve', '--event', 'x']), /^--event is not an option of serve \(only of investigate\)/);
  throwsUsage(() => parseCommandLine(demo, ['investigate', '--json=yes']), /^--json takes no value$/);
  throwsUsage(() => parseCommandLine(demo, ['serve', '--port']), /^--port needs a value \(PORT\)$/);
  throwsUsage(() => parseCommandLine(demo, ['serve', '--port', '--json']), /^--port needs a value/);
  throwsUsage(() => parseCommandLine(demo, ['restart']), /^unknown command "restart": use serve or investigate; see demo --help$/);
  throwsUsage(() => parseCommandLine(demo, ['serve', 'now']), /^unexpected argument "now"; see demo serve --help$/);
  const flags = defineCli({ ...demo, words: { option: 'flag', command: 'subcommand' } });
  throwsUsage(() => parseCommandLine(flags, ['serve', '--bogus']), /^unknown flag --bogus/);
  throwsUsage(() => parseCommandLine(flags, ['frob']), /^unknown subcommand "frob"/);
});

test('--help, -h and help [command] on every command; help lists every option with its default and variable', () => {
  for (const argv of [['--help'], ['-h'], ['help'], ['serve', '--help'], ['investigate', '-h'], ['help', 'serve'], ['serve', '--bogus', '--help']]) {
    assert.is(parseCommandLine(demo, argv).help, true, argv.join(' '));
  }
  assert.is(parseCommandLine(demo, ['help', 'serve']).command, 'serve');
  const top = helpText(demo);
  assert.match(top, /^Usage: demo serve \[options\]\n {7}demo investigate --event FILE \[--json\]\n/);
  assert.match(top, /\n {2}serve +run the server\n/);
  assert.match(top, /Reference: docs\/demo\.md/);
  const serve = helpText(demo, 'serve');
  assert.match(serve, /\n {2}--port PORT +HTTP port \(default 8080\) \[env DEMO_PORT\]\n/);
  assert.match(serve, /\n {2}--data-dir DIR +where data lives \(default ~\/\.local\/state\/demo\) \[env DEMO_DATA_DIR\]\n/);
  assert.match(serve, /\n {2}-h, --help +show this help\n/);
  for (const option of demo.commands[0].options) assert.ok(serve.includes(option.flag) && (!('env' in option) || serve.includes(`[env ${option.env}]`)), option.flag);
  assert.match(helpText(demo, 'investigate'), /\n {2}-e, --event FILE +the event\n/);
  assert.match(helpText(defineCli({ ...demo, words: { usage: 'usage:' } })), /^usage: demo serve/);
});

test('exit codes: help 0 on stdout, bad input 2 with one line on stderr, no command 2 with the help', async () => {
  const run = async (argv: string[], body: () => number | Promise<number> = () => 0) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runCommandLine(demo, argv, { stdout: (t) => void out.push(t), stderr: (t) => void err.push(t) }, body);
    return { code, out: out.join(''), err: err.join('') };
  };
  const help = await run(['serve', '--help']);
  assert.equal([help.code, help.err], [0, '']);
  assert.match(help.out, /--port PORT/);
  const bad = await run(['serve', '--frobnicate']);
  assert.equal([bad.code, bad.out, bad.err], [2, '', 'demo: unknown option --frobnicate; see demo serve --help\n']);
  const missing = await run([]);
  assert.is(missing.code, 2);
  assert.match(missing.err, /^Usage: demo serve/);
  const refused = await run(['serve'], () => {
    throw new UsageError('--store dynamodb needs --dynamodb-table NAME');
  });
  assert.equal([refused.code, refused.err], [2, 'demo: --store dynamodb needs --dynamodb-table NAME\n']);
  assert.is((await run(['serve'], () => 7)).code, 7);
  const failure = await run(['serve'], () => Promise.reject(new Error('boom'))).catch((error: Error) => error);
  assert.instance(failure, Error, 'other errors are the command\'s own to report');
});

test.run();
