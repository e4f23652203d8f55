import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ManualClock } from '../../core/clock.js';
import type { Job } from '../ports.js';
import { memoryAlert } from '../../test/support/agent/workflow-testkit.js';
import { blastRadiusOf, priorityOf } from './priority.js';
import { SqliteWorkQueue } from './sqlite-queue.js';

function queue(maxAttempts = 3) {
  const clock = new ManualClock();
  const dead: { job: Job; reason: string }[] = [];
  const q = new SqliteWorkQueue(':memory:', { clock, maxAttempts, onDeadLetter: (job, reason) => dead.push({ job, reason }) });
  return { q, clock, dead };
}

test('priority: severity first, then blast radius', () => {
  const onePod = blastRadiusOf([memoryAlert()]);
  const twoPods = blastRadiusOf([memoryAlert(), memoryAlert({ pod: 'petsite-7d4b9c6f5b-zzzzz', fingerprint: 'b' })]);
  const node = blastRadiusOf([{ ...memoryAlert(), labels: { alertname: 'NodeMemoryPressure', node: 'ip-1' }, target: { kind: 'Node', name: 'ip-1' } }]);
  assert.equal(onePod, { pods: 1, workloads: 1, nodes: 0 });
  assert.equal(twoPods, { pods: 2, workloads: 1, nodes: 0 });
  assert.ok(priorityOf('warning', twoPods) > priorityOf('warning', onePod));
  assert.ok(priorityOf('warning', node) > priorityOf('warning', twoPods));
  assert.ok(priorityOf('critical', onePod) > priorityOf('warning', { pods: 500, workloads: 100, nodes: 30 }), 'critical beats any warning');
});

test('lease takes the highest priority first, then the oldest', async () => {
  const { q, clock } = queue();
  await q.enqueue({ incidentId: 'warning-old', priority: 2001 });
  clock.advance(10);
  await q.enqueue({ incidentId: 'critical', priority: 3001 });
  clock.advance(10);
  await q.enqueue({ incidentId: 'warning-new', priority: 2001 });
  await q.enqueue({ incidentId: 'warning-wide', priority: 2013 });
  const order: string[] = [];
  for (let job = await q.lease({ visibilityMs: 1000 }); job; job = await q.lease({ visibilityMs: 1000 })) order.push(job.incidentId);
  assert.equal(order, ['critical', 'warning-wide', 'warning-old', 'warning-new']);
  assert.is(await q.depth(), 0, 'leased jobs are not waiting');
});

test('a leased job is invisible until its visibility timeout, then comes back', async () => {
  const { q, clock } = queue();
  await q.enqueue({ incidentId: 'a', priority: 1 });
  const first = await q.lease({ visibilityMs: 5_000 });
  assert.is(first!.attempts, 1);
  assert.is(await q.lease({ visibilityMs: 5_000 }), undefined);
  clock.advance(4_000);
  await q.extend(first!.id, { visibilityMs: 5_000 });
  clock.advance(4_000);
  assert.is(await q.lease({ visibilityMs: 5_000 }), undefined, 'the heartbeat kept it');
  clock.advance(1_001);
  const again = await q.lease({ visibilityMs: 5_000 });
  assert.is(again!.id, first!.id);
  assert.is(again!.attempts, 2);
  await q.ack(again!.id);
  clock.advance(60_000);
  assert.is(await q.lease({ visibilityMs: 5_000 }), undefined, 'acked jobs are gone');
});

test('release delays a retry; past the attempt limit the job is dead-lettered', async () => {
  const { q, clock, dead } = queue(2);
  await q.enqueue({ incidentId: 'a', priority: 1 });
  const job = await q.lease({ visibilityMs: 1_000 });
  await q.release(job!.id, { delayMs: 3_000, reason: 'store unavailable' });
  assert.is(await q.lease({ visibilityMs: 1_000 }), undefined);
  clock.advance(3_000);
  const second = await q.lease({ visibilityMs: 1_000 });
  assert.is(second!.attempts, 2);
  await q.release(second!.id, { delayMs: 0, reason: 'still failing' });
  assert.is(await q.lease({ visibilityMs: 1_000 }), undefined);
  assert.equal(dead.map((d) => d.reason), ['still failing']);
  assert.equal(q.deadLetters().map((d) => d.incidentId), ['a']);
  assert.is(await q.depth(), 0);
});

test('a job whose lease keeps expiring (it kills its worker) ends in the dead-letter list', async () => {
  const { q, clock, dead } = queue(2);
  await q.enqueue({ incidentId: 'poison', priority: 1 });
  await q.lease({ visibilityMs: 1_000 });
  clock.advance(1_000);
  await q.lease({ visibilityMs: 1_000 });
  clock.advance(1_000);
  assert.is(await q.lease({ visibilityMs: 1_000 }), undefined);
  assert.is(dead.length, 1);
  assert.match(dead[0]!.reason, /lease expired 2 times/);
});

test('dedupe keys reuse a waiting job (raising its priority) but not a leased one', async () => {
  const { q } = queue();
  const a = await q.enqueue({ incidentId: 'inc', priority: 2001, dedupeKey: 'inc' });
  const b = await q.enqueue({ incidentId: 'inc', priority: 3001, dedupeKey: 'inc' });
  assert.is(b.id, a.id);
  assert.is(await q.depth(), 1);
  const leased = await q.lease({ visibilityMs: 1_000 });
  assert.is(leased!.priority, 3001);
  const c = await q.enqueue({ incidentId: 'inc', priority: 3001, dedupeKey: 'inc' });
  assert.is.not(c.id, a.id, 'a resume after the running job needs a job of its own');
});

test('reclaimLeases frees the leases of a previous process at start', async () => {
  const { q } = queue();
  await q.enqueue({ incidentId: 'a', priority: 1 });
  const job = await q.lease({ visibilityMs: 600_000 });
  assert.is(q.reclaimLeases(), 1);
  const again = await q.lease({ visibilityMs: 600_000 });
  assert.is(again!.id, job!.id);
  assert.is(again!.attempts, 2, 'attempts are kept, so a crash loop still dead-letters');
});

test.run();
