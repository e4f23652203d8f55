/**
 * What people do in Slack: click Approve / Reject, and type `/devops-agent ...`. Both ack at once
 * (Slack waits 3 s) and then act.
 *
 * A click decides through the one decision function (agent/api/decisions.ts) as `slack:<USER_ID>`,
 * bound to the plan hash the message carried: only users on the approver list, once, before the
 * expiry, and only the plan shown. The buttons are then replaced by the outcome (`chat.update`, or the
 * response_url for an ephemeral card). A refused click is answered ephemerally and audited.
 * Reject opens a modal (views.open) asking why; its submission (view_submission) rejects with that
 * comment through the same function, checks and audit.
 */
import type { AllMiddlewareArgs, App, BlockAction, ButtonAction, RespondFn, SlackActionMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction, webApi } from '@slack/bolt';
import type { Logger } from '../../../core/log.js';
import type { Action, Incident } from '../../../core/types.js';
import { isFinal } from '../../../core/incident-lifecycle.js';
import { decideAction, planHash, refuseDecision, slackApprover } from '../../api/decisions.js';
import { isDns1123Subdomain } from '../../intake/names.js';
import { promqlString } from '../../evidence/promql.js';
import type { MetricsEvidence, StateStore } from '../../ports.js';
import { ApprovalError, type ApprovalDesk, type Decision } from '../../workflow/approvals.js';
import type { ApproverList } from './approvers.js';
import { APPROVE_ACTION_ID, approvalMessage, approvalOutcomeMessage, decodeButtonValue, parseRejectModalContext, REJECT_ACTION_ID, REJECT_COMMENT_ACTION_ID, REJECT_COMMENT_BLOCK_ID, REJECT_COMMENT_LIMIT, REJECT_MODAL_CALLBACK_ID, rejectModal, rootCauseMessage, sections, serviceOf, type ButtonValue, type MessageLinks, type SlackMessage } from './blocks.js';

type WebClient = webApi.WebClient;
import { escapeMrkdwn, inlineCode } from './mrkdwn.js';
import { outcomeOf, type SlackNotifier } from './notifier.js';

export const SLASH_COMMAND = '/devops-agent';

export interface InteractionOptions {
  store: StateStore;
  desk: ApprovalDesk;
  approvers: ApproverList;
  notifier: SlackNotifier;
  links: MessageLinks;
  metrics?: MetricsEvidence;
  /** rate() window of metric queries (the agent's --rate-window). */
  rateWindow: string;
  now: () => number;
  log: Logger;
}

export const helpText = [
  '*/devops-agent* — the DevOps agent',
  '• `/devops-agent status`: open incidents, their status and root cause',
  '• `/devops-agent analyze <incident>`: the root cause of an incident with its evidence',
  '• `/devops-agent metrics <pod>`: memory, CPU and restarts of a pod now',
  '• `/devops-agent remediate <action>`: show a proposed action with Approve / Reject (approvers only)',
  '• `/devops-agent help`: this text',
].join('\n');

/** Slash commands answer within 3 s: a query slower than this is cut short and said so. */
const QUERY_BUDGET_MS = 2_000;

export function registerInteractions(app: App, options: InteractionOptions): void {
  app.action<BlockAction<ButtonAction>>(new RegExp(`^(${APPROVE_ACTION_ID}|${REJECT_ACTION_ID})$`), async (args) => {
    await args.ack();
    await onClick(args, options);
  });
  // The Reject modal's submission: Bolt acks (the modal closes), then the decision is taken.
  app.view<ViewSubmitAction>(REJECT_MODAL_CALLBACK_ID, async (args) => {
    await args.ack();
    await onRejectSubmitted(args, options);
  });
  app.command(SLASH_COMMAND, async ({ ack, command, respond }) => {
    await ack();
    try {
      const answer = await answerCommand(command.text, command.user_id, options);
      await respond({ response_type: 'ephemeral', text: answer.text, blocks: answer.blocks.slice(0, 50) });
    } catch (error) {
      options.log.error('slash command failed', { error: (error as Error).stack ?? String(error) });
      await respond({ response_type: 'ephemeral', text: 'The agent could not answer; see its log.' });
    }
  });
}

