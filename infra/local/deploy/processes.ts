/**
 * The processes a stack owns. Each is spawned detached (its own process group, so Ctrl-C in the terminal
 * does not reach it and `down` can signal everything it forked), with its output in a log file.
 *
 * A pid alone proves nothing once the process is gone: the kernel reuses pids. So we record the
 * process's kernel start time and command line, and only ever signal a pid whose start time and command
 * line still match what we recorded.
 */
import { spawn, execFileSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readSync, renameSync, statSync } from 'node:fs';
import { dirname } from 'node:path';

export interface ProcessRecord {
  pid: number;
  /** Kernel start time (clock ticks since boot from /proc/<pid>/stat; `ps -o lstart` elsewhere). */
  startTime: string;
  /** argv as the kernel reports it. */
  cmdline: string[];
  /** Wall-clock time of the start, ISO 8601, for humans. */
  startedAt: string;
  /** File receiving the process's stdout and stderr. */
  log: string;
}

export interface ProcessIdentity {
  startTime: string;
  cmdline: string[];
  /** Kernel state letter; Z (zombie) and X (dead) mean the program has exited. */
  state: string;
}

export function readProcessIdentity(pid: number): ProcessIdentity | null {
  if (!Number.isInteger(pid) || pid <= 0) return null;
  if (process.platform === 'linux') {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      // The command name (field 2) is in parentheses and may itself contain spaces and parentheses.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      if (cmdline.at(-1) === '') cmdline.pop();
      return { state: fields[0]!, startTime: fields[19]!, cmdline };
    } catch {
      return null;
    }
  }
  try {
    // macOS and other Unixes: no /proc; ps gives the start time to the second and the joined argv.
    const out = execFileSync('ps', ['-o', 'stat=,lstart=,command=', '-p', String(pid)], { encoding: 'utf8' }).trim();
    const match = /^(\S+)\s+(\w{3} \w{3}\s+\d+ [\d:]+ \d{4})\s+(.*)$/.exec(out);
    if (!match) return null;
    return { state: match[1]![0]!, startTime: match[2]!, cmdline: match[3]!.split(' ') };
  } catch {
    return null;
  }
}

/**
 * What a recorded pid is now: still our program, gone (exited, a zombie, or exiting: the kernel empties
 * the command line of a dying process before it turns zombie), or another program that got the pid.
 */
export function processFate(record: Pick<ProcessRecord, 'pid' | 'startTime' | 'cmdline'>): 'ours' | 'gone' | 'reused' {
  const now = readProcessIdentity(record.pid);
  if (!now || now.state === 'Z' || now.state === 'X' || now.cmdline.length === 0) return 'gone';
  return now.startTime === record.startTime && now.cmdline.join('\0') === record.cmdline.join('\0') ? 'ours' : 'reused';
}

/** Whether the program we started under this record is still running (not exited, pid not reused). */
export function isOurProcess(record: Pick<ProcessRecord, 'pid' | 'startTime' | 'cmdline'>): boolean {
  return processFate(record) === 'ours';
}

export interface LaunchSpec {
  command: string;
  args: string[];
  log: string;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
}

/** Starts a detached program with its output in `log` (the previous log is kept as `log.1`). */
export async function launchDetached(spec: LaunchSpec): Promise<ProcessRecord> {
  mkdirSync(dirname(spec.log), { recursive: true });
  if (existsSync(spec.log) && statSync(spec.log).size > 0) renameSync(spec.log, `${spec.log}.1`);
  const fd = openSync(spec.log, 'a');
  try {
    const child = spawn(spec.command, spec.args, {
      detached: true,
      stdio: ['ignore', fd, fd],
      cwd: spec.cwd,
      env: spec.env ?? process.env,
    });
    await new Promise<void>((resolveSpawn, reject) => {
      child.once('spawn', resolveSpawn);
      child.once('error', (error) => reject(new Error(`could not start ${spec.command}: ${error.message}`)));
    });
    child.unref();
    const pid = child.pid!;
    // libuv returns from spawn only after exec succeeded, so /proc already shows the new program.
    const identity = readProcessIdentity(pid);
    return {
      pid,
      startTime: identity?.startTime ?? '',
      cmdline: identity?.cmdline ?? [spec.command, ...spec.args],
      startedAt: new Date().toISOString(),
      log: spec.log,
    };
  } finally {
    closeSync(fd);
  }
}

export type StopOutcome = 'stopped' | 'killed' | 'not-running' | 'not-ours';

/**
 * SIGTERM to the process group, then SIGKILL after `graceMs`. Refuses to signal a pid whose identity no
 * longer matches the record (`not-ours`): that pid now belongs to someone else.
 */
export async function stopProcess(record: ProcessRecord, graceMs = 10_000): Promise<StopOutcome> {
  const fate = processFate(record);
  if (fate !== 'ours') return fate === 'gone' ? 'not-running' : 'not-ours';
  signalGroup(record.pid, 'SIGTERM');
  if (await waitUntilGone(record, graceMs)) return 'stopped';
  signalGroup(record.pid, 'SIGKILL');
  await waitUntilGone(record, 5_000);
  return 'killed';
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    // Negative pid: the whole process group; every stack process leads its own group (detached spawn).
    process.kill(-pid, signal);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') {
      try {
        process.kill(pid, signal);
      } catch {
        // already gone
      }
      return;
    }
    throw error;
  }
}

async function waitUntilGone(record: ProcessRecord, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isOurProcess(record)) return true;
    await sleep(50);
  }
  return !isOurProcess(record);
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolveSleep, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolveSleep();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** The last `count` lines of a log file (empty when it does not exist). */
export function lastLines(path: string, count = 20): string[] {
  try {
    const size = statSync(path).size;
    const fd = openSync(path, 'r');
    try {
      const length = Math.min(size, 64 * 1024);
      const buffer = Buffer.alloc(length);
      readSync(fd, buffer, 0, length, size - length);
      const lines = buffer.toString('utf8').split('\n');
      if (lines.at(-1) === '') lines.pop();
      return lines.slice(-count);
    } finally {
      closeSync(fd);
    }
  } catch {
    return [];
  }
}
