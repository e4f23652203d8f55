import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/**
 * The schemas of the built-in kinds, read from a real source: the models @kubernetes/client-node
 * generates from the Kubernetes OpenAPI spec (its `dist/gen/models`: each model's attribute types and
 * formats in the `.js`, the spec's descriptions and required fields in the `.d.ts`). The package is
 * already a dependency, and its models follow a recent Kubernetes release (v1.34 for client-node 1.4),
 * so `kubectl explain` shows the upstream documentation instead of text written here.
 */
export interface Schema {
  type?: string;
  format?: string;
  description?: string;
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  additionalProperties?: Schema | boolean;
  $ref?: string;
  allOf?: Schema[];
  default?: unknown;
  [extension: `x-${string}`]: unknown;
}

export interface Definition {
  /** The model's class name in client-node ("V1Deployment"). */
  model: string;
  /** The spec's definition name ("io.k8s.api.apps.v1.Deployment"). */
  name: string;
  schema: Schema;
  /** Models this one refers to. */
  refs: string[];
}

const modelsDir = join(dirname(createRequire(import.meta.url).resolve('@kubernetes/client-node')), 'gen', 'models');

/** Types of k8s.io/apimachinery: named by their Go package, whatever kind refers to them. */
const APIMACHINERY_META = new Set(['V1ObjectMeta', 'V1ListMeta', 'V1LabelSelector', 'V1LabelSelectorRequirement', 'V1ManagedFieldsEntry', 'V1OwnerReference', 'V1Condition', 'V1Status', 'V1StatusDetails', 'V1StatusCause', 'V1DeleteOptions', 'V1Preconditions']);
const INT_OR_STRING = 'io.k8s.apimachinery.pkg.util.intstr.IntOrString';
const TIME = 'io.k8s.apimachinery.pkg.apis.meta.v1.Time';

/** The patch strategies and merge keys of k8s.io/api's struct tags, which the generated models leave out. */
const PATCH_METADATA: Record<string, Record<string, { key?: string; strategy: string }>> = {
  V1PodSpec: { containers: { key: 'name', strategy: 'merge' }, initContainers: { key: 'name', strategy: 'merge' }, ephemeralContainers: { key: 'name', strategy: 'merge' }, volumes: { key: 'name', strategy: 'merge,retainKeys' }, imagePullSecrets: { key: 'name', strategy: 'merge' }, hostAliases: { key: 'ip', strategy: 'merge' } },
  V1Container: { env: { key: 'name', strategy: 'merge' }, ports: { key: 'containerPort', strategy: 'merge' }, volumeMounts: { key: 'mountPath', strategy: 'merge' }, volumeDevices: { key: 'devicePath', strategy: 'merge' } },
  V1ObjectMeta: { ownerReferences: { key: 'uid', strategy: 'merge' }, finalizers: { strategy: 'merge' } },
  V1ServiceSpec: { ports: { key: 'port', strategy: 'merge' } },
  V1DeploymentSpec: { strategy: { strategy: 'retainKeys' } },
  V1PodStatus: { conditions: { key: 'type', strategy: 'merge' }, podIPs: { key: 'ip', strategy: 'merge' } },
  V1NodeStatus: { conditions: { key: 'type', strategy: 'merge' }, addresses: { key: 'type', strategy: 'merge' } },
  V1DeploymentStatus: { conditions: { key: 'type', strategy: 'merge' } },
  V1DaemonSetStatus: { conditions: { key: 'type', strategy: 'merge' } },
  V1ReplicaSetStatus: { conditions: { key: 'type', strategy: 'merge' } },
  V1NodeSpec: { podCIDRs: { strategy: 'merge' } },
};

interface Attribute {
  name: string;
  baseName: string;
  type: string;
  format: string;
}

const cache = new Map<string, Definition>();

/** The definition of one client-node model, or undefined when the package has no such model. */
export function definitionOf(model: string, name: string): Definition | undefined {
  const cached = cache.get(model);
  if (cached) return cached;
  let js: string;
  let dts: string;
  try {
    js = readFileSync(join(modelsDir, `${model}.js`), 'utf8');
    dts = readFileSync(join(modelsDir, `${model}.d.ts`), 'utf8');
  } catch {
    return undefined;
  }
  const map = new RegExp(`${model}\\.attributeTypeMap = (\\[[\\s\\S]*?\\]);`).exec(js);
  const attributes = map ? (JSON.parse(map[1]!) as Attribute[]) : [];
  const docs = propertyDocs(dts);
  const refs = new Set<string>();
  const properties: Record<string, Schema> = {};
  for (const attribute of attributes) {
    const doc = docs.get(attribute.baseName);
    const schema = schemaOfType(attribute.type, attribute.format, refs);
    const patch = PATCH_METADATA[model]?.[attribute.baseName];
    // The generator drops the description of a field that refers to another type; the type's own says what it is.
    const description = doc?.description ?? referencedDescription(attribute.type);
    properties[attribute.baseName] = withDescription(schema, description, patch);
  }
  const required = attributes.filter((a) => docs.get(a.baseName)?.required).map((a) => a.baseName);
  const classDoc = /\/\*\*\s*\n((?:(?!\*\/)[\s\S])*)\*\/\s*export declare class/.exec(dts);
  const schema: Schema = {
    ...(classDoc ? { description: cleanDoc(classDoc[1]!) } : {}),
    type: 'object',
    ...(required.length ? { required } : {}),
    properties,
  };
  const definition = { model, name, schema, refs: [...refs] };
  cache.set(model, definition);
  return definition;
}

