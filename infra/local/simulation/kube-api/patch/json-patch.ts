import { ApiError, errors } from '../../cluster/errors.js';
import { isRecord } from '../http.js';

/** RFC 6902 JSON Patch, with the error texts of the evanphx/json-patch library kube-apiserver uses. */
export interface JsonPatchOperation {
  op: 'add' | 'remove' | 'replace' | 'move' | 'copy' | 'test';
  path: string;
  from?: string;
  value?: unknown;
}

type Container = Record<string, unknown> | unknown[];

export function parseJsonPatch(patch: unknown): JsonPatchOperation[] {
  if (!Array.isArray(patch)) throw errors.badRequest('json: cannot unmarshal object into Go value of type jsonpatch.Patch');
  return patch.map((op, i) => {
    if (!isRecord(op) || typeof op.op !== 'string' || typeof op.path !== 'string') throw errors.badRequest(`invalid JSON patch operation at index ${i}: each needs "op" and "path"`);
    if (!['add', 'remove', 'replace', 'move', 'copy', 'test'].includes(op.op)) throw errors.badRequest(`Unexpected kind: ${op.op}`);
    if ((op.op === 'move' || op.op === 'copy') && typeof op.from !== 'string') throw errors.badRequest(`${op.op} operation missing from`);
    if ((op.op === 'add' || op.op === 'replace' || op.op === 'test') && !('value' in op)) throw errors.badRequest(`${op.op} operation missing value`);
    return op as unknown as JsonPatchOperation;
  });
}

export function applyJsonPatch<T>(document: T, operations: JsonPatchOperation[]): T {
  let doc: unknown = structuredClone(document);
  for (const operation of operations) doc = applyOne(doc, operation);
  return doc as T;
}

function pointer(path: string): string[] {
  if (path === '') return [];
  if (!path.startsWith('/')) throw unprocessable(`invalid JSON pointer "${path}"`);
  return path.slice(1).split('/').map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function unprocessable(message: string): ApiError {
  return new ApiError(422, 'Invalid', message);
}

function parentOf(doc: unknown, tokens: string[], path: string): { parent: Container; key: string } {
  let current: unknown = doc;
  for (const token of tokens.slice(0, -1)) {
    current = child(current, token);
    if (current === undefined) throw unprocessable(`doc is missing path: "${path}": missing value`);
  }
  if (!isRecord(current) && !Array.isArray(current)) throw unprocessable(`doc is missing path: "${path}": missing value`);
  return { parent: current, key: tokens[tokens.length - 1]! };
}

function child(current: unknown, token: string): unknown {
  if (Array.isArray(current)) {
    if (!/^\d+$/.test(token)) return undefined;
    return current[Number(token)];
  }
  return isRecord(current) ? current[token] : undefined;
}

function get(doc: unknown, path: string): unknown {
  let current = doc;
  for (const token of pointer(path)) {
    current = child(current, token);
    if (current === undefined) throw unprocessable(`doc is missing path: "${path}": missing value`);
  }
  return current;
}

function arrayIndex(parent: unknown[], key: string, path: string, allowEnd: boolean): number {
  if (key === '-' && allowEnd) return parent.length;
  if (!/^\d+$/.test(key)) throw unprocessable(`Unable to access invalid index: ${key}: invalid index referenced: ${path}`);
  const index = Number(key);
  if (index > parent.length || (!allowEnd && index >= parent.length)) throw unprocessable(`Unable to access invalid index: ${index}: invalid index referenced: ${path}`);
  return index;
}

function add(doc: unknown, path: string, value: unknown): unknown {
  const tokens = pointer(path);
  if (tokens.length === 0) return structuredClone(value);
  const { parent, key } = parentOf(doc, tokens, path);
  if (Array.isArray(parent)) parent.splice(arrayIndex(parent, key, path, true), 0, structuredClone(value));
  else parent[key] = structuredClone(value);
  return doc;
}

function remove(doc: unknown, path: string, op: string): unknown {
  const tokens = pointer(path);
  if (tokens.length === 0) throw unprocessable(`${op} operation does not apply: doc is missing path: "${path}"`);
  const { parent, key } = parentOf(doc, tokens, path);
  if (Array.isArray(parent)) parent.splice(arrayIndex(parent, key, path, false), 1);
  else {
    if (!(key in parent)) throw unprocessable(`${op} operation does not apply: doc is missing path: "${path}": missing value`);
    delete parent[key];
  }
  return doc;
}

function applyOne(doc: unknown, operation: JsonPatchOperation): unknown {
  switch (operation.op) {
    case 'add':
      return add(doc, operation.path, operation.value);
    case 'remove':
      return remove(doc, operation.path, 'remove');
    case 'replace': {
      const tokens = pointer(operation.path);
      if (tokens.length === 0) return structuredClone(operation.value);
      const { parent, key } = parentOf(doc, tokens, operation.path);
      if (Array.isArray(parent)) parent[arrayIndex(parent, key, operation.path, false)] = structuredClone(operation.value);
      else {
        if (!(key in parent)) throw unprocessable(`replace operation does not apply: doc is missing key: ${operation.path}: missing value`);
        parent[key] = structuredClone(operation.value);
      }
      return doc;
    }
    case 'move': {
      const value = get(doc, operation.from!);
      return add(remove(doc, operation.from!, 'move'), operation.path, value);
    }
    case 'copy':
      return add(doc, operation.path, get(doc, operation.from!));
    case 'test': {
      const actual = get(doc, operation.path);
      if (!sameValue(actual, operation.value)) throw unprocessable(`testing value ${operation.path} failed: test failed`);
      return doc;
    }
  }
}

function sameValue(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => sameValue(x, b[i]));
  if (isRecord(a) && isRecord(b)) {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((k) => k in b && sameValue(a[k], b[k]));
  }
  return a === b;
}
