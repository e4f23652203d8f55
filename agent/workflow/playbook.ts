/**
 * The playbook format (docs/playbooks/README.md): what a YAML file may say, as a zod schema. Structure
 * is checked here; the loader then checks what needs the step registry (kinds, params) and the whole
 * document (unique ids, goto targets).
 */
import { z } from 'zod';
import { parseDuration } from '../../core/duration.js';
import { conditionSchema, labelMatcherSchema } from './conditions.js';

export const END = 'end';

const duration = z.string().refine((value) => {
  try {
    parseDuration(value);
    return true;
  } catch {
    return false;
  }
}, 'expected a duration like 30s, 5m or 1h30m');

const stepId = z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'step ids are lowercase words joined by dashes, like check-memory');

const stepCommon = {
  id: stepId,
  description: z.string().optional(),
  /** Skip the step unless this holds (evaluated when the step is reached). */
  when: conditionSchema.optional(),
  /** Where to go after this step instead of the next one: a step id or `end`. */
  goto: z.string().optional(),
};

export const leafStepSchema = z
  .object({
    ...stepCommon,
    kind: z.string().min(1),
    params: z.record(z.string(), z.unknown()).default({}),
    /** Per attempt (default 30s). */
    timeout: duration.optional(),
    retries: z.number().int().min(0).max(10).default(0),
    /** First retry delay, doubled for each further retry, at most 30 s (default 1s). */
    backoff: duration.optional(),
    /** After the last attempt fails: stop the workflow (`fail`) or record the error and go on (`continue`). */
    onError: z.enum(['fail', 'continue']).optional(),
  })
  .strict();

export const groupStepSchema = z
  .object({
    ...stepCommon,
    /** Steps run at the same time; the group ends when all have ended. */
    parallel: z.array(leafStepSchema).min(1),
  })
  .strict();

export const stepSchema = z.union([leafStepSchema, groupStepSchema]);

export const matchSchema = z
  .object({
    /** Any of these alert names. */
    alertnames: z.array(z.string().min(1)).min(1).optional(),
    /** Every matcher must hold: "value" (equality) or { equals | notEquals | regex | notRegex | exists }. */
    labels: z.record(z.string(), labelMatcherSchema).optional(),
    severity: z.array(z.enum(['critical', 'warning', 'info'])).min(1).optional(),
    sources: z.array(z.enum(['alertmanager', 'cloudwatch', 'anomaly', 'manual'])).min(1).optional(),
  })
  .strict();

export const playbookSchema = z
  .object({
    name: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'playbook names are lowercase words joined by dashes'),
    description: z.string().min(1),
    /** Among playbooks matching an alert, the highest priority wins (default 0). */
    priority: z.number().int().default(0),
    /** The general investigation used when no playbook matches (at most one should say so). */
    fallback: z.boolean().default(false),
    match: matchSchema.optional(),
    /** How far before the first alert's start evidence is read (vars.window; default 30m). */
    window: duration.default('30m'),
    steps: z.array(stepSchema).min(1),
  })
  .strict();

export type LeafStep = z.infer<typeof leafStepSchema>;
export type GroupStep = z.infer<typeof groupStepSchema>;
export type StepSpec = z.infer<typeof stepSchema>;
export type PlaybookMatch = z.infer<typeof matchSchema>;

export interface Playbook extends z.infer<typeof playbookSchema> {
  /** Where it was loaded from ("agent/playbooks/memory-leak.yaml", or "built-in"). */
  file: string;
}

export function isGroup(step: StepSpec): step is GroupStep {
  return 'parallel' in step;
}
