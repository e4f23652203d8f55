/**
 * The workflow engine: runs an incident's playbook step by step, deterministically. It owns control
 * flow (sequence, `parallel`, `when`, `decide`, `goto`, `await-approval`), per-step timeouts and retries
 * with back-off, the record of every step, persistence after every step and resumption after a crash.
 * Handlers only read evidence and report through their StepContext.
 *
 * Guarantees (what the crash tests check):
 *   - state is saved after every step; a resumed workflow starts at its cursor, so completed steps are
 *     never run again (an interrupted step runs again; its findings are recorded idempotently);
 *   - before the first real cluster write for an action, the action's `executing` status and an
 *     execution claim keyed by the action id are on disk; an action found `executing` or claimed on
 *     resume is failed as interrupted, never executed a second time;
 *   - an EvidenceUnavailable from a step becomes an InvestigationGap and the workflow goes on.
 */
import type { Clock } from '../../core/clock.js';
import { formatDuration, parseDuration } from '../../core/duration.js';
import type { Logger } from '../../core/log.js';
import type { Alert, EvidenceSource, Incident, IncidentStatus } from '../../core/types.js';
import { isFinal } from '../intake/grouping.js';
import type { AgentMetrics } from '../metrics.js';
import { actionExecuted, approvalRequested, incidentEnded, incidentOpened, rootCauseFound } from '../notify/messages.js';
import { EvidenceUnavailable, type ClusterWriter, type EvidenceSources, type Notification, type Notifier, type StateStore } from '../ports.js';
import { applyDecision, applyExpiry } from './approvals.js';
import { evaluate, type ConditionScope } from './conditions.js';
import { awaitApprovalParams, decideParams } from './control-steps.js';
import { IncidentLedger } from './ledger.js';
import type { PlaybookLibrary } from './loader.js';
import { choosePlaybook } from './matcher.js';
import { END, isGroup, type GroupStep, type LeafStep, type Playbook, type StepSpec } from './playbook.js';
import { createRecorders, type RecordedEvent } from './recorders.js';
import type { StepRegistry } from './registry.js';
import type { SafetyPolicy, StepContext, StepHandler } from './step.js';
import { finishedStepStatuses, isWorkflowState, recordOf, truncate, type StepRecord, type WorkflowState } from './state.js';
import { renderParams } from './template.js';

export type ProcessOutcome = 'completed' | 'waiting' | 'failed' | 'interrupted' | 'gone';

export interface EngineOptions {
  store: StateStore;
  clock: Clock;
  log: Logger;
  metrics: AgentMetrics;
  registry: StepRegistry;
  library: PlaybookLibrary;
  evidence: EvidenceSources;
  cluster?: ClusterWriter;
  notifier: Notifier;
  safety: SafetyPolicy;
  /** The agent's URL as people reach it, for approve/reject commands in notifications (known once listening). */
  baseUrl: () => string;
  /** Approve every proposed action on the spot (`--auto-approve`, CI runs). */
  autoApprove?: boolean;
  /** The API needs a token: approve commands in notifications say so (never print the token). */
  tokenRequired?: boolean;
  /** Waits between retries; tests pass a fake. */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  /** Per-attempt timeout of steps that do not set one (default 30 s). */
  defaultTimeoutMs?: number;
  /** Resolution of the monitored metrics (rate window, finest step); templates see them as vars. */
  resolution?: { rateWindow: string; minStepSeconds: number };
  /** Guard against goto loops: steps one workflow may run in all (default 200). */
  maxSteps?: number;
}

/** Evidence kinds and the source a failure of theirs leaves a gap in. */
const evidenceKinds: Record<string, EvidenceSource> = {
  metrics: 'prometheus',
  kubernetes: 'kubernetes',
  logs: 'logs',
  traces: 'traces',
  cloudwatch: 'cloudwatch',
  'logs-insights': 'cloudwatch-logs',
};

/** Incident status while a step of this kind runs. */
const statusDuring: Record<string, IncidentStatus> = { remediate: 'remediating', verify: 'verifying' };

const RECORD_OUTPUT_CHARS = 4_000;
const TEMPLATE_OUTPUT_CHARS = 64_000;
const PAUSE = Symbol('pause');

class Interrupted extends Error {
  constructor() {
    super('interrupted: the agent is stopping');
  }
}

class StepFailed extends Error {}

class StepTimeout extends Error {
  constructor(ms: number) {
    super(`timed out after ${formatDuration(ms)}`);
  }
}

/** Refuses to execute an action a second time (see the guarantees above). */
export class ActionAlreadyAttempted extends Error {
  constructor(actionId: string, claimedAt: string) {
    super(`action ${actionId} was already being executed (claimed at ${claimedAt}); it is not executed twice — check its target and act by hand if needed`);
    this.name = 'ActionAlreadyAttempted';
  }
}

interface Run {
  state: WorkflowState;
  playbook: Playbook;
  ledger: IncidentLedger;
  alerts: Alert[];
  signal: AbortSignal;
  log: Logger;
  events: RecordedEvent[];
  runKey: string;
  saveChain: Promise<void>;
}

const defaultSleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });

export class WorkflowEngine {
  private readonly sleep: (ms: number, signal: AbortSignal) => Promise<void>;

