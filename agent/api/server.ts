/**
 * The agent's HTTP API (express 5): health, metrics, webhooks, incidents, approvals, audit. Spec in
 * docs/api/openapi.yaml; api.test.ts checks every route's answers against it. Bad input always gets a
 * 4xx JSON `{error}` and is never a reason for the agent to stop; bodies over 1 MiB get a 413.
 *
 * Webhook bodies are parsed as JSON whatever their content type (EventBridge API destinations and
 * hand-written curl commands do not always say application/json).
 */
import { timingSafeEqual } from 'node:crypto';
import express, { type ErrorRequestHandler, type NextFunction, type Request, type Response } from 'express';
import { z } from 'zod';
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
import { HttpError } from './errors.js';

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
  /** Required on every route but health and metrics, when set. */
  apiToken?: string;
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

const decisionBody = z
  .object({
    by: z.string().trim().min(1, 'by (who decides) is required').max(200),
    comment: z.string().max(2000).optional(),
  })
  .strict();

function parse<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const result = schema.safeParse(value ?? {});
  if (!result.success) throw new HttpError(400, `invalid ${what}: ${result.error.issues.map((i) => `${i.path.join('.') || what}: ${i.message}`).join('; ')}`);
  return result.data;
}

/**
 * Alertmanager sends `Authorization: Bearer` (webhook_config.http_config.authorization), EventBridge API
 * destinations an API-key header of the connection, people a bearer token in curl.
 */
function requireToken(token: string) {
  const expected = Buffer.from(token);
  const matches = (given: string | undefined) => {
    if (!given) return false;
    const value = Buffer.from(given);
    return value.length === expected.length && timingSafeEqual(value, expected);
  };
  return (req: Request, _res: Response, next: NextFunction) => {
    const bearer = /^Bearer\s+(.+)$/i.exec(req.get('authorization') ?? '')?.[1];
    if (matches(bearer) || matches(req.get('x-api-key'))) return next();
    next(new HttpError(401, 'missing or wrong API token: send Authorization: Bearer <token> or X-Api-Key: <token> (the agent\'s --api-token)'));
  };
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

export function createApi(options: ApiOptions): express.Express {
  const { intake, store, desk, metrics, log } = options;
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  const jsonBody = express.json({ limit: options.maxBodyBytes ?? MAX_BODY_BYTES, type: () => true, strict: false });

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

  // Everything below can change the cluster (approvals) or reveal it (incidents): behind the token.
  if (options.apiToken) app.use(requireToken(options.apiToken));

  const webhook = (kind: EventKind) => async (req: Request, res: Response) => {
    if (req.body === undefined) throw new PayloadRejected('invalid-payload', 'empty body: send the event as JSON');
    // The sender principal (part A replaces this with the principal its credential check resolves).
    const results = await intake.receive(kind, req.body, options.apiToken ? { name: 'api-token', authenticated: true } : { name: 'anonymous', authenticated: false });
    res.status(202).json({ accepted: results.length, results });
  };
  app.post('/webhooks/alertmanager', jsonBody, webhook('alertmanager'));
  app.post('/webhooks/eventbridge', jsonBody, webhook('eventbridge'));
  app.post('/webhooks/anomaly', jsonBody, webhook('anomaly'));

  app.get('/incidents', async (req, res) => {
    const query = parse(listQuery, req.query, 'query');
    const page = await store.listIncidents(query);
    res.json({ items: page.items.map(summaryOf), ...(page.cursor ? { cursor: page.cursor } : {}) });
  });

  const incidentOr404 = async (id: string): Promise<Incident> => {
    const incident = await store.getIncident(id);
    if (!incident) throw new HttpError(404, `incident ${id} not found`);
    return incident;
  };

  app.get('/incidents/:id', async (req, res) => {
    const incident = await incidentOr404(req.params.id);
    const workflow = await store.loadWorkflowState(incident.id);
    res.json({ ...incident, workflow: workflow ?? null });
  });

  app.get('/incidents/:id/timeline', async (req, res) => {
    const incident = await incidentOr404(req.params.id);
    const items = [...incident.timeline].sort((a, b) => a.at.localeCompare(b.at));
    res.json({ incidentId: incident.id, items });
  });

  const decide = (decision: 'approved' | 'rejected') => async (req: Request<{ id: string; actionId: string }>, res: Response) => {
    const body = parse(decisionBody, req.body, 'body');
    const { action } = await desk.decide(req.params.id, req.params.actionId, decision, body.by, body.comment);
    res.json({ incidentId: req.params.id, action });
  };
  app.post('/incidents/:id/actions/:actionId/approve', express.json({ limit: '64kb', type: () => true }), decide('approved'));
  app.post('/incidents/:id/actions/:actionId/reject', express.json({ limit: '64kb', type: () => true }), decide('rejected'));

  app.get('/audit', async (req, res) => {
    const query = parse(auditQuery, req.query, 'query');
    res.json({ items: await store.listAudit(query) });
  });

  app.use((req, _res, next: NextFunction) => next(new HttpError(404, `no route ${req.method} ${req.path} (see docs/api/openapi.yaml)`)));

  const errors: ErrorRequestHandler = (error: unknown, req, res, _next) => {
    const isWebhook = req.path.startsWith('/webhooks/');
    const e = error as { type?: string; status?: number; message?: string };
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
    } else if (e?.type && typeof e.status === 'number' && e.status >= 400 && e.status < 500) {
      status = e.status;
      message = e.message ?? 'bad request';
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
    }
    if (status >= 500) log.error('request failed', { method: req.method, path: req.path, status, error: (error as Error)?.stack ?? String(error) });
    else log.info('request refused', { method: req.method, path: req.path, status, error: message });
    res.status(status).json({ error: message });
  };
  app.use(errors);
  return app;
}
