/**
 * The Slack app (`@slack/bolt` 5): the notifier (notifier.ts), the buttons and the slash command
 * (interactions.ts), on one of two receivers chosen by configuration:
 *   - `http`: Bolt's ExpressReceiver router, mounted on the agent's express app at /slack/events
 *     (Events API, interactivity and slash commands). Slack's request signature replaces the API's
 *     token; Bolt refuses a bad signature or a timestamp older than 5 minutes (401). A refused request
 *     that claims to decide an action is audited (`approval.refused`, status 401) like the API's.
 *   - `socket`: Socket Mode, for workshops without a public URL: the agent opens a WebSocket to Slack
 *     with the app-level token (`xapp-...`); nothing listens.
 * `apiUrl` points every Web API call (and Socket Mode's apps.connections.open) elsewhere: the tests'
 * Slack double.
 */
import { App, ExpressReceiver, LogLevel, SocketModeReceiver, type Logger as BoltLogger } from '@slack/bolt';
import express, { type Request, type Response, type NextFunction } from 'express';
import type { Clock } from '../../../core/clock.js';
import type { Logger } from '../../../core/log.js';
import { refuseDecision, slackApprover } from '../../api/decisions.js';
import type { MetricsEvidence, StateStore } from '../../ports.js';
import type { ApprovalDesk } from '../../workflow/approvals.js';
import { ApproverList } from './approvers.js';
import { APPROVE_ACTION_ID, decodeButtonValue, type MessageLinks } from './blocks.js';
import { registerInteractions } from './interactions.js';
import { SlackNotifier } from './notifier.js';
import { checkSlackConfig, type SlackConfig } from './config.js';

export type { SlackConfig } from './config.js';

export interface SlackAppOptions {
  config: SlackConfig;
  store: StateStore;
  desk: ApprovalDesk;
  links: MessageLinks;
  metrics?: MetricsEvidence;
  rateWindow: string;
  clock: Clock;
  log: Logger;
}

