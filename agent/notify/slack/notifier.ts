/**
 * The Slack notifier (the notifier port, agent/ports.ts): each incident gets one message in the channel
 * and everything after it goes in that message's thread (root cause, approvals, actions, resolution),
 * with a status reaction on the first message. Approval messages are kept track of, so that their
 * buttons are replaced by the outcome once decided anywhere (Slack, console, API) or expired (at the
 * expiry, a timer updates the message even when nobody clicks).
 *
 * Where the thread and approval messages are is written to the audit (`slack.message`, and
 * `approval-closed` once a message shows its outcome), so a restarted agent keeps threading them, and
 * re-arms the approval messages still showing buttons (`rearm`): their expiry still updates them.
 */
import type { webApi } from '@slack/bolt';
import type { Clock } from '../../../core/clock.js';
import type { Logger } from '../../../core/log.js';
import type { Action, Incident } from '../../../core/types.js';
import { planHash } from '../../api/decisions.js';
import type { Notification, Notifier, StateStore } from '../../ports.js';
import { actionExecutedMessage, approvalMessage, approvalOutcomeMessage, incidentOpenedMessage, paginate, resolutionMessage, rootCauseMessage, textMessage, type ApprovalOutcome, type MessageLinks, type SlackMessage } from './blocks.js';

export interface MessageRef {
  channel: string;
  ts: string;
}

/** The status reaction each notification puts on the incident's first message. */
export const statusReactions: Record<Notification['kind'], string> = {
  'incident-opened': 'eyes',
  'root-cause': 'mag',
  'approval-requested': 'raised_hand',
  'action-executed': 'hammer_and_wrench',
  'incident-resolved': 'white_check_mark',
  'incident-unresolved': 'x',
};

export interface SlackNotifierOptions {
  client: webApi.WebClient;
  channel: string;
  store: StateStore;
  links: MessageLinks;
  clock: Clock;
  log: Logger;
}

/** The outcome an action's approval message shows, or undefined while it still awaits a decision. */
export function outcomeOf(action: Action, now: number): ApprovalOutcome | undefined {
  if (action.status === 'proposed') return now >= Date.parse(action.expiresAt) ? { kind: 'expired', at: action.expiresAt } : undefined;
  if (action.status === 'expired') return { kind: 'expired', at: action.expiresAt };
  if (action.approval) return { kind: action.approval.decision, by: action.approval.by, at: action.approval.at, ...(action.approval.comment ? { comment: action.approval.comment } : {}) };
  return { kind: 'other', status: action.status };
}

export class SlackNotifier implements Notifier {
  private threads = new Map<string, MessageRef>();
  /** `incidentId/actionId` -> the approval message, whether it still shows buttons, whether the audit says it was closed. */
  private approvals = new Map<string, MessageRef & { open: boolean; closed?: boolean }>();
  private timers = new Set<NodeJS.Timeout>();
  private stopped = false;

  constructor(private readonly options: SlackNotifierOptions) {}

  async notify(notification: Notification): Promise<void> {
    const { incident } = notification;
    const { links } = this.options;
    if (notification.kind === 'incident-opened') {
      await this.threadOf(incident, true);
      return;
    }
    const thread = await this.threadOf(incident, false);
    switch (notification.kind) {
      case 'root-cause':
        await this.post(incident.rootCause ? rootCauseMessage(incident, links) : textMessage(incident, notification.text), thread);
        break;
      case 'approval-requested': {
        const action = notification.action;
        if (!action) break;
        await this.postApproval(incident, action, thread);
        break;
      }
      case 'action-executed':
        await this.post(notification.action ? actionExecutedMessage(incident, notification.action) : textMessage(incident, notification.text), thread);
        break;
      case 'incident-resolved':
      case 'incident-unresolved':
        await this.post(resolutionMessage(incident, links, notification.incident.rootCause ? undefined : notification.text), thread, true);
        break;
    }
    await this.react(thread, statusReactions[notification.kind]);
    await this.syncApprovals(incident);
  }

