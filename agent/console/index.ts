/**
 * The web console, served by the agent under /console (server.ts `mounts`): the incidents list, an
 * incident's page (typed timeline, evidence, confidence, gaps, proposed actions with their dry run and
 * expiry, approve/reject with a comment, the audit trail), live updates by server-sent events, and a
 * presenter mode. Server-rendered (Handlebars); approving needs no JavaScript.
 *
 * Security (docs/console.md): the API's Host and Origin checks run first (a foreign Origin gets 403,
 * audited on a decision path); login with an operator token into a session (session.ts: HttpOnly,
 * SameSite=Strict, Secure over https); a CSRF token in every form; the approver is the session's user;
 * a decision is bound to the plan shown (planHash) and goes through decideAction like the API's and
 * Slack's. Every refused decision is audited.
 */
import cookieParser from 'cookie-parser';
import express, { type NextFunction, type Request, type Response } from 'express';
import Handlebars from 'handlebars';
import type { Clock } from '../../core/clock.js';
import type { Logger } from '../../core/log.js';
import type { Credentials } from '../api/credentials.js';
import { decideAction, refuseDecision } from '../api/decisions.js';
import type { StateStore } from '../ports.js';
import { ApprovalError, type ApprovalDesk } from '../workflow/approvals.js';
import type { Incident } from '../../core/types.js';
import { LiveFeed } from './live.js';
import { readReport, reportAvailability, reportContentSecurityPolicy, type ReportFormat } from './report.js';
import { csrfMatches, Sessions, type Session } from './session.js';
import * as templates from './templates.js';
import { incidentPage, incidentRow } from './views.js';

export interface ConsoleOptions {
  store: StateStore;
  desk: ApprovalDesk;
  credentials: Credentials;
  clock: Clock;
  log: Logger;
  /** Where the console is mounted (default /console). */
  base?: string;
  /** For the evidence's graph links (`--prometheus-url`, the local target's Prometheus). */
  prometheusUrl?: string;
  /** Whether people reach the agent over https (the cookie is then Secure and `__Host-`): `--public-url` https, or TLS at the agent. */
  secure?: boolean;
  sessions?: { idleMs?: number; maxMs?: number };
  /** How often the live feed reads the store while a page listens (default 1 s). */
  liveIntervalMs?: number;
}

export interface WebConsole {
  router: express.Router;
  sessions: Sessions;
  feed: LiveFeed;
  close(): void;
}

const engine = Handlebars.create();
const page = engine.compile(templates.layout, { strict: false });
const bodies = {
  login: engine.compile(templates.login),
  list: engine.compile(templates.list),
  incident: engine.compile(templates.incident),
  problem: engine.compile(templates.problem),
};

class ConsoleRefusal extends Error {
  constructor(
    readonly status: number,
    readonly heading: string,
    message: string,
    readonly loginLink = false,
  ) {
    super(message);
  }
}

const contentSecurityPolicy = "default-src 'none'; style-src 'self'; script-src 'self'; connect-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

