/**
 * The agent's configuration: flag > environment variable > default, for every setting. The option
 * table is also what `devops-agent --help` prints and what docs/agent-configuration.md lists, so the
 * documentation cannot drift from the behaviour.
 */
import { packageRoot } from '../lib/platform/package-root.js';
import { kitStateDir } from '../core/state-dir.js';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseDuration, formatDuration } from '../core/duration.js';
import type { SafetyPolicy } from './workflow/step.js';

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
  sweepIntervalMs: number;
  stepTimeoutMs: number;
  /** Metric resolution of the monitored cluster: rate()/increase() window and the finest range step. */
  metrics: { rateWindow: string; minStepSeconds: number };
  playbookDirs: string[];
  evidence: EvidenceConfig;
  safety: SafetyPolicy;
  autoApprove: boolean;
  /** When set, webhooks, incidents, approvals and audit need `Authorization: Bearer <token>` or `X-Api-Key`. */
  apiToken?: string;
  logLevel: 'debug' | 'info' | 'warn' | 'error';
}

/** What the evidence adapters need to reach their sources (passed to agent/evidence's factory). */
export interface EvidenceConfig {
  kubeconfig?: string;
  mcpUrl?: string;
  prometheusUrl?: string;
  xrayEndpoint?: string;
  region?: string;
  clusterName?: string;
  logGroups: string[];
}

export type Command = 'serve' | 'investigate';

export interface AgentOption {
  flag: string;
  value?: string;
  env?: string;
  describe: string;
  commands: readonly Command[];
}

const both: Command[] = ['serve', 'investigate'];
const serve: Command[] = ['serve'];

