import type { LogQuery } from '../../cluster/backend.js';
import { errors } from '../../cluster/errors.js';
import type { Pod } from '../../cluster/objects.js';
import { POD } from '../../cluster/resources.js';
import type { ApiContext, ApiRequest } from '../context.js';
import type { ServerResponse } from 'node:http';
import type { Reply } from '../http.js';
import { boolParam, intParam, reply } from '../http.js';
import type { ResourceTarget } from '../routes.js';

/** How often a followed log is checked for new lines (kubelet's follower wakes on writes; a second is near enough). */
const FOLLOW_POLL_MS = 500;

/**
 * `pods/<name>/log`: resolves the container the way the API server does (the only one, or the one
 * named; ambiguity and unknown names are 400s with the server's wording), then asks the simulation's
 * log source. `follow=true` streams: what is there now, then new lines as they are written (chunked,
 * as the kubelet's stream reaches kubectl through the API server), until the container stops or the
 * client goes away.
 */
export function readLogs(ctx: ApiContext, req: ApiRequest, target: ResourceTarget, res: ServerResponse): Reply | undefined {
  const pod = ctx.backend.store.require<Pod>(POD, target.namespace, target.name!);
  const query = logQuery(req.query);
  const name = pod.metadata.name;
  const containers = pod.spec.containers.map((c) => c.name);
  const initContainers = ((pod.spec.initContainers as { name: string }[] | undefined) ?? []).map((c) => c.name);
  let container = query.container;
  if (!container) {
    if (containers.length !== 1) {
      const init = initContainers.length ? ` or one of the init containers: [${initContainers.join(' ')}]` : '';
      throw errors.badRequest(`a container name must be specified for pod ${name}, choose one of: [${containers.join(' ')}]${init}`);
    }
    container = containers[0]!;
  } else if (!containers.includes(container) && !initContainers.includes(container)) {
    throw errors.badRequest(`container ${container} is not valid for pod ${name}`);
  }
  const status = [...(pod.status?.containerStatuses ?? []), ...((pod.status as { initContainerStatuses?: typeof pod.status.containerStatuses }).initContainerStatuses ?? [])].find(
    (s) => s.name === container,
  );
  if (query.previous) {
    if (!status?.lastState?.terminated) throw errors.badRequest(`previous terminated container "${container}" in pod "${name}" not found`);
  } else if (!status || (status.state?.waiting && status.restartCount === 0 && !status.lastState?.terminated)) {
    const reason = status?.state?.waiting?.reason ?? 'ContainerCreating';
    throw errors.badRequest(`container "${container}" in pod "${name}" is waiting to start: ${reason}`);
  }
  const text = ctx.backend.logs.read(target.namespace!, name, { ...query, container });
  if (!boolParam(req.query, 'follow') || query.previous) return reply(200, text, 'text/plain');
  followLogs(ctx, res, { namespace: target.namespace!, pod: name, uid: pod.metadata.uid!, container, containerID: status?.containerID }, query, text);
  return undefined;
}

interface FollowedContainer {
  namespace: string;
  pod: string;
  uid: string;
  container: string;
  containerID?: string;
}

function followLogs(ctx: ApiContext, res: ServerResponse, followed: FollowedContainer, query: LogQuery, first: string): void {
  const { logs, store } = ctx.backend;
  res.writeHead(200, { 'Content-Type': 'text/plain', 'Cache-Control': 'no-cache, private', 'Transfer-Encoding': 'chunked' });
  res.write(first);
  let seen = logs.newestLineTime?.(followed.namespace, followed.pod, followed.container) ?? ctx.backend.clock.now();
  let sentBytes = Buffer.byteLength(first);
  const stop = () => {
    clearInterval(timer);
    if (!res.writableEnded) res.end();
  };
  const timer = setInterval(() => {
    const pod = store.get<Pod>(POD, followed.namespace, followed.pod);
    const status = pod?.status.containerStatuses?.find((s) => s.name === followed.container);
    const same = pod && pod.metadata.uid === followed.uid && status?.containerID === followed.containerID;
    let text = '';
    try {
      if (same || pod?.metadata.uid === followed.uid) text = logs.read(followed.namespace, followed.pod, { container: followed.container, timestamps: query.timestamps, afterTime: seen });
    } catch {
      text = '';
    }
    if (text && same) {
      if (query.limitBytes !== undefined && sentBytes + Buffer.byteLength(text) > query.limitBytes) {
        res.write(Buffer.from(text).subarray(0, Math.max(0, query.limitBytes - sentBytes)));
        return stop();
      }
      res.write(text);
      sentBytes += Buffer.byteLength(text);
      seen = logs.newestLineTime?.(followed.namespace, followed.pod, followed.container) ?? seen;
    }
    // The kubelet ends the stream when the container it follows stops (or its pod is gone).
    if (!same || !status?.state.running) stop();
  }, FOLLOW_POLL_MS);
  res.on('close', stop);
}

function logQuery(query: URLSearchParams): LogQuery {
  const sinceSeconds = intParam(query, 'sinceSeconds');
  const sinceTime = query.get('sinceTime') ?? undefined;
  const tailLines = intParam(query, 'tailLines');
  const limitBytes = intParam(query, 'limitBytes');
  if (sinceSeconds !== undefined && sinceTime) throw errors.badRequest('at most one of `sinceTime` or `sinceSeconds` may be specified');
  if (sinceSeconds !== undefined && sinceSeconds < 1) throw errors.invalid('PodLogOptions', '', [{ field: 'sinceSeconds', message: `Invalid value: ${sinceSeconds}: must be greater than 0` }]);
  if (sinceTime && Number.isNaN(Date.parse(sinceTime))) throw errors.badRequest(`sinceTime: Invalid value: "${sinceTime}": must be an RFC3339 timestamp`);
  if (tailLines !== undefined && tailLines < 0) throw errors.invalid('PodLogOptions', '', [{ field: 'tailLines', message: `Invalid value: ${tailLines}: must be greater than or equal to 0` }]);
  if (limitBytes !== undefined && limitBytes < 1) throw errors.invalid('PodLogOptions', '', [{ field: 'limitBytes', message: `Invalid value: ${limitBytes}: must be greater than 0` }]);
  return {
    ...(query.get('container') ? { container: query.get('container')! } : {}),
    ...(boolParam(query, 'previous') ? { previous: true } : {}),
    ...(sinceSeconds !== undefined ? { sinceSeconds } : {}),
    ...(sinceTime ? { sinceTime } : {}),
    ...(tailLines !== undefined ? { tailLines } : {}),
    ...(boolParam(query, 'timestamps') ? { timestamps: true } : {}),
    ...(limitBytes !== undefined ? { limitBytes } : {}),
  };
}
