/**
 * X-Ray's root-cause analysis of one trace: the path from the entry service down to the entity where
 * a fault or error originated, or where the response time was spent. Time is followed down while one
 * child accounts for most of its parent's duration; when it stops at a client call whose callee was
 * fast, the time went on the wire (a network fault), not in the callee — which is what tells network
 * latency from a slow service.
 */
import { ACCOUNT_ID } from './resources.js';
import { duration, type Span } from './spans.js';
import type { WireRootCause, WireRootCauseEntity, WireRootCauseService, WireServiceId } from './wire.js';

/** A child holding at least this share of its parent's time is where the time went. */
const DOMINANT_SHARE = 0.5;

export function serviceIdOf(segment: Span): WireServiceId {
  return { Name: segment.name, Names: [segment.name], AccountId: ACCOUNT_ID, Type: segment.server?.origin };
}

/** The node X-Ray infers for a call into something that sends no segments (AWS resource, database, unreachable host). */
export function inferredServiceIdOf(span: Span): WireServiceId | undefined {
  if (span.resource) return { Name: span.resource.name, Names: [span.resource.name], ...(span.resource.type.startsWith('AWS::') ? { AccountId: ACCOUNT_ID } : {}), Type: span.resource.type };
  if (span.kind === 'http' && !span.callee && span.host) return { Name: span.host, Names: [span.host], Type: 'remote' };
  return undefined;
}

function childrenOf(span: Span): Span[] {
  return span.kind === 'segment' ? span.subsegments : span.callee ? [span.callee] : [];
}

function isRemote(span: Span): boolean {
  return span.kind !== 'segment';
}

/** Walks from the root along `next`, grouping entities by the service they belong to. */
function rootCausePath(root: Span, next: (span: Span) => Span | undefined, entity: (span: Span) => WireRootCauseEntity): WireRootCauseService[] {
  const services: WireRootCauseService[] = [];
  let current: WireRootCauseService = { ...serviceIdOf(root), EntityPath: [entity(root)], Inferred: false };
  let node = root;
  for (let child = next(node); child; child = next(node)) {
    if (child.kind === 'segment') {
      services.push(current);
      current = { ...serviceIdOf(child), EntityPath: [entity(child)], Inferred: false };
    } else {
      current.EntityPath.push(entity(child));
    }
    node = child;
  }
  services.push(current);
  const inferred = inferredServiceIdOf(node);
  if (inferred) services.push({ ...inferred, EntityPath: [{ ...entity(node), Name: inferred.Name!, Remote: false }], Inferred: true });
  return services;
}

export function responseTimeRootCauses(root: Span): WireRootCause[] {
  const total = duration(root);
  if (total <= 0) return [];
  const entity = (span: Span): WireRootCauseEntity => ({ Name: span.name, Coverage: round(duration(span) / total), Remote: isRemote(span) });
  const next = (span: Span) => {
    const longest = childrenOf(span).reduce<Span | undefined>((best, c) => (!best || duration(c) > duration(best) ? c : best), undefined);
    return longest && duration(longest) >= DOMINANT_SHARE * duration(span) ? longest : undefined;
  };
  return [{ Services: rootCausePath(root, next, entity), ClientImpacting: true }];
}

export function faultRootCauses(root: Span): WireRootCause[] {
  return flaggedRootCauses(root, (s) => s.fault);
}

export function errorRootCauses(root: Span): WireRootCause[] {
  return flaggedRootCauses(root, (s) => s.error || s.throttle);
}

/** Follows flagged spans down to the deepest one: where the fault (or error) originated. */
function flaggedRootCauses(root: Span, flagged: (s: Span) => boolean): WireRootCause[] {
  const inSubtree = new Map<Span, boolean>();
  const has = (span: Span): boolean => {
    let known = inSubtree.get(span);
    if (known === undefined) inSubtree.set(span, (known = flagged(span) || childrenOf(span).some(has)));
    return known;
  };
  if (!has(root)) return [];
  const entity = (span: Span): WireRootCauseEntity => ({
    Name: span.name,
    Exceptions: flagged(span) && span.exception ? [{ Name: span.exception.type, Message: span.exception.message }] : [],
    Remote: isRemote(span),
  });
  const next = (span: Span) => {
    const children = childrenOf(span).filter(has);
    return children.find(flagged) ?? children[0];
  };
  return [{ Services: rootCausePath(root, next, entity), ClientImpacting: flagged(root) }];
}

function round(x: number): number {
  return Math.round(x * 1e4) / 1e4;
}
