/**
 * An agent with its Slack app over HTTP, pointed at the Slack double (test/support/slack-double.ts):
 * stub step handlers (test/support/agent/workflow-testkit.ts) so an alert reaches an approval at once,
 * and helpers that post what Slack would post to /slack/events, signed with the app's signing secret.
 * Used by test/slack.test.ts and bench/slack.bench.ts. Only loopback traffic.
 */
import { createLogger } from '../../core/log.js';
import type { Incident } from '../../core/types.js';
import { createAgent, type Agent } from '../../agent/app.js';
import type { AgentConfig } from '../../agent/config.js';
import { FakeCluster, RecordingNotifier, StubWorld, stubHandlers, testConfig } from './agent/workflow-testkit.js';
import { testCredentials, testTokens } from './agent/test-credentials.js';
import { postSigned, SlackDouble, type SlackCall } from './slack-double.js';

export const slackSecrets = {
  botToken: 'xoxb-0000000000-0000000000000-doubledoubledoubledouble',
  signingSecret: '8f742231b10e8888abcd99yyyzzz85a5',
  /** Socket Mode's app-level token. */
  appToken: 'xapp-1-A0DOUBLE01-0000000000000-doubledoubledoubledouble',
};
export const channel = 'C0INCIDENTS';
/** On the allow-list by id: alice; through the user group S0ONCALL: carol. Mallory is on neither. */
export const users = { alice: 'U0ALICE01', carol: 'U0CAROL01', mallory: 'U0MALLORY' };

export interface SlackRig {
  agent: Agent;
  double: SlackDouble;
  world: StubWorld;
  notifier: RecordingNotifier;
  eventsUrl: string;
  stop(): Promise<void>;
}

/** `mode: 'socket'`: Socket Mode over the double's WebSocket (waits for the connection); else HTTP. */
export async function startSlackRig(overrides: Partial<AgentConfig> = {}, options: { mode?: 'http' | 'socket'; double?: SlackDouble } = {}): Promise<SlackRig> {
  const mode = options.mode ?? 'http';
  // A double given is kept running at stop (a test restarting the agent against the same Slack).
  const owned = !options.double;
  const double = options.double ?? (await new SlackDouble({ botToken: slackSecrets.botToken, appToken: slackSecrets.appToken, userGroups: { S0ONCALL: [users.carol] } }).start());
  const authChecks = double.callsOf('auth.test').length;
  const world = new StubWorld();
  const notifier = new RecordingNotifier();
  const agent = await createAgent(
    testConfig({
      credentials: testCredentials,
      slack: mode === 'http' ? { mode, botToken: slackSecrets.botToken, signingSecret: slackSecrets.signingSecret, channel, approvers: [users.alice, 'S0ONCALL'], apiUrl: double.apiUrl } : { mode, botToken: slackSecrets.botToken, appToken: slackSecrets.appToken, channel, approvers: [users.alice, 'S0ONCALL'], apiUrl: double.apiUrl },
      ...overrides,
    }),
    { log: createLogger('slack-test', { level: 'error' }), stepHandlers: stubHandlers(world), evidence: {}, cluster: new FakeCluster(), notifier, pollIntervalMs: 20 },
  );
  await agent.start();
  await double.waitFor(() => double.callsOf('auth.test').length > authChecks);
  if (mode === 'socket') await double.waitFor(() => double.sockets.size > 0);
  return {
    agent,
    double,
    world,
    notifier,
    eventsUrl: `${agent.url}/slack/events`,
    async stop() {
      await agent.stop({ graceMs: 0 });
      if (owned) await double.stop();
    },
  };
}

