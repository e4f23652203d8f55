/**
 * The agent's step kinds (k8sgpt style: one interface, one registry). The workflow engine registers
 * these next to its control kinds (decide, notify, await-approval); playbooks name them. Adding a kind
 * is adding a handler file (written with `defineStep`, declaring the evidence source it fills and the
 * incident status it implies) and a line here; the engine is not touched.
 */
import type { StepHandler } from '../workflow/step.js';
import { analyseStep } from './analyse.js';
import { cloudwatchStep, logsInsightsStep } from './cloudwatch.js';
import { kubernetesStep } from './kubernetes.js';
import { logsStep } from './logs.js';
import { metricsStep } from './metrics.js';
import { recommendStep } from './recommend.js';
import { remediateStep } from './remediate.js';
import { tracesStep } from './traces.js';
import { verifyStep } from './verify.js';

export const stepHandlers: readonly StepHandler[] = [metricsStep, kubernetesStep, logsStep, tracesStep, cloudwatchStep, logsInsightsStep, analyseStep, recommendStep, remediateStep, verifyStep];

export { metricsStep, kubernetesStep, logsStep, tracesStep, cloudwatchStep, logsInsightsStep, analyseStep, recommendStep, remediateStep, verifyStep };
export { createVerifyStep } from './verify.js';
