/**
 * The local target: the `local-cluster` stack, brought up (or switched to the profile the run needs)
 * through the stack's own `up()`, so a presenter can type `run-scenario memory-leak` on a machine where
 * nothing runs yet. The agent is whatever the stack reports as `agentUrl`, or `--agent-url`; the runner
 * calls it with the stack's approver token (`agentTokenFile`).
 */
import { down, up, status } from '../infra/local/deploy/commands.js';
import { resolveStackConfig, stackSelector, type FlagValues } from '../infra/local/deploy/config.js';
import { lineProgress } from '../infra/local/deploy/progress.js';
import type { Endpoints, Target } from './ports.js';

export interface LocalTargetOptions {
  /** Flags addressing the stack: `port-offset`, `state-dir` (as local-cluster takes them). */
  stackFlags: FlagValues;
  /** The agent's URL when the stack does not run one itself. */
  agentUrl?: string;
  env?: NodeJS.ProcessEnv;
  /** Restart the stack before the run, for a cluster and an agent with no memory of earlier runs. */
  fresh?: string;
}

/** The stack's state directory, which identifies it (for the record of the last run on it). */
export function localStackId(options: LocalTargetOptions): string {
  return resolveStackConfig({ ...options.stackFlags }, options.env ?? process.env).stateDir;
}

export class TargetUnavailable extends Error {
  override name = 'TargetUnavailable';
}

export function localTarget(options: LocalTargetOptions): Target {
  const env = options.env ?? process.env;
  return {
    name: 'local',
    async prepare({ fast, say, signal }): Promise<Endpoints> {
      const wanted = fast ? 'fast' : 'realistic';
      const config = resolveStackConfig({ ...options.stackFlags, profile: wanted }, env);
      let current = await status(config);
      if (options.fresh && current.running) {
        say(`local target: restarting local-cluster for a clean start (${options.fresh})...`);
        await down(config);
        current = await status(config);
      }
      if (current.healthy && current.profile === wanted) {
        say(`local target: local-cluster is up (profile ${wanted})`);
      } else {
        const why = !current.running && current.components.every((c) => c.state === 'stopped') ? 'is not running' : current.profile !== wanted ? `runs profile ${current.profile}` : 'is not healthy';
        say(`local target: local-cluster ${why}; bringing it up with profile ${wanted} (local-cluster up${fast ? ' --fast' : ''}${stackSelector(config)})...`);
        // The stack writes a step's start and its end as parts of one line; the run's log takes whole lines.
        let partial = '';
        const progress = lineProgress((text) => {
          const lines = (partial + text).split('\n');
          partial = lines.pop()!;
          for (const line of lines) say(line);
        });
        const result = await up(config, { progress, signal, env });
        current = result.status;
        if (!current.healthy) {
          const sick = current.components.filter((c) => !c.healthy).map((c) => `${c.name} (${c.detail ?? c.state})`);
          throw new TargetUnavailable(`local-cluster came up unhealthy: ${sick.join(', ')}; see npx local-cluster status${stackSelector(config)}`);
        }
      }
      const agentUrl = options.agentUrl ?? current.agentUrl ?? undefined;
      if (!agentUrl) {
        throw new TargetUnavailable(
          `local-cluster${stackSelector(config)} reports no agentUrl (the agent is not one of its components here); ` +
            `start it (devops-agent serve --port ${config.ports.agent} --kubeconfig ${current.kubeconfig} --prometheus-url ${current.prometheusUrl}${current.mcpUrl ? ` --mcp-url ${current.mcpUrl}` : ''}) ` +
            `and pass --agent-url http://127.0.0.1:${config.ports.agent}`,
        );
      }
      if (!current.kubeconfig || !current.prometheusUrl) throw new TargetUnavailable('local-cluster status has no kubeconfig or Prometheus URL; run local-cluster up');
      return {
        kubeconfig: current.kubeconfig,
        prometheusUrl: current.prometheusUrl,
        agentUrl,
        ...(current.xrayUrl ? { xrayUrl: current.xrayUrl } : {}),
        ...(current.alertmanagerUrl ? { alertmanagerUrl: current.alertmanagerUrl } : {}),
        // The approver's token: the runner approves and reads with it (its name is who approved).
        ...(current.agentTokenFile ? { agentTokenFile: current.agentTokenFile } : {}),
        description: `local-cluster (profile ${wanted}, state ${config.stateDir})`,
        profile: wanted,
      };
    },
  };
}