type DecisionArgs = SlackActionMiddlewareArgs<BlockAction<ButtonAction>> & AllMiddlewareArgs;
type RejectSubmission = SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs;

/** Where the decided message is, and how to answer the person who decided. */
interface Where {
  channel: string | undefined;
  ts: string | undefined;
  ephemeral: boolean;
  respond: RespondFn;
  tell: (text: string) => Promise<void>;
}

function teller(client: WebClient, user: string, where: { channel: string | undefined; ephemeral: boolean; respond: RespondFn }, log: Logger) {
  return async (text: string) => {
    try {
      if (where.channel && !where.ephemeral) await client.chat.postEphemeral({ channel: where.channel, user, text });
      else await where.respond({ response_type: 'ephemeral', replace_original: false, text });
    } catch (error) {
      log.warn('could not answer a Slack user', { user, error: (error as Error).message });
    }
  };
}

async function onClick({ body, action, client, respond }: DecisionArgs, options: InteractionOptions): Promise<void> {
  const { desk, approvers, log } = options;
  const user = body.user.id;
  const decision: Decision = action.action_id === APPROVE_ACTION_ID ? 'approved' : 'rejected';
  const container = (body as { container?: { channel_id?: string; message_ts?: string; is_ephemeral?: boolean } }).container ?? {};
  const channel = container.channel_id ?? body.channel?.id;
  const ts = container.message_ts ?? body.message?.ts;
  const ephemeral = container.is_ephemeral === true;
  const tell = teller(client, user, { channel, ephemeral, respond }, log);
  const value = decodeButtonValue(action.value);
  if (!value) {
    await tell(':warning: This button carries no action the agent knows; nothing was decided.');
    return;
  }
  const allowed = await approvers.check(user);
  if (!allowed.allowed) {
    await refuseDecision(desk, { incidentId: value.incidentId, actionId: value.actionId, decision, actor: slackApprover(user), via: 'slack', status: 403, reason: allowed.reason, ...(channel ? { headers: { 'slack-channel': channel } } : {}) });
    await tell(`:no_entry: ${escapeMrkdwn(allowed.reason)}. Nothing was decided.`);
    return;
  }
  if (decision === 'rejected' && body.trigger_id) {
    // Reject asks why first (a modal); nothing is decided until it is submitted. An action that no
    // longer awaits a decision goes straight to the refusal below, with its reason.
    const incident = await options.store.getIncident(value.incidentId);
    const current = incident?.actions.find((a) => a.id === value.actionId);
    if (incident && current?.status === 'proposed' && options.now() < Date.parse(current.expiresAt)) {
      try {
        const responseUrl = (body as { response_url?: string }).response_url;
        await client.views.open({ trigger_id: body.trigger_id, view: rejectModal(incident, current, { value: action.value ?? '', ...(channel ? { channel } : {}), ...(ts ? { ts } : {}), ...(ephemeral ? { ephemeral } : {}), ...(ephemeral && responseUrl ? { responseUrl } : {}) }) });
        return;
      } catch (error) {
        // No modal (an expired trigger, a missing scope): reject without a comment rather than not at all.
        log.warn('could not open the Reject modal; rejecting without a comment', { user, error: (error as Error).message });
      }
    }
  }
  await decideFromSlack(user, decision, value, undefined, { channel, ts, ephemeral, respond, tell }, options);
}

