/**
 * `STATE/state.json`: what `up` started (pids with their identity), with which profile and ports, and
 * the Kubernetes API token. `down` and `status` work from this file alone, so it is written after every
 * start, before waiting for readiness: an interrupted `up` still leaves a record of what to stop.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { writeLocalTarget } from '../../../core/local-target.js';
import type { ProfileName } from '../profiles.js';
import type { StackPorts } from './config.js';
import type { ProcessRecord } from './processes.js';

export interface ComponentRecord extends ProcessRecord {
  url: string;
  /** What the component reported when it became ready (e.g. the simulation's history range). */
  info?: Record<string, unknown>;
}

export interface StackState {
  version: 1;
  profile: ProfileName;
  ports: StackPorts;
  /** Bearer token of the simulated Kubernetes API; kept across restarts so kubeconfigs stay valid. */
  kubeToken: string;
  /** When the running stack was brought up from nothing. */
  startedAt?: string;
  components: Record<string, ComponentRecord>;
}

export function newKubeToken(): string {
  return randomBytes(24).toString('base64url');
}

export function loadState(stateFile: string): StackState | undefined {
  let text: string;
  try {
    text = readFileSync(stateFile, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  try {
    const state = JSON.parse(text) as StackState;
    if (state.version !== 1 || typeof state.components !== 'object') throw new Error('unexpected layout');
    return state;
  } catch (error) {
    throw new Error(
      `${stateFile} is not a state file this version understands (${(error as Error).message}). ` +
        `Stop leftover processes by hand if any (see ${dirname(stateFile)}/logs), then delete the file.`,
    );
  }
}

/**
 * Writes atomically (temp file + rename) so a crash never leaves half a state file, and publishes the
 * endpoints of what runs for the kit's other commands (core/local-target.ts).
 */
export function saveState(stateFile: string, state: StackState): void {
  mkdirSync(dirname(stateFile), { recursive: true });
  const temp = `${stateFile}.${process.pid}.tmp`;
  writeFileSync(temp, JSON.stringify(state, null, 2) + '\n', { mode: 0o600 });
  renameSync(temp, stateFile);
  const stateDir = dirname(stateFile);
  const url = (name: string) => state.components[name]?.url;
  const kubeconfig = join(stateDir, 'kubeconfig');
  writeLocalTarget({
    stateDir,
    prometheusUrl: url('prometheus'),
    alertmanagerUrl: url('alertmanager'),
    kubeApiUrl: url('simulation'),
    kubeconfig: existsSync(kubeconfig) || state.components.simulation ? kubeconfig : undefined,
    xrayUrl: state.components.simulation ? `http://127.0.0.1:${state.ports.simulation}` : undefined,
    mcpUrl: url('mcp-server'),
    agentUrl: url('agent'),
  });
}
