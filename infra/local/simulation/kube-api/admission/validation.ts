import { parseQuantity } from '../../../../../core/quantity.js';
import { admitChaos } from '../../../../../lib/chaos-mesh/admission.js';
import { chaosKindOf } from '../../../../../lib/chaos-mesh/registry.js';
import type { KubeObject, LabelSelector } from '../../cluster/objects.js';
import type { ResourceType } from '../../cluster/resources.js';
import { selectorFromSpec } from '../../cluster/selectors.js';
import { isRecord } from '../http.js';
import type { FieldCause } from './causes.js';
import { cause, dns1035Label, dns1123Label, dns1123Subdomain, labels } from './causes.js';

type Loose = Record<string, unknown>;

/** Field validation of one object (ValidateXxx of pkg/apis/*\/validation), creation or update. */
export function validateObject(type: ResourceType, object: KubeObject & Loose, old?: KubeObject & Loose): FieldCause[] {
  const causes = [...validateMetadata(type, object)];
  const spec = isRecord(object.spec) ? object.spec : undefined;
  switch (type.kind) {
    case 'Pod':
      if (!spec) causes.push(cause.required('spec'));
      else causes.push(...validatePodSpec(spec, 'spec'));
      if (old && spec) causes.push(...validatePodUpdate(spec, old.spec as Loose));
      break;
    case 'Deployment':
    case 'ReplicaSet':
    case 'DaemonSet':
      if (!spec) causes.push(cause.required('spec'));
      else causes.push(...validateWorkload(type.kind, spec, old?.spec as Loose | undefined));
      break;
    case 'PodDisruptionBudget':
      if (spec && spec.minAvailable !== undefined && spec.maxUnavailable !== undefined) {
        causes.push(cause.invalid('spec', spec, 'minAvailable and maxUnavailable cannot be both set'));
      }
      for (const field of ['minAvailable', 'maxUnavailable'] as const) if (spec?.[field] !== undefined) causes.push(...intOrPercent(`spec.${field}`, spec[field]));
      break;
    case 'Service':
      if (spec && spec.type !== 'ExternalName' && (!Array.isArray(spec.ports) || spec.ports.length === 0)) causes.push(cause.required('spec.ports'));
      break;
  }
  const chaos = chaosKindOf(type.kind);
  if (chaos) causes.push(...admitChaos(chaos, spec));
  return causes;
}

function validateMetadata(type: ResourceType, object: KubeObject): FieldCause[] {
  const meta = object.metadata;
  const causes: FieldCause[] = [];
  if (!meta.name) causes.push(cause.required('metadata.name', 'name or generateName is required'));
  else if (type.kind === 'Namespace') causes.push(...dns1123Label('metadata.name', meta.name));
  else if (type.kind === 'Service') causes.push(...dns1035Label('metadata.name', meta.name));
  else if (type.kind !== 'Event') causes.push(...dns1123Subdomain('metadata.name', meta.name));
  causes.push(...labels('metadata.labels', meta.labels));
  for (const [key, value] of Object.entries(meta.annotations ?? {})) {
    if (typeof value !== 'string') causes.push(cause.invalid(`metadata.annotations[${key}]`, value, 'annotation values must be strings'));
  }
  return causes;
}

const RESTART_POLICIES = ['Always', 'OnFailure', 'Never'];

export function validatePodSpec(spec: Loose, path: string, restartPolicies = RESTART_POLICIES): FieldCause[] {
  const causes: FieldCause[] = [];
  const containers = spec.containers;
  if (!Array.isArray(containers) || containers.length === 0) {
    causes.push(cause.required(`${path}.containers`));
  } else {
    const seen = new Set<string>();
    containers.forEach((container, i) => {
      const at = `${path}.containers[${i}]`;
      if (!isRecord(container)) {
        causes.push(cause.invalid(at, container, 'must be an object'));
        return;
      }
      if (typeof container.name !== 'string' || !container.name) causes.push(cause.required(`${at}.name`));
      else {
        causes.push(...dns1123Label(`${at}.name`, container.name));
        if (seen.has(container.name)) causes.push(cause.duplicate(`${at}.name`, container.name));
        seen.add(container.name);
      }
      if (typeof container.image !== 'string' || !container.image.trim()) causes.push(cause.required(`${at}.image`));
      causes.push(...validateResources(`${at}.resources`, container.resources));
      for (const [j, port] of (Array.isArray(container.ports) ? container.ports : []).entries()) {
        const p = isRecord(port) ? port.containerPort : undefined;
        if (typeof p !== 'number' || !Number.isInteger(p) || p < 1 || p > 65535) causes.push(cause.invalid(`${at}.ports[${j}].containerPort`, p, 'must be between 1 and 65535, inclusive'));
      }
    });
  }
  if (spec.restartPolicy !== undefined && !restartPolicies.includes(spec.restartPolicy as string)) causes.push(cause.unsupported(`${path}.restartPolicy`, spec.restartPolicy, restartPolicies));
  const grace = spec.terminationGracePeriodSeconds;
  if (grace !== undefined && (typeof grace !== 'number' || !Number.isInteger(grace) || grace < 0)) causes.push(cause.invalid(`${path}.terminationGracePeriodSeconds`, grace, 'must be greater than or equal to 0'));
  return causes;
}

