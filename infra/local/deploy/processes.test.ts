/**
 * Pid identity: `down` must never signal a pid that has been reused by another program. We cannot make
 * the kernel reuse a pid on demand, so the tests alter the recorded identity instead, which is exactly
 * what a reused pid looks like (same number, different start time or command line).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { isOurProcess, lastLines, launchDetached, readProcessIdentity, stopProcess, type ProcessRecord } from './processes.js';

const dir = mkdtempSync(join(tmpdir(), 'processes-'));
const launched: ProcessRecord[] = [];
const launch = async (script: string) => {
  const record = await launchDetached({ command: '/bin/sh', args: ['-c', script], log: join(dir, `p${launched.length}.log`) });
  launched.push(record);
  return record;
};

test.after(async () => {
  for (const record of launched) await stopProcess(record, 500);
  rmSync(dir, { recursive: true, force: true });
});

test('a launched process is recorded with the identity the kernel reports, in its own process group', async () => {
  const record = await launch('echo started; sleep 30');
  const identity = readProcessIdentity(record.pid)!;
  assert.is(identity.startTime, record.startTime);
  assert.equal(record.cmdline, ['/bin/sh', '-c', 'echo started; sleep 30']);
  assert.ok(isOurProcess(record));
  const stat = readFileSync(`/proc/${record.pid}/stat`, 'utf8');
  const pgrp = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
  assert.is(pgrp, record.pid, 'detached: leads its own process group');
});

test('a pid whose start time or command line differs from the record is not ours, and is left alone', async () => {
  const record = await launch('sleep 30');
  const reusedLater = { ...record, startTime: String(Number(record.startTime) - 1) };
  const otherProgram = { ...record, cmdline: ['/usr/bin/something-else'] };
  assert.not.ok(isOurProcess(reusedLater));
  assert.not.ok(isOurProcess(otherProgram));
  assert.is(await stopProcess(reusedLater, 200), 'not-ours');
  assert.is(await stopProcess(otherProgram, 200), 'not-ours');
  assert.ok(isOurProcess(record), 'still running');
});

test('stop: SIGTERM to the whole group; children go too', async () => {
  const record = await launch('sleep 30 & echo child $!; wait');
  await waitFor(() => lastLines(record.log).some((l) => l.startsWith('child ')));
  const child = Number(lastLines(record.log).find((l) => l.startsWith('child '))!.split(' ')[1]);
  assert.ok(readProcessIdentity(child), 'child runs');
  assert.is(await stopProcess(record), 'stopped');
  assert.not.ok(isOurProcess(record));
  await waitFor(() => {
    const state = readProcessIdentity(child)?.state;
    return state === undefined || state === 'Z';
  });
});

test('stop: SIGKILL after the grace period when SIGTERM is ignored; stopping again is a no-op', async () => {
  const record = await launch(`trap '' TERM; echo ready; while :; do sleep 0.05; done`);
  await waitFor(() => lastLines(record.log).includes('ready'));
  assert.is(await stopProcess(record, 300), 'killed');
  assert.not.ok(isOurProcess(record));
  const again = await stopProcess(record, 300);
  assert.is(again, 'not-running', JSON.stringify({ now: readProcessIdentity(record.pid), record }));
});

test('a program that cannot be started is an error that names it', async () => {
  try {
    await launchDetached({ command: join(dir, 'no-such-program'), args: [], log: join(dir, 'missing.log') });
    assert.unreachable('started a missing program');
  } catch (error) {
    assert.match((error as Error).message, /could not start .*no-such-program/);
  }
});

test('lastLines reads the end of a log, and nothing for a missing one', async () => {
  const record = await launch('for i in 1 2 3 4 5; do echo line $i; done');
  await waitFor(() => lastLines(record.log).length === 5);
  assert.equal(lastLines(record.log, 2), ['line 4', 'line 5']);
  assert.equal(lastLines(join(dir, 'absent.log')), []);
});

async function waitFor(condition: () => boolean, timeoutMs = 5_000) {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

test.run();
