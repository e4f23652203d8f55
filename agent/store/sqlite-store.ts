/**
 * The local state store: one SQLite file (WAL, so the API reads while a worker writes). Incidents and
 * workflow states are JSON documents with the columns queries need beside them. Conditional incident
 * writes compare `updated_at` inside one statement, so a lost race surfaces as IncidentConflict rather
 * than a silent overwrite.
 *
 * The audit log is append-only by construction: triggers refuse any UPDATE or DELETE of an entry, and
 * any INSERT that does not extend the hash chain (audit-chain.ts); `verifyAudit` recomputes the chain.
 * Entries written before the chain existed stay as they were (legacy, counted apart by verification).
 *
 * The files are private: the directory is created 0700 and the database 0600 (SQLite gives its -wal and
 * -shm files the database's mode), and a directory that cannot hold them is named in the error.
 */
import Database from 'better-sqlite3';
import { accessSync, chmodSync, closeSync, constants, existsSync, mkdirSync, openSync, statfsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Alert, Approval, Incident } from '../../core/types.js';
import { finalStatuses } from '../../core/incident-lifecycle.js';
import type { AuditEntry, StateStore } from '../ports.js';
import { GENESIS, linkFor, verifyAuditChain, type AuditVerification, type StoredAuditEntry } from './audit-chain.js';
import { IncidentConflict, StateDirectoryError, storageFailureOf } from './errors.js';

type Db = Database.Database;

const schema = `
CREATE TABLE IF NOT EXISTS alerts (
  id TEXT PRIMARY KEY, status TEXT NOT NULL, starts_at TEXT NOT NULL, received_at TEXT NOT NULL, body TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS incidents (
  id TEXT PRIMARY KEY, status TEXT NOT NULL, severity TEXT NOT NULL, namespace TEXT,
  created_at TEXT NOT NULL, updated_at TEXT NOT NULL, body TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS incidents_by_created ON incidents (created_at DESC, id DESC);
CREATE TABLE IF NOT EXISTS incident_group_keys (
  key TEXT NOT NULL, incident_id TEXT NOT NULL, PRIMARY KEY (key, incident_id)
);
CREATE TABLE IF NOT EXISTS workflow_states (incident_id TEXT PRIMARY KEY, updated_at TEXT NOT NULL, body TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS approvals (
  incident_id TEXT NOT NULL, action_id TEXT NOT NULL, decision TEXT NOT NULL, by TEXT NOT NULL, at TEXT NOT NULL, body TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS audit (
  seq INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL, incident_id TEXT, actor TEXT NOT NULL, action TEXT NOT NULL, detail TEXT NOT NULL,
  prev_hash TEXT, hash TEXT
);
CREATE INDEX IF NOT EXISTS audit_by_incident ON audit (incident_id, seq);
CREATE TABLE IF NOT EXISTS storage_probe (id INTEGER PRIMARY KEY CHECK (id = 1), at TEXT NOT NULL, pad BLOB);
`;

/** Installed after the columns exist (an older file gains them first); each refuses with the reason. */
const auditTriggers = `
CREATE TRIGGER IF NOT EXISTS audit_refuses_update BEFORE UPDATE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only: an entry cannot be changed'); END;
CREATE TRIGGER IF NOT EXISTS audit_refuses_delete BEFORE DELETE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only: an entry cannot be deleted'); END;
CREATE TRIGGER IF NOT EXISTS audit_extends_the_chain BEFORE INSERT ON audit
WHEN NEW.hash IS NULL OR NEW.prev_hash IS NOT COALESCE((SELECT hash FROM audit ORDER BY seq DESC LIMIT 1), '${GENESIS}')
BEGIN SELECT RAISE(ABORT, 'the audit log only takes entries that extend its hash chain'); END;
`;

/** Below this much free space the storage is not ready (an incident with its workflow is tens of KiB). */
const MIN_FREE_BYTES = 2 * 2 ** 20;

export interface IncidentPage {
  items: Incident[];
  cursor?: string;
}

/**
 * Opens (creating when needed) the database at `path`: its directory 0700, the file 0600, WAL. A
 * directory that cannot be created or written, or a file that cannot be opened, is a
 * StateDirectoryError naming the directory and what to do.
 */
export function openSqlite(path: string, options: { readonly?: boolean } = {}): Db {
  if (path === ':memory:') return configure(new Database(path));
  const file = resolve(path);
  const dir = dirname(file);
  if (options.readonly) {
    if (!existsSync(file)) throw new StateDirectoryError(dir, `has no database ${file}`, undefined, "Point --data-dir at the agent's data directory (the one holding agent.sqlite), or --sqlite-path at the file");
  } else {
    prepareDirectory(dir);
    keepPrivate(file);
  }
  let db: Db;
  try {
    db = new Database(file, options.readonly ? { readonly: true, fileMustExist: true } : {});
    return options.readonly ? db : configure(db);
  } catch (error) {
    const reason = storageFailureOf(error) === 'read-only' ? 'is read-only' : `cannot hold the database ${file} (${(error as Error).message})`;
    throw new StateDirectoryError(dir, reason, error);
  }
}

