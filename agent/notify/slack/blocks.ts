/**
 * The agent's notifications as Block Kit messages: incident opened, root cause with its evidence,
 * proposed actions with Approve / Reject, what was done, the resolution with its MTTR. Pure functions
 * of the incident; every text from the incident is escaped (mrkdwn.ts) and split within Slack's limits.
 * The buttons carry the incident, the action and the hash of the plan shown (`planHash`), so a click
 * decides exactly what the message showed.
 */
import type { types } from '@slack/bolt';
import type { Action, Incident } from '../../../core/types.js';
import { formatDuration } from '../../../core/duration.js';
import { describeTarget } from '../../intake/target.js';
import { BLOCKS_PER_MESSAGE, BUTTON_TEXT_LIMIT, BUTTON_VALUE_LIMIT, cut, escapeCode, escapeMrkdwn, FALLBACK_TEXT_LIMIT, HEADER_TEXT_LIMIT, inlineCode, SECTION_TEXT_LIMIT, splitText } from './mrkdwn.js';

type KnownBlock = types.KnownBlock;

export interface SlackMessage {
  /** The fallback text (notifications, screen readers, clients without blocks). */
  text: string;
  blocks: KnownBlock[];
}

/** Links the messages carry: the web console's page of an incident, a Prometheus graph of a query. */
export interface MessageLinks {
  consoleUrl(incident: Incident): string;
  /** A graph of `promql` (Prometheus's /graph), when the agent knows a Prometheus people can open. */
  graphUrl?(promql: string): string | undefined;
}

/** What an Approve / Reject button carries (its `value`): which action, and the plan the message showed. */
export interface ButtonValue {
  incidentId: string;
  actionId: string;
  planHash: string;
}

export const APPROVE_ACTION_ID = 'devops_agent_approve';
export const REJECT_ACTION_ID = 'devops_agent_reject';

const severityIcon: Record<Incident['severity'], string> = { critical: ':red_circle:', warning: ':large_orange_circle:', info: ':large_blue_circle:' };
const riskIcon: Record<Action['risk'], string> = { low: ':white_circle:', medium: ':large_yellow_circle:', high: ':red_circle:' };
const pct = (value: number) => `${Math.round(value * 100)}%`;

/** Sections holding `escaped` mrkdwn, split at 3000 characters; `code` wraps each piece in a code block. */
export function sections(escaped: string, code = false): KnownBlock[] {
  const fence = code ? 8 : 0;
  return splitText(escaped, SECTION_TEXT_LIMIT, fence).map((piece) => ({ type: 'section', text: { type: 'mrkdwn', text: code ? `\`\`\`\n${piece}\n\`\`\`` : piece } }));
}

/** Plain text is escaped too: Slack reads `&`, `<` and `>` as entities in every text (a header cannot mention anyone, and stays unambiguous). */
const header = (text: string): KnownBlock => ({ type: 'header', text: { type: 'plain_text', text: cut(escapeMrkdwn(text), HEADER_TEXT_LIMIT), emoji: true } });
const context = (escaped: string): KnownBlock => ({ type: 'context', elements: [{ type: 'mrkdwn', text: cut(escaped, SECTION_TEXT_LIMIT) }] });
const link = (url: string, label: string) => `<${url.replace(/[<>|]/g, encodeURIComponent)}|${escapeMrkdwn(label)}>`;
/** The fallback `text` is mrkdwn too: escaped like the blocks. */
const fallback = (text: string) => cut(escapeMrkdwn(text), FALLBACK_TEXT_LIMIT);

export function serviceOf(incident: Incident): string {
  return incident.target ? describeTarget(incident.target) : 'the cluster';
}

/** An incident was opened: service, severity, symptom, and where to follow it. */
export function incidentOpenedMessage(incident: Incident, links: MessageLinks): SlackMessage {
  return {
    text: fallback(`[${incident.severity}] incident ${incident.id} opened: ${incident.title}`),
    blocks: [
      header(`Incident ${incident.id}: ${incident.title}`),
      { type: 'section', fields: [
        { type: 'mrkdwn', text: `*Service*\n${escapeMrkdwn(cut(serviceOf(incident), 1000))}` },
        { type: 'mrkdwn', text: `*Severity*\n${severityIcon[incident.severity]} ${incident.severity}` },
      ] },
      ...sections(`*Symptom*\n${escapeMrkdwn(incident.title)}`),
      context(`${link(links.consoleUrl(incident), 'Open in the console')} · ${inlineCode(incident.id)} · the agent is investigating; updates follow in this thread`),
    ],
  };
}

