/**
 * StressChaos: stress-ng in the selected containers. A memory stressor grows the working set towards
 * `size` over `time` (a leak, then the OOM kill), a CPU stressor burns `workers * load%` of a core.
 */
import { z } from 'zod';
import { parseDuration } from '../../../core/duration.js';
import { parseStressSize } from '../../../core/quantity.js';
import { cause, isRecord, validateDuration, validatePositiveInteger, type FieldCause } from '../admission.js';
import { commonSpecFields, defineChaosKind } from '../kind.js';

const schema = z.looseObject({
  ...commonSpecFields,
  stressors: z
    .looseObject({
      memory: z.looseObject({ workers: z.number().optional(), size: z.string().optional(), time: z.string().optional(), oomScoreAdj: z.number().optional(), options: z.array(z.string()).optional() }).optional(),
      cpu: z.looseObject({ workers: z.number().optional(), load: z.number().optional(), options: z.array(z.string()).optional() }).optional(),
    })
    .optional(),
  stressngStressors: z.string().optional(),
});

export const stressChaos = defineChaosKind({
  kind: 'StressChaos',
  plural: 'stresschaos',
  schema,
  admission: {
    validate(spec) {
      const causes: FieldCause[] = [];
      const stressors = spec.stressors;
      const stressng = typeof spec.stressngStressors === 'string';
      if (!isRecord(stressors)) {
        if (!stressng) causes.push(cause.required('spec.stressors', 'missing stressors'));
        return causes;
      }
      const { memory, cpu } = stressors;
      if (!isRecord(memory) && !isRecord(cpu) && !stressng) causes.push(cause.required('spec.stressors', 'missing stressors'));
      if (isRecord(memory)) {
        causes.push(...validatePositiveInteger('spec.stressors.memory.workers', memory.workers));
        if (memory.workers === undefined) causes.push(cause.required('spec.stressors.memory.workers'));
        if (memory.size !== undefined) {
          try {
            parseStressSize(String(memory.size));
          } catch {
            causes.push(cause.invalid('spec.stressors.memory.size', memory.size, 'must be a size like 256MB, 1GB or 80%'));
          }
        }
        causes.push(...validateDuration('spec.stressors.memory.time', memory.time));
      }
      if (isRecord(cpu)) {
        causes.push(...validatePositiveInteger('spec.stressors.cpu.workers', cpu.workers));
        if (cpu.workers === undefined) causes.push(cause.required('spec.stressors.cpu.workers'));
        const load = cpu.load;
        if (load !== undefined && (typeof load !== 'number' || load < 0 || load > 100)) causes.push(cause.invalid('spec.stressors.cpu.load', load, 'must be between 0 and 100'));
      }
      return causes;
    },
  },
  effect(spec) {
    const memory = spec.stressors?.memory;
    const cpu = spec.stressors?.cpu;
    return {
      primitive: 'stress',
      targets: 'containers',
      ...(memory ? { memory: { size: parseStressSize(memory.size ?? '256MB'), ...(memory.time ? { rampMs: parseDuration(memory.time) } : {}) } } : {}),
      ...(cpu ? { cpu: { cores: Math.max(0, (cpu.workers ?? 1) * ((cpu.load ?? 100) / 100)) } } : {}),
    };
  },
});