export interface SlackApp {
  readonly notifier: SlackNotifier;
  /** HTTP mode: the router to mount at /slack (it serves POST /slack/events). */
  readonly router?: express.Router;
  readonly mode: SlackConfig['mode'];
  /** Checks the bot token (auth.test) and, in Socket Mode, connects. */
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** Bolt's logger interface on the agent's structured logger. */
export function boltLogger(log: Logger): BoltLogger {
  let level = LogLevel.INFO;
  const text = (args: unknown[]) => args.map((a) => (typeof a === 'string' ? a : a instanceof Error ? a.message : JSON.stringify(a))).join(' ');
  return {
    debug: (...args: unknown[]) => log.debug(text(args)),
    info: (...args: unknown[]) => log.info(text(args)),
    warn: (...args: unknown[]) => log.warn(text(args)),
    error: (...args: unknown[]) => log.error(text(args)),
    setLevel: (next: LogLevel) => void (level = next),
    getLevel: () => level,
    setName: () => undefined,
  };
}

export function createSlackApp(options: SlackAppOptions): SlackApp {
  const { config, log } = options;
  checkSlackConfig(config);
  const logger = boltLogger(log);
  const clientOptions = { ...(config.apiUrl ? { slackApiUrl: config.apiUrl } : {}) };
  const receiver =
    config.mode === 'http'
      ? new ExpressReceiver({ signingSecret: config.signingSecret!, endpoints: '/events', logger, processBeforeResponse: false })
      : new SocketModeReceiver({ appToken: config.appToken!, logger, installerOptions: { clientOptions } });
  const app = new App({ token: config.botToken, receiver, logger, clientOptions, deferInitialization: true });
  const approvers = new ApproverList(config.approvers, app.client, { log, now: () => options.clock.now() });
  if (approvers.empty) log.warn('no Slack approvers (--slack-approvers): Slack shows approvals, nobody can approve from it');
  const notifier = new SlackNotifier({ client: app.client, channel: config.channel, store: options.store, links: options.links, clock: options.clock, log });
  registerInteractions(app, { store: options.store, desk: options.desk, approvers, notifier, links: options.links, ...(options.metrics ? { metrics: options.metrics } : {}), rateWindow: options.rateWindow, now: () => options.clock.now(), log });
  // A decision taken anywhere (the API, the console, a Slack click, an expiry the desk recorded) replaces
  // the buttons of the action's Slack message with the outcome, at once.
  const unsubscribe = options.desk.onDecision(({ incident }) => {
    void notifier.syncApprovals(incident).catch((error: Error) => log.warn('could not update Slack after a decision', { incidentId: incident.id, error: error.message }));
  });
  app.error(async (error) => {
    log.error('Slack handler failed', { error: (error as Error).stack ?? String(error) });
  });

  let router: express.Router | undefined;
  if (receiver instanceof ExpressReceiver) {
    router = express.Router();
    router.use('/events', express.raw({ type: () => true, limit: '1mb' }), (req: Request, _res: Response, next: NextFunction) => {
      // Bolt verifies the signature over the raw body it finds here (`rawBody`, as on Google Cloud).
      if (Buffer.isBuffer(req.body)) (req as Request & { rawBody?: Buffer }).rawBody = req.body;
      next();
    });
    router.use('/events', auditRefusedRequests(options));
    router.use(receiver.router);
  }

  let started = false;
  return {
    notifier,
    mode: config.mode,
    ...(router ? { router } : {}),
    async start() {
      await app.init();
      const who = await app.client.auth.test();
      log.info('Slack connected', { mode: config.mode, team: who.team_id, bot: who.user_id, channel: config.channel });
      // Socket Mode: apps.connections.open, then the WebSocket; HTTP mode listens on the agent's port.
      if (config.mode === 'socket') await app.start();
      started = true;
      // Approval messages a previous run left with their buttons: tracked again, so expiry updates them.
      await notifier.rearm().catch((error: Error) => log.warn('could not re-arm the Slack approval messages', { error: error.message }));
    },
    async stop() {
      unsubscribe();
      notifier.stop();
      if (started && config.mode === 'socket') await app.stop();
    },
  };
}

/**
 * After Bolt answered 401 (a bad signature, a stale timestamp), audits the request when it claims to
 * decide an action: who it claims to be, which action; nothing of it is believed.
 */
function auditRefusedRequests(options: SlackAppOptions) {
  return (req: Request, res: Response, next: NextFunction) => {
    res.on('finish', () => {
      if (res.statusCode !== 401 || !Buffer.isBuffer(req.body) && !(req as { rawBody?: Buffer }).rawBody) return;
      const raw = ((req as { rawBody?: Buffer }).rawBody ?? (req.body as Buffer)).toString('utf8');
      let payload: { type?: string; user?: { id?: unknown }; actions?: { action_id?: unknown; value?: unknown }[] } | undefined;
      try {
        payload = JSON.parse(new URLSearchParams(raw).get('payload') ?? 'null') as typeof payload;
      } catch {
        payload = undefined;
      }
      const action = payload?.type === 'block_actions' ? payload.actions?.[0] : undefined;
      const value = typeof action?.value === 'string' ? decodeButtonValue(action.value) : undefined;
      const timestamp = req.headers['x-slack-request-timestamp'];
      const stale = typeof timestamp === 'string' && Number(timestamp) < Math.floor(Date.now() / 1000) - 300;
      const reason = `Slack request refused: ${stale ? 'its timestamp is older than 5 minutes (a replay?)' : 'its signature does not verify with the signing secret'}`;
      if (!value) {
        options.log.warn(reason, { path: req.originalUrl.slice(0, 100), remote: req.socket.remoteAddress });
        return;
      }
      const claimed = typeof payload?.user?.id === 'string' ? slackApprover(payload.user.id.slice(0, 40)) : undefined;
      void refuseDecision(options.desk, {
        incidentId: value.incidentId,
        actionId: value.actionId,
        decision: action?.action_id === APPROVE_ACTION_ID ? 'approved' : 'rejected',
        actor: 'anonymous',
        via: 'slack',
        status: 401,
        reason: `${reason}${claimed ? ` (it claimed to be ${claimed})` : ''}`,
        ...(req.socket.remoteAddress ? { remote: req.socket.remoteAddress } : {}),
        headers: Object.fromEntries(['user-agent', 'x-forwarded-for', 'x-slack-request-timestamp'].flatMap((h) => (typeof req.headers[h] === 'string' ? [[h, req.headers[h] as string]] : []))),
      });
    });
    next();
  };
}