/** The root cause with its confidence and evidence: each query, and a link to its graph. */
export function rootCauseMessage(incident: Incident, links: MessageLinks): SlackMessage {
  const rc = incident.rootCause;
  if (!rc) return textMessage(incident, `no root cause found for ${incident.id}`);
  const target = `${rc.target.kind} ${rc.target.namespace ? `${rc.target.namespace}/` : ''}${rc.target.name}`;
  const blocks: KnownBlock[] = [
    ...sections(`:mag: *Root cause: ${escapeMrkdwn(rc.kind)}* of ${escapeMrkdwn(target)} (confidence *${pct(rc.confidence)}*)\n${escapeMrkdwn(rc.summary)}`),
  ];
  for (const evidence of rc.evidence.slice(0, 10)) {
    const graph = evidence.query ? links.graphUrl?.(evidence.query) : undefined;
    blocks.push(...sections(`• [${escapeMrkdwn(evidence.source)}] ${escapeMrkdwn(evidence.summary)}${graph ? ` (${link(graph, 'graph')})` : ''}`));
    if (evidence.query) blocks.push(...sections(escapeCode(evidence.query), true));
  }
  if (rc.evidence.length > 10) blocks.push(context(`${rc.evidence.length - 10} more pieces of evidence in the ${link(links.consoleUrl(incident), 'console')}`));
  if (incident.gaps.length) blocks.push(...sections(`*Could not check*\n${incident.gaps.map((g) => `• ${escapeMrkdwn(g.source)}: ${escapeMrkdwn(g.reason)}`).join('\n')}`));
  return { text: fallback(`root cause for ${incident.id}: ${rc.kind} of ${target} (${pct(rc.confidence)})`), blocks };
}

/** Characters of a dry-run diff shown in Slack; the console shows all of it. */
const DIFF_SHOWN = 12_000;

/** At most 47 blocks: with the heading, the expiry line and the buttons (or the outcome), one message holds it. */
function actionSummary(incident: Incident, action: Action, links?: MessageLinks): KnownBlock[] {
  let diff = (action.dryRun?.diff ?? []).join('\n');
  const more = diff.length > DIFF_SHOWN ? diff.length - DIFF_SHOWN : 0;
  if (more) diff = diff.slice(0, DIFF_SHOWN);
  const blocks: KnownBlock[] = [
    ...sections(`${riskIcon[action.risk]} *${escapeMrkdwn(action.kind)}* of ${escapeMrkdwn(describeTarget(action.target))} (risk *${action.risk}*) for ${inlineCode(incident.id)}\n*Why:* ${escapeMrkdwn(action.rationale)}`),
    ...(diff.length ? [...sections(`*Dry run* (${action.dryRun!.method}):`), ...sections(escapeCode(diff), true)] : []),
    ...(more ? [context(`${more} more characters of the diff${links ? ` in the ${link(links.consoleUrl(incident), 'console')}` : ' in the console'}`)] : []),
    ...(action.dryRun?.warnings.length ? sections(`:warning: ${escapeMrkdwn(action.dryRun.warnings.join('; '))}`) : []),
    ...sections(`*Rollback:* ${escapeMrkdwn(action.rollback.description)}`),
  ];
  return blocks.length > BLOCKS_PER_MESSAGE - 3 ? [...blocks.slice(0, BLOCKS_PER_MESSAGE - 4), context('(cut to fit one Slack message; the console shows the whole plan)')] : blocks;
}

export function encodeButtonValue(value: ButtonValue): string {
  const text = JSON.stringify({ i: value.incidentId, a: value.actionId, h: value.planHash });
  if (text.length > BUTTON_VALUE_LIMIT) throw new RangeError(`button value of ${text.length} characters is over Slack's ${BUTTON_VALUE_LIMIT}`);
  return text;
}

export function decodeButtonValue(text: string | undefined): ButtonValue | undefined {
  if (!text || text.length > BUTTON_VALUE_LIMIT) return undefined;
  try {
    const parsed = JSON.parse(text) as { i?: unknown; a?: unknown; h?: unknown };
    if (typeof parsed.i !== 'string' || typeof parsed.a !== 'string' || typeof parsed.h !== 'string') return undefined;
    return { incidentId: parsed.i, actionId: parsed.a, planHash: parsed.h };
  } catch {
    return undefined;
  }
}