export const agentOptions: readonly AgentOption[] = [
  { flag: '--event', value: 'FILE', describe: 'the event to investigate: an Alertmanager webhook, a CloudWatch alarm event, an MCP anomaly alert or an alert with labels (auto-detected)', commands: ['investigate'] },
  { flag: '--json', describe: 'print the incident (with its workflow) as JSON on stdout', commands: ['investigate'] },
  { flag: '--host', value: 'HOST', env: 'DEVOPS_AGENT_HOST', describe: 'address to listen on (default 127.0.0.1; 0.0.0.0 in a pod)', commands: serve },
  { flag: '--port', value: 'PORT', env: 'DEVOPS_AGENT_PORT', describe: 'HTTP port (default 18080, the local target\'s agent port)', commands: serve },
  { flag: '--public-url', value: 'URL', env: 'DEVOPS_AGENT_PUBLIC_URL', describe: 'URL people use to reach the API, shown in approve/reject commands (default http://HOST:PORT)', commands: both },
  { flag: '--data-dir', value: 'DIR', env: 'DEVOPS_AGENT_DATA_DIR', describe: 'where the SQLite store and queue live (default ${XDG_STATE_HOME:-~/.local/state}/eks-incident-kit/agent)', commands: both },
  { flag: '--sqlite-path', value: 'FILE', env: 'DEVOPS_AGENT_SQLITE_PATH', describe: 'the SQLite file itself (default DATA_DIR/agent.sqlite; investigate: in memory)', commands: both },
  { flag: '--store', value: 'KIND', env: 'DEVOPS_AGENT_STORE', describe: 'state store: sqlite (default) or dynamodb', commands: serve },
  { flag: '--queue', value: 'KIND', env: 'DEVOPS_AGENT_QUEUE', describe: 'work queue: sqlite (default) or sqs', commands: serve },
  { flag: '--dynamodb-table', value: 'NAME', env: 'DEVOPS_AGENT_DYNAMODB_TABLE', describe: 'DynamoDB table of the state store (with --store dynamodb)', commands: serve },
  { flag: '--dynamodb-endpoint', value: 'URL', env: 'DEVOPS_AGENT_DYNAMODB_ENDPOINT', describe: 'DynamoDB endpoint override (DynamoDB Local)', commands: serve },
  { flag: '--work-queue-url', value: 'URL', env: 'DEVOPS_AGENT_WORK_QUEUE_URL', describe: 'SQS queue of investigation jobs (with --queue sqs)', commands: serve },
  { flag: '--alarm-queue-url', value: 'URL', env: 'DEVOPS_AGENT_ALARM_QUEUE_URL', describe: 'SQS queue EventBridge delivers CloudWatch alarm events to (consumed when set)', commands: serve },
  { flag: '--region', value: 'REGION', env: 'AWS_REGION', describe: 'AWS region of DynamoDB, SQS, CloudWatch and X-Ray', commands: both },
  { flag: '--concurrency', value: 'N', env: 'DEVOPS_AGENT_CONCURRENCY', describe: 'investigations run at once (default 4)', commands: serve },
  { flag: '--visibility-timeout', value: 'DURATION', env: 'DEVOPS_AGENT_VISIBILITY_TIMEOUT', describe: 'how long a leased job stays hidden without a heartbeat (default 2m)', commands: serve },
  { flag: '--max-attempts', value: 'N', env: 'DEVOPS_AGENT_MAX_ATTEMPTS', describe: 'leases of one job before it is dead-lettered (default 5)', commands: serve },
  { flag: '--group-window', value: 'DURATION', env: 'DEVOPS_AGENT_GROUP_WINDOW', describe: 'related alerts join an open incident active within this window (default 30m)', commands: both },
  { flag: '--step-timeout', value: 'DURATION', env: 'DEVOPS_AGENT_STEP_TIMEOUT', describe: 'timeout of steps that set none (default 30s)', commands: both },
  { flag: '--rate-window', value: 'DURATION', env: 'DEVOPS_AGENT_RATE_WINDOW', describe: 'window of rate()/increase() in metric checks; match the alert rules (default 5m; 30s on the fast local target)', commands: both },
  { flag: '--min-step', value: 'DURATION', env: 'DEVOPS_AGENT_MIN_STEP', describe: 'finest step of range queries, about the scrape interval (default 15s; 2s on the fast local target)', commands: both },
  { flag: '--playbooks', value: 'DIR[,DIR]', env: 'DEVOPS_AGENT_PLAYBOOKS', describe: 'playbook folders (default agent/playbooks)', commands: both },
  { flag: '--kubeconfig', value: 'FILE', env: 'KUBECONFIG', describe: 'kubeconfig of the cluster (default: in-cluster service account, else ~/.kube/config; `investigate` without any source flag uses the running local target)', commands: both },
  { flag: '--mcp-url', value: 'URL', env: 'DEVOPS_AGENT_MCP_URL', describe: 'Prometheus MCP server (streamable HTTP), the agent\'s metrics source', commands: both },
  { flag: '--prometheus-url', value: 'URL', env: 'PROMETHEUS_URL', describe: 'Prometheus HTTP API, used directly when no MCP server is set', commands: both },
  { flag: '--xray-endpoint', value: 'URL', env: 'DEVOPS_AGENT_XRAY_ENDPOINT', describe: 'X-Ray API endpoint override (the local target\'s X-Ray subset)', commands: both },
  { flag: '--cluster-name', value: 'NAME', env: 'DEVOPS_AGENT_CLUSTER_NAME', describe: 'EKS cluster name (Container Insights dimensions, Logs Insights groups)', commands: both },
  { flag: '--log-groups', value: 'NAME[,NAME]', env: 'DEVOPS_AGENT_LOG_GROUPS', describe: 'CloudWatch log groups for Logs Insights (default from the cluster name)', commands: both },
  { flag: '--allowed-namespaces', value: 'NS[,NS]', env: 'DEVOPS_AGENT_ALLOWED_NAMESPACES', describe: 'namespaces actions may touch (default petadoptions; kube-system never)', commands: both },
  { flag: '--approval-from', value: 'RISK', env: 'DEVOPS_AGENT_APPROVAL_FROM', describe: 'actions at or above this risk need a human approval: low, medium (default) or high', commands: both },
  { flag: '--approval-ttl', value: 'DURATION', env: 'DEVOPS_AGENT_APPROVAL_TTL', describe: 'how long an approval request stays open (default 15m)', commands: both },
  { flag: '--max-pods-per-action', value: 'N', env: 'DEVOPS_AGENT_MAX_PODS_PER_ACTION', describe: 'pods one action may delete or evict (default 3)', commands: both },
  { flag: '--min-replicas', value: 'N', env: 'DEVOPS_AGENT_MIN_REPLICAS', describe: 'scaling never goes below (default 1)', commands: both },
  { flag: '--max-replicas', value: 'N', env: 'DEVOPS_AGENT_MAX_REPLICAS', describe: 'scaling never goes above (default 10)', commands: both },
  { flag: '--api-token', value: 'TOKEN', env: 'DEVOPS_AGENT_API_TOKEN', describe: 'require this token (Authorization: Bearer, or X-Api-Key) on every route but health and metrics; set it whenever the port is reachable by others', commands: serve },
  { flag: '--auto-approve', env: 'DEVOPS_AGENT_AUTO_APPROVE', describe: 'approve every proposed action at once (CI and rehearsals only)', commands: both },
  { flag: '--log-level', value: 'LEVEL', env: 'LOG_LEVEL', describe: 'debug, info (default), warn or error', commands: both },
  { flag: '--help', describe: 'show this help', commands: both },
];

