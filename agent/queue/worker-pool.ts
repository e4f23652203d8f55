/**
 * A fixed number of workers leasing jobs from the queue: bounded concurrency, so an alert storm queues
 * up instead of opening a hundred investigations at once. Each worker heartbeats its lease while it
 * works (a long investigation keeps its job), never runs two jobs of one incident at once, and on
 * `stop` stops leasing, lets in-flight jobs finish within a grace period, then aborts them so they
 * checkpoint and go back to the queue for the next start.
 */
import type { Logger } from '../../core/log.js';
import type { Job, WorkQueue } from '../ports.js';

/** What became of a job: finished (ack), try again later (release with back-off), or cut short by a stop. */
export type JobOutcome = 'done' | 'retry' | 'interrupted';

export interface WorkerPoolOptions {
  queue: WorkQueue;
  concurrency: number;
  visibilityMs: number;
  log: Logger;
  handle(job: Job, signal: AbortSignal): Promise<JobOutcome>;
  /** How long an idle worker waits before asking the queue again (default 500 ms; `kick` wakes it). */
  pollIntervalMs?: number;
  /** Delay before a failed job is tried again (default 2^attempts s, at most 60 s). */
  retryDelayMs?: (attempts: number) => number;
  onBusyChange?: (inFlight: number) => void;
}

export class WorkerPool {
  private running = false;
  private workers: Promise<void>[] = [];
  private readonly wakers = new Set<() => void>();
  private readonly inFlight = new Map<string, AbortController>();
  /** Incidents that got another job while a worker ran them: run once more when it is done. */
  private readonly rerun = new Set<string>();
  private leaseAbort = new AbortController();
  private kicked = false;

  constructor(private readonly options: WorkerPoolOptions) {
    if (!Number.isInteger(options.concurrency) || options.concurrency < 1) throw new RangeError(`concurrency must be a whole number >= 1 (got ${options.concurrency})`);
  }

  get busy(): number {
    return this.inFlight.size;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.leaseAbort = new AbortController();
    this.workers = Array.from({ length: this.options.concurrency }, (_, i) => this.work(i));
  }

  /** Wakes idle workers now (a job was just queued). */
  kick(): void {
    // A worker between its lease and its nap would miss the wake-up: remember it for the next nap.
    if (this.wakers.size === 0) this.kicked = true;
    for (const wake of this.wakers) wake();
    this.wakers.clear();
  }

  /**
   * Stops leasing, waits up to `graceMs` for in-flight jobs, then aborts the rest (they checkpoint and
   * are released for the next start) and waits for the workers to exit.
   */
  async stop(graceMs = 10_000): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.leaseAbort.abort();
    this.kick();
    const all = Promise.all(this.workers);
    let timer: NodeJS.Timeout | undefined;
    const graceOver = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), graceMs)));
    const result = await Promise.race([all.then(() => 'done' as const), graceOver]);
    clearTimeout(timer);
    if (result === 'timeout') {
      this.options.log.warn('grace period over: interrupting in-flight investigations', { inFlight: [...this.inFlight.keys()] });
      for (const controller of this.inFlight.values()) controller.abort(new Error('agent stopping'));
      await all;
    }
  }

  private async work(worker: number): Promise<void> {
    const { queue, log } = this.options;
    let failures = 0;
    while (this.running) {
      let job: Job | undefined;
      try {
        job = await queue.lease({ visibilityMs: this.options.visibilityMs, signal: this.leaseAbort.signal });
        failures = 0;
      } catch (error) {
        if (!this.running) break;
        failures++;
        log.warn('could not lease a job; retrying', { worker, error: (error as Error).message });
        await this.idle(Math.min(30_000, 500 * 2 ** failures));
        continue;
      }
      if (!job) {
        await this.idle(this.options.pollIntervalMs ?? 500);
        continue;
      }
      if (!this.running) {
        await queue.release(job.id, { delayMs: 0, reason: 'agent stopping' }).catch(() => undefined);
        break;
      }
      if (this.inFlight.has(job.incidentId)) {
        // Another worker has this incident. Whatever queued this job (a new alert, a decision) is handled
        // by running the incident once more when that worker is done; releasing it instead would burn
        // its attempts every second for as long as a long step runs, and dead-letter a healthy incident.
        this.rerun.add(job.incidentId);
        await queue.ack(job.id).catch(() => undefined);
        continue;
      }
      await this.run(job);
    }
  }

  private async run(job: Job): Promise<void> {
    const { queue, log, visibilityMs } = this.options;
    const controller = new AbortController();
    this.inFlight.set(job.incidentId, controller);
    this.options.onBusyChange?.(this.inFlight.size);
    const heartbeat = queue.extend
      ? setInterval(() => {
          queue.extend!(job.id, { visibilityMs }).catch((error: Error) => log.warn('could not extend a job lease', { jobId: job.id, error: error.message }));
        }, Math.max(1_000, Math.floor(visibilityMs / 3)))
      : undefined;
    heartbeat?.unref();
    try {
      let outcome = await this.options.handle(job, controller.signal);
      while (outcome === 'done' && this.rerun.delete(job.incidentId)) outcome = await this.options.handle(job, controller.signal);
      if (outcome === 'done') await queue.ack(job.id);
      else if (outcome === 'interrupted') await queue.release(job.id, { delayMs: 0, reason: 'interrupted by agent stop' });
      else await queue.release(job.id, { delayMs: this.retryDelay(job.attempts), reason: 'investigation asked to retry' });
    } catch (error) {
      log.error('job failed; it will be retried', { jobId: job.id, incidentId: job.incidentId, attempts: job.attempts, error: (error as Error).message });
      await queue.release(job.id, { delayMs: this.retryDelay(job.attempts), reason: (error as Error).message }).catch(() => undefined);
    } finally {
      if (heartbeat) clearInterval(heartbeat);
      this.inFlight.delete(job.incidentId);
      this.rerun.delete(job.incidentId);
      this.options.onBusyChange?.(this.inFlight.size);
    }
  }

  private retryDelay(attempts: number): number {
    return this.options.retryDelayMs?.(attempts) ?? Math.min(60_000, 1_000 * 2 ** Math.max(0, attempts - 1));
  }

  private idle(ms: number): Promise<void> {
    if (this.kicked) {
      this.kicked = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wakers.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wakers.add(done);
    });
  }
}
