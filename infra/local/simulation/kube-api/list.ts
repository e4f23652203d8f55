import { errors } from '../cluster/errors.js';
import type { KubeObject } from '../cluster/objects.js';
import { parseLabelSelector } from '../cluster/selectors.js';
import { parseFieldSelectorFor } from './field-selectors.js';
import { intParam } from './http.js';

/** The filter part of a list or watch request (`labelSelector`, `fieldSelector`). */
export interface ObjectFilter {
  matches(object: KubeObject): boolean;
}

export function filterFromQuery(kind: string, query: URLSearchParams): ObjectFilter {
  const labels = parseLabelSelector(query.get('labelSelector') ?? undefined);
  const fields = parseFieldSelectorFor(kind, query.get('fieldSelector'));
  return { matches: (object) => labels(object.metadata.labels) && fields(object) };
}

export interface Page<T> {
  items: T[];
  continue?: string;
  remainingItemCount?: number;
  /** The resourceVersion the whole paged list is read at (the first page's). */
  resourceVersion: string;
}

interface ContinueToken {
  v: 'meta.k8s.io/v1';
  rv: number;
  start: string;
}

/**
 * `limit`/`continue` chunking. The token carries the first page's resourceVersion and the key to resume
 * after, like the API server's; pages after the first read current state (there is no MVCC snapshot),
 * which is fine for the short lists of one cluster.
 */
export function paginate<T extends KubeObject>(items: T[], query: URLSearchParams, currentResourceVersion: string, oldestResourceVersion: number): Page<T> {
  const limit = intParam(query, 'limit');
  const token = query.get('continue');
  let resourceVersion = currentResourceVersion;
  let start = 0;
  if (token) {
    const decoded = decodeContinue(token);
    if (decoded.rv < oldestResourceVersion) {
      throw Object.assign(errors.badRequest('The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.'), { code: 410, reason: 'Expired' });
    }
    resourceVersion = String(decoded.rv);
    start = items.findIndex((o) => compareKeys(keyOf(o), decoded.start) > 0);
    if (start < 0) start = items.length;
  }
  if (limit === undefined || limit <= 0 || start + limit >= items.length) return { items: items.slice(start), resourceVersion };
  const page = items.slice(start, start + limit);
  const last = page[page.length - 1]!;
  return {
    items: page,
    continue: encodeContinue({ v: 'meta.k8s.io/v1', rv: Number(resourceVersion), start: keyOf(last) }),
    remainingItemCount: items.length - start - limit,
    resourceVersion,
  };
}

function keyOf(object: KubeObject): string {
  return `${object.metadata.namespace ?? ''}/${object.metadata.name}`;
}

/** The store's order: namespace, then name, each by localeCompare. */
function compareKeys(a: string, b: string): number {
  const [nsA = '', nameA = ''] = a.split('/');
  const [nsB = '', nameB = ''] = b.split('/');
  return nsA.localeCompare(nsB) || nameA.localeCompare(nameB);
}

function encodeContinue(token: ContinueToken): string {
  return Buffer.from(JSON.stringify(token)).toString('base64url');
}

function decodeContinue(text: string): ContinueToken {
  try {
    const token = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as ContinueToken;
    if (token.v !== 'meta.k8s.io/v1' || typeof token.rv !== 'number' || typeof token.start !== 'string') throw new Error('bad token');
    return token;
  } catch {
    throw errors.badRequest(`continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)`);
  }
}
