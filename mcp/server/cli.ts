/**
 * `prometheus-mcp`: the MCP server (stdio or streamable HTTP) and its workshop subcommands
 * (`translate`, `ask`, `detect`). Parsing and wiring only; the work is in the tools and modules.
 * Bad input exits 2 with one line saying what to fix.
 */
import { readLocalTarget } from '../../core/local-target.js';
import { createLogger, type Logger } from '../../core/log.js';
import { clockAt, systemClock, type Clock } from '../../core/clock.js';
import { backendConfigFromFlags, BackendConfigError, createBackend, isBackendError, type MetricsBackend } from '../../lib/prometheus/client/index.js';
import { runDetect, detectUsage } from '../detect/cli.js';
import { ask, asToolError, iso, type ToolContext } from '../tools/index.js';
import { aliasesFrom, type AliasMap } from '../translate/index.js';
import type { AnomalyWatchOptions } from '../watch/index.js';
import { loadWatchList, WatchListError } from '../watch/watch-list.js';
import { serverName, serverVersion } from './create-server.js';
import { newSession } from './session.js';
import { serverDependencies, type McpServerOptions } from './setup.js';

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env?: NodeJS.ProcessEnv;
  /** Resolves when the process is asked to stop (SIGTERM/SIGINT); tests resolve it themselves. */
  stopSignal?: Promise<string>;
}

export class UsageError extends Error {
  override name = 'UsageError';
}

interface Option {
  flag: string;
  value?: string;
  env?: string;
  describe: string;
  repeat?: boolean;
}

const clockOption: Option = {
  flag: '--now',
  value: 'TIME',
  env: 'PROMETHEUS_MCP_NOW',
  describe: 'treat TIME (RFC 3339 or Unix seconds) as the current time, moving on from there: replays recorded history',
};

const aliasesOption: Option = {
  flag: '--aliases',
  value: 'FILE',
  env: 'PROMETHEUS_MCP_ALIASES',
  describe: 'YAML/JSON map of label value -> names people use ("petsite: [frontend, web site]"), merged over the built-in pet-adoption aliases',
};

const backendOptions: Option[] = [
  { flag: '--prometheus-url', value: 'URL', env: 'PROMETHEUS_URL', describe: 'Prometheus server root (default: the running local target\'s, from `local-cluster status`)' },
  { flag: '--amp-workspace-id', value: 'ID', env: 'AMP_WORKSPACE_ID', describe: 'Amazon Managed Service for Prometheus workspace (ws-...), instead of --prometheus-url' },
  { flag: '--region', value: 'REGION', env: 'AWS_REGION', describe: 'AWS region of the AMP workspace' },
];

const serveOptions: Option[] = [
  { flag: '--transport', value: 'stdio|http', env: 'MCP_TRANSPORT', describe: 'stdio (default; MCP clients start the server) or http (streamable HTTP, long-running)' },
  { flag: '--port', value: 'PORT', env: 'MCP_PORT', describe: 'HTTP port (default 18081; 0 picks a free one)' },
  { flag: '--host', value: 'HOST', env: 'MCP_HOST', describe: 'HTTP bind address (default 127.0.0.1)' },
  { flag: '--allowed-origin', value: 'ORIGIN', describe: 'browser Origin allowed besides localhost (repeatable)', repeat: true },
  { flag: '--allowed-host', value: 'HOST', describe: 'Host header allowed besides localhost, e.g. behind a proxy (repeatable)', repeat: true },
  { flag: '--session-idle', value: 'SECONDS', describe: 'close HTTP sessions idle this long (default 1800)' },
  ...backendOptions,
  { flag: '--grafana-url', value: 'URL', env: 'GRAFANA_URL', describe: 'Grafana root, for Explore links in answers' },
  { flag: '--grafana-datasource', value: 'UID', env: 'GRAFANA_DATASOURCE_UID', describe: 'Prometheus datasource uid in that Grafana' },
  { flag: '--max-series', value: 'N', describe: 'series shown per answer (default 10); the rest are counted' },
  { flag: '--max-points', value: 'N', describe: 'points per series in chart-ready output (default 60)' },
  { flag: '--now-resolution', value: 'SECONDS', env: 'PROMETHEUS_MCP_NOW_RESOLUTION', describe: '"now" is rounded down to this for instant queries (default 15; about half the scrape interval; 0 = exact)' },
  { flag: '--no-cache', describe: 'query the backend every time' },
  aliasesOption,
  clockOption,
  {
    flag: '--anomaly-webhook',
    value: 'URL',
    env: 'PROMETHEUS_MCP_ANOMALY_WEBHOOK',
    describe: 'watch series for anomalies and push each new episode (and its end) to this URL, the agent\'s POST /webhooks/anomaly (e.g. http://127.0.0.1:18080/webhooks/anomaly); off when absent',
  },
  { flag: '--watch', value: 'FILE', env: 'PROMETHEUS_MCP_WATCH', describe: 'YAML/JSON watch list for --anomaly-webhook (default: the built-in pet-adoption list, see docs/mcp.md)' },
  { flag: '--watch-interval', value: 'SECONDS', env: 'PROMETHEUS_MCP_WATCH_INTERVAL', describe: 'how often watched series are evaluated (default: the list\'s interval, else 60)' },
  { flag: '--help', describe: 'show this help' },
];

