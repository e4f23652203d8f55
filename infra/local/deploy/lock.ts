/**
 * One `up` or `down` at a time per state directory: two of them interleaving would start duplicate
 * processes or stop what the other just started. The lock file holds the holder's pid and identity, so a
 * lock left by a killed command is recognised as stale and taken over.
 */
import { mkdirSync, openSync, readFileSync, rmSync, writeSync, closeSync } from 'node:fs';
import { dirname } from 'node:path';
import { isOurProcess, readProcessIdentity } from './processes.js';

export interface StackLock {
  release(): void;
}

export function acquireLock(lockFile: string, command: string): StackLock {
  mkdirSync(dirname(lockFile), { recursive: true });
  const self = readProcessIdentity(process.pid);
  const content = JSON.stringify({ pid: process.pid, startTime: self?.startTime ?? '', cmdline: self?.cmdline ?? [], command });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lockFile, 'wx', 0o600);
      writeSync(fd, content);
      closeSync(fd);
      return { release: () => rmSync(lockFile, { force: true }) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = readHolder(lockFile);
      if (holder && holder.pid !== process.pid && isOurProcess(holder)) {
        throw new Error(
          `another "local-cluster ${holder.command}" (pid ${holder.pid}) is changing the stack in ${dirname(lockFile)}; ` +
            `wait for it to finish, or stop it with Ctrl-C`,
        );
      }
      rmSync(lockFile, { force: true }); // stale: its holder is gone
    }
  }
  throw new Error(`could not take the lock ${lockFile}; delete it if no local-cluster command is running`);
}

interface LockHolder {
  pid: number;
  startTime: string;
  cmdline: string[];
  command: string;
}

function readHolder(lockFile: string): LockHolder | undefined {
  try {
    return JSON.parse(readFileSync(lockFile, 'utf8')) as LockHolder;
  } catch {
    return undefined;
  }
}
