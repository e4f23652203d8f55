import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from '../../../../core/log.js';
import { createLogger } from '../../../../core/log.js';
import type { ClusterBackend } from '../cluster/backend.js';
import { ApiError, errors } from '../cluster/errors.js';
import type { ApiContext, ApiRequest } from './context.js';
import {
  acceptedAggregatedDiscovery,
  aggregatedDiscovery,
  apiGroupDocument,
  apiGroupList,
  apiResourceList,
  apiVersions,
  serverVersion,
} from './discovery.js';
import type { Reply } from './http.js';
import { readBody, reply, send, sendError } from './http.js';
import { serveMetrics } from './metrics.js';
import { answerReview } from './reviews.js';
import { refuseUpgrade, serveExec } from './exec/stream.js';
import { isReview } from '../cluster/resources.js';
import { deleteCollection, deleteObject } from './objects/delete.js';
import { getObject, listObjects } from './objects/read.js';
import { createObject, patchObject, replaceObject } from './objects/write.js';
import { groupVersionOfOpenApiPath, openApiGroupVersion, openApiRoot, openApiV2 } from './openapi/index.js';
import type { ResourceTarget, Route } from './routes.js';
import { isKubePath, resolveRoute } from './routes.js';
import { evictPod } from './subresources/eviction.js';
import { readLogs } from './subresources/logs.js';
import { getScale, updateScale } from './subresources/scale.js';
import { serveWatch } from './watch.js';

export interface KubeApiOptions {
  /** Bearer token every request must carry (health and version endpoints excepted, as on EKS). */
  token?: string;
  logger?: Logger;
  /** How often watches with allowWatchBookmarks get a BOOKMARK; about a minute on a real server. */
  bookmarkIntervalMs?: number;
}

export interface KubeApiHandler {
  (req: IncomingMessage, res: ServerResponse): boolean;
  /** For the server's 'upgrade' event (exec over WebSocket); false when the path is not one it serves. */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean;
}

const PUBLIC_ROUTES = new Set<Route['kind']>(['health', 'version']);

/**
 * The Kubernetes API subset of the local cluster, as a node:http request handler. It answers (and
 * returns true for) Kubernetes paths only, so one server can also serve metrics and traces.
 */
export function createKubeApi(backend: ClusterBackend, options: KubeApiOptions = {}): KubeApiHandler {
  const logger = options.logger ?? createLogger('kube-api');
  const ctx: ApiContext = { backend, logger, bookmarkIntervalMs: options.bookmarkIntervalMs ?? 60_000 };
  const handler = (req: IncomingMessage, res: ServerResponse): boolean => {
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://kube-api.local');
    } catch {
      return false;
    }
    if (!isKubePath(url.pathname)) return false;
    const started = Date.now();
    const route = resolveRoute(url.pathname);
    let bodyText: Promise<string> | undefined;
    const request: ApiRequest = {
      method: (req.method ?? 'GET').toUpperCase(),
      query: url.searchParams,
      headers: req.headers,
      body: () => (bodyText ??= readBody(req)),
    };
    const log = (status: number, extra: Record<string, unknown> = {}) =>
      logger.debug('request', { method: request.method, path: url.pathname, query: url.search || undefined, status, durationMs: Date.now() - started, ...extra });

    if (options.token && !PUBLIC_ROUTES.has(route.kind) && req.headers.authorization !== `Bearer ${options.token}`) {
      // Drain the body so the connection stays usable for the client's next request.
      req.resume();
      send(res, reply(401, new ApiError(401, 'Unauthorized', 'Unauthorized').toStatus()));
      log(401);
      return true;
    }
    void handle(ctx, request, res, route).then(
      (answer) => {
        if (answer) {
          send(res, answer);
          log(answer.status);
        }
      },
      (error: unknown) => {
        const status = sendError(res, error);
        if (status >= 500) logger.error('request failed', { method: request.method, path: url.pathname, error: error instanceof Error ? error.stack : String(error) });
        log(status, status >= 400 && error instanceof Error ? { error: error.message } : {});
      },
    );
    return true;
  };
  const upgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): boolean => {
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://kube-api.local');
    } catch {
      return false;
    }
    if (!isKubePath(url.pathname)) return false;
    const route = resolveRoute(url.pathname);
    if (options.token && req.headers.authorization !== `Bearer ${options.token}`) {
      refuseUpgrade(socket, new ApiError(401, 'Unauthorized', 'Unauthorized'));
      return true;
    }
    if (route.kind !== 'resource' || route.target.subresource !== 'exec' || !route.target.namespace || !route.target.name) {
      refuseUpgrade(socket, route.kind === 'resource' ? errors.badRequest('only pods/exec upgrades the connection here') : notFoundPath());
      return true;
    }
    serveExec(ctx, req, socket, head, { namespace: route.target.namespace, name: route.target.name, query: url.searchParams });
    return true;
  };
  return Object.assign(handler, { upgrade });
}

