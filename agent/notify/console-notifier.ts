/**
 * The notifier of this release: readable messages on a terminal stream (stdout by default) plus one
 * structured log line per notification, so a workshop attendee sees the root cause and the approve
 * command, and the JSON logs keep the record. Slack and the web console come later behind the same port.
 */
import type { Logger } from '../../core/log.js';
import type { Notification, Notifier } from '../ports.js';

export interface ConsoleNotifierOptions {
  log: Logger;
  /** Where the readable text goes (default process.stdout); null to log only. */
  out?: { write(text: string): unknown } | null;
}

const headings: Record<Notification['kind'], string> = {
  'incident-opened': 'INCIDENT',
  'root-cause': 'ROOT CAUSE',
  'approval-requested': 'APPROVAL NEEDED',
  'action-executed': 'ACTION',
  'incident-resolved': 'RESOLVED',
  'incident-unresolved': 'UNRESOLVED',
};

export class ConsoleNotifier implements Notifier {
  private readonly out: { write(text: string): unknown } | null;

  constructor(private readonly options: ConsoleNotifierOptions) {
    this.out = options.out === undefined ? process.stdout : options.out;
  }

  async notify(notification: Notification): Promise<void> {
    const { incident, action, approve } = notification;
    this.options.log.info('notification', {
      incidentId: incident.id,
      kind: notification.kind,
      status: incident.status,
      ...(action ? { actionId: action.id, action: action.kind } : {}),
      ...(approve ? { approveUrl: approve.approveUrl, rejectUrl: approve.rejectUrl, expiresAt: approve.expiresAt } : {}),
      text: notification.text,
    });
    this.out?.write(`\n== ${headings[notification.kind]} ==\n${notification.text}\n`);
  }
}

/** Sends to several notifiers; one failing does not keep the message from the others. */
export class FanOutNotifier implements Notifier {
  constructor(private readonly notifiers: readonly Notifier[]) {}

  async notify(notification: Notification): Promise<void> {
    const results = await Promise.allSettled(this.notifiers.map((n) => n.notify(notification)));
    const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed.length) throw new Error(`${failed.length} of ${results.length} notifiers failed: ${failed.map((f) => (f.reason as Error)?.message ?? String(f.reason)).join('; ')}`);
  }
}
