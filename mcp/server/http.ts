/**
 * Streamable HTTP transport: `POST/GET/DELETE /mcp` with sessions (`Mcp-Session-Id`), one MCP server,
 * conversation context and query history per session, dropped on DELETE or after an idle timeout.
 * Sessions are capped (`maxSessions`): a new one evicts the session idle the longest, preferring those
 * that never got past the handshake, so a flood of initializations cannot exhaust memory nor push out
 * a client that is working. Bound to 127.0.0.1 by default; the Origin and Host headers are checked so
 * a web page cannot reach it through DNS rebinding. Every answer is JSON: a bad body gets a JSON-RPC
 * error (parse error, unsupported media type, too large), never an HTML page or a stack trace.
 * `GET /healthz` says the process serves, `GET /readyz` that the backend answers too.
 *
 * With an API key (`apiKey`; the CLI's --api-key-file or --api-key-secret), every request to /mcp must
 * carry it as `Authorization: Bearer <key>` or `X-API-Key: <key>` (what the AWS DevOps Agent sends for
 * a custom MCP server registered with an API key), compared in constant time; otherwise 401 with a
 * JSON-RPC error and `WWW-Authenticate: Bearer`. /healthz and /readyz stay open for the kubelet.
 */
import { createHash, randomUUID, timingSafeEqual } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import express, { type NextFunction, type Request, type Response } from 'express';
import { isBackendError } from '../../lib/prometheus/client/index.js';
import { createMcpServer, type ServerDependencies } from './create-server.js';
import { newSession, type Session } from './session.js';
import { serverDependencies, type McpServerOptions } from './setup.js';

export interface HttpServerOptions extends McpServerOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Default 127.0.0.1. Anything else should sit behind an authenticating proxy. */
  host?: string;
  /** Browser origins allowed besides localhost ones, e.g. https://inspector.example.com. */
  allowedOrigins?: string[];
  /** Host header values allowed besides localhost/127.0.0.1/[::1] (the name a proxy forwards). */
  allowedHosts?: string[];
  /** Sessions idle this long are closed (default 30 min). */
  sessionIdleMs?: number;
  /** Most sessions open at once (default 100); a new one evicts the idlest. */
  maxSessions?: number;
  /** Largest request body (default 1 MiB): a tool call's arguments are a few kilobytes. */
  maxBodyBytes?: number;
  /** When set, /mcp requires it (Authorization: Bearer, or X-API-Key). */
  apiKey?: string;
}

export const defaultMaxSessions = 100;

export interface RunningHttpServer {
  /** The MCP endpoint, e.g. http://127.0.0.1:18081/mcp */
  url: string;
  port: number;
  /** Open sessions right now. */
  sessions(): number;
  /** The anomaly watcher, when `anomalyWatch` was given (status(), runOnce(), idle()). */
  anomalyWatch?: ServerDependencies['anomalyWatch'];
  close(): Promise<void>;
}

interface OpenSession {
  session: Session;
  transport: StreamableHTTPServerTransport;
  close(): Promise<void>;
  lastSeen: number;
  /** Requests after the handshake (initialize, notifications/initialized); 0 for a session never used. */
  requests: number;
}

const loopbackHosts = ['localhost', '127.0.0.1', '[::1]'];

/** JSON-RPC error codes: the spec's, and the MCP SDK's for a session it does not know. */
const PARSE_ERROR = -32700;
const INVALID_REQUEST = -32600;
const INTERNAL_ERROR = -32603;
const SERVER_ERROR = -32000;
const SESSION_NOT_FOUND = -32001;

function jsonRpcError(res: Response, status: number, message: string, code = SERVER_ERROR): void {
  res.status(status).json({ jsonrpc: '2.0', error: { code, message }, id: null });
}

