import { errors } from '../cluster/errors.js';
import type { KubeObject } from '../cluster/objects.js';

/**
 * Field selectors as kube-apiserver supports them: a fixed set of fields per kind (anything else is a
 * 400), equality and inequality only.
 */
type FieldSet = Record<string, (object: Record<string, unknown>) => string>;

const path = (...keys: string[]) => (object: Record<string, unknown>): string => {
  let value: unknown = object;
  for (const key of keys) value = value && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
  return value === undefined || value === null ? '' : String(value);
};

const common: FieldSet = { 'metadata.name': path('metadata', 'name'), 'metadata.namespace': path('metadata', 'namespace') };

const byKind: Record<string, FieldSet> = {
  Pod: {
    'spec.nodeName': path('spec', 'nodeName'),
    'spec.restartPolicy': path('spec', 'restartPolicy'),
    'spec.schedulerName': path('spec', 'schedulerName'),
    'spec.serviceAccountName': path('spec', 'serviceAccountName'),
    'spec.hostNetwork': (o) => String(Boolean((o.spec as Record<string, unknown> | undefined)?.hostNetwork)),
    'status.phase': path('status', 'phase'),
    'status.podIP': path('status', 'podIP'),
    'status.nominatedNodeName': path('status', 'nominatedNodeName'),
  },
  Event: {
    'involvedObject.kind': path('involvedObject', 'kind'),
    'involvedObject.namespace': path('involvedObject', 'namespace'),
    'involvedObject.name': path('involvedObject', 'name'),
    'involvedObject.uid': path('involvedObject', 'uid'),
    'involvedObject.apiVersion': path('involvedObject', 'apiVersion'),
    'involvedObject.resourceVersion': path('involvedObject', 'resourceVersion'),
    'involvedObject.fieldPath': path('involvedObject', 'fieldPath'),
    reason: path('reason'),
    reportingComponent: path('reportingComponent'),
    source: path('source', 'component'),
    type: path('type'),
  },
  Node: { 'spec.unschedulable': (o) => String(Boolean((o.spec as Record<string, unknown> | undefined)?.unschedulable)) },
  Namespace: { 'status.phase': path('status', 'phase') },
  ReplicaSet: { 'status.replicas': path('status', 'replicas') },
};

export type FieldMatcher = (object: KubeObject) => boolean;

export function parseFieldSelectorFor(kind: string, text: string | null | undefined): FieldMatcher {
  if (!text || !text.trim()) return () => true;
  const fields: FieldSet = { ...common, ...(byKind[kind] ?? {}) };
  const terms = text.split(',').map((part) => {
    const m = /^\s*([A-Za-z0-9_.]+)\s*(==|=|!=)\s*(.*?)\s*$/.exec(part);
    if (!m) throw errors.badRequest(`invalid selector: '${text}'; can't understand '${part}'`);
    const read = fields[m[1]!];
    if (!read) throw errors.badRequest(`field label not supported: ${m[1]}`);
    return { read, negate: m[2] === '!=', value: m[3]! };
  });
  return (object) => terms.every((t) => (t.read(object as unknown as Record<string, unknown>) === t.value) !== t.negate);
}
