/**
 * The `run-scenario` command line (DESIGN.md contract): parsing, help, and the wiring of a run to its
 * adapters and reports. bin/run-scenario.ts only connects it to the process (streams, signals, stdin).
 *
 *   run-scenario <name> [--target local|eks] [--fast] [--auto-approve] [--param k=v ...] [--out DIR] [--json]
 *   run-scenario <name> --manual            a presenter investigates; key presses mark the phases
 *   run-scenario --list                     the scenarios
 *   run-scenario report                     MTTR comparison dashboard from the run history
 *   run-scenario export <name>              rendered manifests, FIS template, alarm and runbook
 *
 * Exit codes: 0 resolved (or command done), 1 unresolved or failed, 2 bad usage, 130 interrupted.
 */
import { systemClock } from '../core/clock.js';
import { kitStateDir } from '../core/state-dir.js';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { loadAllScenarios, loadScenario, ScenarioError, type ScenarioDefinition } from '../scenarios/catalog.js';
import { parseParamArgs, render, renderDeep, resolveParams, templateVariables } from '../scenarios/render.js';
import { AgentHttpClient } from './agent-client.js';
import { eksTarget } from './eks-target.js';
import { KubernetesCluster } from './kube.js';
import { lastRunPath, readLastRun, restartReason, writeLastRun } from './last-run.js';
import { localStackId, localTarget } from './local-target.js';
import type { Endpoints } from './ports.js';
import { PrometheusMetrics } from './prometheus.js';
import { terminalProgress, type ProgressSink } from './progress.js';
import { buildReport } from './report/build.js';
import { appendHistory, historyEntry, readHistory, renderDashboard, renderPrometheusText, summarise } from './report/history.js';
import { writeRunReports } from './report/render.js';
import { renderRunbookMarkdown } from './runbook-markdown.js';
import { runScenario, type Presenter } from './run.js';
import { runTimings } from './timings.js';

export interface CliIo {
  stdout(text: string): void;
  stderr: ProgressSink;
  env: NodeJS.ProcessEnv;
  signal: AbortSignal;
  /** Interactive input (approval in the terminal, --manual key presses), when there is some. */
  presenter?: Presenter;
  cwd?: string;
}

export class UsageError extends Error {
  override name = 'UsageError';
}

interface Option {
  flag: string;
  value?: string;
  repeat?: boolean;
  describe: string;
}

const runOptions: Option[] = [
  { flag: '--target', value: 'local|eks', describe: 'where to run: local (default; the simulated cluster, brought up if needed) or eks (your cluster)' },
  { flag: '--fast', describe: 'compressed timings (the local target\'s fast profile); for CI and rehearsals' },
  { flag: '--auto-approve', describe: 'approve the agent\'s proposed actions at once (otherwise the run waits for a human and prints how to approve)' },
  { flag: '--param', value: 'KEY=VALUE', repeat: true, describe: 'retarget or tune the fault, e.g. --param service=petsearch, --param node=<node> (see --list)' },
  { flag: '--out', value: 'DIR', describe: 'run directory for report.json/.md/.html, timeline.json and the runbook outputs (default reports/<scenario>-<timestamp>)' },
  { flag: '--json', describe: 'print report.json on stdout (progress goes to stderr)' },
  { flag: '--manual', describe: 'live manual mode: you investigate with the runbook and press Enter at each milestone; timed like an agent run' },
  { flag: '--demo', describe: 'a presenter\'s defaults (npm run demo): --fast, approval by Enter in this terminal, or --auto-approve when no terminal is attached (said so), and where the report is at the end' },
  { flag: '--fresh', describe: 'local target: restart it before the run (a cluster and an agent with no memory of earlier runs); by default it restarts only when a different scenario ran on it in the last 30 min' },
  { flag: '--reuse', describe: 'local target: never restart it before the run' },
  { flag: '--keep-changes', describe: 'leave the agent\'s changes (raised limits, replicas, cordons) in place; by default the target is restored' },
  { flag: '--history', value: 'FILE', describe: 'run history to append to / read (default reports/history.jsonl)' },
  { flag: '--agent-url', value: 'URL', describe: 'the DevOps agent API, when the target does not report one [env RUN_SCENARIO_AGENT_URL]' },
  { flag: '--agent-token', value: 'TOKEN', describe: 'API token of the agent, if it requires one [env DEVOPS_AGENT_API_TOKEN]' },
  { flag: '--port-offset', value: 'N', describe: 'local target: the stack started with local-cluster --port-offset N' },
  { flag: '--state-dir', value: 'DIR', describe: 'local target: the stack of this state directory' },
  { flag: '--kubeconfig', value: 'FILE', describe: 'eks target: kubeconfig of the cluster [env KUBECONFIG]' },
  { flag: '--prometheus-url', value: 'URL', describe: 'eks target: Prometheus-compatible query URL (AMP through aws-sigv4-proxy) [env PROMETHEUS_URL]' },
  { flag: '--list', describe: 'list the scenarios and their parameters' },
  { flag: '--help', describe: 'show this help' },
];

