/**
 * One client's session: its conversation context (follow-up questions) and its query history. Each
 * session has its own; nothing is shared, and both are dropped when the session ends.
 */
import type { HistoryEntry, QueryLog, SessionState } from '../tools/index.js';
import type { Translator } from './ports.js';

/** The last `max` queries of a session, oldest first. */
export class QueryHistory implements QueryLog {
  private readonly items: HistoryEntry[] = [];
  constructor(private readonly max = 200) {}

  record(entry: HistoryEntry): void {
    this.items.push(entry);
    if (this.items.length > this.max) this.items.splice(0, this.items.length - this.max);
  }

  entries(): HistoryEntry[] {
    return [...this.items];
  }

  clear(): void {
    this.items.length = 0;
  }
}

export interface Session extends SessionState {
  history: QueryHistory;
  /** Forgets the context and the history. */
  end(): void;
}

export function newSession(id: string, translator?: Translator): Session {
  const history = new QueryHistory();
  const context = translator?.newContext();
  return {
    id,
    history,
    ...(context ? { context } : {}),
    end() {
      history.clear();
      context?.clear?.();
    },
  };
}