/** A proposed action with its risk and dry-run diff, and Approve / Reject bound to its plan. */
export function approvalMessage(incident: Incident, action: Action, planHash: string, links: MessageLinks): SlackMessage {
  const value = encodeButtonValue({ incidentId: incident.id, actionId: action.id, planHash });
  const expires = Math.floor(Date.parse(action.expiresAt) / 1000);
  return {
    text: fallback(`:raised_hand: approval needed for ${incident.id}: ${action.kind} of ${describeTarget(action.target)} (risk ${action.risk}), expires ${action.expiresAt}`),
    blocks: [
      ...sections(':raised_hand: *Approval needed*'),
      ...actionSummary(incident, action, links),
      context(`Expires <!date^${expires}^{date_short_pretty} {time}|${escapeMrkdwn(action.expiresAt)}> · action ${inlineCode(action.id)} · plan ${inlineCode(planHash)} · ${link(links.consoleUrl(incident), 'console')}`),
      {
        type: 'actions',
        block_id: `decide:${action.id}`.slice(0, 255),
        elements: [
          { type: 'button', action_id: APPROVE_ACTION_ID, style: 'primary', text: { type: 'plain_text', text: cut('Approve', BUTTON_TEXT_LIMIT) }, value,
            confirm: { title: { type: 'plain_text', text: 'Approve this change?' }, text: { type: 'mrkdwn', text: cut(`${escapeMrkdwn(action.kind)} of ${escapeMrkdwn(describeTarget(action.target))} runs on the cluster, and the audit records you as its approver.`, 300) }, confirm: { type: 'plain_text', text: 'Approve' }, deny: { type: 'plain_text', text: 'Cancel' } } },
          { type: 'button', action_id: REJECT_ACTION_ID, style: 'danger', text: { type: 'plain_text', text: cut('Reject', BUTTON_TEXT_LIMIT) }, value },
        ],
      },
    ],
  };
}

export type ApprovalOutcome = { kind: 'approved' | 'rejected'; by: string; at: string; comment?: string } | { kind: 'expired'; at: string } | { kind: 'other'; status: string };

/** The approval message once decided or expired: the same facts, the buttons replaced by the outcome. */
export function approvalOutcomeMessage(incident: Incident, action: Action, outcome: ApprovalOutcome): SlackMessage {
  const who = (by: string) => (by.startsWith('slack:') ? `<@${by.slice('slack:'.length).replace(/[^A-Z0-9]/gi, '')}>` : escapeMrkdwn(by));
  const line =
    outcome.kind === 'expired'
      ? `:hourglass: *Expired* at ${escapeMrkdwn(outcome.at)} without a decision; the agent will not run it`
      : outcome.kind === 'other'
        ? `:information_source: This action is *${escapeMrkdwn(outcome.status)}*; it no longer awaits a decision`
        : `${outcome.kind === 'approved' ? ':white_check_mark: *Approved*' : ':no_entry: *Rejected*'} by ${who(outcome.by)} at ${escapeMrkdwn(outcome.at)}${outcome.comment ? `: ${escapeMrkdwn(outcome.comment)}` : ''}`;
  const text = outcome.kind === 'expired' ? 'expired' : outcome.kind === 'other' ? outcome.status : `${outcome.kind} by ${outcome.by}`;
  return { text: fallback(`${action.kind} of ${describeTarget(action.target)} for ${incident.id}: ${text}`), blocks: [...actionSummary(incident, action), ...sections(line)] };
}

export function actionExecutedMessage(incident: Incident, action: Action): SlackMessage {
  const icon = action.status === 'succeeded' ? ':hammer_and_wrench:' : ':x:';
  return {
    text: fallback(`${action.kind} of ${describeTarget(action.target)} ${action.status} for ${incident.id}`),
    blocks: sections(`${icon} *${escapeMrkdwn(action.kind)}* of ${escapeMrkdwn(describeTarget(action.target))} *${escapeMrkdwn(action.status)}*${action.result?.message ? `: ${escapeMrkdwn(action.result.message)}` : ''}`),
  };
}

/** Time to resolve: from detection (or the incident's opening) to resolution. */
export function mttrOf(incident: Incident): number | undefined {
  const end = incident.milestones.resolvedAt ?? (incident.status === 'resolved' ? incident.updatedAt : undefined);
  const start = incident.milestones.detectedAt ?? incident.createdAt;
  if (!end) return undefined;
  const ms = Date.parse(end) - Date.parse(start);
  return Number.isFinite(ms) && ms >= 0 ? ms : undefined;
}

