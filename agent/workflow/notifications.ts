/**
 * Telling people from inside a workflow: each notification has a key kept in the workflow state, so a
 * resumed workflow never sends one twice; root causes and action outcomes recorded by steps are sent
 * after the step is saved. A notifier that fails is logged and counted, never fatal.
 */
import { actionExecuted, rootCauseFound } from '../notify/messages.js';
import type { Notification } from '../ports.js';
import { isoNow, type Engine, type StatefulRun } from './run.js';

/** Sends what the steps recorded since the last call (root causes, finished actions). */
export async function sendRecordedNotifications(engine: Engine, run: StatefulRun): Promise<void> {
  const events = run.events.splice(0);
  for (const event of events) {
    const incident = run.ledger.incident;
    if (event.type === 'root-cause' && incident.rootCause) {
      const rc = event.rootCause;
      await notifyOnce(engine, run, `root-cause:${rc.kind}:${rc.target.kind}/${rc.target.namespace ?? ''}/${rc.target.name}`, rootCauseFound(incident));
    } else if (event.type === 'action' && (event.action.status === 'succeeded' || event.action.status === 'failed' || event.action.status === 'rolled-back')) {
      await notifyOnce(engine, run, `action:${event.action.id}:${event.action.status}`, actionExecuted(incident, event.action));
    }
  }
}

export async function notifyOnce(engine: Engine, run: StatefulRun, key: string, notification: Notification): Promise<void> {
  if (run.state.notified.includes(key)) return;
  run.state.notified.push(key);
  await notify(engine, run, notification);
}

/** Notifier failures are logged and counted, never fatal: the investigation matters more than the message. */
export async function notify(engine: Engine, run: StatefulRun, notification: Notification): Promise<void> {
  // A playbook that announced the outcome itself (a notify step) is not echoed by the automatic one.
  if ((notification.kind === 'incident-resolved' || notification.kind === 'incident-unresolved') && !run.state.notified.includes('ended')) run.state.notified.push('ended');
  try {
    await engine.notifier.notify(notification);
    engine.metrics.notifications.inc({ kind: notification.kind, result: 'sent' });
    run.ledger.apply((i) => void i.timeline.push({ at: isoNow(engine), type: 'notification', source: 'agent', summary: `notified: ${notification.kind}` }));
  } catch (error) {
    engine.metrics.notifications.inc({ kind: notification.kind, result: 'failed' });
    run.log.warn('notification failed', { kind: notification.kind, error: (error as Error).message });
  }
}
