/**
 * The action library: one entry per action kind (adding an action is adding a file and a line).
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

export const remediationActions: Record<ActionKind, RemediationAction<never>> = {
  'delete-pod': deletePod as unknown as RemediationAction<never>,
  'rollout-restart': rolloutRestart as unknown as RemediationAction<never>,
  'scale-deployment': scaleDeployment as unknown as RemediationAction<never>,
  'raise-limits': raiseLimits as unknown as RemediationAction<never>,
  rollback: rollback as unknown as RemediationAction<never>,
  'cordon-node': cordonNode as unknown as RemediationAction<never>,
  'drain-node': drainNode as unknown as RemediationAction<never>,
  'uncordon-node': uncordonNode as unknown as RemediationAction<never>,
};

/** The action of a kind with its params parsed (defaults applied) by the action's own schema. */
export function actionOf(kind: ActionKind): RemediationAction<Record<string, unknown>> {
  const action = remediationActions[kind];
  if (!action) throw new Error(`unknown action kind ${kind} (known: ${Object.keys(remediationActions).join(', ')})`);
  return action as unknown as RemediationAction<Record<string, unknown>>;
}
