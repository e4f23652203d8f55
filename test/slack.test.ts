/**
 * The Slack app end to end against the local Slack Web API double: an alert becomes a thread in the
 * channel (opened, root cause, approval with buttons, reactions), signed clicks decide through the one
 * decision function as slack:<USER_ID>, and every refused path (bad signature, stale timestamp, a user
 * not on the list, an expired approval, a double click, approve after reject, a changed plan) is
 * refused, answered ephemerally where Slack can show it, and audited. Slash commands ack, then answer
 * through the response_url. Nothing leaves 127.0.0.1.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { planHash } from '../agent/api/decisions.js';
import { mutateIncident } from '../agent/store/mutate.js';
import { approvalPost, alertWebhook, click, incidentOf, rejectWithComment, sendAlert, slash, startSlackRig, submitView, users, type SlackRig } from './support/slack-rig.js';
import { slackSignature } from './support/slack-double.js';
import { testTokens } from './support/agent/test-credentials.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const texts = (rig: SlackRig, method: string) => rig.double.callsOf(method).map((c) => JSON.stringify(c.args));

async function refusals(rig: SlackRig, incidentId: string) {
  return (await rig.agent.store.listAudit({ incidentId, limit: 500 })).filter((e) => e.action === 'approval.refused');
}

async function withRig(fn: (rig: SlackRig) => Promise<void>, overrides = {}) {
  const rig = await startSlackRig(overrides);
  try {
    await fn(rig);
  } finally {
    await rig.stop();
  }
}

test('an incident becomes a Slack thread; an allowed click approves as slack:<USER_ID>, the buttons give way to the outcome, the resolution has its MTTR', () =>
  withRig(async (rig) => {
    const id = await sendAlert(rig, alertWebhook('petsite', 'fp-happy'));
    const { call, ts, value } = await approvalPost(rig, id);
    const posts = rig.double.callsOf('chat.postMessage');
    const root = posts[0]!;
    assert.is(root.args.channel, 'C0INCIDENTS');
    assert.not.ok(root.args.thread_ts, 'the first message opens the thread');
    assert.match(JSON.stringify(root.args.blocks), /Severity/);
    assert.match(JSON.stringify(root.args.blocks), /\/console\/incidents\//);
    assert.is(call.args.thread_ts, root.answer?.ts, 'the approval is in the thread');
    assert.ok(posts.some((p) => p.args.thread_ts && /Root cause/.test(JSON.stringify(p.args.blocks))), 'the root cause is in the thread');
    const incident = await incidentOf(rig, id);
    const action = incident.actions[0]!;
    assert.equal(JSON.parse(value), { i: id, a: action.id, h: planHash(action) });
    await rig.double.waitFor(() => rig.double.callsOf('reactions.add').some((r) => r.args.name === 'raised_hand'));

    const response = await click(rig, { user: users.alice, actionId: 'devops_agent_approve', value, ts, responseUrl: rig.double.responseUrl() });
    assert.is(response.status, 200);
    await rig.double.waitFor(() => rig.double.callsOf('chat.update').some((u) => u.args.ts === ts));
    const update = rig.double.callsOf('chat.update').find((u) => u.args.ts === ts)!;
    const blocks = JSON.stringify(update.args.blocks);
    assert.not.match(blocks, /"actions"/, 'the buttons are gone');
    assert.match(blocks, /Approved\* by <@U0ALICE01>/);
    const audit = await rig.agent.store.listAudit({ incidentId: id, limit: 500 });
    const approved = audit.find((e) => e.action === 'action.approved')!;
    assert.is(approved.actor, 'slack:U0ALICE01');
    assert.is((approved.detail as { via?: string }).via, 'slack');
    await rig.double.waitFor(() => rig.double.callsOf('chat.postMessage').some((p) => /MTTR/.test(JSON.stringify(p.args.blocks))));
    const resolution = rig.double.callsOf('chat.postMessage').find((p) => /MTTR/.test(JSON.stringify(p.args.blocks)))!;
    assert.is(resolution.args.thread_ts, root.answer?.ts, 'the resolution is in the thread');
    assert.is(resolution.args.reply_broadcast, 'true', 'and shown in the channel');
    await rig.double.waitFor(() => rig.double.callsOf('reactions.add').some((r) => r.args.name === 'white_check_mark' && r.args.timestamp === root.answer?.ts));
  }));

test('a member of an approver user group (usergroups.users.list) may approve', () =>
  withRig(async (rig) => {
    const id = await sendAlert(rig, alertWebhook('petsearch', 'fp-group'));
    const { ts, value } = await approvalPost(rig, id);
    await click(rig, { user: users.carol, actionId: 'devops_agent_approve', value, ts, responseUrl: rig.double.responseUrl() });
    await rig.double.waitFor(() => rig.double.callsOf('chat.update').some((u) => u.args.ts === ts));
    assert.ok(rig.double.callsOf('usergroups.users.list').some((c) => c.args.usergroup === 'S0ONCALL'));
    const audit = await rig.agent.store.listAudit({ incidentId: id, limit: 500 });
    assert.is(audit.find((e) => e.action === 'action.approved')?.actor, 'slack:U0CAROL01');
  }));

test('refused: a bad signature and a stale timestamp get 401, decide nothing, and are audited', () =>
  withRig(async (rig) => {
    const id = await sendAlert(rig, alertWebhook('payforadoption', 'fp-sig'));
    const { ts, value } = await approvalPost(rig, id);
    const bad = await click(rig, { user: users.alice, actionId: 'devops_agent_approve', value, ts, responseUrl: rig.double.responseUrl() }, { signature: await slackSignature('not-the-signing-secret', Math.floor(Date.now() / 1000), 'x') });
    assert.is(bad.status, 401);
    const old = Math.floor(Date.now() / 1000) - 6 * 60;
    const stale = await click(rig, { user: users.alice, actionId: 'devops_agent_approve', value, ts, responseUrl: rig.double.responseUrl() }, { timestamp: old });
    assert.is(stale.status, 401);
    await new Promise((r) => setTimeout(r, 100));
    assert.is((await incidentOf(rig, id)).actions[0]!.status, 'proposed');
    const refused = await refusals(rig, id);
    assert.is(refused.length, 2);
    assert.ok(refused.every((r) => r.actor === 'anonymous' && (r.detail as { status: number }).status === 401));
    assert.match(JSON.stringify(refused), /signature does not verify/);
    assert.match(JSON.stringify(refused), /older than 5 minutes/);
    assert.match(JSON.stringify(refused), /claimed to be slack:U0ALICE01/);
  }));

test('refused: a user not on the allow-list is answered ephemerally and audited; the action still waits', () =>
  withRig(async (rig) => {
    const id = await sendAlert(rig, alertWebhook('petlistadoptions', 'fp-mallory'));
    const { ts, value } = await approvalPost(rig, id);
    await click(rig, { user: users.mallory, actionId: 'devops_agent_approve', value, ts, responseUrl: rig.double.responseUrl() });
    await rig.double.waitFor(() => rig.double.callsOf('chat.postEphemeral').length > 0);
    const ephemeral = rig.double.callsOf('chat.postEphemeral')[0]!;
    assert.is(ephemeral.args.user, users.mallory);
    assert.match(String(ephemeral.args.text), /not on this agent's approver list/);
    assert.is((await incidentOf(rig, id)).actions[0]!.status, 'proposed');
    const refused = await refusals(rig, id);
    assert.is(refused.length, 1);
    assert.is(refused[0]!.actor, 'slack:U0MALLORY');
    assert.is((refused[0]!.detail as { status: number; via: string }).status, 403);
    assert.not.ok(rig.double.callsOf('chat.update').some((u) => u.args.ts === ts), 'the buttons stay for the approvers');
  }));

test('refused: a double click decides once; the second is answered ephemerally and audited (409)', () =>
  withRig(async (rig) => {
    const id = await sendAlert(rig, alertWebhook('pethistory', 'fp-double'));
    const { ts, value } = await approvalPost(rig, id);
    const first = click(rig, { user: users.alice, actionId: 'devops_agent_approve', value, ts, responseUrl: rig.double.responseUrl() });
    const second = click(rig, { user: users.alice, actionId: 'devops_agent_approve', value, ts, responseUrl: rig.double.responseUrl() });
    await Promise.all([first, second]);
    await rig.double.waitFor(() => rig.double.callsOf('chat.postEphemeral').length > 0);
    const audit = await rig.agent.store.listAudit({ incidentId: id, limit: 500 });
    assert.is(audit.filter((e) => e.action === 'action.approved').length, 1);
    const refused = audit.filter((e) => e.action === 'approval.refused');
    assert.is(refused.length, 1);
    assert.is((refused[0]!.detail as { status: number }).status, 409);
    assert.match(String(rig.double.callsOf('chat.postEphemeral')[0]!.args.text), /not awaiting a decision/);
  }));

test('refused: approve after reject (409, ephemeral, audited); the message shows the rejection', () =>
  withRig(async (rig) => {
    const id = await sendAlert(rig, alertWebhook('petsite', 'fp-reject'));
    const { ts, value } = await approvalPost(rig, id);
    await rejectWithComment(rig, { user: users.alice, value, ts });
    await rig.double.waitFor(() => rig.double.callsOf('chat.update').some((u) => /Rejected/.test(JSON.stringify(u.args.blocks))));
    await click(rig, { user: users.carol, actionId: 'devops_agent_approve', value, ts, responseUrl: rig.double.responseUrl() });
    await rig.double.waitFor(() => rig.double.callsOf('chat.postEphemeral').length > 0);
    assert.match(String(rig.double.callsOf('chat.postEphemeral')[0]!.args.text), /is rejected, not awaiting a decision/);
    const incident = await incidentOf(rig, id);
    assert.is(incident.actions[0]!.status, 'rejected');
    assert.is(incident.actions[0]!.approval?.by, 'slack:U0ALICE01');
    const refused = await refusals(rig, id);
    assert.is(refused.length, 1);
    assert.is(refused[0]!.actor, 'slack:U0CAROL01');
  }));

test('expired: the message says so at the expiry without a click; a later click is refused (409) and audited', () =>
  withRig(
    async (rig) => {
      const id = await sendAlert(rig, alertWebhook('petsearch', 'fp-expire'));
      const { ts, value } = await approvalPost(rig, id);
      await rig.double.waitFor(() => rig.double.callsOf('chat.update').some((u) => u.args.ts === ts && /Expired/.test(JSON.stringify(u.args.blocks))), 10_000);
      await click(rig, { user: users.alice, actionId: 'devops_agent_approve', value, ts, responseUrl: rig.double.responseUrl() });
      await rig.double.waitFor(() => rig.double.callsOf('chat.postEphemeral').length > 0);
      assert.match(String(rig.double.callsOf('chat.postEphemeral')[0]!.args.text), /expired/);
      assert.not.ok((await rig.agent.store.listAudit({ incidentId: id, limit: 500 })).some((e) => e.action === 'action.approved'));
      const refused = await refusals(rig, id);
      assert.ok(refused.length >= 1 && refused.every((r) => (r.detail as { status: number }).status === 409));
    },
    { safety: { allowedNamespaces: ['petadoptions'], maxReplicas: 10, minReplicas: 1, maxPodsPerAction: 3, approvalRequiredFrom: 'medium', approvalTtlSeconds: 1 } },
  ));

test('refused: a plan changed since the message (409, audited); the old message is superseded and the new plan posted', () =>
  withRig(async (rig) => {
    const id = await sendAlert(rig, alertWebhook('payforadoption', 'fp-plan'));
    const { ts, value } = await approvalPost(rig, id);
    await mutateIncident(rig.agent.store, id, (i) => void (i.actions[0]!.dryRun = { method: 'computed', diff: ['- replicas: 2', '+ replicas: 9'], warnings: [] }), { clock: { now: () => Date.now(), sleep: async () => undefined } });
    const before = rig.double.callsOf('chat.postMessage').length;
    await click(rig, { user: users.alice, actionId: 'devops_agent_approve', value, ts, responseUrl: rig.double.responseUrl() });
    await rig.double.waitFor(() => rig.double.callsOf('chat.postMessage').length > before);
    assert.match(String(rig.double.callsOf('chat.postEphemeral')[0]!.args.text), /plan of action .* changed/);
    assert.is((await incidentOf(rig, id)).actions[0]!.status, 'proposed');
    const refused = await refusals(rig, id);
    assert.is(refused.length, 1);
    assert.match(JSON.stringify(refused[0]!.detail), /changed since it was shown/);
    const repost = rig.double.callsOf('chat.postMessage').at(-1)!;
    assert.match(JSON.stringify(repost.args.blocks), /replicas: 9/);
    assert.ok(rig.double.callsOf('chat.update').some((u) => u.args.ts === ts && /superseded/.test(JSON.stringify(u.args.blocks))));
  }));

test('text from the alert is escaped in every message: no <!channel>, no hidden link', () =>
  withRig(async (rig) => {
    const id = await sendAlert(rig, alertWebhook('petsite', 'fp-escape', { summary: 'ping <!channel> & see <https://evil.example|the runbook>' }));
    await approvalPost(rig, id);
    const all = texts(rig, 'chat.postMessage').join('\n');
    assert.not.match(all, /<!channel>/);
    assert.not.match(all, /<https:\/\/evil/);
  }));

test('slash commands ack, then answer through the response_url: help, status, analyze, metrics, remediate (approvers only, audited)', () =>
  withRig(async (rig) => {
    const id = await sendAlert(rig, alertWebhook('petsite', 'fp-slash'));
    await approvalPost(rig, id);
    const action = (await incidentOf(rig, id)).actions[0]!;
    const ask = async (user: string, text: string) => {
      const url = rig.double.responseUrl();
      const response = await slash(rig, user, text, url);
      assert.is(response.status, 200, `${text}: acked`);
      const rid = url.split('/').at(-1)!;
      await rig.double.waitFor(() => rig.double.responses.some((r) => r.id === rid));
      return rig.double.responses.find((r) => r.id === rid)!.body;
    };
    assert.match(JSON.stringify(await ask(users.mallory, '')), /devops-agent status/);
    assert.match(JSON.stringify(await ask(users.mallory, 'status')), new RegExp(id));
    assert.match(JSON.stringify(await ask(users.mallory, `analyze ${id}`)), /Root cause/);
    assert.match(JSON.stringify(await ask(users.mallory, 'metrics petsite-7d4b9c6f5b-x2k8q')), /no metrics source/);
    assert.match(JSON.stringify(await ask(users.mallory, 'metrics "bad pod"')), /not a pod name/);
    const refused = await ask(users.mallory, `remediate ${action.id}`);
    assert.match(JSON.stringify(refused), /approvers only/);
    assert.is(refused.response_type, 'ephemeral');
    assert.is((await refusals(rig, id))[0]?.actor, 'slack:U0MALLORY');
    const card = await ask(users.alice, `remediate ${id} ${action.id}`);
    assert.match(JSON.stringify(card), /devops_agent_approve/);
    assert.match(JSON.stringify(card), new RegExp(planHash(action).slice(0, 20)));
    const bad = await slash(rig, users.alice, 'status', rig.double.responseUrl(), { signature: 'v0=00' });
    assert.is(bad.status, 401);
  }));

test('Reject opens a modal (views.open) asking why; its submission rejects with the comment as slack:<USER_ID>, audited, the buttons give way to it', () =>
  withRig(async (rig) => {
    const id = await sendAlert(rig, alertWebhook('petsite', 'fp-modal'));
    const { ts, value } = await approvalPost(rig, id);
    const opened = rig.double.callsOf('views.open').length;
    await click(rig, { user: users.carol, actionId: 'devops_agent_reject', value, ts, responseUrl: rig.double.responseUrl() });
    await rig.double.waitFor(() => rig.double.callsOf('views.open').length > opened);
    const call = rig.double.callsOf('views.open')[opened]!;
    assert.is(call.answer?.ok, true);
    const view = call.args.view as { type: string; callback_id: string; blocks: { type: string; element?: { type: string } }[] };
    assert.is(view.type, 'modal');
    assert.ok(view.blocks.some((b) => b.type === 'input' && b.element?.type === 'plain_text_input'), 'a comment field');
    assert.is((await incidentOf(rig, id)).actions[0]!.status, 'proposed', 'nothing decided by opening the modal');
    const response = await submitView(rig, { user: users.carol, call, comment: 'a deploy is going out <!channel>; I roll back by hand' });
    assert.is(response.status, 200);
    await rig.double.waitFor(() => rig.double.callsOf('chat.update').some((u) => u.args.ts === ts && /Rejected/.test(JSON.stringify(u.args.blocks))));
    const incident = await incidentOf(rig, id);
    assert.is(incident.actions[0]!.status, 'rejected');
    assert.is(incident.actions[0]!.approval?.by, 'slack:U0CAROL01');
    assert.is(incident.actions[0]!.approval?.comment, 'a deploy is going out <!channel>; I roll back by hand');
    const rejected = (await rig.agent.store.listAudit({ incidentId: id, limit: 500 })).find((e) => e.action === 'action.rejected')!;
    assert.is(rejected.actor, 'slack:U0CAROL01');
    assert.is((rejected.detail as { comment?: string; via?: string }).comment, 'a deploy is going out <!channel>; I roll back by hand');
    assert.is((rejected.detail as { via?: string }).via, 'slack');
    const update = JSON.stringify(rig.double.callsOf('chat.update').find((u) => u.args.ts === ts)!.args.blocks);
    assert.match(update, /I roll back by hand/);
    assert.not.match(update, /<!channel>/, 'the comment is escaped');
  }));

test('refused: Reject from a user not on the list opens no modal; answered ephemerally and audited', () =>
  withRig(async (rig) => {
    const id = await sendAlert(rig, alertWebhook('pethistory', 'fp-modal-refused'));
    const { ts, value } = await approvalPost(rig, id);
    await click(rig, { user: users.mallory, actionId: 'devops_agent_reject', value, ts, responseUrl: rig.double.responseUrl() });
    await rig.double.waitFor(() => rig.double.callsOf('chat.postEphemeral').length > 0);
    assert.is(rig.double.callsOf('views.open').length, 0);
    const refused = await refusals(rig, id);
    assert.is(refused.length, 1);
    assert.is((refused[0]!.detail as { decision: string; status: number }).decision, 'rejected');
    assert.is((refused[0]!.detail as { status: number }).status, 403);
  }));

test('refused: a modal submitted by a user not on the list (or removed since) decides nothing, audited', () =>
  withRig(async (rig) => {
    const id = await sendAlert(rig, alertWebhook('petsearch', 'fp-modal-mallory'));
    const { ts, value } = await approvalPost(rig, id);
    await rejectWithComment(rig, { user: users.alice, value, ts, comment: 'no', submitter: users.mallory });
    await rig.double.waitFor(() => rig.double.callsOf('chat.postEphemeral').length > 0);
    assert.is(rig.double.callsOf('chat.postEphemeral')[0]!.args.user, users.mallory);
    assert.is((await incidentOf(rig, id)).actions[0]!.status, 'proposed');
    const refused = await refusals(rig, id);
    assert.is(refused.length, 1);
    assert.is(refused[0]!.actor, 'slack:U0MALLORY');
  }));

test('refused: a modal submitted after the action was approved elsewhere (409, audited); the message shows the approval', () =>
  withRig(async (rig) => {
    const id = await sendAlert(rig, alertWebhook('payforadoption', 'fp-modal-late'));
    const { ts, value } = await approvalPost(rig, id);
    const opened = rig.double.callsOf('views.open').length;
    await click(rig, { user: users.alice, actionId: 'devops_agent_reject', value, ts, responseUrl: rig.double.responseUrl() });
    await rig.double.waitFor(() => rig.double.callsOf('views.open').length > opened);
    await click(rig, { user: users.carol, actionId: 'devops_agent_approve', value, ts, responseUrl: rig.double.responseUrl() });
    await rig.double.waitFor(() => rig.double.callsOf('chat.update').some((u) => u.args.ts === ts && /Approved/.test(JSON.stringify(u.args.blocks))));
    await submitView(rig, { user: users.alice, call: rig.double.callsOf('views.open')[opened]!, comment: 'too late' });
    await rig.double.waitFor(() => rig.double.callsOf('chat.postEphemeral').length > 0);
    assert.match(String(rig.double.callsOf('chat.postEphemeral')[0]!.args.text), /not awaiting a decision/);
    assert.not.ok((await incidentOf(rig, id)).actions[0]!.approval?.comment);
    const refused = await refusals(rig, id);
    assert.is(refused.length, 1);
    assert.is((refused[0]!.detail as { status: number; decision: string }).status, 409);
  }));

test('refused: a modal submission with a bad signature is 401 and audited as anonymous', () =>
  withRig(async (rig) => {
    const id = await sendAlert(rig, alertWebhook('petlistadoptions', 'fp-modal-forged'));
    const { ts, value } = await approvalPost(rig, id);
    const opened = rig.double.callsOf('views.open').length;
    await click(rig, { user: users.alice, actionId: 'devops_agent_reject', value, ts, responseUrl: rig.double.responseUrl() });
    await rig.double.waitFor(() => rig.double.callsOf('views.open').length > opened);
    const response = await submitView(rig, { user: users.alice, call: rig.double.callsOf('views.open')[opened]!, comment: 'forged' }, { signature: 'v0=deadbeef' });
    assert.is(response.status, 401);
    assert.is((await incidentOf(rig, id)).actions[0]!.status, 'proposed');
  }));

const decideByApi = (rig: SlackRig, incidentId: string, actionId: string, decision: 'approve' | 'reject', token: string) =>
  fetch(`${rig.agent.url}/incidents/${encodeURIComponent(incidentId)}/actions/${encodeURIComponent(actionId)}/${decision}`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ comment: 'decided at the API' }) });

test('decided elsewhere: a rejection through the JSON API replaces the Slack buttons with the outcome and its approver', () =>
  withRig(async (rig) => {
    const id = await sendAlert(rig, alertWebhook('petsite', 'fp-elsewhere'));
    const { ts } = await approvalPost(rig, id);
    const action = (await incidentOf(rig, id)).actions[0]!;
    const response = await decideByApi(rig, id, action.id, 'reject', testTokens.bob);
    assert.is(response.status, 200);
    await rig.double.waitFor(() => rig.double.callsOf('chat.update').some((u) => u.args.ts === ts));
    const updates = rig.double.callsOf('chat.update').filter((u) => u.args.ts === ts);
    assert.is(updates.length, 1, 'one update');
    const blocks = JSON.stringify(updates[0]!.args.blocks);
    assert.not.match(blocks, /"actions"/, 'the buttons are gone');
    assert.match(blocks, /Rejected\* by bob/);
    assert.match(blocks, /decided at the API/);
    // Written once Slack answered the update: a restarted agent leaves this message alone.
    const closedInAudit = async () => (await rig.agent.store.listAudit({ incidentId: id, limit: 500 })).some((e) => e.action === 'slack.message' && (e.detail as { role?: string }).role === 'approval-closed');
    for (let n = 0; n < 50 && !(await closedInAudit()); n++) await new Promise((resolve) => setTimeout(resolve, 20));
    assert.ok(await closedInAudit());
  }));

test('decided elsewhere: an approval through the JSON API does too; a Slack click afterwards is refused (409) and the message not updated twice', () =>
  withRig(async (rig) => {
    const id = await sendAlert(rig, alertWebhook('petsearch', 'fp-elsewhere-approve'));
    const { ts, value } = await approvalPost(rig, id);
    const action = (await incidentOf(rig, id)).actions[0]!;
    assert.is((await decideByApi(rig, id, action.id, 'approve', testTokens.alice)).status, 200);
    await rig.double.waitFor(() => rig.double.callsOf('chat.update').some((u) => u.args.ts === ts && /Approved\* by alice/.test(JSON.stringify(u.args.blocks))));
    await click(rig, { user: users.carol, actionId: 'devops_agent_approve', value, ts, responseUrl: rig.double.responseUrl() });
    await rig.double.waitFor(() => rig.double.callsOf('chat.postEphemeral').length > 0);
    assert.match(String(rig.double.callsOf('chat.postEphemeral')[0]!.args.text), /not awaiting a decision/);
    assert.is(rig.double.callsOf('chat.update').filter((u) => u.args.ts === ts && /Approved/.test(JSON.stringify(u.args.blocks))).length, 1);
  }));

test('a Slack click updates its message once (the decision listener and the click handler do not both update it)', () =>
  withRig(async (rig) => {
    const id = await sendAlert(rig, alertWebhook('pethistory', 'fp-once'));
    const { ts, value } = await approvalPost(rig, id);
    await click(rig, { user: users.alice, actionId: 'devops_agent_approve', value, ts, responseUrl: rig.double.responseUrl() });
    await rig.double.waitFor(() => rig.double.callsOf('chat.update').some((u) => u.args.ts === ts));
    await rig.double.waitFor(() => rig.double.callsOf('chat.postMessage').some((p) => /MTTR/.test(JSON.stringify(p.args.blocks))));
    assert.is(rig.double.callsOf('chat.update').filter((u) => u.args.ts === ts).length, 1);
  }));

test('after a restart: the approval messages left with buttons are re-armed from the audit, and their expiry still updates them', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'slack-restart-'));
  const sqlitePath = join(dir, 'agent.db');
  const safety = { allowedNamespaces: ['petadoptions'], maxReplicas: 10, minReplicas: 1, maxPodsPerAction: 3, approvalRequiredFrom: 'medium' as const, approvalTtlSeconds: 3 };
  const first = await startSlackRig({ sqlitePath, safety });
  const double = first.double;
  try {
    const id = await sendAlert(first, alertWebhook('petsite', 'fp-restart'));
    const { ts } = await approvalPost(first, id);
    // The first agent goes away before the expiry; nothing of it remains in memory.
    await first.agent.stop({ graceMs: 0 });
    assert.not.ok(double.callsOf('chat.update').some((u) => u.args.ts === ts));
    const second = await startSlackRig({ sqlitePath, safety }, { double });
    try {
      await double.waitFor(() => double.callsOf('chat.update').some((u) => u.args.ts === ts && /Expired/.test(JSON.stringify(u.args.blocks))), 10_000);
      await new Promise((resolve) => setTimeout(resolve, 500));
      assert.is(double.callsOf('chat.update').filter((u) => u.args.ts === ts).length, 1, JSON.stringify(double.callsOf('chat.update').map((u) => [u.args.ts, u.at, u.args.text])) + ts);
    } finally {
      await second.agent.stop({ graceMs: 0 });
    }
    // A third start finds the message closed in the audit and leaves it alone.
    const before = double.callsOf('chat.update').length;
    const third = await startSlackRig({ sqlitePath, safety }, { double });
    try {
      await new Promise((resolve) => setTimeout(resolve, 300));
      assert.is(double.callsOf('chat.update').length, before);
    } finally {
      await third.agent.stop({ graceMs: 0 });
    }
  } finally {
    await double.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
