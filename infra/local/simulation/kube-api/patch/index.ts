import { ApiError } from '../../cluster/errors.js';
import type { ResourceType } from '../../cluster/resources.js';
import { decodeBody, mediaType } from '../http.js';
import { applyJsonPatch, parseJsonPatch } from './json-patch.js';
import { applyMergePatch } from './merge-patch.js';
import { applyStrategicMergePatch } from './strategic.js';
import { CHAOS_MESH_GROUP } from '../../../../../lib/chaos-mesh/kind.js';

export { applyJsonPatch, parseJsonPatch } from './json-patch.js';
export { applyMergePatch } from './merge-patch.js';
export { applyStrategicMergePatch } from './strategic.js';

export const JSON_PATCH = 'application/json-patch+json';
export const MERGE_PATCH = 'application/merge-patch+json';
export const STRATEGIC_MERGE_PATCH = 'application/strategic-merge-patch+json';
export const APPLY_PATCH = 'application/apply-patch+yaml';

/** Custom resources have no Go struct tags, so the server refuses strategic merge for them (as for CRDs). */
export function acceptsStrategicMerge(type: ResourceType): boolean {
  return type.group !== CHAOS_MESH_GROUP && !type.virtual;
}

export function unsupportedPatchType(type: ResourceType): ApiError {
  const accepted = [JSON_PATCH, MERGE_PATCH, APPLY_PATCH, ...(acceptsStrategicMerge(type) ? [STRATEGIC_MERGE_PATCH] : [])];
  return new ApiError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: ${accepted.join(', ')}`);
}

/** The API server negotiates the patch type before it looks the object up (a 415 beats a 404). */
export function checkPatchType(type: ResourceType, contentType: string | undefined): void {
  const media = mediaType(contentType);
  const accepted = [JSON_PATCH, MERGE_PATCH, APPLY_PATCH, ...(acceptsStrategicMerge(type) ? [STRATEGIC_MERGE_PATCH] : [])];
  if (!accepted.includes(media)) throw unsupportedPatchType(type);
}

/** Applies a JSON, merge or strategic merge patch body to a copy of `current`. */
export function applyPatch<T>(type: ResourceType, current: T, body: string, contentType: string | undefined): T {
  const media = mediaType(contentType);
  switch (media) {
    case JSON_PATCH:
      return applyJsonPatch(current, parseJsonPatch(decodeBody(body, contentType)));
    case MERGE_PATCH:
      return applyMergePatch(current, decodeBody(body, contentType)) as T;
    case STRATEGIC_MERGE_PATCH:
      if (!acceptsStrategicMerge(type)) throw unsupportedPatchType(type);
      return applyStrategicMergePatch(current, decodeBody(body, contentType));
    default:
      throw unsupportedPatchType(type);
  }
}
