/**
 * The safety checks every action runs before planning and again before executing: the namespace must
 * be on the allow-list and never `kube-system` (whatever the list says), replica counts stay within
 * the policy's bounds, and no action touches more pods at once than the policy allows. Each check says
 * what it found, so a refusal explains itself.
 */
import type { SafetyPolicy } from '../workflow/step.js';
import type { Check } from './action.js';

export const PROTECTED_NAMESPACES = new Set(['kube-system', 'kube-public', 'kube-node-lease']);

export function namespaceAllowed(namespace: string | undefined, policy: SafetyPolicy): Check {
  if (!namespace) return { name: 'namespace allowed', ok: false, detail: 'the target has no namespace' };
  if (PROTECTED_NAMESPACES.has(namespace)) return { name: 'namespace allowed', ok: false, detail: `${namespace} is never touched by the agent` };
  if (!policy.allowedNamespaces.includes(namespace)) return { name: 'namespace allowed', ok: false, detail: `${namespace} is not in the allow-list (${policy.allowedNamespaces.join(', ') || 'empty'})` };
  return { name: 'namespace allowed', ok: true, detail: `${namespace} is in the allow-list` };
}

export function replicasWithinBounds(replicas: number, policy: SafetyPolicy): Check {
  const ok = Number.isInteger(replicas) && replicas >= policy.minReplicas && replicas <= policy.maxReplicas;
  return { name: 'replicas within bounds', ok, detail: `${replicas} replicas (allowed ${policy.minReplicas}..${policy.maxReplicas})` };
}

export function podsWithinLimit(pods: number, policy: SafetyPolicy, what = 'pods at once'): Check {
  return { name: 'pods per action', ok: pods <= policy.maxPodsPerAction, detail: `${pods} ${what} (at most ${policy.maxPodsPerAction})` };
}

export function precondition(name: string, ok: boolean, detail: string): Check {
  return { name, ok, detail };
}
