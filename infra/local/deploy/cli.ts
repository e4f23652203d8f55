/**
 * The `local-cluster` command line (`localClusterCli`, on lib/platform/cli.ts with the option table of
 * `config.ts`): calls the commands and prints their results. Exit codes: 0 success, 1 failure (or, for
 * `status`, something crashed or unhealthy), 2 bad usage, 3 `status` of a stack that is not running,
 * 130 interrupted.
 */
import { defineCli, runCommandLine } from '../../../lib/platform/cli.js';
import { agentWebhookUrl, resolveStackConfig, shellQuote, stackOptions, stackPaths, stackSelector, type StackConfig, type Subcommand } from './config.js';
import { ComponentFailure, down, Interrupted, status, up, type UpResult } from './commands.js';
import { lineProgress } from './progress.js';
import { renderStatusTable, statusExitCode, type StackStatus } from './status.js';

export interface Terminal {
  stdout(text: string): void;
  stderr(text: string): void;
  env?: NodeJS.ProcessEnv;
  /**
   * Ctrl-C and SIGTERM from now on abort the signal returned (the bin connects them; a second one leaves
   * at once). `up` asks for it, so an interrupted start stops what it started.
   */
  watchInterrupts?(): AbortSignal;
}

const subcommand = (name: Subcommand, summary: string) => ({
  name,
  summary,
  description: `${summary[0]!.toUpperCase()}${summary.slice(1)}.`,
  usage: '[flags]',
  options: stackOptions.filter((o) => o.commands.includes(name)),
  epilog: 'A flag beats its environment variable, which beats the default.',
});

export const localClusterCli = defineCli({
  name: 'local-cluster',
  summary: 'the local target: a simulated pet-adoption EKS cluster with a real Prometheus and Alertmanager',
  description: 'The local target: a simulated pet-adoption EKS cluster with a real Prometheus and Alertmanager.',
  usage: '<command> [flags]',
  words: { option: 'flag', usage: 'usage:' },
  options: [],
  commands: [
    subcommand('up', 'start the simulated cluster, Prometheus and Alertmanager (idempotent), wait until ready, print the endpoints'),
    subcommand('down', 'stop exactly the processes up started (verified by pid, start time and command line)'),
    subcommand('status', 'show what runs, with health; exit 0 healthy, 1 crashed/unhealthy, 3 not running'),
  ],
  epilog: 'Run local-cluster <command> --help for its flags.',
});

/** Runs one command line; returns the exit code. */
export async function runLocalCluster(argv: string[], terminal: Terminal): Promise<number> {
  const env = terminal.env ?? process.env;
  // runCommandLine answers a command line without a command with the help.
  return runCommandLine(localClusterCli, argv, terminal, ({ command, flags }) => run(command!, flags.json === true, resolveStackConfig(flags, env), terminal, env));
}

async function run(command: Subcommand, json: boolean, config: StackConfig, terminal: Terminal, env: NodeJS.ProcessEnv): Promise<number> {
  const human = json ? terminal.stderr : terminal.stdout;
  const progress = lineProgress(human);
  try {
    if (command === 'status') {
      const result = await status(config);
      terminal.stdout(json ? JSON.stringify(result, null, 2) + '\n' : renderStatusTable(result));
      return statusExitCode(result);
    }
    if (command === 'down') {
      const result = await down(config, { progress });
      if (json) terminal.stdout(JSON.stringify(result, null, 2) + '\n');
      else human(result.stopped.length ? `Stopped the stack in ${result.stateDir}.\n` : `Nothing to stop: no stack runs from ${result.stateDir}.\n`);
      return result.stopped.some((s) => s.outcome === 'killed') ? 1 : 0;
    }
    human(`local-cluster up: profile ${config.profile.name}, state ${config.stateDir}\n`);
    const signal = terminal.watchInterrupts?.() ?? new AbortController().signal;
    const result = await up(config, { progress, signal, env });
    if (json) terminal.stdout(JSON.stringify(result.status, null, 2) + '\n');
    else human(upSummary(result, config));
    return result.status.healthy ? 0 : 1;
  } catch (error) {
    terminal.stderr(describeFailure(command, error));
    if (error instanceof Interrupted) return 130;
    return 1;
  }
}

function describeFailure(command: Subcommand, error: unknown): string {
  if (error instanceof ComponentFailure) {
    const tail = error.logTail.length ? `\n  last lines of ${error.log}:\n${error.logTail.map((l) => `  | ${l}`).join('\n')}` : `\n  (its log ${error.log} is empty)`;
    return `local-cluster ${command} failed: ${error.message}${tail}\n  hint: ${error.hint}\n`;
  }
  return `local-cluster ${command} failed: ${(error as Error).message ?? error}\n`;
}

export function upSummary(result: UpResult, config: StackConfig): string {
  const s: StackStatus = result.status;
  const selector = stackSelector(config);
  const kubeconfig = s.kubeconfig ? shellQuote(s.kubeconfig) : '(not written)';
  const head = result.started.length
    ? `local-cluster is up (profile ${s.profile}) in ${result.seconds.toFixed(1)} s`
    : `local-cluster was already running (profile ${s.profile}); nothing to start`;
  return [
    head,
    `  Kubernetes API  ${s.kubeApiUrl}`,
    `  X-Ray API       ${s.xrayUrl}   (exporters and Prometheus service discovery there too)`,
    `  Prometheus      ${s.prometheusUrl}`,
    `  Alertmanager    ${s.alertmanagerUrl}   (alerts go to ${agentWebhookUrl(config.ports)}; log in as prometheus, password in ${shellQuote(stackPaths(config.stateDir).alertmanagerPassword)})`,
    ...(s.mcpUrl ? [`  MCP server      ${s.mcpUrl}`] : []),
    ...(s.agentUrl ? [`  DevOps agent    ${s.agentUrl}`] : []),
    ...(s.consoleUrl ? [`  Web console     ${s.consoleUrl}   (approve there; log in with the agent token below)`] : []),
    `  kubeconfig      ${kubeconfig}`,
    ...(s.agentTokenFile ? [`  agent token     ${shellQuote(s.agentTokenFile)}   (the approver's; 0600)`] : []),
    '',
    'Look around:',
    `  kubectl --kubeconfig ${kubeconfig} get pods -n petadoptions`,
    `  kubectl --kubeconfig ${kubeconfig} top pods -n petadoptions`,
    `  ${s.prometheusUrl}/alerts   (Prometheus UI: graphs, targets, alerts)`,
    ...(s.agentUrl && s.agentTokenFile ? [`  curl -s ${s.agentUrl}/incidents -H "Authorization: Bearer $(cat ${shellQuote(s.agentTokenFile)})"`] : []),
    `  npx local-cluster status${selector}`,
    'Stop everything:',
    `  npx local-cluster down${selector}`,
    '',
  ].join('\n');
}
