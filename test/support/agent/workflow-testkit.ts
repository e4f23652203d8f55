/**
 * Stand-ins for the platform's tests and benchmarks: stub step handlers for every evidence, analysis
 * and remediation kind (the real ones live in agent/steps and are tested there), a recording notifier,
 * a fake cluster, a store and queue that can "crash" (every call hangs, like a killed process), and a
 * small playbook exercising every control kind. Not used by the agent itself.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import type { Alert, EvidenceSource, RootCauseKind } from '../../../core/types.js';
import type { AgentConfig } from '../../../agent/config.js';
import { defaultSafety } from '../../../agent/config.js';
import { EvidenceUnavailable, type ClusterWriter, type Notification, type Notifier, type StateStore, type WorkQueue } from '../../../agent/ports.js';
import { defineStep, type StepContext, type StepHandler } from '../../../agent/workflow/step.js';

export type StubBehaviour =
  | { mode: 'ok' }
  | { mode: 'unavailable'; retryable?: boolean; times?: number }
  | { mode: 'throw'; message?: string; times?: number }
  | { mode: 'hang' }
  | { mode: 'delay'; ms: number };

/** Shared by the stub handlers: what they did, and what they should do next. */
export class StubWorld {
  readonly runs: Record<string, number> = {};
  readonly behaviour: Record<string, StubBehaviour> = {};
  rootCause: RootCauseKind = 'memory-leak';
  confidence = 0.9;
  /** Resolves the next time any stub starts running its kind (for crash tests). */
  readonly started: { kind: string; incidentId: string }[] = [];
  /** Called right after the remediate stub's cluster write (a crash test hangs here). */
  afterWrite?: () => Promise<void>;
  verifyOutcome: 'passed' | 'failed' = 'passed';
  /** Statuses of the actions the remediate stub executes (a careless handler would include 'executing'). */
  remediateStatuses: string[] = ['approved'];
  private failures: Record<string, number> = {};

  async enter(kind: string, context: StepContext): Promise<void> {
    this.runs[kind] = (this.runs[kind] ?? 0) + 1;
    this.started.push({ kind, incidentId: context.incident.id });
    // Crash tests look at the latest starts; a soak must not keep them all.
    if (this.started.length > 1000) this.started.splice(0, this.started.length - 100);
    const behaviour = this.behaviour[kind] ?? { mode: 'ok' };
    if (behaviour.mode === 'hang') await new Promise<never>(() => undefined);
    if (behaviour.mode === 'delay') await sleep(behaviour.ms, context.signal);
    if (behaviour.mode === 'unavailable' || behaviour.mode === 'throw') {
      const failed = (this.failures[kind] = (this.failures[kind] ?? 0) + 1);
      if (behaviour.times === undefined || failed <= behaviour.times) {
        if (behaviour.mode === 'throw') throw new Error(behaviour.message ?? `${kind} stub failed`);
        throw new EvidenceUnavailable(sourceOf(kind), `${kind} stub: connection refused`, behaviour.retryable ?? false);
      }
    }
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(signal.reason);
    }, { once: true });
  });
}

const sourceOf = (kind: string): EvidenceSource => (({ metrics: 'prometheus', kubernetes: 'kubernetes', logs: 'logs', traces: 'traces', cloudwatch: 'cloudwatch', 'logs-insights': 'cloudwatch-logs' }) as Record<string, EvidenceSource>)[kind] ?? 'prometheus';

const evidenceStub = (world: StubWorld, kind: string, findingKind: string): StepHandler => defineStep({
  kind,
  description: `stub ${kind} evidence`,
  params: z.object({ query: z.string().optional(), window: z.number().optional() }).strict(),
  gapSource: sourceOf(kind),
  async run(context, params) {
    await world.enter(kind, context);
    const target = context.incident.target;
    const finding = context.finding({
      source: sourceOf(kind),
      kind: findingKind,
      summary: `${kind}: ${findingKind} on ${target?.name ?? 'cluster'}`,
      severity: 'warning',
      observedAt: new Date(context.now()).toISOString(),
      ...(target ? { subject: target } : {}),
      ...(typeof params.query === 'string' ? { query: params.query } : {}),
    });
    return { finding: finding.id, query: params.query ?? null, window: params.window ?? null };
  },
});