const reportOptions: Option[] = [
  { flag: '--history', value: 'FILE', describe: 'run history to read (default reports/history.jsonl)' },
  { flag: '--out', value: 'FILE', describe: 'dashboard HTML to write (default reports/mttr-dashboard.html)' },
  { flag: '--prometheus-text', value: 'FILE', describe: 'also write the summaries as Prometheus text (Pushgateway / textfile collector) for the Grafana dashboard' },
  { flag: '--json', describe: 'print the summaries as JSON on stdout' },
  { flag: '--help', describe: 'show this help' },
];

const exportOptions: Option[] = [
  { flag: '--target', value: 'local|eks', describe: 'render for this target (default eks)' },
  { flag: '--param', value: 'KEY=VALUE', repeat: true, describe: 'scenario parameters (node=auto is not resolved here: give a node name)' },
  { flag: '--fast', describe: 'use the fast defaults' },
  { flag: '--out', value: 'DIR', describe: 'where to write (default exports/<scenario>)' },
  { flag: '--help', describe: 'show this help' },
];

export interface Parsed {
  command: 'run' | 'list' | 'report' | 'export' | 'help';
  scenario?: string;
  flags: Record<string, string | boolean>;
  params: string[];
}

export function parseArgs(argv: readonly string[]): Parsed {
  let command: Parsed['command'] = 'run';
  const positional: string[] = [];
  const flags: Record<string, string | boolean> = {};
  const params: string[] = [];
  if (argv[0] === 'report' || argv[0] === 'export') command = argv[0];
  const options = command === 'report' ? reportOptions : command === 'export' ? exportOptions : runOptions;
  for (let i = command === 'run' ? 0 : 1; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '-h') {
      flags.help = true;
      continue;
    }
    if (!arg.startsWith('--')) {
      positional.push(arg);
      continue;
    }
    const [name, inline] = arg.slice(2).split(/=(.*)/s, 2) as [string, string | undefined];
    const option = options.find((o) => o.flag === `--${name}`);
    if (!option) throw new UsageError(`unknown flag --${name}; see run-scenario ${command === 'run' ? '' : `${command} `}--help`);
    if (option.value) {
      const value = inline ?? argv[++i];
      if (value === undefined || (inline === undefined && value.startsWith('--'))) throw new UsageError(`${option.flag} needs a value (${option.value})`);
      if (option.repeat) params.push(value);
      else flags[name] = value;
    } else {
      if (inline !== undefined) throw new UsageError(`${option.flag} takes no value`);
      flags[name] = true;
    }
  }
  if (flags.help) return { command: 'help', ...(command !== 'run' ? { scenario: command } : {}), flags, params };
  if (command === 'run' && flags.list) return { command: 'list', flags, params };
  if (command === 'report') {
    if (positional.length) throw new UsageError(`report takes no arguments (got ${positional.join(' ')})`);
    return { command, flags, params };
  }
  if (positional.length > 1) throw new UsageError(`one scenario at a time (got ${positional.join(', ')})`);
  const scenario = positional[0];
  if (!scenario) throw new UsageError(`which scenario? run-scenario <name>; the scenarios: run-scenario --list`);
  if (flags.target !== undefined && flags.target !== 'local' && flags.target !== 'eks') throw new UsageError(`--target must be local or eks (got ${String(flags.target)})`);
  if (flags.fresh && flags.reuse) throw new UsageError('--fresh and --reuse exclude each other');
  if (flags.demo && flags.manual) throw new UsageError('--demo and --manual exclude each other: the demo shows the agent at work');
  if (flags.manual && flags['auto-approve']) throw new UsageError('--manual and --auto-approve exclude each other: in manual mode nobody asks the agent');
  return { command, scenario, flags, params };
}

