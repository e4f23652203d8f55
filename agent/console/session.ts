/**
 * The console's sessions: an operator logs in with an operator token (credentials.ts) and gets a
 * session cookie; the session carries the operator token's name (the approver the audit records) and a
 * CSRF token (the synchronizer-token pattern: every form carries it, every POST must present it).
 *
 * The cookie holds only a random 256-bit id: HttpOnly, SameSite=Strict, Path=/console, Secure (and the
 * `__Host-` prefix) when served over https. Sessions live in this process's memory (an lru-cache, so
 * their number is bounded), end at logout, after `idleMs` without a request and after `maxMs` in all.
 *
 * Hand-written on lru-cache rather than express-session + csrf-sync: express-session's only bundled
 * store (MemoryStore) "is not designed for a production environment" (it leaks), a shared store would
 * be a new dependency of the agent for a few operators, and the synchronizer token is a few lines once
 * a session exists. Expiry is checked against the agent's clock, so tests drive it with ManualClock.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { Clock } from '../../core/clock.js';

export interface Session {
  id: string;
  /** The operator token's name; undefined before login (a login form's session). */
  user?: string;
  csrf: string;
  createdAt: number;
  lastSeenAt: number;
  /** Large type for a projector. */
  presenter: boolean;
}

export interface SessionOptions {
  clock: Clock;
  /** Ends a session after this long without a request (default 1 h). */
  idleMs?: number;
  /** Ends a session this long after login, whatever happens (default 12 h). */
  maxMs?: number;
  /** Sessions kept at most; the least recently used goes first (default 1000). */
  max?: number;
}

const newId = () => randomBytes(32).toString('base64url');

export class Sessions {
  private readonly sessions: LRUCache<string, Session>;
  readonly idleMs: number;
  readonly maxMs: number;

  constructor(private readonly options: SessionOptions) {
    this.idleMs = options.idleMs ?? 60 * 60_000;
    this.maxMs = options.maxMs ?? 12 * 60 * 60_000;
    this.sessions = new LRUCache({ max: options.max ?? 1000 });
  }

  /** A fresh session (before login it only carries the login form's CSRF token). */
  create(fields: { user?: string; presenter?: boolean } = {}): Session {
    const now = this.options.clock.now();
    const session: Session = { id: newId(), csrf: newId(), createdAt: now, lastSeenAt: now, presenter: fields.presenter ?? false, ...(fields.user ? { user: fields.user } : {}) };
    this.sessions.set(session.id, session);
    return session;
  }

  /** The live session of this id, touched; undefined when unknown, idle too long or too old. */
  get(id: string | undefined): Session | undefined {
    if (!id) return undefined;
    const session = this.sessions.get(id);
    if (!session) return undefined;
    const now = this.options.clock.now();
    if (now - session.lastSeenAt > this.idleMs || now - session.createdAt > this.maxMs) {
      this.sessions.delete(id);
      return undefined;
    }
    session.lastSeenAt = now;
    return session;
  }

  /** Logs `user` in: a new session id (the pre-login one is dropped, so a planted id is worth nothing). */
  login(previous: Session | undefined, user: string): Session {
    if (previous) this.sessions.delete(previous.id);
    return this.create({ user, presenter: previous?.presenter ?? false });
  }

  end(session: Session | undefined): void {
    if (session) this.sessions.delete(session.id);
  }

  get size(): number {
    return this.sessions.size;
  }
}

/** Whether a presented CSRF token is the session's (constant time). */
export function csrfMatches(session: Session | undefined, presented: unknown): boolean {
  if (!session || typeof presented !== 'string' || !presented) return false;
  const a = Buffer.from(session.csrf);
  const b = Buffer.from(presented);
  return a.length === b.length && timingSafeEqual(a, b);
}
