import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createLogger } from '../core/log.js';
import { parseCommandLine } from '../lib/platform/cli.js';
import { runDevopsAgent } from './cli.js';
import { localServeArgs } from '../infra/local/deploy/launch.js';
import { agentOptions, devopsAgentCli, resolveAgentConfig } from './config.js';
import { FakeCluster, memoryLeakPlaybook, playbookDir, StubWorld, stubHandlers } from '../test/support/agent/workflow-testkit.js';

const fixture = (name: string) => fileURLToPath(new URL(`./intake/fixtures/${name}`, import.meta.url));

function io(extra: Partial<Parameters<typeof runDevopsAgent>[1]> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { stdout: (t: string) => void out.push(t), stderr: (t: string) => void err.push(t), env: {}, ...extra } };
}

const parseArgs = (argv: string[]) => parseCommandLine(devopsAgentCli, argv);

const deps = () => ({ stepHandlers: stubHandlers(new StubWorld()), evidence: {}, cluster: new FakeCluster(), log: createLogger('test', { sink: () => undefined }) });

test('arguments: commands, flags, one-line usage errors', () => {
  assert.equal(parseArgs(['investigate', '--event', 'e.json', '--json']), { command: 'investigate', flags: { event: 'e.json', json: true }, help: false });
  assert.equal(parseArgs(['serve', '--port=9000']).flags, { port: '9000' });
  assert.throws(() => parseArgs(['serve', '--frobnicate']), /unknown option --frobnicate/);
  assert.throws(() => parseArgs(['serve', '--event', 'x']), /--event is not an option of serve/);
  assert.throws(() => parseArgs(['serve', '--port']), /--port needs a value/);
  assert.throws(() => parseArgs(['restart']), /unknown command "restart"/);
});

test('configuration: flag over environment over default, bad values refused', () => {
  const config = resolveAgentConfig('serve', { port: '9001' }, { DEVOPS_AGENT_PORT: '9002', DEVOPS_AGENT_CONCURRENCY: '8', DEVOPS_AGENT_ALLOWED_NAMESPACES: 'petadoptions, shop', XDG_STATE_HOME: '/state' });
  assert.is(config.port, 9001);
  assert.is(config.concurrency, 8);
  assert.equal(config.safety.allowedNamespaces, ['petadoptions', 'shop']);
  assert.is(config.sqlitePath, '/state/eks-incident-kit/agent/agent.sqlite');
  assert.is(resolveAgentConfig('investigate', {}, {}).sqlitePath, ':memory:');
  assert.throws(() => resolveAgentConfig('serve', { concurrency: '0' }, {}), /--concurrency must be a whole number from 1 to 256/);
  assert.throws(() => resolveAgentConfig('serve', { 'allowed-namespaces': 'kube-system' }, {}), /never acts there/);
  assert.throws(() => resolveAgentConfig('serve', { store: 'dynamodb' }, {}), /needs --dynamodb-table/);
  assert.throws(() => resolveAgentConfig('serve', { 'approval-ttl': 'soon' }, {}), /--approval-ttl must be a duration/);
});

test('--help prints the options; bad input exits 2 with one line', async () => {
  const help = io();
  assert.is(await runDevopsAgent(['--help'], help.io), 0);
  assert.match(help.out.join(''), /devops-agent investigate --event FILE \[--json\]/);
  const bad = io();
  assert.is(await runDevopsAgent(['investigate'], bad.io), 2);
  assert.equal(bad.err, ['devops-agent: investigate needs --event FILE (an Alertmanager webhook, CloudWatch alarm event, anomaly alert or alert JSON)\n']);
  const missing = io();
  assert.is(await runDevopsAgent(['investigate', '--event', '/nonexistent.json'], missing.io), 2);
  assert.match(missing.err[0]!, /^devops-agent: cannot read \/nonexistent\.json: ENOENT/);
  const unsupported = io({ deps: deps() });
  assert.is(await runDevopsAgent(['investigate', '--event', fileURLToPath(new URL('../package.json', import.meta.url))], unsupported.io), 2);
  assert.match(unsupported.err.join(""), /unrecognised event/, unsupported.err.join(""));
});

