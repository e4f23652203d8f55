/**
 * Running one handler step: its params templated and validated, each attempt under its timeout with a
 * fresh StepContext (recorders, the guarded cluster, the stop signal), retries with exponential
 * back-off, and the outcome on the step's record. What the kind implies comes from its handler: the
 * incident's status while it runs, and the evidence source a failure leaves a gap in (such a step goes
 * on after failing unless the playbook says `onError: fail`).
 */
import { isFinal, moveIncident } from '../../core/incident-lifecycle.js';
import { parseDuration } from '../../core/duration.js';
import type { EvidenceSource, Incident } from '../../core/types.js';
import { EvidenceUnavailable, type Notification } from '../ports.js';
import { ActionAlreadyAttempted, claimExecution, guardCluster } from './cluster-guard.js';
import { notify } from './notifications.js';
import type { LeafStep } from './playbook.js';
import { createRecorders } from './recorders.js';
import { addRecord, checkpoint, closeRecord, Interrupted, isoNow, RECORD_OUTPUT_CHARS, saveState, StepFailed, StepTimeout, TEMPLATE_OUTPUT_CHARS, type Engine, type Run } from './run.js';
import type { StepContext, StepHandler } from './step.js';
import { truncate, type StepRecord } from './state.js';
import { renderParams } from './template.js';
import { templateVars } from './template-vars.js';

type AttemptResult = { kind: 'ok'; output: unknown } | { kind: 'unavailable'; error: EvidenceUnavailable } | { kind: 'timeout' | 'error'; error: Error } | { kind: 'interrupted' };

/** Runs a handler step with its timeout and retries; throws StepFailed / Interrupted as the step says. */
export async function runLeaf(engine: Engine, run: Run, spec: LeafStep, visit: number, group?: string): Promise<StepRecord> {
  const { registry, clock, metrics } = engine;
  const handler = registry.get(spec.kind);
  const record = addRecord(engine, run, { id: spec.id, kind: spec.kind, visit, status: 'running', attempts: 0, ...(group ? { group } : {}) });
  const started = clock.now();
  const during = handler?.incidentStatus ?? 'investigating';
  run.ledger.apply((i) => {
    if (!isFinal(i.status)) moveIncident(i, during);
  });
  await saveState(engine, run);
  let output: unknown;
  let error: string | undefined;
  let status: StepRecord['status'] = 'failed';
  try {
    if (!handler) throw new StepFailed(`no handler for step kind '${spec.kind}'`);
    const rendered = renderParams(spec.params, templateVars(engine, run));
    record.inputs = truncate(rendered, RECORD_OUTPUT_CHARS);
    const parsed = handler.params.safeParse(rendered);
    if (!parsed.success) throw new StepFailed(`params after templating do not fit kind '${spec.kind}': ${parsed.error.issues.map((i) => `${i.path.join('.') || 'params'}: ${i.message}`).join('; ')}`);
    const timeoutMs = spec.timeout ? parseDuration(spec.timeout) : (engine.defaultTimeoutMs ?? 30_000);
    const attempts = spec.retries + 1;
    const backoffMs = spec.backoff ? parseDuration(spec.backoff) : 1_000;
    for (let attempt = 1; attempt <= attempts; attempt++) {
      record.attempts = attempt;
      const result = await runAttempt(engine, run, spec, handler, parsed.data, timeoutMs, `${run.runKey}/${spec.id}/${visit}/${attempt}`);
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
        await waitBeforeRetry(engine, run, Math.min(30_000, backoffMs * 2 ** (attempt - 1)));
        continue;
      }
      if (result.kind === 'unavailable') {
        status = 'gap';
        recordGap(engine, run, spec, result.error.source, result.error.reason);
      } else status = result.kind === 'timeout' ? 'timed-out' : 'failed';
      break;
    }
  } catch (caught) {
    if (caught instanceof Interrupted) {
      record.status = 'interrupted';
      record.finishedAt = isoNow(engine);
      throw caught;
    }
    if (caught instanceof StepFailed) {
      closeRecord(engine, record, 'failed', started, undefined, caught.message);
      metrics.steps.inc({ kind: spec.kind, status: 'failed' });
      throw caught;
    }
    // The store or the queue failed, not the step: the job is retried and the step with it.
    throw caught;
  }
  closeRecord(engine, record, status, started, output, error);
  metrics.steps.inc({ kind: spec.kind, status });
  if (status === 'succeeded') run.state.outputs[spec.id] = truncate(output ?? null, TEMPLATE_OUTPUT_CHARS);
  if (status === 'failed' || status === 'timed-out') {
    const source = handler?.gapSource;
    const onError = spec.onError ?? (source ? 'continue' : 'fail');
    if (source) recordGap(engine, run, spec, source, `${status === 'timed-out' ? 'timed out' : 'failed'}: ${error}`);
    run.log.warn(`step ${status}`, { step: spec.id, kind: spec.kind, error, onError });
    if (onError === 'fail') throw new StepFailed(`step '${spec.id}' (${spec.kind}) ${status}: ${error}`);
  }
  return record;
}

