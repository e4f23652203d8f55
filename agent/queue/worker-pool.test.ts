import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { systemClock } from '../../core/clock.js';
import { memoryLogger } from '../../core/log.js';
import { SqliteWorkQueue } from './sqlite-queue.js';
import { WorkerPool } from './worker-pool.js';

const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

test('at most `concurrency` jobs run at once, and every job runs', async () => {
  const queue = new SqliteWorkQueue(':memory:', { clock: systemClock });
  for (let i = 0; i < 12; i++) await queue.enqueue({ incidentId: `inc-${i}`, priority: i });
  let running = 0;
  let peak = 0;
  const done: string[] = [];
  const pool = new WorkerPool({
    queue,
    concurrency: 3,
    visibilityMs: 10_000,
    log: memoryLogger(),
    pollIntervalMs: 5,
    async handle(job) {
      running++;
      peak = Math.max(peak, running);
      await tick(15);
      running--;
      done.push(job.incidentId);
      return 'done';
    },
  });
  pool.start();
  while (done.length < 12) await tick(5);
  await pool.stop();
  assert.is(peak, 3);
  assert.is(done[0], 'inc-11', 'highest priority first');
  assert.is(await queue.depth(), 0);
});

test('two jobs of one incident never run at the same time; the second becomes one more run, not a burnt attempt', async () => {
  const queue = new SqliteWorkQueue(':memory:', { clock: systemClock });
  await queue.enqueue({ incidentId: 'same', priority: 1 });
  await queue.enqueue({ incidentId: 'same', priority: 1 });
  let running = 0;
  let overlap = false;
  let runs = 0;
  const pool = new WorkerPool({
    queue,
    concurrency: 2,
    visibilityMs: 10_000,
    log: memoryLogger(),
    pollIntervalMs: 5,
    async handle() {
      running++;
      if (running > 1) overlap = true;
      await tick(20);
      running--;
      runs++;
      return 'done';
    },
  });
  pool.start();
  while (runs < 2) await tick(5);
  await pool.stop();
  assert.not.ok(overlap);
  assert.is(runs, 2);
  assert.equal(queue.deadLetters(), []);
  assert.is(await queue.depth(), 0);
});

test('a failing job is released for a retry; stop interrupts what outlives the grace period', async () => {
  const queue = new SqliteWorkQueue(':memory:', { clock: systemClock });
  await queue.enqueue({ incidentId: 'flaky', priority: 1 });
  await queue.enqueue({ incidentId: 'slow', priority: 0 });
  let flakyRuns = 0;
  let interrupted = false;
  const pool = new WorkerPool({
    queue,
    concurrency: 2,
    visibilityMs: 10_000,
    log: memoryLogger(),
    pollIntervalMs: 5,
    retryDelayMs: () => 0,
    async handle(job, signal) {
      if (job.incidentId === 'flaky') {
        flakyRuns++;
        if (flakyRuns === 1) throw new Error('store unavailable');
        return 'done';
      }
      await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
      interrupted = true;
      return 'interrupted';
    },
  });
  pool.start();
  while (flakyRuns < 2) await tick(5);
  await pool.stop(30);
  assert.ok(interrupted);
  assert.is(await queue.depth(), 1, 'the interrupted job waits for the next start');
  assert.is((await queue.lease({ visibilityMs: 1000 }))!.incidentId, 'slow');
});

test.run();