function validateResources(path: string, resources: unknown): FieldCause[] {
  if (resources === undefined) return [];
  if (!isRecord(resources)) return [cause.invalid(path, resources, 'must be an object')];
  const causes: FieldCause[] = [];
  const parsed: Record<'requests' | 'limits', Record<string, number>> = { requests: {}, limits: {} };
  for (const kind of ['requests', 'limits'] as const) {
    const list = resources[kind];
    if (list === undefined) continue;
    if (!isRecord(list)) {
      causes.push(cause.invalid(`${path}.${kind}`, list, 'must be a map of resource names to quantities'));
      continue;
    }
    for (const [name, value] of Object.entries(list)) {
      try {
        const amount = parseQuantity(typeof value === 'number' ? value : String(value));
        if (amount < 0) causes.push(cause.invalid(`${path}.${kind}[${name}]`, value, 'must be greater than or equal to 0'));
        parsed[kind][name] = amount;
      } catch {
        causes.push(cause.invalid(`${path}.${kind}[${name}]`, value, "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"));
      }
    }
  }
  for (const [name, request] of Object.entries(parsed.requests)) {
    const limit = parsed.limits[name];
    if (limit !== undefined && request > limit) {
      const raw = (resources.requests as Loose)[name];
      causes.push(cause.invalid(`${path}.requests`, String(raw), `must be less than or equal to ${name} limit of ${String((resources.limits as Loose)[name])}`));
    }
  }
  return causes;
}

/** Pods are immutable but for images, activeDeadlineSeconds and added tolerations. */
function validatePodUpdate(spec: Loose, oldSpec: Loose | undefined): FieldCause[] {
  if (!oldSpec) return [];
  const strip = (s: Loose) => {
    const copy = structuredClone(s);
    for (const list of [copy.containers, copy.initContainers]) for (const c of Array.isArray(list) ? list : []) if (isRecord(c)) delete c.image;
    delete copy.activeDeadlineSeconds;
    delete copy.tolerations;
    return copy;
  };
  const oldTolerations = JSON.stringify(oldSpec.tolerations ?? []);
  const newTolerations = Array.isArray(spec.tolerations) ? spec.tolerations.map((t) => JSON.stringify(t)) : [];
  const keptTolerations = (Array.isArray(oldSpec.tolerations) ? oldSpec.tolerations : []).every((t) => newTolerations.includes(JSON.stringify(t)));
  if (JSON.stringify(strip(spec)) === JSON.stringify(strip(oldSpec)) && (keptTolerations || oldTolerations === '[]')) return [];
  return [
    cause.forbidden(
      'spec',
      'pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)',
    ),
  ];
}

function validateWorkload(kind: string, spec: Loose, oldSpec: Loose | undefined): FieldCause[] {
  const causes: FieldCause[] = [];
  if (kind !== 'DaemonSet' && spec.replicas !== undefined) {
    const replicas = spec.replicas;
    if (typeof replicas !== 'number' || !Number.isInteger(replicas)) causes.push(cause.invalid('spec.replicas', replicas, 'must be an integer'));
    else if (replicas < 0) causes.push(cause.invalid('spec.replicas', replicas, 'must be greater than or equal to 0'));
  }
  const selector = spec.selector as LabelSelector | undefined;
  if (!isRecord(selector)) causes.push(cause.required('spec.selector'));
  else if (Object.keys(selector.matchLabels ?? {}).length === 0 && ((selector.matchExpressions as unknown[] | undefined)?.length ?? 0) === 0) {
    causes.push(cause.invalid('spec.selector', selector, `empty selector is invalid for ${kind.toLowerCase()}`));
  }
  const template = spec.template;
  if (!isRecord(template)) causes.push(cause.required('spec.template'));
  else {
    const templateLabels = (isRecord(template.metadata) ? template.metadata.labels : undefined) as Record<string, string> | undefined;
    if (isRecord(selector) && !selectorFromSpec(selector)(templateLabels ?? {})) {
      causes.push(cause.invalid('spec.template.metadata.labels', templateLabels ?? {}, '`selector` does not match template `labels`'));
    }
    if (!isRecord(template.spec)) causes.push(cause.required('spec.template.spec'));
    else causes.push(...validatePodSpec(template.spec, 'spec.template.spec', ['Always']));
  }
  if (kind === 'Deployment' && isRecord(spec.strategy) && spec.strategy.type !== undefined && !['RollingUpdate', 'Recreate'].includes(spec.strategy.type as string)) {
    causes.push(cause.unsupported('spec.strategy.type', spec.strategy.type, ['Recreate', 'RollingUpdate']));
  }
  if (oldSpec && JSON.stringify(oldSpec.selector) !== JSON.stringify(spec.selector)) causes.push(cause.invalid('spec.selector', spec.selector, 'field is immutable'));
  return causes;
}

export function intOrPercent(field: string, value: unknown): FieldCause[] {
  if (typeof value === 'number') return Number.isInteger(value) && value >= 0 ? [] : [cause.invalid(field, value, 'must be greater than or equal to 0')];
  if (typeof value === 'string' && /^\d+%$/.test(value)) return Number(value.slice(0, -1)) <= 100 ? [] : [cause.invalid(field, value, 'must not be greater than 100%')];
  return [cause.invalid(field, value, 'a valid percent string must be a numeric string followed by an ending \'%\' (e.g. \'1%\',  or \'93%\', regex used for validation is \'[0-9]+%\')')];
}
