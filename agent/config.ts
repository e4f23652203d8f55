/**
 * The agent's configuration: flag > environment variable > default, for every setting (read by
 * lib/platform/cli.ts). The option table is also what `devops-agent --help` prints and what
 * docs/agent-configuration.md lists, so the documentation cannot drift from the behaviour.
 */
import { packageRoot } from '../lib/platform/package-root.js';
import { commaList, defineCli, duration, oneOf, port, readOptions, UsageError, wholeNumber, type GivenFlags, type OptionSpec } from '../lib/platform/cli.js';
import { kitStateDir } from '../core/state-dir.js';
import { readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { formatDuration } from '../core/duration.js';
import { operatorTokenLines } from '../core/operator-tokens.js';
import { CredentialError, Credentials, defaultWebhookName, parseTokens, type NamedToken } from './api/credentials.js';
import type { SafetyPolicy } from './workflow/step.js';
import { ApproverListError, parseApprovers } from './notify/slack/approvers.js';
import { checkSlackConfig, parseSlackSecret, type SlackConfig } from './notify/slack/config.js';

export interface AgentConfig {
  host: string;
  port: number;
  /** How people reach the API (approve/reject commands in notifications). */
  publicUrl?: string;
  dataDir: string;
  /** SQLite file of the local store and queue (":memory:" for one-shot runs). */
  sqlitePath: string;
  store: 'sqlite' | 'dynamodb';
  queue: 'sqlite' | 'sqs';
  aws: { region?: string; dynamodbTable?: string; dynamodbEndpoint?: string; workQueueUrl?: string; alarmQueueUrl?: string };
  concurrency: number;
  visibilityMs: number;
  maxAttempts: number;
  groupWindowMs: number;
  /** New alerts per minute (and burst) each authenticated webhook sender may send; a tenth without credentials. */
  alertRatePerMinute?: number;
  sweepIntervalMs: number;
  stepTimeoutMs: number;
  /** Metric resolution of the monitored cluster: rate()/increase() window and the finest range step. */
  metrics: { rateWindow: string; minStepSeconds: number };
  playbookDirs: string[];
  evidence: EvidenceConfig;
  safety: SafetyPolicy;
  autoApprove: boolean;
  /**
   * The legacy shared token (`--api-token`): a credential with both roles, named `api-token`. Prefer
   * `credentials`, which keep the webhook's credential from approving.
   */
  apiToken?: string;
  /** Who may call the API (agent/api/credentials.ts), read from files or the environment, never argv. */
  credentials?: { webhook: NamedToken[]; operators: NamedToken[] };
  /**
   * Secrets Manager secrets read at start (loadAgentSecrets), by ARN: the operator tokens (instead of
   * the file or variable) and the MCP server's API key.
   */
  secrets?: { operatorTokens?: string; mcpApiKey?: string; slack?: string };
  /** The operator token file the approve/reject commands in notifications read (`$(cat FILE)`); never read by the agent. */
  curlTokenFile?: string;
  /** More Host names and browser origins the API answers (agent/api/guards.ts). */
  allowedHosts?: string[];
  allowedOrigins?: string[];
  /** Said once at start: a token on the command line, a token file others can read. */
  warnings?: string[];
  /**
   * The Slack app (agent/notify/slack). With `secrets.slack`, loadAgentSecrets fills in what the secret
   * holds; `auto` (no --slack given, a secret named) turns on http when the secret has a bot token.
   */
  slack?: Omit<SlackConfig, 'mode'> & { mode: SlackConfig['mode'] | 'auto' };
  logLevel: 'debug' | 'info' | 'warn' | 'error';
  /** Serve the web console at /console (docs/console.md); off with --no-console or DEVOPS_AGENT_CONSOLE=off. */
  console?: boolean;
}

/** What the evidence adapters need to reach their sources (passed to agent/evidence's factory). */
export interface EvidenceConfig {
  kubeconfig?: string;
  mcpUrl?: string;
  /** Sent to the MCP server as `Authorization: Bearer` (its --api-key-file / --api-key-secret). */
  mcpApiKey?: string;
  prometheusUrl?: string;
  xrayEndpoint?: string;
  region?: string;
  clusterName?: string;
  logGroups: string[];
}

export type Command = 'serve' | 'investigate' | 'audit';

/** One option of `devops-agent`, and the commands that take it. */
export interface AgentOption extends OptionSpec {
  commands: readonly Command[];
}

/** Flags as given on the command line (what `parseCommandLine(devopsAgentCli, argv).flags` returns). */
export type FlagValues = GivenFlags;

export const defaultPlaybookDir = join(packageRoot, 'agent', 'playbooks');

export function defaultDataDir(env: NodeJS.ProcessEnv, home = homedir()): string {
  return join(kitStateDir(env, home), 'agent');
}

export const defaultSafety: SafetyPolicy = {
  allowedNamespaces: ['petadoptions'],
  maxReplicas: 10,
  minReplicas: 1,
  maxPodsPerAction: 3,
  approvalRequiredFrom: 'medium',
  approvalTtlSeconds: 15 * 60,
};

const both: Command[] = ['serve', 'investigate'];
const serve: Command[] = ['serve'];
/** Where the state is: what `audit verify` reads, as the agent would. */
const withAudit = (commands: readonly Command[]): Command[] => [...commands, 'audit'];

const agentOptionTable = {
  event: { flag: '--event', value: 'FILE', describe: 'the event to investigate: an Alertmanager webhook, a CloudWatch alarm event, an MCP anomaly alert or an alert with labels (auto-detected)', commands: ['investigate'] },
  json: { flag: '--json', describe: 'print the result as JSON on stdout (investigate: the incident with its workflow)', commands: withAudit(['investigate']) },
  host: { flag: '--host', value: 'HOST', env: 'DEVOPS_AGENT_HOST', default: '127.0.0.1', describe: 'address to listen on (0.0.0.0 in a pod)', commands: serve },
  port: { flag: '--port', value: 'PORT', env: 'DEVOPS_AGENT_PORT', default: '18080', schema: port(0), describe: "HTTP port (18080 is the local target's agent port; 0 picks a free one)", commands: serve },
  publicUrl: { flag: '--public-url', value: 'URL', env: 'DEVOPS_AGENT_PUBLIC_URL', defaultDescription: 'http://HOST:PORT', describe: 'URL people use to reach the API, shown in approve/reject commands', commands: both },
  dataDir: { flag: '--data-dir', value: 'DIR', env: 'DEVOPS_AGENT_DATA_DIR', defaultDescription: '${XDG_STATE_HOME:-~/.local/state}/eks-incident-kit/agent', describe: 'where the SQLite store and queue live', commands: withAudit(both) },
  sqlitePath: { flag: '--sqlite-path', value: 'FILE', env: 'DEVOPS_AGENT_SQLITE_PATH', defaultDescription: 'DATA_DIR/agent.sqlite; investigate: in memory', describe: 'the SQLite file itself', commands: withAudit(both) },
  store: { flag: '--store', value: 'KIND', env: 'DEVOPS_AGENT_STORE', default: 'sqlite', schema: oneOf(['sqlite', 'dynamodb']), describe: 'state store: sqlite or dynamodb', commands: withAudit(serve) },
  queue: { flag: '--queue', value: 'KIND', env: 'DEVOPS_AGENT_QUEUE', default: 'sqlite', schema: oneOf(['sqlite', 'sqs']), describe: 'work queue: sqlite or sqs', commands: serve },
  dynamodbTable: { flag: '--dynamodb-table', value: 'NAME', env: 'DEVOPS_AGENT_DYNAMODB_TABLE', describe: 'DynamoDB table of the state store (with --store dynamodb)', commands: withAudit(serve) },
  dynamodbEndpoint: { flag: '--dynamodb-endpoint', value: 'URL', env: 'DEVOPS_AGENT_DYNAMODB_ENDPOINT', describe: 'DynamoDB endpoint override (DynamoDB Local)', commands: withAudit(serve) },
  workQueueUrl: { flag: '--work-queue-url', value: 'URL', env: 'DEVOPS_AGENT_WORK_QUEUE_URL', describe: 'SQS queue of investigation jobs (with --queue sqs)', commands: serve },
  alarmQueueUrl: { flag: '--alarm-queue-url', value: 'URL', env: 'DEVOPS_AGENT_ALARM_QUEUE_URL', describe: 'SQS queue EventBridge delivers CloudWatch alarm events to (consumed when set)', commands: serve },
  region: { flag: '--region', value: 'REGION', env: 'AWS_REGION', defaultDescription: 'AWS_DEFAULT_REGION', describe: 'AWS region of DynamoDB, SQS, CloudWatch and X-Ray', commands: withAudit(both) },
  concurrency: { flag: '--concurrency', value: 'N', env: 'DEVOPS_AGENT_CONCURRENCY', default: '4', schema: wholeNumber(1, 256), describe: 'investigations run at once', commands: serve },
  visibilityTimeout: { flag: '--visibility-timeout', value: 'DURATION', env: 'DEVOPS_AGENT_VISIBILITY_TIMEOUT', default: '2m', schema: duration(), describe: 'how long a leased job stays hidden without a heartbeat', commands: serve },
  maxAttempts: { flag: '--max-attempts', value: 'N', env: 'DEVOPS_AGENT_MAX_ATTEMPTS', default: '5', schema: wholeNumber(1, 100), describe: 'leases of one job before it is dead-lettered', commands: serve },
  alertRate: { flag: '--alert-rate', value: 'N', env: 'DEVOPS_AGENT_ALERT_RATE', default: '600', schema: wholeNumber(1, 1_000_000), describe: 'new alerts per minute (and at once) one authenticated sender may send before 429; a tenth without credentials', commands: serve },
  groupWindow: { flag: '--group-window', value: 'DURATION', env: 'DEVOPS_AGENT_GROUP_WINDOW', default: '30m', schema: duration(), describe: 'related alerts join an open incident active within this window', commands: both },
  stepTimeout: { flag: '--step-timeout', value: 'DURATION', env: 'DEVOPS_AGENT_STEP_TIMEOUT', default: '30s', schema: duration(), describe: 'timeout of steps that set none', commands: both },
  rateWindow: { flag: '--rate-window', value: 'DURATION', env: 'DEVOPS_AGENT_RATE_WINDOW', default: '5m', schema: duration(), describe: 'window of rate()/increase() in metric checks; match the alert rules (30s on the fast local target)', commands: both },
  minStep: { flag: '--min-step', value: 'DURATION', env: 'DEVOPS_AGENT_MIN_STEP', default: '15s', schema: duration(), describe: 'finest step of range queries, about the scrape interval (2s on the fast local target)', commands: both },
  playbooks: { flag: '--playbooks', value: 'DIR[,DIR]', env: 'DEVOPS_AGENT_PLAYBOOKS', defaultDescription: 'agent/playbooks', schema: commaList(), describe: 'playbook folders', commands: both },
  kubeconfig: { flag: '--kubeconfig', value: 'FILE', env: 'KUBECONFIG', defaultDescription: 'in-cluster service account, else ~/.kube/config', describe: 'kubeconfig of the cluster (`investigate` without any source flag uses the running local target)', commands: both },
  mcpUrl: { flag: '--mcp-url', value: 'URL', env: 'DEVOPS_AGENT_MCP_URL', describe: "Prometheus MCP server (streamable HTTP), the agent's metrics source", commands: both },
  mcpApiKeyFile: { flag: '--mcp-api-key-file', value: 'FILE', env: 'DEVOPS_AGENT_MCP_API_KEY_FILE', describe: "the MCP server's API key (its --api-key-file), sent as Authorization: Bearer", commands: both },
  mcpApiKeySecret: { flag: '--mcp-api-key-secret', value: 'ARN', env: 'DEVOPS_AGENT_MCP_API_KEY_SECRET', describe: "the MCP server's API key from AWS Secrets Manager (the whole secret string), read at start; instead of --mcp-api-key-file", commands: both },
  prometheusUrl: { flag: '--prometheus-url', value: 'URL', env: 'PROMETHEUS_URL', describe: 'Prometheus HTTP API, used directly when no MCP server is set', commands: both },
  xrayEndpoint: { flag: '--xray-endpoint', value: 'URL', env: 'DEVOPS_AGENT_XRAY_ENDPOINT', describe: "X-Ray API endpoint override (the local target's X-Ray subset)", commands: both },
  clusterName: { flag: '--cluster-name', value: 'NAME', env: 'DEVOPS_AGENT_CLUSTER_NAME', describe: 'EKS cluster name (Container Insights dimensions, Logs Insights groups)', commands: both },
  logGroups: { flag: '--log-groups', value: 'NAME[,NAME]', env: 'DEVOPS_AGENT_LOG_GROUPS', defaultDescription: 'from the cluster name', schema: commaList(), describe: 'CloudWatch log groups for Logs Insights', commands: both },
  allowedNamespaces: { flag: '--allowed-namespaces', value: 'NS[,NS]', env: 'DEVOPS_AGENT_ALLOWED_NAMESPACES', default: defaultSafety.allowedNamespaces.join(','), schema: commaList(), describe: 'namespaces actions may touch (kube-system never)', commands: both },
  approvalFrom: { flag: '--approval-from', value: 'RISK', env: 'DEVOPS_AGENT_APPROVAL_FROM', default: defaultSafety.approvalRequiredFrom, schema: oneOf(['low', 'medium', 'high']), describe: 'actions at or above this risk need a human approval: low, medium or high', commands: both },
  approvalTtl: { flag: '--approval-ttl', value: 'DURATION', env: 'DEVOPS_AGENT_APPROVAL_TTL', default: formatDuration(defaultSafety.approvalTtlSeconds * 1000), schema: duration(), describe: 'how long an approval request stays open', commands: both },
  maxPodsPerAction: { flag: '--max-pods-per-action', value: 'N', env: 'DEVOPS_AGENT_MAX_PODS_PER_ACTION', default: String(defaultSafety.maxPodsPerAction), schema: wholeNumber(1, 1000), describe: 'pods one action may delete or evict', commands: both },
  minReplicas: { flag: '--min-replicas', value: 'N', env: 'DEVOPS_AGENT_MIN_REPLICAS', default: String(defaultSafety.minReplicas), schema: wholeNumber(0, 1000), describe: 'scaling never goes below', commands: both },
  maxReplicas: { flag: '--max-replicas', value: 'N', env: 'DEVOPS_AGENT_MAX_REPLICAS', default: String(defaultSafety.maxReplicas), schema: wholeNumber(1, 1000), describe: 'scaling never goes above', commands: both },
  webhookTokenFile: { flag: '--webhook-token-file', value: 'FILE', env: 'DEVOPS_AGENT_WEBHOOK_TOKEN_FILE', describe: "the webhook credential (Alertmanager's credentials_file): one token, or NAME TOKEN lines, one per sender; it opens POST /webhooks/* only. Or the token itself in DEVOPS_AGENT_WEBHOOK_TOKEN", commands: serve },
  operatorTokensFile: { flag: '--operator-tokens-file', value: 'FILE', env: 'DEVOPS_AGENT_OPERATOR_TOKENS_FILE', describe: 'operator tokens, NAME TOKEN per line: they open incidents, the audit and approve/reject, and NAME is the approver the audit records. Or the lines in DEVOPS_AGENT_OPERATOR_TOKENS', commands: serve },
  operatorTokensSecret: { flag: '--operator-tokens-secret', value: 'ARN', env: 'DEVOPS_AGENT_OPERATOR_TOKENS_SECRET', describe: 'operator tokens from AWS Secrets Manager, read at start: {"name":"..","token":".."}, a list of those, or NAME TOKEN lines; instead of --operator-tokens-file', commands: serve },
  curlTokenFile: { flag: '--curl-token-file', value: 'FILE', env: 'DEVOPS_AGENT_CURL_TOKEN_FILE', describe: 'the operator token file the approve/reject curl commands in notifications read with $(cat FILE); shown, never read', commands: both },
  allowedHosts: { flag: '--allowed-hosts', value: 'HOST[,HOST]', env: 'DEVOPS_AGENT_ALLOWED_HOSTS', schema: commaList(), describe: 'Host names the API answers besides 127.0.0.1, localhost and the public URL\'s (an ingress\'s); others get 421 (DNS rebinding)', commands: serve },
  allowedOrigins: { flag: '--allowed-origins', value: 'ORIGIN[,ORIGIN]', env: 'DEVOPS_AGENT_ALLOWED_ORIGINS', schema: commaList(), describe: 'browser origins allowed to call the API besides its own; any other Origin gets 403', commands: serve },
  apiToken: { flag: '--api-token', value: 'TOKEN', env: 'DEVOPS_AGENT_API_TOKEN', describe: 'legacy: one shared token for webhooks and operators (named api-token in the audit); prefer --webhook-token-file and --operator-tokens-file, and the variable to the flag (argv is visible in ps)', commands: serve },
  autoApprove: { flag: '--auto-approve', env: 'DEVOPS_AGENT_AUTO_APPROVE', describe: 'approve every proposed action at once (CI and rehearsals only)', commands: both },
  logLevel: { flag: '--log-level', value: 'LEVEL', env: 'LOG_LEVEL', default: 'info', schema: oneOf(['debug', 'info', 'warn', 'error']), describe: 'debug, info, warn or error', commands: withAudit(both) },
  // The web console (agent/console, docs/console.md).
  noConsole: { flag: '--no-console', describe: 'do not serve the web console at /console (on by default; DEVOPS_AGENT_CONSOLE=off does the same)', commands: serve },
  // Slack (docs/slack.md): tokens from files, the environment or Secrets Manager, never the command line.
  slack: { flag: '--slack', value: 'MODE', env: 'DEVOPS_AGENT_SLACK', defaultDescription: 'off; http when --slack-secret holds a bot token', schema: oneOf(['off', 'http', 'socket']), describe: 'the Slack app: off, http (Events API and interactivity at /slack/events, needs a public URL) or socket (Socket Mode: the agent connects out; workshops without a public URL)', commands: serve },
  slackBotTokenFile: { flag: '--slack-bot-token-file', value: 'FILE', env: 'DEVOPS_AGENT_SLACK_BOT_TOKEN_FILE', describe: "the app's bot token (xoxb-...). Or the token in DEVOPS_AGENT_SLACK_BOT_TOKEN", commands: serve },
  slackSigningSecretFile: { flag: '--slack-signing-secret-file', value: 'FILE', env: 'DEVOPS_AGENT_SLACK_SIGNING_SECRET_FILE', describe: "the app's signing secret (http mode): requests without its signature, or older than 5 minutes, get 401. Or the secret in DEVOPS_AGENT_SLACK_SIGNING_SECRET", commands: serve },
  slackAppTokenFile: { flag: '--slack-app-token-file', value: 'FILE', env: 'DEVOPS_AGENT_SLACK_APP_TOKEN_FILE', describe: 'the app-level token (xapp-..., scope connections:write) of Socket Mode. Or the token in DEVOPS_AGENT_SLACK_APP_TOKEN', commands: serve },
  slackSecret: { flag: '--slack-secret', value: 'ARN', env: 'DEVOPS_AGENT_SLACK_SECRET_ARN', describe: 'the Slack tokens from AWS Secrets Manager, read at start: {"botToken","signingSecret","appToken"?}; fills what the files and variables do not give', commands: serve },
  slackChannel: { flag: '--slack-channel', value: 'CHANNEL', env: 'DEVOPS_AGENT_SLACK_CHANNEL', describe: 'the channel id (C...) incidents are posted in; the bot must be a member', commands: serve },
  slackApprovers: { flag: '--slack-approvers', value: 'ID[,ID]', env: 'DEVOPS_AGENT_SLACK_APPROVERS', schema: commaList(), describe: 'who may approve from Slack and run /devops-agent remediate: user ids (U...) and user groups (S...); the audit records them as slack:<USER_ID>', commands: serve },
  slackApiUrl: { flag: '--slack-api-url', value: 'URL', env: 'DEVOPS_AGENT_SLACK_API_URL', defaultDescription: 'https://slack.com/api/', describe: "Slack's Web API base URL (tests: a local Slack double)", commands: serve },
} as const satisfies Record<string, AgentOption>;

/** Every option, in the order help and docs/agent-configuration.md list them. */
export const agentOptions: readonly AgentOption[] = Object.values(agentOptionTable);

const optionsOf = (command: Command) => agentOptions.filter((option) => option.commands.includes(command));

/** The `devops-agent` command line: its commands, their options and help. */
export const devopsAgentCli = defineCli({
  name: 'devops-agent',
  summary: 'investigates alerts on EKS (or the local target) and proposes safe, approved fixes',
  description: 'devops-agent: investigates alerts on EKS (or the local target) and proposes safe, approved fixes.',
  options: [],
  commands: [
    { name: 'serve', summary: 'run the agent: HTTP API, webhooks, workers', usage: '[options]', options: optionsOf('serve') },
    { name: 'investigate', summary: 'investigate one event in-process and print the incident', usage: '--event FILE [--json] [options]', options: optionsOf('investigate') },
    {
      name: 'audit',
      summary: "verify the audit log's hash chain (exit 0 when intact, 1 naming the first broken entry)",
      usage: 'verify [--data-dir DIR | --sqlite-path FILE | --store dynamodb --dynamodb-table NAME] [--json]',
      options: optionsOf('audit'),
      operands: { name: 'verify', describe: 'what to do with the audit log (verify)' },
    },
  ],
  epilog: 'Run devops-agent <command> --help for its options. Configuration reference: docs/agent-configuration.md',
});

/** Flag > environment variable > default. Throws UsageError with the offending flag on bad input. */
export function resolveAgentConfig(command: Command, flags: FlagValues, env: NodeJS.ProcessEnv = process.env): AgentConfig {
  const o = readOptions(agentOptionTable, flags, env);
  const dataDir = resolve(o.dataDir ?? defaultDataDir(env));
  const sqlitePath = o.sqlitePath ?? (command === 'investigate' && !o.dataDir ? ':memory:' : join(dataDir, 'agent.sqlite'));
  const region = o.region ?? env.AWS_DEFAULT_REGION;
  const aws = {
    ...optional('region', region),
    ...optional('dynamodbTable', o.dynamodbTable),
    ...optional('dynamodbEndpoint', o.dynamodbEndpoint),
    ...optional('workQueueUrl', o.workQueueUrl),
    ...optional('alarmQueueUrl', o.alarmQueueUrl),
  };
  if (o.store === 'dynamodb' && !aws.dynamodbTable) throw new UsageError('--store dynamodb needs --dynamodb-table NAME (or DEVOPS_AGENT_DYNAMODB_TABLE)');
  if (o.queue === 'sqs' && !aws.workQueueUrl) throw new UsageError('--queue sqs needs --work-queue-url URL (or DEVOPS_AGENT_WORK_QUEUE_URL)');
  if (o.minReplicas > o.maxReplicas) throw new UsageError(`--min-replicas ${o.minReplicas} is above --max-replicas ${o.maxReplicas}`);
  if (o.allowedNamespaces.includes('kube-system')) throw new UsageError('--allowed-namespaces must not include kube-system: the agent never acts there');
  const warnings: string[] = [];
  if (typeof flags['api-token'] === 'string') warnings.push('--api-token on the command line is visible to every user of this machine (ps); give it in DEVOPS_AGENT_API_TOKEN, or use --webhook-token-file and --operator-tokens-file');
  const webhook = command === 'serve' ? readTokens(o.webhookTokenFile, '--webhook-token-file', env.DEVOPS_AGENT_WEBHOOK_TOKEN, 'DEVOPS_AGENT_WEBHOOK_TOKEN', defaultWebhookName, warnings) : [];
  const operatorTokensSecret = command === 'serve' ? o.operatorTokensSecret : undefined;
  if (operatorTokensSecret && (o.operatorTokensFile || env.DEVOPS_AGENT_OPERATOR_TOKENS)) {
    const other = o.operatorTokensFile ? (typeof flags['operator-tokens-file'] === 'string' ? '--operator-tokens-file' : 'DEVOPS_AGENT_OPERATOR_TOKENS_FILE') : 'DEVOPS_AGENT_OPERATOR_TOKENS';
    throw new UsageError(`--operator-tokens-secret and ${other} both give the operator tokens; give one of them (on EKS, the secret)`);
  }
  const operators = command === 'serve' && !operatorTokensSecret ? readTokens(o.operatorTokensFile, '--operator-tokens-file', env.DEVOPS_AGENT_OPERATOR_TOKENS, 'DEVOPS_AGENT_OPERATOR_TOKENS', undefined, warnings) : [];
  if (o.mcpApiKeyFile && o.mcpApiKeySecret) throw new UsageError('--mcp-api-key-file and --mcp-api-key-secret both give the MCP server\'s API key; give one of them');
  const mcpApiKey = o.mcpApiKeyFile ? readKeyFile(o.mcpApiKeyFile, '--mcp-api-key-file', warnings) : undefined;
  if ((o.mcpApiKeyFile || o.mcpApiKeySecret) && !o.mcpUrl) warnings.push(`${o.mcpApiKeyFile ? '--mcp-api-key-file' : '--mcp-api-key-secret'} without --mcp-url: there is no MCP server to send the key to`);
  const slack = command === 'serve' ? resolveSlack(o, env, warnings) : undefined;
  const secrets = { ...optional('operatorTokens', operatorTokensSecret), ...optional('mcpApiKey', o.mcpApiKeySecret), ...optional('slack', command === 'serve' && slack ? o.slackSecret : undefined) };
  try {
    // Refuses a token used twice (a webhook credential that would also approve) before anything starts.
    new Credentials({ webhook, operators, ...(o.apiToken ? { apiToken: o.apiToken } : {}) });
  } catch (error) {
    if (error instanceof CredentialError) throw new UsageError(error.message);
    throw error;
  }
  return {
    host: o.host,
    port: o.port,
    ...(o.publicUrl ? { publicUrl: o.publicUrl.replace(/\/+$/, '') } : {}),
    dataDir,
    sqlitePath,
    store: o.store,
    queue: o.queue,
    aws,
    concurrency: o.concurrency,
    visibilityMs: o.visibilityTimeout,
    maxAttempts: o.maxAttempts,
    groupWindowMs: o.groupWindow,
    alertRatePerMinute: o.alertRate,
    sweepIntervalMs: 5_000,
    stepTimeoutMs: o.stepTimeout,
    metrics: { rateWindow: formatDuration(o.rateWindow), minStepSeconds: Math.max(1, Math.round(o.minStep / 1000)) },
    playbookDirs: (o.playbooks ?? [defaultPlaybookDir]).map((dir) => resolve(dir)),
    evidence: {
      ...optional('kubeconfig', o.kubeconfig),
      ...optional('mcpUrl', o.mcpUrl),
      ...optional('mcpApiKey', mcpApiKey),
      ...optional('prometheusUrl', o.prometheusUrl),
      ...optional('xrayEndpoint', o.xrayEndpoint),
      ...optional('region', region),
      ...optional('clusterName', o.clusterName),
      logGroups: o.logGroups ?? [],
    },
    safety: {
      allowedNamespaces: o.allowedNamespaces,
      minReplicas: o.minReplicas,
      maxReplicas: o.maxReplicas,
      maxPodsPerAction: o.maxPodsPerAction,
      approvalRequiredFrom: o.approvalFrom,
      approvalTtlSeconds: Math.round(o.approvalTtl / 1000),
    },
    autoApprove: o.autoApprove,
    ...optional('apiToken', o.apiToken),
    ...(webhook.length || operators.length ? { credentials: { webhook, operators } } : {}),
    ...(Object.keys(secrets).length ? { secrets } : {}),
    ...optional('curlTokenFile', o.curlTokenFile ? resolve(o.curlTokenFile) : undefined),
    ...(o.allowedHosts?.length ? { allowedHosts: o.allowedHosts } : {}),
    ...(o.allowedOrigins?.length ? { allowedOrigins: o.allowedOrigins } : {}),
    ...(warnings.length ? { warnings } : {}),
    ...(slack ? { slack } : {}),
    logLevel: o.logLevel,
    console: !o.noConsole && consoleSwitch(env.DEVOPS_AGENT_CONSOLE),
  };
}

type ResolvedOptions = ReturnType<typeof readOptions<typeof agentOptionTable>>;

/**
 * The Slack app's settings: tokens from files or the environment (a secret named fills the rest at
 * start); checked now unless a secret is still to be read. Undefined when Slack is off.
 */
function resolveSlack(o: ResolvedOptions, env: NodeJS.ProcessEnv, warnings: string[]): AgentConfig['slack'] {
  const mode = (o.slack ?? (o.slackSecret ? 'auto' : 'off')) as 'off' | 'auto' | SlackConfig['mode'];
  if (mode === 'off') return undefined;
  const secret = (file: string | undefined, flag: string, variable: string) => (file ? readKeyFile(file, flag, warnings) : env[variable]?.trim() || undefined);
  const botToken = secret(o.slackBotTokenFile, '--slack-bot-token-file', 'DEVOPS_AGENT_SLACK_BOT_TOKEN');
  const signingSecret = secret(o.slackSigningSecretFile, '--slack-signing-secret-file', 'DEVOPS_AGENT_SLACK_SIGNING_SECRET');
  const appToken = secret(o.slackAppTokenFile, '--slack-app-token-file', 'DEVOPS_AGENT_SLACK_APP_TOKEN');
  try {
    parseApprovers(o.slackApprovers ?? []);
  } catch (error) {
    if (error instanceof ApproverListError) throw new UsageError(`--slack-approvers: ${error.message}`);
    throw error;
  }
  const slack = {
    mode,
    botToken: botToken ?? '',
    ...optional('signingSecret', signingSecret),
    ...optional('appToken', appToken),
    channel: o.slackChannel ?? '',
    approvers: o.slackApprovers ?? [],
    ...optional('apiUrl', o.slackApiUrl),
  };
  if (mode !== 'auto' && !o.slackSecret) {
    try {
      checkSlackConfig({ ...slack, mode });
    } catch (error) {
      throw new UsageError(`--slack ${mode}: ${(error as Error).message}`);
    }
  }
  return slack;
}

/**
 * Tokens from a file (the flag or its *_FILE variable) or, failing that, a variable holding the text
 * itself; never from the command line. A file others may read is used, with a warning.
 */
/** DEVOPS_AGENT_CONSOLE: on unless off/0/false/no. */
function consoleSwitch(text: string | undefined): boolean {
  if (text === undefined || text.trim() === '') return true;
  const value = ({ '1': true, true: true, yes: true, on: true, '0': false, false: false, no: false, off: false } as Record<string, boolean>)[text.trim().toLowerCase()];
  if (value === undefined) throw new UsageError(`DEVOPS_AGENT_CONSOLE must be on or off (1, true, yes / 0, false, no) (got "${text.slice(0, 40)}")`);
  return value;
}

function readTokens(file: string | undefined, flag: string, text: string | undefined, variable: string, bareName: string | undefined, warnings: string[]): NamedToken[] {
  try {
    if (file) {
      let content: string;
      try {
        content = readFileSync(file, 'utf8');
      } catch (error) {
        throw new CredentialError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
      }
      const mode = statSync(file).mode & 0o777;
      if (mode & 0o077) warnings.push(`${file} (${flag}) can be read by other users (mode ${mode.toString(8).padStart(4, '0')}); chmod 600 ${file}`);
      return parseTokens(content, file, bareName);
    }
    return text ? parseTokens(text, variable, bareName) : [];
  } catch (error) {
    if (error instanceof CredentialError) throw new UsageError(`${flag}: ${error.message}`);
    throw error;
  }
}

/** A key file: its content, trimmed; a file others may read is used, with a warning. */
function readKeyFile(file: string, flag: string, warnings: string[]): string {
  let content: string;
  try {
    content = readFileSync(file, 'utf8').trim();
  } catch (error) {
    throw new UsageError(`${flag}: cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  if (!content) throw new UsageError(`${flag}: ${file} is empty`);
  const mode = statSync(file).mode & 0o777;
  if (mode & 0o077) warnings.push(`${file} (${flag}) can be read by other users (mode ${mode.toString(8).padStart(4, '0')}); chmod 600 ${file}`);
  return content;
}

/** Reads a Secrets Manager secret's string (lib/aws/secrets.ts; tests pass their own). */
export type SecretReader = (arn: string) => Promise<string>;

/**
 * Fills in what `config.secrets` names, from AWS Secrets Manager, before anything starts: the operator
 * tokens (parsed by core/operator-tokens.ts, then validated exactly as --operator-tokens-file is) and
 * the MCP server's API key. A secret that cannot be read or parsed is a UsageError naming it.
 */
export async function loadAgentSecrets(config: AgentConfig, read?: SecretReader): Promise<AgentConfig> {
  if (!config.secrets) return config;
  const reader: SecretReader = read ?? (async (arn) => (await import('../lib/aws/secrets.js')).readSecretString(arn, config.aws.region ? { region: config.aws.region } : {}));
  const fetch = async (arn: string, flag: string): Promise<string> => {
    try {
      return await reader(arn);
    } catch (error) {
      throw new UsageError(`${flag}: ${(error as Error).message}`);
    }
  };
  let next = config;
  const tokensArn = config.secrets.operatorTokens;
  if (tokensArn) {
    const text = await fetch(tokensArn, '--operator-tokens-secret');
    let operators: NamedToken[];
    try {
      operators = parseTokens(operatorTokenLines(text), `secret ${tokensArn}`);
      new Credentials({ webhook: config.credentials?.webhook ?? [], operators, ...(config.apiToken ? { apiToken: config.apiToken } : {}) });
    } catch (error) {
      throw new UsageError(`--operator-tokens-secret: ${(error as Error).message}`);
    }
    next = { ...next, credentials: { webhook: config.credentials?.webhook ?? [], operators } };
  }
  const keyArn = config.secrets.mcpApiKey;
  if (keyArn) next = { ...next, evidence: { ...next.evidence, mcpApiKey: (await fetch(keyArn, '--mcp-api-key-secret')).trim() } };
  const slackArn = config.secrets.slack;
  if (slackArn && next.slack) {
    let held;
    try {
      held = parseSlackSecret(await fetch(slackArn, '--slack-secret'));
    } catch (error) {
      throw new UsageError(`--slack-secret: ${(error as Error).message}`);
    }
    const slack = { ...next.slack, botToken: next.slack.botToken || held.botToken || '', ...optional('signingSecret', next.slack.signingSecret ?? held.signingSecret), ...optional('appToken', next.slack.appToken ?? held.appToken) };
    if (slack.mode === 'auto' && !slack.botToken) {
      // The stack creates the secret empty: Slack stays off until someone puts the tokens in.
      const { slack: _off, ...rest } = next;
      return { ...rest, warnings: [...(next.warnings ?? []), `the Slack secret ${slackArn} holds no bot token yet: Slack is off (docs/slack.md, Tokens)`] };
    }
    const mode: SlackConfig['mode'] = slack.mode === 'auto' ? (slack.signingSecret || !slack.appToken ? 'http' : 'socket') : slack.mode;
    try {
      checkSlackConfig({ ...slack, mode });
    } catch (error) {
      throw new UsageError(`--slack-secret: ${(error as Error).message}`);
    }
    next = { ...next, slack: { ...slack, mode } };
  }
  return next;
}

function optional<K extends string>(key: K, value: string | undefined): Partial<Record<K, string>> {
  return value ? ({ [key]: value } as Record<K, string>) : {};
}