/** Returns the reply to send, or undefined when the handler streams the response itself (watch). */
async function handle(ctx: ApiContext, req: ApiRequest, res: ServerResponse, route: Route): Promise<Reply | undefined> {
  if (route.kind === 'unknown') throw notFoundPath();
  if (route.kind !== 'resource' && req.method !== 'GET' && req.method !== 'HEAD') throw errors.methodNotAllowed();
  switch (route.kind) {
    case 'health':
      return reply(200, req.query.has('verbose') ? verboseHealth(route.check) : 'ok', 'text/plain; charset=utf-8');
    case 'version':
      return reply(200, serverVersion);
    case 'legacy-root':
    case 'groups-root': {
      const aggregated = acceptedAggregatedDiscovery(req.headers.accept);
      if (aggregated) return reply(200, aggregatedDiscovery(aggregated, route.kind === 'legacy-root'), aggregated);
      return reply(200, route.kind === 'legacy-root' ? apiVersions() : apiGroupList());
    }
    case 'group':
      return reply(200, apiGroupDocument(route.group));
    case 'resource-list':
      return reply(200, apiResourceList(route.group, route.version));
    case 'openapi':
      return openApi(route.segments, req.headers.accept);
    case 'resource':
      return resource(ctx, req, res, route.target);
  }
}

function openApi(segments: string[], accept: string | undefined): Reply {
  if (segments[0] === 'v2' && segments.length === 1) {
    // kube-apiserver also serves v2 as protobuf (gnostic's encoding), which this server does not: a client
    // that accepts only protobuf is told so (406), one that accepts JSON gets the document.
    const offers = (accept ?? '*/*').split(',').map((o) => o.split(';')[0]!.trim().toLowerCase());
    if (!offers.some((o) => o === 'application/json' || o === '*/*' || o === 'application/*')) {
      throw new ApiError(406, 'NotAcceptable', 'only the following media types are accepted: application/json');
    }
    return reply(200, openApiV2());
  }
  if (segments[0] !== 'v3') throw notFoundPath();
  if (segments.length === 1) return reply(200, openApiRoot());
  const gv = groupVersionOfOpenApiPath(segments.slice(1));
  if (!gv) throw notFoundPath();
  return reply(200, openApiGroupVersion(gv.group, gv.version));
}

