/**
 * NetworkChaos: netem on the selected pods' interfaces. A delay adds latency (and jitter) to what the
 * pod sends, a loss drops a share of its packets, a partition all of them; duplicate, corrupt and
 * bandwidth show on HTTP services as mild loss and delay.
 */
import { z } from 'zod';
import { parseDuration } from '../../../core/duration.js';
import { cause, isRecord, validateDuration, validateOneOf, validateTarget, type FieldCause } from '../admission.js';
import { chaosModeSchema, chaosSelectorSchema, commonSpecFields, defineChaosKind } from '../kind.js';

const ACTIONS = ['netem', 'delay', 'loss', 'duplicate', 'corrupt', 'partition', 'bandwidth'] as const;
const DIRECTIONS = ['to', 'from', 'both'] as const;

const schema = z.looseObject({
  ...commonSpecFields,
  action: z.enum(ACTIONS),
  direction: z.enum(DIRECTIONS).optional(),
  delay: z.looseObject({ latency: z.string(), jitter: z.string().optional(), correlation: z.string().optional() }).optional(),
  loss: z.looseObject({ loss: z.string(), correlation: z.string().optional() }).optional(),
  target: z.looseObject({ selector: chaosSelectorSchema, mode: chaosModeSchema, value: z.string().optional() }).optional(),
});

/** "25%" or "25" -> 0.25. */
const fraction = (value: string | undefined) => (value ? Number(String(value).replace('%', '')) / 100 : 0);

export const networkChaos = defineChaosKind({
  kind: 'NetworkChaos',
  plural: 'networkchaos',
  schema,
  admission: {
    validate(spec) {
      const causes: FieldCause[] = [];
      causes.push(...validateOneOf('spec.action', spec.action, ACTIONS));
      if (spec.direction !== undefined && !(DIRECTIONS as readonly unknown[]).includes(spec.direction)) causes.push(cause.unsupported('spec.direction', spec.direction, DIRECTIONS));
      if (spec.action === 'delay') {
        const delay = spec.delay;
        if (!isRecord(delay) || delay.latency === undefined) causes.push(cause.required('spec.delay.latency'));
        else causes.push(...validateDuration('spec.delay.latency', delay.latency), ...validateDuration('spec.delay.jitter', delay.jitter));
      }
      if (spec.action === 'loss' && !(isRecord(spec.loss) && spec.loss.loss !== undefined)) causes.push(cause.required('spec.loss.loss'));
      if (isRecord(spec.target)) causes.push(...validateTarget('spec.target', spec.target));
      return causes;
    },
  },
  effect(spec) {
    const base = { primitive: 'network', targets: 'pods' } as const;
    switch (spec.action) {
      case 'delay':
        return {
          ...base,
          delaySeconds: parseDuration(spec.delay?.latency ?? '100ms') / 1000,
          jitterSeconds: spec.delay?.jitter ? parseDuration(spec.delay.jitter) / 1000 : 0,
          lossFraction: 0,
        };
      case 'loss':
        return { ...base, delaySeconds: 0, jitterSeconds: 0, lossFraction: fraction(spec.loss?.loss) };
      case 'partition':
        return { ...base, delaySeconds: 0, jitterSeconds: 0, lossFraction: 1 };
      default:
        // duplicate/corrupt/bandwidth: modelled as mild loss, the visible effect on HTTP services.
        return { ...base, delaySeconds: 0.02, jitterSeconds: 0.01, lossFraction: 0.02 };
    }
  },
});
