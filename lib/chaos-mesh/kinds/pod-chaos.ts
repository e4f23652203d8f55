/**
 * PodChaos: pod-kill deletes the selected pods, pod-failure swaps their containers' image for pause
 * until the experiment ends, container-kill kills the named containers once.
 */
import { z } from 'zod';
import { cause, validateOneOf, type FieldCause } from '../admission.js';
import { commonSpecFields, defineChaosKind } from '../kind.js';

const ACTIONS = ['pod-kill', 'pod-failure', 'container-kill'] as const;

const schema = z.looseObject({
  ...commonSpecFields,
  action: z.enum(ACTIONS),
  gracePeriod: z.number().optional(),
});

export const podChaos = defineChaosKind({
  kind: 'PodChaos',
  plural: 'podchaos',
  schema,
  admission: {
    validate(spec) {
      const causes: FieldCause[] = [];
      causes.push(...validateOneOf('spec.action', spec.action, ACTIONS));
      if (spec.action === 'container-kill' && (!Array.isArray(spec.containerNames) || spec.containerNames.length === 0)) {
        causes.push(cause.required('spec.containerNames', 'container-kill needs at least one container name'));
      }
      return causes;
    },
  },
  effect(spec) {
    switch (spec.action) {
      case 'pod-kill':
        return { primitive: 'pod-kill', targets: 'pods', gracePeriodSeconds: spec.gracePeriod ?? 0 };
      case 'pod-failure':
        return { primitive: 'pod-failure', targets: 'pods' };
      case 'container-kill':
        return { primitive: 'container-kill', targets: 'containers' };
    }
  },
});