async function onRejectSubmitted({ body, view, client }: RejectSubmission, options: InteractionOptions): Promise<void> {
  const { desk, approvers, log } = options;
  const user = body.user.id;
  const context = parseRejectModalContext(view.private_metadata);
  const value = context ? decodeButtonValue(context.value) : undefined;
  const respond = (async (message: Parameters<RespondFn>[0]) => {
    if (!context?.responseUrl) return;
    await fetch(context.responseUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(typeof message === 'string' ? { text: message } : message), signal: AbortSignal.timeout(5_000) });
  }) as unknown as RespondFn;
  const where = { channel: context?.channel, ts: context?.ts, ephemeral: context?.ephemeral === true, respond };
  const tell = teller(client, user, where, log);
  if (!value) {
    log.warn('a Reject modal came back without the action it was opened for', { user });
    await tell(':warning: The agent could not tell which action this rejection is for; nothing was decided.');
    return;
  }
  const allowed = await approvers.check(user);
  if (!allowed.allowed) {
    await refuseDecision(desk, { incidentId: value.incidentId, actionId: value.actionId, decision: 'rejected', actor: slackApprover(user), via: 'slack', status: 403, reason: allowed.reason, ...(where.channel ? { headers: { 'slack-channel': where.channel } } : {}) });
    await tell(`:no_entry: ${escapeMrkdwn(allowed.reason)}. Nothing was decided.`);
    return;
  }
  const input = view.state.values[REJECT_COMMENT_BLOCK_ID]?.[REJECT_COMMENT_ACTION_ID];
  const comment = typeof input?.value === 'string' ? input.value.trim().slice(0, REJECT_COMMENT_LIMIT) : undefined;
  await decideFromSlack(user, 'rejected', value, comment || undefined, { ...where, tell }, options);
}

/**
 * A Slack user's decision through the one decision function, bound to the plan the message showed; the
 * message then shows the outcome. Refusals are answered to the user and audited (409s by the desk).
 */
async function decideFromSlack(user: string, decision: Decision, value: ButtonValue, comment: string | undefined, where: Where, options: InteractionOptions): Promise<void> {
  const { desk } = options;
  const approver = slackApprover(user);
  try {
    const { incident, action: decided } = await decideAction(desk, { incidentId: value.incidentId, actionId: value.actionId, decision, principal: { name: approver, via: 'slack' }, planHash: value.planHash, remote: 'slack', ...(comment ? { comment } : {}) });
    await showOutcome(incident, decided, where, options);
  } catch (error) {
    if (!(error instanceof ApprovalError)) throw error;
    // 409s (decided, expired, plan changed) are audited by the desk; the rest here.
    if (error.status !== 409) await refuseDecision(desk, { incidentId: value.incidentId, actionId: value.actionId, decision, actor: approver, via: 'slack', status: error.status, reason: error.message });
    await where.tell(`:no_entry: ${escapeMrkdwn(error.message)}`);
    const incident = await options.store.getIncident(value.incidentId);
    const current = incident?.actions.find((a) => a.id === value.actionId);
    if (!incident || !current) return;
    if (current.status === 'proposed' && planHash(current) !== value.planHash) {
      // The plan changed: this message shows a plan nobody may approve any more; show the new one.
      await showOutcome(incident, current, where, options, { kind: 'other', status: 'superseded by a new plan (see the next message)' });
      if (!where.ephemeral) await options.notifier.postApproval(incident, current);
      else await where.respond({ response_type: 'ephemeral', replace_original: false, ...approvalMessage(incident, current, planHash(current), options.links) });
      return;
    }
    await showOutcome(incident, current, where, options);
  }
}

async function showOutcome(incident: Incident, action: Action, where: Omit<Where, 'tell'>, options: InteractionOptions, forced?: ReturnType<typeof outcomeOf>): Promise<void> {
  const outcome = forced ?? outcomeOf(action, options.now());
  if (!outcome) return;
  try {
    if (where.ephemeral) {
      await where.respond({ replace_original: true, ...approvalOutcomeMessage(incident, action, outcome) });
    } else if (where.channel && where.ts) {
      const ref = { channel: where.channel, ts: where.ts };
      // Already updated by the desk's listener (app.ts), unless this one says something else (superseded).
      if (!forced && !options.notifier.claim(incident.id, action.id, ref)) return;
      await options.notifier.showOutcome(incident, action, ref, outcome);
    }
  } catch (error) {
    options.log.warn('could not replace the buttons of a Slack approval message', { incidentId: incident.id, actionId: action.id, error: (error as Error).message });
  }
}