/** The definition name of a model ("V1RollingUpdateDeployment" in apps -> io.k8s.api.apps.v1.RollingUpdateDeployment). */
export function definitionName(model: string, packagePrefix: string): string {
  const [, version, kind] = /^(V\d+(?:alpha\d+|beta\d+)?)(.*)$/.exec(model) ?? [];
  if (APIMACHINERY_META.has(model)) return `io.k8s.apimachinery.pkg.apis.meta.v1.${kind}`;
  return `${packagePrefix}.${(version ?? 'v1').toLowerCase()}.${kind ?? model}`;
}

/** The Go package of a group's types, as the spec names definitions. */
export function packageOfGroup(group: string): string {
  if (group === '') return 'io.k8s.api.core';
  if (group === 'apiextensions.k8s.io') return 'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions';
  if (group === 'apiregistration.k8s.io') return 'io.k8s.kube-aggregator.pkg.apis.apiregistration';
  if (group === 'rbac.authorization.k8s.io') return 'io.k8s.api.rbac';
  return `io.k8s.api.${group.split('.')[0]}`;
}

/** Models are named by version and kind ("V1", "V2", "V1beta1" + Kind). */
export function modelOfKind(version: string, kind: string): string {
  return `${version.charAt(0).toUpperCase()}${version.slice(1)}${kind}`;
}

/** The schemas every document carries for the apimachinery scalars the models type as plain values. */
export const scalarDefinitions: Record<string, Schema> = {
  [INT_OR_STRING]: { description: 'IntOrString is a type that can hold an int32 or a string.  When used in JSON or YAML marshalling and unmarshalling, it produces or consumes the inner type.  This allows you to have, for example, a JSON field that can accept a name or number.', type: 'string', format: 'int-or-string' },
  [TIME]: { description: 'Time is a wrapper around time.Time which supports correct marshaling to YAML and JSON.  Wrappers are provided for many of the factory methods that the time package offers.', type: 'string', format: 'date-time' },
};

function referencedDescription(type: string): string | undefined {
  const model = /^(?:Array<)?(V\d\w*)>?$/.exec(type)?.[1];
  if (!model) return undefined;
  try {
    const dts = readFileSync(join(modelsDir, `${model}.d.ts`), 'utf8');
    const doc = /\/\*\*\s*\n((?:(?!\*\/)[\s\S])*)\*\/\s*export declare class/.exec(dts);
    return doc ? cleanDoc(doc[1]!) : undefined;
  } catch {
    return undefined;
  }
}

function schemaOfType(type: string, format: string, refs: Set<string>): Schema {
  const array = /^Array<(.+)>$/.exec(type);
  if (array) return { type: 'array', items: schemaOfType(array[1]!, format, refs) };
  const map = /^\{ \[key: string\]: (.+); \}$/.exec(type);
  if (map) return { type: 'object', additionalProperties: schemaOfType(map[1]!, format, refs) };
  switch (type) {
    case 'string':
      return format ? { type: 'string', format } : { type: 'string' };
    case 'number':
      return format === 'double' ? { type: 'number', format: 'double' } : { type: 'integer', ...(format ? { format } : {}) };
    case 'boolean':
      return { type: 'boolean' };
    case 'Date':
      return { $ref: TIME };
    case 'IntOrString':
      return { $ref: INT_OR_STRING };
    case 'any':
    case 'object':
      return { type: 'object' };
  }
  if (/^V\d/.test(type) || /^Core|^Events|^Storage|^Admission|^Authentication|^Apiextensions|^Apiregistration|^Discovery|^Flowcontrol|^Rbac|^Resource/.test(type)) {
    refs.add(type);
    return { $ref: `model:${type}` };
  }
  return { type: 'object' };
}

/** As the spec writes a documented reference: wrapped in allOf, so the description is not a sibling of $ref. */
function withDescription(schema: Schema, description: string | undefined, patch?: { key?: string; strategy: string }): Schema {
  const extensions = patch ? { ...(patch.key ? { 'x-kubernetes-patch-merge-key': patch.key } : {}), 'x-kubernetes-patch-strategy': patch.strategy } : {};
  if (schema.$ref) return { allOf: [schema], ...(description ? { description } : {}), ...extensions };
  return { ...schema, ...(description ? { description } : {}), ...extensions };
}

function propertyDocs(dts: string): Map<string, { description?: string; required: boolean }> {
  const docs = new Map<string, { description?: string; required: boolean }>();
  // A comment belongs to the property right after it; the tempered token keeps a match inside one comment.
  const pattern = /(?:\/\*\*\s*\n((?:(?!\*\/)[\s\S])*)\*\/\s*)?'([^']+)'(\?)?:/g;
  for (const match of dts.matchAll(pattern)) {
    docs.set(match[2]!, { ...(match[1] ? { description: cleanDoc(match[1]) } : {}), required: !match[3] });
  }
  return docs;
}

function cleanDoc(text: string): string {
  return text
    .split('\n')
    .map((line) => line.replace(/^\s*\*\s?/, ''))
    .join('\n')
    .trim()
    .replaceAll('\\"', '"');
}
