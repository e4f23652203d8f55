import type { LogQuery } from '../../cluster/backend.js';
import { errors } from '../../cluster/errors.js';
import type { Pod } from '../../cluster/objects.js';
import { POD } from '../../cluster/resources.js';
import type { ApiContext, ApiRequest } from '../context.js';
import type { Reply } from '../http.js';
import { boolParam, intParam, reply } from '../http.js';
import type { ResourceTarget } from '../routes.js';

/**
 * `pods/<name>/log`: resolves the container the way the API server does (the only one, or the one
 * named; ambiguity and unknown names are 400s with the server's wording), then asks the simulation's
 * log source. `follow=true` answers with what is there now and ends.
 */
export function readLogs(ctx: ApiContext, req: ApiRequest, target: ResourceTarget): Reply {
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
  return reply(200, text, 'text/plain');
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