export function createConsole(options: ConsoleOptions): WebConsole {
  const { store, desk, credentials, clock, log } = options;
  const base = options.base ?? '/console';
  const sessions = new Sessions({ clock, ...options.sessions });
  const feed = new LiveFeed({ store, log, ...(options.liveIntervalMs ? { intervalMs: options.liveIntervalMs } : {}) });
  const cookieName = options.secure ? '__Host-devops-console' : 'devops-console';
  const cookie = { httpOnly: true, sameSite: 'strict' as const, secure: Boolean(options.secure), path: options.secure ? '/' : base };
  const router = express.Router();

  const sessionOf = (req: Request): Session | undefined => sessions.get((req.cookies as Record<string, string> | undefined)?.[cookieName]);
  const setSession = (res: Response, session: Session) => res.cookie(cookieName, session.id, cookie);

  const render = (res: Response, status: number, body: keyof typeof bodies, data: Record<string, unknown>, session: Session | undefined) => {
    const context = { base, user: session?.user, csrf: session?.csrf, presenter: session?.presenter ?? false, ...data };
    res.status(status).type('html').send(page(context, { partials: { body: bodies[body] } }));
  };

  router.use((_req, res, next) => {
    // same-origin, not the API's no-referrer: under no-referrer browsers send `Origin: null` with a form
    // POST, which the Origin check (rightly) refuses.
    res.set({ 'Content-Security-Policy': contentSecurityPolicy, 'Cache-Control': 'no-store', 'X-Frame-Options': 'DENY', 'Referrer-Policy': 'same-origin' });
    next();
  });
  router.use(cookieParser());
  router.use(express.urlencoded({ extended: false, limit: '16kb', parameterLimit: 20 }));

  router.get('/static/console.css', (_req, res) => void res.type('css').set('Cache-Control', 'max-age=300').send(templates.css));
  router.get('/static/favicon.svg', (_req, res) => void res.type('svg').set('Cache-Control', 'max-age=86400').send(templates.favicon));
  router.get('/static/console.js', (_req, res) => void res.type('js').set('Cache-Control', 'max-age=300').send(templates.js));

  const safeNext = (value: unknown) => (typeof value === 'string' && value.startsWith(`${base}/`) && !value.startsWith('//') && !/[\\\r\n]/.test(value) ? value : `${base}/`);

  router.get('/login', (req, res) => {
    let session = sessionOf(req);
    if (session?.user) return res.redirect(303, safeNext(req.query.next));
    if (!session) {
      session = sessions.create();
      setSession(res, session);
    }
    render(res, 200, 'login', { title: 'Log in', next: safeNext(req.query.next) }, session);
  });

  router.post('/login', (req, res) => {
    const session = sessionOf(req);
    const body = (req.body ?? {}) as Record<string, unknown>;
    if (!csrfMatches(session, body._csrf)) throw new ConsoleRefusal(403, 'Login form expired', 'The login form is not from this session (missing or wrong CSRF token, or the session ended). Open the login page again.', true);
    const found = typeof body.token === 'string' && body.token ? credentials.identify(body.token.trim()) : undefined;
    if (!found || !found.roles.includes('operator')) {
      log.warn('console login refused', { remote: req.socket.remoteAddress, reason: found ? `${found.name} is no operator token` : 'unknown token' });
      return render(res, 401, 'login', { title: 'Log in', next: safeNext(body.next), flash: { kind: 'error', error: true, text: found ? 'That credential cannot approve: log in with an operator token.' : 'That token is not one of this agent’s operator tokens.' } }, session);
    }
    const fresh = sessions.login(session, found.name);
    setSession(res, fresh);
    log.info('console login', { user: found.name, remote: req.socket.remoteAddress });
    res.redirect(303, safeNext(body.next));
  });

  router.post('/logout', (req, res) => {
    const session = sessionOf(req);
    if (session && !csrfMatches(session, (req.body as Record<string, unknown> | undefined)?._csrf)) throw new ConsoleRefusal(403, 'Not logged out', 'The form is not from this session (missing or wrong CSRF token).');
    sessions.end(session);
    res.clearCookie(cookieName, cookie);
    res.redirect(303, `${base}/login`);
  });

  /** Pages need a logged-in session; without one, the login page (then back here). */
  const loggedIn = (req: Request, res: Response, next: NextFunction) => {
    const session = sessionOf(req);
    if (!session?.user) return res.redirect(303, `${base}/login?next=${encodeURIComponent(`${base}${req.path}`)}`);
    const presenter = req.query.presenter;
    if (presenter === '1' || presenter === '0') session.presenter = presenter === '1';
    res.locals.session = session;
    next();
  };

  router.get('/', loggedIn, async (_req, res) => {
    const now = clock.now();
    const { items } = await store.listIncidents({ limit: 50 });
    render(res, 200, 'list', { title: 'Incidents', live: true, rows: items.map((i) => incidentRow(i, now)), count: items.length }, res.locals.session as Session);
  });

  /** The incident page's data: the incident, its audit, and the run that caused it with its report's links when the agent can serve them. */
  const incidentData = async (incident: Incident) => {
    const audit = await store.listAudit({ incidentId: incident.id, limit: 500 });
    const at = `${base}/incidents/${encodeURIComponent(incident.id)}`;
    const run = incident.run && { ...incident.run, ...(await reportAvailability(incident.run)), htmlUrl: `${at}/report`, mdUrl: `${at}/report.md` };
    return { title: incident.title, live: true, incidentId: incident.id, ...incidentPage(incident, audit, clock.now(), options.prometheusUrl), run };
  };

  router.get('/incidents/:id', loggedIn, async (req: Request<{ id: string }>, res: Response) => {
    const incident = await store.getIncident(req.params.id);
    if (!incident) throw new ConsoleRefusal(404, 'No such incident', `There is no incident ${req.params.id.slice(0, 100)}.`);
    const flash = typeof req.query.done === 'string' && /^(approved|rejected)$/.test(req.query.done) ? { kind: 'ok', text: `Action ${req.query.done}; the agent carries on.` } : undefined;
    render(res, 200, 'incident', { ...(await incidentData(incident)), ...(flash ? { flash } : {}) }, res.locals.session as Session);
  });

  // The run's report (report.ts: only report.html / report.md of the recorded run's folder, no path from the request).
  const serveReport = (format: ReportFormat) => async (req: Request<{ id: string }>, res: Response) => {
    const incident = await store.getIncident(req.params.id);
    if (!incident) throw new ConsoleRefusal(404, 'No such incident', `There is no incident ${req.params.id.slice(0, 100)}.`);
    if (!incident.run) throw new ConsoleRefusal(404, 'No run recorded', 'No run-scenario run is recorded on this incident, so there is no report to show.');
    const content = await readReport(incident.run, format);
    if (!content) throw new ConsoleRefusal(404, 'Report not here', `The agent cannot read the run's ${format === 'html' ? 'report.html' : 'report.md'}: run-scenario writes it when the run ends, in ${incident.run.reportDir} on the machine that ran it.`);
    res.set({ 'Content-Security-Policy': reportContentSecurityPolicy, 'X-Content-Type-Options': 'nosniff' });
    res.type(format === 'html' ? 'text/html; charset=utf-8' : 'text/plain; charset=utf-8').send(content);
  };
  router.get('/incidents/:id/report', loggedIn, serveReport('html'));
  router.get('/incidents/:id/report.md', loggedIn, serveReport('md'));

  router.get('/events', (req, res) => {
    const session = sessionOf(req);
    if (!session?.user) return void res.status(401).type('text').send('log in first');
    res.set({ 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store', Connection: 'keep-alive', 'X-Accel-Buffering': 'no' });
    res.flushHeaders();
    res.write('retry: 3000\n\n');
    const unsubscribe = feed.subscribe((change) => {
      // A session that ended (logout, expiry) gets no more updates.
      if (!sessions.get(session.id)) return void res.end();
      res.write(`event: incident\ndata: ${JSON.stringify(change)}\n\n`);
    });
    const keepAlive = setInterval(() => res.write(': keep-alive\n\n'), 25_000);
    keepAlive.unref();
    req.on('close', () => {
      clearInterval(keepAlive);
      unsubscribe();
    });
  });

  const decide = (decision: 'approved' | 'rejected') => async (req: Request<{ id: string; actionId: string }>, res: Response) => {
    const { id, actionId } = req.params;
    const body = (req.body ?? {}) as Record<string, unknown>;
    const session = sessionOf(req);
    const refusal = { incidentId: id, actionId, decision, via: 'console-session' as const, ...(req.socket.remoteAddress ? { remote: req.socket.remoteAddress } : {}), headers: headersOf(req) };
    if (!session?.user) {
      await refuseDecision(desk, { ...refusal, actor: 'anonymous', status: 401, reason: 'no console session (not logged in, logged out or expired)' });
      throw new ConsoleRefusal(401, 'Not logged in', 'Your session ended or you are not logged in: nothing was decided. Log in and decide again.', true);
    }
    if (!csrfMatches(session, body._csrf)) {
      await refuseDecision(desk, { ...refusal, actor: session.user, status: 403, reason: `CSRF token ${body._csrf === undefined ? 'missing' : 'wrong'}` });
      throw new ConsoleRefusal(403, 'Form refused', 'The form did not carry this session’s CSRF token: nothing was decided. Reload the incident and decide again.');
    }
    const comment = typeof body.comment === 'string' ? body.comment.trim().slice(0, 2000) : undefined;
    const shown = typeof body.planHash === 'string' && body.planHash ? body.planHash.slice(0, 200) : undefined;
    if (!shown) {
      await refuseDecision(desk, { ...refusal, actor: session.user, status: 400, reason: 'no planHash: the form did not say which plan was shown' });
      throw new ConsoleRefusal(400, 'Form refused', 'The form did not say which plan it showed: nothing was decided. Reload the incident and decide again.');
    }
    try {
      await decideAction(desk, { incidentId: id, actionId, decision, principal: { name: session.user, via: 'console-session' }, planHash: shown, ...(comment ? { comment } : {}), ...(refusal.remote ? { remote: refusal.remote } : {}) });
    } catch (error) {
      if (!(error instanceof ApprovalError)) throw error;
      const incident = error.status === 404 ? undefined : await store.getIncident(id);
      if (!incident) throw new ConsoleRefusal(error.status, 'Not decided', error.message);
      return render(res, error.status, 'incident', { ...(await incidentData(incident)), flash: { kind: 'error', error: true, text: `Not decided: ${error.message}` } }, session);
    }
    res.redirect(303, `${base}/incidents/${encodeURIComponent(id)}?done=${decision}#action-${encodeURIComponent(actionId)}`);
  };
  router.post('/incidents/:id/actions/:actionId/approve', decide('approved'));
  router.post('/incidents/:id/actions/:actionId/reject', decide('rejected'));

  router.use((req, _res, next) => next(new ConsoleRefusal(404, 'Not found', `The console has no page ${req.path.slice(0, 100)}.`)));

  router.use(((error: unknown, req: Request, res: Response, _next: NextFunction) => {
    const session = sessionOf(req);
    const e = error as { type?: string; status?: number };
    if (error instanceof ConsoleRefusal) return render(res, error.status, 'problem', { title: error.heading, heading: error.heading, message: error.message, loginLink: error.loginLink }, session);
    if (e?.type === 'entity.too.large') return render(res, 413, 'problem', { title: 'Too large', heading: 'Form too large', message: 'The form was larger than the console accepts (16 KiB).' }, session);
    log.error('console request failed', { method: req.method, path: req.path.slice(0, 200), error: (error as Error)?.stack ?? String(error) });
    render(res, 500, 'problem', { title: 'Error', heading: 'Something went wrong', message: 'The console could not answer; see the agent log.' }, session);
  }) as express.ErrorRequestHandler);

  return { router, sessions, feed, close: () => feed.stop() };
}

function headersOf(req: Request): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const name of ['origin', 'host', 'user-agent', 'sec-fetch-site', 'referer']) {
    const value = req.headers[name];
    if (typeof value === 'string') headers[name] = value;
  }
  return headers;
}