/** An Alertmanager webhook for a pod of `service`, with whatever labels and summary the test wants. */
export function alertWebhook(service: string, fingerprint: string, extra: { summary?: string; labels?: Record<string, string> } = {}) {
  const pod = `${service}-7d4b9c6f5b-x2k8q`;
  return {
    version: '4',
    groupKey: `{}:{alertname="ContainerMemoryNearLimit"}`,
    status: 'firing',
    receiver: 'devops-agent',
    groupLabels: { alertname: 'ContainerMemoryNearLimit' },
    commonLabels: {},
    commonAnnotations: {},
    externalURL: 'http://127.0.0.1:19093',
    alerts: [
      {
        status: 'firing',
        labels: { alertname: 'ContainerMemoryNearLimit', namespace: 'petadoptions', deployment: service, pod, container: service, severity: 'warning', ...extra.labels },
        annotations: { summary: extra.summary ?? `Container petadoptions/${pod} ${service} is close to its memory limit` },
        startsAt: new Date(Date.now() - 60_000).toISOString(),
        endsAt: '0001-01-01T00:00:00Z',
        fingerprint,
      },
    ],
  };
}

export async function sendAlert(rig: SlackRig, body: unknown): Promise<string> {
  const response = await fetch(`${rig.agent.url}/webhooks/alertmanager`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${testTokens.webhook}` }, body: JSON.stringify(body) });
  if (response.status !== 202) throw new Error(`webhook answered ${response.status}: ${await response.text()}`);
  const { results } = (await response.json()) as { results: { incidentId?: string }[] };
  return results[0]!.incidentId!;
}

const blocksOf = (call: SlackCall) => (Array.isArray(call.args.blocks) ? (call.args.blocks as { type: string; elements?: { action_id?: string; value?: string }[] }[]) : []);

/** The chat.postMessage that carried Approve / Reject for the incident (waits for it). */
export async function approvalPost(rig: SlackRig, incidentId: string): Promise<{ call: SlackCall; ts: string; value: string }> {
  const find = () => rig.double.callsOf('chat.postMessage').find((c) => blocksOf(c).some((b) => b.type === 'actions' && b.elements?.some((e) => e.value?.includes(`"${incidentId}"`))));
  await rig.double.waitFor(() => find() !== undefined);
  const call = find()!;
  const value = blocksOf(call).find((b) => b.type === 'actions')!.elements![0]!.value!;
  return { call, ts: String(call.answer?.ts), value };
}

export function blockActionsPayload(options: { user: string; actionId: 'devops_agent_approve' | 'devops_agent_reject'; value: string; ts: string; responseUrl: string }) {
  return {
    type: 'block_actions',
    user: { id: options.user, username: options.user.toLowerCase(), name: options.user.toLowerCase(), team_id: 'T0001DOUBLE' },
    api_app_id: 'A0DOUBLE01',
    token: 'verification-token-unused',
    container: { type: 'message', message_ts: options.ts, channel_id: channel, is_ephemeral: false },
    trigger_id: '12321423423.333649436676.d8c1bb837935619ccad0f624c448ffb3',
    team: { id: 'T0001DOUBLE', domain: 'double' },
    enterprise: null,
    is_enterprise_install: false,
    channel: { id: channel, name: 'incidents' },
    message: { type: 'message', ts: options.ts, text: 'approval needed', bot_id: 'B0BOTDOUBLE' },
    state: { values: {} },
    response_url: options.responseUrl,
    actions: [{ action_id: options.actionId, block_id: 'decide', text: { type: 'plain_text', text: options.actionId.endsWith('approve') ? 'Approve' : 'Reject' }, value: options.value, style: options.actionId.endsWith('approve') ? 'primary' : 'danger', type: 'button', action_ts: `${Date.now() / 1000}` }],
  };
}

/** Posts a click as Slack does (form-urlencoded `payload`, signed). */
export function click(rig: SlackRig, options: Parameters<typeof blockActionsPayload>[0], signing: { timestamp?: number; signature?: string } = {}): Promise<Response> {
  return postSigned(rig.eventsUrl, { payload: JSON.stringify(blockActionsPayload(options)) }, { signingSecret: slackSecrets.signingSecret, ...signing });
}

/** The fields of `/devops-agent <text>` as Slack sends them (form fields over HTTP, an object over Socket Mode). */
export function slashPayload(user: string, text: string, responseUrl: string): Record<string, string> {
  return { token: 'verification-token-unused', team_id: 'T0001DOUBLE', team_domain: 'double', channel_id: channel, channel_name: 'incidents', user_id: user, user_name: user.toLowerCase(), command: '/devops-agent', text, api_app_id: 'A0DOUBLE01', is_enterprise_install: 'false', response_url: responseUrl, trigger_id: '13345224609.738474920.8088930838d88f008e0' };
}

/** Posts `/devops-agent <text>` as Slack does. */
export function slash(rig: Pick<SlackRig, 'eventsUrl'>, user: string, text: string, responseUrl: string, signing: { timestamp?: number; signature?: string } = {}): Promise<Response> {
  return postSigned(rig.eventsUrl, slashPayload(user, text, responseUrl), { signingSecret: slackSecrets.signingSecret, ...signing });
}

/** A view_submission of the Reject modal opened by views.open `call`, with `comment` typed in, as Slack sends it. */
export function viewSubmissionPayload(options: { user: string; call: SlackCall; comment?: string }) {
  const view = options.call.args.view as { callback_id: string; private_metadata: string; blocks: unknown[]; title: unknown };
  const id = String((options.call.answer?.view as { id?: string } | undefined)?.id ?? 'V0DOUBLE');
  return {
    type: 'view_submission',
    team: { id: 'T0001DOUBLE', domain: 'double' },
    user: { id: options.user, username: options.user.toLowerCase(), name: options.user.toLowerCase(), team_id: 'T0001DOUBLE' },
    api_app_id: 'A0DOUBLE01',
    token: 'verification-token-unused',
    trigger_id: '12466734323.1395872398.39ab9f3c7b8fa1ea37a1b4a4e1a6e9f2',
    view: {
      id,
      team_id: 'T0001DOUBLE',
      type: 'modal',
      blocks: view.blocks,
      private_metadata: view.private_metadata,
      callback_id: view.callback_id,
      state: { values: { reject_comment: { comment: { type: 'plain_text_input', value: options.comment ?? null } } } },
      hash: '156663117.cd33ad1f',
      title: view.title,
      clear_on_close: false,
      notify_on_close: false,
      close: { type: 'plain_text', text: 'Cancel' },
      submit: { type: 'plain_text', text: 'Reject' },
      previous_view_id: null,
      root_view_id: id,
      app_id: 'A0DOUBLE01',
      external_id: '',
      app_installed_team_id: 'T0001DOUBLE',
      bot_id: 'B0BOTDOUBLE',
    },
    response_urls: [],
    is_enterprise_install: false,
    enterprise: null,
  };
}

/** Submits the Reject modal (signed, form-urlencoded `payload`, as Slack posts it). */
export function submitView(rig: SlackRig, options: Parameters<typeof viewSubmissionPayload>[0], signing: { timestamp?: number; signature?: string } = {}): Promise<Response> {
  return postSigned(rig.eventsUrl, { payload: JSON.stringify(viewSubmissionPayload(options)) }, { signingSecret: slackSecrets.signingSecret, ...signing });
}

/** Clicks Reject and, once the modal is open (views.open at the double), submits it with `comment`. */
export async function rejectWithComment(rig: SlackRig, options: { user: string; value: string; ts: string; comment?: string; submitter?: string }): Promise<SlackCall> {
  const opened = rig.double.callsOf('views.open').length;
  const response = await click(rig, { user: options.user, actionId: 'devops_agent_reject', value: options.value, ts: options.ts, responseUrl: rig.double.responseUrl() });
  if (response.status !== 200) throw new Error(`the Reject click answered ${response.status}`);
  await rig.double.waitFor(() => rig.double.callsOf('views.open').length > opened);
  const call = rig.double.callsOf('views.open')[opened]!;
  const submitted = await submitView(rig, { user: options.submitter ?? options.user, call, ...(options.comment !== undefined ? { comment: options.comment } : {}) });
  if (submitted.status !== 200) throw new Error(`the modal's submission answered ${submitted.status}`);
  return call;
}

export async function incidentOf(rig: SlackRig, id: string): Promise<Incident> {
  return (await rig.agent.store.getIncident(id))!;
}
