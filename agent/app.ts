/**
 * Composition of the agent: store, queue, intake, playbooks, engine, workers, notifier and HTTP API,
 * wired from an AgentConfig. Everything with a side effect can be handed in (`deps`) so tests and
 * benchmarks run the real composition with stub step handlers, a manual clock or mocked AWS clients.
 *
 * Step handlers come from agent/steps/index.ts (`export const stepHandlers: StepHandler[]`); evidence
 * sources and the cluster writer from agent/evidence/index.ts (`createEvidenceSources(options)` and
 * `createClusterWriter(options)`, options = EvidenceFactoryOptions below). A source that is not
 * configured is absent, and evidence steps record the gap.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type Database from 'better-sqlite3';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname } from 'node:path';
import { systemClock, type Clock } from '../core/clock.js';
import { isFinal, moveIncident } from '../core/incident-lifecycle.js';
import { createLogger, type Logger } from '../core/log.js';
import type { Alert, Incident } from '../core/types.js';
import { Credentials } from './api/credentials.js';
import { createApi, type Mount, type Readiness } from './api/server.js';
import { createConsole, type WebConsole } from './console/index.js';
import type { AgentConfig, EvidenceConfig } from './config.js';
import { parseAnyEvent } from './intake/events.js';
import { Intake, type IntakeResult } from './intake/intake.js';
import { ratePoliciesFor } from './intake/rate-limit.js';
import { SqsEventConsumer } from './intake/sqs-consumer.js';
import { AgentMetrics } from './metrics.js';
import { ConsoleNotifier, FanOutNotifier } from './notify/console-notifier.js';
import type { ClusterWriter, EvidenceSources, Job, Notifier, StateStore, WorkQueue } from './ports.js';
import { queuePriorityOf } from './queue/priority.js';
import { SqliteWorkQueue } from './queue/sqlite-queue.js';
import { SqsWorkQueue } from './queue/sqs-queue.js';
import { WorkerPool } from './queue/worker-pool.js';
import { DynamoDbStateStore } from './store/dynamodb-store.js';
import { mutateIncident } from './store/mutate.js';
import { StorageHealth, watchWrites } from './store/health.js';
import { openSqlite, SqliteStateStore } from './store/sqlite-store.js';
import { ApprovalDesk } from './workflow/approvals.js';
import { WorkflowEngine, type ProcessOutcome } from './workflow/engine.js';
import { PlaybookLibrary } from './workflow/loader.js';
import { StepRegistry } from './workflow/registry.js';
import { isWorkflowState } from './workflow/state.js';
import type { StepHandler } from './workflow/step.js';

/** What agent/evidence/index.ts's factories receive. */
export interface EvidenceFactoryOptions extends EvidenceConfig {
  clock: Clock;
  log: Logger;
}

export interface AgentDeps {
  clock?: Clock;
  log?: Logger;
  /** Step handlers to register (default: agent/steps/index.ts). */
  stepHandlers?: readonly StepHandler[];
  /** Evidence sources (default: agent/evidence/index.ts's factory). */
  evidence?: EvidenceSources;
  /** Cluster writer for remediation; null for none (default: agent/evidence/index.ts's factory). */
  cluster?: ClusterWriter | null;
  notifier?: Notifier;
  /** Where the console notifier writes (default stdout; null: log only). */
  notifierOut?: { write(text: string): unknown } | null;
  store?: StateStore;
  queue?: WorkQueue;
  sqsClient?: SQSClient;
  dynamoDbClient?: DynamoDBClient;
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  /** Idle workers' poll interval (default 500 ms). */
  pollIntervalMs?: number;
}

