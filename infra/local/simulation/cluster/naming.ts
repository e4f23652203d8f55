import { hashString } from '../../../../core/random.js';
import type { KubeObject, OwnerReference, PodTemplateSpec } from './objects.js';

const safeAlphabet = 'bcdfghjklmnpqrstvwxz2456789';

/** kube-controller-manager's pod-template-hash: a short, stable, DNS-safe digest of the pod template. */
export function templateHash(template: PodTemplateSpec): string {
  const cached = hashCache.get(template);
  if (cached) return cached;
  const hash = computeTemplateHash(template);
  hashCache.set(template, hash);
  return hash;
}

/** Stored objects are replaced, never edited in place, so a template object's hash never changes. */
const hashCache = new WeakMap<PodTemplateSpec, string>();

function computeTemplateHash(template: PodTemplateSpec): string {
  let h = hashString(stableStringify(template));
  let out = '';
  for (let i = 0; i < 10; i++) {
    out += safeAlphabet[h % safeAlphabet.length];
    h = Math.floor(h / safeAlphabet.length) ^ hashString(out + i);
    h >>>= 0;
  }
  return out;
}

export function stableStringify(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => a.localeCompare(b));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableStringify(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export function controllerRef(owner: KubeObject): OwnerReference {
  return { apiVersion: owner.apiVersion, kind: owner.kind, name: owner.metadata.name, uid: owner.metadata.uid!, controller: true, blockOwnerDeletion: true };
}

export function isOwnedBy(object: KubeObject, owner: KubeObject): boolean {
  return (object.metadata.ownerReferences ?? []).some((r) => r.uid === owner.metadata.uid && r.controller);
}

export function controllerOf(object: KubeObject): OwnerReference | undefined {
  return (object.metadata.ownerReferences ?? []).find((r) => r.controller);
}

export const REVISION_ANNOTATION = 'deployment.kubernetes.io/revision';
