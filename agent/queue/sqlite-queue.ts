/**
 * The local work queue: a SQLite table of jobs, leased highest priority first (then oldest), hidden for
 * a visibility timeout while a worker holds them, retried with a delay on failure and dead-lettered past
 * the attempt limit. A worker that dies without acking loses its lease when the timeout passes; the
 * agent that owns the file can also reclaim every lease at start (`reclaimLeases`).
 */
import type Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import type { Clock } from '../../core/clock.js';
import type { Job, WorkQueue } from '../ports.js';
import { openSqlite } from '../store/sqlite-store.js';

const schema = `
CREATE TABLE IF NOT EXISTS jobs (
  id TEXT PRIMARY KEY,
  incident_id TEXT NOT NULL,
  priority INTEGER NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  enqueued_at INTEGER NOT NULL,
  visible_at INTEGER NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('ready', 'leased', 'dead')),
  dedupe_key TEXT,
  last_error TEXT
);
CREATE INDEX IF NOT EXISTS jobs_next ON jobs (state, priority DESC, enqueued_at, visible_at);
CREATE INDEX IF NOT EXISTS jobs_dedupe ON jobs (dedupe_key, state);
`;

interface Row {
  id: string;
  incident_id: string;
  priority: number;
  attempts: number;
  enqueued_at: number;
  visible_at: number;
  state: 'ready' | 'leased' | 'dead';
  dedupe_key: string | null;
  last_error: string | null;
}

export interface SqliteQueueOptions {
  clock: Clock;
  /** Leases after which a job is dead-lettered instead of tried again (default 5). */
  maxAttempts?: number;
  /** Told when a job is dead-lettered, so its incident can be marked as given up. */
  onDeadLetter?: (job: Job, reason: string) => void;
}

export interface DeadLetter extends Job {
  reason: string;
}

export class SqliteWorkQueue implements WorkQueue {
  private readonly db: Database.Database;
  private readonly owned: boolean;
  private readonly maxAttempts: number;

  constructor(
    pathOrDb: string | Database.Database,
    private readonly options: SqliteQueueOptions,
  ) {
    this.owned = typeof pathOrDb === 'string';
    this.db = typeof pathOrDb === 'string' ? openSqlite(pathOrDb) : pathOrDb;
    this.db.exec(schema);
    this.maxAttempts = options.maxAttempts ?? 5;
  }

  close(): void {
    if (this.owned && this.db.open) this.db.close();
  }

  /**
   * With a `dedupeKey`, a job still waiting under that key is reused (its priority raised if the new one
   * is higher) instead of queuing a second one. Leased jobs do not count: whatever made someone enqueue
   * again (an approval, a new alert) may need a fresh run after the current one ends.
   */
  async enqueue(job: { incidentId: string; priority: number; dedupeKey?: string }): Promise<Job> {
    const now = this.options.clock.now();
    const run = this.db.transaction((): Row => {
      if (job.dedupeKey) {
        const existing = this.db.prepare("SELECT * FROM jobs WHERE dedupe_key = ? AND state = 'ready' LIMIT 1").get(job.dedupeKey) as Row | undefined;
        if (existing) {
          if (job.priority > existing.priority) this.db.prepare('UPDATE jobs SET priority = ? WHERE id = ?').run(job.priority, existing.id);
          return { ...existing, priority: Math.max(existing.priority, job.priority) };
        }
      }
      const row: Row = { id: `job-${randomBytes(6).toString('hex')}`, incident_id: job.incidentId, priority: job.priority, attempts: 0, enqueued_at: now, visible_at: now, state: 'ready', dedupe_key: job.dedupeKey ?? null, last_error: null };
      this.db
        .prepare('INSERT INTO jobs (id, incident_id, priority, attempts, enqueued_at, visible_at, state, dedupe_key) VALUES (@id, @incident_id, @priority, @attempts, @enqueued_at, @visible_at, @state, @dedupe_key)')
        .run(row);
      return row;
    });
    return toJob(run());
  }

