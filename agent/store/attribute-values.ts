/**
 * JSON <-> DynamoDB AttributeValue, the few lines of `@aws-sdk/util-dynamodb` the store needs (without
 * adding the package): documents are plain JSON, so strings, finite numbers, booleans, null, lists and
 * maps cover everything. `undefined` members are dropped, as JSON.stringify would.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';

export function toAttribute(value: unknown): AttributeValue {
  if (value === null || value === undefined) return { NULL: true };
  if (typeof value === 'string') return { S: value };
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return { NULL: true };
    return { N: String(value) };
  }
  if (typeof value === 'boolean') return { BOOL: value };
  if (Array.isArray(value)) return { L: value.map((item) => toAttribute(item === undefined ? null : item)) };
  if (typeof value === 'object') return { M: toItem(value as Record<string, unknown>) };
  throw new TypeError(`cannot store a ${typeof value} in DynamoDB`);
}

export function toItem(record: Record<string, unknown>): Record<string, AttributeValue> {
  const out: Record<string, AttributeValue> = {};
  for (const [key, value] of Object.entries(record)) if (value !== undefined && typeof value !== 'function') out[key] = toAttribute(value);
  return out;
}

export function fromAttribute(attribute: AttributeValue): unknown {
  if (attribute.S !== undefined) return attribute.S;
  if (attribute.N !== undefined) return Number(attribute.N);
  if (attribute.BOOL !== undefined) return attribute.BOOL;
  if (attribute.NULL !== undefined) return null;
  if (attribute.L !== undefined) return attribute.L.map(fromAttribute);
  if (attribute.M !== undefined) return fromItem(attribute.M);
  if (attribute.SS !== undefined) return [...attribute.SS];
  if (attribute.NS !== undefined) return attribute.NS.map(Number);
  throw new TypeError(`unsupported DynamoDB attribute type: ${Object.keys(attribute).join(', ')}`);
}

export function fromItem(item: Record<string, AttributeValue>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(item)) out[key] = fromAttribute(value);
  return out;
}
