import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { memoryAlert, tempDir } from '../../test/support/agent/workflow-testkit.js';
import { StorageExhausted, StoreUnavailable, storageFailureOf } from './errors.js';
import { StorageHealth, watchWrites } from './health.js';
import { openSqlite, SqliteStateStore } from './sqlite-store.js';

/** A real SQLITE_FULL: the database may not grow past its current size (what a full disk does to it). */
function cappedStore() {
  const db = openSqlite(`${tempDir()}/agent.sqlite`);
  const store = new SqliteStateStore(db);
  const cap = (extraPages: number) => db.pragma(`max_page_count = ${(db.pragma('page_count', { simple: true }) as number) + extraPages}`);
  return { db, store, cap };
}

test('a write on a full disk is a StorageExhausted (503), the storage not ready until a write succeeds again', async () => {
  const { db, store, cap } = cappedStore();
  const health = new StorageHealth({ probe: () => store.probeWrite(), where: '/var/lib/agent' });
  const watched = watchWrites(store, health, ['saveAlert', 'appendAudit']);
  assert.equal(await health.check(), { ok: true, detail: 'writable' });
  cap(0);
  const big = memoryAlert({ annotations: { description: 'x'.repeat(200_000) } });
  try {
    await watched.saveAlert(big);
    assert.unreachable('the write went through');
  } catch (error) {
    assert.instance(error, StorageExhausted);
    assert.instance(error, StoreUnavailable, 'the API maps it to 503');
    assert.is((error as StorageExhausted).reason, 'full');
    assert.match((error as Error).message, /database or disk is full; the disk is full: free space in \/var\/lib\/agent/);
  }
  const down = await health.check();
  assert.is(down.ok, false, 'the probe write does not fit either');
  assert.match(down.detail, /not writable since .*disk is full/);
  assert.is((await watched.listIncidents()).items.length, 0, 'reads still work');
  assert.is(health.current?.reason, 'full', 'a read does not clear the mark');
  cap(10_000);
  assert.equal(await health.check(), { ok: true, detail: 'writable again' });
  assert.equal(await watched.saveAlert(big), { duplicate: false });
  db.close();
});

test('a successful write clears the mark; errors that are not about room pass through unchanged', async () => {
  const health = new StorageHealth();
  const target = {
    async write(fail?: Error) {
      if (fail) throw fail;
      return 'ok';
    },
  };
  const watched = watchWrites(target, health, ['write']);
  await watched.write(Object.assign(new Error('disk I/O error'), { code: 'ENOSPC' })).catch((e: unknown) => assert.instance(e, StorageExhausted));
  assert.is((await health.check()).ok, false, 'no probe: only a real write clears it');
  const bug = new TypeError('x is undefined');
  await watched.write(bug).catch((e: unknown) => assert.is(e, bug));
  assert.is(await watched.write(), 'ok');
  assert.is((await health.check()).ok, true);
});

test('what counts as exhausted storage: SQLite, the file system and DynamoDB capacity', () => {
  assert.is(storageFailureOf(Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' })), 'full');
  assert.is(storageFailureOf(Object.assign(new Error('disk I/O error'), { code: 'SQLITE_IOERR_WRITE', message: 'disk I/O error: ENOSPC' })), 'full');
  assert.is(storageFailureOf(Object.assign(new Error('attempt to write a readonly database'), { code: 'SQLITE_READONLY' })), 'read-only');
  assert.is(storageFailureOf(Object.assign(new Error('Rate of requests exceeds the allowed throughput.'), { name: 'ProvisionedThroughputExceededException' })), 'capacity');
  assert.is(storageFailureOf(new StoreUnavailable('x', Object.assign(new Error('collection too big'), { name: 'ItemCollectionSizeLimitExceededException' })).cause), 'capacity');
  assert.is(storageFailureOf(Object.assign(new Error('UNIQUE constraint failed'), { code: 'SQLITE_CONSTRAINT_UNIQUE' })), undefined);
});

test.run();
