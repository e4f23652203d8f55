/**
 * Where the running local target is, so the kit's other commands (`prometheus-mcp`, `devops-agent
 * investigate`) can default to it. `local-cluster up` writes `STATE_DIR/endpoints.json` each time it
 * records a component, `down` writes it again without them; readers never start or probe anything.
 * Writer and readers share this one module, so `XDG_STATE_HOME`, `LOCAL_CLUSTER_STATE_DIR` and
 * `LOCAL_CLUSTER_PORT_OFFSET` move both together.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { kitStateDir } from './state-dir.js';

/** The endpoints of a local target, as `local-cluster status --json` names them. */
export interface LocalTargetEndpoints {
  prometheusUrl?: string;
  alertmanagerUrl?: string;
  kubeApiUrl?: string;
  kubeconfig?: string;
  xrayUrl?: string;
  mcpUrl?: string;
  agentUrl?: string;
  stateDir: string;
}

export const endpointsFileName = 'endpoints.json';

/** The state directory of the local stack with this port offset (each offset is a stack of its own). */
export function defaultLocalTargetDir(env: NodeJS.ProcessEnv, portOffset: number, home = homedir()): string {
  return join(kitStateDir(env, home), portOffset ? `local-cluster-${portOffset}` : 'local-cluster');
}

/** The state directory the environment points at: `LOCAL_CLUSTER_STATE_DIR`, else the default for `LOCAL_CLUSTER_PORT_OFFSET`. */
export function localTargetDir(env: NodeJS.ProcessEnv = process.env, home = homedir()): string {
  if (env.LOCAL_CLUSTER_STATE_DIR) return resolve(env.LOCAL_CLUSTER_STATE_DIR);
  const offset = Number(env.LOCAL_CLUSTER_PORT_OFFSET ?? 0);
  return defaultLocalTargetDir(env, Number.isInteger(offset) && offset > 0 ? offset : 0, home);
}

/** The endpoints of the local target the environment points at; undefined when none was started. */
export function readLocalTarget(env: NodeJS.ProcessEnv = process.env, home = homedir()): LocalTargetEndpoints | undefined {
  const stateDir = localTargetDir(env, home);
  try {
    const endpoints = JSON.parse(readFileSync(join(stateDir, endpointsFileName), 'utf8')) as Omit<LocalTargetEndpoints, 'stateDir'>;
    return typeof endpoints === 'object' && endpoints !== null ? { ...endpoints, stateDir } : undefined;
  } catch {
    return undefined;
  }
}

/** Writes atomically (temp file + rename): a reader never sees half a file. */
export function writeLocalTarget(endpoints: LocalTargetEndpoints): void {
  const { stateDir, ...rest } = endpoints;
  mkdirSync(stateDir, { recursive: true });
  const file = join(stateDir, endpointsFileName);
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, JSON.stringify(rest, null, 2) + '\n', { mode: 0o600 });
  renameSync(temp, file);
}
