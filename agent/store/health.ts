/**
 * Whether the agent's storage takes writes. A write that fails because the disk is full, the files
 * turned read-only or the table ran out of capacity marks the storage exhausted: the API answers 503
 * (the error is a StorageExhausted, a StoreUnavailable) and `/readyz` says not ready. The mark clears
 * when a write succeeds again, either real traffic or the readiness probe's own small write, so the
 * agent becomes ready by itself once space is freed.
 *
 * `watchWrites` puts this in front of any store or queue: their write methods are listed by name,
 * because a read succeeding on a full disk says nothing about writes.
 */
import { StorageExhausted, StoreUnavailable, storageFailureOf, type StorageFailure } from './errors.js';

export interface StorageProblem {
  reason: StorageFailure;
  since: string;
  what: string;
  message: string;
}

export class StorageHealth {
  private problem: StorageProblem | undefined;

  constructor(
    private readonly options: {
      /** A small real write (a committed row); when it succeeds the storage takes writes again. */
      probe?: () => Promise<void>;
      /** Where the data lives, for messages ("/home/me/.local/state/eks-incident-kit/agent"). */
      where?: string;
      now?: () => number;
    } = {},
  ) {}

  get current(): StorageProblem | undefined {
    return this.problem;
  }

  /** Turns a storage failure into StorageExhausted (and marks it); other errors pass through unchanged. */
  failed(what: string, error: unknown): unknown {
    const reason = error instanceof StorageExhausted ? error.reason : storageFailureOf(error instanceof StoreUnavailable ? error.cause : error);
    if (!reason) return error;
    const exhausted = error instanceof StorageExhausted ? error : new StorageExhausted(what, reason, error, this.options.where);
    this.problem ??= { reason, since: new Date((this.options.now ?? Date.now)()).toISOString(), what, message: exhausted.message };
    return exhausted;
  }

  succeeded(): void {
    this.problem = undefined;
  }

  /** Ready unless the last write failed for lack of room; then the probe write decides. */
  async check(): Promise<{ ok: boolean; detail: string }> {
    if (!this.problem) return { ok: true, detail: 'writable' };
    if (this.options.probe) {
      try {
        await this.options.probe();
        this.succeeded();
        return { ok: true, detail: 'writable again' };
      } catch (error) {
        this.failed('probing the storage', error);
      }
    }
    const p = this.problem;
    return p ? { ok: false, detail: `not writable since ${p.since}: ${p.message}` } : { ok: true, detail: 'writable' };
  }
}

/**
 * The same object, with every call's storage failures turned into StorageExhausted and each listed
 * write method's success clearing the mark.
 */
export function watchWrites<T extends object>(target: T, health: StorageHealth, writes: readonly (keyof T & string)[]): T {
  const writeNames = new Set<string>(writes);
  return new Proxy(target, {
    get(object, property, receiver) {
      const value = Reflect.get(object, property, receiver) as unknown;
      if (typeof value !== 'function' || typeof property !== 'string') return value;
      const method = value as (...args: unknown[]) => unknown;
      return (...args: unknown[]) => {
        const what = `${property}`;
        const settle = (result: unknown) => {
          if (writeNames.has(property)) health.succeeded();
          return result;
        };
        let result: unknown;
        try {
          result = method.apply(object, args);
        } catch (error) {
          throw health.failed(what, error);
        }
        if (result instanceof Promise) return result.then(settle, (error: unknown) => Promise.reject(health.failed(what, error)));
        return settle(result);
      };
    },
  });
}
