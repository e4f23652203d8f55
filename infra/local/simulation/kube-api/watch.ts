import type { ServerResponse } from 'node:http';
import { errors } from '../cluster/errors.js';
import type { KubeObject } from '../cluster/objects.js';
import { apiVersionOf, keyOf } from '../cluster/resources.js';
import type { WatchEvent } from '../cluster/store.js';
import type { ApiContext, ApiRequest } from './context.js';
import { asApiError, boolParam, intParam } from './http.js';
import { filterFromQuery } from './list.js';
import { negotiateOutput, renderObject } from './output.js';
import type { ResourceTarget } from './routes.js';

/** kube-apiserver's --min-request-timeout is 30 min; a watch without timeoutSeconds ends about then. */
const DEFAULT_WATCH_SECONDS = 1800;

type EventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

/**
 * A watch stream: newline-delimited `{"type","object"}` events over chunked HTTP, from the store's
 * history after `resourceVersion` (or synthetic ADDED events for the current state), filtered by label
 * and field selectors. An object leaving the selection is sent as DELETED, like the watch cache does.
 */
export function serveWatch(ctx: ApiContext, req: ApiRequest, res: ServerResponse, target: ResourceTarget, onEnd: () => void): void {
  const { store } = ctx.backend;
  const { type } = target;
  const output = negotiateOutput(req.headers.accept, req.query);
  const filter = filterFromQuery(type.kind, req.query);
  const timeoutSeconds = intParam(req.query, 'timeoutSeconds') ?? DEFAULT_WATCH_SECONDS;
  const bookmarks = boolParam(req.query, 'allowWatchBookmarks');
  const rvParam = req.query.get('resourceVersion') ?? '';
  const sendInitialEvents = req.query.get('sendInitialEvents') === 'true';
  const fromNow = rvParam === '' || rvParam === '0' || sendInitialEvents;
  if (!fromNow && !/^\d+$/.test(rvParam)) {
    throw errors.badRequest(`resourceVersion: Invalid value: "${rvParam}": must be a non-negative integer`);
  }

  res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private', 'Transfer-Encoding': 'chunked' });
  res.flushHeaders();

  let first = true;
  let closed = false;
  const write = (eventType: EventType, object: unknown) => {
    if (closed || res.destroyed) return;
    res.write(`${JSON.stringify({ type: eventType, object })}\n`);
  };
  const render = (object: KubeObject) => {
    const rendered = renderObject(ctx.backend, type, object, output, !first);
    first = false;
    return rendered;
  };
  const bookmark = (annotations?: Record<string, string>) =>
    write('BOOKMARK', { kind: type.kind, apiVersion: apiVersionOf(type), metadata: { resourceVersion: store.resourceVersion, ...(annotations ? { annotations } : {}) } });

  const idOf = (o: KubeObject) => `${o.metadata.namespace ?? ''}/${o.metadata.name}`;
  const current = store.list(keyOf(type), target.namespace).filter((o) => filter.matches(o));
  const visible = new Set(current.map(idOf));
  if (!fromNow) {
    // What the client saw at its resourceVersion decides whether a change out of the selection is a
    // DELETED; the retained history tells, and objects it does not cover are judged by their current state.
    try {
      const since = Number(rvParam);
      const stop = store.watch({ key: keyOf(type), namespace: target.namespace, sinceResourceVersion: store.oldestWatchableVersion }, (event) => {
        if (event.resourceVersion > since) return;
        if (event.type !== 'DELETED' && filter.matches(event.object)) visible.add(idOf(event.object));
        else visible.delete(idOf(event.object));
      });
      stop();
    } catch {
      // History moved on meanwhile; the watch below reports the expiry.
    }
  }

  const onEvent = (event: WatchEvent) => {
    const id = idOf(event.object);
    const matches = filter.matches(event.object);
    if (event.type === 'DELETED') {
      if (matches || visible.has(id)) write('DELETED', render(event.object));
      visible.delete(id);
    } else if (matches) {
      write(event.type, render(event.object));
      visible.add(id);
    } else if (visible.has(id)) {
      write('DELETED', render(event.object));
      visible.delete(id);
    }
  };

  const timers: NodeJS.Timeout[] = [];
  let unsubscribe: (() => void) | undefined;
  const finish = () => {
    if (closed) return;
    closed = true;
    unsubscribe?.();
    for (const t of timers) clearTimeout(t);
    if (!res.writableEnded) res.end();
    onEnd();
  };
  res.on('close', finish);

  try {
    if (fromNow) {
      for (const object of current) write('ADDED', render(object));
      if (sendInitialEvents) bookmark({ 'k8s.io/initial-events-end': 'true' });
      unsubscribe = store.watch({ key: keyOf(type), namespace: target.namespace }, onEvent);
    } else {
      unsubscribe = store.watch({ key: keyOf(type), namespace: target.namespace, sinceResourceVersion: Number(rvParam) }, onEvent);
    }
  } catch (error) {
    write('ERROR', asApiError(error).toStatus());
    finish();
    return;
  }
  timers.push(setTimeout(finish, timeoutSeconds * 1000));
  if (bookmarks) timers.push(setInterval(() => bookmark(), ctx.bookmarkIntervalMs));
}
