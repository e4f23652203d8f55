/**
 * The Slack options: modes, tokens from files and the environment (never argv), the Secrets Manager
 * secret filling the rest (and Slack off while the stack's secret is still empty), the approver list;
 * and the Socket Mode app as configuration builds it (a real socket needs Slack's WebSocket service).
 */
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createLogger } from '../../../core/log.js';
import { systemClock } from '../../../core/clock.js';
import { loadAgentSecrets, resolveAgentConfig, agentOptions } from '../../config.js';
import { UsageError } from '../../../lib/platform/cli.js';
import { createSlackApp } from './app.js';
import { ApproverList } from './approvers.js';
import { parseSlackSecret } from './config.js';

const bot = 'xoxb-1111-2222-abcdefghijklmnop';
const app = 'xapp-1-A0111-2222-abcdef';
const arn = 'arn:aws:secretsmanager:us-west-2:123456789012:secret:EksIncidentKit-SlackSecret-Ab12Cd';
const file = (content: string) => {
  const path = join(mkdtempSync(join(tmpdir(), 'slack-config-')), 'token');
  writeFileSync(path, content);
  chmodSync(path, 0o600);
  return path;
};

test('Slack is off unless asked; every option has help text and sits in serve', () => {
  assert.is(resolveAgentConfig('serve', {}, {}).slack, undefined);
  for (const o of agentOptions.filter((x) => x.flag.startsWith('--slack'))) {
    assert.ok(o.describe.length > 20, o.flag);
    assert.equal([...o.commands], ['serve']);
  }
});

test('http mode: tokens from files or the environment, checked before anything starts', () => {
  const config = resolveAgentConfig('serve', { slack: 'http', 'slack-bot-token-file': file(bot), 'slack-channel': 'C0INC', 'slack-approvers': 'U0ALICE,S0ONCALL' }, { DEVOPS_AGENT_SLACK_SIGNING_SECRET: 'sign' });
  assert.equal(config.slack, { mode: 'http', botToken: bot, signingSecret: 'sign', channel: 'C0INC', approvers: ['U0ALICE', 'S0ONCALL'] });
  assert.throws(() => resolveAgentConfig('serve', { slack: 'http', 'slack-channel': 'C0INC' }, { DEVOPS_AGENT_SLACK_BOT_TOKEN: bot }), (e: Error) => e instanceof UsageError && /signing secret/.test(e.message));
  assert.throws(() => resolveAgentConfig('serve', { slack: 'http', 'slack-channel': 'C0INC' }, { DEVOPS_AGENT_SLACK_BOT_TOKEN: 'nope', DEVOPS_AGENT_SLACK_SIGNING_SECRET: 's' }), /xoxb-/);
  assert.throws(() => resolveAgentConfig('serve', { slack: 'http' }, { DEVOPS_AGENT_SLACK_BOT_TOKEN: bot, DEVOPS_AGENT_SLACK_SIGNING_SECRET: 's' }), /--slack-channel/);
  assert.throws(() => resolveAgentConfig('serve', { slack: 'http', 'slack-approvers': 'alice' }, {}), /--slack-approvers: "alice" is neither/);
  assert.throws(() => resolveAgentConfig('serve', { slack: 'carrier-pigeon' }, {}), (e: Error) => e instanceof UsageError);
});

test('socket mode needs the app-level token (xapp-)', () => {
  const env = { DEVOPS_AGENT_SLACK_BOT_TOKEN: bot, DEVOPS_AGENT_SLACK_CHANNEL: 'C0INC' };
  assert.throws(() => resolveAgentConfig('serve', { slack: 'socket' }, env), /app-level token/);
  const config = resolveAgentConfig('serve', { slack: 'socket', 'slack-app-token-file': file(app) }, env);
  assert.is(config.slack?.mode, 'socket');
  assert.is(config.slack?.appToken, app);
});