export function helpText(command?: string): string {
  const table = (options: Option[]) => {
    const left = (o: Option) => `${o.flag}${o.value ? ` ${o.value}` : ''}`;
    const width = Math.max(...options.map((o) => left(o).length));
    return options.map((o) => `  ${left(o).padEnd(width)}  ${o.describe}`);
  };
  if (command === 'report') {
    return ['usage: run-scenario report [--history FILE] [--out FILE] [--prometheus-text FILE] [--json]', '', 'Builds the MTTR comparison dashboard (HTML, self-contained) across scenarios and runs: median, spread, reduction.', '', ...table(reportOptions), ''].join('\n');
  }
  if (command === 'export') {
    return ['usage: run-scenario export <name> [--target eks|local] [--param k=v ...] [--out DIR]', '', 'Writes the scenario rendered with its parameters: the Chaos Mesh manifest or deployment patch, the AWS FIS', 'experiment template (aws fis create-experiment-template --cli-input-json file://fis-template.json), the', 'CloudWatch alarm (aws cloudwatch put-metric-alarm --cli-input-json file://cloudwatch-alarm.json) and runbook.md.', '', ...table(exportOptions), ''].join('\n');
  }
  return [
    'usage: run-scenario <name> [--target local|eks] [--fast] [--auto-approve] [--param k=v ...] [--out DIR] [--json]',
    '       run-scenario <name> --manual | run-scenario --list | run-scenario report | run-scenario export <name>',
    '',
    'Runs a whole incident scenario: preflight, healthy baseline, fault injection (always removed again), then the',
    'agent detects, investigates, asks for approval, remediates and verifies. Writes report.json, report.md,',
    'report.html and timeline.json, appends to the run history, and exits 0 when the incident was resolved.',
    '',
    ...table(runOptions),
    '',
    'Scenarios: ' + safeNames(),
    '',
  ].join('\n');
}

function safeNames(): string {
  try {
    return loadAllScenarios().map((d) => d.spec.name).join(', ');
  } catch (error) {
    return `(cannot list: ${(error as Error).message})`;
  }
}

export function listScenarios(): string {
  const lines: string[] = [];
  for (const d of loadAllScenarios()) {
    lines.push(`${d.spec.name.padEnd(16)} ${d.spec.summary.replace(/\{\{(\w+)\}\}/g, '<$1>')}`);
    for (const [name, p] of Object.entries(d.spec.params)) {
      lines.push(`${''.padEnd(18)}--param ${name}=${p.default}${p.fast ? ` (fast: ${p.fast})` : ''}  ${p.describe}${p.oneOf ? ` [${p.oneOf.join(', ')}]` : ''}`);
    }
  }
  return lines.join('\n') + '\n';
}

export function markerPathFor(endpoints: Endpoints, env: NodeJS.ProcessEnv): string {
  return join(kitStateDir(env), 'run-scenario', `active-${createHash('sha1').update(resolve(endpoints.kubeconfig)).digest('hex').slice(0, 12)}.json`);
}

function timestamp(date = new Date()): string {
  return date.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
}

export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  let parsed: Parsed;
  try {
    parsed = parseArgs(argv);
  } catch (error) {
    io.stderr.write(`run-scenario: ${(error as Error).message}\n`);
    return 2;
  }
  const cwd = io.cwd ?? process.cwd();
  try {
    if (parsed.command === 'help') {
      io.stdout(helpText(parsed.scenario));
      return 0;
    }
    if (parsed.command === 'list') {
      io.stdout(listScenarios());
      return 0;
    }
    if (parsed.command === 'report') return report(parsed, io, cwd);
    if (parsed.command === 'export') return exportScenario(parsed, io, cwd);
    return await run(parsed, io, cwd);
  } catch (error) {
    if (error instanceof ScenarioError || error instanceof UsageError) {
      io.stderr.write(`run-scenario: ${error.message}\n`);
      return 2;
    }
    io.stderr.write(`run-scenario: ${(error as Error).stack ?? error}\n`);
    return 1;
  }
}

