/**
 * Where the running local target is, for the kit's other commands (`prometheus-mcp`, `devops-agent
 * investigate`, `run-scenario`) to default to it: read from the state file `local-cluster up` writes,
 * without starting or probing anything. Undefined when no local target was started.
 */
import { existsSync } from 'node:fs';
import { loopbackUrl, resolveStackConfig, stackPaths } from './config.js';
import { loadState } from './state.js';

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

export function localTargetEndpoints(env: NodeJS.ProcessEnv = process.env): LocalTargetEndpoints | undefined {
  try {
    const config = resolveStackConfig({}, env);
    const paths = stackPaths(config.stateDir);
    if (!existsSync(paths.stateFile)) return undefined;
    const state = loadState(paths.stateFile);
    if (!state) return undefined;
    const url = (name: string) => state.components[name]?.url;
    return {
      prometheusUrl: url('prometheus'),
      alertmanagerUrl: url('alertmanager'),
      kubeApiUrl: url('simulation'),
      kubeconfig: existsSync(paths.kubeconfig) ? paths.kubeconfig : undefined,
      xrayUrl: state.components.simulation ? loopbackUrl(state.ports.simulation) : undefined,
      mcpUrl: url('mcp-server'),
      agentUrl: url('agent'),
      stateDir: paths.stateDir,
    };
  } catch {
    return undefined;
  }
}
