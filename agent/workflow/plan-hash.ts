/**
 * The hash that binds a decision to what it approves: an action's planned change (its kind, target,
 * parameters and the dry-run diff it showed). A page, a Slack message or an API client that rendered
 * the action sends the hash back with its decision; if the plan changed since (a re-plan, a new dry
 * run), the desk refuses the decision with 409 and audits it, so nobody approves a change they never saw.
 */
import canonicalizeModule from 'canonicalize';
import { createHash } from 'node:crypto';
import type { Action } from '../../core/types.js';

// RFC 8785 canonical JSON (as agent/store/audit-chain.ts): the same plan hashes the same whatever its key order.
const canonicalize = canonicalizeModule as unknown as (input: unknown) => string | undefined;

/** `sha256:<32 hex>` of the action's planned change; stable across key order, changes with any of kind, target, params or the dry-run diff. */
export function planHash(action: Pick<Action, 'kind' | 'target' | 'params' | 'dryRun'>): string {
  const plan = { kind: action.kind, target: action.target, params: action.params, diff: action.dryRun?.diff ?? null };
  return `sha256:${createHash('sha256').update(canonicalize(plan) ?? '', 'utf8').digest('hex').slice(0, 32)}`;
}
