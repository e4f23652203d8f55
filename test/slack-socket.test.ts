/**
 * The Slack app in Socket Mode, for real on loopback: Bolt's SocketModeReceiver calls
 * apps.connections.open at the Slack double with the app-level token, connects to the WebSocket URL it
 * answers, gets `hello`, and then receives Slack's envelopes (interactive, slash_commands) on it and
 * acks each by its envelope_id. Nothing listens on the agent for Slack (no /slack/events).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { approvalPost, alertWebhook, blockActionsPayload, incidentOf, sendAlert, slackSecrets, slashPayload, startSlackRig, users, type SlackRig } from './support/slack-rig.js';

async function withSocketRig(fn: (rig: SlackRig) => Promise<void>) {
  const rig = await startSlackRig({}, { mode: 'socket' });
  try {
    await fn(rig);
  } finally {
    await rig.stop();
  }
}

test('Socket Mode: apps.connections.open with the app-level token, a WebSocket on loopback, hello; no HTTP endpoint', () =>
  withSocketRig(async (rig) => {
    const open = rig.double.callsOf('apps.connections.open');
    assert.ok(open.length >= 1);
    assert.is(open[0]!.token, slackSecrets.appToken, 'the app-level token, not the bot token');
    assert.match(String(open[0]!.answer?.url), /^ws:\/\/127\.0\.0\.1:\d+\/link\/\?ticket=/);
    assert.is(rig.double.sockets.size, 1);
    const events = await fetch(rig.eventsUrl, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'payload=%7B%7D' });
    assert.ok(events.status === 404 || events.status === 401, `no Slack receiver over HTTP in Socket Mode (got ${events.status})`);
  }));

test('Socket Mode: an approval click arrives as an interactive envelope, is acked, decides as slack:<USER_ID> and replaces the buttons', () =>
  withSocketRig(async (rig) => {
    const id = await sendAlert(rig, alertWebhook('petsite', 'fp-socket-approve'));
    const { ts, value } = await approvalPost(rig, id);
    const ack = await rig.double.sendEnvelope('interactive', blockActionsPayload({ user: users.alice, actionId: 'devops_agent_approve', value, ts, responseUrl: rig.double.responseUrl() }));
    assert.type(ack.envelope_id, 'string');
    await rig.double.waitFor(() => rig.double.callsOf('chat.update').some((u) => u.args.ts === ts && /Approved\* by <@U0ALICE01>/.test(JSON.stringify(u.args.blocks))));
    const audit = await rig.agent.store.listAudit({ incidentId: id, limit: 500 });
    const approved = audit.find((e) => e.action === 'action.approved')!;
    assert.is(approved.actor, 'slack:U0ALICE01');
    assert.is((approved.detail as { via?: string }).via, 'slack');
    assert.ok(['approved', 'executing', 'succeeded'].includes((await incidentOf(rig, id)).actions[0]!.status));
  }));

test('Socket Mode: a click from a user not on the list is acked, refused ephemerally and audited', () =>
  withSocketRig(async (rig) => {
    const id = await sendAlert(rig, alertWebhook('petsearch', 'fp-socket-refuse'));
    const { ts, value } = await approvalPost(rig, id);
    await rig.double.sendEnvelope('interactive', blockActionsPayload({ user: users.mallory, actionId: 'devops_agent_approve', value, ts, responseUrl: rig.double.responseUrl() }));
    await rig.double.waitFor(() => rig.double.callsOf('chat.postEphemeral').length > 0);
    assert.is(rig.double.callsOf('chat.postEphemeral')[0]!.args.user, users.mallory);
    const refused = (await rig.agent.store.listAudit({ incidentId: id, limit: 500 })).filter((e) => e.action === 'approval.refused');
    assert.is(refused.length, 1);
    assert.is(refused[0]!.actor, 'slack:U0MALLORY');
    assert.is((await incidentOf(rig, id)).actions[0]!.status, 'proposed');
  }));

test('Socket Mode: a slash command arrives as a slash_commands envelope, is acked, and answered through the response_url', () =>
  withSocketRig(async (rig) => {
    const id = await sendAlert(rig, alertWebhook('pethistory', 'fp-socket-slash'));
    await approvalPost(rig, id);
    const url = rig.double.responseUrl();
    const rid = url.split('/').at(-1)!;
    const sent = performance.now();
    const ack = await rig.double.sendEnvelope('slash_commands', slashPayload(users.mallory, 'status', url));
    assert.ok(ack.at - sent < 3_000, 'acked within Slack\'s 3 s');
    await rig.double.waitFor(() => rig.double.responses.some((r) => r.id === rid));
    const answer = rig.double.responses.find((r) => r.id === rid)!.body;
    assert.is(answer.response_type, 'ephemeral');
    assert.match(JSON.stringify(answer), new RegExp(id));
  }));

test('Socket Mode: after Slack asks for a refresh (disconnect), the app reconnects with a new ticket', () =>
  withSocketRig(async (rig) => {
    const before = rig.double.callsOf('apps.connections.open').length;
    rig.double.disconnectSockets('refresh_requested');
    await rig.double.waitFor(() => rig.double.callsOf('apps.connections.open').length > before && rig.double.sockets.size === 1, 15_000);
    const url = rig.double.responseUrl();
    const rid = url.split('/').at(-1)!;
    await rig.double.sendEnvelope('slash_commands', slashPayload(users.alice, 'help', url));
    await rig.double.waitFor(() => rig.double.responses.some((r) => r.id === rid));
    assert.match(JSON.stringify(rig.double.responses.find((r) => r.id === rid)!.body), /devops-agent status/);
  }));

test.run();