async function run(parsed: Parsed, io: CliIo, cwd: string): Promise<number> {
  const definition = loadScenario(parsed.scenario!);
  const demo = parsed.flags.demo === true;
  const fast = parsed.flags.fast === true || demo;
  // The demo's approval is the presenter's Enter; with nobody at a terminal (a recording, a CI check)
  // it approves by itself rather than wait for a curl that never comes.
  const autoApprove = parsed.flags['auto-approve'] === true || (demo && !io.presenter);
  const targetName = (parsed.flags.target as 'local' | 'eks' | undefined) ?? 'local';
  const given = parseParamArgs(parsed.params);
  resolveParams(definition.spec, given, { fast, target: targetName });
  const startedAt = new Date();
  const runId = `${timestamp(startedAt).slice(0, 15).toLowerCase()}-${randomBytes(2).toString('hex')}`;
  const outDir = resolve(cwd, typeof parsed.flags.out === 'string' ? parsed.flags.out : join('reports', `${definition.spec.name}-${timestamp(startedAt)}`));
  const historyFile = resolve(cwd, typeof parsed.flags.history === 'string' ? parsed.flags.history : join('reports', 'history.jsonl'));
  const agentUrl = (parsed.flags['agent-url'] as string | undefined) ?? io.env.RUN_SCENARIO_AGENT_URL;
  const token = (parsed.flags['agent-token'] as string | undefined) ?? io.env.DEVOPS_AGENT_API_TOKEN;
  const stackFlags = { ...(parsed.flags['port-offset'] ? { 'port-offset': parsed.flags['port-offset'] as string } : {}), ...(parsed.flags['state-dir'] ? { 'state-dir': parsed.flags['state-dir'] as string } : {}) };
  const lastRunFile = targetName === 'local' ? lastRunPath(localStackId({ stackFlags, env: io.env }), io.env) : undefined;
  const fresh = targetName !== 'local' ? undefined : parsed.flags.fresh ? 'requested with --fresh' : parsed.flags.reuse ? undefined : restartReason(readLastRun(lastRunFile!), { scenario: definition.spec.name, params: given }, Date.now());
  const target =
    targetName === 'eks'
      ? eksTarget({ ...(parsed.flags.kubeconfig ? { kubeconfig: parsed.flags.kubeconfig as string } : {}), ...(parsed.flags['prometheus-url'] ? { prometheusUrl: parsed.flags['prometheus-url'] as string } : {}), ...(agentUrl ? { agentUrl } : {}), env: io.env })
      : localTarget({ stackFlags, ...(agentUrl ? { agentUrl } : {}), ...(fresh ? { fresh } : {}), env: io.env });
  const progress = terminalProgress(io.stderr);
  progress.note(`run-scenario ${definition.spec.name} on ${targetName}${fast ? ' (--fast)' : ''}${autoApprove ? (parsed.flags['auto-approve'] ? ', auto-approve' : ', auto-approve (no terminal to approve in)') : ''}${parsed.flags.manual ? ', manual mode' : ''}: run ${runId}, reports in ${outDir}`);
  const record = await runScenario(
    {
      definition,
      params: given,
      target,
      fast,
      autoApprove,
      manual: parsed.flags.manual === true,
      keepChanges: parsed.flags['keep-changes'] === true,
      approver: `run-scenario --auto-approve (${io.env.USER ?? 'ci'})`,
      outDir,
      markerPath: (endpoints) => markerPathFor(endpoints, io.env),
      runId,
    },
    {
      clock: systemClock,
      progress,
      signal: io.signal,
      cluster: (kubeconfig) => new KubernetesCluster(kubeconfig),
      metrics: (url) => new PrometheusMetrics(url),
      agent: (url) => new AgentHttpClient(url, token),
      ...(io.presenter ? { presenter: io.presenter } : {}),
    },
  );
  if (!record.injectedAt) {
    // Nothing was injected (preflight stopped the run): no report, just why and what to do.
    io.stderr.write(`\nrun-scenario: ${record.failure?.phase ?? 'preflight'} failed: ${record.failure?.message ?? 'unknown error'}\n`);
    return io.signal.aborted ? 130 : 1;
  }
  const bundle = buildReport(record);
  const files = writeRunReports(outDir, bundle);
  appendHistory(historyFile, historyEntry(bundle, outDir));
  if (lastRunFile) writeLastRun(lastRunFile, { scenario: record.scenario, params: given, outcome: record.outcome, endedAt: record.endedAt });
  const r = bundle.report;
  const summary = [
    '',
    `${r.outcome === 'resolved' ? 'RESOLVED' : 'UNRESOLVED'}: ${record.title}`,
    ...(record.failure ? [`  ${record.failure.phase}: ${record.failure.message}`] : []),
    ...(r.rootCause ? [`  root cause   ${r.rootCause.kind} in ${r.rootCause.target.kind} ${r.rootCause.target.name} (confidence ${r.rootCause.confidence.toFixed(2)})${bundle.rootCauseMatches === false ? ' -- NOT the expected one' : ''}`] : []),
    `  agent MTTR   ${fmt(r.mttr.agentSeconds)}   phases: ${Object.entries(r.phases).map(([k, v]) => `${k} ${v ?? '-'} s`).join(', ')}`,
    `  manual       ${fmt(r.mttr.manualBaselineSeconds)}   (${r.mttr.manualModel})`,
    `  reduction    ${r.mttr.reductionPct ?? 'n/a'} %`,
    ...record.cleanup.errors.map((e) => `  cleanup: ${e}`),
    `  report       ${files.html}`,
    `               ${files.md}`,
    ...(demo ? [`  open it:     xdg-open ${files.html}   (or file://${files.html} in a browser)`, `  all runs:    npx run-scenario report   (the MTTR dashboard)`] : []),
    '',
  ].join('\n');
  io.stderr.write(summary);
  if (parsed.flags.json) io.stdout(JSON.stringify(r, null, 2) + '\n');
  if (io.signal.aborted) return 130;
  return r.outcome === 'resolved' ? 0 : 1;
}

