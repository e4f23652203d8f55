/**
 * Streamable HTTP transport: `POST/GET/DELETE /mcp` with sessions (`Mcp-Session-Id`), one MCP server,
 * conversation context and query history per session, dropped on DELETE or after an idle timeout.
 * Bound to 127.0.0.1 by default; the Origin and Host headers are checked so a web page cannot reach
 * it through DNS rebinding. `GET /healthz` says the process serves, `GET /readyz` that the backend
 * answers too.
 */
import { randomUUID } from 'node:crypto';
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
}

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
}

const loopbackHosts = ['localhost', '127.0.0.1', '[::1]'];

function jsonRpcError(res: Response, status: number, message: string): void {
  res.status(status).json({ jsonrpc: '2.0', error: { code: -32000, message }, id: null });
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

export async function startHttpServer(options: HttpServerOptions): Promise<RunningHttpServer> {
  const deps = await serverDependencies(options, 'http');
  const host = options.host ?? '127.0.0.1';
  const idleMs = options.sessionIdleMs ?? 30 * 60_000;
  const logger = deps.logger;
  const open = new Map<string, OpenSession>();
  const app = express();
  app.disable('x-powered-by');

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok', sessions: open.size });
  });
  app.get('/readyz', async (_req, res) => {
    const backend = await probeBackend(deps);
    res.status(backend.reachable ? 200 : 503).json({ ready: backend.reachable, backend });
  });

  const guards = [originCheck(options.allowedOrigins ?? [])];
  // Bound to every interface on purpose (behind a proxy): the Host check cannot know the names it is reached by.
  if (host !== '0.0.0.0' && host !== '::') guards.unshift(hostCheck([...(options.allowedHosts ?? []), host.includes(':') ? `[${host}]` : host]));

  const closeSession = async (id: string, why: string) => {
    const entry = open.get(id);
    if (!entry) return;
    open.delete(id);
    entry.session.end();
    await entry.close();
    logger.info('session closed', { session: id, why, sessions: open.size });
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

  app.all('/mcp', ...guards, express.json({ limit: '4mb' }), async (req, res) => {
    try {
      const id = req.headers['mcp-session-id'];
      const sessionId = Array.isArray(id) ? id[0] : id;
      if (sessionId) {
        const entry = open.get(sessionId);
        if (!entry) return jsonRpcError(res, 404, 'Session not found: it ended or expired; initialize a new session');
        entry.lastSeen = deps.clock.now();
        await entry.transport.handleRequest(req, res, req.body);
        return;
      }
      if (req.method === 'POST' && isInitializeRequest(req.body)) {
        const transport = await openSession();
        await transport.handleRequest(req, res, req.body);
        return;
      }
      if (req.method === 'POST' || req.method === 'GET' || req.method === 'DELETE') {
        return jsonRpcError(res, 400, 'Bad Request: no Mcp-Session-Id header; send an initialize request first');
      }
      res.set('Allow', 'GET, POST, DELETE').status(405).json({ jsonrpc: '2.0', error: { code: -32000, message: 'Method not allowed' }, id: null });
    } catch (error) {
      logger.error('request failed', { error: (error as Error).message });
      if (!res.headersSent) jsonRpcError(res, 500, 'Internal server error');
    }
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
  logger.info('listening', { url, backend: deps.backend.describe().url, cache: Boolean(deps.cacheStats) });
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
