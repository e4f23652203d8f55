/**
 * What the engine's parts share: the engine's options, one run of an incident's workflow (its state,
 * playbook, working copy of the incident, stop signal), the step records, persistence (checkpoint:
 * incident first, then the workflow state) and moving the cursor. engine.ts describes the guarantees
 * these keep.
 */
import type { Clock } from '../../core/clock.js';
import { formatDuration } from '../../core/duration.js';
import type { Logger } from '../../core/log.js';
import type { Alert } from '../../core/types.js';
import type { AgentMetrics } from '../metrics.js';
import type { ClusterWriter, EvidenceSources, Notifier, StateStore } from '../ports.js';
import type { IncidentLedger } from './ledger.js';
import type { PlaybookLibrary } from './loader.js';
import { END, type Playbook, type StepSpec } from './playbook.js';
import type { RecordedEvent } from './recorders.js';
import type { StepRegistry } from './registry.js';
import type { SafetyPolicy } from './step.js';
import { truncate, type StepRecord, type WorkflowState } from './state.js';

/** Waits `ms`; resolves early or rejects when `signal` aborts. */
export type RetryWait = (ms: number, signal: AbortSignal) => Promise<void>;

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
  /**
   * How approve commands in notifications send the credential (never the token itself): the operator
   * token file they read (a path), true for the legacy $DEVOPS_AGENT_API_TOKEN, false for a placeholder file.
   */
  tokenRequired?: boolean | string;
  /** Waits between retries (default: the clock's sleep); tests pass a fake. */
  sleep?: RetryWait;
  /** Per-attempt timeout of steps that do not set one (default 30 s). */
  defaultTimeoutMs?: number;
  /** Resolution of the monitored metrics (rate window, finest step); templates see them as vars. */
  resolution?: { rateWindow: string; minStepSeconds: number };
  /** Guard against goto loops: steps one workflow may run in all (default 200). */
  maxSteps?: number;
}

/** The engine's options as its parts use them (defaults resolved). */
export interface Engine extends Omit<EngineOptions, 'sleep'> {
  sleep: RetryWait;
}

/** A run before its workflow state is known (a new one is started, a stored one resumed). */
export interface RunBase {
  ledger: IncidentLedger;
  alerts: Alert[];
  signal: AbortSignal;
  log: Logger;
  /** Root causes and action changes recorded by steps, waiting to be notified. */
  events: RecordedEvent[];
  /** Distinguishes this run's attempts from another run's in execution claims. */
  runKey: string;
  saveChain: Promise<void>;
}

export interface StatefulRun extends RunBase {
  state: WorkflowState;
}

export interface Run extends StatefulRun {
  playbook: Playbook;
}

export const RECORD_OUTPUT_CHARS = 4_000;
export const TEMPLATE_OUTPUT_CHARS = 64_000;

/** What a step returns when the workflow waits (for approval) instead of moving on. */
export const PAUSE = Symbol('pause');
export type Next = string | typeof PAUSE;

/** The agent is stopping: the step is abandoned and runs again on resume. */
export class Interrupted extends Error {
  constructor() {
    super('interrupted: the agent is stopping');
  }
}

/** The workflow cannot go on (a step failed with `onError: fail`, bad params after templating). */
export class StepFailed extends Error {}

export class StepTimeout extends Error {
  constructor(ms: number) {
    super(`timed out after ${formatDuration(ms)}`);
  }
}

export function isoNow(engine: Engine): string {
  return new Date(engine.clock.now()).toISOString();
}

export function secondsSinceStart(engine: Engine, run: StatefulRun): number {
  return Math.max(0, (engine.clock.now() - Date.parse(run.state.startedAt)) / 1000);
}

export function addRecord(engine: Engine, run: StatefulRun, record: Omit<StepRecord, 'startedAt'>): StepRecord {
  const full: StepRecord = { ...record, startedAt: isoNow(engine) };
  run.state.records.push(full);
  return full;
}

export function closeRecord(engine: Engine, record: StepRecord, status: StepRecord['status'], started: number, output: unknown, error: string | undefined): void {
  const now = engine.clock.now();
  record.status = status;
  record.finishedAt = new Date(now).toISOString();
  record.durationMs = Math.max(0, now - started);
  if (output !== undefined) record.output = truncate(output, RECORD_OUTPUT_CHARS);
  if (error !== undefined) record.error = error;
  else delete record.error;
}

/** Incident first, then the workflow state (see the guarantees in engine.ts). */
export async function checkpoint(engine: Engine, run: StatefulRun): Promise<void> {
  await run.ledger.flush();
  await saveState(engine, run);
}

/** Saves the workflow state; saves are chained so an older state never overwrites a newer one. */
export function saveState(engine: Engine, run: StatefulRun): Promise<void> {
  const save = run.saveChain.then(async () => {
    run.state.updatedAt = isoNow(engine);
    await engine.store.saveWorkflowState(run.state.incidentId, run.state);
  });
  run.saveChain = save.catch(() => undefined);
  return save;
}

/** Moves the cursor to `next` (a new visit of it), or ends the workflow at END. */
export function advance(run: Run, next: string): void {
  if (next === END) {
    delete run.state.cursor;
    return;
  }
  const visit = (run.state.visits[next] ?? 0) + 1;
  run.state.visits[next] = visit;
  run.state.cursor = { stepId: next, visit };
}

/** The step after `spec` in the playbook, or END after the last one. */
export function nextAfter(run: Run, spec: StepSpec): string {
  const index = run.playbook.steps.findIndex((s) => s.id === spec.id);
  return run.playbook.steps[index + 1]?.id ?? END;
}