test('investigate runs one investigation to the approval point and prints it', async () => {
  const dir = playbookDir({ 'memory-leak.yaml': memoryLeakPlaybook });
  const text = io({ deps: deps() });
  assert.is(await runDevopsAgent(['investigate', '--event', fixture('alertmanager-memory-near-limit.json'), '--playbooks', dir], text.io), 0);
  const output = text.out.join('');
  assert.match(output, /== APPROVAL NEEDED ==/);
  assert.match(output, /status:\s+awaiting-approval/);
  assert.match(output, /root cause: memory-leak of Deployment petadoptions\/petsite \(90%\)/);

  const json = io({ deps: deps() });
  assert.is(await runDevopsAgent(['investigate', '--event', fixture('cloudwatch-alarm-pod-memory.json'), '--json', '--auto-approve', '--playbooks', dir], json.io), 0);
  const incident = JSON.parse(json.out.join('')) as { status: string; rootCause: { kind: string }; workflow: { status: string } };
  assert.is(incident.status, 'resolved');
  assert.is(incident.rootCause.kind, 'memory-leak');
  assert.is(incident.workflow.status, 'completed');
  assert.match(json.err.join(''), /== RESOLVED ==/, 'notifications go to stderr with --json');
});

test('serve listens until asked to stop, then stops gracefully', async () => {
  let stop!: (signal: string) => void;
  const stopSignal = new Promise<string>((resolve) => (stop = resolve));
  let url = '';
  const run = io({
    deps: deps(),
    stopSignal,
    onServing(agent) {
      url = agent.url;
      stop('SIGTERM');
    },
  });
  const code = await runDevopsAgent(['serve', '--port', '0', '--sqlite-path', ':memory:', '--playbooks', playbookDir({ 'memory-leak.yaml': memoryLeakPlaybook })], run.io);
  assert.is(code, 0);
  assert.match(url, /^http:\/\/127\.0\.0\.1:\d+$/);
  assert.match(run.err.join(''), /SIGTERM: stopping/);
});

test('the local target starts serve with flags serve accepts', () => {
  const args = localServeArgs({ port: 18080, dataDir: '/state/agent', kubeconfig: '/state/kubeconfig', mcpUrl: 'http://127.0.0.1:18081/mcp', xrayEndpoint: 'http://127.0.0.1:16444', autoApprove: true });
  const parsed = parseArgs(args);
  assert.is(parsed.command, 'serve');
  const config = resolveAgentConfig('serve', parsed.flags, {});
  assert.equal([config.port, config.sqlitePath, config.evidence.kubeconfig, config.evidence.mcpUrl, config.evidence.xrayEndpoint, config.autoApprove], [18080, '/state/agent/agent.sqlite', '/state/kubeconfig', 'http://127.0.0.1:18081/mcp', 'http://127.0.0.1:16444', true]);
});

