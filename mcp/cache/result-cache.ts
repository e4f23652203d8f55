/**
 * A bounded, expiring cache of backend answers with hit/miss counters. Least recently used entries go
 * first when the entry or size bound is reached; identical requests in flight share one backend call
 * (an agent often asks the same thing from two steps at once).
 */
import { LRUCache } from 'lru-cache';
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
  /**
   * Recency and the entry/size bounds are lru-cache's. Expiry is checked here on the injected clock
   * rather than with lru-cache's ttl, which keeps an entry for the whole millisecond its TTL ends and
   * reads a start time of 0 (a ManualClock at the epoch) as "no TTL".
   */
  private readonly entries: LRUCache<string, Entry>;
  private readonly inflight = new Map<string, Promise<unknown>>();
  private readonly maxSize: number;
  private counters = { hits: 0, misses: 0, coalesced: 0, evictions: 0 };

  constructor(private readonly options: ResultCacheOptions) {
    this.maxSize = options.maxSize ?? 32_000_000;
    this.entries = new LRUCache<string, Entry>({
      max: options.maxEntries ?? 2000,
      maxSize: this.maxSize,
      // lru-cache wants a positive size; an answer whose JSON is empty still takes a slot.
      sizeCalculation: (entry) => Math.max(1, entry.size),
      dispose: (entry, _key, reason) => {
        // Dropping an answer that had expired anyway is not an eviction.
        if (reason === 'evict' && entry.expiresAt > this.options.clock.now()) this.counters.evictions++;
      },
    });
  }

  /** The cached answer for `key`, or `load()`'s, kept for `ttlMs` (not kept when ttlMs <= 0). */
  async get<T>(key: string, ttlMs: number, load: () => Promise<T>): Promise<T> {
    const now = this.options.clock.now();
    const entry = this.entries.get(key);
    if (entry && entry.expiresAt > now) {
      this.counters.hits++;
      return entry.value as T;
    }
    if (entry) this.entries.delete(key);
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
    return { ...this.counters, entries: this.entries.size, size: this.entries.calculatedSize, hitRate: lookups ? Math.round((this.counters.hits / lookups) * 10_000) / 10_000 : 0 };
  }

  clear(): void {
    this.entries.clear();
  }

  private store(key: string, value: unknown, expiresAt: number): void {
    const size = JSON.stringify(value)?.length ?? 0;
    if (size > this.maxSize) return;
    this.entries.set(key, { value, expiresAt, size });
  }
}
