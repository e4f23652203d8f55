/**
 * The `run-scenario` command line (DESIGN.md contract): parsing, help, and the wiring of a run to its
 * adapters and reports. bin/run-scenario.ts only connects it to the process (streams, signals, stdin).
 *
 *   run-scenario <name> [--target local|eks] [--fast] [--auto-approve] [--param k=v ...] [--out DIR] [--json]
 *   run-scenario <name> --target eks [--injector fis|chaos-mesh] [--stack NAME] [--region R] [--plan]
 *   run-scenario <name> --manual            a presenter investigates; key presses mark the phases
 *   run-scenario --list                     the scenarios
 *   run-scenario report                     MTTR comparison dashboard from the run history
 *   run-scenario export <name>              rendered manifests, FIS template, alarm and runbook
 *
 * Exit codes: 0 resolved (or command done), 1 unresolved or failed, 2 bad usage, 130 interrupted.
 */
import { systemClock } from '../core/clock.js';
import { kitStateDir } from '../core/state-dir.js';
import { defineCli, helpText as platformHelpText, oneOf, parseCommandLine, readOptions, runCommandLine, UsageError, type CommandLine, type GivenFlags, type OptionSpec } from '../lib/platform/cli.js';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { defaultEksStackName, loadAllScenarios, loadScenario, ScenarioError, type ScenarioDefinition } from '../scenarios/catalog.js';
import { parseParamArgs, render, renderDeep, resolveParams, templateVariables } from '../scenarios/render.js';
import { AgentHttpClient } from './agent-client.js';
import type { EksTargetOptions } from './eks-target.js';
import { chooseInjector } from './eks/injector.js';
import { lastRunPath, readLastRun, restartReason, writeLastRun } from './last-run.js';
import type { Endpoints } from './ports.js';
import { PrometheusMetrics } from './prometheus.js';
import { terminalProgress, type ProgressSink } from './progress.js';
import { buildReport } from './report/build.js';
import { appendHistory, historyEntry, readHistory, renderDashboard, renderPrometheusText, summarise } from './report/history.js';
import { writeRunReports } from './report/render.js';
import { renderRunbookMarkdown } from './runbook-markdown.js';
import type { Presenter, RunDeps } from './run.js';
import { runTimings } from './timings.js';

export interface CliIo {
  stdout(text: string): void;
  stderr: ProgressSink;
  env: NodeJS.ProcessEnv;
  signal: AbortSignal;
  /** Interactive input (approval in the terminal, --manual key presses), when there is some. */
  presenter?: Presenter;
  cwd?: string;
  /** Replaces the run's adapters (tests: an in-memory cluster, agent and metrics, a manual clock, a fake kubeconfig). */
  adapters?: RunAdapters;
}

/** What a run connects to, besides AWS (whose SDK clients tests mock). */
export interface RunAdapters extends Partial<Pick<RunDeps, 'clock' | 'cluster' | 'metrics' | 'agent' | 'runbook'>> {
  /** The eks target's Kubernetes API (the kubeconfig's cluster, its probe, the port-forward to the agent). */
  clusterAccess?: EksTargetOptions['clusterAccess'];
}