/** One stub handler per kind the brains engineer implements for real. */
export function stubHandlers(world: StubWorld): StepHandler[] {
  const empty = z.object({}).strict();
  return [
    evidenceStub(world, 'metrics', 'memory-near-limit'),
    evidenceStub(world, 'kubernetes', 'oom-killed'),
    evidenceStub(world, 'logs', 'error-burst'),
    evidenceStub(world, 'traces', 'slow-downstream'),
    evidenceStub(world, 'cloudwatch', 'container-insights-memory'),
    evidenceStub(world, 'logs-insights', 'oom-log-lines'),
    {
      kind: 'analyse',
      description: 'stub analysis: root cause from the world',
      params: empty,
      async run(context) {
        await world.enter('analyse', context);
        const target = context.incident.target ?? { kind: 'Deployment' as const, namespace: 'petadoptions', name: 'petsite' };
        const supporting = context.incident.findings.map((f) => f.id);
        context.hypothesis({ kind: world.rootCause, target, confidence: world.confidence, summary: `stub ${world.rootCause}`, supportingFindings: supporting, contradictingFindings: [] });
        context.setRootCause({
          kind: world.rootCause,
          target: { kind: target.kind, ...(target.namespace ? { namespace: target.namespace } : {}), name: target.name },
          confidence: world.confidence,
          summary: `stub ${world.rootCause} of ${target.name}`,
          evidence: context.incident.findings.map((f) => ({ source: f.source, summary: f.summary, findingId: f.id })),
        });
        return { rootCause: world.rootCause };
      },
    },
    defineStep({
      kind: 'recommend',
      description: 'stub: proposes a rollout restart needing approval',
      params: z.object({ requiresApproval: z.boolean().default(true) }).strict(),
      async run(context, params) {
        await world.enter('recommend', context);
        const target = context.incident.target ?? { kind: 'Deployment' as const, namespace: 'petadoptions', name: 'petsite' };
        const action = context.proposeAction({
          kind: 'rollout-restart',
          target: { kind: 'Deployment', ...(target.namespace ? { namespace: target.namespace } : {}), name: target.name },
          params: {},
          rationale: 'restarting frees the leaked memory until the fix ships',
          risk: 'medium',
          requiresApproval: params.requiresApproval,
          dryRun: { method: 'computed', diff: ['- kubectl.kubernetes.io/restartedAt: (none)', '+ kubectl.kubernetes.io/restartedAt: now'], warnings: [] },
          rollback: { description: 'nothing to undo: a restart replaces pods with identical ones' },
        });
        return { actionId: action.id };
      },
    }),
    {
      kind: 'remediate',
      description: 'stub: executes approved actions through the cluster writer',
      params: empty,
      incidentStatus: 'remediating',
      async run(context) {
        await world.enter('remediate', context);
        const executed: string[] = [];
        for (const action of context.incident.actions.filter((a) => world.remediateStatuses.includes(a.status))) {
          context.updateAction(action.id, { status: 'executing' });
          await context.cluster!.patchDeployment(action.target.namespace!, action.target.name, { spec: { template: { metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': 'now' } } } } }, { dryRun: false, patchType: 'strategic' });
          await world.afterWrite?.();
          context.updateAction(action.id, { status: 'succeeded', executedAt: new Date(context.now()).toISOString(), result: { ok: true, message: 'restarted' } });
          executed.push(action.id);
        }
        return { executed };
      },
    },
    {
      kind: 'verify',
      description: 'stub verification',
      params: empty,
      incidentStatus: 'verifying',
      async run(context) {
        await world.enter('verify', context);
        const at = new Date(context.now()).toISOString();
        context.setVerification({ check: 'memory below 80% of limit for 60s', holdSeconds: 60, startedAt: at, outcome: world.verifyOutcome, ...(world.verifyOutcome === 'passed' ? { passedAt: at } : {}) });
        return { outcome: world.verifyOutcome };
      },
    },
  ];
}

/** A cluster that records writes (and says which were dry runs). */
export class FakeCluster implements ClusterWriter {
  readonly writes: { method: string; target: string; dryRun: boolean }[] = [];
  private record(method: string, target: string, dryRun: boolean) {
    this.writes.push({ method, target, dryRun });
    return Promise.resolve({ ok: true });
  }
  realWrites() {
    return this.writes.filter((w) => !w.dryRun);
  }
  deletePod(namespace: string, name: string, options: { dryRun: boolean }) {
    return this.record('deletePod', `${namespace}/${name}`, options.dryRun);
  }
  evictPod(namespace: string, name: string, options: { dryRun: boolean }) {
    return this.record('evictPod', `${namespace}/${name}`, options.dryRun);
  }
  patchDeployment(namespace: string, name: string, _patch: unknown, options: { dryRun: boolean }) {
    return this.record('patchDeployment', `${namespace}/${name}`, options.dryRun);
  }
  scaleDeployment(namespace: string, name: string, _replicas: number, options: { dryRun: boolean }) {
    return this.record('scaleDeployment', `${namespace}/${name}`, options.dryRun);
  }
  patchNode(name: string, _patch: unknown, options: { dryRun: boolean }) {
    return this.record('patchNode', name, options.dryRun);
  }
  async readDeployment() {
    return {};
  }
  async readNode() {
    return {};
  }
  async listReplicaSets() {
    return [];
  }
  async listPods() {
    return [];
  }
  async listPodDisruptionBudgets() {
    return [];
  }
}

export class RecordingNotifier implements Notifier {
  readonly sent: (Notification & { at: number })[] = [];
  /** Keep only the latest this many (soaks must not retain every incident). */
  constructor(private readonly keep = Number.POSITIVE_INFINITY) {}
  private waiters: { match: (n: Notification) => boolean; resolve: (n: Notification) => void }[] = [];
  async notify(notification: Notification): Promise<void> {
    this.sent.push({ ...notification, at: performance.now() });
    if (this.sent.length > this.keep) this.sent.splice(0, this.sent.length - this.keep);
    this.waiters = this.waiters.filter((w) => (w.match(notification) ? (w.resolve(notification), false) : true));
  }
  kinds(incidentId?: string): string[] {
    return this.sent.filter((n) => !incidentId || n.incident.id === incidentId).map((n) => n.kind);
  }
  /** Resolves with the first notification (already sent or coming) that matches. */
  next(match: (n: Notification) => boolean): Promise<Notification> {
    const found = this.sent.find(match);
    if (found) return Promise.resolve(found);
    return new Promise((resolve) => this.waiters.push({ match, resolve }));
  }
}

/**
 * A store or queue that can die: after `crash()`, every call hangs forever, which is what a killed
 * process looks like to the code that was running in it.
 */
export function crashable<T extends object>(target: T): T & { crash(): void } {
  let crashed = false;
  const proxy = new Proxy(target, {
    get(object, property, receiver) {
      if (property === 'crash') return () => (crashed = true);
      const value = Reflect.get(object, property, receiver) as unknown;
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        if (crashed) return new Promise(() => undefined);
        const result = (value as (...a: unknown[]) => unknown).apply(object, args);
        if (result instanceof Promise) return result.then((r) => (crashed ? new Promise(() => undefined) : r));
        return result;
      };
    },
  });
  return proxy as T & { crash(): void };
}

export type CrashableStore = StateStore & { crash(): void };
export type CrashableQueue = WorkQueue & { crash(): void };

/** A playbook using every control kind: parallel evidence, analysis, decide, approval, remediation, verification. */
export const memoryLeakPlaybook = `# test playbook
name: memory-leak
description: Stub memory leak investigation.
priority: 10
match:
  alertnames: [ContainerMemoryNearLimit, ContainerMemoryGrowingToLimit]
  labels:
    namespace: petadoptions
steps:
  - id: evidence
    parallel:
      - id: memory
        kind: metrics
        params:
          query: 'container_memory_working_set_bytes{namespace="{{target.namespace}}", pod=~"{{target.name}}-.*"}'
          window: "{{window.seconds}}"
        retries: 2
        backoff: 10ms
      - id: pods
        kind: kubernetes
      - id: logs
        kind: logs
  - id: analyse
    kind: analyse
  - id: route
    kind: decide
    params:
      branches:
        - when: { rootCause: { kind: memory-leak, minConfidence: 0.5 } }
          goto: recommend
          label: leak found
      otherwise: no-cause
  - id: recommend
    kind: recommend
  - id: approval
    kind: await-approval
    params:
      onReject: rejected
  - id: remediate
    kind: remediate
  - id: verify
    kind: verify
    goto: end
  - id: no-cause
    kind: notify
    params:
      text: "no root cause for {{incident.id}}"
    goto: end
  - id: rejected
    kind: notify
    params:
      kind: incident-unresolved
      text: "fix for {{incident.id}} rejected"
`;

/** A playbook for any alert, without approval (benchmarks, concurrency tests). */
export const quickPlaybook = `name: quick
description: Evidence, analysis and a notification.
priority: 1
match:
  labels:
    namespace: { exists: true }
steps:
  - id: evidence
    parallel:
      - { id: memory, kind: metrics }
      - { id: pods, kind: kubernetes }
  - id: analyse
    kind: analyse
  - id: tell
    kind: notify
    params:
      text: "root cause {{rootCause.kind}} for {{target.name}}"
`;

export function playbookDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'agent-playbooks-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

export function tempDir(prefix = 'agent-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  mkdirSync(dir, { recursive: true });
  return dir;
}

export function testConfig(overrides: Partial<AgentConfig> = {}): AgentConfig {
  return {
    host: '127.0.0.1',
    port: 0,
    dataDir: tmpdir(),
    sqlitePath: ':memory:',
    store: 'sqlite',
    queue: 'sqlite',
    aws: {},
    concurrency: 2,
    visibilityMs: 60_000,
    maxAttempts: 5,
    groupWindowMs: 30 * 60_000,
    // Tests and benchmarks measure the platform, not the senders' rate limit (test/security/alerts.test.ts does).
    alertRatePerMinute: 1_000_000,
    sweepIntervalMs: 60_000,
    stepTimeoutMs: 5_000,
    metrics: { rateWindow: '5m', minStepSeconds: 15 },
    playbookDirs: [playbookDir({ 'memory-leak.yaml': memoryLeakPlaybook })],
    evidence: { logGroups: [] },
    safety: { ...defaultSafety },
    autoApprove: false,
    logLevel: 'error',
    ...overrides,
  };
}

/** A firing alert like the intake makes from Alertmanager's ContainerMemoryNearLimit. */
export function memoryAlert(overrides: Partial<Alert> & { pod?: string; deployment?: string } = {}): Alert {
  const deployment = overrides.deployment ?? 'petsite';
  const pod = overrides.pod ?? `${deployment}-7d4b9c6f5b-x2k8q`;
  const { pod: _p, deployment: _d, ...rest } = overrides;
  const fingerprint = rest.fingerprint ?? `fp-${pod}`;
  return {
    id: `alertmanager:${fingerprint}`,
    fingerprint,
    source: 'alertmanager',
    name: 'ContainerMemoryNearLimit',
    status: 'firing',
    severity: 'warning',
    summary: `Container petadoptions/${pod} ${deployment} is close to its memory limit`,
    labels: { alertname: 'ContainerMemoryNearLimit', namespace: 'petadoptions', pod, container: deployment, deployment, severity: 'warning' },
    annotations: {},
    startsAt: '2026-11-25T09:00:00.000Z',
    receivedAt: '2026-11-25T09:00:30.000Z',
    target: { kind: 'Deployment', namespace: 'petadoptions', name: deployment, container: deployment },
    ...rest,
  };
}
