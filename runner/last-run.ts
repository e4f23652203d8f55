/**
 * What ran last on a target, so the next run can start clean. The agent looks back over a window
 * (30 min in its playbooks) and still sees the previous scenario's restarts, OOM kills and rollouts;
 * a different scenario right after may be blamed on them. `run-scenario` therefore restarts the local
 * target before a run when a different scenario (or the same one unresolved) ran on it within that
 * window; `--fresh` always restarts, `--reuse` never does.
 */
import { kitStateDir } from '../core/state-dir.js';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export const AGENT_LOOKBACK_MS = 30 * 60_000;

export interface LastRun {
  scenario: string;
  /** The --param values as given (defaults left out). */
  params: Record<string, string>;
  outcome: 'resolved' | 'unresolved';
  endedAt: string;
}

export function lastRunPath(targetId: string, env: NodeJS.ProcessEnv): string {
  return join(kitStateDir(env), 'run-scenario', `last-${createHash('sha1').update(targetId).digest('hex').slice(0, 12)}.json`);
}

export function readLastRun(path: string): LastRun | undefined {
  if (!existsSync(path)) return undefined;
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as LastRun;
  } catch {
    return undefined;
  }
}

export function writeLastRun(path: string, run: LastRun): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, JSON.stringify(run, null, 2) + '\n');
}

/** Why the target should restart before this run, or undefined to reuse it. */
export function restartReason(last: LastRun | undefined, next: { scenario: string; params: Record<string, string> }, now: number): string | undefined {
  if (!last || now - Date.parse(last.endedAt) > AGENT_LOOKBACK_MS) return undefined;
  const minutes = Math.round((now - Date.parse(last.endedAt)) / 60_000);
  if (last.outcome === 'unresolved') return `the last run (${last.scenario}, ${minutes} min ago) ended unresolved`;
  const key = (params: Record<string, string>) => JSON.stringify(Object.entries(params).sort(([a], [b]) => a.localeCompare(b)));
  const same = last.scenario === next.scenario && key(last.params) === key(next.params);
  if (!same) return `${last.scenario} ran ${minutes} min ago, within the agent's 30 min look-back; pass --reuse to keep the stack`;
  return undefined;
}
