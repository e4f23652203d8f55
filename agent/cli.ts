/**
 * `devops-agent serve | investigate --event FILE [--json]`: argument parsing and the two commands.
 * bin/devops-agent.ts only connects this to the process. Bad input exits 2 with one line on stderr.
 */
import { readFileSync } from 'node:fs';
import { readLocalTarget } from '../core/local-target.js';
import { createLogger } from '../core/log.js';
import type { Incident } from '../core/types.js';
import { createAgent, type Agent, type AgentDeps } from './app.js';
import { agentOptions, helpText, resolveAgentConfig, UsageError, type Command, type FlagValues } from './config.js';
import { PayloadRejected } from './intake/errors.js';
import { parseAnyEvent } from './intake/events.js';
import { describeTarget } from './intake/target.js';
import { PlaybookValidationError } from './workflow/loader.js';

export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  env?: NodeJS.ProcessEnv;
  /** Resolves when the process is asked to stop (SIGTERM/SIGINT); serve then shuts down gracefully. */
  stopSignal?: Promise<string>;
  deps?: AgentDeps;
  /** Called once serve is listening (tests). */
  onServing?(agent: Agent): void;
}

const booleanFlags = new Set(agentOptions.filter((o) => !o.value).map((o) => o.flag.slice(2)));
const valueFlags = new Set(agentOptions.filter((o) => o.value).map((o) => o.flag.slice(2)));

export function parseArgs(argv: readonly string[]): { command?: Command; flags: FlagValues; help: boolean } {
  const flags: FlagValues = {};
  let command: Command | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '-h' || arg === '--help') {
      flags.help = true;
      continue;
    }
    if (arg.startsWith('--')) {
      const [name, inline] = arg.slice(2).split(/=(.*)/s, 2) as [string, string | undefined];
      if (booleanFlags.has(name)) {
        if (inline !== undefined) throw new UsageError(`--${name} takes no value`);
        flags[name] = true;
      } else if (valueFlags.has(name)) {
        const value = inline ?? argv[++i];
        if (value === undefined || (inline === undefined && value.startsWith('--'))) throw new UsageError(`--${name} needs a value`);
        flags[name] = value;
      } else throw new UsageError(`unknown option ${arg} (see devops-agent --help)`);
      continue;
    }
    if (command) throw new UsageError(`unexpected argument "${arg}" (see devops-agent --help)`);
    if (arg !== 'serve' && arg !== 'investigate') throw new UsageError(`unknown command "${arg}": use serve or investigate`);
    command = arg;
  }
  if (command) {
    for (const name of Object.keys(flags)) {
      const option = agentOptions.find((o) => o.flag === `--${name}`);
      if (option && !option.commands.includes(command)) throw new UsageError(`--${name} is not an option of ${command}`);
    }
  }
  return { ...(command ? { command } : {}), flags, help: flags.help === true };
}

/** Runs the CLI; resolves to the exit code. */
export async function runDevopsAgent(argv: readonly string[], io: CliIo): Promise<number> {
  try {
    const { command, flags, help } = parseArgs(argv);
    if (help || !command) {
      io.stdout(helpText(command) + '\n');
      return help ? 0 : 2;
    }
    return command === 'serve' ? await serve(flags, io) : await investigate(flags, io);
  } catch (error) {
    if (error instanceof UsageError || error instanceof PayloadRejected) {
      io.stderr(`devops-agent: ${error.message}\n`);
      return 2;
    }
    if (error instanceof PlaybookValidationError) {
      io.stderr(`devops-agent: ${error.message}\n`);
      return 2;
    }
    io.stderr(`devops-agent: ${(error as Error).message}\n`);
    return 1;
  }
}

async function serve(flags: FlagValues, io: CliIo): Promise<number> {
  const config = resolveAgentConfig('serve', flags, io.env ?? process.env);
  const agent = await createAgent(config, io.deps ?? {});
  await agent.start();
  io.stderr(`devops-agent listening on ${agent.url} (store ${config.store}, queue ${config.queue}, ${config.concurrency} workers)\n`);
  io.onServing?.(agent);
  const signal = await (io.stopSignal ?? new Promise<string>(() => undefined));
  io.stderr(`devops-agent: ${signal}: stopping (finishing or checkpointing in-flight steps)\n`);
  await agent.stop({ graceMs: 10_000 });
  return 0;
}

