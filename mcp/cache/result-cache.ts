/**
 * A bounded, expiring cache of backend answers with hit/miss counters. Least recently used entries go
 * first when the entry or size bound is reached; identical requests in flight share one backend call
 * (an agent often asks the same thing from two steps at once).
 */
import type { Clock } from '../../core/clock.js';

export interface CacheStats {
  hits: number;
  misses: number;
  /** Requests answered by joining an identical request already in flight. */
  coalesced: number;
  evictions: number;
  entries: number;
  /** Approximate size of the cached answers (JSON characters). */
  size: number;
  hitRate: number;
}

export interface ResultCacheOptions {
  clock: Clock;
  maxEntries?: number;
  /** Approximate bound on the cached answers' total JSON size (default 32 MB). */
  maxSize?: number;
}

interface Entry {
  value: unknown;
  expiresAt: number;
  size: number;
}

export class ResultCache {
  private readonly entries = new Map<string, Entry>();
  private readonly inflight = new Map<string, Promise<unknown>>();
  private readonly maxEntries: number;
  private readonly maxSize: number;
  private size = 0;
  private counters = { hits: 0, misses: 0, coalesced: 0, evictions: 0 };

  constructor(private readonly options: ResultCacheOptions) {
    this.maxEntries = options.maxEntries ?? 2000;
    this.maxSize = options.maxSize ?? 32_000_000;
  }

  /** The cached answer for `key`, or `load()`'s, kept for `ttlMs` (not kept when ttlMs <= 0). */
  async get<T>(key: string, ttlMs: number, load: () => Promise<T>): Promise<T> {
    const now = this.options.clock.now();
    const entry = this.entries.get(key);
    if (entry && entry.expiresAt > now) {
      this.counters.hits++;
      // Re-insert: Map order is our recency order.
      this.entries.delete(key);
      this.entries.set(key, entry);
      return entry.value as T;
    }
    if (entry) this.remove(key);
    const pending = this.inflight.get(key);
    if (pending) {
      this.counters.hits++;
      this.counters.coalesced++;
      return pending as Promise<T>;
    }
    this.counters.misses++;
    const promise = load();
    this.inflight.set(key, promise);
    try {
      const value = await promise;
      if (ttlMs > 0) this.store(key, value, this.options.clock.now() + ttlMs);
      return value;
    } finally {
      this.inflight.delete(key);
    }
  }

  stats(): CacheStats {
    const lookups = this.counters.hits + this.counters.misses;
    return { ...this.counters, entries: this.entries.size, size: this.size, hitRate: lookups ? Math.round((this.counters.hits / lookups) * 10_000) / 10_000 : 0 };
  }

  clear(): void {
    this.entries.clear();
    this.size = 0;
  }

  private store(key: string, value: unknown, expiresAt: number): void {
    const size = JSON.stringify(value)?.length ?? 0;
    if (size > this.maxSize) return;
    this.remove(key);
    this.entries.set(key, { value, expiresAt, size });
    this.size += size;
    const now = this.options.clock.now();
    for (const [k, e] of this.entries) {
      if (this.entries.size <= this.maxEntries && this.size <= this.maxSize) break;
      if (k === key) continue;
      this.remove(k);
      if (e.expiresAt > now) this.counters.evictions++;
    }
  }

  private remove(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    this.size -= entry.size;
  }
}