/** Bad input on the command line: the CLI exits 2 with this one-line message. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export type FlagValues = Record<string, string | boolean | undefined>;

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

/** Flag > environment variable > default. Throws UsageError with the offending flag on bad input. */
export function resolveAgentConfig(command: Command, flags: FlagValues, env: NodeJS.ProcessEnv = process.env): AgentConfig {
  const pick = (flag: string): string | undefined => {
    const value = flags[flag];
    if (typeof value === 'string') return value;
    const option = agentOptions.find((o) => o.flag === `--${flag}`);
    return option?.env && env[option.env] ? env[option.env] : undefined;
  };
  const bool = (flag: string) => flags[flag] === true || isTruthy(env[agentOptions.find((o) => o.flag === `--${flag}`)?.env ?? ''] ?? '');
  const list = (flag: string) => pick(flag)?.split(',').map((s) => s.trim()).filter(Boolean);
  const oneOf = <T extends string>(flag: string, values: readonly T[], fallback: T): T => {
    const value = pick(flag) ?? fallback;
    if (!values.includes(value as T)) throw new UsageError(`--${flag} must be one of ${values.join(', ')} (got "${value}")`);
    return value as T;
  };
  const duration = (flag: string, fallback: string): number => {
    const text = pick(flag) ?? fallback;
    try {
      const ms = parseDuration(text);
      if (ms <= 0) throw new Error('not positive');
      return ms;
    } catch {
      throw new UsageError(`--${flag} must be a duration like 30s, 5m or 1h (got "${text}")`);
    }
  };

  const host = pick('host') ?? '127.0.0.1';
  const port = integer(pick('port') ?? '18080', '--port', 0, 65_535);
  const dataDir = resolve(pick('data-dir') ?? defaultDataDir(env));
  const sqlitePath = pick('sqlite-path') ?? (command === 'investigate' && !pick('data-dir') ? ':memory:' : join(dataDir, 'agent.sqlite'));
  const store = oneOf('store', ['sqlite', 'dynamodb'] as const, 'sqlite');
  const queue = oneOf('queue', ['sqlite', 'sqs'] as const, 'sqlite');
  const region = pick('region') ?? env.AWS_DEFAULT_REGION;
  const aws = {
    ...(region ? { region } : {}),
    ...(pick('dynamodb-table') ? { dynamodbTable: pick('dynamodb-table') } : {}),
    ...(pick('dynamodb-endpoint') ? { dynamodbEndpoint: pick('dynamodb-endpoint') } : {}),
    ...(pick('work-queue-url') ? { workQueueUrl: pick('work-queue-url') } : {}),
    ...(pick('alarm-queue-url') ? { alarmQueueUrl: pick('alarm-queue-url') } : {}),
  };
  if (store === 'dynamodb' && !aws.dynamodbTable) throw new UsageError('--store dynamodb needs --dynamodb-table NAME (or DEVOPS_AGENT_DYNAMODB_TABLE)');
  if (queue === 'sqs' && !aws.workQueueUrl) throw new UsageError('--queue sqs needs --work-queue-url URL (or DEVOPS_AGENT_WORK_QUEUE_URL)');
  const minReplicas = integer(pick('min-replicas') ?? String(defaultSafety.minReplicas), '--min-replicas', 0, 1000);
  const maxReplicas = integer(pick('max-replicas') ?? String(defaultSafety.maxReplicas), '--max-replicas', 1, 1000);
  if (minReplicas > maxReplicas) throw new UsageError(`--min-replicas ${minReplicas} is above --max-replicas ${maxReplicas}`);
  const allowedNamespaces = list('allowed-namespaces') ?? defaultSafety.allowedNamespaces;
  if (allowedNamespaces.includes('kube-system')) throw new UsageError('--allowed-namespaces must not include kube-system: the agent never acts there');
  const publicUrl = pick('public-url');
  const logLevel = oneOf('log-level', ['debug', 'info', 'warn', 'error'] as const, 'info');
  return {
    host,
    port,
    ...(publicUrl ? { publicUrl: publicUrl.replace(/\/+$/, '') } : {}),
    dataDir,
    sqlitePath,
    store,
    queue,
    aws,
    concurrency: integer(pick('concurrency') ?? '4', '--concurrency', 1, 256),
    visibilityMs: duration('visibility-timeout', '2m'),
    maxAttempts: integer(pick('max-attempts') ?? '5', '--max-attempts', 1, 100),
    groupWindowMs: duration('group-window', '30m'),
    sweepIntervalMs: 5_000,
    stepTimeoutMs: duration('step-timeout', '30s'),
    metrics: { rateWindow: formatDuration(duration('rate-window', '5m')), minStepSeconds: Math.max(1, Math.round(duration('min-step', '15s') / 1000)) },
    playbookDirs: (list('playbooks') ?? [defaultPlaybookDir]).map((dir) => resolve(dir)),
    evidence: {
      ...optional('kubeconfig', pick('kubeconfig')),
      ...optional('mcpUrl', pick('mcp-url')),
      ...optional('prometheusUrl', pick('prometheus-url')),
      ...optional('xrayEndpoint', pick('xray-endpoint')),
      ...optional('region', region),
      ...optional('clusterName', pick('cluster-name')),
      logGroups: list('log-groups') ?? [],
    },
    safety: {
      allowedNamespaces,
      minReplicas,
      maxReplicas,
      maxPodsPerAction: integer(pick('max-pods-per-action') ?? String(defaultSafety.maxPodsPerAction), '--max-pods-per-action', 1, 1000),
      approvalRequiredFrom: oneOf('approval-from', ['low', 'medium', 'high'] as const, defaultSafety.approvalRequiredFrom),
      approvalTtlSeconds: Math.round(duration('approval-ttl', '15m') / 1000),
    },
    autoApprove: bool('auto-approve'),
    ...(pick('api-token') ? { apiToken: pick('api-token')! } : {}),
    logLevel,
  };
}

