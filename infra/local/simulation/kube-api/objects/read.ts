import { keyOf } from '../../cluster/resources.js';
import type { ApiContext, ApiRequest } from '../context.js';
import type { Reply } from '../http.js';
import { reply } from '../http.js';
import { filterFromQuery, paginate } from '../list.js';
import { negotiateOutput, renderList, renderObject } from '../output.js';
import type { ResourceTarget } from '../routes.js';

export function getObject(ctx: ApiContext, req: ApiRequest, target: ResourceTarget): Reply {
  const output = negotiateOutput(req.headers.accept, req.query);
  const object = ctx.backend.store.require(keyOf(target.type), target.namespace, target.name!);
  return reply(200, renderObject(ctx.backend, target.type, object, output));
}

export function listObjects(ctx: ApiContext, req: ApiRequest, target: ResourceTarget): Reply {
  const { store } = ctx.backend;
  const output = negotiateOutput(req.headers.accept, req.query);
  const filter = filterFromQuery(target.type.kind, req.query);
  const items = store.list(keyOf(target.type), target.namespace).filter((o) => filter.matches(o));
  const page = paginate(items, req.query, store.resourceVersion, store.oldestWatchableVersion);
  return reply(200, renderList(ctx.backend, target.type, page.items, page, output));
}