const text = (message: string): SlackMessage => ({ text: message, blocks: sections(message) });

/** The answer to `/devops-agent <text>` from `user`. */
export async function answerCommand(input: string, user: string, options: InteractionOptions): Promise<SlackMessage> {
  const [verb = 'help', ...rest] = input.trim().split(/\s+/).filter(Boolean);
  switch (verb.toLowerCase()) {
    case 'status':
      return status(options);
    case 'analyze':
    case 'analyse':
      return rest[0] ? analyze(rest[0], options) : text('Usage: `/devops-agent analyze <incident>` (incident ids are in `/devops-agent status`)');
    case 'metrics':
      return rest[0] ? metrics(rest[0], options) : text('Usage: `/devops-agent metrics <pod>`');
    case 'remediate':
      return rest[0] ? remediate(rest, user, options) : text('Usage: `/devops-agent remediate <action>` or `remediate <incident> <action>`');
    case 'help':
      return text(helpText);
    default:
      return text(`Unknown command ${inlineCode(verb.slice(0, 40))}.\n${helpText}`);
  }
}

const pct = (v: number) => `${Math.round(v * 100)}%`;
const openStatuses: Incident['status'][] = ['open', 'investigating', 'awaiting-approval', 'remediating', 'verifying'];

async function status(options: InteractionOptions): Promise<SlackMessage> {
  const { items } = await options.store.listIncidents({ status: openStatuses, limit: 20 });
  if (!items.length) return text(':white_check_mark: No open incidents.');
  const lines = items.map((i) => {
    const waiting = i.actions.filter((a) => a.status === 'proposed').length;
    return `• ${inlineCode(i.id)} *${escapeMrkdwn(i.status)}* [${i.severity}] ${escapeMrkdwn(serviceOf(i))}: ${escapeMrkdwn(i.title)}${i.rootCause ? ` — ${escapeMrkdwn(i.rootCause.kind)} (${pct(i.rootCause.confidence)})` : ''}${waiting ? ` — ${waiting} action${waiting > 1 ? 's' : ''} awaiting approval` : ''}`;
  });
  return { text: `${items.length} open incident${items.length > 1 ? 's' : ''}`, blocks: sections(`*Open incidents*\n${lines.join('\n')}`).slice(0, 50) };
}

async function analyze(id: string, options: InteractionOptions): Promise<SlackMessage> {
  const incident = await options.store.getIncident(id);
  if (!incident) return text(`No incident ${inlineCode(id.slice(0, 100))}; \`/devops-agent status\` lists the open ones.`);
  const head = sections(`Incident ${inlineCode(incident.id)} is *${escapeMrkdwn(incident.status)}*: ${escapeMrkdwn(incident.title)}`);
  if (!incident.rootCause) return { text: `incident ${incident.id}: no root cause yet`, blocks: [...head, ...sections(isFinal(incident.status) ? 'No root cause was found.' : 'The agent is still investigating; no root cause yet.')] };
  const rc = rootCauseMessage(incident, options.links);
  const pending = incident.actions.filter((a) => a.status === 'proposed').map((a) => `• ${inlineCode(a.id)} ${escapeMrkdwn(a.kind)} (risk ${a.risk}): \`/devops-agent remediate ${escapeMrkdwn(incident.id)} ${escapeMrkdwn(a.id)}\``);
  return { text: rc.text, blocks: [...head, ...rc.blocks, ...(pending.length ? sections(`*Awaiting approval*\n${pending.join('\n')}`) : [])].slice(0, 50) };
}

