/**
 * `prometheus-mcp`: the MCP server (stdio or streamable HTTP) and its workshop subcommands
 * (`translate`, `ask`, `detect`). The command line is `prometheusMcpCli` (on lib/platform/cli.ts);
 * this file wires it to the server and the tools, which it imports only when a command runs, so
 * `--help` and bad input answer without loading them. Bad input exits 2 with one line saying what to fix.
 */
import { readFileSync } from 'node:fs';
import { readLocalTarget } from '../../core/local-target.js';
import { createLogger, type Logger } from '../../core/log.js';
import { clockAt, systemClock, type Clock } from '../../core/clock.js';
import { defineCli, defineCommand, httpUrl, oneOf, port, readOptions, runCommandLine, UsageError, wholeNumber, type GivenFlags, type OptionSpec, type OptionValues } from '../../lib/platform/cli.js';
import type { MetricsBackend } from '../../lib/prometheus/client/index.js';
import { detectCommand, runDetectCommandLine } from '../detect/cli.js';
import type { ToolContext } from '../tools/index.js';
import type { AliasMap } from '../translate/index.js';
import type { AnomalyWatchOptions } from '../watch/index.js';
import type { McpServerOptions } from './setup.js';
import { z } from 'zod';

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env?: NodeJS.ProcessEnv;
  /** Resolves when the process is asked to stop (SIGTERM/SIGINT); tests resolve it themselves. */
  stopSignal?: Promise<string>;
  /** Reads a Secrets Manager secret (tests); lib/aws/secrets.ts otherwise. */
  readSecret?: (arn: string) => Promise<string>;
  /** Called once the HTTP server listens (tests). */
  onListening?: (server: { url: string }) => void;
}

/** RFC 3339 or Unix seconds, in milliseconds. */
const instant = () =>
  z.string().transform((text, ctx) => {
    const ms = /^\d+(\.\d+)?$/.test(text) ? Number(text) * 1000 : Date.parse(text);
    if (Number.isFinite(ms)) return ms;
    ctx.addIssue({ code: 'custom', message: 'must be RFC 3339 or Unix seconds' });
    return z.NEVER;
  });

const backendOptions = {
  prometheusUrl: { flag: '--prometheus-url', value: 'URL', env: 'PROMETHEUS_URL', defaultDescription: "the running local target's, from `local-cluster status`", describe: 'Prometheus server root' },
  ampWorkspaceId: { flag: '--amp-workspace-id', value: 'ID', env: 'AMP_WORKSPACE_ID', describe: 'Amazon Managed Service for Prometheus workspace (ws-...), instead of --prometheus-url' },
  region: { flag: '--region', value: 'REGION', env: 'AWS_REGION', describe: 'AWS region of the AMP workspace' },
} as const satisfies Record<string, OptionSpec>;

const questionOptions = {
  ...backendOptions,
  aliases: {
    flag: '--aliases',
    value: 'FILE',
    env: 'PROMETHEUS_MCP_ALIASES',
    describe: 'YAML/JSON map of label value -> names people use ("petsite: [frontend, web site]"), merged over the built-in pet-adoption aliases',
  },
  now: { flag: '--now', value: 'TIME', env: 'PROMETHEUS_MCP_NOW', schema: instant(), describe: 'treat TIME (RFC 3339 or Unix seconds) as the current time, moving on from there: replays recorded history' },
} as const satisfies Record<string, OptionSpec>;

const watchOptions = {
  anomalyWebhook: {
    flag: '--anomaly-webhook',
    value: 'URL',
    env: 'PROMETHEUS_MCP_ANOMALY_WEBHOOK',
    schema: httpUrl('http://127.0.0.1:18080/webhooks/anomaly'),
    describe: "watch series for anomalies and push each new episode (and its end) to this URL, the agent's POST /webhooks/anomaly (e.g. http://127.0.0.1:18080/webhooks/anomaly); off when absent",
  },
  anomalyWebhookTokenFile: {
    flag: '--anomaly-webhook-token-file',
    value: 'FILE',
    env: 'PROMETHEUS_MCP_ANOMALY_WEBHOOK_TOKEN_FILE',
    describe: "a file holding the agent's webhook token, sent as Authorization: Bearer with each push (an agent with credentials refuses pushes without it); or the token itself in PROMETHEUS_MCP_ANOMALY_WEBHOOK_TOKEN",
  },
  watch: { flag: '--watch', value: 'FILE', env: 'PROMETHEUS_MCP_WATCH', defaultDescription: 'the built-in pet-adoption list, see docs/mcp.md', describe: 'YAML/JSON watch list for --anomaly-webhook' },
  watchInterval: { flag: '--watch-interval', value: 'SECONDS', env: 'PROMETHEUS_MCP_WATCH_INTERVAL', defaultDescription: "the list's interval, else 60", schema: wholeNumber(1, 86_400), describe: 'how often watched series are evaluated' },
} as const satisfies Record<string, OptionSpec>;