/** What body-parser's errors mean for a JSON-RPC client; anything else is ours and stays unsaid. */
function bodyError(error: { type?: string; status?: number; limit?: number; message?: string }, maxBodyBytes: number): { status: number; code: number; message: string } {
  switch (error.type) {
    case 'entity.parse.failed':
      return { status: 400, code: PARSE_ERROR, message: 'Parse error: the body is not valid JSON' };
    case 'entity.too.large':
      return { status: 413, code: INVALID_REQUEST, message: `Request too large: the body exceeds ${maxBodyBytes} bytes` };
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return { status: 415, code: INVALID_REQUEST, message: `Unsupported Media Type: ${error.message ?? 'unsupported encoding'}; send uncompressed (or gzip) UTF-8 JSON` };
    case 'request.aborted':
    case 'request.size.invalid':
    case 'stream.encoding.set':
      return { status: 400, code: INVALID_REQUEST, message: 'Bad Request: the body was cut short or malformed' };
    default:
      return error.status && error.status >= 400 && error.status < 500
        ? { status: error.status, code: INVALID_REQUEST, message: 'Bad Request' }
        : { status: 500, code: INTERNAL_ERROR, message: 'Internal error' };
  }
}

/** Rejects requests whose Origin is not a local page or an allowed origin (DNS-rebinding protection). */
export function originCheck(allowedOrigins: readonly string[]) {
  const allowed = new Set(allowedOrigins.map((o) => o.replace(/\/+$/, '').toLowerCase()));
  return (req: Request, res: Response, next: NextFunction) => {
    const origin = req.headers.origin;
    if (origin === undefined) return next(); // not a browser: MCP clients send no Origin
    let hostname: string;
    try {
      hostname = new URL(origin).hostname;
    } catch {
      return jsonRpcError(res, 403, `Forbidden: invalid Origin "${origin}"`);
    }
    if (allowed.has(origin.toLowerCase()) || loopbackHosts.includes(hostname) || hostname === '::1') return next();
    jsonRpcError(res, 403, `Forbidden: Origin ${origin} is not allowed; start the server with --allowed-origin ${origin} to allow it`);
  };
}

/** Rejects requests whose Host header is not this machine's loopback name or an allowed host. */
export function hostCheck(allowedHosts: readonly string[]) {
  const allowed = new Set([...loopbackHosts, ...allowedHosts.map((h) => h.toLowerCase())]);
  return (req: Request, res: Response, next: NextFunction) => {
    const host = req.headers.host;
    if (!host) return jsonRpcError(res, 403, 'Forbidden: missing Host header');
    let hostname: string;
    try {
      hostname = new URL(`http://${host}`).hostname.toLowerCase();
    } catch {
      return jsonRpcError(res, 403, `Forbidden: invalid Host header "${host}"`);
    }
    if (allowed.has(hostname) || allowed.has(host.toLowerCase())) return next();
    jsonRpcError(res, 403, `Forbidden: Host ${hostname} is not allowed; add it with --allowed-host ${hostname}`);
  };
}

const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();

/** The key a request presents: `Authorization: Bearer <key>` (scheme in any case) or `X-API-Key: <key>`. */
function presentedKey(req: Request): string | undefined {
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '')?.[1];
  if (bearer) return bearer;
  const header = req.headers['x-api-key'];
  return (Array.isArray(header) ? header[0] : header)?.trim() || undefined;
}

/**
 * Requires the API key on every request. Compared as SHA-256 digests with timingSafeEqual: equal
 * lengths always, so neither the key's content nor its length shows in the time an answer takes.
 */
export function apiKeyCheck(apiKey: string) {
  const expected = digest(apiKey);
  return (req: Request, res: Response, next: NextFunction) => {
    const key = presentedKey(req);
    if (key !== undefined && timingSafeEqual(digest(key), expected)) return next();
    res.set('WWW-Authenticate', key === undefined ? 'Bearer realm="prometheus-mcp"' : 'Bearer realm="prometheus-mcp", error="invalid_token"');
    jsonRpcError(res, 401, key === undefined ? 'Unauthorized: this MCP server needs its API key, as Authorization: Bearer <key> or X-API-Key: <key>' : 'Unauthorized: the API key is not the one this server was given');
  };
}