/** The checks kube-apiserver 1.31 lists for `/readyz?verbose` (livez and healthz list the same but readiness-only ones). */
const HEALTH_CHECKS = [
  'ping', 'log', 'etcd', 'etcd-readiness', 'informer-sync', 'poststarthook/start-apiserver-admission-initializer', 'poststarthook/generic-apiserver-start-informers',
  'poststarthook/priority-and-fairness-config-consumer', 'poststarthook/priority-and-fairness-filter', 'poststarthook/storage-object-count-tracker-hook',
  'poststarthook/start-apiextensions-informers', 'poststarthook/start-apiextensions-controllers', 'poststarthook/crd-informer-synced',
  'poststarthook/start-system-namespaces-controller', 'poststarthook/bootstrap-controller', 'poststarthook/rbac/bootstrap-roles',
  'poststarthook/scheduling/bootstrap-system-priority-classes', 'poststarthook/priority-and-fairness-config-producer', 'poststarthook/start-cluster-authentication-info-controller',
  'poststarthook/aggregator-reload-proxy-client-cert', 'poststarthook/start-kube-aggregator-informers', 'poststarthook/apiservice-registration-controller',
  'poststarthook/apiservice-status-available-controller', 'poststarthook/kube-apiserver-autoregistration', 'autoregister-completion', 'poststarthook/apiservice-openapi-controller',
  'poststarthook/apiservice-openapiv3-controller', 'shutdown',
];
const READINESS_ONLY = new Set(['etcd-readiness', 'informer-sync', 'shutdown']);

function verboseHealth(check: string): string {
  const checks = HEALTH_CHECKS.filter((name) => check === 'readyz' || !READINESS_ONLY.has(name));
  return `${checks.map((name) => `[+]${name} ok`).join('\n')}\n${check} check passed\n`;
}

function notFoundPath(): ApiError {
  return new ApiError(404, 'NotFound', 'the server could not find the requested resource', {});
}

async function resource(ctx: ApiContext, req: ApiRequest, res: ServerResponse, target: ResourceTarget): Promise<Reply | undefined> {
  const { type, name, subresource } = target;
  const method = req.method;
  if (type.virtual) return serveMetrics(ctx, req, target);
  if (isReview(type)) {
    if (name !== undefined || subresource) throw notFoundPath();
    return answerReview(type, req, target.namespace);
  }
  const watching = target.watchPath || req.query.get('watch') === 'true' || req.query.get('watch') === '1';

  if (subresource) {
    const verbs = type.subresources!.find((s) => s.name === subresource)!.verbs;
    const verb = { GET: 'get', PUT: 'update', PATCH: 'patch', POST: 'create' }[method];
    if (!verb || !verbs.includes(verb)) throw errors.methodNotAllowed();
    switch (subresource) {
      case 'log':
        return readLogs(ctx, req, target, res);
      case 'exec':
        // Without a WebSocket or SPDY upgrade there is no stream to run the command on.
        throw errors.badRequest('Upgrade request required');
      case 'eviction':
        return evictPod(ctx, req, target);
      case 'scale':
        return method === 'GET' ? getScale(ctx, target) : updateScale(ctx, req, target);
      case 'status':
        if (method === 'GET') return getObject(ctx, req, target);
        return method === 'PUT' ? replaceObject(ctx, req, target) : patchObject(ctx, req, target);
      default:
        throw notFoundPath();
    }
  }

  if (name === undefined) {
    if (method === 'GET' && watching) {
      serveWatch(ctx, req, res, target, () => ctx.logger.debug('watch closed', { resource: type.plural, namespace: target.namespace }));
      return undefined;
    }
    if (method === 'GET') return listObjects(ctx, req, target);
    if (method === 'POST') {
      if (target.namespace === undefined && type.namespaced) throw errors.methodNotAllowed();
      return createObject(ctx, req, target);
    }
    if (method === 'DELETE') return deleteCollection(ctx, req, target);
    throw errors.methodNotAllowed();
  }
  switch (method) {
    case 'GET':
      if (watching) {
        // A watch on one object is a watch on its collection pinned by name, as the server does it.
        req.query.set('fieldSelector', [req.query.get('fieldSelector'), `metadata.name=${name}`].filter(Boolean).join(','));
        serveWatch(ctx, req, res, { ...target, name: undefined }, () => undefined);
        return undefined;
      }
      return getObject(ctx, req, target);
    case 'PUT':
      return replaceObject(ctx, req, target);
    case 'PATCH':
      return patchObject(ctx, req, target);
    case 'DELETE':
      return deleteObject(ctx, req, target);
    default:
      throw errors.methodNotAllowed();
  }
}