export interface Agent {
  readonly config: AgentConfig;
  readonly store: StateStore;
  readonly queue: WorkQueue;
  readonly intake: Intake;
  readonly engine: WorkflowEngine;
  readonly desk: ApprovalDesk;
  readonly metrics: AgentMetrics;
  readonly registry: StepRegistry;
  readonly library: PlaybookLibrary;
  readonly pool: WorkerPool;
  readonly app: ReturnType<typeof createApi>;
  /** Where the API listens, once started. */
  readonly url: string;
  /** Listens, recovers unfinished work, starts the workers (and the SQS alarm consumer when configured). */
  start(): Promise<void>;
  /** Stops taking work, lets in-flight steps finish or checkpoint within `graceMs`, closes everything. */
  stop(options?: { graceMs?: number }): Promise<void>;
  readiness(): Promise<Readiness>;
  /** Re-queues unfinished incidents (what `start` does after a restart). */
  recover(): Promise<{ reclaimedLeases: number; requeued: number }>;
  /** One investigation in-process, to its end or its approval point (`devops-agent investigate`). */
  investigate(payload: unknown): Promise<{ results: IntakeResult[]; incidents: Incident[]; outcomes: Record<string, ProcessOutcome> }>;
  /** Alerts straight into intake (tests, benchmarks). */
  accept(alerts: readonly Alert[]): Promise<IntakeResult[]>;
}