const serveOptions = {
  transport: { flag: '--transport', value: 'stdio|http', env: 'MCP_TRANSPORT', default: 'stdio', schema: oneOf(['stdio', 'http']), describe: 'stdio (MCP clients start the server) or http (streamable HTTP, long-running)' },
  port: { flag: '--port', value: 'PORT', env: 'MCP_PORT', default: '18081', schema: port(0), describe: 'HTTP port (0 picks a free one)' },
  host: { flag: '--host', value: 'HOST', env: 'MCP_HOST', default: '127.0.0.1', describe: 'HTTP bind address' },
  allowedOrigin: { flag: '--allowed-origin', value: 'ORIGIN', repeat: true, describe: 'browser Origin allowed besides localhost (repeatable)' },
  allowedHost: { flag: '--allowed-host', value: 'HOST', repeat: true, describe: 'Host header allowed besides localhost, e.g. behind a proxy (repeatable)' },
  apiKeyFile: { flag: '--api-key-file', value: 'FILE', env: 'PROMETHEUS_MCP_API_KEY_FILE', describe: 'with --transport http: every request to /mcp needs this key, as Authorization: Bearer KEY or X-API-Key: KEY (the file holds the key)' },
  apiKeySecret: { flag: '--api-key-secret', value: 'ARN', env: 'PROMETHEUS_MCP_API_KEY_SECRET', describe: 'the API key from AWS Secrets Manager (the whole secret string), read at start; instead of --api-key-file' },
  sessionIdle: { flag: '--session-idle', value: 'SECONDS', defaultDescription: '1800', schema: wholeNumber(1, 7 * 86_400), describe: 'close HTTP sessions idle this long' },
  maxSessions: { flag: '--max-sessions', value: 'N', env: 'MCP_MAX_SESSIONS', defaultDescription: '100', schema: wholeNumber(1, 100_000), describe: 'most HTTP sessions open at once; a new one closes the idlest' },
  ...backendOptions,
  grafanaUrl: { flag: '--grafana-url', value: 'URL', env: 'GRAFANA_URL', schema: httpUrl(), describe: 'Grafana root, for Explore links in answers' },
  grafanaDatasource: { flag: '--grafana-datasource', value: 'UID', env: 'GRAFANA_DATASOURCE_UID', describe: 'Prometheus datasource uid in that Grafana' },
  maxSeries: { flag: '--max-series', value: 'N', default: '10', schema: wholeNumber(1, 1000), describe: 'series shown per answer; the rest are counted' },
  maxPoints: { flag: '--max-points', value: 'N', default: '60', schema: wholeNumber(3, 10_000), describe: 'points per series in chart-ready output' },
  nowResolution: {
    flag: '--now-resolution',
    value: 'SECONDS',
    env: 'PROMETHEUS_MCP_NOW_RESOLUTION',
    defaultDescription: '15',
    schema: wholeNumber(0, 3600),
    describe: '"now" is rounded down to this for instant queries (about half the scrape interval; 0 = exact)',
  },
  noCache: { flag: '--no-cache', describe: 'query the backend every time' },
  aliases: questionOptions.aliases,
  now: questionOptions.now,
  ...watchOptions,
} as const satisfies Record<string, OptionSpec>;

const questionCommand = (name: 'translate' | 'ask', summary: string, description: string) =>
  defineCommand({
    name,
    summary,
    description,
    usage: '"<question>" [options]',
    options: [...Object.values(questionOptions), { flag: '--json', describe: 'print JSON' }],
    operands: { name: 'question', variadic: true },
  });

/** The `prometheus-mcp` command line: the server itself, and its subcommands. */
export const prometheusMcpCli = defineCli({
  name: 'prometheus-mcp',
  summary: 'the Prometheus MCP server',
  description: `Prometheus MCP server: PromQL and natural-language questions about cluster metrics, for any
Prometheus or Amazon Managed Service for Prometheus, over stdio or streamable HTTP.`,
  usage: ['[options]                 run the MCP server', 'translate "<question>" [--json]   print the PromQL for a question', 'ask "<question>" [--json]         answer a question (PromQL, result, insights)', 'detect --input FILE.csv           score a timestamp,value CSV for anomalies'],
  words: { command: 'subcommand' },
  options: Object.values(serveOptions),
  commands: [
    { name: 'serve', summary: 'run the MCP server (what prometheus-mcp does without a subcommand)', usage: '[options]', options: Object.values(serveOptions) },
    questionCommand(
      'translate',
      'print the PromQL for a question',
      `Prints the PromQL a question translates to, with its intent, entities and time range
(nothing is run; the backend is read for label values only).`,
    ),
    questionCommand(
      'ask',
      'answer a question (PromQL, result, insights)',
      `Translates a question to PromQL, runs it, and prints the answer with insights
(statistics, trend, limit breaches, comparison with an hour before).`,
    ),
    detectCommand,
  ],
  epilog: "Every subcommand takes --prometheus-url (or --amp-workspace-id with --region).\nRun `prometheus-mcp <subcommand> --help` for a subcommand's options.",
});

