/**
 * The `local-cluster` command line: parses arguments against the option table of `config.ts`, calls the
 * commands and prints their results. Exit codes: 0 success, 1 failure (or, for `status`, something
 * crashed or unhealthy), 2 bad usage, 3 `status` of a stack that is not running, 130 interrupted.
 */
import { agentWebhookUrl, resolveStackConfig, shellQuote, stackOptions, stackSelector, UsageError, type FlagValues, type StackConfig, type StackOption, type Subcommand } from './config.js';
import { ComponentFailure, down, Interrupted, status, up, type UpResult } from './commands.js';
import { lineProgress } from './progress.js';
import { renderStatusTable, statusExitCode, type StackStatus } from './status.js';

export interface Terminal {
  stdout(text: string): void;
  stderr(text: string): void;
}

const subcommands: Record<Subcommand, string> = {
  up: 'start the simulated cluster, Prometheus and Alertmanager (idempotent), wait until ready, print the endpoints',
  down: 'stop exactly the processes up started (verified by pid, start time and command line)',
  status: 'show what runs, with health; exit 0 healthy, 1 crashed/unhealthy, 3 not running',
};

export interface ParsedCommandLine {
  command: Subcommand | undefined;
  flags: FlagValues;
  help: boolean;
}

export function parseCommandLine(argv: string[]): ParsedCommandLine {
  const flags: FlagValues = {};
  const given: StackOption[] = [];
  let command: Subcommand | undefined;
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--help' || arg === '-h') {
      help = true;
      continue;
    }
    if (!arg.startsWith('-')) {
      if (command) throw new UsageError(`unexpected argument "${arg}"; see local-cluster ${command} --help`);
      if (!Object.hasOwn(subcommands, arg)) throw new UsageError(`unknown command "${arg}" (expected up, down or status); see local-cluster --help`);
      command = arg as Subcommand;
      continue;
    }
    const [name, inlineValue] = arg.replace(/^--?/, '').split(/=(.*)/s, 2) as [string, string | undefined];
    const option = stackOptions.find((o) => o.flag === `--${name}`);
    if (!option) throw new UsageError(`unknown flag --${name}; see local-cluster ${command ? `${command} ` : ''}--help`);
    given.push(option);
    if (option.value) {
      const value = inlineValue ?? argv[++i];
      if (value === undefined || (inlineValue === undefined && value.startsWith('--'))) throw new UsageError(`${option.flag} needs a value (${option.value})`);
      flags[name] = value;
    } else {
      if (inlineValue !== undefined) throw new UsageError(`${option.flag} takes no value`);
      flags[name] = true;
    }
  }
  const misplaced = command && given.find((o) => !o.commands.includes(command));
  if (misplaced) throw new UsageError(`${misplaced.flag} is not a flag of ${command} (only of ${misplaced.commands.join(', ')}); see local-cluster ${command} --help`);
  return { command, flags, help };
}

export function helpText(command?: Subcommand): string {
  if (!command) {
    return [
      'usage: local-cluster <command> [flags]',
      '',
      'The local target: a simulated pet-adoption EKS cluster with a real Prometheus and Alertmanager.',
      '',
      'commands:',
      ...Object.entries(subcommands).map(([name, text]) => `  ${name.padEnd(8)} ${text}`),
      '',
      'Run local-cluster <command> --help for its flags.',
      '',
    ].join('\n');
  }
  const options = stackOptions.filter((o) => o.commands.includes(command));
  const left = (o: (typeof options)[number]) => `${o.flag}${o.value ? ` ${o.value}` : ''}`;
  const width = Math.max(...options.map((o) => left(o).length));
  return [
    `usage: local-cluster ${command} [flags]`,
    '',
    `${subcommands[command][0]!.toUpperCase()}${subcommands[command].slice(1)}.`,
    '',
    'flags (a flag beats its environment variable, which beats the default):',
    ...options.map((o) => `  ${left(o).padEnd(width)}  ${o.describe}${o.env ? ` [env ${o.env}]` : ''}`),
    '',
  ].join('\n');
}

/** Runs one command line; returns the exit code. */
export async function runLocalCluster(argv: string[], terminal: Terminal, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  let parsed: ParsedCommandLine;
  let config: StackConfig;
  try {
    parsed = parseCommandLine(argv);
    if (parsed.help || !parsed.command) {
      (parsed.help ? terminal.stdout : terminal.stderr)(helpText(parsed.command));
      return parsed.help ? 0 : 2;
    }
    config = resolveStackConfig(parsed.flags, env);
  } catch (error) {
    if (error instanceof UsageError) {
      terminal.stderr(`local-cluster: ${error.message}\n`);
      return 2;
    }
    throw error;
  }

  const json = parsed.flags.json === true;
  const human = json ? terminal.stderr : terminal.stdout;
  const progress = lineProgress(human);
  const command = parsed.command;
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
    const result = await withInterruptHandling((signal) => up(config, { progress, signal, env }));
    if (json) terminal.stdout(JSON.stringify(result.status, null, 2) + '\n');
    else human(upSummary(result, config));
    return result.status.healthy ? 0 : 1;
  } catch (error) {
    terminal.stderr(describeFailure(command, error));
    if (error instanceof Interrupted) return 130;
    return 1;
  }
}

/** Ctrl-C (or SIGTERM) aborts `up`, which then stops what it started; a second one leaves at once. */
async function withInterruptHandling<T>(run: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const onSignal = () => {
    if (controller.signal.aborted) {
      process.stderr.write('\nInterrupted twice; leaving now. Run local-cluster down to stop what was started.\n');
      process.exit(130);
    }
    controller.abort(new Interrupted('interrupted'));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    return await run(controller.signal);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
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
    `  Alertmanager    ${s.alertmanagerUrl}   (alerts go to ${agentWebhookUrl(config.ports)})`,
    ...(s.mcpUrl ? [`  MCP server      ${s.mcpUrl}`] : []),
    ...(s.agentUrl ? [`  DevOps agent    ${s.agentUrl}`] : []),
    `  kubeconfig      ${kubeconfig}`,
    '',
    'Look around:',
    `  kubectl --kubeconfig ${kubeconfig} get pods -n petadoptions`,
    `  kubectl --kubeconfig ${kubeconfig} top pods -n petadoptions`,
    `  ${s.prometheusUrl}/alerts   (Prometheus UI: graphs, targets, alerts)`,
    `  npx local-cluster status${selector}`,
    'Stop everything:',
    `  npx local-cluster down${selector}`,
    '',
  ].join('\n');
}
