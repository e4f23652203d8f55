/**
 * The persisted record of one incident's workflow: where it is (cursor), what each step did (inputs,
 * outputs, duration, attempts, error), what it waits for, and which actions it began executing. Saved
 * after every step, so a restarted agent resumes at the cursor: completed steps are not run again,
 * and an action with an execution claim is never executed a second time.
 */
export type StepStatus = 'running' | 'succeeded' | 'failed' | 'skipped' | 'timed-out' | 'gap' | 'waiting' | 'interrupted';

/** Statuses after which a step is done for its visit (it is not run again on resume). */
export const finishedStepStatuses: readonly StepStatus[] = ['succeeded', 'failed', 'skipped', 'timed-out', 'gap'];

export interface StepRecord {
  id: string;
  kind: string;
  /** The parallel group it ran in. */
  group?: string;
  /** 1 for the first time the step runs; goto loops visit steps again. */
  visit: number;
  status: StepStatus;
  startedAt: string;
  finishedAt?: string;
  durationMs?: number;
  attempts: number;
  /** Params after templating. */
  inputs?: unknown;
  /** The handler's result, truncated for the record. */
  output?: unknown;
  error?: string;
  /** Where the workflow went next (decide, goto). */
  next?: string;
  note?: string;
}

export interface ExecutionClaim {
  actionId: string;
  stepId: string;
  visit: number;
  /** Identifies the attempt that claimed it: a later attempt or run must not execute it again. */
  attemptKey: string;
  claimedAt: string;
  /** What the action was about to change, saved before its write (remediation/action.ts PlannedChange). */
  planned?: unknown;
  /**
   * Set by the run that found the action still `executing` after the agent stopped: the outcome is not
   * known, and the step that executes actions reconciles it with the live object.
   */
  interrupted?: string;
}

export interface WorkflowState {
  version: 1;
  incidentId: string;
  playbook: { name: string; file: string; reason: string };
  status: 'running' | 'awaiting-approval' | 'completed' | 'failed';
  /** The next step to run; absent once the workflow has ended. */
  cursor?: { stepId: string; visit: number };
  visits: Record<string, number>;
  records: StepRecord[];
  /** Latest output of each step, for `steps.<id>` in templates (large ones truncated). */
  outputs: Record<string, unknown>;
  awaiting?: {
    stepId: string;
    visit: number;
    /** The actions people must decide on. */
    actionIds: string[];
    since: string;
    expiresAt: string;
    /** Actions the policy approved at this gate: they run whatever people decide on the others. */
    policyApproved?: string[];
    /**
     * The step after the gate that executes the policy-approved actions while people decide; when it
     * ends, the workflow waits for the decisions (approval-gate.ts).
     */
    interim?: string;
  };
  executions: Record<string, ExecutionClaim>;
  /** Keys of notifications already sent, so a resumed workflow does not send them twice. */
  notified: string[];
  startedAt: string;
  updatedAt: string;
  finishedAt?: string;
  /** How many times a worker has (re)started this workflow. */
  runs: number;
  stepsRun: number;
  error?: string;
}

export function isWorkflowState(value: unknown): value is WorkflowState {
  return typeof value === 'object' && value !== null && (value as { version?: unknown }).version === 1 && Array.isArray((value as { records?: unknown }).records);
}

/** Keeps a value whole when its JSON is at most `maxChars`; otherwise a preview saying so. */
export function truncate(value: unknown, maxChars: number): unknown {
  if (value === undefined) return undefined;
  let text: string;
  try {
    text = JSON.stringify(value);
  } catch {
    return { truncated: true, preview: String(value).slice(0, maxChars) };
  }
  if (text === undefined) return undefined;
  if (text.length <= maxChars) return JSON.parse(text) as unknown;
  return { truncated: true, bytes: text.length, preview: text.slice(0, maxChars) };
}

/** The latest record of a step's visit. */
export function recordOf(state: WorkflowState, stepId: string, visit: number): StepRecord | undefined {
  for (let i = state.records.length - 1; i >= 0; i--) {
    const record = state.records[i]!;
    if (record.id === stepId && record.visit === visit) return record;
  }
  return undefined;
}
