/**
 * The hash that binds a decision to what it approves: an action's planned change (its kind, target,
 * parameters and the dry-run diff it showed). A page, a Slack message or an API client that rendered
 * the action sends the hash back with its decision; if the plan changed since (a re-plan, a new dry
 * run), the desk refuses the decision with 409 and audits it, so nobody approves a change they never saw.
 */
import { createHash } from 'node:crypto';
import type { Action } from '../../core/types.js';

/** JSON with object keys sorted, so the same plan always hashes the same. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    return `{${entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

/** `sha256:<32 hex>` of the action's planned change; stable across key order, changes with any of kind, target, params or the dry-run diff. */
export function planHash(action: Pick<Action, 'kind' | 'target' | 'params' | 'dryRun'>): string {
  const plan = { kind: action.kind, target: action.target, params: action.params, diff: action.dryRun?.diff ?? null };
  return `sha256:${createHash('sha256').update(canonical(plan), 'utf8').digest('hex').slice(0, 32)}`;
}