test('credentials come from files or the environment, never the command line', () => {
  const dir = mkdtempSync(join(tmpdir(), 'agent-credentials-'));
  const token = (c: string) => c.repeat(32);
  writeFileSync(join(dir, 'webhook.token'), `${token('w')}\n`, { mode: 0o600 });
  writeFileSync(join(dir, 'operators.tokens'), `# who may approve\nlocal:alice ${token('a')}\n`, { mode: 0o600 });
  const config = resolveAgentConfig('serve', { 'webhook-token-file': join(dir, 'webhook.token'), 'operator-tokens-file': join(dir, 'operators.tokens') }, {});
  assert.equal(config.credentials, { webhook: [{ name: 'webhook', token: token('w') }], operators: [{ name: 'local:alice', token: token('a') }] });
  assert.is(config.warnings, undefined);
  const fromEnv = resolveAgentConfig('serve', {}, { DEVOPS_AGENT_WEBHOOK_TOKEN: token('x'), DEVOPS_AGENT_OPERATOR_TOKENS: `alice ${token('a')};bob ${token('b')}` });
  assert.equal(fromEnv.credentials?.operators.map((o) => o.name), ['alice', 'bob']);
  for (const flag of ['--webhook-token', '--operator-token', '--operator-tokens']) assert.throws(() => parseArgs(['serve', flag, 'x']), /unknown option/);
  writeFileSync(join(dir, 'bad.tokens'), `policy ${token('p')}\n`);
  assert.throws(() => resolveAgentConfig('serve', { 'operator-tokens-file': join(dir, 'bad.tokens') }, {}), /--operator-tokens-file: .*bad\.tokens line 1: "policy" is reserved/);
  assert.throws(() => resolveAgentConfig('serve', { 'operator-tokens-file': join(dir, 'nope') }, {}), /cannot read .*nope: ENOENT/);
  assert.throws(() => resolveAgentConfig('serve', {}, { DEVOPS_AGENT_WEBHOOK_TOKEN: token('a'), DEVOPS_AGENT_OPERATOR_TOKENS: `alice ${token('a')}` }), /same token/);
  writeFileSync(join(dir, 'open.tokens'), `alice ${token('a')}\n`, { mode: 0o644 });
  chmodSync(join(dir, 'open.tokens'), 0o644);
  assert.match(resolveAgentConfig('serve', { 'operator-tokens-file': join(dir, 'open.tokens') }, {}).warnings?.[0] ?? '', /can be read by other users \(mode 0644\); chmod 600/);
  assert.match(resolveAgentConfig('serve', { 'api-token': 's3cret-token' }, {}).warnings?.[0] ?? '', /visible to every user of this machine \(ps\)/);
  rmSync(dir, { recursive: true, force: true });
});

test('every option is documented in docs/agent-configuration.md', () => {
  const doc = readFileSync(new URL('../docs/agent-configuration.md', import.meta.url), 'utf8');
  const missing = agentOptions.filter((o) => !doc.includes(`\`${o.flag}${o.value ? ` ${o.value}` : ''}\``) || (o.env && !doc.includes(o.env)));
  assert.equal(missing.map((o) => o.flag), []);
});

test('audit verify: exit 0 with the entry count on an intact chain, 1 naming the first broken entry, 2 without a database', async () => {
  const { SqliteStateStore } = await import('./store/sqlite-store.js');
  const Database = (await import('better-sqlite3')).default;
  const { mkdtempSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const dir = mkdtempSync(join(tmpdir(), 'audit-cli-'));
  const store = new SqliteStateStore(join(dir, 'agent.sqlite'));
  for (let i = 0; i < 3; i++) await store.appendAudit({ at: `2026-11-25T09:0${i}:00.000Z`, incidentId: 'inc-1', actor: i === 1 ? 'alice' : 'agent', action: i === 1 ? 'action.approved' : `step.${i}`, detail: { i } });
  store.close();
  const ok = io();
  assert.is(await runDevopsAgent(['audit', 'verify', '--data-dir', dir], ok.io), 0, ok.err.join(''));
  assert.match(ok.out.join(''), /^audit log intact: 3 entries \(3 on the hash chain\) in .*agent\.sqlite; head [0-9a-f]{64}\n$/);
  const json = io();
  assert.is(await runDevopsAgent(['audit', 'verify', '--sqlite-path', join(dir, 'agent.sqlite'), '--json'], json.io), 0);
  assert.equal((JSON.parse(json.out.join('')) as { ok: boolean; entries: number }).entries, 3);
  const db = new Database(join(dir, 'agent.sqlite'));
  db.exec('DROP TRIGGER audit_refuses_update');
  db.prepare("UPDATE audit SET actor = 'mallory' WHERE seq = 2").run();
  db.close();
  const broken = io();
  assert.is(await runDevopsAgent(['audit', 'verify', '--data-dir', dir], broken.io), 1);
  assert.match(broken.out.join(''), /^audit log broken at entry 2 \(action\.approved at 2026-11-25T09:01:00\.000Z\) in .*: its content does not match its hash/);
  const missing = io();
  assert.is(await runDevopsAgent(['audit', 'verify', '--data-dir', join(dir, 'nothing-here')], missing.io), 2);
  assert.match(missing.err.join(''), /has no database .*Point --data-dir at the agent's data directory/);
  const bad = io();
  assert.is(await runDevopsAgent(['audit', 'check'], bad.io), 2);
  assert.match(bad.err.join(''), /audit takes one subcommand, verify \(got "check"\)/);
});

test.run();