function configure(db: Db): Db {
  db.pragma('journal_mode = WAL');
  // NORMAL is durable across process crashes in WAL mode (only an OS crash can lose the last commits).
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  return db;
}

function prepareDirectory(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new StateDirectoryError(dir, code === 'ENOTDIR' || code === 'EEXIST' ? 'is not a directory (a file is in the way)' : `does not exist and cannot be created (${code ?? (error as Error).message})`, error);
  }
  if (!statSync(dir).isDirectory()) throw new StateDirectoryError(dir, 'is not a directory (a file is in the way)');
  try {
    accessSync(dir, constants.W_OK | constants.X_OK);
  } catch (error) {
    throw new StateDirectoryError(dir, `is read-only for this user (${(error as NodeJS.ErrnoException).code})`, error);
  }
}

/** The database and its WAL and shared-memory files: created 0600, tightened to 0600 if looser. */
function keepPrivate(file: string): void {
  if (!existsSync(file)) {
    try {
      closeSync(openSync(file, 'a', 0o600));
    } catch (error) {
      throw new StateDirectoryError(dirname(file), `cannot hold the database ${file} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`, error);
    }
  }
  for (const name of [file, `${file}-wal`, `${file}-shm`]) {
    try {
      if ((statSync(name).mode & 0o077) !== 0) chmodSync(name, 0o600);
    } catch {
      // absent (no WAL yet) or not ours to change: SQLite reports what matters when it opens the file
    }
  }
}

export class SqliteStateStore implements StateStore {
  private readonly db: Db;
  private readonly owned: boolean;

  /** A path (":memory:" for tests) or an open database shared with the SQLite queue. */
  constructor(pathOrDb: string | Db) {
    this.owned = typeof pathOrDb === 'string';
    this.db = typeof pathOrDb === 'string' ? openSqlite(pathOrDb) : pathOrDb;
    this.db.exec(schema);
    const columns = (this.db.prepare('PRAGMA table_info(audit)').all() as { name: string }[]).map((c) => c.name);
    // A file from before the chain: new columns only; its entries stay as written (legacy).
    if (!columns.includes('hash')) this.db.exec('ALTER TABLE audit ADD COLUMN prev_hash TEXT; ALTER TABLE audit ADD COLUMN hash TEXT;');
    this.db.exec(auditTriggers);
  }

  close(): void {
    if (this.owned && this.db.open) this.db.close();
  }

  async ping(): Promise<void> {
    this.db.prepare('SELECT 1').get();
  }

  async saveAlert(alert: Alert): Promise<{ duplicate: boolean }> {
    const existing = this.db.prepare('SELECT status, starts_at FROM alerts WHERE id = ?').get(alert.id) as { status: string; starts_at: string } | undefined;
    if (existing && existing.status === alert.status && existing.starts_at === alert.startsAt) return { duplicate: true };
    this.db
      .prepare('INSERT INTO alerts (id, status, starts_at, received_at, body) VALUES (?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET status = excluded.status, starts_at = excluded.starts_at, received_at = excluded.received_at, body = excluded.body')
      .run(alert.id, alert.status, alert.startsAt, alert.receivedAt, JSON.stringify(alert));
    return { duplicate: false };
  }

  async getAlerts(ids: readonly string[]): Promise<Alert[]> {
    const get = this.db.prepare('SELECT body FROM alerts WHERE id = ?');
    return ids.flatMap((id) => {
      const row = get.get(id) as { body: string } | undefined;
      return row ? [JSON.parse(row.body) as Alert] : [];
    });
  }

  async getIncident(id: string): Promise<Incident | undefined> {
    const row = this.db.prepare('SELECT body FROM incidents WHERE id = ?').get(id) as { body: string } | undefined;
    return row ? (JSON.parse(row.body) as Incident) : undefined;
  }

  async putIncident(incident: Incident, options: { expectedUpdatedAt?: string } = {}): Promise<void> {
    const values = [incident.status, incident.severity, namespaceOf(incident), incident.createdAt, incident.updatedAt, JSON.stringify(incident)];
    const write = this.db.transaction(() => {
      if (options.expectedUpdatedAt !== undefined) {
        const result = this.db
          .prepare('UPDATE incidents SET status = ?, severity = ?, namespace = ?, created_at = ?, updated_at = ?, body = ? WHERE id = ? AND updated_at = ?')
          .run(...values, incident.id, options.expectedUpdatedAt);
        if (result.changes === 0) throw new IncidentConflict(incident.id);
      } else {
        this.db
          .prepare('INSERT INTO incidents (status, severity, namespace, created_at, updated_at, body, id) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET status = excluded.status, severity = excluded.severity, namespace = excluded.namespace, created_at = excluded.created_at, updated_at = excluded.updated_at, body = excluded.body')
          .run(...values, incident.id);
      }
      const addKey = this.db.prepare('INSERT OR IGNORE INTO incident_group_keys (key, incident_id) VALUES (?, ?)');
      for (const key of incident.groupKeys ?? []) addKey.run(key, incident.id);
    });
    write();
  }