const questionOptions: Option[] = [...backendOptions, aliasesOption, clockOption, { flag: '--json', describe: 'print JSON' }, { flag: '--help', describe: 'show this help' }];

function optionLines(options: Option[]): string {
  return options
    .map((o) => `  ${`${o.flag}${o.value ? ` ${o.value}` : ''}`.padEnd(30)} ${o.describe}${o.env ? ` [env ${o.env}]` : ''}`)
    .join('\n');
}

export const usage = `Usage: prometheus-mcp [options]                 run the MCP server
       prometheus-mcp translate "<question>" [--json]   print the PromQL for a question
       prometheus-mcp ask "<question>" [--json]         answer a question (PromQL, result, insights)
       prometheus-mcp detect --input FILE.csv           score a timestamp,value CSV for anomalies

Prometheus MCP server: PromQL and natural-language questions about cluster metrics, for any
Prometheus or Amazon Managed Service for Prometheus, over stdio or streamable HTTP.

Options:
${optionLines(serveOptions)}

Every subcommand takes --prometheus-url (or --amp-workspace-id with --region).
Run \`prometheus-mcp <subcommand> --help\` for a subcommand's options.
`;

const translateUsage = `Usage: prometheus-mcp translate "<question>" [options]

Prints the PromQL a question translates to, with its intent, entities and time range
(nothing is run; the backend is read for label values only).

Options:
${optionLines(questionOptions)}
`;

const askUsage = `Usage: prometheus-mcp ask "<question>" [options]

Translates a question to PromQL, runs it, and prints the answer with insights
(statistics, trend, limit breaches, comparison with an hour before).

Options:
${optionLines(questionOptions)}
`;

type Flags = Record<string, string | string[] | true>;

export function parseFlags(argv: string[], options: Option[]): { flags: Flags; positionals: string[] } {
  const flags: Flags = {};
  const positionals: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '-h') {
      flags.help = true;
      continue;
    }
    if (!arg.startsWith('--') || arg === '--') {
      positionals.push(arg);
      continue;
    }
    const [name, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const option = options.find((o) => o.flag === name);
    if (!option) throw new UsageError(`unknown option ${name}; see --help`);
    const key = name.slice(2);
    if (!option.value) {
      if (inline !== undefined) throw new UsageError(`${name} takes no value`);
      flags[key] = true;
      continue;
    }
    const value = inline ?? argv[++i];
    if (value === undefined || (inline === undefined && value.startsWith('--'))) throw new UsageError(`${name} needs a value (${option.value})`);
    if (option.repeat) flags[key] = [...((flags[key] as string[] | undefined) ?? []), value];
    else flags[key] = value;
  }
  return { flags, positionals };
}