export async function startHttpServer(options: HttpServerOptions): Promise<RunningHttpServer> {
  const deps = await serverDependencies(options, 'http');
  const host = options.host ?? '127.0.0.1';
  const idleMs = options.sessionIdleMs ?? 30 * 60_000;
  const maxSessions = Math.max(1, options.maxSessions ?? defaultMaxSessions);
  const maxBodyBytes = options.maxBodyBytes ?? 1024 * 1024;
  const logger = deps.logger;
  const open = new Map<string, OpenSession>();
  /** Initializations under way, not yet in `open`: they count against the cap too. */
  let opening = 0;
  const app = express();
  app.disable('x-powered-by');
  app.set('env', 'production');

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok', sessions: open.size, maxSessions });
  });
  app.get('/readyz', async (_req, res) => {
    const backend = await probeBackend(deps);
    res.status(backend.reachable ? 200 : 503).json({ ready: backend.reachable, backend });
  });

  const guards = [originCheck(options.allowedOrigins ?? [])];
  // Bound to every interface on purpose (behind a proxy): the Host check cannot know the names it is reached by.
  if (host !== '0.0.0.0' && host !== '::') guards.unshift(hostCheck([...(options.allowedHosts ?? []), host.includes(':') ? `[${host}]` : host]));
  if (options.apiKey) guards.push(apiKeyCheck(options.apiKey));
  else if (!loopbackHosts.includes(host) && host !== '::1') logger.warn('listening beyond loopback without an API key: anyone who reaches the port can query the metrics; give --api-key-file or --api-key-secret', { host });

  const closeSession = async (id: string, why: string) => {
    const entry = open.get(id);
    if (!entry) return;
    open.delete(id);
    entry.session.end();
    await entry.close();
    logger.info('session closed', { session: id, why, sessions: open.size });
  };

  /** The session to close for a new one: never used past the handshake first, then the idlest. */
  const evictionCandidate = (): string | undefined => {
    const rank = (entry: OpenSession) => [entry.requests === 0 ? 0 : 1, entry.lastSeen] as const;
    let pick: { id: string; rank: readonly [number, number] } | undefined;
    for (const [id, entry] of open) {
      const r = rank(entry);
      if (!pick || r[0] < pick.rank[0] || (r[0] === pick.rank[0] && r[1] < pick.rank[1])) pick = { id, rank: r };
    }
    return pick?.id;
  };

  const makeRoom = async () => {
    while (open.size > 0 && open.size + opening >= maxSessions) {
      const id = evictionCandidate();
      if (!id) break;
      await closeSession(id, `evicted: the server keeps at most ${maxSessions} sessions`);
    }
  };

  const openSession = async (): Promise<StreamableHTTPServerTransport> => {
    const session = newSession(randomUUID(), deps.services.translator);
    const server = createMcpServer(deps, session);
    const transport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      onsessioninitialized: (id) => {
        // The session state is named after the id the client sees.
        session.id = id;
        open.set(id, entry);
        logger.info('session opened', { session: id, sessions: open.size });
      },
      onsessionclosed: (id) => closeSession(id, 'deleted by the client'),
    });
    const entry: OpenSession = {
      session,
      transport,
      requests: 0,
      lastSeen: deps.clock.now(),
      close: async () => {
        await server.close().catch(() => undefined);
      },
    };
    transport.onclose = () => {
      if (transport.sessionId) void closeSession(transport.sessionId, 'transport closed');
    };
    await server.connect(transport);
    return transport;
  };

  // POST bodies must be JSON; GET (the SSE stream) and DELETE have none.
  const jsonOnly = (req: Request, res: Response, next: NextFunction) => {
    if (req.method !== 'POST' || req.is('application/json')) return next();
    res.set('Accept', 'application/json');
    jsonRpcError(res, 415, `Unsupported Media Type: Content-Type must be application/json, got ${req.headers['content-type'] ? JSON.stringify(req.headers['content-type'].slice(0, 100)) : 'none'}`, INVALID_REQUEST);
  };

  app.all('/mcp', ...guards, jsonOnly, express.json({ limit: maxBodyBytes, type: 'application/json' }), async (req, res) => {
    try {
      const id = req.headers['mcp-session-id'];
      const sessionId = Array.isArray(id) ? id[0] : id;
      if (sessionId) {
        const entry = open.get(sessionId);
        if (!entry) {
          return jsonRpcError(res, 404, `Session not found: it ended, expired or was evicted (the server keeps at most ${maxSessions} sessions, closing the idlest); initialize a new session`, SESSION_NOT_FOUND);
        }
        entry.lastSeen = deps.clock.now();
        if (!isHandshake(req.body)) entry.requests++;
        await entry.transport.handleRequest(req, res, req.body);
        return;
      }
      if (req.method === 'POST' && isInitializeRequest(req.body)) {
        await makeRoom();
        opening++;
        let transport: StreamableHTTPServerTransport;
        try {
          transport = await openSession();
        } finally {
          opening--;
        }
        await transport.handleRequest(req, res, req.body);
        return;
      }
      if (req.method === 'POST' || req.method === 'GET' || req.method === 'DELETE') {
        return jsonRpcError(res, 400, 'Bad Request: no Mcp-Session-Id header; send an initialize request first', INVALID_REQUEST);
      }
      res.set('Allow', 'GET, POST, DELETE').status(405).json({ jsonrpc: '2.0', error: { code: SERVER_ERROR, message: 'Method not allowed' }, id: null });
    } catch (error) {
      logger.error('request failed', { error: (error as Error).message });
      if (!res.headersSent) jsonRpcError(res, 500, 'Internal error', INTERNAL_ERROR);
    }
  });

  app.use((_req: Request, res: Response) => {
    res.status(404).json({ jsonrpc: '2.0', error: { code: INVALID_REQUEST, message: 'Not found: the MCP endpoint is /mcp; /healthz and /readyz report health' }, id: null });
  });
  // Express' own error page is HTML with a stack trace; a client gets a JSON-RPC error, the log the detail.
  app.use((error: { type?: string; status?: number; message?: string }, _req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) return next(error);
    const answer = bodyError(error, maxBodyBytes);
    if (answer.status >= 500) logger.error('request failed', { error: String(error.message ?? error) });
    jsonRpcError(res, answer.status, answer.message, answer.code);
  });

  const sweep = setInterval(
    () => {
      const now = deps.clock.now();
      for (const [id, entry] of open) if (now - entry.lastSeen > idleMs) void closeSession(id, `idle for more than ${Math.round(idleMs / 1000)} s`);
    },
    Math.min(60_000, Math.max(1000, Math.floor(idleMs / 4))),
  );
  sweep.unref();

  const server: Server = await new Promise((resolve, reject) => {
    const s = app.listen(options.port ?? 0, host, () => resolve(s));
    s.once('error', reject);
  });
  const port = (server.address() as AddressInfo).port;
  const shownHost = host.includes(':') ? `[${host}]` : host === '0.0.0.0' ? '127.0.0.1' : host;
  const url = `http://${shownHost}:${port}/mcp`;
  logger.info('listening', { url, backend: deps.backend.describe().url, cache: Boolean(deps.cacheStats), apiKey: Boolean(options.apiKey) });
  deps.anomalyWatch?.start({ url });

  return {
    url,
    port,
    ...(deps.anomalyWatch ? { anomalyWatch: deps.anomalyWatch } : {}),
    sessions: () => open.size,
    async close() {
      clearInterval(sweep);
      await deps.anomalyWatch?.stop();
      await Promise.all([...open.keys()].map((id) => closeSession(id, 'server shutting down')));
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      logger.info('stopped', { url });
    },
  };
}

/** The handshake messages: a session that sent only these has not been used yet. */
function isHandshake(body: unknown): boolean {
  const method = (body as { method?: unknown } | undefined)?.method;
  return method === 'notifications/initialized' || method === 'initialize';
}

export async function probeBackend(deps: Pick<ServerDependencies, 'backend'>): Promise<{ url: string; kind: string; reachable: boolean; error?: string }> {
  const { url, kind } = deps.backend.describe();
  const signal = AbortSignal.timeout(3000);
  try {
    // Build info is never cached, so this asks the backend itself; AMP has none, so a query does.
    await deps.backend.buildInfo({ signal }).catch((error: unknown) => {
      if (isBackendError(error) && error.kind === 'not_supported') return deps.backend.query('vector(1)', { signal });
      throw error;
    });
    return { url, kind, reachable: true };
  } catch (error) {
    return { url, kind, reachable: false, error: isBackendError(error) ? `${error.message}; ${error.hint}` : String(error) };
  }
}
