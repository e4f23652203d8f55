/**
 * The agent's HTTP API (express 5): health, metrics, webhooks, incidents, approvals, audit. Spec in
 * docs/api/openapi.yaml; api.test.ts checks every route's answers against it. Bad input always gets a
 * 4xx JSON `{error}` and is never a reason for the agent to stop; bodies over 1 MiB get a 413.
 *
 * Every request is checked (guards.ts) and authenticated to a principal (credentials.ts): the webhook
 * credential opens only `POST /webhooks/*`; operator tokens open the reads and approve/reject, and the
 * approver recorded is the operator token's name, never the body's `by`. Health, readiness and metrics
 * need no credential. Bodies must be JSON (`application/json` or `application/*+json`; Alertmanager and
 * EventBridge API destinations send `application/json`). Refused approvals are audited.
 */
import express, { type ErrorRequestHandler, type NextFunction, type Request, type Response } from 'express';
import { z } from 'zod';
import { systemClock, type Clock } from '../../core/clock.js';
import type { Logger } from '../../core/log.js';
import type { Incident } from '../../core/types.js';
import { AlertsRateLimited, PayloadRejected } from '../intake/errors.js';
import type { EventKind } from '../intake/events.js';
import type { Intake } from '../intake/intake.js';
import type { AgentMetrics } from '../metrics.js';
import type { StateStore } from '../ports.js';
import { IncidentConflict, StoreUnavailable } from '../store/errors.js';
import { InvalidCursor } from '../store/sqlite-store.js';
import { ApprovalError, type ApprovalDesk } from '../workflow/approvals.js';
import { Credentials, type Principal } from './credentials.js';
import { decideAction, planHash } from './decisions.js';
import { HttpError } from './errors.js';
import { recordRun, runRecordBody } from './runs.js';
import { authorize, bodyEncodingCheck, callerName, hostCheck, jsonMediaTypes, jsonOnly, originCheck, securityHeaders, type Listening } from './guards.js';

export const MAX_BODY_BYTES = 1024 * 1024;

export interface Readiness {
  ready: boolean;
  checks: Record<string, string>;
}

export interface ApiOptions {
  intake: Intake;
  store: StateStore;
  desk: ApprovalDesk;
  metrics: AgentMetrics;
  log: Logger;
  readiness(): Promise<Readiness>;
  maxBodyBytes?: number;
  /** Who may call (credentials.ts); without any, a development setup: webhooks and reads open, no approvals. */
  credentials?: Credentials;
  /** The legacy shared token (`--api-token`), used when `credentials` is not given. */
  apiToken?: string;
  /** Where the server listens, once it does (the Host and Origin checks allow its names). */
  listening?: () => Listening | undefined;
  /** How people reach the API (`--public-url`). */
  publicUrl?: string;
  /** More Host names (`--allowed-hosts`) and browser origins (`--allowed-origins`) to accept. */
  allowedHosts?: readonly string[];
  allowedOrigins?: readonly string[];
  /**
   * Apps mounted beside the API (the web console at /console, Slack at /slack): after the Host and
   * Origin checks and the security headers, before the API's credential and JSON-only guards, which
   * they replace with their own (a session and CSRF, Slack's signature). Each handles its own errors.
   */
  mounts?: readonly Mount[];
  /** For the times the API itself records (`PUT /incidents/:id/run`). */
  clock?: Clock;
}

export interface Mount {
  path: string;
  handler: express.RequestHandler | express.Router;
}

const statuses = ['open', 'investigating', 'awaiting-approval', 'remediating', 'verifying', 'resolved', 'unresolved', 'closed'] as const;
const severities = ['critical', 'warning', 'info'] as const;

const commaList = <T extends string>(values: readonly [T, ...T[]]) =>
  z
    .string()
    .transform((text) => text.split(',').map((v) => v.trim()).filter(Boolean))
    .pipe(z.array(z.enum(values)));

const listQuery = z
  .object({
    status: commaList(statuses).optional(),
    severity: commaList(severities).optional(),
    namespace: z.string().min(1).optional(),
    limit: z.coerce.number().int().min(1).max(500).default(50),
    cursor: z.string().min(1).optional(),
  })
  .strict();

const auditQuery = z.object({ incidentId: z.string().min(1).optional(), limit: z.coerce.number().int().min(1).max(5000).default(200) }).strict();

/** `by` is ignored: the approver is the credential's name (a differing `by` is audited as `claimedBy`). */
const decisionBody = z
  .object({
    by: z.string().trim().max(200).optional(),
    comment: z.string().max(2000).optional(),
    /** `planHash` of the action as the client saw it (GET /incidents/:id gives it per action): a changed plan gets 409. */
    planHash: z.string().min(1).max(200).optional(),
  })
  .strict();

// The API's decision paths and the web console's (a cross-origin form POST to the console is refused here, before it).
const decisionPath = /^(?:\/console)?\/incidents\/([^/]+)\/actions\/([^/]+)\/(approve|reject)$/;