function text(flags: Flags, key: string, env: NodeJS.ProcessEnv, envName?: string): string | undefined {
  const v = flags[key];
  if (typeof v === 'string') return v;
  return envName && env[envName] ? env[envName] : undefined;
}

function integer(value: string | undefined, what: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value.trim())) throw new UsageError(`${what} must be a whole number (got "${value}")`);
  const n = Number(value);
  if (n < min || n > max) throw new UsageError(`${what} must be between ${min} and ${max} (got ${n})`);
  return n;
}

/** The running local target's Prometheus URL (core/local-target.ts); undefined when none was started. */
export async function localPrometheusUrl(env: NodeJS.ProcessEnv): Promise<string | undefined> {
  return readLocalTarget(env)?.prometheusUrl;
}

async function backendFrom(flags: Flags, env: NodeJS.ProcessEnv, logger: Logger): Promise<MetricsBackend> {
  const prometheusUrl = text(flags, 'prometheus-url', env);
  const ampWorkspaceId = text(flags, 'amp-workspace-id', env, 'AMP_WORKSPACE_ID');
  const region = text(flags, 'region', env);
  const defaultPrometheusUrl = prometheusUrl || ampWorkspaceId || env.PROMETHEUS_URL ? undefined : await localPrometheusUrl(env);
  const config = backendConfigFromFlags({ prometheusUrl, ampWorkspaceId, region, defaultPrometheusUrl }, env);
  return createBackend({ ...config, logger });
}

/** The system clock, or one that started at `--now` and runs at the normal pace from there. */
export function clockFrom(flags: Flags, env: NodeJS.ProcessEnv): Clock {
  const at = text(flags, 'now', env, 'PROMETHEUS_MCP_NOW');
  if (at === undefined) return systemClock;
  const ms = /^\d+(\.\d+)?$/.test(at) ? Number(at) * 1000 : Date.parse(at);
  if (!Number.isFinite(ms)) throw new UsageError(`--now must be RFC 3339 or Unix seconds (got "${at}")`);
  return clockAt(ms);
}

/** The translator's aliases: the built-in map, with `--aliases FILE` (or PROMETHEUS_MCP_ALIASES) merged over it. */
export function aliasesOf(flags: Flags, env: NodeJS.ProcessEnv): AliasMap | undefined {
  const file = text(flags, 'aliases', env, 'PROMETHEUS_MCP_ALIASES');
  if (file === undefined) return undefined;
  try {
    return aliasesFrom(file);
  } catch (error) {
    throw new UsageError(`--aliases: ${(error as Error).message}`);
  }
}