function optional<K extends string>(key: K, value: string | undefined): Partial<Record<K, string>> {
  return value ? ({ [key]: value } as Record<K, string>) : {};
}

function integer(text: string, flag: string, min: number, max: number): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < min || value > max) throw new UsageError(`${flag} must be a whole number from ${min} to ${max} (got "${text}")`);
  return value;
}

function isTruthy(value: string): boolean {
  return ['1', 'true', 'yes', 'on'].includes(value.trim().toLowerCase());
}

/** `--help` text for a command, from the option table. */
export function helpText(command?: Command): string {
  const lines = [
    'devops-agent: investigates alerts on EKS (or the local target) and proposes safe, approved fixes.',
    '',
    'Usage:',
    '  devops-agent serve [options]                      run the agent: HTTP API, webhooks, workers',
    '  devops-agent investigate --event FILE [--json]    investigate one event in-process and print the incident',
    '',
  ];
  for (const cmd of command ? [command] : (['serve', 'investigate'] as const)) {
    lines.push(`Options of ${cmd}:`);
    for (const option of agentOptions.filter((o) => o.commands.includes(cmd))) {
      const left = `  ${option.flag}${option.value ? ` ${option.value}` : ''}`;
      lines.push(`${left.padEnd(34)} ${option.describe}${option.env ? ` [env ${option.env}]` : ''}`);
    }
    lines.push('');
  }
  lines.push('Configuration reference: docs/agent-configuration.md');
  return lines.join('\n');
}