/** The back-off before the next attempt; the agent stopping meanwhile interrupts the step. */
async function waitBeforeRetry(engine: Engine, run: Run, ms: number): Promise<void> {
  try {
    await engine.sleep(ms, run.signal);
  } catch (error) {
    if (!run.signal.aborted) throw error;
  }
  if (run.signal.aborted) throw new Interrupted();
}

async function runAttempt(engine: Engine, run: Run, spec: LeafStep, handler: StepHandler, params: Record<string, unknown>, timeoutMs: number, attemptKey: string): Promise<AttemptResult> {
  const controller = new AbortController();
  const onStop = () => controller.abort(new Interrupted());
  run.signal.addEventListener('abort', onStop, { once: true });
  const timer = setTimeout(() => controller.abort(new StepTimeout(timeoutMs)), timeoutMs);
  let open = true;
  const executing: string[] = [];
  const recorders = createRecorders({
    ledger: run.ledger,
    now: () => engine.clock.now(),
    safety: engine.safety,
    metrics: engine.metrics,
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
    vars: templateVars(engine, run),
    now: () => engine.clock.now(),
    sleep: (ms, signal) => engine.clock.sleep(ms, signal),
    signal: controller.signal,
    log: run.log.child({ step: spec.id }),
    evidence: engine.evidence,
    ...(engine.cluster ? { cluster: guardCluster(engine, run, engine.cluster, spec, attemptKey, executing) } : {}),
    notifier: { notify: (n: Notification) => notify(engine, run, n) },
    safety: engine.safety,
    ...recorders,
    checkpoint: () => checkpoint(engine, run),
    recordPlan: async (actionId, planned) => {
      if (!executing.includes(actionId)) throw new Error(`step '${spec.id}' saved a plan for action ${actionId}, which it has not marked executing`);
      await claimExecution(engine, run, spec, attemptKey, actionId, planned);
    },
    executionClaim: (actionId) => {
      const claim = run.state.executions[actionId];
      return claim ? structuredClone(claim) : undefined;
    },
  };
  const aborted = new Promise<never>((_, reject) => {
    controller.signal.addEventListener('abort', () => reject(controller.signal.reason), { once: true });
  });
  aborted.catch(() => undefined);
  try {
    const output = await Promise.race([handler.run(context, params), aborted]);
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

/** Records an investigation gap (once per source and reason) with what it costs the conclusion. */
export function recordGap(engine: Engine, run: Run, spec: LeafStep, source: EvidenceSource, reason: string): void {
  const at = isoNow(engine);
  const gap = { source, reason, impact: `step '${spec.id}' (${spec.kind}) has no ${source} evidence; conclusions rest on the other sources` };
  run.ledger.apply((i) => {
    if (i.gaps.some((g) => g.source === gap.source && g.reason === gap.reason)) return;
    i.gaps.push(gap);
    i.timeline.push({ at, type: 'gap', source, summary: `${source} unavailable: ${reason}` });
  });
}
