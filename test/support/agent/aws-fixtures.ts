/**
 * Loads the recorded AWS responses in `fixtures/` for the adapters' tests, reviving the timestamps the
 * SDK would have deserialised into Dates (the JSON on the wire has ISO strings or epoch seconds).
 */
import { readFileSync } from 'node:fs';

const DATE_KEYS = new Set(['StartTime', 'EndTime', 'ApproximateTime', 'MatchedEventTime', 'Timestamps', 'Timestamp']);

export function fixture<T = Record<string, unknown>>(name: string): T {
  const text = readFileSync(new URL(`../../../agent/evidence/fixtures/${name}`, import.meta.url), 'utf8');
  return JSON.parse(text, (key, value: unknown) => {
    if (!DATE_KEYS.has(key)) return value;
    if (Array.isArray(value)) return value.map((v) => (typeof v === 'string' ? new Date(v) : v));
    return typeof value === 'string' ? new Date(value) : value;
  }) as T;
}
