/**
 * Cursor pagination for large listings (metric names, label values): the cursor is opaque to the
 * model and bound to the listing it came from, so a cursor reused with another filter is refused
 * rather than silently skipping items.
 */
import { ToolError } from './errors.js';

export interface Page<T> {
  items: T[];
  total: number;
  nextCursor?: string;
}

export const defaultPageSize = 100;

export function paginate<T>(all: readonly T[], listing: string, cursor: string | undefined, limit = defaultPageSize): Page<T> {
  const offset = cursor === undefined ? 0 : decode(cursor, listing);
  const items = all.slice(offset, offset + limit);
  const next = offset + items.length;
  return { items, total: all.length, ...(next < all.length ? { nextCursor: encode(next, listing) } : {}) };
}

function encode(offset: number, listing: string): string {
  return Buffer.from(JSON.stringify({ o: offset, l: listing })).toString('base64url');
}

function decode(cursor: string, listing: string): number {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { o?: unknown; l?: unknown };
    if (typeof parsed.o === 'number' && Number.isInteger(parsed.o) && parsed.o >= 0 && parsed.l === listing) return parsed.o;
  } catch {
    // falls through to the error below
  }
  throw new ToolError('invalid_argument', 'the cursor does not belong to this listing', 'pass the nextCursor of the previous call with the same other arguments, or omit cursor to start over');
}