/** The anomaly watcher's options: off (undefined) unless --anomaly-webhook (or its env) is given. */
export function anomalyWatchOf(flags: Flags, env: NodeJS.ProcessEnv): AnomalyWatchOptions | undefined {
  const webhookUrl = text(flags, 'anomaly-webhook', env, 'PROMETHEUS_MCP_ANOMALY_WEBHOOK');
  const file = text(flags, 'watch', env, 'PROMETHEUS_MCP_WATCH');
  const interval = integer(text(flags, 'watch-interval', env, 'PROMETHEUS_MCP_WATCH_INTERVAL'), '--watch-interval', 1, 86_400);
  if (webhookUrl === undefined) {
    if (file !== undefined || interval !== undefined) throw new UsageError(`${file !== undefined ? '--watch' : '--watch-interval'} needs --anomaly-webhook URL (the anomaly watcher is off without a webhook to push to)`);
    return undefined;
  }
  let url: URL;
  try {
    url = new URL(webhookUrl);
  } catch {
    throw new UsageError(`--anomaly-webhook must be an http(s) URL such as http://127.0.0.1:18080/webhooks/anomaly (got "${webhookUrl}")`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`--anomaly-webhook must be an http(s) URL (got "${webhookUrl}")`);
  let watchList;
  try {
    watchList = file === undefined ? undefined : loadWatchList(file);
  } catch (error) {
    if (error instanceof WatchListError) throw new UsageError(`--watch: ${error.message}`);
    throw error;
  }
  return { webhookUrl, ...(watchList ? { watchList } : {}), ...(interval ? { intervalMs: interval * 1000 } : {}) };
}

function serverOptions(flags: Flags, env: NodeJS.ProcessEnv): Omit<McpServerOptions, 'backend'> {
  const maxSeries = integer(text(flags, 'max-series', env), '--max-series', 1, 1000);
  const maxPoints = integer(text(flags, 'max-points', env), '--max-points', 3, 10_000);
  const nowResolution = integer(text(flags, 'now-resolution', env, 'PROMETHEUS_MCP_NOW_RESOLUTION'), '--now-resolution', 0, 3600);
  const grafanaUrl = text(flags, 'grafana-url', env, 'GRAFANA_URL');
  if (grafanaUrl && !/^https?:\/\/[^/]/.test(grafanaUrl)) throw new UsageError(`--grafana-url must be an http(s) URL (got "${grafanaUrl}")`);
  const datasource = text(flags, 'grafana-datasource', env, 'GRAFANA_DATASOURCE_UID');
  const aliases = aliasesOf(flags, env);
  const anomalyWatch = anomalyWatchOf(flags, env);
  return {
    clock: clockFrom(flags, env),
    ...(anomalyWatch ? { anomalyWatch } : {}),
    ...(aliases ? { aliases } : {}),
    ...(flags['no-cache'] ? { cache: false as const } : {}),
    ...(grafanaUrl ? { grafanaUrl } : {}),
    ...(datasource ? { grafanaDatasourceUid: datasource } : {}),
    settings: {
      budget: { maxSeries: maxSeries ?? 10, maxPointsPerSeries: maxPoints ?? 60, maxLabelsPerSeries: 6 },
      ...(nowResolution === undefined ? {} : { nowResolutionMs: nowResolution * 1000 }),
    },
  };
}

export async function runPrometheusMcp(argv: string[], io: CliIo): Promise<number> {
  const env = io.env ?? process.env;
  const logger = createLogger('prometheus-mcp');
  try {
    const [command, ...rest] = argv;
    switch (command) {
      case 'translate':
        return await runQuestion('translate', rest, io, env, logger);
      case 'ask':
        return await runQuestion('ask', rest, io, env, logger);
      case 'detect':
        return await runDetectCommand(rest, io);
      case 'help':
        io.stdout(usage);
        return 0;
      case 'serve':
        return await serve(rest, io, env, logger);
      default:
        if (command !== undefined && !command.startsWith('-')) throw new UsageError(`unknown subcommand "${command}"; expected translate, ask or detect (see --help)`);
        return await serve(argv, io, env, logger);
    }
  } catch (error) {
    if (error instanceof UsageError || error instanceof BackendConfigError) {
      io.stderr(`prometheus-mcp: ${error.message}\n`);
      return 2;
    }
    if (isBackendError(error)) {
      io.stderr(`prometheus-mcp: ${error.message}; ${error.hint}\n`);
      return 1;
    }
    io.stderr(`prometheus-mcp: ${(error as Error).message}\n`);
    return 1;
  }
}

async function serve(argv: string[], io: CliIo, env: NodeJS.ProcessEnv, logger: Logger): Promise<number> {
  const { flags, positionals } = parseFlags(argv, serveOptions);
  if (flags.help) {
    io.stdout(usage);
    return 0;
  }
  if (positionals.length) throw new UsageError(`unexpected argument "${positionals[0]}"; see --help`);
  const transport = text(flags, 'transport', env, 'MCP_TRANSPORT') ?? 'stdio';
  if (transport !== 'stdio' && transport !== 'http') throw new UsageError(`--transport must be stdio or http (got "${transport}")`);
  const port = integer(text(flags, 'port', env, 'MCP_PORT'), '--port', 0, 65_535) ?? 18081;
  const idle = integer(text(flags, 'session-idle', env), '--session-idle', 1, 7 * 86_400);
  const options = serverOptions(flags, env);
  const backend = await backendFrom(flags, env, logger);
  const stop = io.stopSignal ?? stopSignal();

  if (transport === 'stdio') {
    const { startStdioServer } = await import('./stdio.js');
    const running = await startStdioServer({ ...options, backend, logger });
    const why = await Promise.race([running.closed.then(() => 'client disconnected'), stop]);
    await running.close();
    logger.info('exiting', { why });
    return 0;
  }
  const { startHttpServer } = await import('./http.js');
  const running = await startHttpServer({
    ...options,
    backend,
    logger,
    port,
    host: text(flags, 'host', env, 'MCP_HOST') ?? '127.0.0.1',
    allowedOrigins: (flags['allowed-origin'] as string[] | undefined) ?? [],
    allowedHosts: (flags['allowed-host'] as string[] | undefined) ?? [],
    ...(idle ? { sessionIdleMs: idle * 1000 } : {}),
  });
  const why = await stop;
  logger.info('shutting down', { signal: why });
  await running.close();
  return 0;
}

function stopSignal(): Promise<string> {
  return new Promise((resolve) => {
    for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => resolve(signal));
  });
}

