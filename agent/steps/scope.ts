/**
 * Where an investigation looks: the namespace, the workload, pod, container and node the alert names,
 * from the incident's target and the alerts' labels, with playbook params able to widen or override
 * it. Steps take their scope from here so a playbook needs no templating to aim them.
 */
import { z } from 'zod';
import { durationOr, parseDuration } from '../../core/duration.js';
import type { ResourceRef } from '../../core/types.js';
import { isPromqlDuration } from '../evidence/promql.js';
import { isDns1123Label, isDns1123Subdomain, setAsideTargetLabels } from '../intake/names.js';
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

/** A namespace name: a param rendered from an alert's label that is not one is refused, never used. */
export const namespaceName = z.string().refine(isDns1123Label, { message: 'must be a Kubernetes namespace name (DNS-1123 label)' });
/** A Deployment, pod or node name. */
export const objectName = z.string().refine(isDns1123Subdomain, { message: 'must be a Kubernetes object name (DNS-1123 subdomain)' });
/** A Go-style duration such as 30s, 1m30s, 1.5h (the agent's options and playbooks write them so). */
export const durationText = z.string().refine((value) => durationOr(value, Number.NaN) >= 0, { message: 'must be a duration such as 30s, 5m or 1h30m' });
/** A duration that goes into PromQL as it is (`rate(...[5m])`): whole numbers of units only. */
export const promqlDurationText = z.string().refine(isPromqlDuration, { message: 'must be a PromQL duration such as 30s, 5m or 1h30m' });

/** Scope params every evidence step accepts. */
export const scopeParams = {
  namespace: namespaceName.optional().describe('Namespace to investigate (default: the alert\'s)'),
  window: durationText.optional().describe('How far back to look, e.g. "30m" (default: the playbook\'s window before the first alert, to now)'),
};

/**
 * The alerts' labels, later alerts first. The intake sets aside target labels that are not valid
 * Kubernetes names; alerts made in-process skip the intake, so the same rule holds here: when one
 * target label is not a valid name, none is used.
 */
function scopeLabels(ctx: StepContext): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const alert of [...ctx.alerts].reverse()) Object.assign(labels, setAsideTargetLabels(alert.labels).labels);
  return labels;
}

/** The incident's target, if every name in it is a valid Kubernetes name. */
function validTarget(target: ResourceRef | undefined): ResourceRef | undefined {
  if (!target) return undefined;
  if (target.namespace !== undefined && !isDns1123Label(target.namespace)) return undefined;
  if (!isDns1123Subdomain(target.name)) return undefined;
  if (target.container !== undefined && !isDns1123Label(target.container)) return undefined;
  return target;
}

export function scopeOf(ctx: StepContext, params: { namespace?: string; window?: string } = {}): Scope {
  const labels = scopeLabels(ctx);
  const target = validTarget(ctx.target ?? ctx.incident.target);
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