  constructor(private readonly options: EngineOptions) {
    this.sleep = options.sleep ?? defaultSleep;
  }

  /**
   * Runs (or resumes) the incident's workflow until it ends, waits for approval, or the signal stops it.
   * Safe to call for any job: an incident with nothing left to do returns 'gone'.
   */
  async process(incidentId: string, signal: AbortSignal = new AbortController().signal): Promise<ProcessOutcome> {
    const { store, clock, metrics } = this.options;
    const incident = await store.getIncident(incidentId);
    if (!incident) return 'gone';
    const stored = await store.loadWorkflowState(incidentId);
    if (stored !== undefined && !isWorkflowState(stored)) throw new Error(`the workflow state of ${incidentId} is unreadable (not version 1); inspect it with GET /incidents/${incidentId}`);
    if (stored && (stored.status === 'completed' || stored.status === 'failed')) return 'gone';
    if (!stored && isFinal(incident.status)) return 'gone';
    const run: Run = {
      state: stored ?? (undefined as unknown as WorkflowState),
      playbook: undefined as unknown as Playbook,
      ledger: new IncidentLedger(store, clock, incident),
      alerts: await store.getAlerts(incident.alertIds),
      signal,
      log: this.options.log.child({ incidentId }),
      events: [],
      runKey: `${clock.now()}-${Math.random().toString(36).slice(2, 8)}`,
      saveChain: Promise.resolve(),
    };
    metrics.investigationsInFlight.inc();
    try {
      if (stored) {
        const resumed = await this.resume(run);
        if (!resumed) return 'failed';
      } else await this.start(run);
      return await this.drive(run);
    } finally {
      metrics.investigationsInFlight.dec();
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Starting, resuming, ending.
  // ---------------------------------------------------------------------------------------------

  private async start(run: Run): Promise<void> {
    const { library, clock, baseUrl } = this.options;
    const choice = choosePlaybook(library.playbooks, library.fallback, run.alerts);
    const at = new Date(clock.now()).toISOString();
    const first = choice.playbook.steps[0]!;
    run.playbook = choice.playbook;
    run.state = {
      version: 1,
      incidentId: run.ledger.id,
      playbook: { name: choice.playbook.name, file: choice.playbook.file, reason: choice.reason },
      status: 'running',
      cursor: { stepId: first.id, visit: 1 },
      visits: { [first.id]: 1 },
      records: [],
      outputs: {},
      executions: {},
      notified: [],
      startedAt: at,
      updatedAt: at,
      runs: 1,
      stepsRun: 0,
    };
    run.ledger.apply((i) => {
      i.playbook = choice.playbook.name;
      if (!isFinal(i.status)) i.status = 'investigating';
      i.milestones.investigationStartedAt ??= at;
      i.timeline.push({ at, type: 'observation', source: 'agent', summary: `investigation started: ${choice.reason}` });
    });
    run.ledger.audit({ actor: 'agent', action: 'investigation.started', detail: { playbook: choice.playbook.name, file: choice.playbook.file, reason: choice.reason } });
    run.log.info('investigation started', { playbook: choice.playbook.name, reason: choice.reason });
    await this.checkpoint(run);
    await this.notifyOnce(run, 'incident-opened', incidentOpened(run.ledger.incident, choice.playbook.name, baseUrl()));
  }

  /** Picks up a workflow a previous run (or another agent process) left; false if it cannot go on. */
  private async resume(run: Run): Promise<boolean> {
    const { library, clock } = this.options;
    const state = run.state;
    state.runs++;
    const playbook = library.get(state.playbook.name);
    if (!playbook) {
      await this.fail(run, `playbook ${state.playbook.name} (${state.playbook.file}) is no longer loaded, so its workflow cannot resume`);
      return false;
    }
    run.playbook = playbook;
    const at = new Date(clock.now()).toISOString();
    const interruptedSteps: string[] = [];
    for (const record of state.records) {
      if (record.status !== 'running') continue;
      record.status = 'interrupted';
      record.finishedAt = at;
      record.note = 'the agent stopped while this step ran; it runs again';
      interruptedSteps.push(record.id);
    }
    // An action still `executing` was cut off mid-change: we cannot know how far it got, so it is
    // failed, never executed again (the claim in state.executions says the same).
    for (const action of run.ledger.incident.actions.filter((a) => a.status === 'executing')) {
      const message = 'the agent stopped while executing this action; it is not executed again, to avoid applying it twice: check the target and finish or undo it by hand';
      run.ledger.apply((i) => {
        const a = i.actions.find((x) => x.id === action.id);
        if (!a || a.status !== 'executing') return;
        a.status = 'failed';
        a.result = { ok: false, message };
        i.timeline.push({ at, type: 'remediation', source: 'agent', summary: `${a.kind} interrupted: ${message}`, refs: [a.id] });
      });
      run.ledger.audit({ actor: 'agent', action: 'action.interrupted', detail: { actionId: action.id, kind: action.kind, target: action.target, claim: state.executions[action.id] ?? null } });
      this.options.metrics.actions.inc({ kind: action.kind, status: 'failed' });
    }
    if (state.status === 'running' || interruptedSteps.length) {
      run.ledger.apply((i) => void i.timeline.push({ at, type: 'observation', source: 'agent', summary: `investigation resumed (run ${state.runs})${interruptedSteps.length ? `; re-running interrupted step ${interruptedSteps.join(', ')}` : ''}` }));
      run.log.info('investigation resumed', { run: state.runs, cursor: state.cursor, interrupted: interruptedSteps });
    }
    await this.checkpoint(run);
    return true;
  }

  private async drive(run: Run): Promise<ProcessOutcome> {
    const maxSteps = this.options.maxSteps ?? 200;
    if (run.state.status === 'awaiting-approval' && (await this.settleApproval(run)) === 'waiting') return 'waiting';
    while (run.state.cursor) {
      if (run.signal.aborted) return 'interrupted';
      if (run.state.stepsRun >= maxSteps) {
        await this.fail(run, `ran ${maxSteps} steps without ending: a goto loop in playbook ${run.playbook.name}?`);
        return 'failed';
      }
      const { stepId, visit } = run.state.cursor;
      const spec = run.playbook.steps.find((s) => s.id === stepId);
      if (!spec) {
        await this.fail(run, `step '${stepId}' is not in playbook ${run.playbook.name} any more`);
        return 'failed';
      }
      let next: string | typeof PAUSE;
      try {
        next = await this.runEntry(run, spec, visit);
      } catch (error) {
        if (error instanceof Interrupted) {
          await this.checkpoint(run).catch((e: Error) => run.log.warn('could not checkpoint an interrupted step', { error: e.message }));
          return 'interrupted';
        }
        if (error instanceof StepFailed) {
          await this.fail(run, error.message);
          return 'failed';
        }
        throw error;
      }
      if (next === PAUSE) {
        if ((await this.settleApproval(run)) === 'waiting') return 'waiting';
        continue;
      }
      this.advance(run, next);
      await this.checkpoint(run);
      await this.sendRecordedNotifications(run);
    }
    await this.finish(run);
    return 'completed';
  }

  private advance(run: Run, next: string): void {
    if (next === END) {
      delete run.state.cursor;
      return;
    }
    const visit = (run.state.visits[next] ?? 0) + 1;
    run.state.visits[next] = visit;
    run.state.cursor = { stepId: next, visit };
  }

  private nextAfter(run: Run, spec: StepSpec): string {
    const index = run.playbook.steps.findIndex((s) => s.id === spec.id);
    return run.playbook.steps[index + 1]?.id ?? END;
  }

  private async finish(run: Run): Promise<void> {
    const { clock, metrics } = this.options;
    const at = new Date(clock.now()).toISOString();
    let outcome: IncidentStatus = 'unresolved';
    run.ledger.apply((i) => {
      if (isFinal(i.status)) {
        outcome = i.status;
        return;
      }
      const passed = i.verification?.outcome === 'passed';
      outcome = passed ? 'resolved' : 'unresolved';
      i.status = outcome;
      if (passed) i.milestones.resolvedAt ??= i.verification?.passedAt ?? at;
      i.timeline.push({ at, type: 'observation', source: 'agent', summary: passed ? 'investigation ended: the fix is verified, incident resolved' : 'investigation ended without a verified fix: incident unresolved' });
    });
    run.state.status = 'completed';
    run.state.finishedAt = at;
    run.ledger.audit({ actor: 'agent', action: 'investigation.completed', detail: { playbook: run.playbook.name, outcome, stepsRun: run.state.stepsRun } });
    await this.checkpoint(run);
    await this.sendRecordedNotifications(run);
    await this.notifyOnce(run, 'ended', incidentEnded(run.ledger.incident));
    await run.ledger.flush();
    metrics.investigationDuration.observe({ playbook: run.playbook.name, outcome }, this.secondsSinceStart(run));
    run.log.info('investigation ended', { outcome, playbook: run.playbook.name, seconds: this.secondsSinceStart(run) });
  }

  private async fail(run: Run, reason: string): Promise<void> {
    const at = new Date(this.options.clock.now()).toISOString();
    run.state.status = 'failed';
    run.state.error = reason;
    run.state.finishedAt = at;
    delete run.state.cursor;
    run.ledger.apply((i) => {
      if (!isFinal(i.status)) i.status = 'unresolved';
      i.timeline.push({ at, type: 'observation', source: 'agent', summary: `investigation failed: ${reason}` });
    });
    run.ledger.audit({ actor: 'agent', action: 'investigation.failed', detail: { playbook: run.state.playbook.name, reason } });
    run.log.error('investigation failed', { reason });
    await this.checkpoint(run);
    await this.notifyOnce(run, 'ended', incidentEnded(run.ledger.incident, `the investigation failed: ${reason}`));
    await run.ledger.flush();
    this.options.metrics.investigationDuration.observe({ playbook: run.state.playbook.name, outcome: 'failed' }, this.secondsSinceStart(run));
  }

  private secondsSinceStart(run: Run): number {
    return Math.max(0, (this.options.clock.now() - Date.parse(run.state.startedAt)) / 1000);
  }

  // ---------------------------------------------------------------------------------------------
  // Steps.
  // ---------------------------------------------------------------------------------------------

  private async runEntry(run: Run, spec: StepSpec, visit: number): Promise<string | typeof PAUSE> {
    const done = recordOf(run.state, spec.id, visit);
    const defaultNext = spec.goto ?? this.nextAfter(run, spec);
    // Saved as finished but the cursor had not moved on (a crash between the two writes).
    if (done && finishedStepStatuses.includes(done.status)) return done.next ?? defaultNext;
    if (spec.when && !evaluate(spec.when, this.scope(run))) {
      this.addRecord(run, { id: spec.id, kind: isGroup(spec) ? 'parallel' : spec.kind, visit, status: 'skipped', attempts: 0, note: 'its when condition did not hold', next: this.nextAfter(run, spec) });
      this.options.metrics.steps.inc({ kind: isGroup(spec) ? 'parallel' : spec.kind, status: 'skipped' });
      return this.nextAfter(run, spec);
    }
    run.state.stepsRun++;
    if (isGroup(spec)) {
      await this.runGroup(run, spec, visit);
      return defaultNext;
    }
    if (spec.kind === 'decide') return this.decide(run, spec, visit);
    if (spec.kind === 'await-approval') return this.enterApproval(run, spec, visit);
    const record = await this.runLeaf(run, spec, visit);
    record.next = defaultNext;
    return defaultNext;
  }

  private async runGroup(run: Run, spec: GroupStep, visit: number): Promise<void> {
    const started = this.options.clock.now();
    const group = this.addRecord(run, { id: spec.id, kind: 'parallel', visit, status: 'running', attempts: 1 });
    await this.saveState(run);
    const results = await Promise.allSettled(
      spec.parallel.map(async (child) => {
        const done = recordOf(run.state, child.id, visit);
        if (done && finishedStepStatuses.includes(done.status)) return done;
        const record = await this.runLeaf(run, child, visit, spec.id);
        // Each child is saved as it ends, so a crash mid-group does not run finished children again.
        await this.checkpoint(run);
        return record;
      }),
    );
    const rejected = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    group.finishedAt = new Date(this.options.clock.now()).toISOString();
    group.durationMs = this.options.clock.now() - started;
    group.next = spec.goto ?? this.nextAfter(run, spec);
    if (rejected) {
      group.status = rejected.reason instanceof Interrupted ? 'interrupted' : 'failed';
      group.error = (rejected.reason as Error).message;
      throw rejected.reason;
    }
    group.status = 'succeeded';
    group.output = Object.fromEntries(spec.parallel.map((child) => [child.id, recordOf(run.state, child.id, visit)?.status]));
    this.options.metrics.steps.inc({ kind: 'parallel', status: 'succeeded' });
  }

  /** Runs a handler step with its timeout and retries; throws StepFailed / Interrupted as the step says. */
  private async runLeaf(run: Run, spec: LeafStep, visit: number, group?: string): Promise<StepRecord> {
    const { registry, clock, metrics } = this.options;
    const handler = registry.get(spec.kind);
    const record = this.addRecord(run, { id: spec.id, kind: spec.kind, visit, status: 'running', attempts: 0, ...(group ? { group } : {}) });
    const started = clock.now();
    const during = statusDuring[spec.kind] ?? 'investigating';
    run.ledger.apply((i) => {
      if (!isFinal(i.status) && i.status !== during) i.status = during;
    });
    await this.saveState(run);
    let output: unknown;
    let error: string | undefined;
    let status: StepRecord['status'] = 'failed';
    try {
      if (!handler) throw new StepFailed(`no handler for step kind '${spec.kind}'`);
      const rendered = renderParams(spec.params, this.vars(run));
      record.inputs = truncate(rendered, RECORD_OUTPUT_CHARS);
      const parsed = handler.params.safeParse(rendered);
      if (!parsed.success) throw new StepFailed(`params after templating do not fit kind '${spec.kind}': ${parsed.error.issues.map((i) => `${i.path.join('.') || 'params'}: ${i.message}`).join('; ')}`);
      const timeoutMs = spec.timeout ? parseDuration(spec.timeout) : (this.options.defaultTimeoutMs ?? 30_000);
      const attempts = spec.retries + 1;
      const backoffMs = spec.backoff ? parseDuration(spec.backoff) : 1_000;
      for (let attempt = 1; attempt <= attempts; attempt++) {
        record.attempts = attempt;
        const result = await this.attempt(run, spec, handler, parsed.data, timeoutMs, `${run.runKey}/${spec.id}/${visit}/${attempt}`);
        if (result.kind === 'ok') {
          output = result.output;
          status = 'succeeded';
          error = undefined;
          break;
        }
        if (result.kind === 'interrupted') throw new Interrupted();
        error = result.error.message;
        const retryable = result.kind === 'unavailable' ? result.error.retryable : !(result.error instanceof ActionAlreadyAttempted);
        if (retryable && attempt < attempts) {
          run.log.info('step attempt failed; retrying', { step: spec.id, attempt, error });
          await this.sleep(Math.min(30_000, backoffMs * 2 ** (attempt - 1)), run.signal);
          if (run.signal.aborted) throw new Interrupted();
          continue;
        }
        if (result.kind === 'unavailable') {
          status = 'gap';
          this.recordGap(run, spec, result.error.source, result.error.reason);
        } else status = result.kind === 'timeout' ? 'timed-out' : 'failed';
        break;
      }
    } catch (caught) {
      if (caught instanceof Interrupted) {
        record.status = 'interrupted';
        record.finishedAt = new Date(clock.now()).toISOString();
        throw caught;
      }
      if (caught instanceof StepFailed) {
        this.closeRecord(record, 'failed', started, undefined, caught.message);
        metrics.steps.inc({ kind: spec.kind, status: 'failed' });
        throw caught;
      }
      // The store or the queue failed, not the step: the job is retried and the step with it.
      throw caught;
    }
    this.closeRecord(record, status, started, output, error);
    metrics.steps.inc({ kind: spec.kind, status });
    if (status === 'succeeded') run.state.outputs[spec.id] = truncate(output ?? null, TEMPLATE_OUTPUT_CHARS);
    if (status === 'failed' || status === 'timed-out') {
      const source = evidenceKinds[spec.kind];
      const onError = spec.onError ?? (source ? 'continue' : 'fail');
      if (source) this.recordGap(run, spec, source, `${status === 'timed-out' ? 'timed out' : 'failed'}: ${error}`);
      run.log.warn(`step ${status}`, { step: spec.id, kind: spec.kind, error, onError });
      if (onError === 'fail') throw new StepFailed(`step '${spec.id}' (${spec.kind}) ${status}: ${error}`);
    }
    return record;
  }

  private async attempt(
    run: Run,
    spec: LeafStep,
    handler: StepHandler,
    params: unknown,
    timeoutMs: number,
    attemptKey: string,
  ): Promise<{ kind: 'ok'; output: unknown } | { kind: 'unavailable'; error: EvidenceUnavailable } | { kind: 'timeout' | 'error'; error: Error } | { kind: 'interrupted' }> {
    const controller = new AbortController();
    const onStop = () => controller.abort(new Interrupted());
    run.signal.addEventListener('abort', onStop, { once: true });
    const timer = setTimeout(() => controller.abort(new StepTimeout(timeoutMs)), timeoutMs);
    let open = true;
    const executing: string[] = [];
    const recorders = createRecorders({
      ledger: run.ledger,
      now: () => this.options.clock.now(),
      safety: this.options.safety,
      metrics: this.options.metrics,
      log: run.log.child({ step: spec.id }),
      actor: `agent/${spec.id}`,
      isOpen: () => open,
      onEvent: (event) => {
        run.events.push(event);
        if (event.type === 'action' && event.action.status === 'executing') executing.push(event.action.id);
      },
    });
    const ledger = run.ledger;
    const context: StepContext = {
      get incident(): Incident {
        return ledger.incident;
      },
      alerts: run.alerts,
      ...(ledger.incident.target ? { target: ledger.incident.target } : {}),
      vars: this.vars(run),
      now: () => this.options.clock.now(),
      signal: controller.signal,
      log: run.log.child({ step: spec.id }),
      evidence: this.options.evidence,
      ...(this.options.cluster ? { cluster: this.guardCluster(run, this.options.cluster, spec, attemptKey, executing) } : {}),
      notifier: { notify: (n: Notification) => this.notify(run, n) },
      safety: this.options.safety,
      ...recorders,
      checkpoint: () => this.checkpoint(run),
    };
    const aborted = new Promise<never>((_, reject) => {
      controller.signal.addEventListener('abort', () => reject(controller.signal.reason), { once: true });
    });
    aborted.catch(() => undefined);
    try {
      const output = await Promise.race([handler.run(context, params as Record<string, unknown>), aborted]);
      return { kind: 'ok', output };
    } catch (error) {
      if (run.signal.aborted) return { kind: 'interrupted' };
      if (controller.signal.reason instanceof StepTimeout) return { kind: 'timeout', error: controller.signal.reason };
      if (error instanceof EvidenceUnavailable || (error as Error)?.name === 'EvidenceUnavailable') return { kind: 'unavailable', error: error as EvidenceUnavailable };
      return { kind: 'error', error: error instanceof Error ? error : new Error(String(error)) };
    } finally {
      open = false;
      clearTimeout(timer);
      run.signal.removeEventListener('abort', onStop);
    }
  }

  /**
   * The cluster as steps see it: reads and dry runs pass through; a real write must belong to an action
   * the step marked `executing`, and the first write for an action persists an execution claim (the
   * action id is the idempotency key) before the change is made.
   */
  private guardCluster(run: Run, cluster: ClusterWriter, spec: LeafStep, attemptKey: string, executing: string[]): ClusterWriter {
    const claim = async (dryRun: boolean): Promise<void> => {
      if (dryRun) return;
      const actionId = executing[executing.length - 1];
      if (!actionId) throw new Error(`step '${spec.id}' tried a cluster write outside an action: mark the action executing first (context.updateAction(id, { status: 'executing' })); its id keeps it from running twice`);
      const existing = run.state.executions[actionId];
      if (existing && existing.attemptKey !== attemptKey) throw new ActionAlreadyAttempted(actionId, existing.claimedAt);
      if (existing) return;
      run.state.executions[actionId] = { actionId, stepId: spec.id, visit: run.state.cursor?.visit ?? 1, attemptKey, claimedAt: new Date(this.options.clock.now()).toISOString() };
      await this.checkpoint(run);
    };
    return {
      deletePod: async (namespace, name, options) => (await claim(options.dryRun), cluster.deletePod(namespace, name, options)),
      evictPod: async (namespace, name, options) => (await claim(options.dryRun), cluster.evictPod(namespace, name, options)),
      patchDeployment: async (namespace, name, patch, options) => (await claim(options.dryRun), cluster.patchDeployment(namespace, name, patch, options)),
      scaleDeployment: async (namespace, name, replicas, options) => (await claim(options.dryRun), cluster.scaleDeployment(namespace, name, replicas, options)),
      patchNode: async (name, patch, options) => (await claim(options.dryRun), cluster.patchNode(name, patch, options)),
      readDeployment: (namespace, name) => cluster.readDeployment(namespace, name),
      readNode: (name) => cluster.readNode(name),
      listReplicaSets: (namespace, selector) => cluster.listReplicaSets(namespace, selector),
      listPods: (namespace, options) => cluster.listPods(namespace, options),
      listPodDisruptionBudgets: (namespace) => cluster.listPodDisruptionBudgets(namespace),
    };
  }

  private recordGap(run: Run, spec: LeafStep, source: EvidenceSource, reason: string): void {
    const at = new Date(this.options.clock.now()).toISOString();
    const gap = { source, reason, impact: `step '${spec.id}' (${spec.kind}) has no ${source} evidence; conclusions rest on the other sources` };
    run.ledger.apply((i) => {
      if (i.gaps.some((g) => g.source === gap.source && g.reason === gap.reason)) return;
      i.gaps.push(gap);
      i.timeline.push({ at, type: 'gap', source, summary: `${source} unavailable: ${reason}` });
    });
  }

  private decide(run: Run, spec: LeafStep, visit: number): string {
    const started = this.options.clock.now();
    const record = this.addRecord(run, { id: spec.id, kind: 'decide', visit, status: 'running', attempts: 1 });
    const rendered = renderParams(spec.params, this.vars(run));
    const parsed = decideParams.safeParse(rendered);
    if (!parsed.success) {
      this.closeRecord(record, 'failed', started, undefined, parsed.error.message);
      throw new StepFailed(`step '${spec.id}' (decide) has invalid params after templating: ${parsed.error.message}`);
    }
    const scope = this.scope(run);
    const index = parsed.data.branches.findIndex((b) => evaluate(b.when, scope));
    const branch = parsed.data.branches[index];
    const next = branch ? branch.goto : (parsed.data.otherwise ?? spec.goto ?? this.nextAfter(run, spec));
    const label = branch ? (branch.label ?? `branch ${index + 1}`) : 'otherwise';
    record.inputs = truncate(rendered, RECORD_OUTPUT_CHARS);
    this.closeRecord(record, 'succeeded', started, { branch: label, goto: next }, undefined);
    record.next = next;
    run.ledger.apply((i) => void i.timeline.push({ at: new Date(this.options.clock.now()).toISOString(), type: 'observation', source: 'agent', summary: `decided (${spec.id}): ${label} -> ${next}` }));
    this.options.metrics.steps.inc({ kind: 'decide', status: 'succeeded' });
    return next;
  }

  // ---------------------------------------------------------------------------------------------
  // Approval.
  // ---------------------------------------------------------------------------------------------

  private async enterApproval(run: Run, spec: LeafStep, visit: number): Promise<string | typeof PAUSE> {
    const { clock, safety, autoApprove, baseUrl, metrics } = this.options;
    const started = clock.now();
    const record = this.addRecord(run, { id: spec.id, kind: 'await-approval', visit, status: 'running', attempts: 1 });
    const parsed = awaitApprovalParams.safeParse(renderParams(spec.params, this.vars(run)));
    if (!parsed.success) {
      this.closeRecord(record, 'failed', started, undefined, parsed.error.message);
      throw new StepFailed(`step '${spec.id}' (await-approval) has invalid params: ${parsed.error.message}`);
    }
    await run.ledger.refresh();
    const at = new Date(clock.now()).toISOString();
    for (const action of run.ledger.incident.actions.filter((a) => a.status === 'proposed')) {
      if (!autoApprove && action.requiresApproval) continue;
      const by = autoApprove ? 'auto-approve' : 'policy';
      const approval = { actionId: action.id, decision: 'approved' as const, by, at, comment: autoApprove ? 'approved by --auto-approve' : `risk ${action.risk} is below the approval threshold (${safety.approvalRequiredFrom})` };
      run.ledger.apply((i) => {
        const a = i.actions.find((x) => x.id === action.id);
        if (a?.status === 'proposed') applyDecision(i, approval);
      });
      run.ledger.approval(approval);
      run.ledger.audit({ actor: by, action: 'action.approved', detail: { actionId: action.id, kind: action.kind, target: action.target, params: action.params, comment: approval.comment } });
      metrics.approvals.inc({ decision: 'auto' });
      metrics.actions.inc({ kind: action.kind, status: 'approved' });
    }
    const pending = run.ledger.incident.actions.filter((a) => a.status === 'proposed');
    if (pending.length === 0) {
      const approved = run.ledger.incident.actions.filter((a) => a.status === 'approved').map((a) => a.id);
      const next = approved.length ? (spec.goto ?? this.nextAfter(run, spec)) : (parsed.data.onNone ?? spec.goto ?? this.nextAfter(run, spec));
      this.closeRecord(record, 'succeeded', started, { approved, pending: [] }, undefined);
      record.next = next;
      if (!approved.length) record.note = 'nothing to approve';
      metrics.steps.inc({ kind: 'await-approval', status: 'succeeded' });
      return next;
    }
    const ttlMs = parsed.data.ttl ? parseDuration(parsed.data.ttl) : safety.approvalTtlSeconds * 1000;
    const expiresAt = new Date(clock.now() + ttlMs).toISOString();
    const ids = pending.map((a) => a.id);
    run.ledger.apply((i) => {
      for (const a of i.actions) if (ids.includes(a.id) && a.status === 'proposed') a.expiresAt = expiresAt;
      if (!isFinal(i.status)) i.status = 'awaiting-approval';
      i.timeline.push({ at, type: 'approval', source: 'agent', summary: `waiting for approval of ${pending.map((a) => `${a.kind} (${a.id})`).join(', ')} until ${expiresAt}` });
    });
    record.status = 'waiting';
    record.note = `waiting for a decision on ${ids.join(', ')} until ${expiresAt}`;
    run.state.status = 'awaiting-approval';
    run.state.awaiting = { stepId: spec.id, visit, actionIds: ids, since: at, expiresAt };
    run.ledger.audit({ actor: 'agent', action: 'approval.requested', detail: { actionIds: ids, expiresAt } });
    await this.checkpoint(run);
    await this.sendRecordedNotifications(run);
    for (const action of run.ledger.incident.actions.filter((a) => ids.includes(a.id))) await this.notifyOnce(run, `approval:${action.id}`, approvalRequested(run.ledger.incident, action, baseUrl(), this.options.tokenRequired ?? false));
    await run.ledger.flush();
    metrics.investigationDuration.observe({ playbook: run.playbook.name, outcome: 'awaiting-approval' }, this.secondsSinceStart(run));
    run.log.info('waiting for approval', { actions: ids, expiresAt });
    return PAUSE;
  }

  /**
   * Looks at the awaited actions (decided through the API meanwhile, or expired) and moves on when none
   * is undecided; otherwise the workflow keeps waiting and the worker is released.
   */
  private async settleApproval(run: Run): Promise<'waiting' | 'resumed'> {
    const { clock, metrics } = this.options;
    const awaiting = run.state.awaiting;
    if (!awaiting) {
      run.state.status = 'running';
      return 'resumed';
    }
    await run.ledger.refresh();
    const now = clock.now();
    const at = new Date(now).toISOString();
    for (const id of awaiting.actionIds) {
      const action = run.ledger.incident.actions.find((a) => a.id === id);
      if (!action || action.status !== 'proposed' || now < Date.parse(action.expiresAt)) continue;
      run.ledger.apply((i) => void applyExpiry(i, id, at));
      run.ledger.audit({ actor: 'agent', action: 'action.expired', detail: { actionId: id, kind: action.kind, expiresAt: action.expiresAt } });
      metrics.approvals.inc({ decision: 'expired' });
      metrics.actions.inc({ kind: action.kind, status: 'expired' });
    }
    const actions = awaiting.actionIds.map((id) => run.ledger.incident.actions.find((a) => a.id === id)).filter((a) => a !== undefined);
    if (actions.some((a) => a.status === 'proposed')) {
      if (run.ledger.dirty) await run.ledger.flush();
      return 'waiting';
    }
    const spec = run.playbook.steps.find((s) => s.id === awaiting.stepId) as LeafStep | undefined;
    const params = spec ? awaitApprovalParams.safeParse(renderParams(spec.params, this.vars(run))) : undefined;
    const p = params?.success ? params.data : {};
    const approved = actions.filter((a) => a.status === 'approved' || a.status === 'executing' || a.status === 'succeeded').map((a) => a.id);
    const rejected = actions.filter((a) => a.status === 'rejected').map((a) => a.id);
    const expired = actions.filter((a) => a.status === 'expired').map((a) => a.id);
    const next = approved.length ? (spec ? (spec.goto ?? this.nextAfter(run, spec)) : END) : rejected.length ? (p.onReject ?? END) : (p.onExpire ?? END);
    const record = recordOf(run.state, awaiting.stepId, awaiting.visit);
    if (record) {
      this.closeRecord(record, 'succeeded', Date.parse(record.startedAt), { approved, rejected, expired }, undefined);
      record.next = next;
      record.note = approved.length ? 'approved' : rejected.length ? 'rejected' : 'expired';
    }
    metrics.steps.inc({ kind: 'await-approval', status: 'succeeded' });
    run.state.status = 'running';
    delete run.state.awaiting;
    run.ledger.apply((i) => {
      if (i.status === 'awaiting-approval') i.status = 'investigating';
    });
    run.log.info('approval settled', { approved, rejected, expired, next });
    this.advance(run, next);
    await this.checkpoint(run);
    return 'resumed';
  }

  // ---------------------------------------------------------------------------------------------
  // Records, persistence, notifications, template variables.
  // ---------------------------------------------------------------------------------------------

  private addRecord(run: Run, record: Omit<StepRecord, 'startedAt'>): StepRecord {
    const full: StepRecord = { ...record, startedAt: new Date(this.options.clock.now()).toISOString() };
    run.state.records.push(full);
    return full;
  }

  private closeRecord(record: StepRecord, status: StepRecord['status'], started: number, output: unknown, error: string | undefined): void {
    const now = this.options.clock.now();
    record.status = status;
    record.finishedAt = new Date(now).toISOString();
    record.durationMs = Math.max(0, now - started);
    if (output !== undefined) record.output = truncate(output, RECORD_OUTPUT_CHARS);
    if (error !== undefined) record.error = error;
    else delete record.error;
  }

  /** Incident first, then the workflow state (see the guarantees at the top). */
  private async checkpoint(run: Run): Promise<void> {
    await run.ledger.flush();
    await this.saveState(run);
  }

  private saveState(run: Run): Promise<void> {
    const save = run.saveChain.then(async () => {
      run.state.updatedAt = new Date(this.options.clock.now()).toISOString();
      await this.options.store.saveWorkflowState(run.state.incidentId, run.state);
    });
    run.saveChain = save.catch(() => undefined);
    return save;
  }

  private async sendRecordedNotifications(run: Run): Promise<void> {
    const events = run.events.splice(0);
    for (const event of events) {
      const incident = run.ledger.incident;
      if (event.type === 'root-cause' && incident.rootCause) {
        const rc = event.rootCause;
        await this.notifyOnce(run, `root-cause:${rc.kind}:${rc.target.kind}/${rc.target.namespace ?? ''}/${rc.target.name}`, rootCauseFound(incident));
      } else if (event.type === 'action' && (event.action.status === 'succeeded' || event.action.status === 'failed' || event.action.status === 'rolled-back')) {
        await this.notifyOnce(run, `action:${event.action.id}:${event.action.status}`, actionExecuted(incident, event.action));
      }
    }
  }

  private async notifyOnce(run: Run, key: string, notification: Notification): Promise<void> {
    if (run.state.notified.includes(key)) return;
    run.state.notified.push(key);
    await this.notify(run, notification);
  }

  /** Notifier failures are logged and counted, never fatal: the investigation matters more than the message. */
  private async notify(run: Run, notification: Notification): Promise<void> {
    // A playbook that announced the outcome itself (a notify step) is not echoed by the automatic one.
    if ((notification.kind === 'incident-resolved' || notification.kind === 'incident-unresolved') && !run.state.notified.includes('ended')) run.state.notified.push('ended');
    try {
      await this.options.notifier.notify(notification);
      this.options.metrics.notifications.inc({ kind: notification.kind, result: 'sent' });
      run.ledger.apply((i) => void i.timeline.push({ at: new Date(this.options.clock.now()).toISOString(), type: 'notification', source: 'agent', summary: `notified: ${notification.kind}` }));
    } catch (error) {
      this.options.metrics.notifications.inc({ kind: notification.kind, result: 'failed' });
      run.log.warn('notification failed', { kind: notification.kind, error: (error as Error).message });
    }
  }

  private scope(run: Run): ConditionScope {
    return { incident: run.ledger.incident, alerts: run.alerts, vars: this.vars(run) };
  }

  /** What templates and `var` conditions see (docs/playbooks/README.md lists it). */
  private vars(run: Run): Record<string, unknown> {
    const incident = run.ledger.incident;
    const now = this.options.clock.now();
    const firing = run.alerts.filter((a) => a.status === 'firing');
    const rank = { critical: 3, warning: 2, info: 1 } as const;
    const primary = [...(firing.length ? firing : run.alerts)].sort((a, b) => rank[b.severity] - rank[a.severity])[0];
    const earliest = Math.min(...run.alerts.map((a) => Date.parse(a.startsAt)).filter(Number.isFinite), now);
    const start = earliest - parseDuration(run.playbook.window);
    const seconds = Math.max(1, Math.round((now - start) / 1000));
    const alertVars = (a: Alert) => ({ name: a.name, source: a.source, status: a.status, severity: a.severity, summary: a.summary, description: a.description, labels: a.labels, annotations: a.annotations, startsAt: a.startsAt, fingerprint: a.fingerprint });
    return {
      incident: { id: incident.id, title: incident.title, severity: incident.severity, status: incident.status, playbook: run.playbook.name },
      target: incident.target ?? {},
      alert: primary ? alertVars(primary) : {},
      alerts: run.alerts.map(alertVars),
      labels: primary?.labels ?? {},
      steps: run.state.outputs,
      rootCause: incident.rootCause ?? null,
      window: {
        start: Math.floor(start / 1000),
        end: Math.floor(now / 1000),
        startIso: new Date(start).toISOString(),
        endIso: new Date(now).toISOString(),
        seconds,
        duration: formatDuration(seconds * 1000),
        // A range-query step giving about 240 points over the window, never below a scrape interval.
        stepSeconds: Math.max(this.options.resolution?.minStepSeconds ?? 15, Math.ceil(seconds / 240)),
      },
      rateWindow: this.options.resolution?.rateWindow ?? '5m',
      minStepSeconds: this.options.resolution?.minStepSeconds ?? 15,
      now: new Date(now).toISOString(),
    };
  }
}