/** The running local target's Prometheus URL (core/local-target.ts); undefined when none was started. */
export async function localPrometheusUrl(env: NodeJS.ProcessEnv): Promise<string | undefined> {
  return readLocalTarget(env)?.prometheusUrl;
}

async function backendFrom(flags: GivenFlags, env: NodeJS.ProcessEnv, logger: Logger): Promise<MetricsBackend> {
  const o = readOptions(backendOptions, flags, env);
  // An AMP workspace, given either way, wins over PROMETHEUS_URL from the environment; given as flags, both are an error.
  const prometheusUrl = o.ampWorkspaceId && flags['prometheus-url'] === undefined ? undefined : o.prometheusUrl;
  const defaultPrometheusUrl = o.prometheusUrl || o.ampWorkspaceId ? undefined : await localPrometheusUrl(env);
  const { backendConfigFromFlags, createBackend } = await import('../../lib/prometheus/client/index.js');
  const config = backendConfigFromFlags({ prometheusUrl, ampWorkspaceId: o.ampWorkspaceId, region: o.region, defaultPrometheusUrl }, env);
  return createBackend({ ...config, logger });
}

/** The system clock, or one that started at `--now` and runs at the normal pace from there. */
function clockFrom(now: number | undefined): Clock {
  return now === undefined ? systemClock : clockAt(now);
}

/** The translator's aliases: the built-in map, with `--aliases FILE` (or PROMETHEUS_MCP_ALIASES) merged over it. */
async function aliasesOf(file: string | undefined): Promise<AliasMap | undefined> {
  if (file === undefined) return undefined;
  const { aliasesFrom } = await import('../translate/index.js');
  try {
    return aliasesFrom(file);
  } catch (error) {
    throw new UsageError(`--aliases: ${(error as Error).message}`);
  }
}

/** The anomaly watcher's options: off (undefined) unless --anomaly-webhook (or its env) is given. */
export async function anomalyWatchOf(flags: GivenFlags, env: NodeJS.ProcessEnv): Promise<AnomalyWatchOptions | undefined> {
  const o = readOptions(watchOptions, flags, env);
  if (o.anomalyWebhook === undefined) {
    if (o.watch !== undefined || o.watchInterval !== undefined) throw new UsageError(`${o.watch !== undefined ? '--watch' : '--watch-interval'} needs --anomaly-webhook URL (the anomaly watcher is off without a webhook to push to)`);
    return undefined;
  }
  const { loadWatchList, WatchListError } = await import('../watch/watch-list.js');
  let watchList;
  try {
    watchList = o.watch === undefined ? undefined : loadWatchList(o.watch);
  } catch (error) {
    if (error instanceof WatchListError) throw new UsageError(`--watch: ${error.message}`);
    throw error;
  }
  const token = webhookToken(o.anomalyWebhookTokenFile, env.PROMETHEUS_MCP_ANOMALY_WEBHOOK_TOKEN);
  return { webhookUrl: o.anomalyWebhook, ...(token ? { webhookToken: token } : {}), ...(watchList ? { watchList } : {}), ...(o.watchInterval ? { intervalMs: o.watchInterval * 1000 } : {}) };
}