/** Options of a run (`run-scenario <name>`); report and export share some of them. */
const runOptions = {
  target: { flag: '--target', value: 'local|eks', default: 'local', schema: oneOf(['local', 'eks']), describe: 'where to run: local (the simulated cluster, brought up if needed) or eks (your cluster)' },
  fast: { flag: '--fast', describe: "compressed timings (the local target's fast profile); for CI and rehearsals" },
  autoApprove: { flag: '--auto-approve', describe: "approve the agent's proposed actions at once (otherwise the run waits for a human and prints how to approve)" },
  param: { flag: '--param', value: 'KEY=VALUE', repeat: true, describe: 'retarget or tune the fault, e.g. --param service=petsearch, --param node=<node> (see --list)' },
  out: { flag: '--out', value: 'DIR', defaultDescription: 'reports/<scenario>-<timestamp>', describe: 'run directory for report.json/.md/.html, timeline.json and the runbook outputs' },
  json: { flag: '--json', describe: 'print report.json on stdout (progress goes to stderr)' },
  manual: { flag: '--manual', describe: 'live manual mode: you investigate with the runbook and press Enter at each milestone; timed like an agent run' },
  demo: { flag: '--demo', describe: "a presenter's defaults (npm run demo): --fast, approval by Enter in this terminal, or --auto-approve when no terminal is attached (said so), and where the report is at the end" },
  fresh: { flag: '--fresh', describe: 'local target: restart it before the run (a cluster and an agent with no memory of earlier runs); by default it restarts only when a different scenario ran on it in the last 30 min' },
  reuse: { flag: '--reuse', describe: 'local target: never restart it before the run' },
  keepChanges: { flag: '--keep-changes', describe: "leave the agent's changes (raised limits, replicas, cordons) in place; by default the target is restored" },
  history: { flag: '--history', value: 'FILE', default: join('reports', 'history.jsonl'), describe: 'run history to append to / read' },
  agentUrl: { flag: '--agent-url', value: 'URL', env: 'RUN_SCENARIO_AGENT_URL', describe: 'the DevOps agent API, when the target does not report one' },
  agentToken: { flag: '--agent-token', value: 'TOKEN', env: 'DEVOPS_AGENT_API_TOKEN', describe: "an operator token of the agent (prefer --agent-token-file or the variable: the command line is visible in ps)" },
  agentTokenFile: { flag: '--agent-token-file', value: 'FILE', env: 'DEVOPS_AGENT_TOKEN_FILE', defaultDescription: "local: the stack's agentTokenFile", describe: 'file holding an operator token of the agent (approves and reads; its name is the approver)' },
  portOffset: { flag: '--port-offset', value: 'N', describe: 'local target: the stack started with local-cluster --port-offset N' },
  stateDir: { flag: '--state-dir', value: 'DIR', describe: 'local target: the stack of this state directory' },
  kubeconfig: { flag: '--kubeconfig', value: 'FILE', env: 'KUBECONFIG', describe: 'eks target: kubeconfig of the cluster' },
  prometheusUrl: { flag: '--prometheus-url', value: 'URL', env: 'PROMETHEUS_URL', defaultDescription: "eks: the stack's AMP workspace, signed with your AWS credentials", describe: 'eks target: a Prometheus-compatible query URL instead (e.g. AMP through aws-sigv4-proxy)' },
  injector: { flag: '--injector', value: 'fis|chaos-mesh', schema: oneOf(['fis', 'chaos-mesh']), defaultDescription: "fis when the stack's template injects this run's fault, else chaos-mesh", describe: "eks target: fis starts the stack's AWS FIS experiment template of the scenario (stopped at cleanup, Ctrl-C included); chaos-mesh creates the Chaos Mesh object through the kubeconfig" },
  stack: { flag: '--stack', value: 'NAME', env: 'EKS_INCIDENT_KIT_STACK', default: defaultEksStackName, describe: "eks target: the kit's CloudFormation stack (npm run eks:deploy); its outputs name the cluster, AMP workspace, agent, FIS templates and alarms" },
  region: { flag: '--region', value: 'REGION', defaultDescription: "AWS_REGION, the AWS profile's, or the kubeconfig's cluster's", describe: "eks target: the stack's AWS region" },
  plan: { flag: '--plan', describe: 'eks target: print every AWS call the run would make, in order with its input, and make none (needs no credentials)' },
  list: { flag: '--list', describe: 'list the scenarios and their parameters' },
} as const satisfies Record<string, OptionSpec>;

const reportOptions = {
  history: { ...runOptions.history, describe: 'run history to read' },
  out: { flag: '--out', value: 'FILE', default: join('reports', 'mttr-dashboard.html'), describe: 'dashboard HTML to write' },
  prometheusText: { flag: '--prometheus-text', value: 'FILE', describe: 'also write the summaries as Prometheus text (Pushgateway / textfile collector) for the Grafana dashboard' },
  json: { flag: '--json', describe: 'print the summaries as JSON on stdout' },
} as const satisfies Record<string, OptionSpec>;

const exportOptions = {
  target: { ...runOptions.target, value: 'local|eks', default: 'eks', describe: 'render for this target' },
  param: { ...runOptions.param, describe: 'scenario parameters (node=auto is not resolved here: give a node name)' },
  fast: { flag: '--fast', describe: 'use the fast defaults' },
  out: { flag: '--out', value: 'DIR', defaultDescription: 'exports/<scenario>', describe: 'where to write' },
} as const satisfies Record<string, OptionSpec>;

