import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { acquireLock } from './lock.js';
import { launchDetached, stopProcess } from './processes.js';

const dir = mkdtempSync(join(tmpdir(), 'lock-'));
const lockFile = join(dir, 'lock');
test.after(() => rmSync(dir, { recursive: true, force: true }));

test('a lock held by a live local-cluster command refuses a second one, naming it', async () => {
  const holder = await launchDetached({ command: '/bin/sh', args: ['-c', 'sleep 30'], log: join(dir, 'holder.log') });
  try {
    // The lock as a live `local-cluster up` holds it: the lock directory, and who holds it inside.
    mkdirSync(lockFile);
    writeFileSync(join(lockFile, 'holder.json'), JSON.stringify({ pid: holder.pid, startTime: holder.startTime, cmdline: holder.cmdline, command: 'up' }));
    assert.throws(() => acquireLock(lockFile, 'down'), new RegExp(`another "local-cluster up" \\(pid ${holder.pid}\\) is changing the stack`));
  } finally {
    await stopProcess(holder, 500);
  }
  // Its holder is gone now: the lock is stale and taken over.
  const lock = acquireLock(lockFile, 'down');
  lock.release();
  assert.not.ok(existsSync(lockFile));
});

test.run();