/** The agent's webhook token, from a file (never argv: it would show in ps) or the environment. */
function webhookToken(file: string | undefined, fromEnv: string | undefined): string | undefined {
  if (file === undefined) return fromEnv?.trim() || undefined;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`--anomaly-webhook-token-file: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  const token = text.trim();
  if (!token) throw new UsageError(`--anomaly-webhook-token-file: ${file} is empty`);
  return token;
}

async function serverOptions(o: OptionValues<typeof serveOptions>, flags: GivenFlags, env: NodeJS.ProcessEnv): Promise<Omit<McpServerOptions, 'backend'>> {
  const aliases = await aliasesOf(o.aliases);
  const anomalyWatch = await anomalyWatchOf(flags, env);
  return {
    clock: clockFrom(o.now),
    ...(anomalyWatch ? { anomalyWatch } : {}),
    ...(aliases ? { aliases } : {}),
    ...(o.noCache ? { cache: false as const } : {}),
    ...(o.grafanaUrl ? { grafanaUrl: o.grafanaUrl } : {}),
    ...(o.grafanaDatasource ? { grafanaDatasourceUid: o.grafanaDatasource } : {}),
    settings: {
      budget: { maxSeries: o.maxSeries, maxPointsPerSeries: o.maxPoints, maxLabelsPerSeries: 6 },
      ...(o.nowResolution === undefined ? {} : { nowResolutionMs: o.nowResolution * 1000 }),
    },
  };
}

export async function runPrometheusMcp(argv: string[], io: CliIo): Promise<number> {
  const env = io.env ?? process.env;
  const logger = createLogger('prometheus-mcp');
  return runCommandLine(prometheusMcpCli, argv, io, async ({ command, flags, operands }) => {
    try {
      switch (command) {
        case 'translate':
        case 'ask':
          return await runQuestion(command, flags, operands ?? [], io, env, logger);
        case 'detect':
          return await runDetectCommandLine({ flags, operands }, { stdout: { write: (t: string) => io.stdout(t) }, stderr: { write: (t: string) => io.stderr(t) } });
        default:
          return await serve(flags, io, env, logger);
      }
    } catch (error) {
      if (error instanceof UsageError) throw error;
      // A backend error comes from the client module, loaded by then.
      const { BackendConfigError, isBackendError } = await import('../../lib/prometheus/client/index.js');
      if (error instanceof BackendConfigError) {
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
  });
}

/** The HTTP transport's API key, from a file or Secrets Manager (never argv: it would show in ps). */
export async function apiKeyOf(o: Pick<OptionValues<typeof serveOptions>, 'apiKeyFile' | 'apiKeySecret' | 'transport' | 'region'>, readSecret?: (arn: string) => Promise<string>): Promise<string | undefined> {
  if (o.apiKeyFile === undefined && o.apiKeySecret === undefined) return undefined;
  if (o.apiKeyFile !== undefined && o.apiKeySecret !== undefined) throw new UsageError('--api-key-file and --api-key-secret both give the API key; give one of them');
  const flag = o.apiKeyFile !== undefined ? '--api-key-file' : '--api-key-secret';
  if (o.transport !== 'http') throw new UsageError(`${flag} protects the HTTP transport; add --transport http (a stdio server is reached only by the client that starts it)`);
  let key: string;
  if (o.apiKeyFile !== undefined) {
    try {
      key = readFileSync(o.apiKeyFile, 'utf8').trim();
    } catch (error) {
      throw new UsageError(`--api-key-file: cannot read ${o.apiKeyFile} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
    }
    if (!key) throw new UsageError(`--api-key-file: ${o.apiKeyFile} is empty`);
  } else {
    const arn = o.apiKeySecret!;
    const read = readSecret ?? (async (id: string) => (await import('../../lib/aws/secrets.js')).readSecretString(id, o.region ? { region: o.region } : {}));
    try {
      key = (await read(arn)).trim();
    } catch (error) {
      throw new UsageError(`--api-key-secret: ${(error as Error).message}`);
    }
  }
  // A bearer token is one word: a key with spaces could never be sent in the Authorization header.
  if (/\s/.test(key)) throw new UsageError(`${flag}: the key holds white space; use one word (e.g. openssl rand -hex 24)`);
  return key;
}

async function serve(flags: GivenFlags, io: CliIo, env: NodeJS.ProcessEnv, logger: Logger): Promise<number> {
  const o = readOptions(serveOptions, flags, env);
  const apiKey = await apiKeyOf(o, io.readSecret);
  const options = await serverOptions(o, flags, env);
  const backend = await backendFrom(flags, env, logger);
  const stop = io.stopSignal ?? stopSignal();

  if (o.transport === 'stdio') {
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
    port: o.port,
    host: o.host,
    allowedOrigins: o.allowedOrigin,
    allowedHosts: o.allowedHost,
    ...(o.sessionIdle ? { sessionIdleMs: o.sessionIdle * 1000 } : {}),
    ...(o.maxSessions ? { maxSessions: o.maxSessions } : {}),
    ...(apiKey ? { apiKey } : {}),
  });
  io.onListening?.({ url: running.url });
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

async function runQuestion(kind: 'translate' | 'ask', flags: GivenFlags, words: string[], io: CliIo, env: NodeJS.ProcessEnv, logger: Logger): Promise<number> {
  const question = words.join(' ').trim();
  if (!question) throw new UsageError(`${kind} needs a question, e.g. prometheus-mcp ${kind} "memory of petsite pods"`);
  const o = readOptions(questionOptions, flags, env);
  const quiet = createLogger('prometheus-mcp', { level: 'warn' });
  const clock = clockFrom(o.now);
  const aliases = await aliasesOf(o.aliases);
  const backend = await backendFrom(flags, env, logger);
  const [{ serverDependencies }, { newSession }, { serverName, serverVersion }, { ask, asToolError, iso }] = await Promise.all([
    import('./setup.js'),
    import('./session.js'),
    import('./create-server.js'),
    import('../tools/index.js'),
  ]);
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

