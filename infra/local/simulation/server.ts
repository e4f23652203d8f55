/**
 * The local cluster's one HTTP listener: the Kubernetes API subset, the exporters' /metrics endpoints,
 * Prometheus HTTP service discovery, the X-Ray API subset, and health. Each face is a handler that
 * claims its paths; nothing here knows how they work inside.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Logger } from '../../../core/log.js';
import { renderText } from './exposition/families.js';
import { SCRAPE_POOL_NAMES, serviceDiscovery } from './exposition/targets.js';
import type { Simulation } from './simulation.js';

export type RequestHandler = (req: IncomingMessage, res: ServerResponse) => boolean;

export interface ServerOptions {
  simulation: Simulation;
  /** Extra faces (Kubernetes API, X-Ray), tried in order before the built-in paths. */
  handlers: RequestHandler[];
  logger: Logger;
  /** host:port Prometheus should scrape (what /sd answers). */
  advertisedAddress: () => string;
  readiness: () => Record<string, unknown>;
}

export function createLocalClusterServer(options: ServerOptions): Server {
  const { simulation, logger } = options;
  return createServer((req, res) => {
    try {
      for (const handler of options.handlers) if (handler(req, res)) return;
      const url = new URL(req.url ?? '/', 'http://local');
      const path = url.pathname;
      if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'text/plain', 'method not allowed\n');
      if (path === '/readyz' || path === '/-/ready') return send(res, 200, 'application/json', JSON.stringify({ ready: true, ...options.readiness() }) + '\n');
      if (path === '/healthz' || path === '/livez') return send(res, 200, 'text/plain', 'ok');
      if (path.startsWith('/sd/')) {
        const pool = path.slice(4);
        if (!(SCRAPE_POOL_NAMES as readonly string[]).includes(pool)) return send(res, 404, 'application/json', JSON.stringify({ error: `unknown scrape pool "${pool}" (pools: ${SCRAPE_POOL_NAMES.join(', ')})` }));
        return send(res, 200, 'application/json', JSON.stringify(serviceDiscovery(simulation.scrapeTargets(), pool, options.advertisedAddress())));
      }
      if (path.startsWith('/metrics/')) {
        const target = simulation.scrapeTargets().find((t) => t.path === decodeURIComponent(path));
        if (!target) return send(res, 404, 'text/plain', `no exporter at ${path} (the pod or node may be gone)\n`);
        return send(res, 200, 'text/plain; version=0.0.4; charset=utf-8', renderText(target.collect()));
      }
      if (path === '/debug/chaos') return send(res, 200, 'application/json', JSON.stringify(simulation.chaos.active(), null, 2) + '\n');
      send(res, 404, 'text/plain', `not found: ${path}\n`);
    } catch (error) {
      logger.error('request failed', { path: req.url, error: String((error as Error).stack ?? error) });
      if (!res.headersSent) send(res, 500, 'text/plain', `internal error: ${(error as Error).message}\n`);
      else res.end();
    }
  });
}

function send(res: ServerResponse, status: number, contentType: string, body: string): void {
  res.writeHead(status, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}