  async lease(options: { visibilityMs: number }): Promise<Job | undefined> {
    const now = this.options.clock.now();
    const deadLettered: { job: Job; reason: string }[] = [];
    const take = this.db.transaction((): Row | undefined => {
      for (;;) {
        // Ready jobs and leases whose holder went silent past the visibility timeout.
        const row = this.db
          .prepare("SELECT * FROM jobs WHERE state IN ('ready', 'leased') AND visible_at <= ? ORDER BY priority DESC, enqueued_at ASC, id ASC LIMIT 1")
          .get(now) as Row | undefined;
        if (!row) return undefined;
        if (row.attempts >= this.maxAttempts) {
          // Leased this many times without an ack: it keeps killing its worker (or the agent). Stop.
          const reason = row.last_error ?? `lease expired ${row.attempts} times without an acknowledgement`;
          this.db.prepare("UPDATE jobs SET state = 'dead', last_error = ? WHERE id = ?").run(reason, row.id);
          deadLettered.push({ job: toJob(row), reason });
          continue;
        }
        this.db.prepare("UPDATE jobs SET state = 'leased', attempts = attempts + 1, visible_at = ? WHERE id = ?").run(now + options.visibilityMs, row.id);
        return { ...row, state: 'leased', attempts: row.attempts + 1, visible_at: now + options.visibilityMs };
      }
    });
    const row = take();
    for (const { job, reason } of deadLettered) this.options.onDeadLetter?.(job, reason);
    return row ? toJob(row) : undefined;
  }

  async ack(jobId: string): Promise<void> {
    this.db.prepare('DELETE FROM jobs WHERE id = ?').run(jobId);
  }

  async release(jobId: string, options: { delayMs: number; reason: string }): Promise<void> {
    const row = this.db.prepare('SELECT * FROM jobs WHERE id = ?').get(jobId) as Row | undefined;
    if (!row || row.state === 'dead') return;
    if (row.attempts >= this.maxAttempts) {
      this.db.prepare("UPDATE jobs SET state = 'dead', last_error = ? WHERE id = ?").run(options.reason, jobId);
      this.options.onDeadLetter?.(toJob(row), options.reason);
      return;
    }
    this.db.prepare("UPDATE jobs SET state = 'ready', visible_at = ?, last_error = ? WHERE id = ?").run(this.options.clock.now() + options.delayMs, options.reason, jobId);
  }

  async extend(jobId: string, options: { visibilityMs: number }): Promise<void> {
    this.db.prepare("UPDATE jobs SET visible_at = ? WHERE id = ? AND state = 'leased'").run(this.options.clock.now() + options.visibilityMs, jobId);
  }

  async depth(): Promise<number> {
    return (this.db.prepare("SELECT COUNT(*) AS n FROM jobs WHERE state = 'ready'").get() as { n: number }).n;
  }

  /**
   * Makes every lease visible again. Only for the agent that owns the file, at start: the previous
   * process is gone, so its leases are orphans and need not wait out their timeout. Attempts are kept,
   * so a job that crashes the agent every time still ends in the dead-letter list.
   */
  reclaimLeases(): number {
    return this.db.prepare("UPDATE jobs SET state = 'ready', visible_at = ? WHERE state = 'leased'").run(this.options.clock.now()).changes;
  }

  deadLetters(): DeadLetter[] {
    const rows = this.db.prepare("SELECT * FROM jobs WHERE state = 'dead' ORDER BY enqueued_at").all() as Row[];
    return rows.map((row) => ({ ...toJob(row), reason: row.last_error ?? '' }));
  }
}

function toJob(row: Row): Job {
  return { id: row.id, incidentId: row.incident_id, priority: row.priority, attempts: row.attempts, enqueuedAt: new Date(row.enqueued_at).toISOString() };
}