  async listIncidents(options: { status?: Incident['status'][]; severity?: Incident['severity'][]; namespace?: string; limit?: number; cursor?: string } = {}): Promise<IncidentPage> {
    const limit = Math.max(1, Math.min(options.limit ?? 50, 500));
    const where: string[] = [];
    const params: unknown[] = [];
    if (options.status?.length) {
      where.push(`status IN (${options.status.map(() => '?').join(', ')})`);
      params.push(...options.status);
    }
    if (options.severity?.length) {
      where.push(`severity IN (${options.severity.map(() => '?').join(', ')})`);
      params.push(...options.severity);
    }
    if (options.namespace) {
      where.push('namespace = ?');
      params.push(options.namespace);
    }
    if (options.cursor) {
      const [createdAt, id] = decodeCursor(options.cursor);
      where.push('(created_at, id) < (?, ?)');
      params.push(createdAt, id);
    }
    const sql = `SELECT body FROM incidents ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at DESC, id DESC LIMIT ?`;
    const rows = this.db.prepare(sql).all(...params, limit + 1) as { body: string }[];
    const items = rows.slice(0, limit).map((row) => JSON.parse(row.body) as Incident);
    const last = items[items.length - 1];
    return rows.length > limit && last ? { items, cursor: encodeCursor(last.createdAt, last.id) } : { items };
  }

  async findOpenIncident(groupKey: string): Promise<Incident | undefined> {
    const row = this.db
      .prepare(
        `SELECT i.body FROM incident_group_keys k JOIN incidents i ON i.id = k.incident_id
         WHERE k.key = ? AND i.status NOT IN (${finalStatuses.map(() => '?').join(', ')})
         ORDER BY i.updated_at DESC LIMIT 1`,
      )
      .get(groupKey, ...finalStatuses) as { body: string } | undefined;
    return row ? (JSON.parse(row.body) as Incident) : undefined;
  }

  async saveWorkflowState(incidentId: string, state: unknown): Promise<void> {
    this.db
      .prepare('INSERT INTO workflow_states (incident_id, updated_at, body) VALUES (?, ?, ?) ON CONFLICT (incident_id) DO UPDATE SET updated_at = excluded.updated_at, body = excluded.body')
      .run(incidentId, new Date().toISOString(), JSON.stringify(state));
  }

  async loadWorkflowState(incidentId: string): Promise<unknown | undefined> {
    const row = this.db.prepare('SELECT body FROM workflow_states WHERE incident_id = ?').get(incidentId) as { body: string } | undefined;
    return row ? JSON.parse(row.body) : undefined;
  }

  async recordApproval(incidentId: string, approval: Approval): Promise<void> {
    this.db
      .prepare('INSERT INTO approvals (incident_id, action_id, decision, by, at, body) VALUES (?, ?, ?, ?, ?, ?)')
      .run(incidentId, approval.actionId, approval.decision, approval.by, approval.at, JSON.stringify(approval));
  }

  async listApprovals(incidentId: string): Promise<Approval[]> {
    const rows = this.db.prepare('SELECT body FROM approvals WHERE incident_id = ? ORDER BY rowid').all(incidentId) as { body: string }[];
    return rows.map((row) => JSON.parse(row.body) as Approval);
  }

