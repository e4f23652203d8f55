/**
 * `devops-agent serve | investigate --event FILE [--json] | audit verify`: the commands. The command line is
 * `devopsAgentCli` (agent/config.ts, on lib/platform/cli.ts); bin/devops-agent.ts only connects this to
 * the process. Bad input exits 2 with one line on stderr. `--help` loads none of the agent: the app
 * and its AWS, Kubernetes and MCP clients are imported when a command runs.
 */
import { readFileSync } from 'node:fs';
import { readLocalTarget } from '../core/local-target.js';
import { createLogger } from '../core/log.js';
import type { Incident } from '../core/types.js';
import { runCommandLine, UsageError } from '../lib/platform/cli.js';
import type { Agent, AgentDeps } from './app.js';
import { devopsAgentCli, loadAgentSecrets, resolveAgentConfig, type FlagValues, type SecretReader } from './config.js';
import { PayloadRejected } from './intake/errors.js';
import { describeTarget } from './intake/target.js';

export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  env?: NodeJS.ProcessEnv;
  /** Resolves when the process is asked to stop (SIGTERM/SIGINT); serve then shuts down gracefully. */
  stopSignal?: Promise<string>;
  deps?: AgentDeps;
  /** Reads a Secrets Manager secret (tests); lib/aws/secrets.ts otherwise. */
  readSecret?: SecretReader;
  /** Called once serve is listening (tests). */
  onServing?(agent: Agent): void;
}

/** Runs the CLI; resolves to the exit code. */
export async function runDevopsAgent(argv: readonly string[], io: CliIo): Promise<number> {
  return runCommandLine(devopsAgentCli, argv, io, async ({ command, flags, operands }) => {
    try {
      if (command === 'audit') return await audit(operands ?? [], flags, io);
      return command === 'serve' ? await serve(flags, io) : await investigate(flags, io);
    } catch (error) {
      io.stderr(`devops-agent: ${(error as Error).message}\n`);
      return (await isBadInput(error)) ? 2 : 1;
    }
  });
}

/** Bad input (exit 2): the command line, the event, a playbook; anything else failed (exit 1). */
async function isBadInput(error: unknown): Promise<boolean> {
  if (error instanceof UsageError || error instanceof PayloadRejected) return true;
  const { StateDirectoryError } = await import('./store/errors.js');
  if (error instanceof StateDirectoryError) return true;
  const { PlaybookValidationError } = await import('./workflow/loader.js');
  return error instanceof PlaybookValidationError;
}

async function serve(flags: FlagValues, io: CliIo): Promise<number> {
  const config = await loadAgentSecrets(resolveAgentConfig('serve', flags, io.env ?? process.env), io.readSecret);
  const { createAgent } = await import('./app.js');
  const agent = await createAgent(config, io.deps ?? {});
  await agent.start();
  io.stderr(`devops-agent listening on ${agent.url} (store ${config.store}, queue ${config.queue}, ${config.concurrency} workers)\n`);
  io.onServing?.(agent);
  const signal = await (io.stopSignal ?? new Promise<string>(() => undefined));
  io.stderr(`devops-agent: ${signal}: stopping (finishing or checkpointing in-flight steps)\n`);
  await agent.stop({ graceMs: 10_000 });
  return 0;
}

/**
 * `audit verify`: recomputes the audit log's hash chain where the agent keeps it (the SQLite file, opened
 * read-only, or the DynamoDB table). Exit 0 with the entry count; 1 naming the first broken entry.
 */
async function audit(operands: readonly string[], flags: FlagValues, io: CliIo): Promise<number> {
  if (operands[0] !== 'verify') throw new UsageError(`audit takes one subcommand, verify (got ${operands[0] ? `"${operands[0]}"` : 'none'}); see devops-agent audit --help`);
  const config = resolveAgentConfig('audit', flags, io.env ?? process.env);
  const { verifyStoredAudit } = await import('./store/verify-audit.js');
  const { where, result } = await verifyStoredAudit(config);
  if (flags.json === true) io.stdout(JSON.stringify({ where, ...result }, null, 2) + '\n');
  else if (result.ok) {
    const legacy = result.legacy ? ` and ${result.legacy} older unchained entr${result.legacy === 1 ? 'y' : 'ies'} before the chain started` : '';
    io.stdout(`audit log intact: ${result.entries} entries (${result.chained} on the hash chain${legacy}) in ${where}${result.head ? `; head ${result.head}` : ''}\n`);
  } else {
    const b = result.broken!;
    io.stdout(`audit log broken at entry ${b.seq}${b.action ? ` (${b.action}${b.at ? ` at ${b.at}` : ''})` : ''} in ${where}: ${b.reason}\n`);
  }
  return result.ok ? 0 : 1;
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
  const { parseAnyEvent } = await import('./intake/events.js');
  parseAnyEvent(payload, new Date().toISOString());
  const env = io.env ?? process.env;
  // A one-shot run keeps stdout for the result: logs stay quiet unless asked, notifications go to stderr with --json.
  const config = await loadAgentSecrets(resolveAgentConfig('investigate', { ...localTargetDefaults(flags, env), ...flags, ...(flags['log-level'] || env.LOG_LEVEL ? {} : { 'log-level': 'warn' }) }, env), io.readSecret);
  const json = flags.json === true;
  const log = createLogger('devops-agent', { level: config.logLevel });
  const { createAgent } = await import('./app.js');
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
