/**
 * An agent child process for the crash tests: started with node + tsx, its stdout read line by line
 * (`waitFor` a line), killed with SIGKILL like a crash, or stopped with SIGTERM.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

export interface AgentProcess {
  child: ChildProcessWithoutNullStreams;
  lines: string[];
  waitFor(match: RegExp, ms?: number): Promise<string>;
  /** SIGKILL: no chance to save anything. */
  kill(): Promise<void>;
  stop(): Promise<void>;
  stderr(): string;
}

export function startAgentProcess(script: string, args: readonly string[], env: Record<string, string> = {}): AgentProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], { cwd: repoRoot, env: { ...process.env, ...env } });
  const lines: string[] = [];
  const waiters: { match: RegExp; resolve: (line: string) => void }[] = [];
  let buffer = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    buffer += chunk.toString();
    for (let i = buffer.indexOf('\n'); i >= 0; i = buffer.indexOf('\n')) {
      const line = buffer.slice(0, i);
      buffer = buffer.slice(i + 1);
      lines.push(line);
      for (const w of waiters.filter((x) => x.match.test(line))) w.resolve(line);
    }
  });
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = () => new Promise<void>((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', () => resolve())));
  return {
    child,
    lines,
    waitFor: (match, ms = 30_000) =>
      new Promise<string>((resolve, reject) => {
        const found = lines.find((l) => match.test(l));
        if (found) return resolve(found);
        const timer = setTimeout(() => reject(new Error(`no line matching ${match} within ${ms} ms; stdout: ${lines.slice(-20).join(' | ')}; stderr: ${stderr.slice(-2000)}`)), ms);
        waiters.push({ match, resolve: (line) => (clearTimeout(timer), resolve(line)) });
      }),
    async kill() {
      child.kill('SIGKILL');
      await exited();
    },
    async stop() {
      child.kill('SIGTERM');
      await exited();
    },
    stderr: () => stderr,
  };
}