async function metrics(pod: string, options: InteractionOptions): Promise<SlackMessage> {
  if (!isDns1123Subdomain(pod)) return text(`${inlineCode(pod.slice(0, 100))} is not a pod name (lower-case letters, digits, - and .).`);
  if (!options.metrics) return text('The agent has no metrics source (--mcp-url or --prometheus-url).');
  const selector = `pod=${promqlString(pod)}, container!="", container!="POD"`;
  const queries = {
    memory: `sum by (container) (container_memory_working_set_bytes{${selector}})`,
    cpu: `sum by (container) (rate(container_cpu_usage_seconds_total{${selector}}[${options.rateWindow}]))`,
    restarts: `sum by (container) (kube_pod_container_status_restarts_total{pod=${promqlString(pod)}})`,
  };
  const signal = AbortSignal.timeout(QUERY_BUDGET_MS);
  const run = async (q: string) => {
    try {
      return await options.metrics!.instant(q, { signal });
    } catch (error) {
      return (error as Error).name === 'TimeoutError' || signal.aborted ? 'timeout' : (error as Error).message;
    }
  };
  const [memory, cpu, restarts] = await Promise.all([run(queries.memory), run(queries.cpu), run(queries.restarts)]);
  const show = (name: string, result: Awaited<ReturnType<typeof run>>, format: (v: number) => string) => {
    if (typeof result === 'string') return `*${name}*: ${result === 'timeout' ? `no answer within ${QUERY_BUDGET_MS / 1000} s` : `unavailable (${escapeMrkdwn(result.slice(0, 200))})`}`;
    if (!result.length) return `*${name}*: no series`;
    return `*${name}*: ${result.map((r) => `${escapeMrkdwn(r.labels.container ?? '-')} ${format(r.value)}`).join(', ')}`;
  };
  const lines = [
    `Pod ${inlineCode(pod)} now`,
    show('Memory (working set)', memory, (v) => `${(v / 2 ** 20).toFixed(0)} MiB`),
    show('CPU', cpu, (v) => `${v.toFixed(3)} cores`),
    show('Restarts', restarts, (v) => String(Math.round(v))),
  ];
  const graph = options.links.graphUrl?.(queries.memory);
  return { text: `metrics of ${pod}`, blocks: sections(`${lines.join('\n')}${graph ? `\n<${graph}|graph>` : ''}`) };
}

async function remediate(args: string[], user: string, options: InteractionOptions): Promise<SlackMessage> {
  const [first, second] = args;
  let incident: Incident | undefined;
  let action: Action | undefined;
  if (second) {
    incident = await options.store.getIncident(first!);
    action = incident?.actions.find((a) => a.id === second);
  } else {
    const { items } = await options.store.listIncidents({ status: openStatuses, limit: 200 });
    for (const candidate of items) {
      const found = candidate.actions.find((a) => a.id === first);
      if (found) [incident, action] = [candidate, found];
    }
  }
  const allowed = await options.approvers.check(user);
  if (!allowed.allowed) {
    await refuseDecision(options.desk, { incidentId: incident?.id ?? (second ? first! : '-'), actionId: (second ?? first!).slice(0, 200), decision: 'approved', actor: slackApprover(user), via: 'slack', status: 403, reason: `remediate: ${allowed.reason}` });
    return text(`:no_entry: ${escapeMrkdwn(allowed.reason)}; \`remediate\` is for approvers only.`);
  }
  if (!incident || !action) return text(`No proposed action ${inlineCode((second ?? first!).slice(0, 100))}${second ? ` in incident ${inlineCode(first!.slice(0, 100))}` : ' in the open incidents'}; \`/devops-agent analyze <incident>\` lists them.`);
  if (action.status !== 'proposed') return text(`Action ${inlineCode(action.id)} is *${escapeMrkdwn(action.status)}*; it does not await a decision.`);
  // A command line shows no plan: the card does, and its buttons are bound to the plan it shows.
  return approvalMessage(incident, action, planHash(action), options.links);
}