function parse<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const result = schema.safeParse(value ?? {});
  if (!result.success) throw new HttpError(400, `invalid ${what}: ${result.error.issues.map((i) => `${i.path.join('.') || what}: ${i.message}`).join('; ')}`);
  return result.data;
}

/** The list view: enough to pick an incident, not its whole record. */
export function summaryOf(incident: Incident) {
  return {
    id: incident.id,
    title: incident.title,
    status: incident.status,
    severity: incident.severity,
    createdAt: incident.createdAt,
    updatedAt: incident.updatedAt,
    ...(incident.target ? { target: incident.target } : {}),
    ...(incident.playbook ? { playbook: incident.playbook } : {}),
    alertCount: incident.alertIds.length,
    rootCause: incident.rootCause ? { kind: incident.rootCause.kind, confidence: incident.rootCause.confidence } : null,
    pendingActions: incident.actions.filter((a) => a.status === 'proposed').map((a) => a.id),
  };
}

const safeDecode = (text: string) => {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
};

export function createApi(options: ApiOptions): express.Express {
  const { intake, store, desk, metrics, log } = options;
  const credentials = options.credentials ?? new Credentials(options.apiToken ? { apiToken: options.apiToken } : {});
  const policy = {
    listening: options.listening ?? (() => undefined),
    ...(options.publicUrl ? { publicUrl: options.publicUrl } : {}),
    allowedHosts: options.allowedHosts ?? [],
    allowedOrigins: options.allowedOrigins ?? [],
  };
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  const jsonBody = express.json({ limit: options.maxBodyBytes ?? MAX_BODY_BYTES, type: jsonMediaTypes, strict: false });
  const decisionJson = express.json({ limit: '64kb', type: jsonMediaTypes });
  const principal = (res: Response) => res.locals.principal as Principal;

  // Before anything: a page on another origin, or reaching the agent by a rebound name, gets nothing.
  app.use(securityHeaders, hostCheck(policy), originCheck(policy));

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });

  app.get('/readyz', async (_req, res) => {
    const readiness = await options.readiness();
    res.status(readiness.ready ? 200 : 503).json({ status: readiness.ready ? 'ready' : 'not-ready', checks: readiness.checks });
  });

  app.get('/metrics', async (_req, res) => {
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });

  for (const mount of options.mounts ?? []) app.use(mount.path, mount.handler);

  app.use(bodyEncodingCheck);

  const asWebhook = authorize(credentials, 'webhook', { what: 'deliver alerts' });
  const webhook = (kind: EventKind) => async (req: Request, res: Response) => {
    if (req.body === undefined) throw new PayloadRejected('invalid-payload', 'empty body: send the event as JSON');
    const sender = principal(res);
    const results = await intake.receive(kind, req.body, { name: sender.name, authenticated: sender.authenticated });
    res.status(202).json({ accepted: results.length, results });
  };
  app.post('/webhooks/alertmanager', asWebhook, jsonOnly, jsonBody, webhook('alertmanager'));
  app.post('/webhooks/eventbridge', asWebhook, jsonOnly, jsonBody, webhook('eventbridge'));
  app.post('/webhooks/anomaly', asWebhook, jsonOnly, jsonBody, webhook('anomaly'));

  const asReader = authorize(credentials, 'operator', { what: 'read incidents and the audit' });
  app.get('/incidents', asReader, async (req, res) => {
    const query = parse(listQuery, req.query, 'query');
    const page = await store.listIncidents(query);
    res.json({ items: page.items.map(summaryOf), ...(page.cursor ? { cursor: page.cursor } : {}) });
  });

  const incidentOr404 = async (id: string): Promise<Incident> => {
    const incident = await store.getIncident(id);
    if (!incident) throw new HttpError(404, `incident ${id.slice(0, 200)} not found`);
    return incident;
  };

  app.get('/incidents/:id', asReader, async (req: Request<{ id: string }>, res: Response) => {
    const incident = await incidentOr404(req.params.id);
    const workflow = await store.loadWorkflowState(incident.id);
    res.json({ ...incident, actions: incident.actions.map((a) => ({ ...a, planHash: planHash(a) })), workflow: workflow ?? null });
  });

  app.get('/incidents/:id/timeline', asReader, async (req: Request<{ id: string }>, res: Response) => {
    const incident = await incidentOr404(req.params.id);
    const items = [...incident.timeline].sort((a, b) => a.at.localeCompare(b.at));
    res.json({ incidentId: incident.id, items });
  });

  const asDecider = authorize(credentials, 'operator', { what: 'approve or reject actions', alwaysRequired: true });
  const decide = (decision: 'approved' | 'rejected') => async (req: Request<{ id: string; actionId: string }>, res: Response) => {
    const body = parse(decisionBody, req.body, 'body');
    const { action } = await decideAction(desk, {
      incidentId: req.params.id,
      actionId: req.params.actionId,
      decision,
      principal: { name: principal(res).name, via: 'operator-token' },
      ...(body.comment ? { comment: body.comment } : {}),
      ...(body.planHash ? { planHash: body.planHash } : {}),
      ...(req.socket.remoteAddress ? { remote: req.socket.remoteAddress } : {}),
      ...(body.by ? { claimedBy: body.by } : {}),
    });
    res.json({ incidentId: req.params.id, action });
  };
  app.post('/incidents/:id/actions/:actionId/approve', asDecider, jsonOnly, decisionJson, decide('approved'));
  app.post('/incidents/:id/actions/:actionId/reject', asDecider, jsonOnly, decisionJson, decide('rejected'));

  // run-scenario records which run caused the incident (runs.ts); an operator write, audited.
  const asRecorder = authorize(credentials, 'operator', { what: 'record a run on an incident', alwaysRequired: true });
  app.put('/incidents/:id/run', asRecorder, jsonOnly, decisionJson, async (req: Request<{ id: string }>, res: Response) => {
    const body = parse(runRecordBody, req.body, 'body');
    const { incident } = await recordRun(store, options.clock ?? systemClock, req.params.id, body, principal(res).name);
    res.json({ incidentId: incident.id, run: incident.run });
  });

  app.get('/audit', asReader, async (req, res) => {
    const query = parse(auditQuery, req.query, 'query');
    res.json({ items: await store.listAudit(query) });
  });

  app.use((req, _res, next: NextFunction) => next(new HttpError(404, `no route ${req.method} ${req.path.slice(0, 200)} (see docs/api/openapi.yaml)`)));

  /** A refused approve/reject (no or a wrong credential, a foreign Origin or Host) goes to the audit. */
  const auditRefusal = async (req: Request, status: number, reason: string) => {
    const match = req.method === 'POST' ? decisionPath.exec(req.path) : null;
    if (!match || ![401, 403, 421].includes(status)) return;
    const headers: Record<string, string> = {};
    for (const name of ['origin', 'host', 'user-agent', 'x-forwarded-for', 'sec-fetch-site']) {
      const value = req.headers[name];
      if (typeof value === 'string') headers[name] = value;
    }
    await desk.recordRefusal({
      incidentId: safeDecode(match[1]!),
      actionId: safeDecode(match[2]!),
      decision: match[3] === 'approve' ? 'approved' : 'rejected',
      actor: callerName(req, credentials),
      status,
      reason,
      ...(req.socket.remoteAddress ? { remote: req.socket.remoteAddress } : {}),
      headers,
    });
  };

  const errors: ErrorRequestHandler = async (error: unknown, req, res, _next) => {
    const isWebhook = req.path.startsWith('/webhooks/');
    const e = error as { type?: string; status?: number; statusCode?: number; expose?: boolean; message?: string };
    const clientStatus = e?.status ?? e?.statusCode;
    let status = 500;
    let message = 'internal error; see the agent log';
    if (e?.type === 'entity.too.large') {
      status = 413;
      message = `body larger than ${Math.round((options.maxBodyBytes ?? MAX_BODY_BYTES) / 1024)} KiB`;
      if (isWebhook) metrics.alertsRejected.inc({ reason: 'too-large' });
    } else if (e?.type === 'entity.parse.failed') {
      status = 400;
      message = `body is not valid JSON: ${e.message}`;
      if (isWebhook) metrics.alertsRejected.inc({ reason: 'malformed-json' });
    } else if (error instanceof PayloadRejected) {
      status = error.status;
      message = error.message;
      if (error instanceof AlertsRateLimited) res.set('Retry-After', String(error.retryAfterSeconds));
    } else if (error instanceof HttpError || error instanceof ApprovalError) {
      status = error.status;
      message = error.message;
    } else if (error instanceof InvalidCursor) {
      status = 400;
      message = error.message;
    } else if (error instanceof IncidentConflict) {
      status = 409;
      message = `${error.message}; try again`;
    } else if (error instanceof StoreUnavailable) {
      // 503 makes Alertmanager and EventBridge retry the delivery later.
      status = 503;
      message = error.message;
    } else if (error instanceof URIError) {
      status = 400;
      message = 'the path is not valid percent-encoded UTF-8';
    } else if (typeof clientStatus === 'number' && clientStatus >= 400 && clientStatus < 500 && e.expose !== false) {
      // What express and body-parser refuse (a path that does not decode, a body that does not inflate).
      status = clientStatus;
      message = clientStatus === 400 && /decode param/i.test(e.message ?? '') ? 'the path is not valid percent-encoded UTF-8' : (e.message ?? 'bad request');
    }
    if (status >= 500) log.error('request failed', { method: req.method, path: req.path.slice(0, 200), status, error: (error as Error)?.stack ?? String(error) });
    else log.info('request refused', { method: req.method, path: req.path.slice(0, 200), status, error: message });
    await auditRefusal(req, status, message);
    if (error instanceof HttpError && error.extra.headers) res.set(error.extra.headers as Record<string, string>);
    res.status(status).json({ error: message });
  };
  app.use(errors);
  return app;
}