export async function createAgent(config: AgentConfig, deps: AgentDeps = {}): Promise<Agent> {
  const clock = deps.clock ?? systemClock;
  const log = deps.log ?? createLogger('devops-agent', { level: config.logLevel, now: () => clock.now() });
  const metrics = new AgentMetrics();

  let db: Database.Database | undefined;
  const sqlite = () => (db ??= openSqlite(config.sqlitePath));
  const backingStore: StateStore =
    deps.store ??
    (config.store === 'dynamodb'
      ? new DynamoDbStateStore({ tableName: config.aws.dynamodbTable!, ...(deps.dynamoDbClient ? { client: deps.dynamoDbClient } : {}), ...(config.aws.region ? { region: config.aws.region } : {}), ...(config.aws.dynamodbEndpoint ? { endpoint: config.aws.dynamodbEndpoint } : {}) })
      : new SqliteStateStore(sqlite()));
  // A full disk (or table) turns writes into 503s and /readyz not ready until a write succeeds again.
  const probe = (backingStore as { probeWrite?: () => Promise<void> }).probeWrite?.bind(backingStore);
  const storage = new StorageHealth({
    ...(probe ? { probe } : {}),
    where: config.store === 'dynamodb' && !deps.store ? `table ${config.aws.dynamodbTable}` : config.sqlitePath === ':memory:' ? 'memory' : dirname(config.sqlitePath),
    now: () => clock.now(),
  });
  const store = watchWrites(backingStore, storage, ['saveAlert', 'putIncident', 'saveWorkflowState', 'recordApproval', 'appendAudit']);

  // A job past its attempt limit keeps failing (or killing the agent): give its incident up, visibly.
  const giveUp = async (job: Job, reason: string) => {
    metrics.deadLetters.inc();
    log.error('job dead-lettered; its incident is given up', { incidentId: job.incidentId, attempts: job.attempts, reason });
    const at = new Date(clock.now()).toISOString();
    try {
      await mutateIncident(
        store,
        job.incidentId,
        (i) => {
          if (isFinal(i.status)) return false;
          moveIncident(i, 'unresolved');
          i.timeline.push({ at, type: 'observation', source: 'agent', summary: `investigation given up after ${job.attempts} attempts: ${reason}` });
        },
        { clock },
      );
      const state = await store.loadWorkflowState(job.incidentId);
      if (isWorkflowState(state)) await store.saveWorkflowState(job.incidentId, { ...state, status: 'failed', error: `dead-lettered: ${reason}`, finishedAt: at });
      await store.appendAudit({ at, incidentId: job.incidentId, actor: 'agent', action: 'investigation.dead-lettered', detail: { attempts: job.attempts, reason } });
    } catch (error) {
      log.error('could not record a dead-lettered job', { incidentId: job.incidentId, error: (error as Error).message });
    }
  };
  const queue: WorkQueue = watchWrites(
    deps.queue ??
      (config.queue === 'sqs'
        ? new SqsWorkQueue({ queueUrl: config.aws.workQueueUrl!, clock, log: log.child({ component: 'queue' }), ...(deps.sqsClient ? { client: deps.sqsClient } : {}), ...(config.aws.region ? { region: config.aws.region } : {}) })
        : new SqliteWorkQueue(sqlite(), { clock, maxAttempts: config.maxAttempts, onDeadLetter: (job, reason) => void giveUp(job, reason) })),
    storage,
    ['enqueue', 'ack', 'release'],
  );
  metrics.trackQueueDepth(() => queue.depth());

  const handlers = deps.stepHandlers ?? (await import('./steps/index.js')).stepHandlers;
  const registry = new StepRegistry(handlers);
  const library = PlaybookLibrary.load({ dirs: config.playbookDirs, registry });
  for (const warning of library.warnings) log.warn(warning);
  log.info('playbooks loaded', { playbooks: library.playbooks.map((p) => p.name), fallback: library.fallback.name, kinds: registry.kinds() });

  const factoryOptions: EvidenceFactoryOptions = { ...config.evidence, clock, log: log.child({ component: 'evidence' }) };
  // Loaded on demand: the AWS and Kubernetes clients behind them are heavy, and tests hand in their own.
  const evidenceModule = deps.evidence && deps.cluster !== undefined ? undefined : await import('./evidence/index.js');
  const evidence = deps.evidence ?? (await evidenceModule!.createEvidenceSources(factoryOptions));
  const cluster = deps.cluster === null ? undefined : (deps.cluster ?? (await evidenceModule!.createClusterWriter(factoryOptions)));
  const consoleNotifier = deps.notifier ?? new ConsoleNotifier({ log: log.child({ component: 'notifier' }), ...(deps.notifierOut !== undefined ? { out: deps.notifierOut } : {}) });

  let url = `http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${config.port}`;
  const baseUrl = () => config.publicUrl ?? url;
  const credentials = new Credentials({ ...config.credentials, ...(config.apiToken ? { apiToken: config.apiToken } : {}) });
  // What approve commands in notifications send: the operator token file they read, the legacy
  // variable, or (false) the placeholder $DEVOPS_AGENT_TOKEN_FILE. Never the token.
  const commandCredential: boolean | string = config.curlTokenFile ?? (config.credentials?.operators.length ? false : Boolean(config.apiToken));
  const desk = new ApprovalDesk({ store, queue, clock, log: log.child({ component: 'approvals' }), metrics, onEnqueued: () => pool.kick() });
  // Slack (agent/notify/slack), loaded only when configured: Bolt and its Web API client are heavy.
  const slack = config.slack && config.slack.mode !== 'auto'
    ? (await import('./notify/slack/app.js')).createSlackApp({
        config: { ...config.slack, mode: config.slack.mode },
        store,
        desk,
        links: {
          consoleUrl: (incident) => `${baseUrl()}/console/incidents/${encodeURIComponent(incident.id)}`,
          ...(config.evidence.prometheusUrl ? { graphUrl: (promql: string) => `${config.evidence.prometheusUrl!.replace(/\/+$/, '')}/graph?g0.expr=${encodeURIComponent(promql)}&g0.tab=0&g0.range_input=1h` } : {}),
        },
        ...(evidence.metrics ? { metrics: evidence.metrics } : {}),
        rateWindow: config.metrics.rateWindow,
        clock,
        log: log.child({ component: 'slack' }),
      })
    : undefined;
  const notifier = slack ? new FanOutNotifier([consoleNotifier, slack.notifier]) : consoleNotifier;
  const engine = new WorkflowEngine({
    store,
    clock,
    log: log.child({ component: 'engine' }),
    metrics,
    registry,
    library,
    evidence,
    ...(cluster ? { cluster } : {}),
    notifier,
    safety: config.safety,
    baseUrl,
    autoApprove: config.autoApprove,
    tokenRequired: commandCredential,
    defaultTimeoutMs: config.stepTimeoutMs,
    resolution: config.metrics,
    ...(deps.sleep ? { sleep: deps.sleep } : {}),
  });
  const pool = new WorkerPool({
    queue,
    concurrency: config.concurrency,
    visibilityMs: config.visibilityMs,
    log: log.child({ component: 'workers' }),
    ...(deps.pollIntervalMs ? { pollIntervalMs: deps.pollIntervalMs } : {}),
    handle: async (job, signal) => ((await engine.process(job.incidentId, signal)) === 'interrupted' ? 'interrupted' : 'done'),
  });
  const intake = new Intake({ store, queue, clock, log: log.child({ component: 'intake' }), metrics, groupWindowMs: config.groupWindowMs, onEnqueued: () => pool.kick(), ...(config.alertRatePerMinute ? { rateLimits: ratePoliciesFor(config.alertRatePerMinute) } : {}) });

  const readiness = async (): Promise<Readiness> => {
    const checks: Record<string, string> = {};
    let ready = true;
    try {
      await store.listIncidents({ limit: 1 });
      const writable = await storage.check();
      checks.store = writable.ok ? 'ok' : writable.detail;
      if (!writable.ok) ready = false;
    } catch (error) {
      ready = false;
      checks.store = `unreachable: ${(error as Error).message}`;
    }
    try {
      await queue.depth();
      checks.queue = 'ok';
    } catch (error) {
      ready = false;
      checks.queue = `unreachable: ${(error as Error).message}`;
    }
    const count = registry.handlerCount();
    checks.handlers = count > 0 ? `${count} step kinds registered` : 'no step handlers registered (agent/steps/index.ts missing?)';
    if (count === 0) ready = false;
    checks.playbooks = `${library.playbooks.length} loaded, fallback ${library.fallback.name}`;
    return { ready, checks };
  };
  let listening: { host: string; port: number } | undefined;
  // Apps beside the API (server.ts `mounts`): each adds its entry here, one line each.
  const mounts: Mount[] = [];
  const webConsole: WebConsole | undefined = config.console === false ? undefined : createConsole({ store, desk, credentials, clock, log: log.child({ component: 'console' }), ...(config.evidence.prometheusUrl ? { prometheusUrl: config.evidence.prometheusUrl } : {}), secure: config.publicUrl?.startsWith('https://') ?? false });
  if (webConsole) mounts.push({ path: '/console', handler: webConsole.router });
  if (slack?.router) mounts.push({ path: '/slack', handler: slack.router });
  const app = createApi({
    intake,
    store,
    desk,
    metrics,
    log: log.child({ component: 'api' }),
    readiness,
    credentials,
    listening: () => listening,
    ...(config.publicUrl ? { publicUrl: config.publicUrl } : {}),
    allowedHosts: config.allowedHosts ?? [],
    allowedOrigins: config.allowedOrigins ?? [],
    mounts,
    clock,
  });
  const consumer = config.aws.alarmQueueUrl
    ? new SqsEventConsumer({ queueUrl: config.aws.alarmQueueUrl, intake, metrics, log: log.child({ component: 'sqs-alarms' }), ...(deps.sqsClient ? { client: deps.sqsClient } : {}), ...(config.aws.region ? { region: config.aws.region } : {}) })
    : undefined;

  let server: Server | undefined;
  let sweeper: NodeJS.Timeout | undefined;

  const recover = async () => {
    const reclaimedLeases = queue instanceof SqliteWorkQueue ? queue.reclaimLeases() : 0;
    let requeued = 0;
    let cursor: string | undefined;
    do {
      const page = await store.listIncidents({ status: ['open', 'investigating', 'remediating', 'verifying'], limit: 200, ...(cursor ? { cursor } : {}) });
      for (const incident of page.items) {
        const state = await store.loadWorkflowState(incident.id);
        if (isWorkflowState(state) && (state.status === 'completed' || state.status === 'failed')) continue;
        const alerts = await store.getAlerts(incident.alertIds);
        await queue.enqueue({ incidentId: incident.id, priority: queuePriorityOf(alerts), dedupeKey: incident.id });
        requeued++;
      }
      cursor = page.cursor;
    } while (cursor);
    requeued += await desk.sweep();
    if (reclaimedLeases || requeued) log.info('recovered unfinished work', { reclaimedLeases, requeued });
    return { reclaimedLeases, requeued };
  };

  const agent: Agent = {
    config,
    store,
    queue,
    intake,
    engine,
    desk,
    metrics,
    registry,
    library,
    pool,
    app,
    get url() {
      return url;
    },
    async start() {
      server = await new Promise<Server>((resolve, reject) => {
        const s = app.listen(config.port, config.host, (error?: Error) => (error ? reject(error) : resolve(s)));
        s.once('error', reject);
      });
      const address = server.address() as AddressInfo;
      listening = { host: config.host, port: address.port };
      url = `http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${address.port}`;
      for (const warning of [...(config.warnings ?? []), ...accessWarnings(credentials, config.host)]) log.warn(warning);
      await recover();
      pool.start();
      sweeper = setInterval(() => {
        desk.sweep().catch((error: Error) => log.warn('approval sweep failed', { error: error.message }));
      }, config.sweepIntervalMs);
      sweeper.unref();
      consumer?.start();
      // Slack's connection never holds the agent up: an unreachable Slack or a revoked token is logged.
      slack?.start().catch((error: Error) => log.error('Slack did not start; notifications go to the other notifiers', { error: error.message }));
      log.info('agent started', { url, store: config.store, queue: config.queue, concurrency: config.concurrency, alarmQueue: config.aws.alarmQueueUrl ?? null });
    },
    async stop(options = {}) {
      if (sweeper) clearInterval(sweeper);
      webConsole?.close();
      await consumer?.stop();
      await slack?.stop();
      const closing = server ? new Promise<void>((resolve) => server!.close(() => resolve())) : Promise.resolve();
      server?.closeIdleConnections?.();
      await pool.stop(options.graceMs ?? 10_000);
      server?.closeAllConnections?.();
      await closing;
      if (db?.open) db.close();
      log.info('agent stopped');
    },
    readiness,
    recover,
    async investigate(payload) {
      const { alerts } = parseAnyEvent(payload, new Date(clock.now()).toISOString());
      const results = await intake.accept(alerts);
      const ids = [...new Set(results.filter((r) => r.outcome === 'opened' || r.outcome === 'grouped').map((r) => r.incidentId!))];
      const outcomes: Record<string, ProcessOutcome> = {};
      for (const id of ids) outcomes[id] = await engine.process(id);
      const incidents = (await Promise.all(ids.map((id) => store.getIncident(id)))).filter((i): i is Incident => i !== undefined);
      return { results, incidents, outcomes };
    },
    accept: (alerts) => intake.accept(alerts),
  };
  return agent;
}

/** What the API's access lets through, said at start when it is more than it should be. */
function accessWarnings(credentials: Credentials, host: string): string[] {
  if (!credentials.configured) {
    return [
      `the API has no credentials: webhooks and reads are open to whoever reaches ${host}, and nobody can approve over HTTP; give --webhook-token-file and --operator-tokens-file (docs/agent-configuration.md, Access)`,
    ];
  }
  const warnings: string[] = [];
  if (!credentials.requires('webhook')) warnings.push('no webhook credential: every webhook delivery is refused (401); give --webhook-token-file');
  if (!credentials.requires('operator')) warnings.push('no operator tokens: nobody can read incidents or approve over HTTP; give --operator-tokens-file');
  return warnings;
}
