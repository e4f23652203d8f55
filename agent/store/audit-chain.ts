/**
 * The audit log's hash chain, shared by both stores. Each entry carries its position (`seq`, 1, 2, ...),
 * the hash of the entry before it (`prevHash`; the first entry of a chain links to GENESIS) and its own
 * hash: SHA-256 of the previous hash and the entry's canonical JSON (RFC 8785, through `canonicalize`,
 * so the same entry hashes the same whatever the key order or the store it was read from). Changing,
 * removing, inserting or reordering an entry breaks every link after it; `verifyAuditChain` names the
 * first broken one.
 *
 * Entries written before the chain existed (no hash) are "legacy": they are never rewritten (the log is
 * append-only, even for a migration), the chain starts at the first hashed entry, and verification
 * counts them apart. An unhashed entry after the chain started is a break.
 */
import canonicalizeModule from 'canonicalize';
import { createHash } from 'node:crypto';
import type { AuditEntry } from '../ports.js';

// The package's types declare an ES default export; its code is `module.exports = serialize`, which is
// what Node's ESM loader hands over as the default.
const canonicalize = canonicalizeModule as unknown as (input: unknown) => string | undefined;

export const GENESIS = '0'.repeat(64);

export interface ChainLink {
  seq: number;
  prevHash: string;
  hash: string;
}

/** An entry as a store reads it back for verification: links absent on legacy entries. */
export interface StoredAuditEntry extends AuditEntry {
  seq: number;
  prevHash?: string | null;
  hash?: string | null;
}

export interface AuditVerification {
  ok: boolean;
  /** Entries read, legacy ones included. */
  entries: number;
  /** Entries on the chain. */
  chained: number;
  /** Entries written before the chain existed (not covered by it). */
  legacy: number;
  /** Hash of the last entry: record it elsewhere to detect a truncated tail later. */
  head?: string;
  /** The first entry that breaks the chain, and how. */
  broken?: { seq: number; at?: string; action?: string; reason: string };
}

/** What survives a store round trip (JSON), so the hash written is the hash read back. */
function jsonOf(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value ?? null)) as unknown;
}

/** The canonical text of an entry: what its hash covers (with the previous hash). */
export function canonicalEntry(seq: number, entry: AuditEntry): string {
  return canonicalize({ seq, at: entry.at, incidentId: entry.incidentId ?? null, actor: entry.actor, action: entry.action, detail: jsonOf(entry.detail) }) ?? '';
}

export function entryHash(prevHash: string, seq: number, entry: AuditEntry): string {
  return createHash('sha256').update(prevHash).update('\n').update(canonicalEntry(seq, entry)).digest('hex');
}

/** The link of the entry appended at `seq` after `previousHash` (the last hashed entry's, or none). */
export function linkFor(seq: number, previousHash: string | undefined | null, entry: AuditEntry): ChainLink {
  const prevHash = previousHash ?? GENESIS;
  return { seq, prevHash, hash: entryHash(prevHash, seq, entry) };
}

/**
 * Checks entries in the order they were appended (ascending `seq`). `expectedHead`, when the store keeps
 * one (DynamoDB's head item), must be the last entry: a head further on means entries are missing.
 */
export function verifyAuditChain(entries: Iterable<StoredAuditEntry>, expectedHead?: { seq: number; hash: string }): AuditVerification {
  let count = 0;
  let legacy = 0;
  let chained = 0;
  let previous: { seq: number; hash: string } | undefined;
  const result = (broken?: AuditVerification['broken']): AuditVerification => ({ ok: !broken, entries: count, chained, legacy, ...(previous ? { head: previous.hash } : {}), ...(broken ? { broken } : {}) });
  for (const entry of entries) {
    count++;
    const where = { seq: entry.seq, at: entry.at, action: entry.action };
    if (!entry.hash) {
      if (previous) return result({ ...where, reason: 'entry has no hash although the chain had started before it (inserted or altered outside the store)' });
      legacy++;
      continue;
    }
    const expectedPrev = previous?.hash ?? GENESIS;
    if (entry.prevHash !== expectedPrev) {
      return result({ ...where, reason: previous ? `it links to ${short(entry.prevHash)} but the entry before it (seq ${previous.seq}) has hash ${short(previous.hash)}: an entry was removed, inserted or reordered` : `the first chained entry links to ${short(entry.prevHash)}, not the chain's start: entries before it were removed` });
    }
    const hash = entryHash(expectedPrev, entry.seq, entry);
    if (hash !== entry.hash) return result({ ...where, reason: `its content does not match its hash (stored ${short(entry.hash)}, computed ${short(hash)}): the entry was changed` });
    chained++;
    previous = { seq: entry.seq, hash: entry.hash };
  }
  if (expectedHead && expectedHead.hash !== (previous?.hash ?? GENESIS)) {
    return result({ seq: expectedHead.seq, reason: `the chain's head is entry ${expectedHead.seq} (${short(expectedHead.hash)}) but the last entry found is ${previous ? `${previous.seq} (${short(previous.hash)})` : 'none'}: entries at the end are missing` });
  }
  return result();
}

function short(hash: string | null | undefined): string {
  return hash ? hash.slice(0, 12) : '(none)';
}
