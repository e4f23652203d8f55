/**
 * Where an investigation looks: the namespace, the workload, pod, container and node the alert names,
 * from the incident's target and the alerts' labels, with playbook params able to widen or override
 * it. Steps take their scope from here so a playbook needs no templating to aim them.
 */
import { z } from 'zod';
import { parseDuration } from '../../core/duration.js';
import { deploymentOfPod } from '../analysis/targets.js';
import type { StepContext } from '../workflow/step.js';

export interface Scope {
  namespace?: string;
  deployment?: string;
  service?: string;
  pod?: string;
  container?: string;
  node?: string;
  /** How far back the investigation looks, in seconds. */
  windowSeconds: number;
  /** The investigation's "now", Unix seconds. */
  end: number;
}

/** Scope params every evidence step accepts. */
export const scopeParams = {
  namespace: z.string().optional().describe('Namespace to investigate (default: the alert\'s)'),
  window: z.string().optional().describe('How far back to look, e.g. "30m" (default: the playbook\'s window before the first alert, to now)'),
};

export function scopeOf(ctx: StepContext, params: { namespace?: string; window?: string } = {}): Scope {
  const labels: Record<string, string> = {};
  for (const alert of [...ctx.alerts].reverse()) Object.assign(labels, alert.labels);
  const target = ctx.target ?? ctx.incident.target;
  // The engine's window runs from the playbook's look-back before the first alert to now.
  const engineWindow = (ctx.vars.window as { seconds?: unknown } | undefined)?.seconds;
  const windowSeconds = params.window ? parseDuration(params.window) / 1000 : typeof engineWindow === 'number' && engineWindow > 0 ? engineWindow : 1800;
  const scope: Scope = { windowSeconds, end: Math.floor(ctx.now() / 1000) };
  const namespace = params.namespace ?? labels.namespace ?? target?.namespace;
  if (namespace) scope.namespace = namespace;
  if (labels.pod) scope.pod = labels.pod;
  if (labels.container) scope.container = labels.container;
  if (labels.node) scope.node = labels.node;
  if (labels.service) scope.service = labels.service;
  const deployment = labels.deployment ?? (target?.kind === 'Deployment' ? target.name : undefined) ?? (labels.pod ? deploymentOfPod(labels.pod) : undefined) ?? labels.service ?? (target?.kind === 'Service' ? target.name : undefined);
  if (deployment) scope.deployment = deployment;
  if (target?.kind === 'Pod' && !scope.pod) scope.pod = target.name;
  if (target?.kind === 'Node' && !scope.node) scope.node = target.name;
  return scope;
}

export function iso(seconds: number): string {
  return new Date(seconds * 1000).toISOString().replace('.000Z', 'Z');
}