  /** Posts the approval message of `action` in the incident's thread (the slash command's remediate uses its own). */
  async postApproval(incident: Incident, action: Action, thread?: MessageRef): Promise<MessageRef> {
    const where = thread ?? (await this.threadOf(incident, false));
    const ref = await this.post(approvalMessage(incident, action, planHash(action), this.options.links), where);
    await this.trackApproval(incident.id, action, ref);
    return ref;
  }

  /** Replaces an approval message's buttons with the action's outcome (after a click, an expiry, a decision elsewhere). */
  async showOutcome(incident: Incident, action: Action, ref: MessageRef, outcome: ApprovalOutcome): Promise<void> {
    const message = approvalOutcomeMessage(incident, action, outcome);
    await this.options.client.chat.update({ channel: ref.channel, ts: ref.ts, text: message.text, blocks: message.blocks });
    const key = `${incident.id}/${action.id}`;
    const tracked = this.approvals.get(key);
    if (tracked && tracked.ts === ref.ts) {
      tracked.open = false;
      // So that a restarted agent does not re-arm (or update again) a message that shows its outcome.
      if (!tracked.closed) {
        tracked.closed = true;
        await this.remember(incident.id, { role: 'approval-closed', actionId: action.id, channel: ref.channel, ts: ref.ts });
      }
    }
  }

  /**
   * Takes the tracked approval message `ref` for one update (the caller shows the outcome): false when
   * another path already did (a decision listener updates before the click's own handler gets there).
   */
  claim(incidentId: string, actionId: string, ref: MessageRef): boolean {
    const tracked = this.approvals.get(`${incidentId}/${actionId}`);
    if (!tracked || tracked.ts !== ref.ts || tracked.channel !== ref.channel) return true;
    if (!tracked.open) return false;
    tracked.open = false;
    return true;
  }

  /**
   * Updates every approval message of the incident whose action no longer awaits a decision: after a
   * notification, an expiry timer, or a decision taken anywhere (the desk's listener, app.ts). Each
   * message is claimed before the update, so two paths never both update it.
   */
  async syncApprovals(incident: Incident): Promise<void> {
    if (!this.threads.has(incident.id)) await this.recall(incident.id);
    const now = this.options.clock.now();
    for (const action of incident.actions) {
      const tracked = this.approvals.get(`${incident.id}/${action.id}`);
      if (!tracked?.open) continue;
      const outcome = outcomeOf(action, now);
      if (!outcome) continue;
      tracked.open = false;
      try {
        await this.showOutcome(incident, action, tracked, outcome);
      } catch (error) {
        tracked.open = true;
        this.options.log.warn('could not update a Slack approval message', { incidentId: incident.id, actionId: action.id, error: (error as Error).message });
      }
    }
  }

  /**
   * At start: the approval messages a previous run of the agent posted and left with their buttons
   * (the audit's `slack.message` entries) are tracked again; those decided or expired meanwhile are
   * updated now, the others get their expiry timer back. Looks at incidents not yet ended.
   */
  async rearm(): Promise<number> {
    const { items } = await this.options.store.listIncidents({ status: ['open', 'investigating', 'awaiting-approval', 'remediating', 'verifying'], limit: 500 });
    let armed = 0;
    for (const listed of items) {
      if (this.stopped) break;
      await this.recall(listed.id);
      const incident = (await this.options.store.getIncident(listed.id)) ?? listed;
      const open = incident.actions.filter((a) => this.approvals.get(`${incident.id}/${a.id}`)?.open);
      if (!open.length) continue;
      armed += open.length;
      await this.syncApprovals(incident);
      for (const action of open) if (action.status === 'proposed') this.scheduleExpiry(incident.id, action);
    }
    if (armed) this.options.log.info('Slack approval messages re-armed from the audit', { messages: armed });
    return armed;
  }