export function resolutionMessage(incident: Incident, links: MessageLinks, text?: string): SlackMessage {
  const resolved = incident.status === 'resolved';
  const mttr = mttrOf(incident);
  const rc = incident.rootCause;
  return {
    text: fallback(`incident ${incident.id} ${resolved ? `resolved${mttr !== undefined ? ` (MTTR ${formatDuration(mttr)})` : ''}` : 'ended unresolved'}`),
    blocks: [
      ...sections(`${resolved ? ':white_check_mark: *Resolved*' : ':x: *Ended unresolved*'}: ${escapeMrkdwn(incident.title)}${mttr !== undefined ? `\n*MTTR* ${formatDuration(mttr)}` : ''}\n*Root cause* ${rc ? `${escapeMrkdwn(rc.kind)} (${pct(rc.confidence)})` : 'not found'}`),
      ...(text ? sections(escapeMrkdwn(text), true) : []),
      context(link(links.consoleUrl(incident), 'Timeline and audit in the console')),
    ],
  };
}

/** Any other notification (a playbook's notify step): its text, escaped, in a code block. */
export function textMessage(incident: Incident, text: string): SlackMessage {
  return { text: fallback(text), blocks: [...sections(`Incident ${inlineCode(incident.id)}`), ...sections(escapeCode(text), true)] };
}

/** A message's blocks split into messages of at most 50 blocks each (the buttons stay last, in the last one). */
export function paginate(message: SlackMessage): SlackMessage[] {
  if (message.blocks.length <= BLOCKS_PER_MESSAGE) return [message];
  const pages: SlackMessage[] = [];
  for (let i = 0; i < message.blocks.length; i += BLOCKS_PER_MESSAGE) pages.push({ text: pages.length ? `${message.text.slice(0, 200)} (continued)` : message.text, blocks: message.blocks.slice(i, i + BLOCKS_PER_MESSAGE) });
  return pages;
}

export const REJECT_MODAL_CALLBACK_ID = 'devops_agent_reject_modal';
export const REJECT_COMMENT_BLOCK_ID = 'reject_comment';
export const REJECT_COMMENT_ACTION_ID = 'comment';
/** The longest comment the modal takes (the API takes 2000 too). */
export const REJECT_COMMENT_LIMIT = 2000;

/** What the Reject modal carries back in its private_metadata: what was clicked, and where. */
export interface RejectModalContext {
  /** The button's value (incident, action, plan hash) as the message carried it. */
  value: string;
  channel?: string;
  ts?: string;
  /** The clicked card was ephemeral (a slash command's remediate): it is replaced through responseUrl. */
  ephemeral?: boolean;
  /** The response_url of the click, to replace an ephemeral card. */
  responseUrl?: string;
}

/** The modal the Reject button opens (views.open): why, in a comment the audit keeps. */
export function rejectModal(incident: Incident, action: Action, context: RejectModalContext): types.ModalView {
  return {
    type: 'modal',
    callback_id: REJECT_MODAL_CALLBACK_ID,
    private_metadata: JSON.stringify(context).slice(0, 3000),
    title: { type: 'plain_text', text: 'Reject the action' },
    submit: { type: 'plain_text', text: 'Reject' },
    close: { type: 'plain_text', text: 'Cancel' },
    blocks: [
      ...sections(`Reject ${escapeMrkdwn(action.kind)} of ${escapeMrkdwn(describeTarget(action.target))} (incident ${inlineCode(incident.id)}, risk ${escapeMrkdwn(action.risk)})? The agent will not run it, and the audit records you and your comment.`),
      {
        type: 'input',
        block_id: REJECT_COMMENT_BLOCK_ID,
        optional: true,
        label: { type: 'plain_text', text: 'Why (optional)' },
        element: { type: 'plain_text_input', action_id: REJECT_COMMENT_ACTION_ID, multiline: true, max_length: REJECT_COMMENT_LIMIT, placeholder: { type: 'plain_text', text: 'e.g. a deploy is going out; I will roll back by hand' } },
      },
    ],
  };
}

export function parseRejectModalContext(text: string | undefined): RejectModalContext | undefined {
  try {
    const parsed = JSON.parse(text ?? '') as Partial<RejectModalContext>;
    if (typeof parsed.value !== 'string') return undefined;
    return { value: parsed.value, ...(typeof parsed.channel === 'string' ? { channel: parsed.channel } : {}), ...(typeof parsed.ts === 'string' ? { ts: parsed.ts } : {}), ...(parsed.ephemeral === true ? { ephemeral: true } : {}), ...(typeof parsed.responseUrl === 'string' ? { responseUrl: parsed.responseUrl } : {}) };
  } catch {
    return undefined;
  }
}