/** The `run-scenario` command line: a run of one scenario, and the report and export subcommands. */
export const runScenarioCli = defineCli({
  name: 'run-scenario',
  summary: 'runs a whole incident scenario and measures the MTTR',
  description: `Runs a whole incident scenario: preflight, healthy baseline, fault injection (always removed again), then the
agent detects, investigates, asks for approval, remediates and verifies. Writes report.json, report.md,
report.html and timeline.json, appends to the run history, and exits 0 when the incident was resolved.`,
  usage: [
    '<name> [--target local|eks] [--fast] [--auto-approve] [--param k=v ...] [--out DIR] [--json]',
    '<name> --target eks [--injector fis|chaos-mesh] [--stack NAME] [--region REGION] [--plan]',
    '<name> --manual | run-scenario --list | run-scenario report | run-scenario export <name>',
  ],
  words: { option: 'flag', usage: 'usage:' },
  options: Object.values(runOptions),
  operands: { name: 'name', describe: 'the scenario (run-scenario --list shows them)' },
  epilog: () => `Scenarios: ${safeNames()}`,
  commands: [
    {
      name: 'report',
      summary: 'MTTR comparison dashboard from the run history',
      description: 'Builds the MTTR comparison dashboard (HTML, self-contained) across scenarios and runs: median, spread, reduction.',
      usage: '[--history FILE] [--out FILE] [--prometheus-text FILE] [--json]',
      options: Object.values(reportOptions),
    },
    {
      name: 'export',
      summary: 'rendered manifests, FIS template, alarm and runbook of a scenario',
      description: `Writes the scenario rendered with its parameters: the Chaos Mesh manifest or deployment patch, the AWS FIS
experiment template (aws fis create-experiment-template --cli-input-json file://fis-template.json), the
CloudWatch alarm (aws cloudwatch put-metric-alarm --cli-input-json file://cloudwatch-alarm.json) and runbook.md.`,
      usage: '<name> [--target eks|local] [--param k=v ...] [--out DIR]',
      options: Object.values(exportOptions),
      operands: { name: 'name', describe: 'the scenario' },
    },
  ],
});

export interface Parsed {
  command: 'run' | 'list' | 'report' | 'export' | 'help';
  scenario?: string;
  flags: GivenFlags;
  params: string[];
}

/** The command line as the runner reads it: a run, --list, report, export, or help (`scenario` then names the subcommand). */
export function parseArgs(argv: readonly string[]): Parsed {
  return interpret(parseCommandLine(runScenarioCli, argv));
}

function interpret(line: CommandLine<'report' | 'export'>): Parsed {
  const command = line.command ?? 'run';
  const { param, ...flags } = line.flags;
  const params = Array.isArray(param) ? param : [];
  if (line.help) return { command: 'help', ...(line.command ? { scenario: line.command } : {}), flags, params };
  if (command === 'run' && flags.list) return { command: 'list', flags, params };
  if (command === 'report') return { command, flags, params };
  const scenario = line.operands?.[0];
  if (!scenario) throw new UsageError(`which scenario? run-scenario <name>; the scenarios: run-scenario --list`);
  if (flags.fresh && flags.reuse) throw new UsageError('--fresh and --reuse exclude each other');
  if (flags.demo && flags.manual) throw new UsageError('--demo and --manual exclude each other: the demo shows the agent at work');
  if (flags.manual && flags['auto-approve']) throw new UsageError('--manual and --auto-approve exclude each other: in manual mode nobody asks the agent');
  if (command === 'run' && flags.target !== 'eks') {
    const eksOnly = ['plan', 'injector', 'stack', 'region'].filter((flag) => flags[flag] !== undefined);
    if (eksOnly.length) throw new UsageError(`${eksOnly.map((flag) => `--${flag}`).join(', ')} ${eksOnly.length > 1 ? 'are' : 'is'} for the eks target: add --target eks${flags.target ? ` (not ${flags.target})` : ''}`);
  }
  return { command, scenario, flags, params };
}