  stop(): void {
    this.stopped = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  private async trackApproval(incidentId: string, action: Action, ref: MessageRef): Promise<void> {
    this.approvals.set(`${incidentId}/${action.id}`, { ...ref, open: true });
    await this.remember(incidentId, { role: 'approval', actionId: action.id, ...ref });
    this.scheduleExpiry(incidentId, action);
  }

  /** At the expiry (plus a moment), the message says the approval expired, whether or not anyone looked. */
  private scheduleExpiry(incidentId: string, action: Action): void {
    const delay = Math.max(0, Date.parse(action.expiresAt) - this.options.clock.now()) + 250;
    if (!Number.isFinite(delay) || this.stopped) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      void this.options.store.getIncident(incidentId).then(
        (incident) => (incident ? this.syncApprovals(incident) : undefined),
        (error: Error) => this.options.log.warn('could not read an incident to update its Slack approval', { incidentId, error: error.message }),
      );
    }, Math.min(delay, 2 ** 31 - 1));
    timer.unref();
    this.timers.add(timer);
  }

  /** The incident's first message: found in memory or the audit, or posted (always, with `open`). */
  private async threadOf(incident: Incident, opening: boolean): Promise<MessageRef> {
    const known = this.threads.get(incident.id) ?? (await this.recall(incident.id));
    if (known) return known;
    const ref = await this.post(incidentOpenedMessage(incident, this.options.links));
    this.threads.set(incident.id, ref);
    await this.remember(incident.id, { role: 'thread', ...ref });
    await this.react(ref, statusReactions['incident-opened']);
    if (!opening) this.options.log.debug('opened a Slack thread for an incident seen first mid-way', { incidentId: incident.id });
    return ref;
  }

  private async post(message: SlackMessage, thread?: MessageRef, broadcast = false): Promise<MessageRef> {
    const { client, channel } = this.options;
    let first: MessageRef | undefined;
    let last: MessageRef | undefined;
    for (const page of paginate(message)) {
      const base = { channel: thread?.channel ?? channel, text: page.text, blocks: page.blocks, unfurl_links: false, unfurl_media: false };
      const answer = await client.chat.postMessage(thread ? { ...base, thread_ts: thread.ts, reply_broadcast: broadcast && !first } : base);
      last = { channel: answer.channel ?? channel, ts: answer.ts! };
      first ??= last;
      // Later pages of a first message go in its thread.
      thread ??= first;
    }
    // The page holding the buttons (the last) is the one updated later.
    return message.blocks.some((b) => b.type === 'actions') ? last! : first!;
  }

  private async react(ref: MessageRef, name: string): Promise<void> {
    try {
      await this.options.client.reactions.add({ channel: ref.channel, timestamp: ref.ts, name });
    } catch (error) {
      // already_reacted after a restart, or a missing scope: the messages matter more than the emoji.
      this.options.log.debug('Slack reaction not added', { name, error: (error as Error).message });
    }
  }

  private async remember(incidentId: string, detail: Record<string, unknown>): Promise<void> {
    await this.options.store.appendAudit({ at: new Date(this.options.clock.now()).toISOString(), incidentId, actor: 'agent', action: 'slack.message', detail });
  }

  /** After a restart: the thread and the approval messages (open unless recorded closed) from the audit. */
  private async recall(incidentId: string): Promise<MessageRef | undefined> {
    const entries = await this.options.store.listAudit({ incidentId, limit: 5000 });
    let thread: MessageRef | undefined;
    const posted = new Map<string, MessageRef>();
    const closed = new Set<string>();
    for (const entry of entries) {
      if (entry.action !== 'slack.message') continue;
      const d = entry.detail as { role?: string; channel?: string; ts?: string; actionId?: string };
      if (typeof d.channel !== 'string' || typeof d.ts !== 'string') continue;
      if (d.role === 'thread') thread ??= { channel: d.channel, ts: d.ts };
      // The latest approval message of an action is the one with buttons (a changed plan posts a new one).
      if (d.role === 'approval' && d.actionId) posted.set(d.actionId, { channel: d.channel, ts: d.ts });
      if (d.role === 'approval-closed') closed.add(d.ts);
    }
    for (const [actionId, ref] of posted) {
      const key = `${incidentId}/${actionId}`;
      if (!this.approvals.has(key)) this.approvals.set(key, { ...ref, open: !closed.has(ref.ts), ...(closed.has(ref.ts) ? { closed: true } : {}) });
    }
    if (thread) this.threads.set(incidentId, thread);
    return thread;
  }
}
