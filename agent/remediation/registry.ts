/**
 * The action library: one entry per action kind. Adding an action is adding its file (actions/, written
 * with `defineAction`, declaring the root causes it addresses) and a line here; the planner and the
 * recommend, remediate and verify steps find it through this list.
 */
import type { ActionKind } from '../../core/types.js';
import type { RemediationAction } from './action.js';
import { cordonNode } from './actions/cordon-node.js';
import { deletePod } from './actions/delete-pod.js';
import { drainNode } from './actions/drain-node.js';
import { raiseLimits } from './actions/raise-limits.js';
import { rollback } from './actions/rollback.js';
import { rolloutRestart } from './actions/rollout-restart.js';
import { scaleDeployment } from './actions/scale-deployment.js';
import { uncordonNode } from './actions/uncordon-node.js';

export const remediationActions: readonly RemediationAction[] = [deletePod, rolloutRestart, scaleDeployment, raiseLimits, rollback, cordonNode, drainNode, uncordonNode];

const byKind = new Map(remediationActions.map((action) => [action.kind, action]));

/** The action of a kind; its `params` schema parses (and defaults) the params a proposal wrote. */
export function actionOf(kind: ActionKind): RemediationAction {
  const action = byKind.get(kind);
  if (!action) throw new Error(`unknown action kind ${kind} (known: ${[...byKind.keys()].join(', ')})`);
  return action;
}
