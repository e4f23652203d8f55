import { parseDuration } from '../../../../../core/duration.js';
import { parseStressSize } from '../../../../../core/quantity.js';
import { isRecord } from '../http.js';
import type { FieldCause } from './causes.js';
import { cause } from './causes.js';

/**
 * What Chaos Mesh's validating webhooks check, as 422 causes: a selector, a known mode (with a value
 * where the mode needs one), a parseable duration, and a kind-specific action or stressor.
 */
const MODES = ['one', 'all', 'fixed', 'fixed-percent', 'random-max-percent'];
const NETWORK_ACTIONS = ['netem', 'delay', 'loss', 'duplicate', 'corrupt', 'partition', 'bandwidth'];
const POD_ACTIONS = ['pod-kill', 'pod-failure', 'container-kill'];
const DIRECTIONS = ['to', 'from', 'both'];

type Loose = Record<string, unknown>;

function validateTarget(path: string, target: Loose): FieldCause[] {
  const causes: FieldCause[] = [];
  if (!isRecord(target.selector)) causes.push(cause.required(`${path}.selector`));
  if (target.mode === undefined) causes.push(cause.required(`${path}.mode`));
  else if (!MODES.includes(target.mode as string)) causes.push(cause.unsupported(`${path}.mode`, target.mode, MODES));
  else if (target.mode !== 'one' && target.mode !== 'all') {
    const value = target.value;
    const number = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : undefined;
    if (value === undefined || value === '') causes.push(cause.required(`${path}.value`, `value is required for mode ${String(target.mode)}`));
    else if (number === undefined) causes.push(cause.invalid(`${path}.value`, value, 'must be a string holding a non-negative integer'));
    else if (target.mode === 'fixed' && number < 1) causes.push(cause.invalid(`${path}.value`, value, 'must be greater than 0'));
    else if (target.mode !== 'fixed' && (number < 0 || number > 100)) causes.push(cause.invalid(`${path}.value`, value, 'must be a percentage between 0 and 100'));
  }
  return causes;
}

function duration(field: string, value: unknown): FieldCause[] {
  if (value === undefined) return [];
  try {
    if (typeof value !== 'string') throw new Error('not a string');
    parseDuration(value);
    return [];
  } catch {
    return [cause.invalid(field, value, 'time: invalid duration (expected forms like 30s, 5m, 1h30m)')];
  }
}

function positiveInteger(field: string, value: unknown): FieldCause[] {
  if (value === undefined) return [];
  return typeof value === 'number' && Number.isInteger(value) && value > 0 ? [] : [cause.invalid(field, value, 'must be a positive integer')];
}

export function validateChaos(kind: string, spec: Loose | undefined): FieldCause[] {
  if (!spec) return [cause.required('spec')];
  const causes = [...validateTarget('spec', spec), ...duration('spec.duration', spec.duration)];
  if (kind === 'StressChaos') {
    const stressors = spec.stressors;
    if (!isRecord(stressors) && typeof spec.stressngStressors !== 'string') causes.push(cause.required('spec.stressors', 'missing stressors'));
    else if (isRecord(stressors)) {
      const { memory, cpu } = stressors;
      if (!isRecord(memory) && !isRecord(cpu) && typeof spec.stressngStressors !== 'string') causes.push(cause.required('spec.stressors', 'missing stressors'));
      if (isRecord(memory)) {
        causes.push(...positiveInteger('spec.stressors.memory.workers', memory.workers));
        if (memory.workers === undefined) causes.push(cause.required('spec.stressors.memory.workers'));
        if (memory.size !== undefined) {
          try {
            parseStressSize(String(memory.size));
          } catch {
            causes.push(cause.invalid('spec.stressors.memory.size', memory.size, 'must be a size like 256MB, 1GB or 80%'));
          }
        }
        causes.push(...duration('spec.stressors.memory.time', memory.time));
      }
      if (isRecord(cpu)) {
        causes.push(...positiveInteger('spec.stressors.cpu.workers', cpu.workers));
        if (cpu.workers === undefined) causes.push(cause.required('spec.stressors.cpu.workers'));
        const load = cpu.load;
        if (load !== undefined && (typeof load !== 'number' || load < 0 || load > 100)) causes.push(cause.invalid('spec.stressors.cpu.load', load, 'must be between 0 and 100'));
      }
    }
  } else if (kind === 'NetworkChaos') {
    if (spec.action === undefined) causes.push(cause.required('spec.action'));
    else if (!NETWORK_ACTIONS.includes(spec.action as string)) causes.push(cause.unsupported('spec.action', spec.action, NETWORK_ACTIONS));
    if (spec.direction !== undefined && !DIRECTIONS.includes(spec.direction as string)) causes.push(cause.unsupported('spec.direction', spec.direction, DIRECTIONS));
    if (spec.action === 'delay') {
      const delay = spec.delay;
      if (!isRecord(delay) || delay.latency === undefined) causes.push(cause.required('spec.delay.latency'));
      else causes.push(...duration('spec.delay.latency', delay.latency), ...duration('spec.delay.jitter', delay.jitter));
    }
    if (spec.action === 'loss' && !(isRecord(spec.loss) && spec.loss.loss !== undefined)) causes.push(cause.required('spec.loss.loss'));
    if (isRecord(spec.target)) causes.push(...validateTarget('spec.target', spec.target));
  } else if (kind === 'PodChaos') {
    if (spec.action === undefined) causes.push(cause.required('spec.action'));
    else if (!POD_ACTIONS.includes(spec.action as string)) causes.push(cause.unsupported('spec.action', spec.action, POD_ACTIONS));
    if (spec.action === 'container-kill' && (!Array.isArray(spec.containerNames) || spec.containerNames.length === 0)) {
      causes.push(cause.required('spec.containerNames', 'container-kill needs at least one container name'));
    }
  }
  return causes;
}
