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
 *
 * Its parts, one file each: run.ts (what they share: a run, records, checkpoints, the cursor),
 * run-lifecycle.ts (start, resume, finish, fail), drive.ts (the loop, groups, `decide`), leaf-step.ts
 * (one handler step: timeout, retries, attempt, gaps), approval-gate.ts (`await-approval`),
 * cluster-guard.ts (execution claims), template-vars.ts, notifications.ts.
 */
import { isFinal } from '../../core/incident-lifecycle.js';
import { drive, type ProcessOutcome } from './drive.js';
import { IncidentLedger } from './ledger.js';
import type { Engine, EngineOptions, RunBase } from './run.js';
import { resumeRun, startRun } from './run-lifecycle.js';
import { isWorkflowState } from './state.js';

export type { EngineOptions } from './run.js';
export type { ProcessOutcome } from './drive.js';
export { ActionAlreadyAttempted } from './cluster-guard.js';

export class WorkflowEngine {
  private readonly engine: Engine;

  constructor(options: EngineOptions) {
    this.engine = { ...options, sleep: options.sleep ?? ((ms, signal) => options.clock.sleep(ms, signal)) };
  }

  /**
   * Runs (or resumes) the incident's workflow until it ends, waits for approval, or the signal stops it.
   * Safe to call for any job: an incident with nothing left to do returns 'gone'.
   */
  async process(incidentId: string, signal: AbortSignal = new AbortController().signal): Promise<ProcessOutcome> {
    const engine = this.engine;
    const { store, clock, metrics } = engine;
    const incident = await store.getIncident(incidentId);
    if (!incident) return 'gone';
    const stored = await store.loadWorkflowState(incidentId);
    if (stored !== undefined && !isWorkflowState(stored)) throw new Error(`the workflow state of ${incidentId} is unreadable (not version 1); inspect it with GET /incidents/${incidentId}`);
    if (stored && (stored.status === 'completed' || stored.status === 'failed')) return 'gone';
    if (!stored && isFinal(incident.status)) return 'gone';
    const base: RunBase = {
      ledger: new IncidentLedger(store, clock, incident),
      alerts: await store.getAlerts(incident.alertIds),
      signal,
      log: engine.log.child({ incidentId }),
      events: [],
      runKey: `${clock.now()}-${Math.random().toString(36).slice(2, 8)}`,
      saveChain: Promise.resolve(),
    };
    metrics.investigationsInFlight.inc();
    try {
      const run = stored ? await resumeRun(engine, { ...base, state: stored }) : await startRun(engine, base);
      if (!run) return 'failed';
      return await drive(engine, run);
    } finally {
      metrics.investigationsInFlight.dec();
    }
  }
}