  /**
   * Appends one entry at the end of the chain. The transaction takes the write lock before it reads the
   * head, so two writers (processes on one file) can never both link to the same entry.
   */
  async appendAudit(entry: AuditEntry): Promise<void> {
    const append = this.db.transaction(() => {
      const last = this.db.prepare('SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1').get() as { seq: number; hash: string | null } | undefined;
      const used = this.db.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'audit'").get() as { seq: number } | undefined;
      const seq = Math.max(last?.seq ?? 0, used?.seq ?? 0) + 1;
      const link = linkFor(seq, last?.hash, entry);
      this.db
        .prepare('INSERT INTO audit (seq, at, incident_id, actor, action, detail, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
        .run(seq, entry.at, entry.incidentId ?? null, entry.actor, entry.action, JSON.stringify(entry.detail ?? {}), link.prevHash, link.hash);
    });
    append.immediate();
  }

  /**
   * Recomputes the whole chain, oldest first. AUTOINCREMENT remembers the highest position ever used,
   * so entries cut off the end are noticed too.
   */
  async verifyAudit(): Promise<AuditVerification> {
    return verifySqliteAudit(this.db);
  }

  /**
   * The readiness probe's proof that the storage takes writes again: room on the file system (a write
   * into a WAL that was reset can succeed on a full disk while the next bigger one fails), then a small
   * committed write.
   */
  async probeWrite(): Promise<void> {
    if (this.db.name !== ':memory:') {
      const dir = dirname(this.db.name);
      const { bavail, bsize } = statfsSync(dir);
      const free = bavail * bsize;
      if (free < MIN_FREE_BYTES) throw Object.assign(new Error(`only ${Math.floor(free / 1024)} KiB free in ${dir} (the agent needs ${MIN_FREE_BYTES / 2 ** 20} MiB to take writes)`), { code: 'ENOSPC' });
    }
    this.db.prepare('INSERT INTO storage_probe (id, at, pad) VALUES (1, ?, zeroblob(16384)) ON CONFLICT (id) DO UPDATE SET at = excluded.at, pad = excluded.pad').run(new Date().toISOString());
  }

  /** Oldest first; with `limit`, the latest `limit` entries. */
  async listAudit(options: { incidentId?: string; limit?: number } = {}): Promise<AuditEntry[]> {
    const limit = Math.max(1, Math.min(options.limit ?? 200, 5000));
    const rows = (
      options.incidentId
        ? this.db.prepare('SELECT * FROM audit WHERE incident_id = ? ORDER BY seq DESC LIMIT ?').all(options.incidentId, limit)
        : this.db.prepare('SELECT * FROM audit ORDER BY seq DESC LIMIT ?').all(limit)
    ) as { at: string; incident_id: string | null; actor: string; action: string; detail: string }[];
    return rows.reverse().map((row) => ({
      at: row.at,
      ...(row.incident_id ? { incidentId: row.incident_id } : {}),
      actor: row.actor,
      action: row.action,
      detail: JSON.parse(row.detail) as Record<string, unknown>,
    }));
  }
}

/**
 * Recomputes the whole chain of a database, oldest first, without writing to it (the `audit verify`
 * command opens the file read-only). AUTOINCREMENT remembers the highest position ever used, so entries
 * cut off the end are noticed too.
 */
export function verifySqliteAudit(db: Db): AuditVerification {
  const columns = (db.prepare('PRAGMA table_info(audit)').all() as { name: string }[]).map((c) => c.name);
  if (columns.length === 0) return { ok: true, entries: 0, chained: 0, legacy: 0 };
  const linked = columns.includes('hash');
  const rows = db.prepare(`SELECT seq, at, incident_id, actor, action, detail${linked ? ', prev_hash, hash' : ''} FROM audit ORDER BY seq`).iterate() as IterableIterator<AuditRow>;
  const entries = function* (): Generator<StoredAuditEntry> {
    for (const row of rows) {
      let detail: Record<string, unknown>;
      try {
        detail = JSON.parse(row.detail) as Record<string, unknown>;
      } catch {
        detail = { unreadable: row.detail };
      }
      yield { seq: row.seq, at: row.at, ...(row.incident_id ? { incidentId: row.incident_id } : {}), actor: row.actor, action: row.action, detail, prevHash: row.prev_hash ?? null, hash: row.hash ?? null };
    }
  };
  const result = verifyAuditChain(entries());
  if (!result.ok) return result;
  const last = db.prepare('SELECT MAX(seq) AS seq FROM audit').get() as { seq: number | null };
  const used = db.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'audit'").get() as { seq: number } | undefined;
  if (used && used.seq > (last.seq ?? 0)) return { ...result, ok: false, broken: { seq: used.seq, reason: `entries ${(last.seq ?? 0) + 1} to ${used.seq} were written and are gone: the end of the log was cut off` } };
  return result;
}

interface AuditRow {
  seq: number;
  at: string;
  incident_id: string | null;
  actor: string;
  action: string;
  detail: string;
  prev_hash?: string | null;
  hash?: string | null;
}

export function namespaceOf(incident: Incident): string | null {
  const target = incident.target;
  if (!target) return null;
  return target.kind === 'Namespace' ? target.name : (target.namespace ?? null);
}

export function encodeCursor(createdAt: string, id: string): string {
  return Buffer.from(JSON.stringify([createdAt, id])).toString('base64url');
}

export function decodeCursor(cursor: string): [string, string] {
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(value) && value.length === 2 && value.every((v) => typeof v === 'string')) return value as [string, string];
  } catch {
    // fall through to the error below
  }
  throw new InvalidCursor(cursor);
}

export class InvalidCursor extends Error {
  constructor(cursor: string) {
    super(`invalid cursor "${cursor.slice(0, 40)}": pass back the cursor value of the previous page unchanged`);
    this.name = 'InvalidCursor';
  }
}