async function investigate(flags: FlagValues, io: CliIo): Promise<number> {
  const file = flags.event;
  if (typeof file !== 'string') throw new UsageError('investigate needs --event FILE (an Alertmanager webhook, CloudWatch alarm event, anomaly alert or alert JSON)');
  let payload: unknown;
  try {
    payload = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new UsageError(`cannot read ${file}: ${(error as Error).message.split('\n')[0]}`);
  }
  // Refuse a payload that is no event before connecting to anything.
  parseAnyEvent(payload, new Date().toISOString());
  const env = io.env ?? process.env;
  // A one-shot run keeps stdout for the result: logs stay quiet unless asked, notifications go to stderr with --json.
  const config = resolveAgentConfig('investigate', { ...localTargetDefaults(flags, env), ...flags, ...(flags['log-level'] || env.LOG_LEVEL ? {} : { 'log-level': 'warn' }) }, env);
  const json = flags.json === true;
  const log = createLogger('devops-agent', { level: config.logLevel });
  const agent = await createAgent(config, { log, notifierOut: json ? { write: (t: string) => io.stderr(t) } : { write: (t: string) => io.stdout(t) }, ...io.deps });
  try {
    const { incidents, results } = await agent.investigate(payload);
    if (incidents.length === 0) {
      io.stderr(`devops-agent: the event opened no incident (${results.map((r) => `${r.alertId}: ${r.outcome}`).join(', ') || 'no alerts'})\n`);
      return 0;
    }
    const withWorkflow = await Promise.all(incidents.map(async (incident) => ({ ...incident, workflow: (await agent.store.loadWorkflowState(incident.id)) ?? null })));
    if (json) io.stdout(JSON.stringify(withWorkflow.length === 1 ? withWorkflow[0] : withWorkflow, null, 2) + '\n');
    else for (const incident of incidents) io.stdout(describeIncident(incident));
    return 0;
  } finally {
    await agent.stop({ graceMs: 0 });
  }
}

/**
 * With no evidence source given, a one-shot investigation looks at the running local target (as
 * `prometheus-mcp` does): its kubeconfig, MCP server, Prometheus and X-Ray API.
 */
function localTargetDefaults(flags: FlagValues, env: NodeJS.ProcessEnv): FlagValues {
  const given = ['kubeconfig', 'mcp-url', 'prometheus-url', 'xray-endpoint'].some((name) => flags[name] !== undefined);
  const fromEnv = ['KUBECONFIG', 'DEVOPS_AGENT_MCP_URL', 'PROMETHEUS_URL', 'DEVOPS_AGENT_XRAY_ENDPOINT'].some((name) => env[name]);
  if (given || fromEnv) return {};
  const local = readLocalTarget(env);
  if (!local) return {};
  const defaults: FlagValues = {};
  if (local.kubeconfig) defaults.kubeconfig = local.kubeconfig;
  if (local.mcpUrl) defaults['mcp-url'] = local.mcpUrl;
  if (local.prometheusUrl) defaults['prometheus-url'] = local.prometheusUrl;
  if (local.xrayUrl) defaults['xray-endpoint'] = local.xrayUrl;
  return defaults;
}

function describeIncident(incident: Incident): string {
  const lines = [
    '',
    `incident ${incident.id}: ${incident.title}`,
    `  status:     ${incident.status}   severity: ${incident.severity}   playbook: ${incident.playbook ?? '-'}`,
    `  target:     ${describeTarget(incident.target)}`,
  ];
  const rc = incident.rootCause;
  lines.push(rc ? `  root cause: ${rc.kind} of ${rc.target.kind} ${rc.target.namespace ? `${rc.target.namespace}/` : ''}${rc.target.name} (${Math.round(rc.confidence * 100)}%): ${rc.summary}` : '  root cause: not found');
  lines.push(`  findings:   ${incident.findings.length}   hypotheses: ${incident.hypotheses.length}   gaps: ${incident.gaps.map((g) => g.source).join(', ') || 'none'}`);
  for (const action of incident.actions) lines.push(`  action:     ${action.id} ${action.kind} of ${describeTarget(action.target)}: ${action.status}`);
  if (incident.actions.some((a) => a.status === 'proposed')) lines.push('  (waiting for approval: this one-shot run stops here; use `devops-agent serve` to approve over HTTP, or --auto-approve)');
  return lines.join('\n') + '\n';
}
