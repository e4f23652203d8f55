/** Identity of a label set, for sources that do not send a fingerprint of their own. */
import { createHash } from 'node:crypto';

/** 16 hex digits of the SHA-256 of the sorted label pairs (Alertmanager's fingerprints are 16 hex too). */
export function fingerprintOf(labels: Record<string, string>, ...extra: string[]): string {
  const hash = createHash('sha256');
  for (const key of Object.keys(labels).sort()) hash.update(`${key}\u0000${labels[key]}\u0000`);
  for (const part of extra) hash.update(`\u0001${part}`);
  return hash.digest('hex').slice(0, 16);
}

/** Label values must be strings; numbers and booleans from hand-written payloads are stringified. */
export function stringLabels(labels: Record<string, unknown> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(labels ?? {})) {
    if (value === undefined || value === null) continue;
    out[key] = typeof value === 'string' ? value : String(value);
  }
  return out;
}