/** `--help` of run-scenario (with the scenarios there are), or of its report or export subcommand. */
export function helpText(command?: 'report' | 'export'): string {
  return platformHelpText(runScenarioCli, command);
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
  const cwd = io.cwd ?? process.cwd();
  return runCommandLine(runScenarioCli, argv, { stdout: io.stdout, stderr: (text) => io.stderr.write(text) }, async (line) => {
    const parsed = interpret(line);
    try {
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
  });
}

async function run(parsed: Parsed, io: CliIo, cwd: string): Promise<number> {
  const o = readOptions(runOptions, parsed.flags, io.env);
  const definition = loadScenario(parsed.scenario!);
  const demo = o.demo;
  const fast = o.fast || demo;
  // The demo's approval is the presenter's Enter; with nobody at a terminal (a recording, a CI check)
  // it approves by itself rather than wait for a curl that never comes.
  const autoApprove = o.autoApprove || (demo && !io.presenter);
  const targetName = o.target;
  const given = parseParamArgs(parsed.params);
  resolveParams(definition.spec, given, { fast, target: targetName });
  const startedAt = new Date();
  const runId = `${timestamp(startedAt).slice(0, 15).toLowerCase()}-${randomBytes(2).toString('hex')}`;
  const agentUrl = o.agentUrl;
  const token = o.agentToken;
  const tokenFile = o.agentTokenFile ? resolve(cwd, o.agentTokenFile) : undefined;
  const eks = targetName === 'eks' ? { ...chooseInjector(definition, given, fast, o.injector), stackName: o.stack, ...(o.region ? { region: o.region } : {}), agentTokenGiven: Boolean(token || tokenFile) } : undefined;
  if (eks?.note) io.stderr.write(`run-scenario: ${eks.note}\n`);
  if (o.plan) return printPlan(definition, { given, fast, runId, eks: eks!, prometheusUrl: o.prometheusUrl, agentUrl, json: o.json }, io);

  // A run's machinery (the Kubernetes client, the targets, the run itself) loads when a run starts, not for --help.
  const [{ runScenario }, { KubernetesCluster }, { eksTarget }, { localStackId, localTarget }] = await Promise.all([import('./run.js'), import('./kube.js'), import('./eks-target.js'), import('./local-target.js')]);
  const awsAdapters = eks ? (await import('./eks/connect.js')).eksRunAdapters() : undefined;
  const adapters = io.adapters ?? {};
  const outDir = resolve(cwd, o.out ?? join('reports', `${definition.spec.name}-${timestamp(startedAt)}`));
  const historyFile = resolve(cwd, o.history);
  if (typeof parsed.flags['agent-token'] === 'string') io.stderr.write('run-scenario: warning: --agent-token on the command line is visible to every user (ps); use --agent-token-file or DEVOPS_AGENT_API_TOKEN\n');
  // The local stack's own options (local-cluster's config reads them).
  const stackFlags = { ...(o.portOffset ? { 'port-offset': o.portOffset } : {}), ...(o.stateDir ? { 'state-dir': o.stateDir } : {}) };
  const lastRunFile = targetName === 'local' ? lastRunPath(localStackId({ stackFlags, env: io.env }), io.env) : undefined;
  const fresh = targetName !== 'local' ? undefined : o.fresh ? 'requested with --fresh' : o.reuse ? undefined : restartReason(readLastRun(lastRunFile!), { scenario: definition.spec.name, params: given }, Date.now());
  const chosen = eks
    ? eksTarget({
        ...(o.kubeconfig ? { kubeconfig: o.kubeconfig } : {}),
        ...(o.prometheusUrl ? { prometheusUrl: o.prometheusUrl } : {}),
        ...(agentUrl ? { agentUrl } : {}),
        env: io.env,
        scenario: definition.spec.name,
        injector: eks.injector,
        stackName: eks.stackName,
        ...(eks.region ? { region: eks.region } : {}),
        agentTokenGiven: eks.agentTokenGiven,
        ...(adapters.clusterAccess ? { clusterAccess: adapters.clusterAccess } : {}),
      })
    : localTarget({ stackFlags, ...(agentUrl ? { agentUrl } : {}), ...(fresh ? { fresh } : {}), env: io.env });
  // An explicit --agent-token-file is the one the runner and its printed commands use, on either target.
  const target: typeof chosen = tokenFile ? { ...chosen, prepare: async (options) => ({ ...(await chosen.prepare(options)), agentTokenFile: tokenFile }) } : chosen;
  const progress = terminalProgress(io.stderr);
  progress.note(`run-scenario ${definition.spec.name} on ${targetName}${eks ? ` (stack ${eks.stackName}, injector ${eks.injector})` : ''}${fast ? ' (--fast)' : ''}${autoApprove ? (o.autoApprove ? ', auto-approve' : ', auto-approve (no terminal to approve in)') : ''}${o.manual ? ', manual mode' : ''}: run ${runId}, reports in ${outDir}`);
  const record = await runScenario(
    {
      definition,
      params: given,
      target,
      fast,
      autoApprove,
      manual: o.manual,
      keepChanges: o.keepChanges,
      approver: `run-scenario --auto-approve (${io.env.USER ?? 'ci'})`,
      outDir,
      markerPath: (endpoints) => markerPathFor(endpoints, io.env),
      runId,
    },
    {
      clock: adapters.clock ?? systemClock,
      progress,
      signal: io.signal,
      cluster: adapters.cluster ?? ((kubeconfig) => new KubernetesCluster(kubeconfig)),
      metrics: adapters.metrics ?? awsAdapters?.metrics ?? ((url) => new PrometheusMetrics(url)),
      agent: adapters.agent ?? ((url, endpoints) => new AgentHttpClient(url, { ...(token ? { token } : {}), ...(endpoints?.agentTokenFile ? { tokenFile: endpoints.agentTokenFile } : {}) })),
      ...(awsAdapters ? { fis: awsAdapters.fis, alarms: awsAdapters.alarms } : {}),
      ...(adapters.runbook ? { runbook: adapters.runbook } : {}),
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
  if (o.json) io.stdout(JSON.stringify(r, null, 2) + '\n');
  if (io.signal.aborted) return 130;
  return r.outcome === 'resolved' ? 0 : 1;
}

/** --plan: the AWS calls of the run, printed (or as JSON with --json); none made. */
async function printPlan(
  definition: ScenarioDefinition,
  o: { given: Record<string, string>; fast: boolean; runId: string; eks: { injector: 'fis' | 'chaos-mesh'; stackName: string; region?: string; agentTokenGiven: boolean }; prometheusUrl?: string; agentUrl?: string; json: boolean },
  io: CliIo,
): Promise<number> {
  const { eksRunPlan, formatPlan } = await import('./eks/plan.js');
  const calls = eksRunPlan({
    definition,
    params: o.given,
    fast: o.fast,
    stackName: o.eks.stackName,
    injector: o.eks.injector,
    agentTokenGiven: o.eks.agentTokenGiven,
    ...(o.prometheusUrl ? { prometheusUrl: o.prometheusUrl } : {}),
    ...(o.agentUrl ? { agentUrl: o.agentUrl } : {}),
    pollSeconds: runTimings.realistic.pollMs / 1000,
    runId: o.runId,
  });
  const region = o.eks.region ?? io.env.AWS_REGION ?? io.env.AWS_DEFAULT_REGION;
  if (o.json) {
    io.stdout(JSON.stringify({ scenario: definition.spec.name, stack: o.eks.stackName, region: region ?? null, injector: o.eks.injector, runId: o.runId, calls }, null, 2) + '\n');
    return 0;
  }
  const header = [
    `run-scenario ${definition.spec.name} --target eks --plan: the AWS calls of a run, in order (none made)`,
    `  stack ${o.eks.stackName}, region ${region ?? "<the AWS profile's, or the kubeconfig's cluster's>"}, injector ${o.eks.injector}, run id ${o.runId} (a real run has its own)`,
  ];
  io.stdout(formatPlan(calls, header));
  return 0;
}

function fmt(seconds: number | null): string {
  if (seconds === null) return 'n/a';
  return `${Math.floor(seconds / 60)} min ${String(Math.round(seconds % 60)).padStart(2, '0')} s`;
}

function report(parsed: Parsed, io: CliIo, cwd: string): number {
  const o = readOptions(reportOptions, parsed.flags, io.env);
  const historyFile = resolve(cwd, o.history);
  const entries = readHistory(historyFile);
  if (!entries.length) {
    io.stderr.write(`run-scenario report: no runs in ${historyFile} yet; run a scenario first (run-scenario memory-leak --fast --auto-approve)\n`);
    return 1;
  }
  const out = resolve(cwd, o.out);
  mkdirSync(resolve(out, '..'), { recursive: true });
  writeFileSync(out, renderDashboard(entries, historyFile));
  if (o.prometheusText !== undefined) writeFileSync(resolve(cwd, o.prometheusText), renderPrometheusText(entries));
  if (o.json) io.stdout(JSON.stringify(summarise(entries), null, 2) + '\n');
  io.stderr.write(`MTTR dashboard of ${entries.length} runs: ${out}\n`);
  return 0;
}

function exportScenario(parsed: Parsed, io: CliIo, cwd: string): number {
  const o = readOptions(exportOptions, parsed.flags, io.env);
  const definition = loadScenario(parsed.scenario!);
  const target = o.target;
  const fast = o.fast;
  const params = resolveParams(definition.spec, parseParamArgs(parsed.params), { fast, target });
  if (params.node === 'auto') throw new UsageError('export cannot resolve node=auto without a cluster; give --param node=<node name>');
  if (params.setting === 'auto' || params.value === 'auto') throw new UsageError('export cannot choose the bad setting without a cluster; give --param setting=NAME --param value=VALUE');
  const vars = exportVariables(definition, params, target, fast);
  const out = resolve(cwd, o.out ?? join('exports', definition.spec.name));
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