test('Secrets Manager: the secret fills the tokens; auto mode is http with a bot token, off while the secret is the stack\'s empty one', async () => {
  const env = { DEVOPS_AGENT_SLACK_SECRET_ARN: arn, DEVOPS_AGENT_SLACK_CHANNEL: 'C0INC' };
  const base = resolveAgentConfig('serve', {}, env);
  assert.is(base.secrets?.slack, arn);
  const filled = await loadAgentSecrets(base, async (given) => (assert.is(given, arn), JSON.stringify({ botToken: bot, signingSecret: 'sign' })));
  assert.equal(filled.slack, { mode: 'http', botToken: bot, signingSecret: 'sign', channel: 'C0INC', approvers: [] });
  const empty = await loadAgentSecrets(base, async () => JSON.stringify({ botToken: '', signingSecret: '', placeholder: 'x' }));
  assert.is(empty.slack, undefined);
  assert.match(empty.warnings!.join('\n'), /holds no bot token yet/);
  const socket = await loadAgentSecrets(resolveAgentConfig('serve', { slack: 'socket' }, env), async () => JSON.stringify({ botToken: bot, appToken: app }));
  assert.is(socket.slack?.mode, 'socket');
  const refused = await loadAgentSecrets(resolveAgentConfig('serve', { slack: 'http' }, env), async () => JSON.stringify({ botToken: bot })).catch((e: Error) => e);
  assert.ok(refused instanceof UsageError && /signing secret/.test(refused.message));
  assert.throws(() => parseSlackSecret('xoxb-raw'), /not JSON/);
});

test('the Socket Mode app builds from configuration without a listener, and connects only on start', async () => {
  const slack = createSlackApp({
    config: { mode: 'socket', botToken: bot, appToken: app, channel: 'C0INC', approvers: [], apiUrl: 'http://127.0.0.1:9/api/' },
    store: {} as never,
    // Only its decision listener is used before start.
    desk: { onDecision: () => () => undefined } as never,
    links: { consoleUrl: () => 'http://127.0.0.1/console' },
    rateWindow: '5m',
    clock: systemClock,
    log: createLogger('t', { level: 'error' }),
  });
  assert.is(slack.mode, 'socket');
  assert.is(slack.router, undefined, 'nothing to mount: Socket Mode listens on no port');
  await slack.stop();
  const http = createSlackApp({ config: { mode: 'http', botToken: bot, signingSecret: 's', channel: 'C0INC', approvers: [] }, store: {} as never, desk: { onDecision: () => () => undefined } as never, links: { consoleUrl: () => '' }, rateWindow: '5m', clock: systemClock, log: createLogger('t', { level: 'error' }) });
  assert.ok(http.router, 'http mode: a router for /slack');
});

test('approver list: ids allowed, groups resolved and cached, a failing group allows nobody', async () => {
  let calls = 0;
  let fail = false;
  const client = { usergroups: { users: { list: async ({ usergroup }: { usergroup: string }) => {
    calls++;
    if (fail) throw new Error('missing_scope');
    return { ok: true, users: usergroup === 'S0ONCALL' ? ['U0CAROL'] : [] };
  } } } };
  let now = 0;
  const list = new ApproverList(['U0ALICE', 'S0ONCALL'], client, { log: createLogger('t', { level: 'error' }), now: () => now });
  assert.ok((await list.check('U0ALICE')).allowed);
  assert.ok((await list.check('U0CAROL')).allowed);
  assert.ok((await list.check('U0CAROL')).allowed);
  assert.is(calls, 1, 'cached');
  assert.not.ok((await list.check('U0MALLORY')).allowed);
  now = 120_000;
  fail = true;
  assert.not.ok((await list.check('U0CAROL')).allowed, 'fails closed');
  const none = new ApproverList([], client, { log: createLogger('t', { level: 'error' }), now: () => 0 });
  const refused = await none.check('U0ALICE');
  assert.ok(!refused.allowed && /no Slack approvers/.test(refused.reason));
});

test.run();
