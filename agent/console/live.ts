/**
 * Live updates for the console: while at least one page listens (server-sent events), the feed reads
 * the most recent incidents every `intervalMs` and tells listeners which changed (by `updatedAt`). It
 * reads the store, not the engine's notifications, so it sees every writer (intake, workers, the
 * approval desk, another replica sharing a DynamoDB table) and stops reading when nobody listens.
 */
import type { Logger } from '../../core/log.js';
import type { StateStore } from '../ports.js';

export interface IncidentChange {
  id: string;
  status: string;
  updatedAt: string;
}

export class LiveFeed {
  private readonly listeners = new Set<(change: IncidentChange) => void>();
  private seen = new Map<string, string>();
  private timer: NodeJS.Timeout | undefined;
  private primed = false;
  private reading = false;

  constructor(private readonly options: { store: StateStore; log: Logger; intervalMs?: number; window?: number }) {}

  subscribe(listener: (change: IncidentChange) => void): () => void {
    this.listeners.add(listener);
    if (!this.timer) {
      this.timer = setInterval(() => void this.poll(), this.options.intervalMs ?? 1000);
      this.timer.unref();
      void this.poll();
    }
    return () => {
      this.listeners.delete(listener);
      if (!this.listeners.size && this.timer) {
        clearInterval(this.timer);
        this.timer = undefined;
        this.primed = false;
      }
    };
  }

  get listening(): number {
    return this.listeners.size;
  }

  /** One read: compares with the last, tells the listeners (none on the first read after a start). */
  async poll(): Promise<void> {
    if (this.reading) return;
    this.reading = true;
    try {
      const { items } = await this.options.store.listIncidents({ limit: this.options.window ?? 50 });
      const next = new Map(items.map((i) => [i.id, i.updatedAt]));
      const changed = this.primed ? items.filter((i) => this.seen.get(i.id) !== i.updatedAt) : [];
      this.seen = next;
      this.primed = true;
      for (const incident of changed) for (const listener of this.listeners) listener({ id: incident.id, status: incident.status, updatedAt: incident.updatedAt });
    } catch (error) {
      this.options.log.warn('console live feed could not read incidents', { error: (error as Error).message });
    } finally {
      this.reading = false;
    }
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.listeners.clear();
  }
}