async function runQuestion(kind: 'translate' | 'ask', argv: string[], io: CliIo, env: NodeJS.ProcessEnv, logger: Logger): Promise<number> {
  const { flags, positionals } = parseFlags(argv, questionOptions);
  if (flags.help) {
    io.stdout(kind === 'translate' ? translateUsage : askUsage);
    return 0;
  }
  const question = positionals.join(' ').trim();
  if (!question) throw new UsageError(`${kind} needs a question, e.g. prometheus-mcp ${kind} "memory of petsite pods"`);
  const quiet = createLogger('prometheus-mcp', { level: 'warn' });
  const clock = clockFrom(flags, env);
  const aliases = aliasesOf(flags, env);
  const backend = await backendFrom(flags, env, logger);
  const deps = await serverDependencies({ backend, logger: quiet, clock, ...(aliases ? { aliases } : {}) }, 'stdio');
  const session = newSession('cli', deps.services.translator);
  const ctx: ToolContext = {
    backend: deps.backend,
    clock,
    session,
    services: deps.services,
    settings: deps.settings,
    server: { name: serverName, version: serverVersion, transport: 'stdio', startedAt: deps.startedAt, tools: () => [] },
  };
  try {
    if (kind === 'translate') {
      const translator = deps.services.translator;
      if (!translator) throw new Error('natural-language translation is not available in this build (mcp/translate is missing)');
      const t = await translator.translate(question, { now: clock.now(), context: session.context, catalog: deps.services.catalog });
      const range = { start: iso(t.range.start), end: iso(t.range.end), ...(t.range.step ? { step: t.range.step / 1000 } : {}), description: t.range.description };
      if (flags.json) io.stdout(JSON.stringify({ promql: t.promql, intent: t.intent, entities: t.entities, range, queryType: t.queryType, confidence: t.confidence, explanation: t.explanation }, null, 2) + '\n');
      else io.stdout(`${t.promql}\n# ${t.intent}, ${t.range.description} (confidence ${Math.round(t.confidence * 100)}%): ${t.explanation}\n`);
      return t.promql ? 0 : 1;
    }
    const result = await ask.run({ question }, ctx);
    io.stdout(flags.json ? JSON.stringify(result.structured, null, 2) + '\n' : result.text + '\n');
    return 0;
  } catch (error) {
    const failure = asToolError(error);
    io.stderr(`prometheus-mcp ${kind}: ${failure.message}; ${failure.hint}\n`);
    return 1;
  }
}

async function runDetectCommand(argv: string[], io: CliIo): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    io.stdout(`${detectUsage}  --prometheus-url URL  accepted for symmetry with the other subcommands (detect reads only the file)\n`);
    return 0;
  }
  // detect reads a file; the backend flags every subcommand takes are accepted and ignored here.
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (['--prometheus-url', '--amp-workspace-id', '--region'].includes(a)) i++;
    else if (!/^--(prometheus-url|amp-workspace-id|region)=/.test(a)) rest.push(a);
  }
  return runDetect(rest, { stdout: { write: (t: string) => io.stdout(t) }, stderr: { write: (t: string) => io.stderr(t) } });
}
