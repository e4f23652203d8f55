/**
 * Where the kit keeps state on this machine (XDG base directory rules): one place for the agent's
 * store, the local stacks and run-scenario's markers, so `XDG_STATE_HOME` moves all of them.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';

export function kitStateDir(env: NodeJS.ProcessEnv, home = homedir()): string {
  return join(env.XDG_STATE_HOME ? env.XDG_STATE_HOME : join(home, '.local', 'state'), 'eks-incident-kit');
}