function fmt(seconds: number | null): string {
  if (seconds === null) return 'n/a';
  return `${Math.floor(seconds / 60)} min ${String(Math.round(seconds % 60)).padStart(2, '0')} s`;
}

function report(parsed: Parsed, io: CliIo, cwd: string): number {
  const historyFile = resolve(cwd, typeof parsed.flags.history === 'string' ? parsed.flags.history : join('reports', 'history.jsonl'));
  const entries = readHistory(historyFile);
  if (!entries.length) {
    io.stderr.write(`run-scenario report: no runs in ${historyFile} yet; run a scenario first (run-scenario memory-leak --fast --auto-approve)\n`);
    return 1;
  }
  const out = resolve(cwd, typeof parsed.flags.out === 'string' ? parsed.flags.out : join('reports', 'mttr-dashboard.html'));
  mkdirSync(resolve(out, '..'), { recursive: true });
  writeFileSync(out, renderDashboard(entries, historyFile));
  if (typeof parsed.flags['prometheus-text'] === 'string') writeFileSync(resolve(cwd, parsed.flags['prometheus-text']), renderPrometheusText(entries));
  if (parsed.flags.json) io.stdout(JSON.stringify(summarise(entries), null, 2) + '\n');
  io.stderr.write(`MTTR dashboard of ${entries.length} runs: ${out}\n`);
  return 0;
}

function exportScenario(parsed: Parsed, io: CliIo, cwd: string): number {
  const definition = loadScenario(parsed.scenario!);
  const target = (parsed.flags.target as 'local' | 'eks' | undefined) ?? 'eks';
  const fast = parsed.flags.fast === true;
  const params = resolveParams(definition.spec, parseParamArgs(parsed.params), { fast, target });
  if (params.node === 'auto') throw new UsageError('export cannot resolve node=auto without a cluster; give --param node=<node name>');
  if (params.setting === 'auto' || params.value === 'auto') throw new UsageError('export cannot choose the bad setting without a cluster; give --param setting=NAME --param value=VALUE');
  const vars = exportVariables(definition, params, target, fast);
  const out = resolve(cwd, typeof parsed.flags.out === 'string' ? parsed.flags.out : join('exports', definition.spec.name));
  mkdirSync(out, { recursive: true });
  const written: string[] = [];
  const injection = definition.spec.injection[target];
  for (const file of [injection.file, ...(injection.fis ? [injection.fis] : []), definition.spec.detection.cloudwatchAlarm]) {
    writeFileSync(join(out, file), render(definition.file(file), vars, `${definition.spec.name}/${file}`));
    written.push(join(out, file));
  }
  writeFileSync(join(out, 'runbook.md'), renderRunbookMarkdown(renderDeep(definition.spec, vars, 'scenario.yaml'), renderDeep(definition.runbook, vars, 'runbook.yaml')));
  written.push(join(out, 'runbook.md'));
  io.stdout(written.join('\n') + '\n');
  return 0;
}

/** Template variables for rendering outside a run (export, the checked-in runbook.md). */
export function exportVariables(definition: ScenarioDefinition, params: Record<string, string>, target: 'local' | 'eks', fast: boolean): Record<string, string> {
  const vars = templateVariables(params, { runId: 'manual', chaosName: `${definition.spec.name}-manual`, safetyTimeoutMs: runTimings[fast ? 'fast' : 'realistic'].safetyTimeoutSeconds * 1000 });
  const injection = definition.spec.injection[target];
  if (injection.method === 'chaos-mesh') {
    // FIS injects Chaos Mesh objects as a JSON string of their spec (aws:eks:inject-kubernetes-custom-resource).
    const manifest = renderDeep(definition.file(injection.file), vars, injection.file);
    const spec = (parseYaml(manifest) as { spec?: unknown }).spec ?? {};
    vars.chaosSpecJson = JSON.stringify(JSON.stringify(spec)).slice(1, -1);
  } else vars.chaosSpecJson = '{}';
  return vars;
}
