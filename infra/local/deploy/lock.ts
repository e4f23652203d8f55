/**
 * One `up` or `down` at a time per state directory: two of them interleaving would start duplicate
 * processes or stop what the other just started. The lock is proper-lockfile's (an atomic mkdir whose
 * mtime the holder keeps fresh); inside it the holder writes who it is (pid, start time, command line),
 * so a second command can name the holder, and a lock whose holder is provably gone (killed, crashed)
 * is taken over at once instead of after the staleness timeout.
 */
import { mkdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { lockSync } from 'proper-lockfile';
import { isOurProcess, readProcessIdentity } from './processes.js';

export interface StackLock {
  release(): void;
}

/** A holder that stops refreshing its lock (frozen, or killed with its identity unreadable) loses it after this. */
const STALE_MS = 30_000;

export function acquireLock(lockFile: string, command: string): StackLock {
  const stateDir = dirname(lockFile);
  mkdirSync(stateDir, { recursive: true });
  const self = readProcessIdentity(process.pid);
  const holder: LockHolder = { pid: process.pid, startTime: self?.startTime ?? '', cmdline: self?.cmdline ?? [], command };
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const release = lockSync(stateDir, { lockfilePath: lockFile, realpath: false, stale: STALE_MS, onCompromised: () => undefined });
      const { atime, mtime } = statSync(lockFile);
      writeFileSync(holderFile(lockFile), JSON.stringify(holder), { mode: 0o600 });
      // A file written inside the lock directory moves its mtime, which proper-lockfile reads as another
      // holder (the lock turns "compromised" and its directory outlives `release`, blocking the next
      // command for 30 s): put the mtime back.
      utimesSync(lockFile, atime, mtime);
      return {
        release: () => {
          try {
            rmSync(holderFile(lockFile), { force: true });
            release();
          } catch {
            // Already released, or taken over after going stale: nothing of ours is left to remove.
          }
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ELOCKED') throw error;
      const current = readHolder(lockFile);
      if (current && current.pid !== process.pid && isOurProcess(current)) {
        throw new Error(
          `another "local-cluster ${current.command}" (pid ${current.pid}) is changing the stack in ${stateDir}; ` +
            `wait for it to finish, or stop it with Ctrl-C`,
        );
      }
      if (!current) throw new Error(`another local-cluster command is changing the stack in ${stateDir}; wait for it to finish (or delete ${lockFile} if none runs)`);
      rmSync(lockFile, { recursive: true, force: true }); // stale: its holder is gone
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

function holderFile(lockFile: string): string {
  return join(lockFile, 'holder.json');
}

function readHolder(lockFile: string): LockHolder | undefined {
  try {
    return JSON.parse(readFileSync(holderFile(lockFile), 'utf8')) as LockHolder;
  } catch {
    return undefined;
  }
}
